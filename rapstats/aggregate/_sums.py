"""Sums of weights per cross cell (and answer, or sampling unit), and the columns and design
sums of the counts table made from them.

Every floating-point sum is made in two steps. First each :class:`Term` (one value per
respondent: a weight, a squared weight, a count) is added up per cross cell of the grouping
layout, respondent after respondent in the order of the export (``np.bincount`` over the whole
export; ``np.add.at`` batch after batch into the same arrays when it is streamed, which adds in
the same order and so gives the same bits). Then :func:`weighted_columns` and
:func:`design_sums` sum those cross-cell totals into the cells of the layout
(:meth:`Layout.per_cell`) and over the answers of each row's base, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from rapstats.aggregate._layout import Layout
from rapstats.normalise import DesignCodes, Responses
from rapstats.spec import Question, Spec, fold_label

Key = tuple[str, str | None, str]
"""A term's key: question id, option (multi-select; else None) and the name of the sum
(``unit ...`` for the design sums per sampling unit)."""
PerCell = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, slots=True)
class Term:
    """Per-respondent values summed per cross cell (see the module notes).

    Attributes
    ----------
    key : tuple
        See :data:`Key`.
    values : numpy.ndarray or None
        One value per respondent; None counts the respondents.
    power : int
        How the sum scales with the weights: 0 (a count), 1 or 2 (squared weights).
    among : numpy.ndarray, optional
        The respondents summed (default all).
    column : numpy.ndarray, optional
        Per respondent, the column of the sum: its answer code (``kind`` ``'answer'``) or its
        sampling unit (``'unit'``); None: one sum per cross cell.
    width : int
        Columns (answers, or units).
    kind : str
        ``'cell'``, ``'answer'`` or ``'unit'``.
    """

    key: Key
    values: np.ndarray | None
    power: int
    among: np.ndarray | None = None
    column: np.ndarray | None = None
    width: int = 1
    kind: str = "cell"


@dataclass(frozen=True, slots=True)
class Units:
    """The sampling units of a design: each respondent's unit, and how many there are (PSUs
    with ``[survey] ids``, else strata, each response its own PSU)."""

    of: np.ndarray
    size: int
    by_psu: bool

    @classmethod
    def of_design(cls, design: DesignCodes) -> Units:
        by_psu = bool(design.psus)
        if by_psu:
            return cls(design.psu, len(design.psus), True)
        return cls(design.psu_stratum[design.psu], len(design.strata), False)


def terms(responses: Responses, units: Units | None) -> Iterator[Term]:
    """The weighted terms of every estimated question (:func:`question_terms`)."""
    for q in responses.spec.estimated_questions:
        codes = answer_codes(responses, q) if q.type == "single" else None
        yield from question_terms(responses, q, codes, units)


def answer_codes(responses: Responses, q: Question) -> np.ndarray:
    """Each respondent's answer to single-choice ``q`` as a column: 0 blank, 1 + option."""
    return responses.answers[q.id].astype(np.int64) + 1


def question_terms(
    responses: Responses, q: Question, codes: np.ndarray | None, units: Units | None
) -> Iterator[Term]:
    """The weighted terms of question ``q`` (and, with a design, of each of its rows of the
    table per sampling unit); ``codes``: :func:`answer_codes` of a single-choice question.
    ``responses.weights`` is not None."""
    w = responses.weights
    assert w is not None  # only weighted responses have sums
    among = responses.asked.get(q.id)
    if codes is not None:
        k = len(q.options) + 1
        yield Term((q.id, None, "w"), w, 1, among, codes, k, "answer")
        yield Term((q.id, None, "w2"), w * w, 2, among, codes, k, "answer")
        if units is not None:
            include, positive = base_masks(q)
            in_base = include[codes] if among is None else include[codes] & among
            yield from _unit_terms((q.id, None), in_base, in_base & positive[codes], w, units)
        return
    answered = responses.answered[q.id]
    wa = np.where(answered, w, 0.0)
    yield Term((q.id, None, "wa"), wa, 1)
    yield Term((q.id, None, "wa2"), wa * w, 2)
    for j, option in enumerate(q.options):
        tw = np.where(responses.ticked[q.id][:, j], w, 0.0)
        yield Term((q.id, option, "tw"), tw, 1)
        yield Term((q.id, option, "tw2"), tw * w, 2)
        if units is not None:
            ticked = answered & responses.ticked[q.id][:, j]
            yield from _unit_terms((q.id, option), answered, ticked, w, units)


def _unit_terms(
    row: tuple[str, str | None], in_base: np.ndarray, positive: np.ndarray, w: np.ndarray, u: Units
) -> Iterator[Term]:
    """The design terms of one row of the table: per unit, respondents in its base and the
    sums of w and w*y (and, without ``ids``, of w**2 and w**2*y)."""
    wb, wy = np.where(in_base, w, 0.0), np.where(positive, w, 0.0)
    named = [("n", in_base.astype(float), 0), ("w", wb, 1), ("wy", wy, 1)]
    if not u.by_psu:
        named += [("w2", wb * w, 2), ("w2y", wy * w, 2)]
    for name, values, power in named:
        yield Term((*row, f"unit {name}"), values, power, None, u.of, u.size, "unit")


class Bincounts:
    """A term's sums per cross cell (and column) over the respondents of ``layout``
    (``np.bincount``); the bins of a term are kept for the next, which often shares its
    respondents and columns (w, then w**2)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.of: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
        self.bins = layout.cross

    def __call__(self, term: Term) -> np.ndarray:
        layout, values = self.layout, term.values
        if term.among is not None and values is not None:
            values = values[term.among]
        if self.of[0] is not term.among or self.of[1] is not term.column:
            cross = layout.cross if term.among is None else layout.cross[term.among]
            if term.column is not None:
                column = term.column if term.among is None else term.column[term.among]
                cross = cross * term.width + column
            self.of, self.bins = (term.among, term.column), cross
        if term.column is None:
            return layout.tally(self.bins, layout.n_cross, values, term.among)
        size = layout.n_cross * term.width
        flat = layout.tally(self.bins, size, values, term.among)
        return flat.reshape(layout.n_cross, term.width)


def weighted_columns(
    q: Question, totals: dict[Key, np.ndarray], per_cell: PerCell
) -> list[dict[str, np.ndarray]]:
    """The ``sum_w``, ``sum_wy``, ``sum_w2``, ``sum_w2y`` per cell of each row of question
    ``q`` (one; a multi-select: one per option), from the cross-cell ``totals``."""
    if q.type == "single":
        include, positive = base_masks(q)
        sw, sw2 = per_cell(totals[(q.id, None, "w")]), per_cell(totals[(q.id, None, "w2")])
        return [
            {
                "sum_w": sw[:, include].sum(axis=1),
                "sum_wy": sw[:, positive].sum(axis=1),
                "sum_w2": sw2[:, include].sum(axis=1),
                "sum_w2y": sw2[:, positive].sum(axis=1),
            }
        ]
    sum_w, sum_w2 = per_cell(totals[(q.id, None, "wa")]), per_cell(totals[(q.id, None, "wa2")])
    return [
        {
            "sum_w": sum_w,
            "sum_wy": per_cell(totals[(q.id, option, "tw")]),
            "sum_w2": sum_w2,
            "sum_w2y": per_cell(totals[(q.id, option, "tw2")]),
        }
        for option in q.options
    ]


def design_sums(
    rows: list[tuple[str, str | None]],
    totals: dict[Key, np.ndarray],
    per_cell: PerCell,
    units: int,
    by_psu: bool,
) -> dict[str, np.ndarray]:
    """The design sums (table rows x units) of the table's ``rows`` (question, option), in
    order, from the cross-cell ``totals``."""
    keys = ["n", "w", "wy"] + ([] if by_psu else ["w2", "w2y"])
    return {
        k: np.concatenate([per_cell(totals[(*row, f"unit {k}")]) for row in rows])
        if rows
        else np.zeros((0, units))
        for k in keys
    }


def table_rows(spec: Spec) -> list[tuple[str, str | None]]:
    """The (question, option) of each row of the counts table, in order."""
    return [
        (q.id, option)
        for q in spec.estimated_questions
        for option in ((None,) if q.type == "single" else q.options)
    ]


def base_masks(q: Question) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over the answer columns (blank, options...) of the base and positives."""
    excluded = {fold_label(e) for e in q.exclude}
    positive = {fold_label(p) for p in q.positive}
    include = np.array([not q.exclude_blank] + [fold_label(o) not in excluded for o in q.options])
    pos = np.array([False] + [fold_label(o) in positive for o in q.options])
    return include, pos
