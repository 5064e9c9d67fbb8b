"""The cells of the grouping layout (overall, margins, cross) and sums over them."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np

from rapstats.normalise import Responses
from rapstats.table import Table


class Layout:
    """The cells of the grouping layout, and sums over them of per-cross-cell values.

    Every respondent has one code in the full cross of the grouping variables (``cross``);
    a sum per cross cell is summed over the variables a block leaves out to give the sums of
    every cell, block after block (overall, margins, cross). Only cells with a respondent
    (``occupied``) are cells.

    Parameters
    ----------
    names : tuple of str
        Grouping variables.
    levels : sequence of sequence of str
        Each variable's levels, in order.
    occupied : numpy.ndarray
        Per cross cell (C order over ``levels``), whether it holds a respondent.
    """

    def __init__(
        self, names: tuple[str, ...], levels: Sequence[Sequence[str]], occupied: np.ndarray
    ) -> None:
        self.m = len(names)
        self.sizes = [len(lv) for lv in levels]
        self.n_cross = int(np.prod(self.sizes)) if self.sizes else 1
        self.cross = np.zeros(0, dtype=np.int64)
        present_cross = occupied.reshape(self.sizes or [1])
        self.blocks = blocks(self.m)
        cell_rows: list[dict[str, str | None]] = []
        self.masks: list[np.ndarray] = []
        for axes in self.blocks:
            present = present_cross.any(axis=tuple(i for i in range(self.m) if i not in axes))
            self.masks.append(present.reshape(-1))
            ranges = [range(self.sizes[i]) for i in axes]
            for combo, ok in zip(product(*ranges), present.reshape(-1), strict=True):
                if ok:
                    row: dict[str, str | None] = dict.fromkeys(names)
                    for i, level in zip(axes, combo, strict=True):
                        row[names[i]] = levels[i][level]
                    cell_rows.append(row)
        self.cells = Table(
            {name: [row[name] for row in cell_rows] for name in names}, length=len(cell_rows)
        )

    frequency: np.ndarray | None = None
    """How many respondents each row stands for (None: one each): rows of distinct answers
    counted elsewhere (the Spark engine, :mod:`rapstats.pipeline.spark`)."""

    @classmethod
    def of(
        cls, responses: Responses, names: tuple[str, ...], frequency: np.ndarray | None = None
    ) -> Layout:
        """The layout of the respondents of ``responses`` by the groups ``names`` (each row
        ``frequency`` respondents)."""
        codes = [responses.groups[name][0] for name in names]
        levels = [responses.groups[name][1] for name in names]
        cross = np.zeros(responses.n, dtype=np.int64)
        for c, lv in zip(codes, levels, strict=True):
            cross = cross * len(lv) + c
        sizes = [len(lv) for lv in levels]
        n_cross = int(np.prod(sizes)) if sizes else 1
        layout = cls(names, levels, np.bincount(cross, minlength=n_cross) > 0)
        layout.cross = cross
        layout.frequency = frequency
        return layout

    def per_cell(self, flat: np.ndarray) -> np.ndarray:
        """Cross-cell array (n_cross, ...) -> cell array (n_cells, ...) over all blocks."""
        shaped = flat.reshape((*(self.sizes or [1]), *flat.shape[1:]))
        parts = []
        for axes, mask in zip(self.blocks, self.masks, strict=True):
            other = tuple(i for i in range(self.m) if i not in axes)
            summed = shaped.sum(axis=other) if other else shaped
            if not self.m:
                summed = summed.reshape((1, *flat.shape[1:]))
            parts.append(summed.reshape((-1, *flat.shape[1:]))[mask])
        return np.concatenate(parts, axis=0)

    def count(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Per cell: respondents, or the sum of ``weights`` over its respondents."""
        return self.per_cell(self.tally(self.cross, self.n_cross, weights))

    def tally(
        self,
        bins: np.ndarray,
        size: int,
        weights: np.ndarray | None = None,
        among: np.ndarray | None = None,
    ) -> np.ndarray:
        """``np.bincount`` of ``bins`` (with ``weights``) over the respondents each row
        stands for (:attr:`frequency`); ``among`` picks the rows ``bins`` come from."""
        return tally(bins, size, weights, self.frequency, among)


def tally(
    bins: np.ndarray,
    size: int,
    weights: np.ndarray | None = None,
    frequency: np.ndarray | None = None,
    among: np.ndarray | None = None,
) -> np.ndarray:
    """``np.bincount`` of ``bins`` (with ``weights``) over the respondents each row stands for
    (``frequency``, None: one each); ``among`` picks the rows ``bins`` come from."""
    if frequency is None:
        return np.bincount(bins, weights=weights, minlength=size)
    f = frequency if among is None else frequency[among]
    counts = np.bincount(bins, weights=f if weights is None else weights * f, minlength=size)
    return counts.astype(np.int64) if weights is None else counts


def blocks(m: int) -> list[tuple[int, ...]]:
    """Layout blocks as tuples of variable indices: overall, each margin, the full cross."""
    out: list[tuple[int, ...]] = [()]
    out += [(i,) for i in range(m)]
    if m >= 2:
        out.append(tuple(range(m)))
    return out
