"""Load survey exports: the first layer of rapstats.

:func:`load_export` reads a CSV/TSV/XLSX/ODS/SAV export as it comes off a survey platform and
returns an :class:`Export`: one row per response, one column per export column, every column a
pandas ``category`` of strings (missing = NaN). Later layers never see the file again.

Contract kept by every loader
-----------------------------
* ``frame`` columns are unique, trimmed header names (str), in file order; every column is a
  pandas Categorical of ``str`` categories; blanks and empty strings are missing.
* ``row_numbers[i]`` is the spreadsheet row number of ``frame.iloc[i]`` in the original file
  (header row = row 1 for a one-header export), for error messages.
* Personal-data columns are dropped at load (listed in ``dropped``) unless named in ``keep``.
* The input file is never modified.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rapstats.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

PLATFORMS: tuple[str, ...] = (
    "auto",
    "msforms",
    "qualtrics",
    "surveymonkey",
    "googleforms",
    "plain",
    "spss",
)


@dataclass(frozen=True, slots=True)
class Export:
    """A loaded survey export.

    Attributes
    ----------
    path : Path
        The file read.
    platform : str
        The platform whose layout was read (one of :data:`PLATFORMS`, never ``"auto"``).
    frame : pandas.DataFrame
        One row per response; every column a Categorical of strings.
    row_numbers : numpy.ndarray
        Spreadsheet row number of each frame row in the original file.
    sha256 : str
        Hex digest of the file's bytes.
    encoding : str or None
        The text encoding used (None for binary formats).
    sheet : str or None
        The worksheet read (spreadsheets only).
    question_text : dict
        Column -> question text, where the platform gives one apart from the column name.
    dropped : tuple of str
        Personal-data columns dropped at load.
    notes : tuple of str
        Things the loader did that the user should know (reported on stderr).
    header_parts : dict
        Column -> the texts of its header rows, for exports with more than one header row
        (Qualtrics: tag, question text, import id; SurveyMonkey: question, choice). Inference
        uses them to group the columns of one question.
    """

    path: Path
    platform: str
    frame: pd.DataFrame
    row_numbers: np.ndarray
    sha256: str
    encoding: str | None = None
    sheet: str | None = None
    question_text: dict[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    header_parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        """Number of responses read."""
        return len(self.frame)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_export(
    path: str | Path,
    *,
    platform: str = "auto",
    encoding: str | None = None,
    sheet: str | None = None,
    columns: list[str] | None = None,
    keep: tuple[str, ...] = (),
) -> Export:
    """Read a survey export.

    Parameters
    ----------
    path : str or Path
        CSV, TSV, TXT, XLSX, ODS or SAV file.
    platform : {'auto', 'msforms', 'qualtrics', 'surveymonkey', 'googleforms', 'plain', 'spss'}
        The layout to read; ``'auto'`` (default) detects it from the header rows.
    encoding : str, optional
        Text encoding; default None detects it (BOM, then UTF-8, then Windows-1252).
    sheet : str, optional
        Worksheet name for spreadsheets; default None reads the first sheet.
    columns : list of str, optional
        Load only these columns (matched trimmed and case-insensitively); default None loads
        all. Unknown names are ignored here: the spec check names them.
    keep : tuple of str
        Personal-data columns to keep (the spec names them as grouping variables).

    Raises
    ------
    InputError
        Missing, empty, undecodable or corrupt file; a file that is not a survey export.
    """
    from rapstats.io._read import read_export

    path = Path(path)
    if platform not in PLATFORMS:
        raise InputError(
            f"unknown platform {platform!r}", hint="use one of " + ", ".join(PLATFORMS)
        )
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path")
    if path.is_dir():
        raise InputError("is a folder, not a file", path=path, hint="name the export file")
    return read_export(
        path, platform=platform, encoding=encoding, sheet=sheet, columns=columns, keep=keep
    )
