"""Nothing typed into an export or a spec can execute, fetch or restyle anything in an output.

Unit tests of :mod:`rapstats.escape` (one function per output syntax), a property test that
escaped Markdown renders as exactly the text given (markdown-it-py, a CommonMark renderer,
with GFM tables and autolinks), and regression tests through the CLI on
``tests/data/attack_markup.csv`` (+ ``.toml``): its group values, option labels, question text,
titles and comments carry spreadsheet formulas, HTML, Markdown images and links, ANSI/OSC
escape sequences, control characters and a bidi override. Every output of ``summarize``,
``freq`` and ``comments`` in every format, and every file of ``report``, is checked for the
raw dangerous forms and for the text staying readable.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import pdf_text, requires_tool, run
from hypothesis import given
from hypothesis import strategies as st

from rapstats.errors import SpecError
from rapstats.escape import csv_cell, json_text, markdown, visible
from rapstats.personal import redact

DATA = Path(__file__).resolve().parent / "data"
EXPORT = DATA / "attack_markup.csv"
SPEC = DATA / "attack_markup.toml"

# The attacks of the fixture as they are published: labels first lose personal data (web
# addresses) to rapstats.protect.redact.redact; the loader reads "vt\x0bhere" as "vt here".
FORMULAS = [
    redact(t) for t in ('=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)")
]
MARKUP = [
    redact(t)
    for t in (
        "<script>alert(1)</script>",
        "![](http://tracker.example/p.png)",
        "[click](javascript:alert(1))",
        "<http://evil.example>",
    )
]
CONTROLS = [
    redact(t)
    for t in (
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
        "\x1b[31mred",
        "bell\x07here",
        "\u202eevil",
    )
]
# Raw characters no output may carry (a text file's own line breaks and tabs aside).
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


# --- the escaping functions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x1b]8;;http://e\x1b\\x", "\\x1b]8;;http://e\\x1b\\x"),
        ("a\x00b\x07c\x7fd", "a\\x00b\\x07c\\x7fd"),
        ("\x9b2J", "\\x9b2J"),  # C1 control sequence introducer
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
        ("tab\there\r\nnext", "tab\\there\\r\\nnext"),
        ("café ± 5% [c] “quoted”", "café ± 5% [c] “quoted”"),
    ],
)
def test_visible_shows_control_and_bidi_characters(text, shown):
    assert visible(text) == shown
    assert visible(shown) == shown  # idempotent: its output holds nothing to escape


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-5", "'-5"),  # a text label, not a number
        ("-", "'-"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "\\t=1"),  # shown escaped, so no longer a formula
        ("\r=1", "\\r=1"),
        ("North", "North"),
        ("a=b", "a=b"),
        ("line one\nline two", "line one\nline two"),  # a quoted CSV cell keeps line breaks
        ("\x1b[31mred", "\\x1b[31mred"),
    ],
)
def test_csv_cell_neutralises_formulas(text, cell):
    assert csv_cell(text) == cell


def test_json_text_escapes_what_json_dumps_leaves_raw():
    value = {"label": "\x9b31m\u202eevil\x7f", "plain": "café"}
    text = json_text(json.dumps(value, ensure_ascii=False))
    assert not RAW.search(text)
    assert "café" in text
    assert json.loads(text) == value


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ("![](http://t.example/p.png)", "![\\](http\\://t.example/p.png)"),
        ("[click](javascript:alert(1))", "[click\\](javascript\\:alert(1))"),
        ("<http://evil>", "&lt;http\\://evil>"),
        ("www.evil.example", "www\\.evil.example"),
        ("[x]: http://evil", "\\[x]: http\\://evil"),
        ("AT&T &amp; co", "AT&T &amp;amp; co"),
        ("# 1. *a* _b_ `c` ~d~ | e", "\\# 1. \\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\| e"),
        ("1. first", "1\\. first"),
        ("a\n\n- b", "a - b"),
        ("\x1b[31mred", "\\\\x1b[31mred"),
        ("[c] base < 30; p <0.001", "[c] base < 30; p <0.001"),  # our own text unchanged
    ],
)
def test_markdown_escapes(text, escaped):
    assert markdown(text) == escaped


def _renderer():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})  # as GFM: www. and scheme://
    return md


class _Tags(HTMLParser):
    """Tag names, attributes and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


MD_TEXT = st.lists(
    st.sampled_from(
        list("\\`*_{}[]()#+-.!|~<>&:;/@=\"' \n\tax1")
        + ["javascript", "http", "www.", "&lt;", "&#65;", "\x1b", "\x00", "\u202e", "    "]
    ),
    max_size=30,
).map("".join)


@given(MD_TEXT)
def test_escaped_markdown_renders_as_the_text(text):
    # Inline (paragraph or list item): exactly the text, no element other than the paragraph.
    want = visible(" ".join(text.split()))
    for source in (markdown(text), "- " + markdown(text)):
        out = _parse(_renderer().render(source))
        assert {t for t, _ in out.tags} <= {"p", "ul", "li"}, source
        assert "".join(out.text).strip() == want.strip()
    # A table cell: the cell's text, pipes included.
    row = f"| h |\n|---|\n| {markdown(text, cell=True)} |\n"
    out = _parse(_renderer().render(row))
    assert {t for t, _ in out.tags} <= {"table", "thead", "tbody", "tr", "th", "td"}, row
    assert "".join(out.text).split("h", 1)[1].strip() == want.strip()


def test_error_messages_show_quoted_values_escaped():
    error = SpecError('column "Q\x1b[31m" is not in the export', column="\u202eQ", hint="x\x07")
    assert str(error) == 'column "\\u202eQ": column "Q\\x1b[31m" is not in the export. Fix: x\\x07.'
    assert error.message == 'column "Q\x1b[31m" is not in the export'  # the value itself kept


# --- every output of summarize, freq and comments ---------------------------------------


def _cli(runner, command, fmt):
    result = run(runner, command, EXPORT, "--spec", SPEC, "--by", "area", "--format", fmt)
    assert result.exit_code == 0, result.output
    for stream in (result.stdout, result.stderr):
        assert not RAW.search(stream.replace("\t", "")), repr(RAW.search(stream))
    return result.stdout


@pytest.mark.parametrize("command", ["summarize", "freq", "comments"])
def test_terminal_shows_escapes_and_text(runner, command):
    out = _cli(runner, command, "table")
    assert "\t" not in out
    for text in [*FORMULAS, *MARKUP, *map(visible, CONTROLS)]:
        assert text in out
    assert "\\x1b[31mred" in out and "\\u202eevil" in out


@pytest.mark.parametrize("command", ["summarize", "freq", "comments"])
def test_csv_text_cells_are_never_formulas(runner, command):
    out = _cli(runner, command, "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert len({len(r) for r in rows}) == 1  # RFC 4180: one record per row, same width
    cells = [c for row in rows for c in row]
    for cell in cells:
        try:
            float(cell)  # numbers stay numbers (a negative difference keeps its sign)
        except ValueError:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    for text in FORMULAS:  # shown, with the apostrophe a spreadsheet hides
        assert "'" + text in cells or any(c.startswith("'" + text) for c in cells)
    for text in MARKUP:
        assert any(text in c for c in cells)
    assert any("\\x1b[31mred" in c for c in cells)


@pytest.mark.parametrize("command", ["summarize", "freq", "comments"])
def test_json_keeps_values_and_writes_no_raw_control(runner, command):
    out = _cli(runner, command, "json")
    text = json.dumps(json.loads(out), ensure_ascii=False)
    for value in [*FORMULAS, *MARKUP, *CONTROLS]:
        assert json.dumps(value, ensure_ascii=False)[1:-1] in text  # the value, unchanged


@pytest.mark.parametrize("command", ["summarize", "freq", "comments"])
def test_markdown_renders_user_text_as_text(runner, command):
    out = _cli(runner, command, "markdown")
    rendered = _parse(_renderer().render(out))
    tags = {t for t, _ in rendered.tags}
    assert not tags & {"script", "img", "a", "html", "iframe"}, tags
    shown = html.unescape("".join(rendered.text))
    for text in [*FORMULAS, *MARKUP, *map(visible, CONTROLS)]:
        assert text in shown


def test_error_quoting_a_user_value_is_escaped(runner):
    result = run(runner, "summarize", EXPORT, "--by", "x\x1b[2J")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\\x1b[2J" in result.output


# --- every file of the report -----------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("attack_report")
    result = run(CliRunner(), "report", EXPORT, "--spec", SPEC, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output + repr(result.exception)
    return out


@pytest.mark.parametrize("name", ["report.md", "report.html", "report.json"])
def test_report_text_files_hold_no_raw_control(report, name):
    text = (report / name).read_text(encoding="utf-8")
    assert not RAW.search(text), repr(RAW.search(text))


def test_report_markdown_renders_user_text_as_text(report):
    rendered = _parse(_renderer().render((report / "report.md").read_text(encoding="utf-8")))
    assert not {t for t, _ in rendered.tags} & {"script", "a", "iframe"}
    images = [attrs["src"] for tag, attrs in rendered.tags if tag == "img"]
    assert images and all(src.startswith("charts/") for src in images)
    shown = html.unescape("".join(rendered.text))
    for text in [*FORMULAS, *MARKUP, visible(CONTROLS[1])]:
        assert text in shown


def test_report_html_links_nowhere_and_escapes_everything(report):
    page = _parse((report / "report.html").read_text(encoding="utf-8"))
    assert "script" not in {t for t, _ in page.tags}
    for tag, attrs in page.tags:
        if tag == "a":
            assert attrs["href"].startswith("#")
        if tag == "img":
            assert attrs["src"].startswith("data:image/svg+xml;base64,")
            import base64

            svg = base64.b64decode(attrs["src"].split(",", 1)[1]).decode("utf-8")
            assert not RAW.search(svg)
            root = ElementTree.fromstring(svg)  # well-formed XML
            assert not [e for e in root.iter() if e.tag.endswith(("}a", "}script"))]
    shown = "".join(page.text)
    for text in [*FORMULAS, *MARKUP, visible(CONTROLS[0]), "@SUM(1) \\u202eevil"]:
        assert text in shown


def test_report_spreadsheets_write_user_text_as_text(report):
    with zipfile.ZipFile(report / "report.xlsx") as xlsx:
        names = xlsx.namelist()
        strings = xlsx.read("xl/sharedStrings.xml").decode("utf-8")
        for name in names:
            body = xlsx.read(name).decode("utf-8")
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in body and "<f " not in body  # no formula
            assert 'TargetMode="External"' not in body  # no link out of the workbook
            assert "_x001B_" not in body and "_x0007_" not in body
    assert html.escape(FORMULAS[0], quote=False) in strings
    with zipfile.ZipFile(report / "report.ods") as ods:
        content = ods.read("content.xml").decode("utf-8")
    root = ElementTree.fromstring(content)
    assert not [e for e in root.iter() if e.tag.endswith("}a")]
    assert "table:formula" not in content
    cells = {"".join(p.itertext()) for p in root.iter() if p.tag.endswith("}p")}
    assert set(FORMULAS) <= cells
    assert visible(CONTROLS[1]) in cells


@requires_tool(shutil.which("pdftotext") is not None, "poppler-utils")
def test_report_pdf_is_written_with_the_text_shown(report):
    text = pdf_text(report / "report.pdf")
    assert not RAW.search(text.replace("\f", ""))
    flat = " ".join(text.split())
    for value in [FORMULAS[0], MARKUP[0], visible(CONTROLS[1])]:
        assert value in flat


def test_stderr_notes_show_user_values_escaped(runner, tmp_path):
    output = tmp_path / "out\x1b[2J.csv"
    result = run(runner, "summarize", EXPORT, "--spec", SPEC, "--format", "csv", "-o", output)
    assert result.exit_code == 0, result.output
    assert output.exists()
    assert "\x1b" not in result.stderr and "out\\x1b[2J.csv" in result.stderr
