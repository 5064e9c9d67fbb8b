"""Dispatch a file to its reader; the spreadsheet and SPSS readers.

The file type comes from its first bytes (ZIP = XLSX/ODS, OLE = XLS or an encrypted workbook,
``$FL2`` = SPSS, else text), never from its name. The header layout and platform come from
the first rows (:mod:`rapstats.io._layout`); text is read by :mod:`rapstats.io._read_text`.
Then every reader hands its columns to :func:`rapstats.io._tidy.finish`, which applies what
every export shares.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Export, file_sha256
from rapstats.io._kind import refuse_non_export
from rapstats.io._layout import Layout, detect_layout
from rapstats.io._read_text import from_text
from rapstats.io._sheet import (
    CFB_MAGIC,
    SAV_MAGICS,
    ZIP_MAGIC,
    cell_name,
    cell_str,
    check_zip,
    read_sav,
    read_sheet,
    to_coded,
    uncalculated_formulas,
)
from rapstats.io._tidy import HEAD_ROWS, TAIL_ROWS, choose_columns, finish, first_cell, widen

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
    digest: bool = True,
) -> Export:
    """Read ``path`` into an :class:`Export` (see :func:`rapstats.io.load_export`); with
    ``digest`` False, its ``sha256`` is left empty."""
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
        hashed = pool.submit(file_sha256, path) if digest else None
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
            export = from_text(path, head, platform, encoding, columns, keep)
        return export if hashed is None else replace(export, sha256=hashed.result())


def _from_sheet(
    path: Path,
    platform: str,
    sheet: str | None,
    columns: list[str] | None,
    keep: tuple[str, ...],
) -> Export:
    name, rows = read_sheet(path, sheet)
    head = [[cell_str(v) or "" for v in r] for r in rows[:HEAD_ROWS]]
    while head and not any(head[-1]):
        head.pop()
    if not head:
        raise InputError(
            f"sheet {name!r} is empty", path=path, hint="choose the sheet with --sheet"
        )
    layout = detect_layout(head, platform=platform, path=path, columns=columns)
    body = rows[layout.data_row :]
    layout = widen(layout, max((len(r) for r in body[:1]), default=0))
    include, out_names, dropped = choose_columns(layout, columns, keep)
    _check_formulas(path, name, layout, include)
    if body:
        cols = list(zip(*body, strict=False))
    else:
        cols = []
    data = {
        n: to_coded(cols[i] if i < len(cols) else [None] * len(body))
        for i, n in zip(include, out_names, strict=True)
    }
    first = layout.data_row + 1
    row_numbers = np.arange(first, first + len(body), dtype=np.int64)
    tail: list[tuple[int, str]] = []
    for i in range(len(body) - 1, -1, -1):
        cell = first_cell([cell_str(v) for v in body[i]])
        if cell is not None:
            tail.append((i, cell))
            if len(tail) == TAIL_ROWS:
                break
    return finish(
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
    include, out_names, dropped = choose_columns(layout, columns, keep)
    data = {n: read[names[i]] for i, n in zip(include, out_names, strict=True)}
    n_rows = len(next(iter(read.values()))) if read else 0
    row_numbers = np.arange(2, n_rows + 2, dtype=np.int64)
    return finish(path, layout, data, row_numbers, dropped=dropped, keep=keep, columns=columns)


__all__ = ["read_export"]
