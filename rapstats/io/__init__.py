"""Load survey exports: the first layer of rapstats.

:func:`load_export` reads a CSV/TSV/XLSX/ODS/SAV export as it comes off a survey platform and
returns an :class:`Export`: one row per response, one column per export column, every column a
:class:`Coded` column of strings (integer codes into the distinct values; -1 = missing). Later
layers never see the file again. pandas is not needed: ``Export.frame`` builds a pandas view
on request.

Contract kept by every loader
-----------------------------
* ``columns`` keys are unique, trimmed header names (str), in file order; every column is a
  :class:`Coded` of trimmed ``str`` categories, distinct, in order of first appearance; blanks
  and empty strings are missing.
* ``row_numbers[i]`` is the spreadsheet row number of response ``i`` in the original file
  (header row = row 1 for a one-header export), for error messages.
* Personal-data columns, found by header or by content (:mod:`rapstats.io._personal`), are
  dropped at load (listed in ``dropped``) unless named in ``keep``.
* Codes become labels through one function (:mod:`rapstats.io._codebook`): an SPSS file's
  value labels, or a Qualtrics survey file's (``codebook=``) for a numeric export.
* The input file is never modified.

See docs/load.md for the platforms, the rows every reader tidies and the errors.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapstats.errors import InputError
from rapstats.vocab import MAX_UNPACKED_MB, PLATFORMS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


class Coded:
    """One column of an export: integer codes into its distinct values.

    Parameters
    ----------
    codes : numpy.ndarray
        int32, one per response: index into the categories, -1 for a blank cell.
    categories : tuple of str, optional
        The distinct trimmed values, in order of first appearance.
    arrow : pyarrow.Array, optional
        The same values as an Arrow string array (the CSV reader's dictionary); either this or
        ``categories`` is given, and the other is made when first asked for.
    """

    __slots__ = ("_arrow", "_categories", "_counts", "codes")

    def __init__(
        self, codes: np.ndarray, categories: tuple[str, ...] | None = None, *, arrow: Any = None
    ) -> None:
        if categories is None and arrow is None:
            raise ValueError("give the categories or their Arrow array")
        self.codes = codes
        self._categories = categories
        self._arrow = arrow
        self._counts: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"Coded({len(self)} values, {self.n_categories} distinct)"

    @property
    def n_categories(self) -> int:
        """Number of distinct values."""
        return len(self._categories if self._categories is not None else self._arrow)

    @property
    def categories(self) -> tuple[str, ...]:
        """The distinct values, in order of first appearance."""
        if self._categories is None:
            self._categories = tuple(self._arrow.to_pylist())
        return self._categories

    def counts(self) -> np.ndarray:
        """The number of responses holding each value (int64, in category order; blanks are
        not counted), counted once (the text reader counts on its coding threads)."""
        if self._counts is None:
            import numpy as np

            shifted = self.codes.astype(np.intp)  # a blank (-1) counts at 0
            shifted += 1
            self._counts = np.bincount(shifted, minlength=self.n_categories + 1)[1:]
        return self._counts

    def label(self, code: int) -> str:
        """The value with code ``code`` (>= 0)."""
        if self._categories is None:
            return str(self._arrow[code].as_py())
        return self._categories[code]

    def labels_at(self, codes: np.ndarray) -> list[str]:
        """The values with codes ``codes`` (each >= 0), without listing all of them."""
        if self._categories is not None:
            return [self._categories[i] for i in codes.tolist()]
        return self._arrow.take(_arrow_index(codes)).to_pylist()

    def arrow(self) -> Any:
        """The distinct values as a pyarrow string array (for vectorised string kernels)."""
        if self._arrow is None:
            import pyarrow as pa

            self._arrow = pa.array(self._categories, type=pa.string())
        return self._arrow

    def values(self) -> list[str | None]:
        """The value of every response (None where blank)."""
        cats = (*self.categories, None)  # code -1 picks the last
        return [cats[c] for c in self.codes.tolist()]

    def take(self, rows: np.ndarray) -> Coded:
        """The responses where the bool array ``rows`` is True, unused values left out."""
        import numpy as np

        codes = self.codes[rows]
        used = np.zeros(self.n_categories + 1, dtype=bool)
        used[codes] = True  # code -1 marks the last slot
        if used[:-1].all():
            return Coded(codes, self._categories, arrow=self._arrow)
        kept = np.flatnonzero(used[:-1])
        remap = np.full(self.n_categories + 1, -1, dtype=np.int32)
        remap[kept] = np.arange(len(kept), dtype=np.int32)
        if self._categories is None:  # the Arrow values are kept as Arrow values
            return Coded(remap[codes], arrow=self._arrow.take(_arrow_index(kept)))
        return Coded(remap[codes], tuple(self._categories[i] for i in kept.tolist()))

    def to_pandas(self) -> pd.Categorical:
        """The column as a pandas Categorical of strings (blank = NaN)."""
        import pandas as pd

        return pd.Categorical.from_codes(
            self.codes, categories=pd.Index(list(self.categories), dtype=str), validate=False
        )


def _arrow_index(codes: np.ndarray) -> Any:
    """An Arrow int64 array over (a copy of) the numpy ``codes``: pa.array(numpy) would import
    pandas."""
    import numpy as np
    import pyarrow as pa

    index = np.ascontiguousarray(codes, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(index), [None, pa.py_buffer(index)])


@dataclass(frozen=True, slots=True)
class Export:
    """A loaded survey export.

    Attributes
    ----------
    path : Path
        The file read.
    platform : str
        The platform whose layout was read (one of :data:`PLATFORMS`, never ``"auto"``).
    columns : dict of str to Coded
        Export column name -> its coded values, one per response, in file order.
    row_numbers : numpy.ndarray
        Spreadsheet row number of each response in the original file.
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
    left_out : tuple of dict
        What was read but left out, and why: ``{"what": "rows", "count": n, "reason": ...}``
        (totals rows, Qualtrics previews) and ``{"what": "columns", "columns": [...],
        "reason": ...}`` (personal data, by header or by contents).
    header_parts : dict
        Column -> the texts of its header rows, for exports with more than one header row
        (Qualtrics: tag, question text, import id; SurveyMonkey: question, choice). Inference
        uses them to group the columns of one question.
    file_columns : tuple of str
        Every named column of the file, read or not, bar those left out as personal data by
        their header: what a spec may name (an error suggests the closest), known without
        reading the file again.
    """

    path: Path
    platform: str
    columns: dict[str, Coded]
    row_numbers: np.ndarray
    sha256: str
    encoding: str | None = None
    sheet: str | None = None
    question_text: dict[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    left_out: tuple[dict[str, Any], ...] = ()
    header_parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    file_columns: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        """Number of responses read."""
        return len(self.row_numbers)

    @property
    def frame(self) -> pd.DataFrame:
        """The responses as a pandas DataFrame of Categoricals (built on each call)."""
        import pandas as pd

        return pd.DataFrame(
            {name: col.to_pandas() for name, col in self.columns.items()},
            columns=list(self.columns),
            index=pd.RangeIndex(self.rows_read),
        )


def text_encoding(name: str) -> str:
    """The Python codec name of the text encoding ``name``.

    Raises
    ------
    InputError
        ``name`` is no codec, or not a text encoding (``rot13``, ``base64``).
    """
    import codecs

    hint = "give a Python codec name such as utf-8, cp1252 or utf-16"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise InputError(f"unknown encoding {name!r}", hint=hint) from None
    try:
        "".encode(codec)  # refuses codecs that do not turn text into bytes
    except (LookupError, UnicodeError):
        raise InputError(f"{name!r} is not a text encoding", hint=hint) from None
    return codec


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read ``chunk`` bytes at a time into one buffer (default
    1 MiB). Each read and each update lets go of the GIL and takes it back after: a thread
    that hashes while another computes in Python reads larger chunks, so as to wait for the
    GIL less often."""
    h = hashlib.sha256()
    buffer = bytearray(chunk)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buffer):
            h.update(view[:n])
    return h.hexdigest()


def load_export(
    path: str | Path,
    *,
    platform: str = "auto",
    encoding: str | None = None,
    sheet: str | None = None,
    columns: list[str] | None = None,
    keep: tuple[str, ...] = (),
    max_unpacked_mb: float = MAX_UNPACKED_MB,
    codebook: str | Path | None = None,
    digest: bool = True,
) -> Export:
    """Read a survey export.

    Parameters
    ----------
    path : str or Path
        CSV, TSV, TXT, XLSX, ODS or SAV file; or a Parquet or Arrow/Feather file, or a folder
        or glob of them (:mod:`rapstats.io.columnar`), or a folder or glob of CSV/TSV files:
        one survey in parts (:func:`rapstats.io.parts.load_parts`, pooled).
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
    max_unpacked_mb : float
        Largest total size, in megabytes, that the parts of an XLSX/ODS (a ZIP) may unpack
        to; default :data:`MAX_UNPACKED_MB`. A zip bomb is refused before it is unpacked.
    codebook : str or Path, optional
        A Qualtrics survey file (``.qsf``) whose choices label a numeric export's codes
        (:mod:`rapstats.io._codebook`); default None (SPSS files carry their own labels).
    digest : bool
        Hash the file (``sha256``) while it is read (default True). False leaves ``sha256``
        empty for a text, spreadsheet or SPSS export, for a caller that hashes it later with
        :func:`file_sha256`, while its second core would otherwise idle (a columnar input and
        a survey in parts are always hashed).

    Raises
    ------
    InputError
        Missing, empty, undecodable or corrupt file; a folder or glob holding no export, or
        parts whose header rows differ; a pipe or device; a file that is not a
        survey export (a PDF, an image, a spec, a report); formula cells never calculated;
        a workbook that declares it unpacks to more than ``max_unpacked_mb``; a codebook
        that is missing or malformed.
    """
    from rapstats.io._read import read_export

    path = Path(path)
    if platform not in PLATFORMS:
        raise InputError(
            f"unknown platform {platform!r}", hint="use one of " + ", ".join(PLATFORMS)
        )
    from rapstats.io.columnar import load_columnar
    from rapstats.io.parts import export_kind, load_parts

    kind = export_kind(path, platform)
    if kind == "file":
        _check_file(path)
    book = None
    if codebook is not None:
        from rapstats.io._codebook import read_qsf

        book = read_qsf(codebook)  # a bad codebook fails before the export is read
    if kind in ("parquet", "ipc"):
        export = load_columnar(path, kind, columns, keep)
    elif kind == "parts":
        export = load_parts(path, columns=columns, keep=keep, platform=platform, encoding=encoding)
    else:
        export = read_export(
            path,
            platform=platform,
            encoding=encoding,
            sheet=sheet,
            columns=columns,
            keep=keep,
            max_unpacked_mb=max_unpacked_mb,
            digest=digest,
        )
    if book is None:
        return export
    from rapstats.io._codebook import apply_value_labels

    labelled, n = apply_value_labels(export.columns, book.labels, book.joined)
    note = f"labelled the codes of {n} column(s) from {codebook}"
    return replace(export, columns=labelled, notes=(*export.notes, note))


def _check_file(path: Path) -> None:
    """Refuse a path that is no regular file (missing, a glob matching no parts, a folder
    holding none, a pipe or a device)."""
    if not path.exists() and any(c in str(path) for c in "*?["):
        raise InputError(
            "matches no CSV, TSV, Parquet or Arrow/Feather file",
            path=path,
            hint="check the pattern (quote it, so that the shell leaves it to rapstats)",
        )
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path")
    if path.is_dir():
        raise InputError(
            "is a folder holding no CSV, TSV, Parquet or Arrow/Feather files",
            path=path,
            hint="give the export file, or a folder or quoted glob of the parts of one survey",
        )
    if not path.is_file():  # reading a pipe or a device would wait for ever, or never end
        raise InputError(
            "is not a regular file (a pipe or a device)",
            path=path,
            hint="save the export to a file and give its path",
        )
