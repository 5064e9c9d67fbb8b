"""The report's ODS: the same package as odfpy made, written directly.

rapstats writes the package itself (odfpy's DOM took about 0.6 s of the sample report). The
reference writer below is the one it replaced; the tests check that the new one gives the
same bytes (but for naming rapstats as the generator), on the sample's model and on one full
of awkward values.
"""

from __future__ import annotations

import copy
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from rapstats.report import spreadsheet

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
    t = m["tables"][0]
    values = [" x ", True, 0, -0.0, 1234567.891, 1e-7, "  ", "ABC DEF", "two\nlines", "x-é"]
    for i, v in enumerate(values):
        t["rows"][0][i]["v"] = v
    t["rows"][1][5]["v"] = False
    t["rows"][1][6]["v"] = 3
    t["rows"][1][7]["v"] = 2.5
    t["columns"][2]["label"] = "UPPER CASE HEADER"
    t["findings"] = []
    t["source"] = ""
    m["tables"][1]["rows"][0][2]["v"] = "1 [c]"
    m["notes"].append({"number": 99, "text": "x & y < z"})
    return m


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


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


# -- the writer rapstats used before (odfpy) ------------------------------------


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
                tr.addElement(cell(value, None))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)

    cover = spreadsheet._cover(model)
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
    tables = spreadsheet._all_tables(model)
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
            spreadsheet._title(t),
            *t["findings"],
            "This worksheet contains one table. Some cells refer to notes, which can be found "
            "on the Notes worksheet.",
            *spreadsheet._legend(model),
            t["source"],
        ]
        rows = [[c["v"] for c in row] for row in t["rows"]]
        sheet(t["sheet"], lines, [c["label"] for c in t["columns"]], rows)
    for element in list(doc.meta.childNodes):
        doc.meta.removeChild(element)
    doc.meta.addElement(meta.Generator(text="rapstats"))
    doc.meta.addElement(dc.Title(text=model["title"]))
    stamp = spreadsheet._date(model).strftime("%Y-%m-%dT%H:%M:%S")
    doc.meta.addElement(meta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Date(text=stamp))
    buf = io.BytesIO()
    doc.write(buf)
    return spreadsheet._normalise_zip(buf.getvalue())
