"""Frequency tables: every answer label of every question per cell, with its share of the base.

The table is part of :class:`rapstats.estimate.summary.Summary` (``frequency_table``).
"""

from __future__ import annotations

import numpy as np

from rapstats.aggregate import Counts, base_masks
from rapstats.estimate.columns import (
    FREQ_COLUMNS,
    STATUS_COLUMNS,
    column_order,
    group_column,
    status_columns,
)
from rapstats.labels import BLANK_LABEL, NOT_ANSWERED_LABEL
from rapstats.spec import Question, Spec
from rapstats.table import Table


def frequencies(counts: Counts, spec: Spec) -> Table:
    """Every answer label per question and cell: count, share of the base, whether in base.

    Columns ``question``, one :func:`~rapstats.estimate.columns.group_column` per grouping
    variable, then those of :data:`~rapstats.estimate.columns.FREQ_COLUMNS` (bar ``flag``)
    and :data:`~rapstats.estimate.columns.STATUS_COLUMNS`.
    """
    parts: list[dict[str, np.ndarray]] = []
    cells = counts.cells
    for q in spec.estimated_questions:
        table = counts.answers[q.id]
        if q.type == "single":
            labels = [BLANK_LABEL, *q.options]
            first_kind = "blank"
            include, _ = base_masks(q)
            base = table[:, include].sum(axis=1)
        else:
            labels = [NOT_ANSWERED_LABEL, *q.options]
            first_kind = "not_answered"
            include = np.array([False] + [True] * len(q.options))
            base = _multi_base(counts, q)
        n_cells, n_labels = table.shape
        with np.errstate(invalid="ignore", divide="ignore"):
            share = table / base[:, None]
        share = np.where(include[None, :] & (base[:, None] > 0), share, np.nan)
        cell = np.repeat(np.arange(n_cells), n_labels)
        answer = np.empty(n_labels, dtype=object)
        answer[:] = labels
        kind = np.empty(n_labels, dtype=object)
        kind[:] = [first_kind] + ["answer"] * len(q.options)
        parts.append(
            {
                "question": np.full(n_cells * n_labels, q.id, dtype=object),
                **{group_column(name): cells[name][cell] for name in counts.by},
                "answer": np.tile(answer, n_cells),
                "kind": np.tile(kind, n_cells),
                "count": table.reshape(-1).astype(np.int64),
                "share_of_base": share.reshape(-1),
                "in_base": np.tile(include, n_cells),
                **status_columns(counts.asked_in(q.id)[cell]),
            }
        )
    names = [*column_order(counts.by, FREQ_COLUMNS[:-1]), *STATUS_COLUMNS]
    if not parts:
        empty = {
            "count": np.int64,
            "share_of_base": float,
            "in_base": bool,
            "respondents": np.int64,
        }
        return Table({k: np.zeros(0, dtype=empty.get(k, object)) for k in names})
    return Table({k: np.concatenate([part[k] for part in parts]) for k in names})


def _multi_base(counts: Counts, q: Question) -> np.ndarray:
    t = counts.table
    first = (t["question"] == q.id) & (t["option"] == q.options[0])
    return t["n"][first].astype(np.int64)
