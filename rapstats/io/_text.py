"""Delimited text exports: encoding and delimiter sniffing, header records, the fast body read.

Only the first KBs are read in Python (to sniff the encoding, the delimiter and the header
rows); the body is parsed by pyarrow's multithreaded CSV reader straight into dictionary
(categorical) columns, transcoding on the fly when the file is not UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from rapstats._arrow import to_numpy
from rapstats.errors import InputError
from rapstats.io import Coded, text_encoding

HEAD_BYTES = 1 << 16
MAX_HEAD_BYTES = 1 << 24
HEAD_RECORDS = 40
DELIMITERS = (",", ";", "\t", "|")
BLOCK_SIZE = 1 << 20
TAIL_BYTES = 1 << 13  # first read of a text export's end (totals rows)
_DICT = pa.dictionary(pa.int32(), pa.string())
# the ASCII white space (str.isspace, as utf8_trim_whitespace trims), by byte
_ASCII_SPACE = np.isin(np.arange(256), [9, 10, 11, 12, 13, 28, 29, 30, 31, 32])
NEAR_UNIQUE = 0.5  # share of distinct values above which a column is read as plain text
SAMPLE_VALUES = 200  # values a column needs in the first block to be judged so
PLAIN_MIN_BYTES = 2 * BLOCK_SIZE  # a smaller body is one or two blocks: nothing to merge


@dataclass(frozen=True, slots=True)
class TextInfo:
    """How a text export is encoded and split."""

    encoding: str  # Python codec name, as reported in Export.encoding
    bom: int  # bytes of byte-order mark to skip
    detected: bool  # False when the caller named the encoding
    delimiter: str = ","

    @property
    def arrow_encoding(self) -> str:
        return "utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding


def sniff_encoding(path: Path, head: bytes, encoding: str | None) -> TextInfo:
    """Choose the text encoding: the caller's, a BOM, strict UTF-8, then Windows-1252.

    Raises InputError for binary data and for bytes that decode in none of them.
    """
    if encoding is not None:
        try:
            name = text_encoding(encoding)
        except InputError as exc:
            raise InputError(exc.message, path=path, hint=exc.hint) from None
        bom = 0
        if name in ("utf-8", "utf-8-sig") and head.startswith(codecs.BOM_UTF8):
            name, bom = "utf-8", 3
        elif name == "utf-16":
            name, bom = _utf16_with_bom(head)
        _decode_head(path, head[bom:], name)
        return TextInfo(name, bom, detected=False)
    if head.startswith(codecs.BOM_UTF8):
        info = TextInfo("utf-8", 3, True)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name, bom = _utf16_with_bom(head)
        info = TextInfo(name, bom, True)
    elif b"\x00" in head:
        sample = head[:4096]
        odd = sample[1::2].count(0) / max(len(sample) // 2, 1)
        even = sample[0::2].count(0) / max(len(sample) // 2, 1)
        if odd > 0.4 and even < 0.05:
            info = TextInfo("utf-16-le", 0, True)
        elif even > 0.4 and odd < 0.05:
            info = TextInfo("utf-16-be", 0, True)
        else:
            raise InputError(
                "is a binary file, not a text or spreadsheet export",
                path=path,
                hint="export the survey as CSV or XLSX",
            )
    else:
        try:
            _decode(head, "utf-8")
            info = TextInfo("utf-8", 0, True)
        except UnicodeDecodeError:
            info = TextInfo("cp1252", 0, True)
    _decode_head(path, head[info.bom :], info.encoding)
    return info


def _utf16_with_bom(head: bytes) -> tuple[str, int]:
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return "utf-16-le", 0


def _decode(data: bytes, encoding: str) -> str:
    """Decode a head of a file, tolerating a character cut at its end."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    return decoder.decode(data, final=False)


def _decode_head(path: Path, head: bytes, encoding: str) -> str:
    try:
        text = _decode(head, encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot be decoded as {encoding} (byte {exc.start + 1} of the file)",
            path=path,
            hint="save it as UTF-8 CSV, or give its encoding with --encoding",
        ) from None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(2, len(text[:4096]) // 100):
        raise InputError(
            "is a binary file, not a text or spreadsheet export",
            path=path,
            hint="export the survey as CSV or XLSX",
        )
    return text


def read_head(path: Path, info: TextInfo) -> tuple[str, bool]:
    """Decoded text of the first KBs (more when the header is long) and whether it is all."""
    size = path.stat().st_size
    n = HEAD_BYTES
    with path.open("rb") as f:
        while True:
            f.seek(0)
            data = f.read(n)
            text = _decode_head(path, data[info.bom :], info.encoding)
            complete = len(data) >= size
            if complete or n >= MAX_HEAD_BYTES or text.count("\n") > HEAD_RECORDS:
                return text, complete
            n *= 4


def split_records(
    text: str, delimiter: str, complete: bool, limit: int | None = 4 * HEAD_RECORDS
) -> tuple[list[list[str]], list[int]]:
    """Split CSV text into records of fields, honouring quotes.

    Returns the records (at most ``limit``; None: all) and, for each, the character offset
    just past its line ending. When the text is not the whole file, the last (possibly cut)
    record is left out.
    """
    records: list[list[str]] = []
    ends: list[int] = []
    fields: list[str] = []
    i, n = 0, len(text)
    next_stop = _StopFinder(text, delimiter)
    while i < n:
        if text[i] == '"':
            j = i + 1
            parts = []
            while True:
                k = text.find('"', j)
                if k < 0:  # unterminated quote: the rest of the text
                    parts.append(text[j:])
                    i = n
                    break
                parts.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            value = "".join(parts)
            # anything between the closing quote and the delimiter is kept, as spreadsheets do
            stop = next_stop(i)
            value += text[i:stop]
            i = stop
        else:
            stop = next_stop(i)
            value = text[i:stop]
            i = stop
        fields.append(value)
        if i >= n:
            if complete:
                records.append(fields)
                ends.append(n)
            break
        ch = text[i]
        if ch == delimiter:
            i += 1
            if i >= n and complete:
                fields.append("")
                records.append(fields)
                ends.append(n)
            continue
        # line ending
        i += 2 if text.startswith("\r\n", i) else 1
        records.append(fields)
        ends.append(i)
        fields = []
        if limit is not None and len(records) >= limit:
            break
    return records, ends


def read_tail(path: Path, info: TextInfo, offset: int, size: int) -> tuple[list[list[str]], bool]:
    """The records in the last ``size`` bytes of a text export whose body starts at byte
    ``offset``, and whether they are the whole body.

    Unless the whole body fits, the text starts after the first line break in those bytes; a
    quoted field with line breaks may be cut there, so the caller checks the records against
    what the body reader read.
    """
    total = path.stat().st_size
    unit = 4 if "32" in info.encoding else 2 if "16" in info.encoding else 1
    start = offset + max(0, total - size - offset) // unit * unit
    with path.open("rb") as f:
        f.seek(start)
        text = f.read().decode(info.encoding, errors="replace")
    whole = start == offset
    if not whole:
        cut = re.search(r"\r\n?|\n", text)
        text = text[cut.end() :] if cut else ""
    return split_records(text, info.delimiter, True, limit=None)[0], whole


class _StopFinder:
    """The next delimiter or line break at or after a position, in linear time overall.

    The last position found of each character is kept and searched again only once the scan
    has passed it (a plain ``find`` per field would rescan to the end of the text for a
    character that does not occur, which is quadratic).
    """

    def __init__(self, text: str, delimiter: str) -> None:
        self.text = text
        self.chars = (delimiter, "\n", "\r")
        self.found = [-1, -1, -1]  # -1: search again; len(text): none left

    def __call__(self, i: int) -> int:
        n = len(self.text)
        for k, ch in enumerate(self.chars):
            if self.found[k] < i:
                p = self.text.find(ch, i)
                self.found[k] = n if p < 0 else p
        return min(self.found)


def sniff_delimiter(text: str, complete: bool, info: TextInfo) -> str:
    """The delimiter giving the widest consistent records in the head."""
    best, best_score = None, (0, 0)
    for delimiter in DELIMITERS:
        records, _ = split_records(text, delimiter, complete)
        widths = [len(r) for r in records[:HEAD_RECORDS] if len(r) > 1]
        if not widths:
            continue
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(mode) * mode, mode)
        if score > best_score:
            best, best_score = delimiter, score
    if best is None:
        return "\t" if info.encoding.startswith("utf-16") else ","
    return best


def to_coded(column: pa.ChunkedArray) -> Coded:
    """A string column as a :class:`~rapstats.io.Coded` of trimmed labels; blanks are missing.

    Arrow encodes the column once (no Python per row); trimming works on the distinct values,
    in Python only when some value needs it.
    """
    if len(column) == 0 or column.num_chunks == 0:
        return Coded(np.zeros(0, dtype=np.int32), ())
    dictionary, codes = _one_dictionary(column)
    if _tidy(dictionary):
        return Coded(codes, arrow=dictionary)
    trimmed = pc.utf8_trim_whitespace(dictionary)
    index: dict[str, int] = {}
    remap = np.full(len(trimmed) + 1, -1, dtype=np.int32)  # code -1 indexes the last slot
    for j, label in enumerate(trimmed.to_pylist()):
        if label:
            remap[j] = index.setdefault(label, len(index))
    return Coded(remap[codes], tuple(index))


def _one_dictionary(column: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """The distinct values of a string or dictionary column, in order of first appearance,
    and the int32 code of each value (-1: null).

    A plain string column is encoded in one pass, all chunks sharing one dictionary; the
    reader's dictionary columns have one per block, unified here.
    """
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    if not _shared_dictionary(column):
        column = pa.table({"c": column}).unify_dictionaries().column(0)
    chunks = [c.indices for c in column.chunks]
    indices = chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks)
    codes = to_numpy(indices, null=-1).astype(np.int32, copy=False)
    return column.chunk(0).dictionary, codes


def _shared_dictionary(column: pa.ChunkedArray) -> bool:
    """Whether every chunk of a dictionary column holds the very same dictionary (the same
    memory), as :func:`pyarrow.compute.dictionary_encode` gives a chunked column."""
    first = _memory(column.chunk(0).dictionary)
    return all(_memory(c.dictionary) == first for c in column.chunks[1:])


def _memory(values: pa.Array) -> tuple[object, ...]:
    """Where an array's values lie: its offset, length and buffers' addresses and sizes."""
    where = [(b.address, b.size) if b is not None else None for b in values.buffers()]
    return (values.offset, len(values), *where)


def _tidy(values: pa.Array) -> bool:
    """Whether no value is empty or starts or ends with white space: trimming would change
    none. The first and last bytes are read from the Arrow buffers (no copy of the values);
    only values that start or end outside ASCII are trimmed to tell."""
    n = len(values)
    text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    if n == 0 or values.null_count or not text:
        return _trims_nothing(values)
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(values.buffers()[1], dtype=width, count=values.offset + n + 1)
    starts, ends = offsets[values.offset : -1], offsets[values.offset + 1 :]
    if (ends == starts).any():
        return False
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)
    first, last = data[starts], data[ends - 1]
    if _ASCII_SPACE[first].any() or _ASCII_SPACE[last].any():
        return False
    wide = np.flatnonzero((first >= 0x80) | (last >= 0x80))
    if not len(wide):
        return True
    # an Arrow index array over the numpy buffer: pa.array(numpy) would import pandas
    index = pa.Array.from_buffers(pa.int64(), len(wide), [None, pa.py_buffer(wide)])
    return _trims_nothing(values.take(index))


def _trims_nothing(values: pa.Array) -> bool:
    """Whether ``utf8_trim_whitespace`` would change no value and none is empty (nulls are
    left as they are)."""
    lengths = pc.binary_length(pc.utf8_trim_whitespace(values))
    same = pc.sum(lengths).as_py() == pc.sum(pc.binary_length(values)).as_py()
    shortest = pc.min(lengths).as_py()  # None: none or all null
    return same and (shortest is None or shortest > 0)


def read_body(
    path: Path,
    info: TextInfo,
    *,
    offset: int,
    width: int,
    include: list[int],
) -> tuple[pa.Table, list[tuple[int | None, int, str]]]:
    """Parse the records from byte ``offset`` on into dictionary columns ``c{i}``.

    Returns the table and the records that had a different number of fields from ``width``
    (record number within the body, 1 = the first, field count, text); they are left out.
    """
    names = [f"c{i}" for i in range(width)]
    # no column wanted: read the first to count the rows (Arrow reads all when given none)
    wanted = [names[i] for i in include] or names[:1]
    bad: list[tuple[int | None, int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    # near-unique columns (ids, free text, times) are read as text and encoded once, not in
    # dictionaries per block that would then be merged
    plain = _near_unique(path, info, offset, names, wanted)
    types = {c: pa.string() if c in plain else _DICT for c in wanted}
    block = BLOCK_SIZE
    newlines = False  # faster; retried with True when a quoted line break split a block
    threads = True  # Arrow numbers the bad records only when it reads on one thread
    while True:
        bad.clear()
        try:
            with pa.OSFile(str(path)) as f:
                f.seek(offset)
                table = pacsv.read_csv(
                    f,
                    read_options=pacsv.ReadOptions(
                        column_names=names,
                        block_size=block,
                        encoding=info.arrow_encoding,
                        use_threads=threads,
                    ),
                    parse_options=pacsv.ParseOptions(
                        delimiter=info.delimiter,
                        newlines_in_values=newlines,
                        # an empty line is a blank row (dropped later), so that the rows
                        # after it keep their spreadsheet row numbers
                        ignore_empty_lines=False,
                        invalid_row_handler=on_invalid,
                    ),
                    convert_options=pacsv.ConvertOptions(
                        include_columns=wanted,
                        column_types=types,
                        strings_can_be_null=True,
                        null_values=[""],
                    ),
                )
            if bad and not newlines:
                newlines = True
                continue
            if bad and threads and any(b[0] is None for b in bad):
                threads = False
                continue
            if not include:
                table = table.select([])
            return table, list(bad)
        except pa.ArrowInvalid as exc:
            text = str(exc)
            if not newlines and ("quote" in text or "columns" in text):
                newlines = True
                continue
            if "straddling" in text or "block size" in text or "too large" in text:
                if block >= max(path.stat().st_size, 1) * 2:
                    raise
                block *= 4
                continue
            raise


def _near_unique(
    path: Path, info: TextInfo, offset: int, names: list[str], wanted: list[str]
) -> set[str]:
    """The columns of ``wanted`` whose values in the body's first block are mostly distinct
    (:data:`NEAR_UNIQUE` of the non-blank ones, at least :data:`SAMPLE_VALUES` of them).

    Only for a body over :data:`PLAIN_MIN_BYTES`; an unreadable first block gives none (the
    body read reports what is wrong). Which columns are chosen changes the speed, never the
    values.
    """
    if path.stat().st_size - offset <= PLAIN_MIN_BYTES:
        return set()
    try:
        with pa.OSFile(str(path)) as f:
            f.seek(offset)
            reader = pacsv.open_csv(
                f,
                read_options=pacsv.ReadOptions(
                    column_names=names,
                    block_size=BLOCK_SIZE // 4,
                    encoding=info.arrow_encoding,
                    use_threads=False,
                ),
                parse_options=pacsv.ParseOptions(delimiter=info.delimiter),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types={c: _DICT for c in wanted},
                    strings_can_be_null=True,
                    null_values=[""],
                ),
            )
            batch = reader.read_next_batch()
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration):
        return set()
    plain = set()
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        filled = len(column) - column.null_count
        if filled >= SAMPLE_VALUES and len(column.dictionary) > NEAR_UNIQUE * filled:
            plain.add(name)
    return plain


__all__ = [
    "TextInfo",
    "sniff_encoding",
    "read_head",
    "split_records",
    "sniff_delimiter",
    "read_body",
    "read_tail",
]
