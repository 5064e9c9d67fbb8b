"""Several exports as waves of one survey: how each wave is named and opened.

A wave is named, in this order of precedence:

* by ``--wave-names`` (``given``): one name per export;
* by the spec's ``[survey] wave``: the value of that group (or export column) in the export,
  the value every response holds, blanks aside (a period derived from a timestamp reads
  ``2026 Q1``, so that year-on-year pairs are found); one export holding several values
  is split into one wave per value, in the group's order (periods chronologically);
* else by the file name without its extension.

An export is read once: one already opened (an :class:`~rapstats.pipeline.survey.Opened`,
as ``report`` opens its export) is given in place of its path and used as it was read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rapstats.errors import InputError, RapstatsError, SpecError
from rapstats.pipeline.survey import Opened, ReadOptions, open_survey

if TYPE_CHECKING:
    from rapstats.io import Export
    from rapstats.spec import Spec

_FIX_NAMES = "name the waves with --wave-names"

#: An export to read as a wave, or one already read (used as it is).
Source = str | Path | Opened


def source_path(source: Source) -> Path:
    """The path of an export to read, or of one already read."""
    return source.export.path if isinstance(source, Opened) else Path(source)


def _open(source: Source, spec: Spec | None, by: tuple[str, ...], read: ReadOptions) -> Opened:
    """``source`` opened with ``spec``, the columns of ``by`` and ``read``; one already
    opened (by the caller, with them) as it is."""
    if isinstance(source, Opened):
        return source
    return open_survey(source, spec, by=by, read=read)


def open_waves(
    paths: Sequence[Source],
    spec: str | Path | Spec | None,
    given: Sequence[str] | None,
    *,
    by: tuple[str, ...] = (),
    read: ReadOptions | None = None,
) -> list[Opened]:
    """Every wave of :func:`opened_waves`, in a list; a question none of them has is an
    error."""
    from rapstats.normalise import WAVE, check_asked

    opened = list(opened_waves(paths, spec, given, by=tuple(b for b in by if b != WAVE), read=read))
    check_asked([o.export for o in opened], opened[-1].spec)
    return opened


def opened_waves(
    paths: Sequence[Source],
    spec: str | Path | Spec | None,
    given: Sequence[str] | None,
    *,
    by: tuple[str, ...] = (),
    read: ReadOptions | None = None,
) -> Iterator[Opened]:
    """Every wave opened with one spec, oldest first, one export at a time.

    Parameters
    ----------
    paths : sequence of str, Path or Opened
        The exports, oldest first; one already opened and hashed (with this spec, ``read`` and
        the columns of ``by`` and of ``[survey] wave``) is used as it is, not read again.
    spec : str, Path or Spec, optional
        The spec; None infers one from the last export (opened first).
    given : sequence of str, optional
        The waves' names, one per export (``--wave-names``); they win over the spec's
        ``[survey] wave`` (the first wave's notes say so).
    by : tuple of str
        Grouping variables the caller will use (their columns are read).
    read : ReadOptions, optional
        How to read every export. Default: ``ReadOptions()``.

    Yields
    ------
    Opened
        Each wave, ``wave`` its name (:func:`wave_names`, or its value of ``[survey] wave``,
        :func:`split_waves`).

    Raises
    ------
    RapstatsError
        Names given that do not fit; ``[survey] wave`` naming neither a group nor a column, an
        export with no value in it, two exports of one wave, or several exports of which one
        holds several waves.
    """
    from rapstats.spec import Spec, load_spec

    spec_obj = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    read = read or ReadOptions()
    group = spec_obj.wave if spec_obj is not None and given is None else None
    if group is None:
        yield from _named(paths, spec_obj, wave_names(paths, given), by, read)
        return
    seen: dict[str, Path] = {}
    for path in paths:
        opened = _open(path, spec_obj, (*by, group), read)
        for wave in split_waves(opened, group, alone=len(paths) == 1):
            if wave.wave in seen:
                raise InputError(
                    f'is wave "{wave.wave}" ([survey] wave = "{group}"), as '
                    f"{seen[wave.wave].name} is",
                    path=source_path(path),
                    hint="give each wave's export once, or " + _FIX_NAMES,
                )
            seen[str(wave.wave)] = source_path(path)
            yield wave


def _named(
    paths: Sequence[Source],
    spec: Spec | None,
    names: list[str],
    by: tuple[str, ...],
    read: ReadOptions,
) -> Iterator[Opened]:
    """Every export opened as the wave of its name; with no spec, the last is opened first
    and the spec inferred from it (with no ``[survey] wave``)."""
    latest = None
    if spec is None:
        latest = _open(paths[-1], None, by, read)
        spec = latest.spec
    overridden = (
        (f'--wave-names names the waves: [survey] wave = "{spec.wave}" is not used',)
        if spec.wave
        else ()
    )
    for k, path in enumerate(paths):
        last = latest if latest is not None and k == len(paths) - 1 else None
        opened = last or _open(path, spec, by, read)
        notes = (*overridden, *opened.notes) if k == 0 else opened.notes
        yield replace(opened, wave=names[k], notes=notes)


def split_waves(opened: Opened, group: str, *, alone: bool = True) -> list[Opened]:
    """An export's waves by its values of ``group`` (``[survey] wave``), in the group's order.

    An export holding one value (blanks aside) is one wave, named by it (personal data in a
    name redacted, as in every output: :func:`rapstats.personal.redact`). An export holding
    several is split into one wave per value if it is ``alone`` (the only export given): its
    responses with no value are left out, and the first wave's notes say how the export was
    split; among several exports, that is an error.

    Raises
    ------
    SpecError
        ``group`` is neither a group of the spec nor a column of the export.
    InputError
        The export has no value of ``group``, or several and is not alone.
    """
    from rapstats.labels import BLANK_LABEL

    export = opened.export
    codes, levels = _wave_codes(opened, group)
    values = [v for v in levels if v != BLANK_LABEL]
    names = _published(values)
    column = opened.spec.group(group).column
    where = f'column "{column}" ([survey] wave = "{group}")'
    if not values:
        raise InputError(
            f"has no value in {where}",
            path=export.path,
            hint="fill in the column in the export, or " + _FIX_NAMES,
        )
    if len(values) == 1:
        return [replace(opened, wave=names[0])]
    if not alone:
        raise InputError(
            f"holds several waves in {where}: {', '.join(names)}",
            path=export.path,
            hint="give that export alone to split it into waves, or " + _FIX_NAMES,
        )
    waves = [
        replace(opened, export=_rows(export, codes == levels.index(v)), wave=name, notes=())
        for v, name in zip(values, names, strict=True)
    ]
    counts = ", ".join(f"{w.wave} ({w.export.rows_read})" for w in waves)
    notes = [f"split {export.path.name} into {len(waves)} waves by {where}: {counts}"]
    blank = (
        int(np.count_nonzero(codes == levels.index(BLANK_LABEL))) if BLANK_LABEL in levels else 0
    )
    if blank:
        notes.append(f"left out {blank} responses with no value in {where}")
    waves[0] = replace(waves[0], notes=(*opened.notes, *notes))
    return waves


def _published(values: list[str]) -> list[str]:
    """Wave names of values read from an export: personal data in them redacted
    (:func:`rapstats.personal.redact`), made unique by position (``[redacted: email] (2)``)."""
    from rapstats.personal import redact

    names = [redact(v) for v in values]
    return [n if names.count(n) == 1 else f"{n} ({k + 1})" for k, n in enumerate(names)]


def _wave_codes(opened: Opened, group: str) -> tuple[np.ndarray, list[str]]:
    """Each response's level of ``group`` (every response, whatever ``include`` says) and
    the levels, in the group's order."""
    from rapstats.normalise import normalise
    from rapstats.spec import Design

    spec = opened.spec
    g = spec.group(group)
    _check_wave_group(opened, group)
    bare = replace(spec, questions=(), include={}, design=Design())
    codes, levels = normalise(opened.export, bare, by=(g.name,)).groups[g.name]
    return codes, list(levels)


def _check_wave_group(opened: Opened, group: str) -> None:
    """A one-line error unless ``group`` is a group of the spec whose column is in the export,
    or a column of the export; it suggests the closest group or header."""
    import difflib

    from rapstats.spec import fold_label

    spec, export = opened.spec, opened.export
    declared = {g.name: g for g in spec.groups}
    column = spec.group(group).column
    if fold_label(column) in {fold_label(c) for c in export.columns}:
        return
    # the export was read with the spec's columns only: the file's others suggest too
    dropped = set(export.dropped)
    headers = [c for c in export.file_columns if c not in dropped]
    if group in declared:
        close = difflib.get_close_matches(column, headers, n=1, cutoff=0.6)
        message = f'[survey] wave = "{group}": its column "{column}" is not in the export'
    else:
        close = difflib.get_close_matches(group, [*declared, *headers], n=1, cutoff=0.6)
        message = (
            f'[survey] wave = "{group}" is neither a group of the spec nor a column of the export'
        )
    suggestion = f'did you mean "{close[0]}"? ' if close else ""
    raise SpecError(
        message,
        path=export.path,
        hint=suggestion + "name a [groups] table or an export column in [survey] wave",
    )


def _rows(export: Export, keep: np.ndarray) -> Export:
    """``export`` with only the responses marked in ``keep``."""
    columns = {c: col.take(keep) for c, col in export.columns.items()}
    return replace(export, columns=columns, row_numbers=export.row_numbers[keep])


def wave_names(exports: Sequence[Source], given: Sequence[str] | None) -> list[str]:
    """The waves' names: as given (one per export, each once), else the file names without
    their extension; personal data in either redacted and the names made unique by their
    position (``pulse (2)``), as :func:`_published` does for names read from an export."""
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
        return _published(list(given))
    return _published([source_path(p).stem for p in exports])
