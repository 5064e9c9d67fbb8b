"""Read a plain text export in batches of responses, in memory bounded by the batch.

:func:`export_batches` reads the head as :func:`rapstats.io.load_export` does (encoding,
delimiter, header layout, the columns asked for, personal-data columns by header), then parses
the body with Arrow's streaming CSV reader and yields one :class:`~rapstats.io.Export` per
batch of at most ``batch_rows`` records: the same columns, trimmed values and spreadsheet row
numbers as the whole-file reader gives those responses (``row_numbers`` keep counting across
batches, so an error names the file's row). Blank rows are left out as there. Arrow parses
the next records on one worker thread (without the GIL) while the batch before is coded on a
second and the caller counts the one before that: a few batches are in memory at once.

What needs the whole file is refused with :class:`NotStreamable` before anything is counted
or, at the latest, at the batch that shows it, and the caller reads the whole file instead: a
layout other than ``plain`` (Qualtrics previews, multi-row headers), a totals or notes row at
the bottom, a record with a line break in a quoted field or the wrong number of fields, a body
not in the detected encoding, a column found to hold personal data by its contents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from rapstats.io import Coded, Export
from rapstats.io._ahead import read_ahead
from rapstats.io._layout import column_key
from rapstats.io._personal import personal_columns
from rapstats.io._read_text import TextPlan, plan_text
from rapstats.io._sheet import CFB_MAGIC, SAV_MAGICS, ZIP_MAGIC
from rapstats.io._text import _DICT, TAIL_BYTES, read_tail, sniff_encoding, to_coded
from rapstats.io._tidy import _TOTALS_RE, NoResponses, first_cell

BATCH_ROWS = 1 << 15
"""Default records per batch (about 14 MB of a 20-question export): larger batches cost memory
and gain no time on the standard workload, smaller ones cost time (measured: README, Large
surveys)."""
_BLOCK_BYTES = 1 << 20
_CACHED_VALUES = 1000  # columns with at most this many distinct values: checked once per set


class NotStreamable(Exception):
    """The export needs the whole-file reader (see the module notes); the reason is the
    message."""


def export_batches(
    path: str | Path,
    *,
    columns: list[str],
    keep: tuple[str, ...] = (),
    platform: str = "auto",
    encoding: str | None = None,
    batch_rows: int = BATCH_ROWS,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Export]:
    """Yield the responses of a plain CSV/TSV export, ``batch_rows`` records at a time.

    Parameters
    ----------
    path : str or Path
        The export.
    columns : list of str
        The columns to load (as :func:`rapstats.io.load_export`).
    keep : tuple of str
        Personal-data columns to keep.
    platform : str
        ``'auto'`` or ``'plain'``; another platform is :class:`NotStreamable`.
    encoding : str, optional
        Text encoding; default None detects it.
    batch_rows : int
        Largest number of records in one batch (at least 1).
    on_bytes : callable, optional
        Called after each batch with the bytes of the file read so far (a progress bar).

    Raises
    ------
    NotStreamable
        The export must be read whole (see the module notes).
    InputError
        As :func:`rapstats.io.load_export` for a file that cannot be read.
    """
    path = Path(path)
    plan = _plan(path, platform, encoding, columns, keep)
    yield from _batches(path, plan, keep, max(1, batch_rows), on_bytes)


def _plan(
    path: Path, platform: str, encoding: str | None, columns: list[str], keep: tuple[str, ...]
) -> TextPlan:
    """The head of a plain text export, or NotStreamable."""
    if platform not in ("auto", "plain") or not path.is_file():
        raise NotStreamable("not a plain text export")
    with path.open("rb") as f:
        head = f.read(1 << 16)
    magic = head[:8]
    if not head.strip() or magic.startswith((ZIP_MAGIC, b"PAR1", b"ARROW1")) or magic == CFB_MAGIC:
        raise NotStreamable("not a text export")
    if magic[:4] in SAV_MAGICS or path.suffix.casefold() in (".xlsx", ".xls", ".ods"):
        raise NotStreamable("not a text export")
    from rapstats.io._kind import refuse_non_export

    refuse_non_export(path, head)
    plan = plan_text(path, sniff_encoding(path, head, encoding), platform, columns, keep)
    if plan.layout.platform != "plain" or not plan.include:
        raise NotStreamable("not a plain export with the columns asked for")
    records, _ = read_tail(path, plan.info, plan.offset, TAIL_BYTES)
    last = next((c for r in reversed(records) if (c := first_cell(r)) is not None), None)
    if last is not None and _TOTALS_RE.match(last):
        raise NotStreamable("a totals or notes row at the bottom")
    return plan


def _batches(
    path: Path,
    plan: TextPlan,
    keep: tuple[str, ...],
    batch_rows: int,
    on_bytes: Callable[[int], None] | None,
) -> Iterator[Export]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(plan.width)]
    wanted = [names[i] for i in plan.include]
    bad: list[int] = []
    seen = 0  # body records read so far, blank ones included
    with pa.OSFile(str(path)) as f:
        f.seek(plan.offset)
        try:
            reader = pacsv.open_csv(
                f,
                read_options=pacsv.ReadOptions(
                    column_names=names,
                    block_size=_BLOCK_BYTES,
                    encoding=plan.info.arrow_encoding,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=plan.info.delimiter,
                    ignore_empty_lines=False,
                    invalid_row_handler=lambda row: bad.append(1) or "skip",
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types={c: _DICT for c in wanted},
                    strings_can_be_null=True,
                    null_values=[""],
                ),
            )
            parts = _parts(reader, batch_rows, bad, f, on_bytes)
            ahead = read_ahead(parts)
            exports = read_ahead(_exports(path, plan, keep, ahead))
            try:
                for export, rows in exports:
                    seen += rows
                    if export is not None:
                        yield export
            finally:  # the reader threads end here, outermost first (see read_ahead)
                exports.close()
                ahead.close()
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise NotStreamable(str(exc)) from None
    if bad:
        raise NotStreamable("a record with another number of fields")
    if seen == 0:
        raise NoResponses(path)


def _parts(
    reader: Iterator[object],
    batch_rows: int,
    bad: list[int],
    f: object,
    on_bytes: Callable[[int], None] | None,
) -> Iterator[object]:
    """The records of ``reader`` as pyarrow Tables of ``batch_rows`` rows (the last one
    fewer); NotStreamable at the first record with another number of fields."""
    import pyarrow as pa

    pending: list[object] = []  # record batches not yet given out
    rows = 0
    for record_batch in reader:
        if bad:
            raise NotStreamable("a record with another number of fields")
        pending.append(record_batch)
        rows += record_batch.num_rows  # type: ignore[attr-defined]
        if rows >= batch_rows:
            ready = pa.Table.from_batches(pending)  # type: ignore[arg-type]
            while ready.num_rows >= batch_rows:
                yield ready.slice(0, batch_rows)
                ready = ready.slice(batch_rows)
            pending, rows = ready.to_batches(), ready.num_rows
        if on_bytes is not None:
            on_bytes(f.tell())  # type: ignore[attr-defined]
    if bad:
        raise NotStreamable("a record with another number of fields")
    if rows:
        yield pa.Table.from_batches(pending)  # type: ignore[arg-type]


def _exports(
    path: Path, plan: TextPlan, keep: tuple[str, ...], parts: Iterator[object]
) -> Iterator[tuple[Export | None, int]]:
    """Each part (a pyarrow Table of records) as an Export of its non-blank responses (None:
    all blank), and its number of records."""
    notes = ()
    if plan.info.detected and plan.info.encoding != "utf-8":
        notes = (f"read as {plan.info.encoding} text",)
    kept = {column_key(k) for k in keep}
    checked: set[frozenset[str]] = set()  # value sets found to hold no personal data
    seen = 0
    for part in parts:
        rows = part.num_rows  # type: ignore[attr-defined]
        yield _export(path, plan, part, seen, notes, kept, checked), rows
        seen += rows


def _export(
    path: Path,
    plan: TextPlan,
    batch: object,
    seen: int,
    notes: tuple[str, ...],
    kept: set[str],
    checked: set[frozenset[str]],
) -> Export | None:
    """One batch of records (a pyarrow Table) as an Export of its non-blank responses (None:
    all blank); a column holding personal data is NotStreamable (the sets of values found to
    hold none are remembered in ``checked``, so that a column of a few labels is looked at
    once)."""
    data = {
        name: to_coded(batch.column(i))  # type: ignore[attr-defined]
        for i, name in enumerate(plan.out_names)
    }
    n = batch.num_rows  # type: ignore[attr-defined]
    rows = np.zeros(n, dtype=bool)
    for col in data.values():
        rows |= col.codes >= 0
    if not rows.any():
        return None
    numbers = plan.layout.data_row + seen + np.arange(1, n + 1, dtype=np.int64)[rows]
    # a slice of a record batch shares the whole batch's dictionary: keep only its own values
    data = {c: col.take(rows) for c, col in data.items()}
    _check_personal({c: v for c, v in data.items() if column_key(c) not in kept}, checked)
    dropped = tuple(plan.dropped)
    return Export(
        path=path,
        platform="plain",
        columns=data,
        row_numbers=numbers,
        sha256="",
        encoding=plan.info.encoding,
        question_text={k: v for k, v in plan.layout.question_text.items() if k in data},
        dropped=dropped,
        notes=(*notes, *(("left out personal data: " + ", ".join(dropped),) if dropped else ())),
        left_out=(
            ({"what": "columns", "columns": list(dropped), "reason": "personal data (by header)"},)
            if dropped
            else ()
        ),
    )


def _check_personal(data: dict[str, Coded], checked: set[frozenset[str]]) -> None:
    """NotStreamable when a column of ``data`` holds personal data (by its contents)."""
    keys = {
        c: frozenset(col.categories) if col.n_categories <= _CACHED_VALUES else None
        for c, col in data.items()
    }
    todo = {c: col for c, col in data.items() if keys[c] is None or keys[c] not in checked}
    if personal_columns(todo):
        raise NotStreamable("a column holds personal data")
    checked.update(k for c, k in keys.items() if k is not None and c in todo)


__all__ = ["BATCH_ROWS", "NotStreamable", "export_batches"]
