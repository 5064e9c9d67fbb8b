"""A survey in parts: a folder or glob of CSV/TSV files that are parts of one survey (an export
split by day, by region, by collector), pooled: not waves, which are separate exports compared
(``--waves``), nor the separate surveys of ``rapstats batch``.

The parts are read in the order of their sorted paths, each as a text export is
(:func:`rapstats.io.stream.export_batches`, or :func:`rapstats.io.load_export` whole); their
header rows must name the same columns. The digest of the parts is that of their names and
contents, as for a columnar dataset.

Read whole (:func:`load_parts`, what :func:`rapstats.io.load_export` gives for a folder or glob
of parts, so every command reads one), the parts are pooled into one export: each column's
values in order of first appearance through the parts, a column left out as personal data in
one part left out of all, and the rows numbered through the parts as if they were joined (the
first part's header row is row 1; each later part's first response is on the row after the
last response of the part before), so that an error names the folder and that row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from rapstats.errors import InputError
from rapstats.files import listed_files
from rapstats.io import Coded, Export
from rapstats.io._layout import column_key
from rapstats.io._tidy import NoResponses
from rapstats.io.columnar import _common_dir, _digest

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_HINT = "export the survey again once responses have been recorded"


def export_kind(path: Path, platform: str = "auto") -> str:
    """How every command reads the export ``path`` (the one place that says so): ``'parquet'``
    or ``'ipc'``, a columnar file, folder or glob (:mod:`rapstats.io.columnar`; only with the
    ``auto`` or ``plain`` layout); ``'parts'``, a folder or glob of CSV/TSV parts of one survey
    (this module); else ``'file'``, one export file (or a path the file check refuses)."""
    from rapstats.io.columnar import columnar_format

    fmt = columnar_format(path) if platform in ("auto", "plain") else None
    if fmt is not None:
        return fmt
    return "parts" if text_parts(path) is not None else "file"


def text_parts(path: Path) -> list[Path] | None:
    """The CSV/TSV/TXT files of a folder (and its subfolders) or a glob, sorted, as
    :func:`rapstats.files.listed_files` lists them; None when ``path`` is a file, or a folder
    or glob with none."""
    return listed_files(path, _TEXT_SUFFIXES)


def parts_digest(path: Path) -> str:
    """The sha256 of the parts' names (from their common folder) and contents, in order."""
    files = text_parts(path) or []
    return _digest(files, _common_dir(files))


def parts_batches(
    path: Path,
    *,
    columns: list[str] | None,
    keep: tuple[str, ...] = (),
    platform: str = "auto",
    encoding: str | None = None,
    batch_rows: int | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Export]:
    """Yield the responses of every part of ``path`` (see the module notes): in batches of
    ``batch_rows`` records, or (None) each part whole. Each Export names its part (errors
    name the part and its row) and carries the note that the parts are pooled. ``columns``
    None (every column) reads each part whole.

    Raises
    ------
    InputError
        Parts whose header rows differ (naming the part and the column), or a part that
        cannot be read.
    NotStreamable
        A part needs the whole-file reader (read the parts again with ``batch_rows=None``).
    """
    from rapstats.io.stream import export_batches

    parts = list(_check_headers(text_parts(path) or [], platform, encoding))
    n = len(parts)
    note = f"read {n} part{'s' if n != 1 else ''} of one survey (pooled, not waves)"
    done = 0  # bytes of the parts before this one
    read = 0  # responses read
    for part in parts:
        if batch_rows is None or columns is None:
            exports: Iterator[Export] = _whole(part, platform, encoding, columns, keep)
        else:
            advance = None if on_bytes is None else _shifted(on_bytes, done)
            exports = export_batches(
                part,
                columns=columns,
                keep=keep,
                platform=platform,
                encoding=encoding,
                batch_rows=batch_rows,
                on_bytes=advance,
            )
        try:
            with closing(exports):  # a part's reader threads end with it (read_ahead)
                for export in exports:
                    read += export.rows_read
                    yield replace(export, notes=(note, *export.notes))
        except NoResponses as exc:  # a part with none (a day nobody answered) adds none
            if exc.left_out:  # its rows left out would go uncounted
                raise
        done += part.stat().st_size
    if not read:
        raise no_responses(path)


def no_responses(path: Path) -> InputError:
    """The error of a folder or glob none of whose parts holds a response."""
    return InputError("holds no responses in any part", path=path, hint=_HINT)


def _whole(
    part: Path,
    platform: str,
    encoding: str | None,
    columns: list[str] | None,
    keep: tuple[str, ...],
) -> Iterator[Export]:
    """The part read whole, as the one Export of an iterator."""
    from rapstats.io import load_export

    yield load_export(part, platform=platform, encoding=encoding, columns=columns, keep=keep)


def load_parts(
    path: Path,
    *,
    columns: list[str] | None,
    keep: tuple[str, ...] = (),
    platform: str = "auto",
    encoding: str | None = None,
) -> Export:
    """The parts of ``path`` read whole and pooled into one Export (see the module notes),
    named by ``path``, its digest that of the parts (:func:`parts_digest`).

    Raises
    ------
    InputError
        Parts whose header rows differ, or whose layouts differ (naming the part), or a part
        that cannot be read.
    """
    exports = list(
        parts_batches(path, columns=columns, keep=keep, platform=platform, encoding=encoding)
    )
    parts = [e.path for e in exports]
    for part, export in zip(parts[1:], exports[1:], strict=True):
        if export.platform != exports[0].platform:
            raise InputError(
                f"is laid out as a {export.platform} export, the first part, {parts[0].name}, "
                f"as a {exports[0].platform} one",
                path=part,
                hint="give every part of the survey the same layout (export them alike)",
            )
    dropped = list(dict.fromkeys(c for e in exports for c in e.dropped))
    gone = {column_key(c) for c in dropped}
    first = exports[0]
    names = [c for c in first.columns if column_key(c) not in gone]
    by_key = [{column_key(c): col for c, col in e.columns.items()} for e in exports]
    columns_out = {c: _pooled([k.get(column_key(c)) for k in by_key], exports) for c in names}
    rows = _joined_rows([e.row_numbers for e in exports])
    encodings = {e.encoding for e in exports}
    return replace(
        first,
        path=path,
        columns=columns_out,
        row_numbers=rows,
        sha256=_digest(parts, _common_dir(parts), [e.sha256 for e in exports]),
        encoding=first.encoding if len(encodings) == 1 else None,
        question_text={c: t for c, t in first.question_text.items() if c in columns_out},
        dropped=tuple(dropped),
        notes=tuple(dict.fromkeys(n for e in exports for n in e.notes)),
        left_out=_left_out(exports),
        header_parts={c: h for c, h in first.header_parts.items() if c in columns_out},
    )


def _joined_rows(numbers: list[np.ndarray]) -> np.ndarray:
    """The parts' row numbers numbered through: the first part's as they are, each later
    part's first response on the row after the last response of the part before."""
    out = [numbers[0]]
    for part in numbers[1:]:
        out.append(part + (int(out[-1][-1]) + 1 - int(part[0])))
    return np.concatenate(out)


def _pooled(columns: list[Coded | None], exports: list[Export]) -> Coded:
    """One column of the parts, one after the other: its values in order of first appearance
    (each part's values are in that order, and Arrow's dictionary encoding of them one after
    the other keeps it), blank in a part that has none (an unnamed column left out there as
    empty)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from rapstats._arrow import to_numpy

    present = [c.arrow().cast(pa.string()) for c in columns if c is not None]
    encoded = pc.dictionary_encode(pa.concat_arrays(present))
    at = iter(np.split(to_numpy(encoded.indices), np.cumsum([len(a) for a in present])[:-1]))
    codes = []
    for col, export in zip(columns, exports, strict=True):
        if col is None:
            codes.append(np.full(export.rows_read, -1, dtype=np.int32))
        else:  # each part's codes into the pooled values; a blank (-1) stays blank
            codes.append(np.append(next(at).astype(np.int32), np.int32(-1))[col.codes])
    return Coded(np.concatenate(codes), arrow=encoded.dictionary)


def _left_out(exports: list[Export]) -> tuple[dict[str, Any], ...]:
    """What the parts left out, by why: rows counted through the parts, columns named once
    (rows first, as each reader lists them)."""
    rows: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    for entry in (e for export in exports for e in export.left_out):
        if entry["what"] == "rows":
            rows[entry["reason"]] = rows.get(entry["reason"], 0) + entry["count"]
        else:
            named = columns.setdefault(entry["reason"], [])
            named += [c for c in entry["columns"] if c not in named]
    return (
        *({"what": "rows", "count": n, "reason": why} for why, n in rows.items()),
        *({"what": "columns", "columns": c, "reason": why} for why, c in columns.items()),
    )


def _shifted(on_bytes: Callable[[int], None], done: int) -> Callable[[int], None]:
    return lambda at: on_bytes(done + at)


def _check_headers(
    parts: list[Path], platform: str, encoding: str | None
) -> dict[Path, dict[str, str]]:
    """The parts with responses (a part with a header row only adds none), in order, each
    with its header row (folded name -> name, in the part's order); refuse parts whose
    header rows name different columns (matched as the spec matches them: trimmed,
    case-insensitive), naming the part and the column."""
    headers = {}
    for part in parts:
        try:
            headers[part] = _header(part, platform, encoding)
        except NoResponses:
            continue
    kept = list(headers)
    first = headers[kept[0]] if kept else {}
    for part in kept[1:]:
        names = headers[part]
        lacks = [c for k, c in first.items() if k not in names]
        extra = [c for k, c in names.items() if k not in first]
        if lacks or extra:
            which = "lacks this column, which" if lacks else "has this column, which"
            raise InputError(
                f"{which} the first part, {kept[0].name}, " + ("has" if lacks else "does not have"),
                path=part,
                column=(lacks or extra)[0],
                hint="give every part of the survey the same header row",
            )
    return headers


def _header(part: Path, platform: str, encoding: str | None) -> dict[str, str]:
    """A part's column names, by their key."""
    from rapstats.io._read_text import plan_text
    from rapstats.io._text import sniff_encoding

    with part.open("rb") as f:
        head = f.read(1 << 16)
    plan = plan_text(part, sniff_encoding(part, head, encoding), platform, None, ())
    return {column_key(name): name for name in plan.layout.names if name}


__all__ = [
    "export_kind",
    "load_parts",
    "parts_batches",
    "parts_digest",
    "text_parts",
]
