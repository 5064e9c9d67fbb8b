"""Spreadsheets (XLSX, XLSM, XLS, ODS) via python-calamine, and SPSS .sav via pyreadstat.

Cells become strings the way a person reads them in the sheet: Excel date-times as
``YYYY-MM-DD HH:MM:SS``, whole numbers without ``.0``, booleans as ``TRUE``/``FALSE``.
Each column is factorised once on its raw Python values, so the string conversion runs per
distinct value, not per cell.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SAV_MAGICS = (b"$FL2", b"$FL3")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def cell_str(value: Any) -> str | None:
    """The text of one spreadsheet cell; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value).strip() or None


def to_coded(values: Any) -> Coded:
    """Cells (any Python values) -> a :class:`~rapstats.io.Coded` of their strings.

    Blanks are missing. Factorised with pandas on the raw values, so the string conversion
    runs once per distinct value.
    """
    import pandas as pd

    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    texts = np.empty(len(uniques), dtype=object)
    texts[:] = [cell_str(u) for u in uniques]
    remap, cats = pd.factorize(texts, use_na_sentinel=True)
    remap = np.append(remap, -1)  # code -1 (missing) indexes the appended -1
    return Coded(remap[codes].astype(np.int32), tuple(str(c) for c in cats))


def read_sheet(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    """All rows of one worksheet (from A1, blank rows kept) and the sheet's name."""
    from python_calamine import CalamineWorkbook

    with path.open("rb") as f:
        magic = f.read(8)
    if magic == CFB_MAGIC and _encrypted(path):
        raise InputError(
            "is a password-protected (encrypted) workbook",
            path=path,
            hint="open it in Excel, remove the password and save it again",
        )
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors, ValueError and others
        raise InputError(
            f"cannot be read as a spreadsheet ({_why(exc)})",
            path=path,
            hint="check the file opens in a spreadsheet program, or export it again",
        ) from None
    names = list(book.sheet_names)
    if not names:
        raise InputError("the workbook has no worksheets", path=path, hint="export it again")
    if sheet is None:
        name = names[0]
    else:
        matches = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
        if not matches:
            raise InputError(
                f"has no sheet named {sheet!r}",
                path=path,
                hint="use one of the sheets " + ", ".join(repr(n) for n in names),
            )
        name = matches[0]
    try:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise InputError(
            f"cannot read sheet {name!r} ({_why(exc)})",
            path=path,
            hint="check the file opens in a spreadsheet program, or export it again",
        ) from None
    return name, rows


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def _encrypted(path: Path) -> bool:
    """Whether an OLE compound file holds an encrypted Office package."""
    with path.open("rb") as f:
        data = f.read(1 << 22)
    return _ENCRYPTED in data


def read_sav(
    path: Path, wanted: list[str] | None
) -> tuple[dict[str, Coded], dict[str, str], list[str]]:
    """An SPSS file: value labels become the answers; returns columns, variable labels, names."""
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        usecols = None if wanted is None else [c for c in meta.column_names if c in wanted]
        raw, meta = pyreadstat.read_sav(
            str(path), apply_value_formats=True, formats_as_category=False, usecols=usecols
        )
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise InputError(
            f"cannot be read as an SPSS .sav file ({_why(exc)})",
            path=path,
            hint="save it again from SPSS, or export the survey as CSV",
        ) from None
    labels = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    columns = {c: to_coded(raw[c].to_numpy(dtype=object)) for c in raw.columns}
    return columns, labels, list(meta.column_names)


__all__ = [
    "CFB_MAGIC",
    "SAV_MAGICS",
    "ZIP_MAGIC",
    "cell_str",
    "read_sav",
    "read_sheet",
    "to_coded",
]
