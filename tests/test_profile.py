"""Who responded: ``rapstats freq --profile`` and the report's "Who responded" section.

Fixture: tests/data/profile/ (counts in its README, written by
scripts/make_profile_fixture.py). Expected counts are computed here from the raw file with the
standard library's ``csv`` module, never from rapstats.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_CSV, SAMPLE_SPEC, pdf_text, requires_tool, run

from rapstats.pipeline import open_survey, protected_summary, summarize_file
from rapstats.render.frequencies import render_profile

DATA = Path(__file__).parent / "data" / "profile"
EXPORT = DATA / "profile.csv"
SPEC = DATA / "profile.toml"
# group -> its column in the export (the spec's groups that are profiled)
PROFILED = {"area": "Area", "age": "Age band"}
MIN_COUNT = 5  # the spec's [disclosure] min_count
MIN_BASE = 10  # and min_base: a level is a group, and nothing is published of a smaller one
PERSONAL = ("RG1 1AA", "SW1A 1AA", "RG2 7AB", "someone@example.com")  # their values


def raw_counts() -> dict[str, Counter]:
    """Respondents per level of each profiled group, read with the csv module."""
    with open(EXPORT, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        group: Counter(r[col].strip() or "(blank)" for r in rows) for group, col in PROFILED.items()
    }


def freq(*args: object):
    result = run(CliRunner(), "-q", "freq", EXPORT, "--spec", SPEC, "--profile", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def csv_rows(*args: object) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(freq("--format", "csv", *args))))


def test_counts_are_the_raw_files_and_small_levels_are_withheld():
    raw = raw_counts()
    n = sum(raw["area"].values())
    rows = csv_rows()
    assert [r["group"] for r in rows] == ["area"] * 4 + ["age"] * 4
    for r in rows:
        want = raw[r["group"]][r["level"]]
        if r["flag"] == "[c]":
            assert r["count"] == "" and r["share"] == ""
        else:
            assert r["flag"] == ""
            assert int(r["count"]) == want
            assert float(r["share"]) == pytest.approx(want / n)
        assert r["kind"] == ("blank" if r["level"] == "(blank)" else "answer")
    withheld = {r["level"] for r in rows if r["flag"] == "[c]"}
    # every real level of fewer than min_base respondents is withheld, as any group that small
    small = {lvl for g, c in raw.items() for lvl, k in c.items() if k < MIN_BASE}
    assert small - {"(blank)"} == {"East", "West", "65+"} <= withheld


def test_a_withheld_level_cannot_be_recovered_from_the_total():
    raw = raw_counts()
    n = sum(raw["area"].values())  # published: rows read
    rows = csv_rows()
    for group in PROFILED:
        mine = [r for r in rows if r["group"] == group]
        held = [r for r in mine if r["flag"] == "[c]"]
        shown = sum(int(r["count"]) for r in mine if r["flag"] == "")
        # none, or at least two withheld: the total less the others gives only their sum
        assert len(held) != 1, group
        if held:
            assert n - shown == sum(raw[group][r["level"]] for r in held)
    # the blank age band (rapstats' own row) goes with 65+, else 65+ = 40 - the others
    assert {r["level"] for r in rows if r["flag"] == "[c]"} == {"East", "West", "65+", "(blank)"}


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_personal_groups_are_never_profiled(fmt):
    for args in ((), ("--by", "postcode"), ("--by", "area")):
        text = freq("--format", fmt, *args)
        for word in PERSONAL:
            assert word not in text, (fmt, args, word)
    rows = csv_rows("--by", "postcode")
    assert {r["group"] for r in rows} == set(PROFILED)


def test_without_a_spec_personal_data_columns_are_not_profiled():
    result = run(CliRunner(), "-q", "freq", EXPORT, "--profile", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["group"] for r in rows} == {"Area", "age_band"}
    assert not any(word in result.stdout for word in PERSONAL)


def test_a_personal_data_column_cannot_be_profiled_with_by():
    result = run(CliRunner(), "freq", EXPORT, "--spec", SPEC, "--profile", "--by", "Email")
    assert result.exit_code == 1
    assert "personal data" in result.output and "someone@" not in result.output


def test_every_format_shows_the_same_protected_profile():
    rows = csv_rows()
    doc = json.loads(freq("--format", "json"))
    assert doc["rows"] == [
        {
            "group": r["group"],
            "level": r["level"],
            "kind": r["kind"],
            "count": int(r["count"]) if r["count"] else None,
            "share": float(r["share"]) if r["share"] else None,
            "flag": r["flag"] or None,
        }
        for r in rows
    ]
    assert doc["disclosure"]["suppressed"]["profile_primary"] == 3
    assert doc["disclosure"]["suppressed"]["profile_secondary"] == 1
    table = freq().splitlines()
    assert table[0].split() == ["Group", "Level", "Respondents", "Share"]
    assert table[2].split() == ["area", "East", "[c]", "[c]"]
    assert table[3].split() == ["area", "North", "18", "45.0%"]
    assert any(line.split() == ["age", "(blank)", "[c]", "[c]"] for line in table)
    md = freq("--format", "markdown").splitlines()
    assert md[0] == "| Group | Level | Respondents | Share |"
    assert "| area | West | [c] | [c] |" in md
    assert "| age | 65+ | [c] | [c] |" in md
    assert any("[c] confidential" in line for line in md)


def test_explain_suppression_lists_the_profile(tmp_path):
    audit = tmp_path / "audit.csv"
    freq("--explain-suppression", audit)
    rows = list(csv.DictReader(io.StringIO(audit.read_text(encoding="utf-8"))))
    got = {(r["table"], r["question"], r["answer"], r["symbol"], r["reason"]) for r in rows}
    assert got == {
        ("profile", "area", "East", "[c]", f"count below {MIN_COUNT}"),
        ("profile", "area", "West", "[c]", f"group below {MIN_BASE}"),
        ("profile", "age", "65+", "[c]", f"group below {MIN_BASE}"),
        ("profile", "age", "(blank)", "[c]", "secondary suppression"),
    }


def test_by_adds_a_group_that_is_not_in_the_spec():
    rows = csv_rows("--by", "Helped")
    helped = {r["level"]: r["count"] for r in rows if r["group"] == "Helped"}
    with open(EXPORT, newline="", encoding="utf-8") as f:
        want = Counter(r["Helped"] for r in csv.DictReader(f))
    assert helped == {k: str(v) for k, v in want.items()}


def test_api_profile_and_its_renderer():
    summary, _ = summarize_file(EXPORT, SPEC, publish=("profile",))
    table = summary.published_profile()
    raw = raw_counts()
    for rec in table.records():
        if rec["flag"] is None:
            assert rec["count"] == raw[rec["group"]][rec["level"]]
    assert len(summary.table) == 0  # only the profile is published
    assert render_profile(summary, "csv") == freq("--format", "csv")
    # not published: no profile
    plain, _ = summarize_file(EXPORT, SPEC)
    assert len(plain.profile_table) == 0


def test_profile_is_for_one_export():
    result = run(CliRunner(), "freq", EXPORT, EXPORT, "--spec", SPEC, "--profile")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: who responded (--profile) is profiled for one export, not for waves. "
        "Fix: give one export (and no wave names or [survey] wave)."
    ]


def test_sample_profile_counts_every_group():
    summary = protected_summary(
        open_survey(SAMPLE_CSV, SAMPLE_SPEC, by=("area", "ethnicity", "age", "event")),
        publish=("profile",),
    )
    with open(SAMPLE_CSV, newline="", encoding="utf-8") as f:
        area = Counter(r["Area"] for r in csv.DictReader(f))
    got = {r["level"]: r["count"] for r in summary.profile_records() if r["group"] == "area"}
    assert got == dict(area)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("who")
    # a report refuses a spec group on a personal-data column: leave that group out
    spec = SPEC.read_text(encoding="utf-8").replace('[groups.contact]\ncolumn = "Email"\n', "")
    assert "contact" not in spec
    (out.parent / "who.toml").write_text(spec, encoding="utf-8")
    result = run(
        CliRunner(), "-q", "report", EXPORT, "--spec", out.parent / "who.toml", "--out", out
    )
    assert result.exit_code == 0, result.output
    return out


def test_report_who_responded_in_every_format(report):
    model = json.loads((report / "report.json").read_text(encoding="utf-8"))
    (who,) = [t for t in model["tables"] if t["id"] == model["who_responded"]]
    assert who["number"] == 1 and who["sheet"] == "Table_1"
    raw = raw_counts()
    cells = {(r[0]["t"], r[1]["t"]): (r[2]["t"], r[3]["t"]) for r in who["rows"]}
    assert cells[("area", "East")] == cells[("area", "West")] == ("[c]", "[c]")
    assert cells[("area", "North")] == (str(raw["area"]["North"]), "45.0")
    assert cells[("age", "(blank)")] == cells[("age", "65+")] == ("[c]", "[c]")
    assert {g for g, _ in cells} == set(PROFILED)
    md = (report / "report.md").read_text(encoding="utf-8")
    assert (
        md.index("## Key findings")
        < md.index("## Who responded")
        < md.index("## ", md.index("## Who responded") + 3)
    )
    assert "| East |[c] |[c] |" in md and "| North |18 |45.0 |" in md
    html = (report / "report.html").read_text(encoding="utf-8")
    assert '<section id="who-responded"><h2>Who responded</h2>' in html
    assert '<a href="#who-responded">Who responded</a>' in html
    assert '<th scope="row">North</th><td class="num">18</td>' in html
    import openpyxl

    sheet = openpyxl.load_workbook(report / "report.xlsx")["Table_1"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["area", "North", 18, 45] in values
    assert ["area", "East", "[c]", "[c]"] in values
    for name in ("report.md", "report.html", "report.json"):
        text = (report / name).read_text(encoding="utf-8")
        assert not any(w in text for w in PERSONAL), name


@requires_tool(shutil.which("pdftotext") is not None, "poppler-utils")
def test_report_pdf_shows_who_responded(report):
    text = pdf_text(report / "report.pdf")
    flat = " ".join(text.split())
    assert "Who responded Table 1: Respondents in each group (all respondents)" in flat
    assert "North 18 45.0" in flat and "Withheld [c]: East and West." in flat
