"""One question's published tables as cells, units and additive relations for the engine.

:func:`protect_question` turns the rows (shares) and frequencies (answer counts) of one
question into the arrays of :func:`rapstats.protect.engine.secondary_suppression` and reads
its answer back. The cells, in order:

* row unit i (headline tier 1): cells 3i (base), 3i+1 (positive), 3i+2 (non-positive); a base
  published by policy (``publish_bases``) is split off into a unit of its own that is never
  suppressed (:func:`row_units`);
* one unit per answer count (:func:`frequency_units`);
* per cell of the grouping variables, its respondents: a virtual unit, never a complement,
  assumed known unless it is itself small (:func:`respondent_units`).

The relations are the ones ``docs/disclosure.md`` lists under "Secondary suppression": margins
within each table (:func:`rapstats.protect.engine.group_relations`), a multi-select question's
shared base, and the relations within a cell between a row and the answer counts
(:func:`cell_relations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rapstats.estimate.summary import group_column
from rapstats.labels import fold_label
from rapstats.protect.engine import group_relations, secondary_suppression
from rapstats.protect.rules import small_base
from rapstats.spec import Disclosure, Question
from rapstats.table import Table


def protect_question(
    rows: Table,
    rsel: np.ndarray,
    freq: Table,
    fsel: np.ndarray,
    by: tuple[str, ...],
    question: Question | None,
    s: Disclosure,
    primary: tuple[np.ndarray, np.ndarray],
    keeps_base: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Joint secondary suppression of one question's rows and frequencies.

    Parameters
    ----------
    rows, freq : Table
        The summary's rows and frequencies (all questions).
    rsel, fsel : numpy.ndarray of int
        This question's positions in ``rows`` and ``freq``.
    by : tuple of str
        The grouping variables.
    question : Question or None
        Its spec entry (its type and positive answers), None if the spec has none.
    s : Disclosure
        The thresholds.
    primary : (numpy.ndarray of bool, numpy.ndarray of bool)
        Rows and frequencies (all questions) withheld by a threshold rule.
    keeps_base : numpy.ndarray of bool
        Rows (all questions) whose base stays published when they are withheld.

    Returns
    -------
    suppressed : numpy.ndarray of bool
        This question's rows, then its frequencies: withheld.
    exposed : int
        Cells the engine could not protect; then everything of the question is withheld.
    """
    row_primary, fr_primary = primary
    r = _Rows.of(rows, rsel, by)
    p = _Problem()
    small = small_base(r.base, rows["respondents"][rsel], s)
    published_bases = row_units(p, r, small, row_primary[rsel], keeps_base[rsel], s)
    row_relations(p, r)
    if fsel.size:
        f = _Answers.of(freq, fsel, by)
        offset = frequency_units(p, f, fr_primary[fsel])
        single = question is not None and question.type == "single"
        cell_of = respondent_units(p, r, f, offset, single=single, min_count=s.min_count)
        cell_relations(p, r, f, offset, cell_of, question)
    for c in published_bases:
        p.split_off(c)
    n_published = rsel.size + fsel.size
    res = secondary_suppression(
        np.array(p.values),
        p.relations,
        np.array(p.primary, bool),
        unit=np.array(p.unit),
        cost=np.array(p.cost),
        eligible=np.array(p.eligible, bool),
        sensitive=np.array(p.sensitive, bool),
        tier=np.array([1] * rsel.size + [0] * (len(p.primary) - rsel.size)),
    )
    supp = res.suppressed
    if res.exposed.size:  # last resort: nothing of this question is published
        supp = supp.copy()
        supp[:n_published] = True
    return supp[:n_published], int(res.exposed.size)


def cell_keys(table: Table, rows: np.ndarray, by: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The grouping values of each selected row (None where the row is not split)."""
    if not by:
        return [()] * len(rows)
    return list(zip(*(table[group_column(g)][rows].tolist() for g in by), strict=True))


@dataclass(slots=True)
class _Problem:
    """The engine's inputs, built up unit by unit: cells (values, unit, sensitive), units
    (cost, eligible, primary) and relations (total cell, member cells)."""

    values: list[float] = field(default_factory=list)
    unit: list[int] = field(default_factory=list)
    sensitive: list[bool] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    eligible: list[bool] = field(default_factory=list)
    primary: list[bool] = field(default_factory=list)
    relations: list[tuple[int, Sequence[int]]] = field(default_factory=list)

    def add_unit(
        self,
        values: Sequence[float],
        sensitive: Sequence[bool],
        *,
        cost: float,
        primary: bool,
        eligible: bool = True,
    ) -> int:
        """A unit of the given cells; returns the index of its first cell."""
        first = len(self.values)
        self.values += values
        self.sensitive += sensitive
        self.unit += [len(self.primary)] * len(values)
        self.cost.append(cost)
        self.eligible.append(eligible)
        self.primary.append(primary)
        return first

    def split_off(self, cell: int) -> None:
        """Move ``cell`` into a unit of its own: published, never a complement."""
        self.unit[cell] = len(self.primary)
        self.cost.append(self.values[cell])
        self.eligible.append(False)
        self.primary.append(False)


@dataclass(frozen=True, slots=True)
class _Rows:
    """One question's rows: cell keys, option (None but for multi-select), base, positive."""

    keys: list[tuple[Any, ...]]
    option: list[Any]
    base: np.ndarray
    positive: np.ndarray

    @classmethod
    def of(cls, rows: Table, sel: np.ndarray, by: tuple[str, ...]) -> _Rows:
        return cls(
            keys=cell_keys(rows, sel, by),
            option=rows["option"][sel].tolist(),
            base=rows["base"][sel].astype(float),
            positive=rows["positive"][sel].astype(float),
        )


@dataclass(frozen=True, slots=True)
class _Answers:
    """One question's frequencies: cell keys, answers (and folded), kinds, counts, in base,
    and the frequencies of each cell (cells in order of first appearance)."""

    keys: list[tuple[Any, ...]]
    answer: list[str]
    kind: np.ndarray
    folded: list[str]
    count: np.ndarray
    in_base: np.ndarray
    by_cell: dict[tuple[Any, ...], list[int]]

    @classmethod
    def of(cls, freq: Table, sel: np.ndarray, by: tuple[str, ...]) -> _Answers:
        keys = cell_keys(freq, sel, by)
        answers = [str(a) for a in freq["answer"][sel].tolist()]
        by_cell: dict[tuple[Any, ...], list[int]] = {}
        for i, k in enumerate(keys):
            by_cell.setdefault(k, []).append(i)
        in_base = (
            freq["in_base"][sel].astype(bool) if "in_base" in freq else np.ones(sel.size, bool)
        )
        return cls(
            keys=keys,
            answer=answers,
            folded=[fold_label(a) for a in answers],
            kind=freq["kind"][sel],
            count=freq["count"][sel].astype(float),
            in_base=in_base,
            by_cell=by_cell,
        )


def row_units(
    p: _Problem,
    r: _Rows,
    small: np.ndarray,
    primary: np.ndarray,
    keeps_base: np.ndarray,
    s: Disclosure,
) -> list[int]:
    """Add a unit per row (base, positive, non-positive); return the cells of the bases
    published by policy, to be split off once every unit is in.

    A published base is not sensitive, and is known apart from the counts it splits into (a
    withheld row otherwise hides all three together, and its base is their sum implicitly).
    """
    published_bases = []
    for i, (base, pos) in enumerate(zip(r.base, r.positive, strict=True)):
        sensitive = [
            bool(small[i]) and not keeps_base[i],
            bool(small[i] or pos < s.min_count),
            bool(small[i] or base - pos < s.min_count),
        ]
        c = p.add_unit([base, pos, base - pos], sensitive, cost=base, primary=primary[i])
        if keeps_base[i]:
            published_bases.append(c)
            p.relations.append((c, [c + 1, c + 2]))
    return published_bases


def row_relations(p: _Problem, r: _Rows) -> None:
    """Margins of each option's rows (each of the three quantities), and a multi-select
    question's shared base (each option's base is the first option's)."""
    for opt in dict.fromkeys(r.option):
        idx = [i for i, o in enumerate(r.option) if o == opt]
        for total, members in group_relations([r.keys[i] for i in idx]):
            for qn in range(3):
                p.relations.append((3 * idx[total] + qn, [3 * idx[m] + qn for m in members]))
    first: dict[tuple[Any, ...], int] = {}
    for i, (key, opt) in enumerate(zip(r.keys, r.option, strict=True)):
        if opt is not None:
            j = first.setdefault(key, i)
            if j != i:
                p.relations.append((3 * j, [3 * i]))


def frequency_units(p: _Problem, f: _Answers, primary: np.ndarray) -> int:
    """Add a unit per answer count (sensitive: a real answer, or withheld) and each answer's
    margins; return the first count's cell."""
    offset = len(p.values)
    sensitive = primary | (f.kind == "answer")
    for m, count in enumerate(f.count.tolist()):
        p.add_unit([count], [sensitive[m]], cost=count, primary=primary[m])
    for ans in dict.fromkeys(f.answer):
        idx = [i for i, a in enumerate(f.answer) if a == ans]
        for total, members in group_relations([f.keys[i] for i in idx]):
            p.relations.append((offset + idx[total], [offset + idx[m] for m in members]))
    return offset


def respondent_units(
    p: _Problem, r: _Rows, f: _Answers, offset: int, *, single: bool, min_count: int
) -> dict[tuple[Any, ...], int]:
    """Add the respondents of each cell, a virtual unit; return each cell's respondents cell.

    They are conservatively assumed known (another question's frequencies would give them
    away) unless fewer than ``min_count``. A single-choice question's answers partition the
    cell's respondents; a multi-select question's respondents are the base plus those who
    did not answer.
    """
    first_row: dict[tuple[Any, ...], int] = {}
    for i, key in enumerate(r.keys):
        first_row.setdefault(key, i)
    cell_of = {}
    for key, members in f.by_cell.items():
        if single:
            n = f.count[members].sum()
        else:
            i = first_row.get(key)
            not_base = [m for m in members if not f.in_base[m]]
            n = (r.base[i] if i is not None else 0) + f.count[not_base].sum()
        cell = p.add_unit([n], [True], cost=n, primary=bool(0 < n < min_count), eligible=False)
        if single:
            p.relations.append((cell, [offset + m for m in members]))
        cell_of[key] = cell
    return cell_of


def cell_relations(
    p: _Problem,
    r: _Rows,
    f: _Answers,
    offset: int,
    cell_of: dict[tuple[Any, ...], int],
    question: Question | None,
) -> None:
    """The relations within each cell between a row and the answer counts.

    The cell's respondents are the row's base plus the answers outside the base. A
    multi-select option's positive count is that answer's frequency; otherwise the base is the
    sum of the in-base answer counts, and (with positive answers declared) the positive and
    non-positive counts the sums of the positive and other in-base answers.
    """
    positive = {fold_label(a) for a in question.positive} if question is not None else set()
    for i, key in enumerate(r.keys):
        members = f.by_cell.get(key)
        if members is None:
            continue
        not_base = [offset + m for m in members if not f.in_base[m]]
        p.relations.append((cell_of[key], [3 * i, *not_base]))
        if r.option[i] is not None:
            option = fold_label(r.option[i])
            same = [offset + m for m in members if f.folded[m] == option]
            if same:
                p.relations.append((3 * i + 1, same))
            continue
        in_base = [m for m in members if f.in_base[m]]
        p.relations.append((3 * i, [offset + m for m in in_base]))
        if positive:
            p.relations.append(
                (3 * i + 1, [offset + m for m in in_base if f.folded[m] in positive])
            )
            p.relations.append(
                (3 * i + 2, [offset + m for m in in_base if f.folded[m] not in positive])
            )
