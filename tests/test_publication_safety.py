"""Issue 11 acceptance: nothing personal, disclosive or executable in any published output.

Every command (summarize, freq, comments in every --format, and the report in every format) runs
on the attack exports of tests/data/attack/ (see its README), and every byte of every output
file is scanned: PDF through pdftotext (and its raw bytes for actions), XLSX/ODS through every
XML part, HTML including its embedded SVG charts. The expected values come from the raw CSVs
and the planted strings, never from rapstats; the patterns are regular expressions written
here, independent of rapstats.protect.redact. The contract is /work/shared CONTRACT11 (issue 11):
a withheld row carries the symbol "[c]" only, group columns are ``group:NAME`` in CSV and the
``group`` object in JSON, labels with personal data are redacted, CSV text cells starting with
= + - @ TAB CR are neutralised, Markdown shows markup as text, the terminal shows control
characters escaped.
"""

from __future__ import annotations

import base64
import csv
import importlib.util
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import ROOT, requires_tool, run
from oracles import FREQ_DATA, ROW_DATA, lp_ranges

ATTACK = ROOT / "tests" / "data" / "attack"
_spec = importlib.util.spec_from_file_location("make_attack", ATTACK / "make_attack.py")
planted = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(planted)

FORMATS = ("table", "csv", "json", "markdown")
REPORT_FORMATS = "md,html,pdf,xlsx,ods"
REASONS = ("base below", "count below", "secondary suppression")

pytestmark = requires_tool(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")


# ---------------------------------------------------------------------------------------------
# Running everything


@dataclass
class Run:
    """One CLI invocation and the files it wrote."""

    args: tuple[str, ...]
    exit_code: int
    stderr: str
    output: str
    files: list[Path] = field(default_factory=list)
    fmt: str = ""  # table/csv/json/markdown for summarize/freq/comments, "report" for report
    command: str = ""


def _invoke(*args: object) -> tuple[int, str, str]:
    """Exit code, stderr (with the exception, if one escaped: a crash) and stdout."""
    result = run(CliRunner(), *args)
    err = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        err += f"\nCRASH {type(result.exception).__name__}: {result.exception}"
    return result.exit_code, err, result.stdout


def _by_args(by: tuple[str, ...]) -> list[str]:
    return [a for g in by for a in ("--by", g)]


def _spec_args(spec: Path | None) -> list[str]:
    return ["--spec", str(spec)] if spec else []


# (name, export, spec, --by sets for summarize/freq, --by for comments)
CASES: list[tuple[str, str, str | None, list[tuple[str, ...]], list[str | None]]] = [
    (
        "labels",
        "labels.csv",
        "labels.toml",
        [(), ("area",), ("team",), ("area", "team")],
        [None, "area", "team"],
    ),
    ("labels-inferred", "labels.csv", None, [(), ("Area",), ("Team",)], [None, "Area"]),
    ("personal", "personal_columns.csv", "personal_columns.toml", [(), ("area",)], [None]),
    ("personal-inferred", "personal_columns.csv", None, [(), ("Area",)], [None, "Area"]),
    ("free-text", "free_text.csv", "free_text.toml", [(), ("area",)], [None, "area"]),
    ("free-text-inferred", "free_text.csv", None, [(), ("Area",)], [None, "Area"]),
    (
        "collisions-inferred",
        "collisions.csv",
        None,
        [
            ("flag",),
            ("workstream",),
            ("share", "base"),
            ("question", "text"),
            ("option",),
            ("group", "significant"),
        ],
        [None, "flag"],
    ),
    ("none-of-these", "none_of_these.csv", "none_of_these.toml", [()], [None]),
    ("dont-know", "dont_know.csv", "dont_know.toml", [(), ("area",)], [None, "area"]),
    ("ethnicity", "ethnicity.csv", "ethnicity.toml", [("ethnicity",)], [None]),
    ("file-name", "dont_know.csv", "dont_know.toml", [("area",)], [None]),
]
# Cases whose export is read under another name: a file named after the person who sent it
# (every output names its input).
RENAMED = {"file-name": "from jo.bloggs@example.org on 07700 900123.csv"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, list[Run]]:
    """Run every command in every format on every attack export; keep every file written."""
    out: dict[str, list[Run]] = {}
    for name, export, spec_name, by_sets, comment_bys in CASES:
        base = tmp_path_factory.mktemp(name)
        csv_path = ATTACK / export
        if name in RENAMED:
            csv_path = Path(shutil.copy(csv_path, base / RENAMED[name]))
        spec = ATTACK / spec_name if spec_name else None
        out[name] = run_everything(base, csv_path, spec, by_sets, comment_bys)
    return out


def run_everything(
    base: Path,
    export: Path,
    spec: Path | None,
    by_sets: list[tuple[str, ...]],
    comment_bys: list[str | None],
    *,
    report: bool = True,
) -> list[Run]:
    """summarize and freq by each of ``by_sets`` and comments by each of ``comment_bys`` in
    every format, and (``report``) the report in every format, on ``export``, writing into
    ``base``."""
    done: list[Run] = []
    for command in ("summarize", "freq"):
        # crossed frequency tables are left out: today `freq --by area --by team` on
        # labels.csv (200 rows) runs for over ten minutes in secondary suppression
        for by in by_sets if command == "summarize" else [b for b in by_sets if len(b) < 2]:
            for fmt in FORMATS:
                path = base / _file_name(command, "-".join(by), fmt)
                args = (command, str(export), *_spec_args(spec), *_by_args(by))
                args += ("--format", fmt, "-o", str(path))
                code, err, stdout = _invoke(*args)
                files = [path] if path.exists() else []
                done.append(Run(args, code, err, stdout, files, fmt, command))
    for by in comment_bys:
        for fmt in FORMATS:
            path = base / _file_name("comments", by, fmt)
            args = ("comments", str(export), *_spec_args(spec))
            args += (*(("--by", by) if by else ()), "--format", fmt, "-o", str(path))
            code, err, stdout = _invoke(*args)
            files = [path] if path.exists() else []
            done.append(Run(args, code, err, stdout, files, fmt, "comments"))
    if not report:
        return done
    folder = base / "report"
    args = ("report", str(export), *_spec_args(spec), "--out", str(folder))
    args += ("--formats", REPORT_FORMATS)
    code, err, stdout = _invoke(*args)
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    done.append(Run(args, code, err, stdout, files, "report", "report"))
    return done


def _file_name(command: str, by: str | None, fmt: str) -> str:
    """An output's file name: the --by names (column names typed by anyone) as safe text."""
    safe = re.sub(r"[^\w-]+", "_", by or "all")
    return f"{command}-{safe}.{fmt}"


def _all_runs(runs: dict[str, list[Run]]) -> list[Run]:
    return [r for done in runs.values() for r in done]


# ---------------------------------------------------------------------------------------------
# Reading every byte


def _pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8")


def _xml_text(xml: str) -> str:
    """Text of an XML part: tags become spaces, entities are decoded."""
    return unescape(re.sub(r"<[^>]*>", " ", xml))


_DATA_URI = re.compile(r"data:([\w/+.-]+);base64,([A-Za-z0-9+/=\s]+)")


def _html_parts(text: str) -> list[tuple[str, str]]:
    """The HTML without its data: URIs, and each embedded SVG decoded."""
    parts = [("html", _DATA_URI.sub("data:", text))]
    for m in _DATA_URI.finditer(text):
        if "svg" in m.group(1):
            svg = base64.b64decode(re.sub(r"\s", "", m.group(2))).decode("utf-8", "replace")
            parts.append(("embedded svg", svg))
    return parts


def texts(path: Path) -> list[tuple[str, str]]:
    """Every readable part of an output file as (where, text)."""
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    if suffix == ".pdf":
        return [(f"{path.name} (text)", _pdf_text(path))]
    if suffix in (".xlsx", ".ods"):
        with zipfile.ZipFile(path) as z:
            return [
                (f"{path.name}:{n}", z.read(n).decode("utf-8", "replace"))
                for n in z.namelist()
                if n.endswith((".xml", ".rels")) or n == "mimetype"
            ]
    if suffix == ".png":
        return []  # pixels: the same labels are checked in the SVG/HTML/PDF/XLSX text
    text = raw.decode("utf-8", "replace")
    if suffix == ".json":  # also with its \\u escapes decoded (control characters stay escaped)
        decoded = json.dumps(json.loads(text), ensure_ascii=False)
        return [(path.name, text), (f"{path.name} (decoded)", decoded)]
    if suffix == ".html":
        return [(f"{path.name} ({k})", t) for k, t in _html_parts(text)]
    return [(path.name, text)]


def _plain(where: str, text: str) -> str:
    """Human-visible text: XML/HTML/SVG tags removed and entities decoded, Markdown
    backslash escapes removed."""
    if where.endswith((".md", ".markdown")):
        return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    if where.endswith((".xml", ".rels", "(html)", "(embedded svg)")) or ".svg" in where:
        text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
        return _xml_text(text)
    return text


# ---------------------------------------------------------------------------------------------
# Patterns, written here independently of rapstats.protect.redact

_SEP = r"[ \u00a0-]?"
PII_PATTERNS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(
        r"(?<![\w.])(?:\+44[ \u00a0]?(?:\(0\)[ \u00a0]?)?|\(?0)(?:\d\)?" + _SEP + r"){9,10}(?!\w)"
    ),
    "postcode": re.compile(
        r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]?[ \u00a0]?\d[ABD-HJLNP-UW-Z]{2}(?![\w])", re.I
    ),
    "ni_number": re.compile(
        r"(?<![\w])[A-Z]{2}(?:[ \u00a0]?\d{2}){3}[ \u00a0]?[A-D](?![\w])", re.I
    ),
    "ipv4": re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"),
    "ipv6": re.compile(r"2001:db8:[0-9a-f:]*", re.I),
    "url_with_query": re.compile(r"https?://[^\s\"'<>]+\?[^\s\"'<>]+", re.I),
}


def _fold(text: str) -> str:
    """Case-folded, without spaces, NBSP, dots, dashes, underscores, brackets, plus signs and
    backslashes (a header made an identifier, ``did_sam_taylor_example``, is found too)."""
    return re.sub(r"[\s\u00a0.\-_()+\\]", "", text.casefold())


def _planted_tokens() -> dict[str, str]:
    """Every planted personal datum, folded, mapped to how it was typed."""
    typed = [
        *planted.AREA_PII,
        *(t for t in planted.TEAM_ATTACKS if "@" in t or re.search(r"\d{4}|qq\d", t)),
        *planted.CONTACT_OPTIONS[2:],
        *planted.EMAILS,
        *planted.PHONES,
        *planted.IPS,
        *planted.POSTCODES,
        *planted.HEARD_OTHER,
        "sam.taylor@example.net",
        "pat.quinn@example.net",
        "07700 900130",
        "07700 900150",
        "SW1A 2AA",
        "QQ 65 43 21 B",
    ]
    with open(ATTACK / "personal_columns.csv", encoding="utf-8", newline="") as f:
        names = {row["Respondent"] for row in csv.DictReader(f)}  # every name in the column
    tokens = {_fold(name): name for name in names}
    for t in typed:
        for piece in re.findall(
            r"[\w.+-]+@[\w.-]+|\+?[\d(][\d \u00a0.()-]{8,}\d"
            r"|[a-z]{1,2}\d[a-z\d]?[\s\u00a0]?\d[a-z]{2}"
            r"|qq[\d ]+[a-d]|\d+\.\d+\.\d+\.\d+|2001:db8::\d+",
            t,
            flags=re.I,
        ):
            folded = _fold(piece)
            if folded.startswith("44"):  # +44 7700 ... is also typed 07700 ...
                tokens["0" + folded[2:]] = piece
            if "@" in piece:  # the name of an address is theirs without its domain
                tokens[_fold(piece.split("@")[0])] = piece
            tokens[folded] = piece
    return tokens


PLANTED = _planted_tokens()


def _pii_hits(where: str, text: str) -> list[str]:
    plain = _plain(where, text)
    hits = [
        f"{where}: {kind} {m.group(0)!r}"
        for kind, p in PII_PATTERNS.items()
        for m in p.finditer(plain)
    ]
    folded = _fold(plain)
    hits += [f"{where}: planted {typed!r}" for token, typed in PLANTED.items() if token in folded]
    return hits


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]")
_XLSX_CONTROL = re.compile(r"_x00(?:0[0-8BbEeFf]|1[0-9A-Fa-f])_|_x007[Ff]_")


def _control_hits(where: str, text: str) -> list[str]:
    allowed_ff = "(text)" in where  # pdftotext separates pages by form feeds
    hits = []
    for m in _CONTROL.finditer(text):
        if allowed_ff and m.group(0) == "\x0c":
            continue
        hits.append(f"{where}: control character {m.group(0)!r} in {_around(text, m)!r}")
    if where.endswith(".xml"):
        hits += [f"{where}: escaped control {m.group(0)}" for m in _XLSX_CONTROL.finditer(text)]
    return hits


def _around(text: str, m: re.Match[str], width: int = 30) -> str:
    return text[max(0, m.start() - width) : m.end() + width]


def _markdown_hits(where: str, text: str) -> list[str]:
    """Live HTML, images or javascript: links in Markdown (escaped text is fine)."""
    visible = re.sub(r"`[^`\n]*`", "", text)  # code spans show their content as text
    visible = re.sub(r"\\[!-/:-@\[-`{-~]", "", visible)  # backslash escapes
    hits = []
    for pattern in (
        r"<script",
        r"<img",
        r"<iframe",
        r"!\[[^\]\n]*\]\(",
        r"\]\(\s*javascript:",
        r"<javascript:",
        r"\]\(\s*https?://tracker\.example",
    ):
        for m in re.finditer(pattern, visible, flags=re.I):
            if pattern.startswith("!") and not re.match(
                r"!\[[^\]]*\]\((?!https?:)[\w./-]+\.(?:png|svg)\)", visible[m.start() :]
            ):
                hits.append(f"{where}: markdown image {_around(visible, m)!r}")
            elif not pattern.startswith("!"):
                hits.append(f"{where}: markdown {pattern} {_around(visible, m)!r}")
    return hits


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hits: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self.hits.append(f"<{tag}> element")
        for name, value in attrs:
            v = (value or "").strip().lower()
            if name.startswith("on"):
                self.hits.append(f"<{tag} {name}=...> event handler")
            if v.startswith("javascript:") or "tracker.example" in v or "evil.example" in v:
                self.hits.append(f"<{tag} {name}={value!r}>")


def _html_hits(where: str, text: str) -> list[str]:
    if "(html)" not in where:
        return []
    parser = _Tags()
    parser.feed(text)
    return [f"{where}: {h}" for h in parser.hits]


def _pdf_action_hits(path: Path) -> list[str]:
    """Anything in the PDF that acts: scripts, launches, links and form submissions. User text
    (an outline title that reads "javascript:...") is shown, never followed."""
    raw = path.read_bytes()
    hits = []
    for needle in (
        b"/JavaScript",
        b"/JS ",
        b"/JS(",
        b"/JS<",
        b"/Launch",
        b"/URI",
        b"/SubmitForm",
        b"/ImportData",
        b"/GoToR",
        b"/Link",
    ):
        if needle in raw:
            hits.append(f"{path.name}: raw PDF contains {needle!r}")
    return hits


def _spreadsheet_hits(where: str, text: str) -> list[str]:
    hits = []
    if re.search(r"worksheets/sheet\d+\.xml$", where) and re.search(r"<f[ >]", text):
        hits.append(f"{where}: a formula cell")
    if "content.xml" in where and "table:formula=" in text:
        hits.append(f"{where}: an ODS formula cell")
    for m in re.finditer(r"(?:Target|xlink:href)=\"([^\"]*)\"", text):
        target = m.group(1).lower()
        if target.startswith("javascript:") or "example" in target:
            hits.append(f"{where}: link to {m.group(1)!r}")
    return hits


def _is_number(cell: str) -> bool:
    return bool(re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", cell.strip()))


def _csv_formula_hits(where: str, text: str) -> list[str]:
    hits = []
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), 1):
        for cell in row:
            if cell and cell[0] in "=+-@\t\r" and not _is_number(cell):
                hits.append(f"{where}:{line_no}: formula-like cell {cell[:40]!r}")
    return hits


def _publishable_files(runs: dict[str, list[Run]]) -> list[tuple[Run, Path]]:
    return [(r, p) for r in _all_runs(runs) for p in r.files]


def _report(hits: list[str]) -> str:
    counts = Counter(h.split(":")[0] for h in hits)
    return f"{len(hits)} hits in {dict(counts)}; first ones:\n" + "\n".join(hits[:25])


# ---------------------------------------------------------------------------------------------
# The scan


@pytest.mark.slow  # every command and format on every attack export (~20 s)
def test_every_command_and_format_writes_its_output(runs):
    """No attack stops a command or a writer: exit 0 and every file written (no traceback)."""
    bad = failures(runs)
    assert not bad, "\n".join(bad)


def failures(runs: dict[str, list[Run]]) -> list[str]:
    """The runs that did not exit 0 with every file written."""
    bad = []
    for r in _all_runs(runs):
        if r.exit_code != 0 or not r.files:
            bad.append(f"{' '.join(r.args[:1] + r.args[2:])}: exit {r.exit_code} {r.stderr[-300:]}")
        elif r.command == "report":
            names = {p.name for p in r.files}
            missing = {f"report.{f}" for f in (*REPORT_FORMATS.split(","), "json")} - names
            if missing:
                bad.append(f"report {r.args[1]}: missing {sorted(missing)}")
    return bad


def _text_hits(runs, check) -> list[str]:
    """``check(where, text)`` over every text of every publishable output file."""
    hits = []
    for _, path in _publishable_files(runs):
        for where, text in texts(path):
            hits += check(where, text)
    return hits


@pytest.mark.slow  # every command and format on every attack export (~20 s)
def test_no_personal_data_in_any_output(runs):
    hits = _text_hits(runs, _pii_hits)
    assert not hits, _report(hits)


@pytest.mark.slow  # every command and format on every attack export (~20 s)
def test_no_control_characters_in_any_output(runs):
    hits = _text_hits(runs, _control_hits)
    assert not hits, _report(hits)


def executable_hits(path: Path) -> list[str]:
    """Anything in one output file that runs, fetches or is a formula."""
    hits = _pdf_action_hits(path) if path.suffix == ".pdf" else []
    for where, text in texts(path):
        if path.suffix == ".md" or path.suffix == ".markdown":
            hits += _markdown_hits(where, text)
        hits += _html_hits(where, text)
        hits += _spreadsheet_hits(where, text)
        if path.suffix == ".csv":
            hits += _csv_formula_hits(where, text)
    return hits


@pytest.mark.slow  # every command and format on every attack export (~20 s)
def test_nothing_executable_or_fetching_in_any_output(runs):
    hits = [h for _, path in _publishable_files(runs) for h in executable_hits(path)]
    assert not hits, _report(hits)


def _csv_records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _withheld_row_hits(where: str, rec: dict, data: tuple[str, ...], empty) -> list[str]:
    flag = rec.get("flag")
    if not (isinstance(flag, str) and flag.startswith("[c]")):
        return []
    hits = [f"{where}: [c] row publishes {k}={rec.get(k)!r}" for k in data if not empty(rec.get(k))]
    if flag != "[c]":
        hits.append(f"{where}: [c] row carries a reason: {flag!r}")
    return hits


@pytest.mark.slow  # every command and format on every attack export (~20 s)
def test_withheld_rows_publish_no_data_derived_field(runs):
    """CSV and JSON of summarize/freq, and report.json: a [c] row is the symbol and nothing
    derived from the data."""
    hits = []
    for r, path in _publishable_files(runs):
        if r.command not in ("summarize", "freq") and path.name != "report.json":
            continue
        data = ROW_DATA if r.command == "summarize" else FREQ_DATA
        if path.suffix == ".json" and r.command != "report":
            doc = json.loads(path.read_text(encoding="utf-8"))
            for i, rec in enumerate(doc["rows"]):
                hits += _withheld_row_hits(f"{path.name}[{i}]", rec, data, lambda v: v is None)
        elif path.suffix == ".csv":
            for i, rec in enumerate(_csv_records(path.read_text(encoding="utf-8"))):
                hits += _withheld_row_hits(f"{path.name}:{i}", rec, data, lambda v: v in ("", None))
        elif path.name == "report.json":
            hits += _report_json_hits(json.loads(path.read_text(encoding="utf-8")))
    assert not hits, _report(hits)


_NUMERIC_KINDS = ("int", "pct", "pp", "p", "yesno", "float", "num")


def _report_json_hits(doc: dict) -> list[str]:
    hits = []
    for table in doc["tables"]:
        labels = [c["label"].lower() for c in table["columns"]]
        if "flag" not in labels:
            continue
        j = labels.index("flag")
        for i, row in enumerate(table["rows"]):
            flag = str(row[j].get("t", ""))
            if not flag.startswith("[c]"):
                continue
            if flag != "[c]":
                hits.append(f"report.json {table['id']}[{i}]: reason {flag!r}")
            for col, cell in zip(table["columns"], row, strict=True):
                public = col["label"].lower().startswith("baseline")  # an input, stays
                if (
                    not public
                    and col["kind"] in _NUMERIC_KINDS
                    and (
                        isinstance(cell.get("v"), (int, float))
                        and not isinstance(cell["v"], bool)
                        or re.search(r"\d", str(cell.get("t", "")))
                    )
                ):
                    hits.append(f"report.json {table['id']}[{i}]: {col['label']} = {cell!r}")
    return hits


_REASON_TEXT = re.compile(
    r"\[c\][\s:–-]*(?:base below|count below|secondary suppression)|\b(?:base|count) below \d",
    re.I,
)


def _reasons(rec: dict) -> list[str]:
    """Values of a record that are a per-cell reason on their own."""
    return [v for v in rec.values() if isinstance(v, str) and v.strip().lower().startswith(REASONS)]


@pytest.mark.slow  # every command and format on every attack export (~20 s)
def test_no_per_cell_reason_in_publishable_outputs(runs):
    hits = []
    for _, path in _publishable_files(runs):
        for where, text in texts(path):
            plain = _plain(where, text)
            hits += [f"{where}: {_around(plain, m)!r}" for m in _REASON_TEXT.finditer(plain)]
            if path.suffix == ".csv":  # a reason in a cell of its own
                for rec in _csv_records(text):
                    hits += [f"{where}: cell {v!r}" for v in _reasons(rec)]
            if path.suffix == ".json":
                doc = json.loads(text)
                for rec in doc.get("rows", []):
                    if "reason" in rec:
                        hits.append(f"{where}: a row has a reason field")
                    hits += [f"{where}: value {v!r}" for v in _reasons(rec)]
    assert not hits, _report(hits)


# ---------------------------------------------------------------------------------------------
# Regression tests for the named cases


def _json(*args: object) -> dict:
    code, err, out = _invoke(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def _group_of(rec: dict) -> dict:
    """Group values of a JSON row: the "group" object (CONTRACT11), for rows and frequencies."""
    assert "group" in rec, f"JSON row without a 'group' object: {sorted(rec)}"
    return rec["group"]


def test_none_of_these_with_two_answers_is_withheld(tmp_path):
    """Probe B2: a real option in parentheses is an answer like any other."""
    csv_path, spec = ATTACK / "none_of_these.csv", ATTACK / "none_of_these.toml"
    raw = Counter(r["Did you use any of our services?"] for r in _raw_rows(csv_path))
    assert raw["(None of these)"] == 2 and raw["Yes"] == 40 and raw["No"] == 30
    doc = _json("freq", csv_path, "--spec", spec)
    rows = {r["answer"]: r for r in doc["rows"] if not r.get("group")}
    none = rows["(None of these)"]
    assert none["flag"] == "[c]", none
    assert none["count"] is None and none["share_of_base"] is None, none
    assert none.get("kind") == "answer", none
    assert rows["(blank)"].get("kind") == "blank", rows["(blank)"]
    # and it cannot be worked out from what freq publishes: base = Yes + No + (None of these),
    # where the base is published through any count with its share of the base
    in_base = [a for a, r in rows.items() if r["in_base"]]
    counts = np.array([raw[a] for a in in_base] + [sum(raw[a] for a in in_base)], dtype=float)
    hidden = np.array([rows[a]["count"] is None for a in in_base] + [_base_hidden(rows)])
    ranges = lp_ranges(counts, [(len(in_base), list(range(len(in_base))))], hidden)
    lo, hi = ranges[in_base.index("(None of these)")]
    assert hi - lo > 1e-6, (lo, hi)
    for fmt in ("csv", "table", "markdown"):
        code, _, out = _invoke("freq", csv_path, "--spec", spec, "--format", fmt)
        assert code == 0
        line = next(x for x in out.splitlines() if "(None of these)" in x)
        assert "[c]" in line and not re.search(r"\b2\b|2\.8", line), line
    # the report's answers table too
    code, err, _ = _invoke("report", csv_path, "--spec", spec, "--out", tmp_path, "--formats", "md")
    assert code == 0, err
    model = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    found = [
        [c.get("t") for c in row]
        for table in model["tables"]
        for row in table["rows"]
        if any(c.get("t") == "(None of these)" for c in row)
    ]
    assert found, "no (None of these) row in the report"
    for row in found:
        assert "[c]" in row and not [t for t in row if re.search(r"\d", str(t))], row


def _base_hidden(rows: dict) -> bool:
    """Whether a cell's base stays unpublished: no published in-base count with its share."""
    return not any(
        r["in_base"] and r["count"] and r["share_of_base"] not in (None, 0) for r in rows.values()
    )


def _raw_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _collision_spec(tmp_path: Path, name: str) -> Path:
    text = (ATTACK / "collisions.toml").read_text(encoding="utf-8")
    path = tmp_path / f"collisions-{name}.toml"
    path.write_text(text.replace("[groups.area]", f"[groups.{name}]"), encoding="utf-8")
    return path


def _keyed(doc: dict, group: str) -> dict:
    out = {}
    for rec in doc["rows"]:
        g = _group_of(rec)
        assert set(g) <= {group}, g
        key = (rec["question"], rec.get("option"), rec.get("answer"), g.get(group))
        out[key] = {k: v for k, v in rec.items() if k != "group"}
    return out


@pytest.mark.parametrize("name", planted.RESULT_FIELDS)
def test_group_named_like_a_result_field_changes_nothing(name, tmp_path):
    """A group called flag/workstream/share/... gives the numbers, flags and Holm families of
    the same group called area, in every format."""
    csv_path = ATTACK / "collisions.csv"
    area = _collision_spec(tmp_path, "area")
    other = _collision_spec(tmp_path, name)
    for command in ("summarize", "freq"):
        want = _keyed(_json(command, csv_path, "--spec", area, "--by", "area"), "area")
        got = _keyed(_json(command, csv_path, "--spec", other, "--by", name), name)
        assert got == want
        assert any(str(v.get("flag")).startswith("[c]") for v in want.values())  # West (7)
        code, err, out = _invoke(
            command, csv_path, "--spec", other, "--by", name, "--format", "csv"
        )
        assert code == 0, err
        header = next(csv.reader(io.StringIO(out)))
        assert f"group:{name}" in header and header.count(name) <= 1, header
        for fmt in ("table", "markdown"):
            code, err, _ = _invoke(
                command, csv_path, "--spec", other, "--by", name, "--format", fmt
            )
            assert code == 0, err


@pytest.mark.parametrize("name", ["flag", "workstream"])
def test_report_by_a_group_named_like_a_result_field(name, tmp_path):
    csv_path = ATTACK / "collisions.csv"
    tables = {}
    for group in ("area", name):
        spec = _collision_spec(tmp_path, group)
        out = tmp_path / f"report-{group}"
        code, err, _ = _invoke(
            "report",
            csv_path,
            "--spec",
            spec,
            "--by",
            group,
            "--out",
            out,
            "--formats",
            REPORT_FORMATS,
        )
        assert code == 0, err
        doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
        # who responded names each group in its first column: the one difference
        tables[group] = [
            [
                ["GROUP" if t["id"] == doc["who_responded"] and c["v"] == group else c.get("v")]
                + [c.get("v") for c in rest]
                for c, *rest in t["rows"]
            ]
            for t in doc["tables"]
        ]
    assert tables[name] == tables["area"]


def test_email_typed_into_area_is_redacted_everywhere(tmp_path):
    csv_path, spec = ATTACK / "labels.csv", ATTACK / "labels.toml"
    email = planted.AREA_PII[0]
    assert sum(r["Area"] == email for r in _raw_rows(csv_path)) == 2
    seen_note = False
    for command in ("summarize", "freq", "comments"):
        for fmt in FORMATS:
            code, err, out = _invoke(
                command, csv_path, "--spec", spec, "--by", "area", "--format", fmt
            )
            assert code == 0, err
            assert "jo.bloggs" not in out.lower() and "example.org" not in out.lower(), out
            seen_note |= "redact" in err.lower()
    assert seen_note, "stderr does not say that a label was redacted"
    code, err, _ = _invoke(
        "report",
        csv_path,
        "--spec",
        spec,
        "--by",
        "area",
        "--out",
        tmp_path / "r",
        "--formats",
        REPORT_FORMATS,
    )
    assert code == 0, err
    for path in (tmp_path / "r").rglob("*"):
        if path.is_file():
            for where, text in texts(path):
                assert "jo.bloggs" not in _fold(_plain(where, text)), where


def test_free_text_is_never_a_group():
    csv_path, spec = ATTACK / "free_text.csv", ATTACK / "free_text.toml"
    column = "What would make you feel safer"
    answers = [r[column] for r in _raw_rows(csv_path) if r[column]]
    assert len(set(answers)) < len(answers) / 2  # repeats: a naive rule takes it for a group
    code, err, toml = _invoke("init", csv_path)
    assert code == 0, err
    import tomllib

    inferred = tomllib.loads(toml)
    assert all(g["column"] != column for g in inferred.get("groups", {}).values()), toml
    assert [q.get("type") for q in inferred["questions"].values() if q.get("column") == column] == [
        "text"
    ]
    # typed Other text of the multi-select never becomes an option
    heard = [
        q for q in inferred["questions"].values() if q.get("column") == "How did you hear about us?"
    ]
    assert heard and set(heard[0]["options"]) <= {*planted.HEARD, "Other"}, heard
    for args in (
        ("--spec", spec, "--by", "safer"),
        ("--spec", spec, "--by", column),
        ("--by", column),
    ):
        for command in ("summarize", "freq"):
            code, err, out = _invoke(command, csv_path, *args)
            assert code == 1, (args, out[:300])
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error:"), err
            assert "Traceback" not in err


def test_formula_in_a_comment_is_neutralised_in_comments_csv():
    csv_path, spec = ATTACK / "labels.csv", ATTACK / "labels.toml"
    code, err, out = _invoke("comments", csv_path, "--spec", spec, "--format", "csv")
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert not [c for c in cells if c and c[0] in "=+-@\t\r" and not _is_number(c)]
    # the comments that started with a formula character are there, neutralised
    for start in ("=HYPERLINK(", "+1+2 is", "-2+3 more", "@SUM(A1:A9)"):
        assert any(c.startswith("'" + start) for c in cells), start
    # a leading tab is neutralised, shown as the visible escape \t, or trimmed at load
    assert any(c.startswith(("'\tTab first", "\\tTab first", "Tab first")) for c in cells)


def test_comment_of_a_small_group_is_withheld_in_every_run():
    csv_path, spec = ATTACK / "labels.csv", ATTACK / "labels.toml"
    for by in ((), ("--by", "area"), ("--by", "team")):
        for fmt in FORMATS:
            code, err, out = _invoke("comments", csv_path, "--spec", spec, *by, "--format", fmt)
            assert code == 0, err
            assert "two of us came" not in out, (by, fmt)
    # and not withheld wholesale: ordinary comments are quoted
    assert "Parking was difficult" in out


def test_personal_data_columns_are_found_by_content():
    code, err, toml = _invoke("init", ATTACK / "personal_columns.csv")
    assert code == 0, err
    import tomllib

    inferred = tomllib.loads(toml)
    personal = ("Respondent", "Your email (optional)", "User IP", "Contact number", "Postcode")
    used = {g["column"] for g in inferred.get("groups", {}).values()}
    used |= {q.get("column") for q in inferred["questions"].values()}
    used |= set(inferred.get("survey", {}).values())
    assert not used & set(personal), used & set(personal)
    for column in personal:
        assert column in err, f"{column!r} not listed as dropped: {err}"


def test_small_group_that_did_not_know_is_not_base_zero(tmp_path):
    """Islands: 3 respondents, all "Don't know". They exist, so the cell is [c], not base 0."""
    csv_path, spec = ATTACK / "dont_know.csv", ATTACK / "dont_know.toml"
    raw = [r for r in _raw_rows(csv_path) if r["Area"] == "Islands"]
    assert len(raw) == 3 and {r["I feel safe in my local area"] for r in raw} == {"Don't know"}
    doc = _json("summarize", csv_path, "--spec", spec, "--by", "area")
    islands = [r for r in doc["rows"] if _group_of(r).get("area") == "Islands"]
    assert islands and all(str(r["flag"]).startswith("[c]") for r in islands), islands
    assert all(r[k] is None for r in islands for k in ROW_DATA), islands
    doc = _json("freq", csv_path, "--spec", spec, "--by", "area")
    islands = [r for r in doc["rows"] if _group_of(r).get("area") == "Islands"]
    assert islands and all(str(r["flag"]).startswith("[c]") for r in islands), islands
    assert all(r["count"] is None for r in islands), islands
    for command in ("summarize", "freq"):
        for fmt in ("table", "markdown", "csv"):
            code, err, out = _invoke(
                command, csv_path, "--spec", spec, "--by", "area", "--format", fmt
            )
            assert code == 0, err
            for line in (x for x in out.splitlines() if "Islands" in x):
                assert "[c]" in line and not re.search(r"\d", line.split("Islands", 1)[1]), line
    out = tmp_path / "r"
    code, err, _ = _invoke(
        "report", csv_path, "--spec", spec, "--out", out, "--formats", REPORT_FORMATS
    )
    assert code == 0, err
    assert _no_figure_next_to(out, "Islands", ("North", "South", "East"))


def _no_figure_next_to(folder: Path, label: str, others: tuple[str, ...]) -> int:
    """In every report file, the text after ``label`` (up to the next of ``others`` a sentence
    may name) and the other cells of its XLSX rows hold no figure. Returns the lines checked."""
    checked = 0
    for path in sorted(folder.rglob("*")):
        for where, text in texts(path) if path.is_file() else ():
            for line in _plain(where, text).splitlines():
                if label in line:
                    rest = re.split("|".join(map(re.escape, others)), line.split(label, 1)[1])[0]
                    rest = re.sub(r"\[note \d+\]", "", rest)
                    assert not re.search(r"\d", rest), (where, line)
                    checked += 1
    rows = _xlsx_row_values(folder / "report.xlsx", label)
    assert rows, f"no {label} row in the XLSX"
    for values in rows:
        assert not [v for v in values if re.search(r"\d", v)], values
    return checked


def _xlsx_row_values(path: Path, label: str) -> list[list[str]]:
    """The cell values of every worksheet row holding ``label`` (shared strings resolved)."""
    with zipfile.ZipFile(path) as z:
        strings = "xl/sharedStrings.xml"
        xml = z.read(strings).decode("utf-8") if strings in z.namelist() else ""
        shared = [_xml_text(si) for si in re.findall(r"<si>.*?</si>", xml, flags=re.S)]
        rows = []
        for name in z.namelist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                continue
            for row in re.findall(r"<row[^>]*>(.*?)</row>", z.read(name).decode("utf-8"), re.S):
                values = []
                for attrs, body in re.findall(r"<c([^>]*)>(.*?)</c>", row, re.S):
                    v = re.search(r"<v>(.*?)</v>", body, re.S)
                    t = re.search(r"<t[^>]*>(.*?)</t>", body, re.S)
                    if 't="s"' in attrs and v:
                        values.append(shared[int(v.group(1))].strip())
                    elif v or t:
                        values.append(_xml_text((v or t).group(1)).strip())
                if any(label == x or x.endswith(label) for x in values):
                    rows.append([x for x in values if x != label])
        return rows


@pytest.mark.slow  # every command and format on every attack export (~20 s)
def test_small_ethnic_groups_show_no_figure_in_any_report_format(runs):
    (report,) = [r for r in runs["ethnicity"] if r.command == "report"]
    assert report.exit_code == 0, report.stderr
    folder = Path(report.args[report.args.index("--out") + 1])
    groups = tuple(planted.ETHNIC_GROUPS)
    small = [g for g, n in planted.ETHNIC_GROUPS.items() if n < 10]
    for label in small:
        assert _no_figure_next_to(folder, label, tuple(g for g in groups if g != label))


# ---------------------------------------------------------------------------------------------
# The report withholds no more than summarize --by


def test_report_by_ethnicity_withholds_no_more_than_summarize(tmp_path):
    csv_path, spec = ATTACK / "ethnicity.csv", ATTACK / "ethnicity.toml"
    raw = _raw_rows(csv_path)
    sizes = Counter(r["Ethnicity"] for r in raw)
    assert sorted(sizes.values()) == [4, 6, 8, 30, 50, 70, 90]
    doc = _json("summarize", csv_path, "--spec", spec, "--by", "ethnicity")
    summarize_c = {
        (r["text"], _group_of(r)["ethnicity"])
        for r in doc["rows"]
        if _group_of(r) and str(r["flag"]).startswith("[c]")
    }
    published = {
        (r["text"], _group_of(r)["ethnicity"])
        for r in doc["rows"]
        if _group_of(r) and not str(r["flag"] or "").startswith("[c]")
    }
    assert published, "summarize --by ethnicity publishes no group"
    out = tmp_path / "r"
    code, err, _ = _invoke("report", csv_path, "--spec", spec, "--out", out, "--formats", "md")
    assert code == 0, err
    model = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report_c, report_cells = set(), set()
    for table in model["tables"]:
        labels = [c["label"].lower() for c in table["columns"]]
        if "ethnicity" not in labels:
            continue
        q, g, f = labels.index("question"), labels.index("ethnicity"), labels.index("flag")
        for row in table["rows"]:
            key = (row[q]["t"], row[g]["t"])
            report_cells.add(key)
            if str(row[f]["t"]).startswith("[c]"):
                report_c.add(key)
    assert report_cells, "no table by ethnicity in the report"
    assert report_cells <= summarize_c | published, report_cells - summarize_c - published
    extra = report_c - summarize_c
    assert not extra, f"the report withholds {len(extra)} cells summarize publishes: {extra}"
    # and it withholds every group below min_base (computed from the raw export)
    small = {g for g, n in sizes.items() if n < 10}
    assert {g for _, g in report_c} >= small
