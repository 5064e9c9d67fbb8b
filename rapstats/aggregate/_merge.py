"""Counts of parts of one export added up: :func:`merge_counts`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from rapstats.aggregate._counts import Counts
from rapstats.aggregate._layout import blocks
from rapstats.table import Table


def merge_counts(parts: Sequence[Counts], levels: Mapping[str, Sequence[str]]) -> Counts:
    """The counts of the respondents of all ``parts`` together: counts add.

    Parameters
    ----------
    parts : sequence of Counts
        Counts of disjoint sets of respondents (batches of one export), made with the same spec
        and grouping variables.
    levels : mapping of str to sequence of str
        Each grouping variable's levels in the order of the whole export (every level of every
        part, in the group's order): the merged cells are in layout order over them, as
        :func:`aggregate` of all the respondents at once would give them.
    """
    first = parts[0]
    keys = [_cell_keys(c, levels) for c in parts]
    merged = np.unique(np.concatenate(keys))  # layout order: block, then levels in order
    at = [np.searchsorted(merged, k) for k in keys]
    n_cells = len(merged)

    def summed(arrays: list[np.ndarray]) -> np.ndarray:
        out = np.zeros((n_cells, *arrays[0].shape[1:]), dtype=arrays[0].dtype)
        for where, a in zip(at, arrays, strict=True):
            np.add.at(out, where, a)
        return out

    n_parts = len(first.table) // max(len(first.cells), 1)  # question x option blocks
    table: dict[str, np.ndarray] = {}
    for name in first.table.columns:
        if name in ("question", "option"):
            table[name] = np.repeat(first.table[name][:: max(len(first.cells), 1)], n_cells)
        elif name == "cell":
            table[name] = np.tile(np.arange(n_cells), n_parts)
        else:
            per_part = [c.table[name].reshape(n_parts, len(c.cells)).T for c in parts]
            table[name] = summed(per_part).T.reshape(-1)
    return Counts(
        by=first.by,
        cells=_cells_of(merged, first.by, levels),
        table=Table(table, length=n_parts * n_cells),
        answers={q: summed([c.answers[q] for c in parts]) for q in first.answers},
        weighted=first.weighted,
        n_total=sum(c.n_total for c in parts),
        respondents=summed([c.respondents for c in parts]),
        asked={q: summed([c.asked[q] for c in parts]) for q in first.asked},
    )


def _cell_keys(counts: Counts, levels: Mapping[str, Sequence[str]]) -> np.ndarray:
    """One int64 per cell of ``counts``, sorting as the layout orders cells over ``levels``:
    the block (overall, margins, cross), then the levels' positions within it."""
    by = counts.by
    sizes = [len(levels[name]) for name in by]
    index = [{label: i for i, label in enumerate(levels[name])} for name in by]
    layout_blocks = blocks(len(by))
    span = int(np.prod(sizes)) if sizes else 1
    labels = [counts.cells[name].tolist() for name in by]
    keys = np.empty(len(counts.cells), dtype=np.int64)
    for row in range(len(counts.cells)):
        axes = tuple(i for i in range(len(by)) if labels[i][row] is not None)
        flat = 0
        for i in axes:
            flat = flat * sizes[i] + index[i][labels[i][row]]
        keys[row] = layout_blocks.index(axes) * span + flat
    return keys


def _cells_of(keys: np.ndarray, by: tuple[str, ...], levels: Mapping[str, Sequence[str]]) -> Table:
    """The cells table of the sorted cell ``keys`` (see :func:`_cell_keys`)."""
    sizes = [len(levels[name]) for name in by]
    layout_blocks = blocks(len(by))
    span = int(np.prod(sizes)) if sizes else 1
    columns: dict[str, list[str | None]] = {name: [] for name in by}
    for key in keys.tolist():
        axes = layout_blocks[key // span]
        flat = key % span
        row: dict[str, str | None] = dict.fromkeys(by)
        for i in reversed(axes):
            flat, level = divmod(flat, sizes[i])
            row[by[i]] = levels[by[i]][level]
        for name in by:
            columns[name].append(row[name])
    return Table(columns, length=len(keys))
