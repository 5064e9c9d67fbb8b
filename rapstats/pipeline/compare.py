"""Compare waves of a survey: the change of every headline share, tested and protected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rapstats.errors import RapstatsError
from rapstats.pipeline.survey import Estimation, Opened, ReadOptions, open_survey, summarise
from rapstats.table import Table
from rapstats.vocab import COMPARE_AGAINST

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary
    from rapstats.spec import Spec

AGAINST = COMPARE_AGAINST


@dataclass(frozen=True, slots=True)
class Comparison:
    """The protected comparison rows (``CHANGE_COLUMNS`` of :mod:`rapstats.estimate.columns`,
    plus ``symbol`` and the grouping columns of ``by``): for waves, the changes of
    :func:`rapstats.estimate.waves.compare_waves`, one block per pair, named in ``wave_from``
    and ``wave_to``; the wave names; each wave's protected headline summary; the grouping
    variables the rows are split by."""

    changes: Table
    waves: tuple[str, ...]
    summaries: tuple[Summary, ...]
    by: tuple[str, ...] = ()


def compare_files(
    exports: Sequence[str | Path],
    spec: str | Path | Spec | None = None,
    *,
    wave_names: Sequence[str] | None = None,
    against: str = "previous",
    read: ReadOptions | None = None,
    estimation: Estimation | None = None,
    unsafe_no_suppression: bool = False,
) -> tuple[Comparison, tuple[str, ...]]:
    """The change of every headline share between waves, given oldest first.

    Every export is read with one spec (given, else inferred from the latest export) and the
    same ``read`` options; ``estimation`` overrides the spec's defaults (default: none). Each
    wave is compared with the one before it (``against="previous"``) or with the first
    (``"first"``); a question absent from a wave is left out of its pairs. Each wave is
    protected as a headline publication, and a change is withheld where either wave's share
    is. p-values are adjusted across the changes of each pair.

    Parameters
    ----------
    exports : sequence of str or Path
        Two or more exports, oldest first.
    wave_names : sequence of str, optional
        One name per export. Default: the file names without their extension (made unique).

    Returns
    -------
    comparison : Comparison
    notes : tuple of str
        What the user should be told (rows read from each export, columns dropped...).
    """
    names = _names(exports, wave_names)
    if against not in AGAINST:
        raise RapstatsError(f"against is {against!r}", hint="use one of " + ", ".join(AGAINST))
    read = read or ReadOptions()
    latest = open_survey(exports[-1], spec, read=read)
    opened = [open_survey(p, latest.spec, read=read) for p in exports[:-1]] + [latest]
    pairs = [(0 if against == "first" else j - 1, j) for j in range(1, len(exports))]
    blocks: list[Table] = []
    summaries: dict[int, Summary] = {}
    for i, j in pairs:
        later, earlier, changes = _wave_change(
            opened[j], opened[i], estimation or Estimation(), unsafe_no_suppression
        )
        summaries[i], summaries[j] = earlier, later
        n = len(changes)
        pair = {
            "kind": ["change"] * n,
            "comparison": [against] * n,
            "wave_from": [names[i]] * n,
            "wave_to": [names[j]] * n,
            "level": [None] * n,
            "against": [None] * n,
        }
        blocks.append(Table({**pair, **{c: changes[c] for c in changes.columns}}, length=n))
    changes = Table({c: np.concatenate([b[c] for b in blocks]) for c in blocks[0].columns})
    notes = tuple(n for o in opened for n in o.notes)
    ordered = tuple(summaries[k] for k in sorted(summaries))
    return Comparison(changes=changes, waves=tuple(names), summaries=ordered), notes


def _wave_change(
    now: Opened, previous: Opened, estimation: Estimation, unsafe: bool
) -> tuple[Summary, Summary, Table]:
    """Both waves' protected headline summaries, and the protected change between them."""
    from rapstats.estimate.waves import compare_waves
    from rapstats.protect import protect, protect_changes

    publish = ("rows", "frequencies")
    raw_now = summarise(now, (), estimation, publish)
    raw_before = summarise(previous, (), estimation, publish)
    changes = compare_waves(raw_now, raw_before, confidence=raw_now.spec.methods.confidence)
    protected_now = protect(raw_now, unsafe_no_suppression=unsafe, publish=publish)
    before = protect(raw_before, unsafe_no_suppression=unsafe, publish=publish)
    return protected_now, before, protect_changes(changes, protected_now, before)


def _names(exports: Sequence[str | Path], given: Sequence[str] | None) -> list[str]:
    """The waves' names: as given (one per export), else the file names without extension."""
    if len(exports) < 2:
        raise RapstatsError("compare needs at least two exports", hint="give two or more")
    if given is not None:
        if len(given) != len(exports):
            raise RapstatsError(
                f"{len(given)} wave names for {len(exports)} exports",
                hint="give one name per export, oldest first",
            )
        if len(set(given)) != len(given):
            twice = next(n for n in given if list(given).count(n) > 1)
            raise RapstatsError(
                f"the wave name {twice!r} is given twice", hint="name each wave once"
            )
        return list(given)
    stems = [Path(p).stem for p in exports]
    return [s if stems.count(s) == 1 else f"{s} ({k + 1})" for k, s in enumerate(stems)]
