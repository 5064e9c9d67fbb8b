"""Exact sums of weights per cross cell (and answer, or sampling unit), and the columns and
design sums of the counts table made from them.

Every sum of weights is exact until it is published, and rounded once. Each :class:`Term`
(the weights, or their squares, of some respondents) is added up per cross cell of the
grouping layout as exact integer limbs (:class:`rapstats.aggregate._exact.ExactSums`: the
weights are split into limb pieces once per export or batch, :class:`SplitWeights`, or come as
rows' exact sums, :class:`RowSums`). :func:`weighted_columns` and :func:`design_sums` then sum
those limbs into the cells of the layout (:meth:`Layout.per_cell`, on the limbs) and over the
answers of each row's base, still exactly, and round each published sum to the nearest float64
once (ties to even): the exactly rounded sum of the float64 terms, whatever the order of the
respondents, the batches or the parts they came in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from rapstats.aggregate._exact import ExactSums, rounded
from rapstats.aggregate._layout import tally
from rapstats.normalise import DesignCodes, Responses
from rapstats.spec import Question, Spec, fold_label

Key = tuple[str, str | None, str]
"""A term's key: question id, option (multi-select; else None) and the name of the sum
(``unit ...`` for the design sums per sampling unit)."""
PerCell = Callable[[np.ndarray], np.ndarray]
Totals = dict[Key, "ExactSums | np.ndarray"]
"""Per term: the exact sums per cross cell (x column) of a weighted term, the counts (int64,
cross cells x columns) of a count."""


class Weights(Protocol):
    """Where the exact sums of the weights come from (:class:`SplitWeights`, :class:`RowSums`)."""

    def add(
        self, sums: ExactSums, bins: np.ndarray, power: int, among: np.ndarray | None
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Term:
    """A sum per cross cell (and column) over some respondents (see the module notes).

    Attributes
    ----------
    key : tuple
        See :data:`Key`.
    power : int
        What is summed: 0 the respondents (a count), 1 their weights, 2 their squared weights.
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
    table per sampling unit); ``codes``: :func:`answer_codes` of a single-choice question."""
    among = responses.asked.get(q.id)
    if codes is not None:
        k = len(q.options) + 1
        yield Term((q.id, None, "w"), 1, among, codes, k, "answer")
        yield Term((q.id, None, "w2"), 2, among, codes, k, "answer")
        if units is not None:
            include, positive = base_masks(q)
            in_base = include[codes] if among is None else include[codes] & among
            yield from _unit_terms((q.id, None), in_base, in_base & positive[codes], units)
        return
    answered = responses.answered[q.id]
    yield Term((q.id, None, "wa"), 1, answered)
    yield Term((q.id, None, "wa2"), 2, answered)
    for j, option in enumerate(q.options):
        ticked = answered & responses.ticked[q.id][:, j]
        yield Term((q.id, option, "tw"), 1, ticked)
        yield Term((q.id, option, "tw2"), 2, ticked)
        if units is not None:
            yield from _unit_terms((q.id, option), answered, ticked, units)


def _unit_terms(
    row: tuple[str, str | None], in_base: np.ndarray, positive: np.ndarray, u: Units
) -> Iterator[Term]:
    """The design terms of one row of the table: per unit, respondents in its base and the
    sums of w and w*y (and, without ``ids``, of w**2 and w**2*y)."""
    named = [("n", in_base, 0), ("w", in_base, 1), ("wy", positive, 1)]
    if not u.by_psu:
        named += [("w2", in_base, 2), ("w2y", positive, 2)]
    for name, among, power in named:
        yield Term((*row, f"unit {name}"), power, among, u.of, u.size, "unit")


class CrossSums:
    """A term's sums per cross cell (and column): exact sums of weights
    (:class:`ExactSums` over ``n_cross * width`` bins) or counts (int64, ``(n_cross,
    width)``). The bins of a term's column are kept for the next, which often shares them.

    Parameters
    ----------
    cross : numpy.ndarray
        Each respondent's (row's) cross cell.
    n_cross : int
        Cross cells.
    weights : Weights, optional
        Where the sums of weights come from (None: counts only).
    frequency : numpy.ndarray, optional
        How many respondents each row stands for (None: one each).
    """

    def __init__(
        self,
        cross: np.ndarray,
        n_cross: int,
        weights: Weights | None = None,
        frequency: np.ndarray | None = None,
    ) -> None:
        self.cross, self.n_cross = cross, n_cross
        self.weights, self.frequency = weights, frequency
        self.column: tuple[np.ndarray | None, int] = (None, 1)
        self.bins = cross

    def __call__(self, term: Term, into: ExactSums | None = None) -> ExactSums | np.ndarray:
        """The term's sums (a weighted term's added ``into`` exact sums, when given)."""
        if self.column[0] is not term.column or self.column[1] != term.width:
            self.column = (term.column, term.width)
            self.bins = self.cross if term.column is None else self.cross * term.width + term.column
        size = self.n_cross * term.width
        if term.power == 0:
            bins = self.bins if term.among is None else self.bins[term.among]
            counted = tally(bins, size, None, self.frequency, term.among)
            return counted.reshape(self.n_cross, term.width)
        assert self.weights is not None  # only weighted responses have sums of weights
        sums = ExactSums(size) if into is None else into
        self.weights.add(sums, self.bins, term.power, term.among)
        return sums


def cell_limbs(sums: ExactSums, width: int, per_cell: PerCell) -> np.ndarray:
    """Exact sums per cross cell (x ``width`` columns) -> their limbs per cell of the layout
    (``(n_cells, width, limbs)``), summed exactly."""
    return per_cell(sums.limbs.reshape(-1, width, sums.limbs.shape[1]))


def rounded_limbs(limbs: np.ndarray, low: int, scale: int = 0) -> np.ndarray:
    """Limbs (any shape, limbs last; limb 0 at position ``low``) times ``2**scale``, each
    rounded once to float64 (ties to even)."""
    flat = limbs.reshape(-1, limbs.shape[-1])
    return rounded(flat, low, scale).reshape(limbs.shape[:-1])


def weighted_columns(
    q: Question, totals: Totals, per_cell: PerCell, scale: int = 0
) -> list[dict[str, np.ndarray]]:
    """The ``sum_w``, ``sum_wy``, ``sum_w2``, ``sum_w2y`` per cell of each row of question
    ``q`` (one; a multi-select: one per option), from the cross-cell ``totals`` (sums of the
    weights times ``2**-scale``), each rounded once."""

    def summed(key: Key, power: int, *columns: np.ndarray) -> list[np.ndarray]:
        """Per cell, the sum over the answers in each of ``columns`` (none: a sum per cell)."""
        sums = totals[key]
        assert isinstance(sums, ExactSums)
        if not columns:
            limbs = cell_limbs(sums, 1, per_cell)
            return [rounded_limbs(limbs[:, 0], sums.low, -power * scale)]
        limbs = cell_limbs(sums, len(columns[0]), per_cell)
        picked = np.stack([limbs[:, c].sum(axis=1) for c in columns])
        return list(rounded_limbs(picked, sums.low, -power * scale))

    if q.type == "single":
        include, positive = base_masks(q)
        (sum_w, sum_wy), (sum_w2, sum_w2y) = (
            summed((q.id, None, name), power, include, positive)
            for name, power in (("w", 1), ("w2", 2))
        )
        return [{"sum_w": sum_w, "sum_wy": sum_wy, "sum_w2": sum_w2, "sum_w2y": sum_w2y}]
    [sum_w], [sum_w2] = summed((q.id, None, "wa"), 1), summed((q.id, None, "wa2"), 2)
    return [
        {
            "sum_w": sum_w,
            "sum_wy": summed((q.id, option, "tw"), 1)[0],
            "sum_w2": sum_w2,
            "sum_w2y": summed((q.id, option, "tw2"), 2)[0],
        }
        for option in q.options
    ]


def design_sums(
    rows: list[tuple[str, str | None]],
    totals: Totals,
    per_cell: PerCell,
    units: int,
    by_psu: bool,
    scale: int = 0,
) -> dict[str, np.ndarray]:
    """The design sums (table rows x units) of the table's ``rows`` (question, option), in
    order, from the cross-cell ``totals`` (sums of the weights times ``2**-scale``), each
    rounded once."""
    keys = {"n": 0, "w": 1, "wy": 1} | ({} if by_psu else {"w2": 2, "w2y": 2})

    def per_row(row: tuple[str, str | None], name: str, power: int) -> np.ndarray:
        sums = totals[(*row, f"unit {name}")]
        if not isinstance(sums, ExactSums):  # a count
            return per_cell(sums).astype(np.float64)
        return rounded_limbs(cell_limbs(sums, units, per_cell), sums.low, -power * scale)

    return {
        name: np.concatenate([per_row(row, name, power) for row in rows])
        if rows
        else np.zeros((0, units))
        for name, power in keys.items()
    }


def table_rows(spec: Spec) -> list[tuple[str, str | None]]:
    """The (question, option) of each row of the counts table, in order."""
    return [row for q in spec.estimated_questions for row in question_rows(q)]


def question_rows(q: Question) -> list[tuple[str, str | None]]:
    """The (question, option) of each row of question ``q`` in the counts table."""
    return [(q.id, option) for option in ((None,) if q.type == "single" else q.options)]


def base_masks(q: Question) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over the answer columns (blank, options...) of the base and positives."""
    excluded = {fold_label(e) for e in q.exclude}
    positive = {fold_label(p) for p in q.positive}
    include = np.array([not q.exclude_blank] + [fold_label(o) not in excluded for o in q.options])
    pos = np.array([False] + [fold_label(o) in positive for o in q.options])
    return include, pos
