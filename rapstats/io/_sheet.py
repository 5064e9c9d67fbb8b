"""Spreadsheets (XLSX, XLSM, XLS, ODS) via python-calamine, and SPSS .sav via pyreadstat.

Cells become strings the way a person reads them in the sheet: Excel date-times as
``YYYY-MM-DD HH:MM:SS``, whole numbers without ``.0``, booleans as ``TRUE``/``FALSE``.
Each column is factorised once on its raw Python values, so the string conversion runs per
distinct value, not per cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
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
        if [n.casefold() for n in names[:3]] == ["cover", "contents", "notes"]:
            raise InputError(
                "is a published statistics workbook (Cover, Contents and Notes sheets, as "
                "rapstats' report.xlsx), not a survey export",
                path=path,
                hint="give the survey's export; to read one of its tables, name it with --sheet",
            )
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


def check_zip(path: Path, max_unpacked_mb: float) -> None:
    """Refuse a ZIP file that is not a workbook, or whose parts unpack to more than
    ``max_unpacked_mb`` megabytes (a zip bomb), before anything is unpacked.

    The sizes are those the archive's directory declares, so the check costs no unpacking;
    an archive forged to declare smaller sizes than its parts unpack to is not caught here.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # damaged: the spreadsheet reader says so
    names = {i.filename for i in infos}
    for part, what in _OTHER_ZIPS:
        if part in names:
            raise InputError(
                f"is {what}, not a survey export",
                path=path,
                hint="give the survey's export (CSV, XLSX, ODS or SAV)",
            )
    if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
        raise InputError(
            "is a ZIP archive, not a spreadsheet",
            path=path,
            hint="unzip it and give the survey export inside",
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > max_unpacked_mb * 2**20:
        raise InputError(
            f"unpacks to {unpacked / 2**20:,.1f} MB, more than the {max_unpacked_mb:g} MB "
            "allowed (a damaged file or a zip bomb)",
            path=path,
            hint="if the workbook is genuine, raise the limit with --max-unpacked-mb",
        )


def uncalculated_formulas(path: Path, sheet: str) -> list[tuple[int, int]]:
    """Formula cells of an XLSX worksheet whose values were never calculated, as (row,
    column) from 0.

    Programs that write formulas without calculating them (openpyxl, XlsxWriter, most
    scripts) save no value, or a placeholder 0, and mark the workbook to be recalculated
    when it is opened (``fullCalcOnLoad``); a reader then sees blanks or zeros. Only such
    workbooks are searched: Excel, LibreOffice and Google Sheets save calculated values.
    The worksheet is first searched for a formula without parsing it.
    """
    import zipfile
    import zlib

    # what zipfile raises on a damaged or unusual archive (encrypted, unknown compression)
    damaged = (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ValueError)
    damaged += (NotImplementedError, RuntimeError)
    try:
        with zipfile.ZipFile(path) as z:
            part = _sheet_part(z, sheet)
            if part is None:
                return []
            with z.open(part) as f:
                head = f.read(1 << 20)
                prefix = _PREFIX_RE.match(head)
                closing = b"</" + ((prefix and prefix.group(1)) or b"") + b"f"
                last, chunk = b"", head
                while chunk and closing not in last + chunk:
                    last, chunk = chunk[-8:], f.read(1 << 20)
                if not chunk:
                    return []
            xml = z.read(part)
    except damaged:
        return []  # damaged where the spreadsheet reader did not look: nothing more to say
    found = []
    for cell in _CELL_RE.finditer(xml):
        ref = _R_RE.search(cell.group(1))
        if ref is not None and _F_RE.search(cell.group(2) or b""):
            found.append(_cell_position(ref.group(1).decode()))
    return found


_OTHER_ZIPS = (
    ("word/document.xml", "a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
)
_PREFIX_RE = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?<(\w+:)?worksheet\b")
_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_F_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_R_RE = re.compile(rb'\sr="([A-Z]+\d+)"')


def _cell_position(ref: str) -> tuple[int, int]:
    """``"C12"`` -> (11, 2): row and column from 0."""
    letters = ref.rstrip("0123456789")
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, column - 1


def cell_name(row: int, column: int) -> str:
    """(11, 2) -> ``"C12"``: a cell's name from its row and column (from 0)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _sheet_part(z: Any, sheet: str) -> str | None:
    """The ZIP path of the worksheet named ``sheet`` in an XLSX marked to be recalculated on
    load; None if not found or not so marked."""
    import posixpath
    import xml.etree.ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    calc = book.find(f"{main}calcPr")
    if calc is None or calc.get("fullCalcOnLoad") not in ("1", "true"):
        return None  # saved by a program that calculates
    ids = [s.get(rel) for s in book.iter(f"{main}sheet") if s.get("name") == sheet]
    for r in rels:
        if ids and r.get("Id") == ids[0]:
            target = r.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return None


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
    """An SPSS file: value labels become the answers; returns columns, variable labels, names.

    The labels are applied by :func:`rapstats.io._codebook.apply_value_labels`, as those of a
    Qualtrics survey file are.
    """
    import pyreadstat

    from rapstats.io._codebook import apply_value_labels

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        usecols = None if wanted is None else [c for c in meta.column_names if c in wanted]
        raw, meta = pyreadstat.read_sav(str(path), usecols=usecols)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise InputError(
            f"cannot be read as an SPSS .sav file ({_why(exc)})",
            path=path,
            hint="save it again from SPSS, or export the survey as CSV",
        ) from None
    names = list(meta.column_names)
    if any(not isinstance(n, str) for n in names):
        raise InputError(
            "cannot be read as an SPSS .sav file (its variable names are damaged)",
            path=path,
            hint="save it again from SPSS, or export the survey as CSV",
        )
    labels = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    columns = {c: to_coded(raw[c].to_numpy(dtype=object)) for c in raw.columns}
    value_labels = {
        c: {cell_str(code) or "": text for code, text in codes.items()}
        for c, codes in (meta.variable_value_labels or {}).items()
    }
    return apply_value_labels(columns, value_labels)[0], labels, names


__all__ = [
    "CFB_MAGIC",
    "SAV_MAGICS",
    "ZIP_MAGIC",
    "cell_name",
    "cell_str",
    "check_zip",
    "read_sav",
    "read_sheet",
    "to_coded",
    "uncalculated_formulas",
]
