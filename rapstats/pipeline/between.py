"""Compare the levels of a group within one export (or within each of several waves): the
difference of every headline share between each level and the rest (or a reference level),
and a test of homogeneity per question, tested and protected."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rapstats.errors import RapstatsError
from rapstats.pipeline.compare import Comparison
from rapstats.pipeline.survey import (
    Estimation,
    Opened,
    ReadOptions,
    open_survey,
    redaction_notes,
    summarise,
)
from rapstats.pipeline.waves import opened_waves
from rapstats.table import Table

if TYPE_CHECKING:
    from rapstats.spec import Spec


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
    read = read or ReadOptions()
    opened = open_survey(export, spec, by=(*by, between), read=read)
    return _compared(opened, between, reference, by, estimation, unsafe_no_suppression)


def _compared(
    opened: Opened,
    between: str,
    reference: str | None,
    by: Sequence[str],
    estimation: Estimation | None,
    unsafe: bool,
) -> tuple[Comparison, tuple[str, ...]]:
    """:func:`compare_opened` on an export opened for the command line, once ``between`` is
    known to name a group or a column; with the notes for the user."""
    _check_group(opened, between)
    comparison = compare_opened(
        opened,
        between=between,
        reference=reference,
        by=by,
        estimation=estimation,
        unsafe_no_suppression=unsafe,
    )
    return comparison, opened.notes + redaction_notes(comparison.summaries[0])


def compare_opened(
    opened: Opened,
    *,
    between: str,
    reference: str | None = None,
    by: Sequence[str] = (),
    estimation: Estimation | None = None,
    unsafe_no_suppression: bool = False,
) -> Comparison:
    """:func:`compare_groups` on an export already opened (read with ``by`` and ``between``),
    as the report does for each group it breaks down by; no notes.

    ``comparison.summaries[0]`` is the protected summary by ``by`` and ``between`` (rows
    only), the same as :func:`rapstats.pipeline.protected_summary` gives.
    """
    from rapstats.estimate.between import check_groups, compare_levels
    from rapstats.protect import protect
    from rapstats.protect.between import protect_levels

    names = check_groups(opened.spec, between, tuple(by))
    publish = ("rows",)
    raw = summarise(opened, names, estimation or Estimation(), publish)
    rows = compare_levels(
        opened.export, raw.spec, between=names[-1], reference=reference, by=names[:-1]
    )
    protected = protect(raw, unsafe_no_suppression=unsafe_no_suppression, publish=publish)
    return Comparison(
        changes=protect_levels(rows, raw, protected),
        waves=(Path(opened.export.path).stem,),
        summaries=(protected,),
        by=names[:-1],
    )


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
    every wave's homogeneity tests. ``wave_names`` as :func:`compare_files`: the spec's
    ``[survey] wave`` names the waves too, and splits one export into its waves.
    """
    names, parts = [], []
    for opened in opened_waves(exports, spec, wave_names, by=(*by, between), read=read):
        names.append(str(opened.wave))
        parts.append(_compared(opened, between, reference, by, estimation, unsafe_no_suppression))
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
    notes = [n for _, part in parts for n in part]
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
