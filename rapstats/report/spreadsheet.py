"""XLSX (gptables) and ODS renderers: the report model's tables as spreadsheets.

Both workbooks hold the same sheets, following the Analysis Function checklist: a cover
sheet, a contents sheet, a notes sheet (``[note n]`` markers in table titles), one table
per sheet with one header row and no merged cells, numbers stored as numbers, GSS symbols
(``[c]``, ``[u]``, ``[z]``, ``[x]``) in cells without a number and explained in a legend,
and an audit sheet. The XLSX tables are marked as Excel tables by gptables. ODS has no
table object, so each ODS sheet holds the title rows and the table (its header row first).

Output bytes are reproducible: fixed document dates and fixed ZIP timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
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


def _title(table: dict[str, Any]) -> str:
    return table["title"] + (f" {table['notes']}" if table["notes"] else "")


def _frame(table: dict[str, Any]) -> Any:
    import pandas as pd

    columns = [c["label"] for c in table["columns"]]
    data = {
        # An empty cell (an empty flag: no flag) is left blank, not written as "".
        label: pd.Series(
            [row[i]["v"] if row[i]["v"] != "" else None for row in table["rows"]], dtype=object
        )
        for i, label in enumerate(columns)
    }
    return pd.DataFrame(data, columns=columns)


def render_xlsx(model: dict[str, Any]) -> bytes:
    """The report's tables as an accessible XLSX workbook (gptables), as bytes."""
    import gptables as gpt
    import pandas as pd

    cover = _cover(model)
    sheets = {}
    for t in _all_tables(model):
        title = t["title"] + (f" {t['notes']}" if t["notes"] else "")
        sheets[t["sheet"]] = gpt.GPTable(
            table=_frame(t),
            table_name=t["sheet"].lower(),
            title=title,
            subtitles=list(t["findings"]),
            instructions="This worksheet contains one table. Some cells refer to notes, "
            "which can be found on the Notes worksheet.",
            legend=_legend(model),
            source=t["source"],
        )
    notes = pd.DataFrame(
        {
            "Note number": [f"note {n['number']}" for n in model["notes"]],
            "Note text": [n["text"] for n in model["notes"]],
        }
    )
    buf = io.BytesIO()
    with warnings.catch_warnings():
        # gptables warns about empty cells (an empty flag means "no flag") and notes cited
        # only in the overview; both are intended.
        warnings.simplefilter("ignore")
        wb = gpt.produce_workbook(
            buf,
            sheets=sheets,
            cover=gpt.Cover(
                title=model["title"],
                intro=cover["intro"],
                about=cover["about"],
                contact=cover["contact"],
            ),
            notes_table=notes,
            contentsheet_label="Contents",
            workbook_options={"in_memory": True},
        )
        when = _date(model)
        wb.set_properties(
            {"title": model["title"], "author": model["organisation"], "created": when}
        )
        wb.close()
    return _normalise_zip(buf.getvalue())


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
                + "".join(_ods_cell(value, False) for value in row)
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
