"""Read columnar exports: a Parquet or Arrow/Feather file, or a folder or glob of them (one
survey stored in parts, hive-style ``wave=2026Q1/`` folders included).

The files are opened as one :mod:`pyarrow.dataset` and only the columns asked for are read
(projection); every column becomes a :class:`~rapstats.io.Coded` of its text (numbers and
dates as Arrow writes them as text), as a plain CSV export would, and goes through the tidy-up
every reader shares (:func:`rapstats.io._tidy.finish`: personal data, blank rows). A folder
field (``wave=2026Q1``) is a column like any other. The parts are one survey: they are pooled,
never compared (waves are separate exports, see ``--waves``).
"""

from __future__ import annotations

import glob
import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Export, file_sha256
from rapstats.io._layout import Layout
from rapstats.io._text import to_coded
from rapstats.io._tidy import choose_columns, finish

_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".feather": "ipc", ".arrow": "ipc"}
_MAGICS = {b"PAR1": "parquet", b"ARROW1": "ipc"}


def columnar_format(path: Path) -> str | None:
    """``'parquet'`` or ``'ipc'`` (Arrow/Feather) when ``path`` is such a file, a folder of
    them or a glob matching them; else None."""
    if path.is_file():
        with path.open("rb") as f:
            head = f.read(6)
        return next((fmt for magic, fmt in _MAGICS.items() if head.startswith(magic)), None)
    files = _files(path)
    return _SUFFIXES.get(files[0].suffix.casefold()) if files else None


def _files(path: Path) -> list[Path]:
    """The columnar files of a folder (recursively) or a glob, sorted."""
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file()]
    elif any(c in str(path) for c in "*?["):
        found = [Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file()]
    else:
        return []
    return sorted(p for p in found if p.suffix.casefold() in _SUFFIXES)


def load_columnar(path: Path, fmt: str, columns: list[str] | None, keep: tuple[str, ...]) -> Export:
    """Read a columnar file, folder or glob (see the module notes) into an Export."""
    import pyarrow as pa

    files = [path] if path.is_file() else _files(path)
    base = path.parent if path.is_file() else _common_dir(files)
    dataset = _dataset(path, files, fmt, base, None)
    names = tuple(dataset.schema.names)
    layout = Layout("plain", 0, 1, names, {})
    include, out_names, dropped = choose_columns(layout, columns, keep)
    if fmt == "parquet":  # text columns read straight into dictionaries, as the CSV reader does
        dataset = _dataset(path, files, fmt, base, [names[i] for i in include])
    try:
        table = dataset.to_table(columns=[names[i] for i in include])
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unreadable(path, fmt, exc, "check the parts have the same columns") from None
    data = {name: to_coded(_as_text(table.column(i))) for i, name in enumerate(out_names)}
    row_numbers = np.arange(2, table.num_rows + 2, dtype=np.int64)
    export = finish(path, layout, data, row_numbers, dropped=dropped, keep=keep, columns=columns)
    notes = export.notes
    if len(files) > 1:
        notes = (f"read {len(files)} parts of one survey (pooled, not waves)", *notes)
    return replace(export, sha256=_digest(files, base), notes=notes)


_NAMES = {"parquet": "Parquet", "ipc": "Arrow/Feather"}


def _dataset(path: Path, files: list[Path], fmt: str, base: Path, dictionary: list[str] | None):
    """The files as one dataset (hive folders from ``base`` on); ``dictionary`` names the
    Parquet columns to read dictionary-encoded."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    form: object = fmt
    if dictionary is not None:
        form = ds.ParquetFileFormat(read_options={"dictionary_columns": dictionary})
    try:
        return ds.dataset(
            [str(f) for f in files],
            format=form,
            partitioning=ds.partitioning(flavor="hive"),
            partition_base_dir=str(base),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        hint = "check the files were written by Arrow, pandas or Spark"
        raise _unreadable(path, fmt, exc, hint) from None


def _as_text(column: object) -> object:
    """A column as strings: numbers and dates as Arrow writes them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type  # type: ignore[attr-defined]
    if pa.types.is_dictionary(kind):
        if pa.types.is_string(kind.value_type):
            return column  # to_coded reads the dictionary as it is
        column = pc.cast(column, kind.value_type)
    return pc.cast(column, pa.string())


def _common_dir(files: list[Path]) -> Path:
    """The deepest folder holding every file."""
    import os

    return Path(os.path.commonpath([str(f.parent) for f in files]))


def _digest(files: list[Path], base: Path) -> str:
    """The file's sha256; for several parts, the sha256 of their names (from ``base``) and
    digests, in order."""
    if len(files) == 1:
        return file_sha256(files[0])
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.relative_to(base).as_posix()}\0{file_sha256(f)}\n".encode())
    return h.hexdigest()


def _unreadable(path: Path, fmt: str, exc: Exception, hint: str) -> InputError:
    """The one-line error of a columnar input Arrow cannot read."""
    return InputError(
        f"cannot be read as {_NAMES[fmt]} ({' '.join(str(exc).split())[:160]})",
        path=path,
        hint=hint,
    )


__all__ = ["columnar_format", "load_columnar"]
