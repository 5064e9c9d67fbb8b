"""rapstats report: every format carries the model's numbers, withheld cells, methods and
manifest; outputs are byte-identical across runs; the XLSX meets the checklist points."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_REPORT, pdf_text, requires_tool

from rapstats.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "data" / "sample" / "feedback.csv"
SPEC = ROOT / "data" / "sample" / "feedback.toml"
# The sample's earlier waves, as README's sample command gives them.
WAVES = SAMPLE_REPORT[3:]
FILES = ("report.md", "report.html", "report.pdf", "report.xlsx", "report.ods", "report.json")


def run_report(out: Path, *extra: str) -> None:
    args = ["report", str(EXPORT), "--spec", str(SPEC), "--out", str(out), "--quiet", *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output + repr(result.exception)


@pytest.fixture(scope="module")
def out(sample_report: Path) -> Path:
    """The sample report with its earlier waves (conftest's, made once per run)."""
    return sample_report


@pytest.fixture(scope="module")
def model(out) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def all_tables(model):
    return [*model["tables"], model["manifest"]["table"]]


def withheld_cells(model):
    return {
        (t["sheet"], r, c)
        for t in all_tables(model)
        for r, row in enumerate(t["rows"])
        for c, cell in enumerate(row)
        if cell["t"] == "[c]"
    }


def test_all_formats_written(out, model):
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    for chart in model["charts"]:
        assert (out / chart["png"]).exists()
    assert withheld_cells(model), "the sample should have withheld cells"
    assert model["title"] == "Race Action Plan: what communities told us"
    assert model["date"] == "2026-10-15"
    assert len(model["workstreams"]) == 4


def test_markdown_tables_and_images(out, model):
    text = (out / "report.md").read_text(encoding="utf-8")
    for chart in model["charts"]:
        assert f"]({chart['png']})" in text
    assert "![](" not in text  # every image has alt text
    for t in model["tables"]:
        head = t["title"].replace("_", "\\_")
        assert head in text
        start = text.index(head)
        lines = [ln for ln in text[start:].splitlines() if ln.startswith("| ")]
        cells = [
            [
                c.strip().replace("\\|", "|").replace("\\_", "_").replace("\\*", "*")
                for c in re.split(r"(?<!\\)\|", ln)[1:-1]
            ]
            for ln in lines
        ]
        assert ungrouped(cells, t) == [[c["t"] for c in row] for row in t["rows"]], t["id"]
    assert_text_common(text, model)


def grouped(t: dict) -> bool:
    """Whether documents show ``t`` grouped: its first column repeats in consecutive rows."""
    firsts = [row[0]["t"] for row in t["rows"]]
    return any(a == b for a, b in zip(firsts, firsts[1:], strict=False))


def ungrouped(shown: list[list[str]], t: dict) -> list[list[str]]:
    """The rows of ``t`` as a document shows them (header row first), with each group's
    heading put back as the first cell of its rows; checks the heading row is as expected."""
    labels = [c["label"] for c in t["columns"]]
    if not grouped(t):
        assert shown[0] == labels
        return shown[1 : 1 + len(t["rows"])]
    assert shown[0] == labels[1:]  # the question is a row group heading, not a column
    rows, heading = [], None
    for cells in shown[1:]:
        if len(rows) == len(t["rows"]):
            break
        if len(cells) == 1 or all(c == "" for c in cells[1:]):  # a group heading row
            heading = cells[0].removeprefix(f"{labels[0]}: ").strip("*")
        else:
            rows.append([heading, *cells])
    return rows


class Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.imgs, self.urls = {}, [], []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith(("data:", "#")):
                self.urls.append(a[key])
        if tag == "table":
            self.tables[a["id"]] = {"caption": "", "rows": [], "scopes": []}
            self.current = self.tables[a["id"]]
        elif tag == "tr":
            self.current["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = ""
            if tag == "th":
                self.current["scopes"].append(a.get("scope"))
        elif tag == "caption":
            self._cell = ""
        elif tag == "img":
            self.imgs.append(a)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.current["rows"][-1].append(self._cell)
            self._cell = None
        elif tag == "caption":
            self.current["caption"] = self._cell
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def test_html_semantic_tables_alt_text_and_no_network(out, model):
    text = (out / "report.html").read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(text)
    for t in model["tables"]:
        parsed = parser.tables[t["id"]]
        assert parsed["caption"].startswith(t["title"])
        assert ungrouped(parsed["rows"], t) == [[c["t"] for c in row] for row in t["rows"]]
        scopes = {"col", "row", "rowgroup"} if grouped(t) else {"col", "row"}
        assert set(parsed["scopes"]) == scopes or not t["rows"]
        # A table that scrolls sideways is a named region the keyboard can reach.
        assert f'tabindex="0" aria-labelledby="{t["id"]}-caption"' in text
    assert len(parser.imgs) == len(model["charts"])
    for img, chart in zip(parser.imgs, model["charts"], strict=True):
        assert img["alt"] == chart["alt"] and img["src"].startswith("data:image/svg+xml;base64,")
    assert parser.urls == []
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(" not in text
    assert_text_common(text, model)


def test_xlsx_checklist_and_numbers(out, model):
    import openpyxl

    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert wb.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert wb["Notes"].tables, "notes are a table"
    for t in all_tables(model):
        ws = wb[t["sheet"]]
        assert not ws.merged_cells.ranges
        assert len(ws.tables) == 1
        (ref,) = [tab.ref for tab in ws.tables.values()]
        first, last = ref.split(":")
        header_row = int(re.sub(r"\D", "", first))
        header = [c.value for c in ws[header_row]][: len(t["columns"])]
        assert header == [c["label"] for c in t["columns"]]  # one header row
        assert int(re.sub(r"\D", "", last)) == header_row + len(t["rows"])
        assert ws.cell(1, 1).value.startswith(t["title"])
        for r, row in enumerate(t["rows"], start=header_row + 1):
            for c, cell in enumerate(row, start=1):
                got = ws.cell(r, c).value
                want = cell["v"]
                if isinstance(want, bool) or want in ("", None):
                    assert got in (None, ""), (t["sheet"], r, c)
                elif isinstance(want, int | float):
                    assert isinstance(got, int | float) and got == pytest.approx(want)
                else:
                    assert got == want
    legend = " ".join(str(c.value) for c in wb["Table_1"]["A"] if c.value)
    assert "[c] = confidential" in legend
    notes = [str(c.value) for c in wb["Notes"]["B"] if c.value]
    assert any("self-selected sample" in n for n in notes)
    audit = {r[0]: r[1] for r in wb["Audit"].iter_rows(values_only=True) if r[1] is not None}
    assert audit["export sha256"] == hashlib.sha256(EXPORT.read_bytes()).hexdigest()


def test_ods_same_sheets_and_cells(out, model):
    import pandas as pd

    sheets = pd.read_excel(out / "report.ods", engine="odf", sheet_name=None, header=None)
    assert list(sheets)[:3] == ["Cover", "Contents", "Notes"]
    for t in all_tables(model):
        frame = sheets[t["sheet"]]
        labels = [c["label"] for c in t["columns"]]
        header = next(i for i in range(len(frame)) if list(frame.iloc[i, : len(labels)]) == labels)
        body = frame.iloc[header + 1 : header + 1 + len(t["rows"]), : len(labels)]
        for row, got in zip(t["rows"], body.itertuples(index=False), strict=True):
            for cell, value in zip(row, got, strict=True):
                want = cell["v"]
                if want in ("", None):
                    assert pd.isna(value)
                elif isinstance(want, int | float) and not isinstance(want, bool):
                    assert float(value) == pytest.approx(want)
                else:
                    assert str(value) == str(want)


@requires_tool(shutil.which("pdftotext") is not None, "poppler-utils")
def test_pdf_text_carries_numbers_methods_and_manifest(out, model):
    pdf = out / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    assert f"Title:           {model['title']}" in info
    assert b"pdfuaid:part>1<" in pdf.read_bytes()
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    main = [t for t in model["tables"] if t["id"].endswith("_shares")]
    for t in main:
        for row in t["rows"]:
            for cell in row[1:6]:
                assert cell["t"] in flat, (t["id"], cell["t"])
    # a breakdown's (or who responded's) row withheld in every cell is named in its question's
    # (group's) heading instead
    named = {
        (t["sheet"], r): row[1]["t"]
        for t in model["tables"]
        if "compact_findings" in t or t["id"] == model["who_responded"]
        for r, row in enumerate(t["rows"])
        if withheld_throughout(row[2:])
    }
    assert named and all(f"{label} [c]" not in flat for label in named.values())
    printed = {k for k in withheld_cells(model) if k[:2] not in named}
    assert flat.count("[c]") >= len(printed) + flat.count("Withheld [c]: ")
    assert_text_common(flat, model)


def withheld_throughout(cells: list[dict]) -> bool:
    texts = {c["t"] for c in cells}
    return "[c]" in texts and texts <= {"[c]", "[z]"}


def assert_text_common(text: str, model: dict) -> None:
    text = text.replace("\u200b", "")  # the PDF's break opportunities in long values
    flat = " ".join(text.replace("\\", "").split())
    for sentence in model["key_findings"]:
        assert " ".join(sentence.split())[:60] in flat.replace("&lt;", "<").replace("&#34;", '"')
    assert "self-selected sample" in flat
    assert "Wilson score interval" in flat
    sha = model["manifest"]["inputs"][0]["sha256"]
    assert sha in flat.replace(" ", "")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_runs_are_byte_identical(out, tmp_path):
    run_report(tmp_path, *WAVES)
    for name in FILES:
        assert sha(out / name) == sha(tmp_path / name), name
    for png in (out / "charts").iterdir():
        assert sha(png) == sha(tmp_path / "charts" / png.name), png.name
    with zipfile.ZipFile(tmp_path / "report.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_change_section_with_earlier_waves(model):
    change = [t for t in model["tables"] if t["id"].endswith("_change")]
    # One table per workstream: 2026 Q3 against 2026 Q2, and against 2025 Q3 (year on year),
    # a question's two rows together.
    assert len(change) == 4
    assert all(
        t["title"].endswith("change since the previous quarter and on a year earlier")
        for t in change
    )
    rows = change[0]["rows"]
    assert [c["t"] for c in rows[0][:2]] == [rows[1][0]["t"], "2026 Q2 (previous quarter)"]
    assert rows[1][1]["t"] == "2025 Q3 (a year earlier)"
    # Every change shown is signed, inside its interval, with its adjusted p-value.
    for row in (r for t in change for r in t["rows"] if r[4]["v"] not in ("[c]", "[x]")):
        assert row[5]["v"] <= row[4]["v"] <= row[6]["v"]
        assert row[4]["t"].startswith(("+", "-")) or row[4]["t"] == "0.0"
        assert 0 <= row[7]["v"] <= 1 and row[8]["t"] in ("Yes", "No")
    assert all(t["columns"][7]["label"] == "p-value (Holm-adjusted)" for t in change)
    # The sentences that only restate a row (no clear change) are marked as such.
    for t in change:
        assert set(t["row_findings"]) <= set(t["findings"])
        assert all("no clear change" in f for f in t["row_findings"])
        assert all("no clear change" not in f for f in t["findings"] if f not in t["row_findings"])
    # The options of a multi-select question with no clear change share one sentence.
    said = [f for ws in model["workstreams"] for f in ws["findings"]]
    heard = [f for f in said if "How people heard about the event" in f and "change" in f]
    assert heard == [
        "For “How people heard about the event”, there was no clear change since 2026 Q2 in "
        "any option shown (see the table of changes for each interval and test).",
        "For “How people heard about the event”, there was no clear change since 2025 Q3, a "
        "year earlier, in any option shown (see the table of changes for each interval and "
        "test).",
    ]
    trends = [c for c in model["charts"] if c["kind"] == "trend"]
    assert len(trends) == 4 and all(len(c["data"]["waves"]) == 5 for c in trends)
    assert any("Newcombe" in n["text"] for n in model["notes"])


def test_user_text_is_never_markup(tmp_path):
    spec = SPEC.read_text(encoding="utf-8").replace(
        'title = "Race Action Plan: what communities told us"',
        'title = "Plan #read(\\"/etc/passwd\\") // = x $5 <b>bold</b> *y*"',
    )
    (tmp_path / "spec.toml").write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    args = [
        "report",
        str(EXPORT),
        "--spec",
        str(tmp_path / "spec.toml"),
        "--out",
        str(out),
        "--by",
        "area",
        "--formats",
        "md,html,pdf",
        "-q",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(out / "report.pdf")], capture_output=True, text=True
        ).stdout
        assert 'Plan #read("/etc/passwd") // = x $5 <b>bold</b> *y*' in info
        assert "root:" not in info


def test_bad_format_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(EXPORT),
            "--spec",
            str(SPEC),
            "--out",
            str(tmp_path),
            "--formats",
            "md,docx",
        ],
    )
    assert result.exit_code == 2
    assert "'docx' is not one of md,html,pdf,xlsx,ods" in result.output


def test_import_is_light():
    code = (
        "import sys, rapstats.render.report\n"
        "print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "False"]


def test_withheld_groups_are_never_described(model):
    checked = 0
    for t in model["tables"]:
        if "_by_" not in t["id"]:
            continue
        for row in t["rows"]:
            if row[3]["t"] != "[c]":
                continue
            question, group = row[0]["t"], row[1]["t"]
            for sentence in t["findings"]:
                if sentence.startswith(f"“{question}”"):
                    assert f"{group} (" not in sentence and f"({group})" not in sentence
                    checked += 1
    assert checked, "the sample should have a withheld group in a described breakdown"


def test_unsafe_mode_banner_in_every_format(tmp_path):
    args = ["report", str(EXPORT), "--spec", str(SPEC), "--out", str(tmp_path), "--by", "area"]
    result = CliRunner().invoke(cli, [*args, "--unsafe-no-suppression", "-q"])
    assert result.exit_code == 0, result.output
    banner = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["banner"]
    assert banner and "NOT FOR PUBLICATION" in banner
    assert banner in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert banner in (tmp_path / "report.html").read_text(encoding="utf-8")
    import openpyxl

    cover = [c.value for c in openpyxl.load_workbook(tmp_path / "report.xlsx")["Cover"]["A"]]
    assert banner in cover


def test_documents_say_each_thing_once(out, model):
    """A key finding is not repeated in its section; a table names each question once (as the
    heading of its rows); the manifest is in report.json and the spreadsheets, not the text."""
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    for sentence in model["key_findings"]:
        assert md.count(sentence.replace("*", "\\*")) == 1
        assert html.count(html_escape(sentence)) == 1
    for t in model["tables"]:
        if not grouped(t):
            continue
        section = md[md.index(t["title"]) :]
        section = section[: section.index("Source: ")]
        for question in {row[0]["t"] for row in t["rows"]}:
            assert section.count(f"| **{question}** |") == 1, (t["id"], question)
    # The methods point to a note rather than repeat it: the caveat is said once, as note 2.
    caveat = next(n for n in model["notes"] if "self-selected sample" in n["text"])
    assert md.count(caveat["text"]) == 1 and f"See [note {caveat['number']}]." in md
    assert "About this report" in md and "Audit manifest" not in md
    assert "spec defaults.method" not in md + html  # the spec as applied: spreadsheets only
    assert any(r[0]["t"] == "spec defaults.method" for r in model["manifest"]["table"]["rows"])


def test_documents_leave_what_a_row_says_to_the_row(out, model):
    """A change the test does not support is a row of the change table, not a sentence in the
    documents (report.json keeps it); every breakdown says what its test of the groups
    supports."""
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    quiet = [f for t in model["tables"] for f in t["row_findings"]]
    assert len(quiet) > 10 and all(
        f in sum((w["findings"] for w in model["workstreams"]), []) for f in quiet
    )
    assert "no clear change since" not in md and "no clear change since" not in html
    loud = [f for t in model["tables"] if t["id"].endswith("_change") for f in t["findings"]]
    for sentence in set(loud) - set(quiet) - set(model["key_findings"]):
        assert md.count(sentence.replace("*", "\\*")) == 1
    # every breakdown is tested against the rest (compare --between), so none says it was not
    untested = [f for t in model["tables"] for f in t["findings"] if "were not tested" in f]
    assert untested == []
    assert "not tested" not in md
    by = [t for t in model["tables"] if "_by_" in t["id"]]
    assert by and all(
        any("no clear difference between" in f or "not reported" in f for f in t["findings"])
        for t in by
    )


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)
