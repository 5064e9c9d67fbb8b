"""Counts per question and cell: the sufficient statistics of every estimate."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rapstats.aggregate._design import DesignSums
from rapstats.table import Table


@dataclass(frozen=True, slots=True)
class Counts:
    """Counts per question x cell.

    Attributes
    ----------
    by : tuple of str
        Grouping variable names.
    cells : Table
        One row per cell, one column per grouping variable (None where the cell is not split
        by that variable), in layout order (overall, margins, cross).
    table : Table
        One row per question x option x cell: ``question``, ``option`` (None for
        single-choice), ``cell`` (row of ``cells``), ``n``, ``x``, and when weighted
        ``sum_w``, ``sum_wy``, ``sum_w2``, ``sum_w2y``.
    answers : dict
        Question id -> int64 array (cells x (1 + options)): column 0 counts blanks, column
        ``1 + i`` counts option ``i`` (for multi-select: ticks of option ``i``, and column 0
        respondents who did not answer).
    weighted : bool
        Whether the sums of weights are present.
    n_total : int
        Respondents in the export.
    respondents : numpy.ndarray
        Respondents (export rows) in each cell, whatever they answered.
    asked : dict
        Question id -> respondents in each cell who were asked it, for the questions not
        asked of everyone (one wave of several did not ask them); see :meth:`asked_in`.
    """

    by: tuple[str, ...]
    cells: Table
    table: Table
    answers: dict[str, np.ndarray]
    weighted: bool
    n_total: int
    respondents: np.ndarray
    asked: dict[str, np.ndarray] = field(default_factory=dict)
    design: DesignSums | None = None

    def asked_in(self, qid: str) -> np.ndarray:
        """Respondents in each cell who were asked question ``qid`` (0: not asked there)."""
        return self.asked.get(qid, self.respondents)
