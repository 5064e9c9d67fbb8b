"""The report's XLSX and ODS: the same workbooks as gptables and odfpy made, written directly.

rapstats writes both packages itself (gptables' pandas work per table and odfpy's DOM took
about 1.8 s of the sample report). The reference writers below are the ones it replaced;
the tests check that the new ones give the same bytes (the ODS differs only in naming
rapstats as its generator), on the sample's model and on one full of awkward values.

The reference writers take their content from the model by the rules written out below
(cover sheet, legend, table titles, document date, cell values), not from rapstats' code, and
give their packages fixed ZIP timestamps, so the byte comparisons catch a change of content
as well as of layout. The workbooks' content is also checked in test_report.py and by the
read-back tests here.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from rapstats.render.report import spreadsheet

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "reports" / "sample" / "report.json"


@pytest.fixture(scope="module")
def model() -> dict:
    return json.loads(MODEL.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def awkward(model) -> dict:
    """The sample's model with markup-like text, booleans, zeros, blanks and line breaks."""
    m = copy.deepcopy(model)
    m["title"] = "T <b>&\"'x $5 [note 9]"
    m["banner"] = "UNSAFE <x>"
    m["contact"] = m["organisation"] = ""
    # the first table of shares (who responded, Table 1, has four columns only)
    first = next(i for i, t in enumerate(m["tables"]) if t["id"].endswith("_shares"))
    t = m["tables"][first]
    values = [" x ", True, 0, -0.0, 1234567.891, 1e-7, "  ", "ABC DEF", "two\nlines", "x-é"]
    for i, v in enumerate(values):
        t["rows"][0][i]["v"] = v
    t["rows"][1][5]["v"] = False
    t["rows"][1][6]["v"] = 3
    t["rows"][1][7]["v"] = 2.5
    t["columns"][2]["label"] = "UPPER CASE HEADER"
    t["findings"] = []
    t["source"] = ""
    m["tables"][first + 1]["rows"][0][2]["v"] = "1 [c]"
    m["notes"].append({"number": len(m["notes"]) + 1, "text": "x & y < z"})
    return m


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


@pytest.mark.parametrize("which", ["model", "awkward"])
def test_xlsx_is_the_workbook_gptables_makes(which, request):
    pytest.importorskip("gptables")
    m = request.getfixturevalue(which)
    assert spreadsheet.render_xlsx(m) == gptables_xlsx(m)


def test_theme_is_gptables_default_theme():
    gptables = pytest.importorskip("gptables")
    for name, props in spreadsheet.THEME.items():
        assert getattr(gptables.gptheme, f"{name}_format") == props, name


def test_user_text_is_text_in_xlsx(model):
    import openpyxl

    m = copy.deepcopy(model)
    m["tables"][0]["rows"][0][0]["v"] = "=1+1"
    m["tables"][0]["rows"][1][0]["v"] = "http://example.org"
    wb = openpyxl.load_workbook(io.BytesIO(spreadsheet.render_xlsx(m)))
    ws = wb[m["tables"][0]["sheet"]]
    cells = [c for row in ws.iter_rows() for c in row if c.value in ("=1+1", "http://example.org")]
    assert len(cells) == 2 and all(c.data_type == "s" and c.hyperlink is None for c in cells)


def test_cells_of_symbols_alone_are_marked_as_given(model):
    """A cell of symbols alone reads as a shorthand (gptables refuses one): "–" from the data
    is written "– (as given)" in both workbooks; any letter, not only ASCII ones, counts."""
    import openpyxl

    m = copy.deepcopy(model)
    t = m["tables"][0]
    t["rows"][0][0]["v"] = "–"
    t["rows"][1][0]["v"] = "Ŵ"
    ws = openpyxl.load_workbook(io.BytesIO(spreadsheet.render_xlsx(m)))[t["sheet"]]
    column = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "– (as given)" in column and "Ŵ" in column and "–" not in column
    with zipfile.ZipFile(io.BytesIO(spreadsheet.render_ods(m))) as z:
        content = z.read("content.xml").decode("utf-8")
    assert "<text:p>– (as given)</text:p>" in content and "<text:p>Ŵ</text:p>" in content
    assert "<text:p>–</text:p>" not in content


@pytest.mark.parametrize("which", ["model", "awkward"])
def test_ods_is_the_package_odfpy_makes(which, request):
    m = request.getfixturevalue(which)
    got = members(spreadsheet.render_ods(m))
    want = members(odfpy_ods(m))
    want = [(n, b.replace(b"ODFPY/1.4.1", b"rapstats") if n == "meta.xml" else b) for n, b in want]
    assert got == want


def test_ods_is_well_formed_and_reads_back(awkward):
    import pandas as pd

    data = spreadsheet.render_ods(awkward)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        for name in z.namelist():
            if name.endswith(".xml"):
                ET.fromstring(z.read(name))
    sheets = pd.read_excel(io.BytesIO(data), engine="odf", sheet_name=None, header=None)
    assert sheets["Cover"].iloc[0, 0] == awkward["title"]
    assert list(sheets)[:3] == ["Cover", "Contents", "Notes"]


# -- the content of the workbooks, read from the model -----------------------------------------


def document_date(model: dict) -> dt.datetime:
    """The report's date (its first ten characters, ISO), else 1 January 2000: never the clock."""
    try:
        return dt.datetime.fromisoformat(str(model.get("date") or "")[:10])
    except ValueError:
        return dt.datetime(2000, 1, 1)


def legend_lines(model: dict) -> list[str]:
    """One line per symbol: "[c] = ..."."""
    return [f"{s['symbol']} = {s['meaning']}" for s in model["symbols"]]


def cover_sheet(model: dict) -> dict[str, list[str]]:
    """The cover's sections: the banner (if any) and overview; organisation, period and date
    where given, key findings and the legend; the contact, else "Not given"."""
    given = [
        (f"Organisation: {model['organisation']}", model["organisation"]),
        (f"Period: {model['period']}", model["period"]),
        (f"Published: {model['date']}", model["date"]),
    ]
    return {
        "intro": [model["banner"], model["overview"]]
        if model.get("banner")
        else [model["overview"]],
        "about": [
            *(line for line, value in given if value),
            "Key findings:",
            *model["key_findings"],
            "Symbols used in the tables:",
            *legend_lines(model),
        ],
        "contact": [model["contact"] or "Not given"],
    }


def all_tables(model: dict) -> list[dict]:
    """The report's tables, then the audit manifest's."""
    return model["tables"] + [model["manifest"]["table"]]


def table_title(table: dict) -> str:
    """A table's title, followed by its note markers."""
    return f"{table['title']} {table['notes']}" if table["notes"] else table["title"]


def cell_value(value):
    """Text of whitespace only is an empty cell; text of symbols alone is marked "(as given)"."""
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, str) and not any(ch.isalnum() for ch in value):
        return f"{value} (as given)"
    return value


def fixed_zip(data: bytes) -> bytes:
    """The package with every member dated 1 January 1980, read-write for the owner only,
    deflated (``mimetype`` stored), in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            stored = info.filename == "mimetype"
            member.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


# -- the writers rapstats used before (gptables and odfpy) ------------------------------------


def gptables_xlsx(model: dict) -> bytes:
    import gptables as gpt
    import pandas as pd

    def frame(table):
        columns = [c["label"] for c in table["columns"]]
        data = {
            label: pd.Series(
                [row[i]["v"] if row[i]["v"] != "" else None for row in table["rows"]],
                dtype=object,
            )
            for i, label in enumerate(columns)
        }
        return pd.DataFrame(data, columns=columns)

    cover = cover_sheet(model)
    legend = legend_lines(model)
    sheets = {}
    for t in all_tables(model):
        sheets[t["sheet"]] = gpt.GPTable(
            table=frame(t),
            table_name=t["sheet"].lower(),
            title=table_title(t),
            subtitles=list(t["findings"]),
            instructions=spreadsheet.TABLE_INSTRUCTIONS,
            legend=legend,
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
        wb.set_properties(
            {
                "title": model["title"],
                "author": model["organisation"],
                "created": document_date(model),
            }
        )
        wb.close()
    return fixed_zip(buf.getvalue())


def odfpy_ods(model: dict) -> bytes:
    from odf import dc, meta
    from odf.element import Element
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    Element.namespaces.clear()
    doc = OpenDocumentSpreadsheet()
    bold = Style(name="Heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    wide = Style(name="WideColumn", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="6cm"))
    doc.automaticstyles.addElement(wide)

    def cell(value, style):
        kwargs = {"stylename": style} if style is not None else {}
        if isinstance(value, bool) or value is None or isinstance(value, str):
            text = "" if value is None else str(value)
            c = TableCell(valuetype="string", **kwargs)
            if text:
                c.addElement(P(text=text))
            return c
        c = TableCell(valuetype="float", value=value, **kwargs)
        c.addElement(P(text=f"{value:g}" if isinstance(value, float) else str(value)))
        return c

    def sheet(name, lines, header, rows):
        table = Table(name=name)
        table.addElement(TableColumn(stylename=wide, numbercolumnsrepeated=max(len(header), 1)))
        for i, line in enumerate(lines):
            tr = TableRow()
            tr.addElement(cell(line, bold if i == 0 else None))
            table.addElement(tr)
        if header:
            tr = TableRow()
            for label in header:
                tr.addElement(cell(label, bold))
            table.addElement(tr)
        for row in rows:
            tr = TableRow()
            for value in row:
                # cell values as rapstats writes them in both workbooks (blank for whitespace,
                # "(as given)" after symbols alone)
                tr.addElement(cell(cell_value(value), None))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)

    cover = cover_sheet(model)
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
    tables = all_tables(model)
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
        lines = [
            table_title(t),
            *t["findings"],
            spreadsheet.TABLE_INSTRUCTIONS,
            *legend_lines(model),
            t["source"],
        ]
        rows = [[c["v"] for c in row] for row in t["rows"]]
        sheet(t["sheet"], lines, [c["label"] for c in t["columns"]], rows)
    for element in list(doc.meta.childNodes):
        doc.meta.removeChild(element)
    doc.meta.addElement(meta.Generator(text="rapstats"))
    doc.meta.addElement(dc.Title(text=model["title"]))
    stamp = document_date(model).strftime("%Y-%m-%dT%H:%M:%S")
    doc.meta.addElement(meta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Date(text=stamp))
    buf = io.BytesIO()
    doc.write(buf)
    return fixed_zip(buf.getvalue())
