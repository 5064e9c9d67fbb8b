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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from rapstats.errors import InputError
from rapstats.labels import BLANK_LABEL
from rapstats.normalise import DesignCodes, Responses
from rapstats.spec import Design, Question, fold_label
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


def aggregate(
    responses: Responses, by: tuple[str, ...] = (), *, frequency: np.ndarray | None = None
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
        (:mod:`rapstats.pipeline.spark`). Default None: one each. Unweighted specs only.
    """
    spec = responses.spec
    names = tuple(spec.group(b).name for b in by)
    layout = _Layout(responses, names, frequency)
    w = responses.weights
    if frequency is not None and (w is not None or responses.design is not None):
        raise ValueError("frequencies count unweighted responses only")
    units = _Units(responses.design, w) if responses.design is not None else None
    design_parts: list[dict[str, np.ndarray]] = []
    answers: dict[str, np.ndarray] = {}
    parts: list[tuple[str, str | None, dict[str, np.ndarray]]] = []
    asked: dict[str, np.ndarray] = {}
    for q in spec.estimated_questions:
        among = responses.asked.get(q.id)
        if among is not None:
            asked[q.id] = layout.count(among).astype(np.int64)
        if q.type == "single":
            answers[q.id], data = _single(layout, q, responses.answers[q.id], w, among)
            parts.append((q.id, None, data))
            if units is not None:
                include, positive = base_masks(q)
                codes = responses.answers[q.id].astype(np.int64) + 1
                in_base = include[codes] if among is None else include[codes] & among
                design_parts.append(units.sums(layout, in_base, in_base & positive[codes]))
        else:
            answers[q.id], per_option = _multi(
                layout, q, responses.ticked[q.id], responses.answered[q.id], w, among
            )
            parts += [(q.id, option, data) for option, data in per_option]
            if units is not None:
                answered = responses.answered[q.id]
                design_parts += [
                    units.sums(layout, answered, answered & responses.ticked[q.id][:, j])
                    for j in range(len(q.options))
                ]
    columns = ["question", "option", "cell", "n", "x"]
    if w is not None:
        columns += ["sum_w", "sum_wy", "sum_w2", "sum_w2y"]
    return Counts(
        by=names,
        cells=layout.cells,
        table=_table(parts, columns),
        answers=answers,
        weighted=w is not None,
        n_total=responses.n if frequency is None else int(frequency.sum()),
        respondents=layout.count().astype(np.int64),
        asked=asked,
        design=None if units is None else units.result(design_parts),
    )


class _Units:
    """The sampling units of a design and the sums of a row's base over them (see
    :class:`DesignSums`)."""

    def __init__(self, design: DesignCodes, w: np.ndarray) -> None:
        self.design = design
        self.by_psu = bool(design.psus)
        self.unit = design.psu if self.by_psu else design.psu_stratum[design.psu]
        self.size = len(design.psus) if self.by_psu else len(design.strata)
        self.w = w

    def sums(
        self, layout: _Layout, in_base: np.ndarray, positive: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Per cell and unit, the sums over the respondents ``in_base`` (and ``positive``)."""
        idx = layout.cross * self.size + self.unit
        shape = (layout.n_cross, self.size)
        w = self.w

        def total(values: np.ndarray) -> np.ndarray:
            flat = np.bincount(idx, weights=values, minlength=layout.n_cross * self.size)
            return layout.per_cell(flat.reshape(shape))

        wb, wy = np.where(in_base, w, 0.0), np.where(positive, w, 0.0)
        out = {"n": total(in_base.astype(float)), "w": total(wb), "wy": total(wy)}
        if not self.by_psu:
            out |= {"w2": total(wb * w), "w2y": total(wy * w)}
        return out

    def result(self, parts: list[dict[str, np.ndarray]]) -> DesignSums:
        """The design sums of every row of the table, in its order."""
        d = self.design
        keys = ["n", "w", "wy"] + ([] if self.by_psu else ["w2", "w2y"])
        sums = {
            k: np.concatenate([p[k] for p in parts]) if parts else np.zeros((0, self.size))
            for k in keys
        }
        return DesignSums(
            unit_stratum=d.psu_stratum if self.by_psu else np.arange(len(d.strata)),
            psus=np.bincount(d.psu_stratum, minlength=len(d.strata)),
            fpc=d.fpc,
            strata=d.strata,
            units=d.psus if self.by_psu else (),
            sums=sums,
            by_psu=self.by_psu,
        )


@dataclass(frozen=True, slots=True)
class DesignSums:
    """Design sums per row of :attr:`Counts.table` and sampling unit (see module notes).

    Attributes
    ----------
    unit_stratum : numpy.ndarray
        The stratum code of each unit: PSUs when the design has ``ids``, else the strata
        themselves (each response is then its own PSU).
    psus : numpy.ndarray
        PSUs per stratum in the whole sample (respondents, without ``ids``).
    fpc : numpy.ndarray
        The ``fpc`` value of each stratum (population of PSUs, or sampling fraction when all
        are at most 1; 0 without ``fpc``); :attr:`fraction` is the sampling fraction.
    strata : tuple of str
        Stratum labels by code; ``units`` the (stratum, id) labels of each PSU unit (empty
        without ``ids``): the keys on which the sums of two parts add up.
    sums : dict
        ``n`` (respondents in the base), ``w``, ``wy`` and, without ``ids``, ``w2``, ``w2y``:
        arrays (table rows x units).
    by_psu : bool
        Whether the units are PSUs (the design has ``ids``) or strata.
    """

    unit_stratum: np.ndarray
    psus: np.ndarray
    fpc: np.ndarray
    strata: tuple[str, ...]
    units: tuple[tuple[str, str], ...]
    sums: dict[str, np.ndarray]
    by_psu: bool

    @property
    def fraction(self) -> np.ndarray:
        """First-stage sampling fraction per stratum, n_h / N_h (0 without ``fpc``)."""
        if np.all(self.fpc <= 1):
            return self.fpc.astype(float)
        return self.psus / self.fpc

    def check(self, design: Design, path: object = None) -> None:
        """Raise an InputError if a stratum has one PSU (its variance cannot be estimated: R
        survey's default ``lonely.psu = "fail"``) or fewer population PSUs than sampled ones:
        checked on the sums of the whole sample, every part added."""
        lonely = np.flatnonzero(self.psus < 2)
        if len(lonely):
            raise InputError(
                f'stratum "{self.strata[lonely[0]]}" has only one PSU, so its variance cannot '
                f"be estimated ({len(lonely)} of {len(self.strata)} strata have one)",
                path=path,
                column=design.strata or design.ids,
                hint="merge it with a similar stratum in the strata column (R survey fails "
                'too, with its default options(survey.lonely.psu = "fail"))',
            )
        small = np.flatnonzero(self.fraction > 1)
        if len(small):
            h = small[0]
            raise InputError(
                f'the fpc of stratum "{self.strata[h]}" is {self.fpc[h]:g} PSUs, fewer than '
                f"the {self.psus[h]} sampled in it",
                path=path,
                column=design.fpc,
                hint="check the fpc column against the strata and cluster columns",
            )

    def merged(self, other: DesignSums) -> DesignSums:
        """The design sums of two parts of one sample (rows of the same table, in the same
        order), added unit by unit on the stratum and PSU labels."""
        strata = tuple(sorted(set(self.strata) | set(other.strata)))
        if not self.by_psu:  # the units are the strata; psus counts respondents
            place = [[strata.index(s) for s in part.strata] for part in (self, other)]
            units: tuple[tuple[str, str], ...] = ()
            unit_stratum = np.arange(len(strata))
        else:
            units = tuple(sorted(set(self.units) | set(other.units)))
            place = [[units.index(u) for u in part.units] for part in (self, other)]
            unit_stratum = np.array([strata.index(s) for s, _ in units], dtype=np.int64)
        sums = {}
        for key, mine in self.sums.items():
            total = np.zeros((mine.shape[0], len(unit_stratum)))
            total[:, place[0]] += mine
            total[:, place[1]] += other.sums[key]
            sums[key] = total
        fpc = np.zeros(len(strata))
        psus = np.zeros(len(strata), dtype=np.int64)
        for part in (self, other):
            at = [strata.index(s) for s in part.strata]
            if np.any((fpc[at] != 0) & (fpc[at] != part.fpc)):
                raise InputError(
                    "the fpc of a stratum differs between parts of the sample",
                    hint="give each stratum one fpc value in every file",
                )
            fpc[at] = part.fpc
            if not self.by_psu:
                psus[at] += part.psus
        if self.by_psu:
            psus = np.bincount(unit_stratum, minlength=len(strata))
        return DesignSums(unit_stratum, psus, fpc, strata, units, sums, self.by_psu)

    def per_stratum(self) -> dict[str, np.ndarray]:
        """Per row and stratum: ``n`` (PSUs with members of the row's base), ``w``, ``wy`` and
        the sums over PSUs of the squares and product of their totals, ``ww``, ``wwy``,
        ``wywy`` (what the linearised variance of a ratio needs)."""
        to_stratum = np.zeros((len(self.unit_stratum), len(self.psus)))
        to_stratum[np.arange(len(self.unit_stratum)), self.unit_stratum] = 1.0
        w, wy = self.sums["w"], self.sums["wy"]
        if self.by_psu:
            return {
                "n": (w > 0) @ to_stratum,
                "w": w @ to_stratum,
                "wy": wy @ to_stratum,
                "ww": (w * w) @ to_stratum,
                "wwy": (w * wy) @ to_stratum,
                "wywy": (wy * wy) @ to_stratum,
            }
        w2, w2y = self.sums["w2"], self.sums["w2y"]  # y² = y
        return {"n": self.sums["n"], "w": w, "wy": wy, "ww": w2, "wwy": w2y, "wywy": w2y}


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
            blocks = [c.table[name].reshape(n_parts, len(c.cells)).T for c in parts]
            table[name] = summed(blocks).T.reshape(-1)
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
    blocks = _blocks(len(by))
    span = int(np.prod(sizes)) if sizes else 1
    labels = [counts.cells[name].tolist() for name in by]
    keys = np.empty(len(counts.cells), dtype=np.int64)
    for row in range(len(counts.cells)):
        axes = tuple(i for i in range(len(by)) if labels[i][row] is not None)
        flat = 0
        for i in axes:
            flat = flat * sizes[i] + index[i][labels[i][row]]
        keys[row] = blocks.index(axes) * span + flat
    return keys


def _cells_of(keys: np.ndarray, by: tuple[str, ...], levels: Mapping[str, Sequence[str]]) -> Table:
    """The cells table of the sorted cell ``keys`` (see :func:`_cell_keys`)."""
    sizes = [len(levels[name]) for name in by]
    blocks = _blocks(len(by))
    span = int(np.prod(sizes)) if sizes else 1
    columns: dict[str, list[str | None]] = {name: [] for name in by}
    for key in keys.tolist():
        axes = blocks[key // span]
        flat = key % span
        row: dict[str, str | None] = dict.fromkeys(by)
        for i in reversed(axes):
            flat, level = divmod(flat, sizes[i])
            row[by[i]] = levels[by[i]][level]
        for name in by:
            columns[name].append(row[name])
    return Table(columns, length=len(keys))


class _Layout:
    """The cells of the grouping layout, and sums over them of per-respondent values.

    Every respondent has one code in the full cross of the grouping variables (``cross``);
    a count per cross cell is summed over the variables a block leaves out to give the
    counts of every cell, block after block (overall, margins, cross).
    """

    def __init__(
        self, responses: Responses, names: tuple[str, ...], frequency: np.ndarray | None = None
    ) -> None:
        self.frequency = frequency  # respondents per row (None: one each)
        codes = [responses.groups[name][0] for name in names]
        levels = [responses.groups[name][1] for name in names]
        self.m = len(names)
        self.sizes = [len(lv) for lv in levels]
        self.cross = np.zeros(responses.n, dtype=np.int64)
        for c, size in zip(codes, self.sizes, strict=True):
            self.cross = self.cross * size + c
        self.n_cross = int(np.prod(self.sizes)) if self.sizes else 1
        occupied = np.bincount(self.cross, minlength=self.n_cross).reshape(self.sizes or [1]) > 0
        self.blocks = _blocks(self.m)
        cell_rows: list[dict[str, str | None]] = []
        self.masks: list[np.ndarray] = []
        for axes in self.blocks:
            present = occupied.any(axis=tuple(i for i in range(self.m) if i not in axes))
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
        idx: np.ndarray,
        size: int,
        weights: np.ndarray | None = None,
        rows: np.ndarray | None = None,
    ) -> np.ndarray:
        """``np.bincount`` of ``idx`` (with ``weights``) over the respondents each row stands
        for (:attr:`frequency`); ``rows`` picks the rows ``idx`` and ``weights`` come from."""
        if self.frequency is None:
            return np.bincount(idx, weights=weights, minlength=size)
        f = self.frequency if rows is None else self.frequency[rows]
        counts = np.bincount(idx, weights=f if weights is None else weights * f, minlength=size)
        return counts.astype(np.int64) if weights is None else counts


def _single(
    layout: _Layout,
    q: Question,
    codes: np.ndarray,
    w: np.ndarray | None,
    asked: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Answer counts (cells x (1 + options)) and the per-cell sums of a single-choice question
    (of the respondents ``asked`` it: default all)."""
    k = len(q.options)
    idx = layout.cross * (k + 1) + (codes.astype(np.int64) + 1)
    size = layout.n_cross * (k + 1)
    if asked is not None:  # count only those asked: the others are in no cell of it
        idx = idx[asked]
        w = None if w is None else w[asked]
    tally = layout.tally(idx, size, rows=asked)
    counts = layout.per_cell(tally.reshape(layout.n_cross, k + 1))
    include, positive = base_masks(q)
    data = {"n": counts[:, include].sum(axis=1), "x": counts[:, positive].sum(axis=1)}
    if w is not None:
        shape = (layout.n_cross, k + 1)
        sw = layout.per_cell(np.bincount(idx, weights=w, minlength=size).reshape(shape))
        sw2 = layout.per_cell(np.bincount(idx, weights=w * w, minlength=size).reshape(shape))
        data |= {
            "sum_w": sw[:, include].sum(axis=1),
            "sum_wy": sw[:, positive].sum(axis=1),
            "sum_w2": sw2[:, include].sum(axis=1),
            "sum_w2y": sw2[:, positive].sum(axis=1),
        }
    return counts, data


def _multi(
    layout: _Layout,
    q: Question,
    ticked: np.ndarray,
    answered: np.ndarray,
    w: np.ndarray | None,
    asked: np.ndarray | None = None,
) -> tuple[np.ndarray, list[tuple[str, dict[str, np.ndarray]]]]:
    """Answer counts (cells x (1 + options)) and the per-cell sums of each option of a
    multi-select question (the base: respondents who answered it; those not ``asked`` it
    neither answered nor count as not answering)."""
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
    if w is not None:
        wa = np.where(answered, w, 0.0)
        sum_w, sum_w2 = layout.count(wa), layout.count(wa * w)
    per_option = []
    for j, option in enumerate(q.options):
        data = {"n": base.astype(np.int64), "x": ticks[:, j].astype(np.int64)}
        if w is not None:
            tw = np.where(ticked[:, j], w, 0.0)
            data |= {
                "sum_w": sum_w,
                "sum_wy": layout.count(tw),
                "sum_w2": sum_w2,
                "sum_w2y": layout.count(tw * w),
            }
        per_option.append((option, data))
    return answers, per_option


def _blocks(m: int) -> list[tuple[int, ...]]:
    """Layout blocks as tuples of variable indices: overall, each margin, the full cross."""
    blocks: list[tuple[int, ...]] = [()]
    blocks += [(i,) for i in range(m)]
    if m >= 2:
        blocks.append(tuple(range(m)))
    return blocks


def base_masks(q: Question) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over the answer columns (blank, options...) of the base and positives."""
    excluded = {fold_label(e) for e in q.exclude}
    positive = {fold_label(p) for p in q.positive}
    include = np.array([not q.exclude_blank] + [fold_label(o) not in excluded for o in q.options])
    pos = np.array([False] + [fold_label(o) in positive for o in q.options])
    return include, pos


def _table(parts: list[tuple[str, str | None, dict[str, np.ndarray]]], columns: list[str]) -> Table:
    """One long table from (question, option, per-cell arrays) parts, built in one go."""
    sizes = [len(data["n"]) for _, _, data in parts]
    questions = np.empty(len(parts), dtype=object)
    questions[:] = [q for q, _, _ in parts]
    options = np.empty(len(parts), dtype=object)
    options[:] = [o for _, o, _ in parts]
    out = {
        "question": np.repeat(questions, sizes),
        "option": np.repeat(options, sizes),
        "cell": np.concatenate([np.arange(k) for k in sizes]) if parts else np.zeros(0, int),
    }
    for key in columns[3:]:
        arrays = [np.asarray(data[key]) for _, _, data in parts]
        dtype = np.float64 if key.startswith("sum") else np.int64
        out[key] = np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)
    return Table(out)


__all__ = ["BLANK_LABEL", "Counts", "DesignSums", "aggregate", "merge_counts"]
