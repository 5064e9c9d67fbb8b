"""Pool the coded responses of several waves (exports) into one survey with a wave group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rapstats.io import Coded, Export
from rapstats.normalise._columns import ColumnFinder
from rapstats.normalise._design import DesignCodes
from rapstats.normalise._groups import group_sort_key
from rapstats.spec import Group, Question, Spec

if TYPE_CHECKING:
    from rapstats.normalise import Responses

#: The grouping variable that says which wave (export) a respondent is from.
WAVE = "wave"


def pool_waves(waves: Sequence[Responses], names: Sequence[str]) -> Responses:
    """One :class:`~rapstats.normalise.Responses` of every wave's respondents, in wave order.

    Parameters
    ----------
    waves : sequence of Responses
        Each wave normalised on its own with one spec (``not_asked=True``) and the same groups.
    names : sequence of str
        The waves' names, one each: the levels of the group :data:`WAVE`, in this order.

    Returns
    -------
    Responses
        Answers stacked wave after wave; ``groups`` the waves' groups with their levels
        united (in each group's order) and :data:`WAVE` first; ``asked`` False for the
        respondents of a wave that did not ask a question; ``weights`` stacked.
    """
    from rapstats.normalise import Responses  # noqa: F811 - the class, at run time

    first = waves[0]
    spec = first.spec
    sizes = [w.n for w in waves]
    wave_codes = np.repeat(np.arange(len(waves), dtype=np.int32), sizes)
    groups = {WAVE: (wave_codes, tuple(names))}
    for name in first.groups:
        groups[name] = _united([w.groups[name] for w in waves], spec.group(name))
    asked_ids = dict.fromkeys(q for w in waves for q in w.asked)
    weights = None
    if first.weights is not None:
        weights = np.concatenate([w.weights for w in waves])
    return Responses(
        spec=spec,
        n=sum(sizes),
        answers={q: np.concatenate([w.answers[q] for w in waves]) for q in first.answers},
        ticked={q: np.vstack([w.ticked[q] for w in waves]) for q in first.ticked},
        answered={q: np.concatenate([w.answered[q] for w in waves]) for q in first.answered},
        groups=groups,
        weights=weights,
        text={q: _stacked([w.text[q] for w in waves]) for q in first.text},
        asked={
            q: np.concatenate([w.asked.get(q, np.ones(w.n, dtype=bool)) for w in waves])
            for q in asked_ids
        },
        design=_stacked_design([w.design for w in waves], names),
    )


def _stacked_design(designs: list[DesignCodes | None], names: Sequence[str]) -> DesignCodes | None:
    """The waves' designs as one: each wave an independent sample, so each of its strata is a
    stratum of the pool (labelled ``wave: stratum``) and its PSUs are its own."""
    if designs[0] is None:
        return None
    psu, psu_stratum, strata, psus = [], [], [], []
    for name, d in zip(names, designs, strict=True):
        psu.append(d.psu + sum(len(p) for p in psu_stratum))
        psu_stratum.append(d.psu_stratum + len(strata))
        strata += [f"{name}: {s}" for s in d.strata]
        psus += [(f"{name}: {s}", i) for s, i in d.psus]
    return DesignCodes(
        psu=np.concatenate(psu),
        psu_stratum=np.concatenate(psu_stratum),
        fpc=np.concatenate([d.fpc for d in designs]),
        strata=tuple(strata),
        psus=tuple(psus),
        weights=np.concatenate([d.weights for d in designs]),
    )


def check_asked(exports: Sequence[Export], spec: Spec) -> None:
    """Refuse a question none of whose columns is in any of ``exports``: not asked in every
    wave is a wrong spec, as a missing column is for one export (the same SpecError)."""
    finders = [ColumnFinder(e, spec) for e in exports]
    for q in spec.questions:
        if not any(_has(f, q) for f in finders):
            last = finders[-1]  # names the missing column, as for one export
            if q.columns:
                last.get(q.columns[0], q)
            last.question(q)


def _has(finder: ColumnFinder, q: Question) -> bool:
    """Whether the export has a column of ``q`` (one of its wordings or split columns)."""
    return any(finder.find(c) is not None for c in q.source_columns)


def _united(
    coded: list[tuple[np.ndarray, tuple[str, ...]]], group: Group
) -> tuple[np.ndarray, tuple[str, ...]]:
    """One group's codes over every wave: the union of the waves' levels, in its order."""
    levels = tuple(sorted({lv for _, lvs in coded for lv in lvs}, key=group_sort_key(group)))
    position = {lv: i for i, lv in enumerate(levels)}
    parts = [np.array([position[lv] for lv in lvs], dtype=np.int32)[c] for c, lvs in coded]
    return np.concatenate(parts) if parts else np.zeros(0, np.int32), levels


def _stacked(columns: list[Coded]) -> Coded:
    """Text columns of every wave as one (their distinct values united)."""
    categories = tuple(dict.fromkeys(v for c in columns for v in c.categories))
    position = {v: i for i, v in enumerate(categories)}
    parts = []
    for c in columns:
        remap = np.array([*(position[v] for v in c.categories), -1], dtype=np.int32)
        parts.append(remap[c.codes])  # code -1 (blank) picks the last slot
    return Coded(np.concatenate(parts), categories)
