"""Dispatch a file to its reader and apply what every export shares.

The file type comes from its first bytes (ZIP = XLSX/ODS, OLE = XLS or an encrypted workbook,
``$FL2`` = SPSS, else text), never from its name. The header layout and platform come from
the first rows (:mod:`rapstats.io._layout`). Then, whatever the reader: personal-data columns
are left out, values are trimmed with blanks made missing, blank rows and a totals row at the
bottom are dropped, Qualtrics previews and tests are dropped, and every step that changes
what is counted is written to ``Export.notes``.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export, file_sha256
from rapstats.io._kind import refuse_non_export
from rapstats.io._layout import (
    QUALTRICS_DROP_STATUS,
    Layout,
    column_key,
    detect_layout,
    is_personal,
)
from rapstats.io._personal import personal_columns
from rapstats.io._sheet import (
    CFB_MAGIC,
    SAV_MAGICS,
    ZIP_MAGIC,
    cell_name,
    cell_str,
    check_zip,
    read_sav,
    read_sheet,
    uncalculated_formulas,
)
from rapstats.io._sheet import (
    to_coded as sheet_coded,
)
from rapstats.io._text import (
    TAIL_BYTES,
    TextInfo,
    read_body,
    read_head,
    read_tail,
    sniff_delimiter,
    sniff_encoding,
    to_coded,
)
from rapstats.io._text import split_records as _split

_HEAD_ROWS = 40
_TAIL_ROWS = 5  # totals and notes rows looked for at the bottom
# A totals row starts with the word alone ("Total", "Grand total:"); a notes row with "Note:".
_TOTALS_RE = re.compile(
    r"^((grand |sub-?)?(total|totals|sum|count|base|average|mean)\s*:?|(notes?|source)\s*:.*)$",
    re.I | re.S,
)
_QUALTRICS_STATE = frozenset({"status", "finished"})
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def read_export(
    path: Path,
    *,
    platform: str,
    encoding: str | None,
    sheet: str | None,
    columns: list[str] | None,
    keep: tuple[str, ...],
    max_unpacked_mb: float,
) -> Export:
    """Read ``path`` into an :class:`Export` (see :func:`rapstats.io.load_export`)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", path=path) from None
    if size == 0 or not head.strip():
        raise InputError("the file is empty", path=path, hint="export the survey again")
    magic = head[:8]
    refuse_non_export(path, head)
    # hash the file on a second thread while it is parsed (hashlib releases the GIL)
    with ThreadPoolExecutor(1) as pool:
        digest = pool.submit(file_sha256, path)
        if platform == "spss" or magic[:4] in SAV_MAGICS:
            export = _from_sav(path, columns, keep)
        elif (
            magic.startswith(ZIP_MAGIC)
            or magic == CFB_MAGIC
            or (path.suffix.casefold() in _SPREADSHEET_SUFFIXES and encoding is None)
        ):
            if magic.startswith(ZIP_MAGIC):
                check_zip(path, max_unpacked_mb)
            export = _from_sheet(path, platform, sheet, columns, keep)
        else:
            export = _from_text(path, head, platform, encoding, columns, keep)
        return replace(export, sha256=digest.result())


# ---------------------------------------------------------------------------------------------
# Column choice, shared by every reader


def _choose(
    layout: Layout, columns: list[str] | None, keep: tuple[str, ...]
) -> tuple[list[int], list[str], list[str]]:
    """Column positions to load, the names to give them and the personal columns dropped.

    Qualtrics' Status and Finished columns are always loaded (to drop previews and count
    unfinished responses); :func:`_finish` removes them afterwards if they were not asked for.
    """
    wanted = None if columns is None else {column_key(c) for c in columns}
    kept = {column_key(k) for k in keep}
    include: list[int] = []
    names: list[str] = []
    dropped: list[str] = []
    for i, name in enumerate(layout.names):
        key = column_key(name)
        if not name:
            if wanted is None:
                include.append(i)
                names.append(f"column {i + 1}")
            continue
        if is_personal(name) and key not in kept:
            dropped.append(name)
            continue
        status = layout.platform == "qualtrics" and key in _QUALTRICS_STATE
        if wanted is None or key in wanted or status:
            include.append(i)
            names.append(name)
    return include, names, dropped


def _finish(
    path: Path,
    layout: Layout,
    columns_read: dict[str, Coded],
    row_numbers: np.ndarray,
    *,
    dropped: list[str],
    keep: tuple[str, ...],
    columns: list[str] | None,
    encoding: str | None = None,
    sheet: str | None = None,
    notes: list[str] | None = None,
    tail: list[tuple[int, str]] | None = None,
) -> Export:
    """Tidy values and rows, apply the platform's rules, check it is a survey, build Export.

    ``tail`` gives, bottom first, the last rows of the file that are not blank (counting every
    column of the file, loaded or not): (index of the response, its first non-blank cell).
    """
    notes = list(notes or [])
    data = dict(columns_read)
    for c in [c for c in data if c.startswith("column ") and c not in layout.names]:
        if not data[c].categories:  # an unnamed column with nothing in it
            del data[c]
    if not data and columns is None:
        raise InputError(
            "is not a survey export: it has no named columns",
            path=path,
            hint="the file needs a header row naming its columns",
        )

    n = len(row_numbers)
    # when no column asked for is in the file, the caller names the missing ones
    keep_rows = _nonblank_rows(data, n) if data else np.ones(n, dtype=bool)
    if layout.platform == "plain":
        keep_rows = _drop_totals(tail or [], keep_rows, notes)
    if layout.platform == "qualtrics":
        keep_rows = _qualtrics_rows(data, keep_rows, notes)
    if not keep_rows.all():
        # a dropped totals row must not leave its labels behind
        data = {c: _subset(col, keep_rows) for c, col in data.items()}
        row_numbers = row_numbers[keep_rows]
    if layout.platform == "qualtrics":
        asked = set() if columns is None else {column_key(c) for c in columns}
        state = _QUALTRICS_STATE - asked if columns is not None else {"status"}
        data = {c: col for c, col in data.items() if column_key(c) not in state}
    if len(row_numbers) == 0:
        raise InputError(
            "has a header but no responses",
            path=path,
            hint="export the survey again once responses have been recorded",
        )
    # personal data by content, whatever the header ("Your email (optional)", "Respondent")
    kept = {column_key(k) for k in keep}
    by_content = personal_columns({c: v for c, v in data.items() if column_key(c) not in kept})
    if by_content:
        dropped = [*dropped, *by_content]
        data = {c: v for c, v in data.items() if c not in by_content}
    if dropped:
        notes.append("left out personal data: " + ", ".join(dropped))
    return Export(
        path=path,
        platform=layout.platform,
        columns=data,
        row_numbers=np.asarray(row_numbers, dtype=np.int64),
        sha256="",
        encoding=encoding,
        sheet=sheet,
        question_text={k: v for k, v in layout.question_text.items() if k in data},
        dropped=tuple(dropped),
        notes=tuple(notes),
        header_parts={k: v for k, v in layout.header_parts.items() if k in data},
    )


def _subset(col: Coded, rows: np.ndarray) -> Coded:
    """The rows where ``rows`` is true, with categories no longer used left out."""
    codes = col.codes[rows]
    used = np.zeros(len(col.categories) + 1, dtype=bool)
    used[codes] = True  # code -1 marks the last slot
    if used[:-1].all():
        return Coded(codes, col.categories)
    remap = np.full(len(col.categories) + 1, -1, dtype=np.int32)
    remap[:-1][used[:-1]] = np.arange(int(used[:-1].sum()), dtype=np.int32)
    cats = tuple(c for c, u in zip(col.categories, used[:-1].tolist(), strict=True) if u)
    return Coded(remap[codes], cats)


def _nonblank_rows(data: dict[str, Coded], n: int) -> np.ndarray:
    blank = np.ones(n, dtype=bool)
    for col in data.values():
        blank &= col.codes < 0
        if not blank.any():
            break
    return ~blank


def _drop_totals(tail: list[tuple[int, str]], keep: np.ndarray, notes: list[str]) -> np.ndarray:
    """Leave out totals and notes rows at the bottom of a hand-made sheet.

    ``tail`` is the file's last non-blank rows, bottom first, as (response index, first
    non-blank cell in any column): the same rows are found whichever columns were loaded.
    """
    dropped = 0
    for i, first in tail[:_TAIL_ROWS]:
        if not _TOTALS_RE.match(first.strip()):
            break
        keep[i] = False
        dropped += 1
    if dropped:
        notes.append(f"left out {dropped} totals/notes row(s) at the bottom")
    return keep


def _first_cell(cells: list[str | None]) -> str | None:
    """The first non-blank cell of a row (trimmed); None when the row is blank."""
    return next((c.strip() for c in cells if c is not None and c.strip()), None)


def _folded_in(col: Coded, values: frozenset[str] | set[str]) -> np.ndarray:
    """Per row: the trimmed, case-folded value is one of ``values`` (blank counts as '')."""
    hit = [c.strip().casefold() in values for c in col.categories] + ["" in values]
    return np.asarray(hit, dtype=bool)[col.codes]


def _qualtrics_rows(data: dict[str, Coded], keep: np.ndarray, notes: list[str]) -> np.ndarray:
    if "Status" in data:
        drop = _folded_in(data["Status"], QUALTRICS_DROP_STATUS) & keep
        if drop.any():
            keep = keep & ~drop
            notes.append(f"left out {int(drop.sum())} survey preview, test or spam response(s)")
    if "Finished" in data:
        unfinished = int((_folded_in(data["Finished"], {"0", "false"}) & keep).sum())
        if unfinished:
            notes.append(f"kept {unfinished} unfinished (partial) response(s)")
    return keep


# ---------------------------------------------------------------------------------------------
# Readers


def _from_text(
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


def _read_text(
    path: Path,
    info: TextInfo,
    platform: str,
    columns: list[str] | None,
    keep: tuple[str, ...],
) -> Export:
    import pyarrow as pa

    text, complete = read_head(path, info)
    delimiter = sniff_delimiter(text, complete, info)
    info = TextInfo(info.encoding, info.bom, info.detected, delimiter)
    records, ends = _split(text, delimiter, complete)
    rows = records[:_HEAD_ROWS]
    layout = detect_layout(rows, platform=platform, path=path, columns=columns)
    if layout.data_row >= len(records):
        raise InputError(
            "has a header but no responses",
            path=path,
            hint="export the survey again once responses have been recorded",
        )
    sample = [r for r in records[layout.data_row : _HEAD_ROWS] if any(c.strip() for c in r)]
    # the header's width, or the rows' usual one when they end in unnamed columns
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
    names = list(layout.names) + [""] * (width - len(layout.names))
    layout = Layout(
        layout.platform,
        layout.header_row,
        layout.n_header,
        tuple(names),
        layout.question_text,
        layout.header_parts,
    )
    include, out_names, dropped = _choose(layout, columns, keep)
    offset = info.bom + len(text[: ends[layout.data_row - 1]].encode(info.encoding))
    try:
        table, bad = read_body(path, info, offset=offset, width=width, include=include)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot be decoded as {info.encoding}",
            path=path,
            hint=f"save it as UTF-8 CSV, or give its encoding with --encoding ({exc.reason})",
        ) from None
    except pa.ArrowInvalid as exc:
        message = " ".join(str(exc).split())
        if "UTF8" in message or "utf8" in message or "UTF-8" in message:
            if info.detected and info.encoding == "utf-8":
                raise _NotUtf8 from None
            raise InputError(
                f"cannot be decoded as {info.encoding}",
                path=path,
                hint="give the file's encoding with --encoding, e.g. cp1252",
            ) from None
        raise InputError(
            f"cannot be parsed as {_delimiter_name(delimiter)}-separated text ({message[:160]})",
            path=path,
            hint="check the file opens in a spreadsheet program, or export it again",
        ) from None
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
    # Arrow's dictionary work releases the GIL: convert columns on two threads
    with ThreadPoolExecutor(2) as pool:
        converted = list(pool.map(to_coded, table.columns))
    del table
    tail = None
    if layout.platform == "plain":
        tail = _text_tail(path, info, offset, include, converted, numbers)
    return _finish(
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
            first = _first_cell(record)
            if first is None:
                continue
            i = int(np.searchsorted(numbers, total - back))
            if i >= len(numbers) or numbers[i] != total - back:
                continue
            fields = [record[j].strip() if j < len(record) else "" for j in include]
            loaded = [col.label(col.codes[i]) if col.codes[i] >= 0 else "" for col in converted]
            agree = agree and fields == loaded
            tail.append((i, first))
            if len(tail) == _TAIL_ROWS:
                break
        if whole or (agree and len(tail) == min(_TAIL_ROWS, len(numbers))):
            return tail
        size *= 8


def _delimiter_name(d: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(d, repr(d))


def _from_sheet(
    path: Path,
    platform: str,
    sheet: str | None,
    columns: list[str] | None,
    keep: tuple[str, ...],
) -> Export:
    name, rows = read_sheet(path, sheet)
    head = [[cell_str(v) or "" for v in r] for r in rows[:_HEAD_ROWS]]
    while head and not any(head[-1]):
        head.pop()
    if not head:
        raise InputError(
            f"sheet {name!r} is empty", path=path, hint="choose the sheet with --sheet"
        )
    layout = detect_layout(head, platform=platform, path=path, columns=columns)
    body = rows[layout.data_row :]
    width = max(len(layout.names), max((len(r) for r in body[:1]), default=0))
    names = list(layout.names) + [""] * (width - len(layout.names))
    layout = Layout(
        layout.platform,
        layout.header_row,
        layout.n_header,
        tuple(names),
        layout.question_text,
        layout.header_parts,
    )
    include, out_names, dropped = _choose(layout, columns, keep)
    _check_formulas(path, name, layout, include)
    if body:
        cols = list(zip(*body, strict=False))
    else:
        cols = []
    data = {
        n: sheet_coded(cols[i] if i < len(cols) else [None] * len(body))
        for i, n in zip(include, out_names, strict=True)
    }
    first = layout.data_row + 1
    row_numbers = np.arange(first, first + len(body), dtype=np.int64)
    tail: list[tuple[int, str]] = []
    for i in range(len(body) - 1, -1, -1):
        cell = _first_cell([cell_str(v) for v in body[i]])
        if cell is not None:
            tail.append((i, cell))
            if len(tail) == _TAIL_ROWS:
                break
    return _finish(
        path,
        layout,
        data,
        row_numbers,
        dropped=dropped,
        keep=keep,
        columns=columns,
        sheet=name,
        tail=tail,
    )


def _check_formulas(path: Path, sheet: str, layout: Layout, include: list[int]) -> None:
    """Refuse formula cells never calculated in the columns read (they read as blank or 0)."""
    wanted = set(include)
    cells = [
        (r, c)
        for r, c in uncalculated_formulas(path, sheet)
        if c in wanted and r >= layout.header_row
    ]
    if cells:
        row, column = cells[0]
        more = f" ({len(cells)} such cells in the columns read)" if len(cells) > 1 else ""
        raise InputError(
            f"cell {cell_name(row, column)} of sheet {sheet!r} holds a formula that was never "
            f"calculated: the program that wrote the workbook saved no value for it{more}",
            path=path,
            row=row + 1,
            column=layout.names[column] or None if column < len(layout.names) else None,
            hint="open the workbook in Excel or LibreOffice and save it (that stores the "
            "values), or export the values only",
        )


def _from_sav(path: Path, columns: list[str] | None, keep: tuple[str, ...]) -> Export:
    read, labels, names = read_sav(path, None)
    layout = Layout("spss", 0, 1, tuple(names), labels)
    include, out_names, dropped = _choose(layout, columns, keep)
    data = {n: read[names[i]] for i, n in zip(include, out_names, strict=True)}
    n_rows = len(next(iter(read.values()))) if read else 0
    row_numbers = np.arange(2, n_rows + 2, dtype=np.int64)
    return _finish(path, layout, data, row_numbers, dropped=dropped, keep=keep, columns=columns)


__all__ = ["read_export"]
