"""XLSX (gptables) and ODS (odfpy) renderers: the report model's tables as spreadsheets.

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


def render_ods(model: dict[str, Any]) -> bytes:
    """The same sheets as :func:`render_xlsx`, as an OpenDocument spreadsheet (bytes)."""
    from odf.element import Element
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    # odfpy keeps the namespaces it has seen in a class attribute shared by every document,
    # so a second document in one process declares more of them: start from none.
    Element.namespaces.clear()
    doc = OpenDocumentSpreadsheet()
    bold = Style(name="Heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    wide = Style(name="WideColumn", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="6cm"))
    doc.automaticstyles.addElement(wide)

    def sheet(name: str, lines: list[str], header: list[str], rows: list[list[Any]]) -> None:
        table = Table(name=name)
        table.addElement(TableColumn(stylename=wide, numbercolumnsrepeated=max(len(header), 1)))
        for i, line in enumerate(lines):
            tr = TableRow()
            tr.addElement(_ods_cell(line, TableCell, P, bold if i == 0 else None))
            table.addElement(tr)
        if header:
            tr = TableRow()
            for label in header:
                tr.addElement(_ods_cell(label, TableCell, P, bold))
            table.addElement(tr)
        for row in rows:
            tr = TableRow()
            for value in row:
                tr.addElement(_ods_cell(value, TableCell, P, None))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)

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
    _fix_meta(doc, model)
    buf = io.BytesIO()
    doc.write(buf)
    return _normalise_zip(buf.getvalue())


def _ods_cell(value: Any, TableCell: Any, P: Any, style: Any) -> Any:
    kwargs = {"stylename": style} if style is not None else {}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        text = "" if value is None else str(value)
        cell = TableCell(valuetype="string", **kwargs)
        if text:
            cell.addElement(P(text=text))
        return cell
    cell = TableCell(valuetype="float", value=value, **kwargs)
    cell.addElement(P(text=f"{value:g}" if isinstance(value, float) else str(value)))
    return cell


def _fix_meta(doc: Any, model: dict[str, Any]) -> None:
    """Replace odfpy's clock-based creation date and generator with fixed values."""
    from odf import dc, meta

    for element in list(doc.meta.childNodes):
        doc.meta.removeChild(element)
    doc.meta.addElement(meta.Generator(text="rapstats"))
    doc.meta.addElement(dc.Title(text=model["title"]))
    stamp = _date(model).strftime("%Y-%m-%dT%H:%M:%S")
    doc.meta.addElement(meta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Date(text=stamp))


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP package with fixed member timestamps (``mimetype`` first, stored)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            new = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            new.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            new.external_attr = 0o600 << 16
            dst.writestr(new, body)
    return out.getvalue()
