"""Read a delimited text export (CSV, TSV, TXT): encoding, delimiter, header, body and tail.

The head is read and split in Python to find the encoding, the delimiter and the header
layout; the body is parsed by Arrow from the first data row (:mod:`rapstats.io._text`); the
last records are read again from the end of the file to find a totals row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.io._layout import Layout, detect_layout
from rapstats.io._personal import is_personal
from rapstats.io._text import (
    TAIL_BYTES,
    TextInfo,
    read_body,
    read_head,
    read_tail,
    sniff_delimiter,
    sniff_encoding,
    split_records,
    to_coded,
)
from rapstats.io._tidy import (
    HEAD_ROWS,
    TAIL_ROWS,
    NoResponses,
    choose_columns,
    finish,
    first_cell,
    widen,
)

_T = TypeVar("_T")


def from_text(
    path: Path,
    head: bytes,
    platform: str,
    encoding: str | None,
    columns: list[str] | None,
    keep: tuple[str, ...],
) -> Export:
    info = sniff_encoding(path, head, encoding)
    try:
        return _read_text(path, info, platform, columns, keep)
    except _NotUtf8:
        info = TextInfo("cp1252", 0, True)
        export = _read_text(path, info, platform, columns, keep)
        return export


class _NotUtf8(Exception):
    """The body of a file whose head is UTF-8 holds bytes that are not."""


@dataclass(frozen=True, slots=True)
class TextPlan:
    """Where a text export's body starts and which of its columns are read: its encoding and
    delimiter (``info``), header layout, number of fields, the positions loaded and their
    names, the personal-data columns dropped by header and the body's first byte."""

    info: TextInfo
    layout: Layout
    width: int
    include: list[int]
    out_names: list[str]
    dropped: list[str]
    offset: int


def plan_text(
    path: Path, info: TextInfo, platform: str, columns: list[str] | None, keep: tuple[str, ...]
) -> TextPlan:
    """Read the head of a text export: its delimiter, layout and the columns to load."""
    text, complete = read_head(path, info)
    delimiter = sniff_delimiter(text, complete, info)
    info = TextInfo(info.encoding, info.bom, info.detected, delimiter)
    records, ends = split_records(text, delimiter, complete)
    rows = records[:HEAD_ROWS]
    layout = detect_layout(rows, platform=platform, path=path, columns=columns)
    if layout.data_row >= len(records):
        raise NoResponses(path)
    width = _body_width(records, layout, path)
    layout = widen(layout, width)
    include, out_names, dropped = choose_columns(layout, columns, keep)
    offset = info.bom + len(text[: ends[layout.data_row - 1]].encode(info.encoding))
    return TextPlan(info, layout, width, include, out_names, dropped, offset)


def _read_text(
    path: Path,
    info: TextInfo,
    platform: str,
    columns: list[str] | None,
    keep: tuple[str, ...],
) -> Export:
    import pyarrow as pa

    plan = plan_text(path, info, platform, columns, keep)
    info, layout, width, include = plan.info, plan.layout, plan.width, plan.include
    offset, out_names, dropped = plan.offset, plan.out_names, plan.dropped
    delimiter = info.delimiter
    try:
        table, bad = read_body(path, info, offset=offset, width=width, include=include)
    except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
        raise _body_error(exc, path, info) from None
    notes = []
    if info.detected and info.encoding != "utf-8":
        notes.append(f"read as {info.encoding} text")
    # a record with too few or too many fields (Arrow left it out) is an error, unless blank
    ragged = [b for b in bad if any(c.strip() for c in b[2].split(delimiter))]
    if ragged:
        number, fields, _ = ragged[0]
        expected = "the header has" if width == len(layout.names) else "the other rows have"
        raise InputError(
            f"has {fields} fields where {expected} {width}"
            + (f" ({len(ragged)} such rows in all)" if len(ragged) > 1 else ""),
            path=path,
            row=layout.data_row + number if number else None,
            hint="an unclosed quote or a stray delimiter shifts the fields: correct that row "
            "in a text editor, or export the survey again",
        )
    # records numbered from 1 in the body; blank ragged records were left out
    numbers = np.arange(1, table.num_rows + len(bad) + 1, dtype=np.int64)
    if bad:
        numbers = np.delete(numbers, [b[0] - 1 for b in bad])
    # Arrow's dictionary work releases the GIL: convert columns on two threads, each column
    # read let go of, and its memory handed back, as soon as it is coded (the reader's and the
    # coded copies never all live)
    read = table.columns
    del table

    # each column is also looked at for personal data there, while the other thread codes,
    # and counted for inference unless it is near-unique (a count per value, 8 MB a column,
    # left to inference so as not to add to the peak of the read)
    def convert(i: int) -> tuple[Coded, bool]:
        column, read[i] = read[i], None
        few = pa.types.is_dictionary(column.type)
        coded = to_coded(column)
        del column
        pa.default_memory_pool().release_unused()
        if few:
            coded.counts()
        return coded, is_personal(coded)

    order = _longest_first(read)
    with ThreadPoolExecutor(2) as pool:
        pairs = _in_order(pool.map(convert, order), order)
    converted = [coded for coded, _ in pairs]
    tail = None
    if layout.platform == "plain":
        tail = _text_tail(path, info, offset, include, converted, numbers)
    return finish(
        path,
        layout,
        dict(zip(out_names, converted, strict=True)),
        layout.data_row + numbers,
        dropped=dropped,
        keep=keep,
        columns=columns,
        encoding=info.encoding,
        notes=notes,
        tail=tail,
        personal={name: found for name, (_, found) in zip(out_names, pairs, strict=True)},
    )


def _longest_first(read: list) -> list[int]:
    """The order to code the columns read in: the plain text ones (near-unique values, each
    coded in one long pass) first, so that the two threads finish together."""
    import pyarrow as pa

    return sorted(range(len(read)), key=lambda i: pa.types.is_dictionary(read[i].type))


def _in_order(coded: Iterator[_T], order: list[int]) -> list[_T]:
    """The columns coded in ``order``, back in their own order."""
    out: list[_T] = [None] * len(order)  # type: ignore[list-item]
    for i, column in zip(order, coded, strict=True):
        out[i] = column
    return out


def _body_width(records: list[list[str]], layout: Layout, path: Path) -> int:
    """The number of columns: the header's, or the rows' usual one when they end in unnamed
    columns. A plain export whose rows mostly differ from it is no survey export."""
    sample = [r for r in records[layout.data_row : HEAD_ROWS] if any(c.strip() for c in r)]
    usual = Counter(len(r) for r in sample).most_common()
    width = max(len(layout.names), max((w for w, k in usual if k == usual[0][1]), default=0))
    if layout.platform == "plain" and sample:
        regular = sum(1 for r in sample if len(r) == width)
        if regular < 0.8 * len(sample):
            row = next(
                i + 1
                for i, r in enumerate(records[layout.data_row :], layout.data_row)
                if len(r) != width and any(c.strip() for c in r)
            )
            raise InputError(
                "is not a survey export: its rows do not have the same number of columns "
                f"(this row has {len(records[row - 1])}, the header {len(layout.names)})",
                path=path,
                row=row,
                hint="export the responses as a table with one header row",
            )
    return width


def _body_error(exc: Exception, path: Path, info: TextInfo) -> Exception:
    """The error to raise for a body the Arrow reader could not decode or parse."""
    if isinstance(exc, UnicodeDecodeError):
        return InputError(
            f"cannot be decoded as {info.encoding}",
            path=path,
            hint=f"save it as UTF-8 CSV, or give its encoding with --encoding ({exc.reason})",
        )
    message = " ".join(str(exc).split())
    if "UTF8" in message or "utf8" in message or "UTF-8" in message:
        if info.detected and info.encoding == "utf-8":
            return _NotUtf8()
        return InputError(
            f"cannot be decoded as {info.encoding}",
            path=path,
            hint="give the file's encoding with --encoding, e.g. cp1252",
        )
    return InputError(
        f"cannot be parsed as {_delimiter_name(info.delimiter)}-separated text ({message[:160]})",
        path=path,
        hint="check the file opens in a spreadsheet program, or export it again",
    )


def _text_tail(
    path: Path,
    info: TextInfo,
    offset: int,
    include: list[int],
    converted: list[Coded],
    numbers: np.ndarray,
) -> list[tuple[int, str]]:
    """The last non-blank records of a text export, bottom first: (response index, first cell).

    Read from the end of the file, whichever columns were loaded; the records are trusted
    once their loaded fields agree with what the body reader read (a window that starts inside
    a quoted field with line breaks is widened until they do).
    """
    total = int(numbers[-1]) if len(numbers) else 0  # body records, the last one included
    size = TAIL_BYTES
    while True:
        records, whole = read_tail(path, info, offset, size)
        tail: list[tuple[int, str]] = []
        agree = True
        for back, record in enumerate(reversed(records)):
            first = first_cell(record)
            if first is None:
                continue
            i = int(np.searchsorted(numbers, total - back))
            if i >= len(numbers) or numbers[i] != total - back:
                continue
            fields = [record[j].strip() if j < len(record) else "" for j in include]
            loaded = [col.label(col.codes[i]) if col.codes[i] >= 0 else "" for col in converted]
            agree = agree and fields == loaded
            tail.append((i, first))
            if len(tail) == TAIL_ROWS:
                break
        if whole or (agree and len(tail) == min(TAIL_ROWS, len(numbers))):
            return tail
        size *= 8


def _delimiter_name(d: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(d, repr(d))
