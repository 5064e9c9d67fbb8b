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

import hashlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import numpy as np

from rapstats._arrow import to_numpy
from rapstats.errors import InputError
from rapstats.io import Coded, Export, file_sha256
from rapstats.io._ahead import read_ahead
from rapstats.io._columnar_checks import refuse_mixed, refuse_nested, refuse_shadowed
from rapstats.io._layout import Layout, _check_unique, column_key
from rapstats.io._text import to_coded
from rapstats.io._tidy import choose_columns, finish

COLUMNAR_BATCH_ROWS = 1 << 17
"""Default records per batch of a columnar input (Arrow's own default batch size)."""
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
    if not files:
        return None
    refuse_mixed(path, files, _SUFFIXES)
    return _SUFFIXES[files[0].suffix.casefold()]


def _files(path: Path) -> list[Path]:
    """The columnar files of a folder (recursively) or a glob, sorted, as
    :func:`rapstats.files.listed_files` lists them."""
    from rapstats.files import listed_files

    return listed_files(path, _SUFFIXES) or []


def load_columnar(path: Path, fmt: str, columns: list[str] | None, keep: tuple[str, ...]) -> Export:
    """Read a columnar file, folder or glob (see the module notes) into an Export."""
    import pyarrow as pa

    opened = _Opened(path, fmt, columns, keep)
    try:
        table = opened.dataset().to_table(columns=opened.read)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unreadable(path, fmt, exc, _PARTS_HINT) from None
    data = {name: to_coded(_as_text(table.column(i))) for i, name in enumerate(opened.out_names)}
    row_numbers = np.arange(2, table.num_rows + 2, dtype=np.int64)
    export = finish(
        path, opened.layout, data, row_numbers, dropped=opened.dropped, keep=keep, columns=columns
    )
    notes = (*opened.notes, *export.notes)
    return replace(export, sha256=_digest(opened.files, opened.base), notes=notes)


def columnar_batches(
    path: Path, *, columns: list[str], keep: tuple[str, ...] = (), batch_rows: int
) -> Iterator[Export]:
    """Yield the responses of a columnar file, folder or glob ``batch_rows`` records at a
    time (only the ``columns`` asked for; Parquet text read as dictionaries):
    the columns, values and row numbers :func:`load_columnar` gives those responses, blank
    rows left out, ``sha256`` empty (see :func:`columnar_digest`).

    Raises
    ------
    NotStreamable
        Not a columnar input, no column asked for in it, parts Arrow cannot read, no
        responses, or a column found to hold personal data by its contents: the caller reads
        it whole (:func:`load_columnar`), which gives the error or the note.
    """
    import pyarrow as pa

    from rapstats.io.stream import NotStreamable, _check_personal

    fmt = columnar_format(path)
    if fmt is None:
        raise NotStreamable("not a columnar input")
    try:
        opened = _Opened(path, fmt, columns, keep)
    except InputError as exc:
        raise NotStreamable(str(exc)) from None
    if not opened.read:
        raise NotStreamable("no column asked for")
    kept = {column_key(k) for k in keep}
    checked: set[frozenset[str]] = set()
    labels: dict[str, tuple[object, Coded]] = {}  # per column: a dictionary and its labels
    seen = 0
    try:
        with closing(_ahead(opened.batches(max(1, batch_rows)))) as ahead:
            for rows, encoded in ahead:
                data = {
                    name: _labelled(*encoded[i], name, labels)
                    for i, name in enumerate(opened.out_names)
                }
                export = _batch_export(opened, data, seen)
                seen += rows
                if export is not None:
                    _check_personal(
                        {c: v for c, v in export.columns.items() if column_key(c) not in kept},
                        checked,
                    )
                    yield export
    except (pa.ArrowInvalid, OSError) as exc:
        raise NotStreamable(str(exc)) from None
    if seen == 0:
        raise NotStreamable("no responses")


def columnar_digest(path: Path) -> str:
    """The sha256 :func:`load_columnar` gives a columnar file, folder or glob."""
    files = [path] if path.is_file() else _files(path)
    return _digest(files, _base(path, files))


def _batch_export(opened: _Opened, data: dict[str, Coded], seen: int) -> Export | None:
    """One batch's non-blank responses as an Export (None: all blank); each column keeps
    only its own values (a batch may share its row group's dictionary)."""
    n = len(next(iter(data.values())))
    rows = np.zeros(n, dtype=bool)
    for col in data.values():
        rows |= col.codes >= 0
    if not rows.any():
        return None
    dropped = tuple(opened.dropped)
    return Export(
        path=opened.path,
        platform="plain",
        columns={c: col.take(rows) for c, col in data.items()},
        row_numbers=seen + np.arange(2, n + 2, dtype=np.int64)[rows],
        sha256="",
        dropped=dropped,
        notes=(
            *opened.notes,
            *(("left out personal data: " + ", ".join(dropped),) if dropped else ()),
        ),
        left_out=(
            ({"what": "columns", "columns": list(dropped), "reason": "personal data (by header)"},)
            if dropped
            else ()
        ),
    )


class _Opened:
    """A columnar input: its files, the columns to read and the names they get, the
    personal-data columns left out by header, the note on its parts; read whole as one
    dataset (:meth:`dataset`) or in record batches (:meth:`batches`)."""

    def __init__(
        self, path: Path, fmt: str, columns: list[str] | None, keep: tuple[str, ...]
    ) -> None:
        self.path, self.fmt = path, fmt
        self.files = [path] if path.is_file() else _files(path)
        self.base = _base(path, self.files)
        schema = self._schema()
        names = tuple(schema.names)
        _check_unique(names, path, None)
        self.layout = Layout("plain", 0, 1, names, {})
        include, self.out_names, self.dropped = choose_columns(self.layout, columns, keep)
        self.read = [names[i] for i in include]
        refuse_nested(path, schema, self.read)
        self.notes: tuple[str, ...] = ()
        if len(self.files) > 1:
            self.notes = (f"read {len(self.files)} parts of one survey (pooled, not waves)",)

    def _schema(self):  # noqa: ANN202 - a pyarrow Schema
        """The columns of the input (one file's own, without opening a dataset: importing
        pyarrow.dataset costs a third of a second)."""
        import pyarrow as pa

        if not self.path.is_file():
            dataset = _dataset(self.path, self.files, self.fmt, self.base, None)
            refuse_shadowed(self.path, dataset)
            return dataset.schema
        try:
            if self.fmt == "parquet":
                import pyarrow.parquet as pq

                return pq.read_schema(str(self.path))
            with pa.memory_map(str(self.path)) as source:
                return pa.ipc.open_file(source).schema
        except (pa.ArrowInvalid, OSError) as exc:
            hint = "check the files were written by Arrow, pandas or Spark"
            raise _unreadable(self.path, self.fmt, exc, hint) from None

    def dataset(self):  # noqa: ANN201 - a pyarrow Dataset
        """The files as one dataset; Parquet text columns are read straight into
        dictionaries, so that labels are matched on the distinct values of each row group."""
        dictionary = self.read if self.fmt == "parquet" else None
        return _dataset(self.path, self.files, self.fmt, self.base, dictionary)

    def batches(self, batch_rows: int) -> Iterator[object]:
        """The record batches of the columns to read, at most ``batch_rows`` records each:
        one file through its own reader, several through a dataset scanner (memory: a few
        batches, and for Parquet the row group being read)."""
        import pyarrow as pa

        if not self.path.is_file():
            scanner = self.dataset().scanner(  # a few batches ahead, not Arrow's 16
                columns=self.read, batch_size=batch_rows, batch_readahead=2, fragment_readahead=1
            )
            yield from scanner.to_batches()
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(str(self.path), read_dictionary=self.read)
            yield from parquet.iter_batches(batch_size=batch_rows, columns=self.read)
        else:
            with pa.memory_map(str(self.path)) as source:
                reader = pa.ipc.open_file(source)
                for k in range(reader.num_record_batches):
                    batch = reader.get_batch(k).select(self.read)
                    for start in range(0, batch.num_rows, batch_rows):
                        yield batch.slice(start, batch_rows)


def _base(path: Path, files: list[Path]) -> Path:
    """The folder the parts' hive fields (``wave=2026Q1/``) are read from."""
    return path.parent if path.is_file() else _common_dir(files)


_NAMES = {"parquet": "Parquet", "ipc": "Arrow/Feather"}
_PARTS_HINT = "check every part was written whole by Arrow, pandas or Spark, with the same columns"


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
            partitioning=_hive(files, base),
            partition_base_dir=str(base),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        hint = "check the files were written by Arrow, pandas or Spark"
        raise _unreadable(path, fmt, exc, hint) from None


def _hive(files: list[Path], base: Path):  # noqa: ANN202 - a pyarrow Partitioning
    """The hive fields (``wave=2026Q1/``) of the folders between ``base`` and the files, as
    text: folder names are labels, never numbers (``area=01`` and ``area=1`` stay apart)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    keys: dict[str, None] = {}
    for f in files:
        for folder in f.parent.relative_to(base).parts:
            if "=" in folder:
                keys[folder.split("=", 1)[0]] = None
    return ds.partitioning(pa.schema([(k, pa.string()) for k in keys]), flavor="hive")


_Encoded = tuple[np.ndarray, object, bool]
"""A column's codes, its distinct values and whether they are labels as they are."""


def _ahead(batches: Iterator[object]) -> Iterator[tuple[int, list[_Encoded]]]:
    """Each record batch's rows and its columns :func:`_encoded`, one batch ahead on a thread
    (:func:`rapstats.io._ahead.read_ahead`): Arrow decodes and encodes (without the GIL) while
    the batch before is counted."""
    return read_ahead((b.num_rows, [_encoded(c) for c in b.columns]) for b in batches)  # type: ignore[attr-defined]


def _encoded(array: object) -> _Encoded:
    """Arrow's part of making one batch's column a Coded: each row's code into the distinct
    values (-1: blank) and those values as text; True when they are labels as they are.

    A number, date or time column is encoded before its distinct values are written as text
    (never blank nor padded); text, and anything else as Arrow writes it, is encoded as text
    to be tidied as the CSV reader's is (:func:`_labelled`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type  # type: ignore[attr-defined]
    value = kind.value_type if pa.types.is_dictionary(kind) else kind
    exact = pa.types.is_integer(value) or pa.types.is_temporal(value)  # one text per value
    if exact or pa.types.is_floating(value):
        encoded = array if pa.types.is_dictionary(kind) else pc.dictionary_encode(array)
        text = pc.cast(encoded.dictionary, pa.string())  # type: ignore[attr-defined]
        if exact or pc.count_distinct(text).as_py() == len(text):
            return to_numpy(encoded.indices, null=-1), text, True  # type: ignore[attr-defined]
    if not (pa.types.is_dictionary(kind) and pa.types.is_string(value)):
        array = pc.dictionary_encode(_as_text(array))
    return to_numpy(array.indices, null=-1), array.dictionary, False  # type: ignore[attr-defined]


def _labelled(
    codes: np.ndarray,
    values: object,
    ready: bool,
    name: str,
    labels: dict[str, tuple[object, Coded]],
) -> Coded:
    """A batch's column as a Coded (see :func:`_encoded`). The labels of a column's
    distinct values (tidied, :func:`rapstats.io._text.to_coded`) are kept in ``labels`` for
    the next batches, which share their row group's dictionary."""
    import pyarrow as pa

    if ready:
        return Coded(codes.astype(np.int32), arrow=values)
    known = labels.get(name)
    if known is None or not (known[0] is values or known[0].equals(values)):  # type: ignore[attr-defined]
        known = labels[name] = (values, to_coded(pa.chunked_array([values])))
    tidy = known[1]
    return Coded(np.append(tidy.codes, np.int32(-1))[codes], tidy._categories, arrow=tidy._arrow)


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


def _digest(files: list[Path], base: Path, digests: list[str] | None = None) -> str:
    """The file's sha256; for several parts, the sha256 of their names (from ``base``) and
    digests, in order (``digests``: theirs, already computed)."""
    shas = digests or [file_sha256(f) for f in files]
    if len(files) == 1:
        return shas[0]
    h = hashlib.sha256()
    for f, sha in zip(files, shas, strict=True):
        h.update(f"{f.relative_to(base).as_posix()}\0{sha}\n".encode())
    return h.hexdigest()


def _unreadable(path: Path, fmt: str, exc: Exception, hint: str) -> InputError:
    """The one-line error of a columnar input Arrow cannot read."""
    return InputError(
        f"cannot be read as {_NAMES[fmt]} ({' '.join(str(exc).split())[:160]})",
        path=path,
        hint=hint,
    )


__all__ = [
    "COLUMNAR_BATCH_ROWS",
    "columnar_batches",
    "columnar_digest",
    "columnar_format",
    "load_columnar",
]
