"""XLSX and ODS renderers: the report model's tables as spreadsheets.

Both workbooks hold the same sheets, following the Analysis Function checklist: a cover
sheet, a contents sheet, a notes sheet (``[note n]`` markers in table titles), one table
per sheet with one header row and no merged cells, numbers stored as numbers, GSS symbols
(``[c]``, ``[u]``, ``[z]``, ``[x]``) in cells without a number and explained in a legend,
and an audit sheet. The XLSX workbook is laid out as gptables lays it out (its default
theme; each table marked as an Excel table) and written with xlsxwriter; the ODS package is
written directly. ODS has no table object, so each ODS sheet holds the title rows and the
table (its header row first). User text is always written as text: never a formula, a link
or a note reference.

Output bytes are reproducible: fixed document dates and fixed ZIP timestamps.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import zipfile
from collections.abc import Sequence
from typing import Any

# ZIP member timestamp used for both formats (the DOS epoch).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _date(model: dict[str, Any]) -> dt.datetime:
    """The document date: the report's date, else a fixed epoch (never the clock)."""
    try:
        return dt.datetime.fromisoformat(str(model.get("date") or "")[:10])
    except ValueError:
        return dt.datetime(2000, 1, 1)


def _legend(model: dict[str, Any]) -> list[str]:
    return [f"{s['symbol']} = {s['meaning']}" for s in model["symbols"]]


def _cover(model: dict[str, Any]) -> dict[str, list[str]]:
    intro = [model["overview"]]
    if model.get("banner"):
        intro.insert(0, model["banner"])
    about = [
        f"Organisation: {model['organisation']}" if model["organisation"] else "",
        f"Period: {model['period']}" if model["period"] else "",
        f"Published: {model['date']}" if model["date"] else "",
        "Key findings:",
        *model["key_findings"],
        "Symbols used in the tables:",
        *_legend(model),
    ]
    contact = [model["contact"]] if model["contact"] else ["Not given"]
    return {"intro": intro, "about": [a for a in about if a], "contact": contact}


def _all_tables(model: dict[str, Any]) -> list[dict[str, Any]]:
    return [*model["tables"], model["manifest"]["table"]]


# gptables' default theme (``gptables.gptheme``): Arial, 12 pt body text, bold headings with
# a bottom border. tests/test_report_spreadsheets.py checks these against the installed gptables.
THEME: dict[str, dict[str, Any]] = {
    "cover_title": {"font_size": 16, "font_name": "Arial", "font_color": "automatic",
                    "bold": True, "text_wrap": True},
    "cover_subtitle": {"font_size": 14, "font_name": "Arial", "font_color": "automatic",
                       "bold": True, "text_wrap": True},
    "cover_text": {"font_size": 12, "font_name": "Arial", "font_color": "automatic",
                   "text_wrap": True},
    "title": {"font_size": 16, "font_name": "Arial", "font_color": "automatic", "bold": True},
    "subtitle": {"font_size": 14, "font_name": "Arial", "font_color": "automatic"},
    "instructions": {"font_size": 12, "font_name": "Arial", "font_color": "automatic"},
    "legend": {"font_size": 12, "font_name": "Arial", "font_color": "automatic"},
    "source": {"font_size": 12, "font_name": "Arial", "font_color": "automatic"},
    "column_heading": {"font_size": 12, "font_name": "Arial", "font_color": "automatic",
                       "bold": True, "bottom": 1, "text_wrap": 1, "valign": "top"},
    "index_2": {"font_size": 12, "font_name": "Arial", "font_color": "automatic",
                "text_wrap": 1},
    "data": {"font_size": 12, "font_name": "Arial", "font_color": "automatic", "text_wrap": 1},
}  # fmt: skip
COVER_WIDTH = 85
TABLE_INSTRUCTIONS = (
    "This worksheet contains one table. Some cells refer to notes, which can be found on the "
    "Notes worksheet."
)
# A GSS symbol or note marker such as [c] or [note 2]: a column holding numbers and these only
# is a numeric column (right-aligned).
_SHORTHAND = re.compile(r"\[[\w\s]+\]")


def render_xlsx(model: dict[str, Any]) -> bytes:
    """The report's tables as an accessible XLSX workbook, as bytes.

    The workbook is laid out as gptables lays out a workbook from ``GPTable`` objects, with
    its default theme: a cover sheet, a contents sheet linking every table sheet, a notes
    sheet, then one sheet per table (title, findings, instructions, symbol legend and source
    above one table marked as an Excel table, with one header row, column widths fitted to
    the text, numbers right-aligned). It is written with xlsxwriter directly, which is what
    gptables writes with: gptables' pandas work per table took over a second for the sample
    report, and tests/test_report_spreadsheets.py checks that both give the same workbook.
    """
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    cache: dict[tuple, Any] = {}

    def fmt(props: dict[str, Any]) -> Any:
        key = tuple(sorted(props.items()))
        if key not in cache:
            cache[key] = wb.add_format(props)
        return cache[key]

    # Cover: the title, then each part under its subheading, in one wide wrapped column.
    cover = _cover(model)
    ws = _sheet(wb, "Cover")
    lines = [(model["title"], "cover_title")]
    for heading, part in (
        ("Introductory information", "intro"),
        ("About these data", "about"),
        ("Contact", "contact"),
    ):
        lines.append((heading, "cover_subtitle"))
        lines += [(text, "cover_text") for text in cover[part]]
    row = 0
    for text, style in lines:
        if text:
            _write(ws, row, 0, text, fmt(THEME[style]))
            row += 1
    ws.set_column(0, 0, COVER_WIDTH)

    tables = _all_tables(model)
    # Contents: one row per table sheet, its name a link to the sheet's first cell.
    _write_table(
        _sheet(wb, "Contents"),
        fmt,
        name="contents_table",
        title="Table of contents",
        instructions="This worksheet contains one table.",
        header=["Sheet name", "Table description"],
        rows=[[_Link(t["sheet"]), _title(t)] for t in tables],
        index=True,
    )
    # Notes by the number the text cites them by ([note n]).
    _write_table(
        _sheet(wb, "Notes"),
        fmt,
        name="notes_table",
        title="Notes",
        instructions="This worksheet contains one table.",
        header=["Note number", "Note text"],
        rows=[[n["number"], n["text"]] for n in model["notes"]],
    )
    legend = _legend(model)
    for t in tables:
        _write_table(
            _sheet(wb, t["sheet"]),
            fmt,
            name=t["sheet"].lower(),
            title=_title(t),
            subtitles=list(t["findings"]),
            instructions=TABLE_INSTRUCTIONS,
            legend=legend,
            source=t["source"],
            header=[c["label"] for c in t["columns"]],
            # An empty cell (an empty flag: no flag) is left blank, not written as "".
            rows=[[c["v"] for c in row] for row in t["rows"]],
        )
    wb.set_properties(
        {"title": model["title"], "author": model["organisation"], "created": _date(model)}
    )
    wb.close()
    return _normalise_zip(buf.getvalue())


def _title(table: dict[str, Any]) -> str:
    return table["title"] + (f" {table['notes']}" if table["notes"] else "")


class _Link(str):
    """A sheet name written as a link to that sheet's first cell."""


def _sheet(wb: Any, name: str) -> Any:
    ws = wb.add_worksheet(name)
    ws.hide_gridlines(2)  # on screen and in print
    return ws


def _write(ws: Any, row: int, col: int, value: Any, cell_format: Any) -> None:
    """Write one cell: text as text (never a formula or link), numbers as numbers."""
    if value is None:
        ws.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, cell_format)
    else:
        ws.write_string(row, col, str(value), cell_format)


def _write_table(
    ws: Any,
    fmt: Any,
    *,
    name: str,
    title: str,
    instructions: str,
    header: list[str],
    rows: list[list[Any]],
    subtitles: Sequence[str] = (),
    legend: Sequence[str] = (),
    source: str | None = None,
    index: bool = False,
) -> None:
    """One table sheet as gptables writes a ``GPTable``.

    Title, subtitles, instructions, legend and source each take a row (empty ones are
    skipped but keep their row); the table's header row follows, then its rows. ``index``
    makes the first column an index column (level 2: left-aligned, not bold).
    """
    if len(set(header)) != len(header) or not all(header):
        raise ValueError(f"table {name}: column names must be unique and not empty")
    rows = [[_cell(v) for v in row] for row in rows]
    for row in rows:
        if all(v is None for v in row):
            raise ValueError(f"table {name}: empty row; every row needs a value")
    top = 0
    for text, style in (
        (title, "title"),
        *((s, "subtitle") for s in subtitles),
        (instructions, "instructions"),
        *((s, "legend") for s in legend),
        (source, "source"),
    ):
        if text:
            _write(ws, top, 0, text, fmt(THEME[style]))
            top += 1
    # The table starts below every element given, empty or not.
    start = 2 + len(subtitles) + len(legend) + (source is not None)
    ncols = len(header)
    # Numeric columns are right-aligned, except the first (an index or a label column).
    right = [c > 0 and _numeric([r[c] for r in rows]) for c in range(ncols)]
    heading = [{**THEME["column_heading"], "align": "right" if r else "left"} for r in right]
    body = [
        {**THEME["index_2" if index and c == 0 else "data"], "align": "right" if r else "left"}
        for c, r in enumerate(right)
    ]
    widths = [0] * ncols
    for c, label in enumerate(header):
        _write(ws, start, c, label, fmt(heading[c]))
        widths[c] = _width(label, heading[c])
    for i, row in enumerate(rows, start=start + 1):
        for c, value in enumerate(row):
            if isinstance(value, _Link):
                link = {**body[c], "underline": True, "font_color": "blue"}
                ws.write_url(i, c, f"internal:'{value}'!A1", fmt(link), str(value))
            else:
                _write(ws, i, c, value, fmt(body[c]))
            widths[c] = max(widths[c], _width(value, body[c]))
    for c, width in enumerate(widths):
        ws.set_column_pixels(c, c, width)
    ws.add_table(
        start,
        0,
        start + len(rows),
        ncols - 1,
        {
            "header_row": True,
            "autofilter": False,
            "columns": [
                {"header": label, "header_format": fmt(heading[c])}
                for c, label in enumerate(header)
            ],
            "style": None,
            "name": name,
        },
    )


def _cell(value: Any) -> Any:
    """A table cell as written: text that is only whitespace is an empty cell, and text of
    symbols alone gets " (as given)".

    A cell of symbols alone (such as "-") reads as a shorthand for a missing value, and
    gptables refuses one, so a label from the data such as a group called "-" is written
    ``- (as given)``. gptables counts ASCII letters and digits only; any letter or digit counts
    here.
    """
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    return value if any(ch.isalnum() for ch in value) else f"{value} (as given)"


def _numeric(values: list[Any]) -> bool:
    """Whether a column is numeric: numbers, with GSS symbols or blanks in the other cells.

    This is gptables' rule (with pandas 3: the column's type once symbols and note markers
    are set missing). A column with no number is text, and so is one mixing numbers with
    booleans; a column of booleans alone is numeric.
    """
    kinds = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, str):
            if not _SHORTHAND.search(v):
                return False
        elif isinstance(v, bool):
            kinds.add(bool)
        elif isinstance(v, int | float):
            kinds.add(float)
        else:
            return False
    return len(kinds) == 1


def _width(value: Any, props: dict[str, Any]) -> int:
    """The column width (pixels) a cell needs, as gptables' auto-width measures it."""
    text = str(value) if isinstance(value, str | int | float) else ""
    line = max(text.split("\n"), key=len)
    return _line_width(line, props.get("font_size", 11), bool(props.get("bold", False)))


@functools.cache
def _line_width(line: str, size: float, bold: bool) -> int:
    from xlsxwriter.utility import cell_autofit_width

    upper = sum(ch.isupper() for ch in line) / len(line) if line else 0
    scale = (size / 11) * (1.1 if bold else 1.0) * (1.0 + 0.15 * upper)
    return math.ceil(cell_autofit_width(line) * scale)


# The ODS package is written directly (odfpy builds a DOM of every cell and took about
# 0.6 s for the sample; this takes milliseconds). The XML is what odfpy wrote, byte for byte,
# except that meta:generator names rapstats.
_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)
_ODS_NS_MORE = (
    _ODS_NS + ' xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)
_XML_DECL = "<?xml version='1.0' encoding='UTF-8'?>\n"
_ODS_STYLES = (
    '<office:automatic-styles><style:style style:name="Heading" style:family="table-cell" '
    'style:display-name="Heading"><style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="WideColumn" style:family="table-column" '
    'style:display-name="WideColumn"><style:table-column-properties style:column-width="6cm"/>'
    "</style:style></office:automatic-styles>"
)
# Characters XML 1.0 cannot hold, and those it discourages, become U+FFFD (as odfpy did).
_XML_BAD = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff"
    + "".join(f"{chr(p << 16 | 0xFFFE)}-{chr(p << 16 | 0xFFFF)}" for p in range(1, 17))
    + "]"
)


def _xml_text(text: str) -> str:
    """Text content escaped for XML (``&``, ``<``, ``>``; unrepresentable characters)."""
    text = _XML_BAD.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    """An attribute value, quoted (as odfpy quotes it)."""
    text = _xml_text(text).replace("\n", "&#10;").replace("\r", "&#12;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


def render_ods(model: dict[str, Any]) -> bytes:
    """The same sheets as :func:`render_xlsx`, as an OpenDocument spreadsheet (bytes)."""
    parts: list[str] = [
        _XML_DECL,
        f'<office:document-content {_ODS_NS} office:version="1.2">',
        _ODS_STYLES,
        "<office:body><office:spreadsheet>",
    ]
    out = parts.append

    def sheet(name: str, lines: list[str], header: list[str], rows: list[list[Any]]) -> None:
        out(
            f"<table:table table:name={_xml_attr(name)}>"
            '<table:table-column table:style-name="WideColumn" '
            f'table:number-columns-repeated="{max(len(header), 1)}"/>'
        )
        for i, line in enumerate(lines):
            out(f"<table:table-row>{_ods_cell(line, i == 0)}</table:table-row>")
        if header:
            out(
                "<table:table-row>"
                + "".join(_ods_cell(label, True) for label in header)
                + "</table:table-row>"
            )
        for row in rows:
            out(
                "<table:table-row>"
                + "".join(_ods_cell(_cell(value), False) for value in row)
                + "</table:table-row>"
            )
        out("</table:table>")

    cover = _cover(model)
    sheet(
        "Cover",
        [
            model["title"],
            "Introductory information",
            *cover["intro"],
            "About these data",
            *cover["about"],
            "Contact",
            *cover["contact"],
        ],
        [],
        [],
    )
    tables = _all_tables(model)
    sheet(
        "Contents",
        ["Table of contents", "This worksheet contains one table."],
        ["Sheet name", "Table description"],
        [["Notes", "Notes referred to in the tables"]] + [[t["sheet"], t["title"]] for t in tables],
    )
    sheet(
        "Notes",
        ["Notes", "This worksheet contains one table."],
        ["Note number", "Note text"],
        [[f"note {n['number']}", n["text"]] for n in model["notes"]],
    )
    for t in tables:
        title = t["title"] + (f" {t['notes']}" if t["notes"] else "")
        lines = [
            title,
            *t["findings"],
            "This worksheet contains one table. Some cells refer to notes, which can be found "
            "on the Notes worksheet.",
            *_legend(model),
            t["source"],
        ]
        rows = [[c["v"] for c in row] for row in t["rows"]]
        sheet(t["sheet"], lines, [c["label"] for c in t["columns"]], rows)
    out("</office:spreadsheet></office:body></office:document-content>")

    stamp = _date(model).strftime("%Y-%m-%dT%H:%M:%S")
    meta = (
        f'{_XML_DECL}<office:document-meta {_ODS_NS_MORE} office:version="1.2"><office:meta>'
        f"<dc:title>{_xml_text(model['title'])}</dc:title>"
        f"<meta:creation-date>{stamp}</meta:creation-date><dc:date>{stamp}</dc:date>"
        "<meta:generator>rapstats</meta:generator></office:meta></office:document-meta>"
    )
    styles = (
        f'{_XML_DECL}<office:document-styles {_ODS_NS} office:version="1.2"><office:styles/>'
        "<office:automatic-styles></office:automatic-styles></office:document-styles>"
    )
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{kind}"/>'
        for path, kind in (
            ("/", _ODS_MIME),
            ("styles.xml", "text/xml"),
            ("content.xml", "text/xml"),
            ("meta.xml", "text/xml"),
        )
    )
    manifest = f"{_XML_DECL}<manifest:manifest {_ODS_NS_MORE}>{entries}</manifest:manifest>"
    return _zip(
        [
            ("mimetype", _ODS_MIME),
            ("styles.xml", styles),
            ("content.xml", "".join(parts)),
            ("meta.xml", meta),
            ("META-INF/manifest.xml", manifest),
        ]
    )


def _ods_cell(value: Any, bold: bool) -> str:
    style = ' table:style-name="Heading"' if bold else ""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        text = "" if value is None else str(value)
        if not text:
            return f'<table:table-cell office:value-type="string"{style}/>'
        return (
            f'<table:table-cell office:value-type="string"{style}>'
            f"<text:p>{_xml_text(text)}</text:p></table:table-cell>"
        )
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return (
        f'<table:table-cell office:value-type="float" office:value={_xml_attr(str(value))}'
        f"{style}><text:p>{_xml_text(shown)}</text:p></table:table-cell>"
    )


def _zip(members: list[tuple[str, str | bytes]]) -> bytes:
    """A ZIP package of ``members`` in order, with fixed timestamps (``mimetype`` stored)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, body in members:
            new = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            new.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            dst.writestr(new, body.encode("utf-8") if isinstance(body, str) else body)
    return out.getvalue()


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP package with fixed member timestamps (``mimetype`` first, stored)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip([(info.filename, src.read(info.filename)) for info in src.infolist()])
