"""A survey in parts: a folder or glob of CSV/TSV files that are parts of one survey (an export
split by day, by region, by collector), pooled: not waves, which are separate exports compared
(``--waves``), nor the separate surveys of ``rapstats batch``.

The parts are read in the order of their sorted paths, each as a text export is
(:func:`rapstats.io.stream.export_batches`, or :func:`rapstats.io.load_export` whole); their
header rows must name the same columns. The digest of the parts is that of their names and
contents, as for a columnar dataset.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from rapstats.errors import InputError
from rapstats.io import Export
from rapstats.io._layout import column_key
from rapstats.io.columnar import _common_dir, _digest

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def text_parts(path: Path) -> list[Path] | None:
    """The CSV/TSV/TXT files of a folder (and its subfolders) or a glob, sorted; None when
    ``path`` is a file, or a folder or glob with none."""
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file()]
    elif not path.exists() and any(c in str(path) for c in "*?["):
        found = [Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file()]
    else:
        return None
    return sorted(p for p in found if p.suffix.casefold() in _TEXT_SUFFIXES) or None


def parts_digest(path: Path) -> str:
    """The sha256 of the parts' names (from their common folder) and contents, in order."""
    files = text_parts(path) or []
    return _digest(files, _common_dir(files))


def parts_batches(
    path: Path,
    *,
    columns: list[str],
    keep: tuple[str, ...] = (),
    platform: str = "auto",
    encoding: str | None = None,
    batch_rows: int | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Export]:
    """Yield the responses of every part of ``path`` (see the module notes): in batches of
    ``batch_rows`` records, or (None) each part whole. Each Export names its part (errors
    name the part and its row) and carries the note that the parts are pooled.

    Raises
    ------
    InputError
        Parts whose header rows differ (naming the part and the column), or a part that
        cannot be read.
    NotStreamable
        A part needs the whole-file reader (read the parts again with ``batch_rows=None``).
    """
    from rapstats.io import load_export
    from rapstats.io.stream import export_batches

    parts = text_parts(path) or []
    _check_headers(parts, platform, encoding)
    note = f"read {len(parts)} parts of one survey (pooled, not waves)"
    done = 0  # bytes of the parts before this one
    for part in parts:
        if batch_rows is None:
            whole = load_export(
                part, platform=platform, encoding=encoding, columns=columns, keep=keep
            )
            exports: Generator[Export, None, None] = (e for e in (whole,))
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
        with closing(exports):  # a part's reader threads end with it (read_ahead)
            for export in exports:
                yield replace(export, notes=(note, *export.notes))
        done += part.stat().st_size


def _shifted(on_bytes: Callable[[int], None], done: int) -> Callable[[int], None]:
    return lambda at: on_bytes(done + at)


def _check_headers(parts: list[Path], platform: str, encoding: str | None) -> None:
    """Refuse parts whose header rows name different columns (matched as the spec matches
    them: trimmed, case-insensitive), naming the part and the column."""
    first = _header(parts[0], platform, encoding)
    for part in parts[1:]:
        names = _header(part, platform, encoding)
        lacks = [c for k, c in first.items() if k not in names]
        extra = [c for k, c in names.items() if k not in first]
        if lacks or extra:
            which = "lacks this column, which" if lacks else "has this column, which"
            raise InputError(
                f"{which} the first part, {parts[0].name}, "
                + ("has" if lacks else "does not have"),
                path=part,
                column=(lacks or extra)[0],
                hint="give every part of the survey the same header row",
            )


def _header(part: Path, platform: str, encoding: str | None) -> dict[str, str]:
    """A part's column names, by their key."""
    from rapstats.io._read_text import plan_text
    from rapstats.io._text import sniff_encoding

    with part.open("rb") as f:
        head = f.read(1 << 16)
    plan = plan_text(part, sniff_encoding(part, head, encoding), platform, None, ())
    return {column_key(name): name for name in plan.layout.names if name}


__all__ = ["parts_batches", "parts_digest", "text_parts"]
