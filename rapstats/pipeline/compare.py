"""Compare waves of a survey: the change of every headline share, tested and protected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rapstats.errors import RapstatsError
from rapstats.pipeline.report import wave_change
from rapstats.pipeline.survey import (
    Estimation,
    Opened,
    ReadOptions,
    open_survey,
    redaction_notes,
    summarise,
)
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
        later, earlier, changes = wave_change(
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


def compare_groups(
    export: str | Path,
    spec: str | Path | Spec | None = None,
    *,
    between: str,
    reference: str | None = None,
    by: Sequence[str] = (),
    read: ReadOptions | None = None,
    estimation: Estimation | None = None,
    unsafe_no_suppression: bool = False,
) -> tuple[Comparison, tuple[str, ...]]:
    """The differences between the levels of the group ``between`` in one export, tested.

    Each level is compared with the rest of the respondents, or with the level ``reference``
    (:func:`rapstats.estimate.between.compare_levels`), with one test of homogeneity per
    question across all levels; with ``by`` (at most one group), within each of its levels
    too. The summary by the groups is protected as a publication, and a difference or a test
    is withheld where it would show a withheld share
    (:func:`rapstats.protect.between.protect_levels`).

    Parameters
    ----------
    export : str or Path
        The survey export.
    spec : str, Path or Spec, optional
        Default: inferred from the export.
    between : str
        The group (spec group or export column) whose levels are compared.
    reference : str, optional
        The level every other is compared with. Default: each level against the rest.
    by : sequence of str
        At most one group to compare the levels within. Default none.

    Returns
    -------
    comparison : Comparison
        ``changes`` holds the ``difference`` rows, then the ``homogeneity`` rows;
        ``waves`` the export's name; ``summaries`` the protected summary by the groups.
    notes : tuple of str
    """
    from rapstats.estimate.between import check_groups, compare_levels
    from rapstats.protect import protect
    from rapstats.protect.between import protect_levels

    read = read or ReadOptions()
    opened = open_survey(export, spec, by=(*by, between), read=read)
    _check_group(opened, between)
    names = check_groups(opened.spec, between, tuple(by))
    publish = ("rows",)
    raw = summarise(opened, names, estimation or Estimation(), publish)
    rows = compare_levels(
        opened.export, raw.spec, between=names[-1], reference=reference, by=names[:-1]
    )
    protected = protect(raw, unsafe_no_suppression=unsafe_no_suppression, publish=publish)
    comparison = Comparison(
        changes=protect_levels(rows, raw, protected),
        waves=(Path(export).stem,),
        summaries=(protected,),
        by=names[:-1],
    )
    return comparison, opened.notes + redaction_notes(protected)


def compare_groups_in_waves(
    exports: Sequence[str | Path],
    spec: str | Path | Spec | None = None,
    *,
    between: str,
    wave_names: Sequence[str] | None = None,
    reference: str | None = None,
    by: Sequence[str] = (),
    read: ReadOptions | None = None,
    estimation: Estimation | None = None,
    unsafe_no_suppression: bool = False,
) -> tuple[Comparison, tuple[str, ...]]:
    """:func:`compare_groups` in each of several waves (oldest first), with one spec.

    The spec is the one given, else the one inferred from the latest export. Each wave's rows
    are those of :func:`compare_groups` on its export (its p-values adjusted within the
    wave), named in ``wave_from`` and ``wave_to``; every wave's differences come first, then
    every wave's homogeneity tests. ``wave_names`` as :func:`compare_files`.
    """
    names = _names(exports, wave_names)
    read = read or ReadOptions()
    latest = open_survey(exports[-1], spec, by=(*by, between), read=read)
    parts = [
        compare_groups(
            path,
            latest.spec,
            between=between,
            reference=reference,
            by=by,
            read=read,
            estimation=estimation,
            unsafe_no_suppression=unsafe_no_suppression,
        )
        for path in exports
    ]
    tables = []
    for name, (comparison, _) in zip(names, parts, strict=True):
        wave = np.full(len(comparison.changes), name, dtype=object)
        tables.append(comparison.changes.assign({"wave_from": wave, "wave_to": wave}))
    changes = Table({c: np.concatenate([t[c] for t in tables]) for c in tables[0].columns})
    order = np.argsort(changes["kind"] == "homogeneity", kind="stable")
    comparison = Comparison(
        changes=changes.take(order),
        waves=tuple(names),
        summaries=tuple(c.summaries[0] for c, _ in parts),
        by=parts[0][0].by,
    )
    notes = [*latest.notes, *(n for _, part in parts for n in part)]
    return comparison, tuple(dict.fromkeys(notes))


def _check_group(opened: Opened, name: str) -> None:
    """A one-line error unless ``name`` is a group of the spec or a column of the export."""
    from rapstats.spec import fold_label

    spec = opened.spec
    declared = [g.name for g in spec.groups]
    column = fold_label(spec.group(name).column)
    if name in declared or column in {fold_label(c) for c in opened.export.columns}:
        return
    raise RapstatsError(
        f'--between "{name}" is neither a group of the spec nor a column of the export',
        path=opened.export.path,
        hint=("the groups are " + ", ".join(declared) if declared else "the spec has no groups")
        + "; --between also takes an export column's name",
    )


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
