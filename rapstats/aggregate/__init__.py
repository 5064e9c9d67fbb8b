"""Aggregate coded responses to counts: the sufficient statistics of every estimate.

For each question (and each option of a multi-select question) and each cell of the grouping
layout, :func:`aggregate` counts the base ``n`` (respondents in the base), the positives ``x``
and, for weighted data, ``sum_w``, ``sum_wy``, ``sum_w2`` and ``sum_w2y`` (sums of w, w*y, w**2
and w**2*y over the base, y = 1 for a positive answer). It also keeps the full answer
distribution for frequency tables and charts. With a full survey design (``[survey] strata``,
``ids``, ``fpc``) it also keeps :class:`DesignSums`: per row of the table, the sums of w and w*y
over the base in each PSU (or, without ``ids``, the sums of w, w*y, w**2 and w**2*y in each
stratum): additive, so that parts of an export can be aggregated apart and added up.

Cells
-----
With grouping variables ``by = (g1, ..., gm)`` the cells are: the overall cell; the margin of
each variable (one cell per level); and, when m >= 2, the full cross of all of them. Only
combinations that hold at least one respondent are cells. The counts of the full cross are
made with one ``np.bincount`` per question over combined codes, and every margin is a sum of
that array, so margins add up exactly.

Exact sums
----------
Every published sum of weights (``sum_w`` ... ``sum_w2y`` per cell, the design sums per unit)
is the *exactly rounded* sum of its float64 terms (w, or fl(w * w), of each respondent): the
terms are added per cross cell as exact integer limbs (:mod:`rapstats.aggregate._exact`), the
limbs summed exactly into the cells of the layout and over the answers of each row's base, and
the result rounded to the nearest float64 once, at the published cell (ties to even). So the
bits do not depend on the order of the respondents, nor on how the export was cut up.

Batches
-------
The counts of batches of one export add up (:func:`merge_counts`); so do their exact sums of
weights (:class:`StreamedSums`), which end as the same bits as :func:`aggregate` of the whole
export. Rows of distinct answers counted elsewhere (the Spark engine) bring their own exact
sums (:class:`RowSums`, ``aggregate(frequency=, sums=)``): the same bits again.
"""

from __future__ import annotations

import numpy as np

from rapstats.aggregate._counts import Counts
from rapstats.aggregate._design import DesignSums
from rapstats.aggregate._exact import limbs_of
from rapstats.aggregate._layout import Layout
from rapstats.aggregate._merge import merge_counts
from rapstats.aggregate._stream import StreamedSums
from rapstats.aggregate._sums import (
    CrossSums,
    Term,
    Units,
    Weights,
    answer_codes,
    base_masks,
    design_sums,
    question_rows,
    question_terms,
    table_rows,
    weighted_columns,
)
from rapstats.aggregate._weights import RowSums, SplitWeights
from rapstats.labels import BLANK_LABEL
from rapstats.normalise import Responses
from rapstats.spec import Question
from rapstats.table import Table


def aggregate(
    responses: Responses,
    by: tuple[str, ...] = (),
    *,
    frequency: np.ndarray | None = None,
    sums: RowSums | None = None,
) -> Counts:
    """Count answers per question and cell of the grouping layout (see module notes).

    Parameters
    ----------
    responses : Responses
        From :func:`rapstats.normalise.normalise`, with groups for every name in ``by``.
    by : tuple of str
        Group names, in the order their columns appear in outputs.
    frequency : numpy.ndarray, optional
        How many respondents each row stands for (int64, each at least 1): rows of distinct
        answers counted elsewhere, as the Spark engine counts them
        (:mod:`rapstats.pipeline.spark`). Default None: one each. Weighted (or with a design)
        only with ``sums``.
    sums : RowSums, optional
        With ``frequency``: the exact sums of the weights of each row's respondents; the
        counts are weighted, from these sums (``responses.weights`` is ignored; the design
        codes come from ``responses.design``), and the same, bit for bit, as the counts of
        the individual responses. Default None.
    """
    spec = responses.spec
    names = tuple(spec.group(b).name for b in by)
    if sums is not None and frequency is None:
        raise ValueError("row sums of weights need the rows' frequencies")
    weights: Weights | None = sums
    if sums is None and responses.weights is not None:
        if frequency is not None:
            raise ValueError("frequencies of weighted rows need their sums of weights (sums=)")
        weights = SplitWeights(responses.weights)
    weighted = weights is not None
    layout = Layout.of(responses, names, frequency)
    answers: dict[str, np.ndarray] = {}
    parts: list[dict[str, np.ndarray]] = []
    asked: dict[str, np.ndarray] = {}
    units = None
    if weighted and responses.design is not None:
        units = Units.of_design(responses.design)
    # the bins of an answer's count serve its sums of weights
    cross = CrossSums(layout.cross, layout.n_cross, weights, frequency)
    columns: list[dict[str, np.ndarray]] = []
    per_cell = layout.per_cell
    per_unit = [design_sums([], {}, per_cell, units.size, units.by_psu)] if units else []
    for q in spec.estimated_questions:
        among = responses.asked.get(q.id)
        if among is not None:
            asked[q.id] = layout.count(among).astype(np.int64)
        codes = None
        if q.type == "single":
            codes = answer_codes(responses, q)
            k = len(q.options) + 1
            counted = cross(Term((q.id, None, "n"), 0, among, codes, k, "answer"))
            answers[q.id], data = _single(layout, q, counted)
            parts.append(data)
        else:
            answers[q.id], per_option = _multi(
                layout, q, responses.ticked[q.id], responses.answered[q.id], among
            )
            parts += per_option
        if weighted:  # a question's exact sums, rounded before the next question's are made
            totals = {t.key: cross(t) for t in question_terms(responses, q, codes, units)}
            columns += weighted_columns(q, totals, per_cell)
            if units is not None:
                rows = question_rows(q)
                per_unit.append(design_sums(rows, totals, per_cell, units.size, units.by_psu))
    parts = [p | c for p, c in zip(parts, columns, strict=True)] if weighted else parts
    design = None
    if units is not None and responses.design is not None:
        sums = {key: np.concatenate([d[key] for d in per_unit]) for key in per_unit[0]}
        design = DesignSums.of_codes(responses.design, sums, frequency)
    return Counts(
        by=names,
        cells=layout.cells,
        table=counts_table(table_rows(spec), parts, weighted),
        answers=answers,
        weighted=weighted,
        n_total=responses.n if frequency is None else int(frequency.sum()),
        respondents=layout.count().astype(np.int64),
        asked=asked,
        design=design,
    )


def _single(
    layout: Layout, q: Question, counted: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Answer counts (cells x (1 + options)) and the per-cell base and positives of a
    single-choice question, from its ``counted`` answers per cross cell (of the respondents
    asked it)."""
    counts = layout.per_cell(counted)
    include, positive = base_masks(q)
    return counts, {"n": counts[:, include].sum(axis=1), "x": counts[:, positive].sum(axis=1)}


def _multi(
    layout: Layout,
    q: Question,
    ticked: np.ndarray,
    answered: np.ndarray,
    asked: np.ndarray | None = None,
) -> tuple[np.ndarray, list[dict[str, np.ndarray]]]:
    """Answer counts (cells x (1 + options)) and the per-cell base and positives of each
    option of a multi-select question (the base: respondents who answered it; those not
    ``asked`` it neither answered nor count as not answering)."""
    base = layout.count(answered)
    ticks = layout.per_cell(
        np.column_stack(
            [
                layout.tally(layout.cross, layout.n_cross, ticked[:, j])
                for j in range(ticked.shape[1])
            ]
        )
    )
    silent = ~answered if asked is None else asked & ~answered
    answers = np.column_stack([layout.count(silent), ticks]).astype(np.int64)
    per_option = [
        {"n": base.astype(np.int64), "x": ticks[:, j].astype(np.int64)}
        for j in range(len(q.options))
    ]
    return answers, per_option


def counts_table(
    rows: list[tuple[str, str | None]], parts: list[dict[str, np.ndarray]], weighted: bool
) -> Table:
    """The counts table: one row per question x option x cell, from the per-cell arrays of
    each (question, option) row, built in one go."""
    sizes = [len(data["n"]) for data in parts]
    questions = np.empty(len(rows), dtype=object)
    questions[:] = [q for q, _ in rows]
    options = np.empty(len(rows), dtype=object)
    options[:] = [o for _, o in rows]
    out = {
        "question": np.repeat(questions, sizes),
        "option": np.repeat(options, sizes),
        "cell": np.concatenate([np.arange(k) for k in sizes]) if parts else np.zeros(0, int),
    }
    keys = ["n", "x"] + (["sum_w", "sum_wy", "sum_w2", "sum_w2y"] if weighted else [])
    for key in keys:
        arrays = [np.asarray(data[key]) for data in parts]
        dtype = np.float64 if key.startswith("sum") else np.int64
        out[key] = np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)
    return Table(out)


__all__ = [
    "BLANK_LABEL",
    "Counts",
    "DesignSums",
    "RowSums",
    "StreamedSums",
    "aggregate",
    "base_masks",
    "limbs_of",
    "merge_counts",
]
