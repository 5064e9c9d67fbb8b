"""The report's differences between groups: each breakdown's groups tested against the rest.

Fixture: tests/data/report_groups/ (counts in its README; North answers Yes to q1 far more often
than the other areas; team C is too small to publish). Expected values are R's
(tests/data/reference/r/report_groups.json, from report_groups.R), never rapstats' own.
"""

from __future__ import annotations

import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import pdf_text, requires_tool, run

from rapstats.pipeline import compare_groups, compare_opened, open_survey, report_data
from rapstats.render.report.findings import (
    Difference,
    Homogeneity,
    between_brief,
    between_sentence,
    difference_sentence,
)

DATA = Path(__file__).parent / "data"
EXPORT = DATA / "report_groups" / "groups.csv"
SPEC = DATA / "report_groups" / "groups.toml"
R = json.loads((DATA / "reference" / "r" / "report_groups.json").read_text(encoding="utf-8"))
AREAS = ("North", "South", "East", "West")


def whole(value: float) -> int:
    """A number rounded half up to a whole (as a person rounds; independent of rapstats)."""
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tenth(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def r_difference(question: str, level: str) -> dict:
    return next(d for d in R["differences"] if d["question"] == question and d["level"] == level)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("groups")
    result = run(CliRunner(), "report", EXPORT, "--spec", SPEC, "--out", out, "-q")
    assert result.exit_code == 0, result.output
    model = json.loads((out / "report.json").read_text(encoding="utf-8"))
    model["markdown"] = (out / "report.md").read_text(encoding="utf-8")
    model["pdf"] = out / "report.pdf"
    return model


def table(model: dict, group: str) -> dict:
    return next(t for t in model["tables"] if t["id"].endswith(f"_by_{group}"))


def test_a_supported_area_difference_is_stated_with_r_numbers(report):
    north = r_difference("q1", "North")
    assert north["p_holm"] < 0.05 and north["min_expected"] >= 5  # chi-square, significant
    low, high = north["newcombe"]
    expected = (
        f"“Would recommend the service”: By area, the percentage ranged from 40% (South) to "
        f"75% (North). In North, {whole(north['share_level'] * 100)}% answered Yes, compared "
        f"with {whole(north['share_rest'] * 100)}% of other respondents: "
        f"{whole(north['change'] * 100)} percentage points higher (95% confidence interval "
        f"+{whole(low * 100)} to +{whole(high * 100)}; chi-square test, Holm-adjusted p < 0.001)."
    )
    findings = table(report, "area")["findings"]
    assert findings[0] == expected
    assert expected in report["markdown"]
    # South's raw p (0.044) is below 0.05, but not after Holm's adjustment: not described
    assert r_difference("q1", "South")["p_holm"] > 0.05
    assert "In South" not in " ".join(findings)


def test_no_clear_difference_when_no_test_supports_one(report):
    hom = R["homogeneity"]["q2"]
    assert all(r_difference("q2", a)["p_holm"] >= 0.05 for a in AREAS)
    p = f"{float(Decimal(repr(hom['p_holm'])).quantize(Decimal('0.01'))):.2f}"
    sentence = table(report, "area")["findings"][1]
    assert sentence.endswith(
        f"; no clear difference between area groups (chi-square test of homogeneity, "
        f"Holm-adjusted p = {p})."
    )
    assert "percentage points higher" not in sentence and "not tested" not in sentence


def test_breakdown_columns_show_the_difference_from_the_rest(report):
    t = table(report, "area")
    labels = [c["label"] for c in t["columns"]]
    diff = labels.index("Difference from the rest (percentage points)")
    sig = labels.index("Different from the rest after Holm adjustment")
    assert labels[-1] == "Flag" and sig == diff + 1
    rows = {(r[0]["v"], r[1]["v"]): r for r in t["rows"]}
    texts = {"q1": "Would recommend the service", "q2": "Agree the service has improved"}
    for q, text in texts.items():
        for area in AREAS:
            ref = r_difference(q, area)
            row = rows[(text, area)]
            assert row[diff]["v"] == tenth(ref["change"] * 100)
            assert row[sig]["v"] == ("Yes" if ref["p_holm"] < 0.05 else "No")


def test_the_pdf_says_a_supported_difference_in_full_and_only_the_test_otherwise(report):
    """``compact_findings`` (what the PDF says beside the rows): the supported difference
    whole, "no clear difference" with R's homogeneity p, nothing for a withheld test."""
    hom = R["homogeneity"]["q2"]
    p = f"{float(Decimal(repr(hom['p_holm'])).quantize(Decimal('0.01'))):.2f}"
    area = table(report, "area")
    assert area["compact_findings"] == [
        area["findings"][0],
        "“Agree the service has improved”: No clear difference between groups (homogeneity "
        f"test, Holm-adjusted p = {p}).",
    ]
    assert not any(
        f.startswith("“Would recommend") for f in table(report, "team")["compact_findings"]
    )
    shown = [c.get("short", c["label"]) for c in area["columns"]]
    assert shown[-3:] == ["Diff. from rest (pp)", "Sig. vs rest", "Flag"]


@requires_tool(shutil.which("pdftotext") is not None, "poppler-utils")
def test_the_pdf_heads_a_question_with_its_supported_difference(report):
    text = " ".join(pdf_text(report["pdf"]).split()).replace("- ", "-")
    lead, sentence = table(report, "area")["findings"][0].split("”: ")
    assert f"{lead.removeprefix('“')} {sentence}" in text
    assert "No clear difference between groups (homogeneity test, Holm-adjusted p = " in text


def test_a_withheld_group_is_never_described(report):
    t = table(report, "team")
    labels = [c["label"] for c in t["columns"]]
    diff = labels.index("Difference from the rest (percentage points)")
    rows = {(r[0]["v"], r[1]["v"]): r for r in t["rows"]}
    # team C (4 respondents) and one more team are withheld in every column
    for team in ("B", "C"):
        row = rows[("Would recommend the service", team)]
        assert row[diff]["t"] == row[diff + 1]["t"] == "[c]"
    # A differs from the rest (published in its row), but the test between the teams uses C's
    # answers: no team's difference is described
    assert rows[("Would recommend the service", "A")][diff + 1]["v"] == "Yes"
    text = " ".join(t["findings"])
    assert "percentage points higher" not in text and "In A" not in text
    assert "In B" not in text and "In C" not in text
    assert t["findings"][0] == (
        "“Would recommend the service”: Differences between team groups are not reported, as "
        "some figures are withheld."
    )
    md = report["markdown"]
    assert "In C," not in md and "In B," not in md


def test_the_methods_say_how_groups_were_compared(report):
    section = next(m for m in report["methods"] if m["heading"] == "Differences between groups")
    (text,) = section["paragraphs"]
    assert "Newcombe hybrid score interval" in text
    assert "R chisq.test(correct = FALSE)" in text
    assert "Holm" in text
    note = next(n for n in report["notes"] if n["text"] == text)
    assert f"[note {note['number']}]" in table(report, "area")["notes"]


def test_report_data_carries_the_protected_comparison_of_each_breakdown():
    data = report_data(EXPORT, spec=SPEC)
    assert [c.summaries[0].by for c in data.between] == [("area",), ("team",)]
    assert [b.by for b in data.breakdowns] == [("area",), ("team",)]
    # the same rows as `rapstats compare --between` on the export
    for c in data.between:
        alone, _ = compare_groups(EXPORT, SPEC, between=c.summaries[0].by[-1])
        assert repr(c.changes.records()) == repr(alone.changes.records())  # NaN as "nan"


def test_compare_opened_needs_no_second_read():
    from rapstats.spec import load_spec

    opened = open_survey(EXPORT, load_spec(SPEC), by=("area",))
    comparison = compare_opened(opened, between="area")
    rows = [r for r in comparison.changes.records() if r["kind"] == "difference"]
    north = next(r for r in rows if r["question"] == "q1" and r["level"] == "North")
    ref = r_difference("q1", "North")
    assert north["change"] == pytest.approx(ref["change"], abs=1e-12)
    assert [north["change_low"], north["change_high"]] == pytest.approx(ref["newcombe"], abs=1e-9)
    assert north["p_adjusted"] == pytest.approx(ref["p_holm"], rel=1e-9)
    assert comparison.waves == ("groups",)


def difference(**kw) -> Difference:
    values = dict(
        level="North",
        answer="Yes",
        share=0.31,
        rest=0.22,
        change=0.09,
        low=0.02,
        high=0.16,
        test="chisq_nocc",
        p=0.012,
        significant=True,
        adjust="holm",
    )
    return Difference(**{**values, **kw})


def test_difference_sentence_in_gss_wording():
    assert difference_sentence(difference()) == (
        "In North, 31% answered Yes, compared with 22% of other respondents: 9 percentage "
        "points higher (95% confidence interval +2 to +16; chi-square test, Holm-adjusted "
        "p = 0.01)."
    )
    lower = difference(share=0.2, rest=0.3, change=-0.1, low=-0.18, high=-0.03, option="Email")
    assert difference_sentence(lower).startswith(
        "In North, 20% chose “Email”, compared with 30% of other respondents: 10 percentage "
        "points lower (95% confidence interval -18 to -3;"
    )
    assert difference_sentence(difference(significant=False)) is None
    assert difference_sentence(difference(symbol="[c]")) is None
    assert difference_sentence(difference(share=None)) is None


def test_between_sentence_states_nothing_without_a_published_test():
    found = [difference()]
    published = Homogeneity(test="chisq", p=0.03, adjust="holm")
    lead = "By area, the percentage ranged from 20% (East) to 31% (North)."
    assert between_sentence("Area", lead, found, published) == (
        f"{lead} {difference_sentence(found[0])}"
    )
    withheld = Homogeneity(test=None, p=None, symbol="[c]", adjust="holm")
    assert between_sentence("Area", None, found, withheld) == (
        "Differences between area groups are not reported, as some figures are withheld."
    )
    missing = Homogeneity(test=None, p=None, symbol="[x]")
    assert between_sentence("Area", lead, found, missing) == (
        "By area, the percentage ranged from 20% (East) to 31% (North); differences between "
        "area groups could not be tested."
    )
    none = Homogeneity(test="rao_scott", p=0.4)
    assert between_sentence("Area", lead, [difference(significant=False)], none).endswith(
        "; no clear difference between area groups (Rao-Scott chi-square test of "
        "homogeneity, p = 0.40)."
    )


def test_between_brief_says_what_the_rows_do_not():
    found = [difference()]
    lead = "By area, the percentage ranged from 20% (East) to 31% (North)."
    published = Homogeneity(test="chisq", p=0.03, adjust="holm")
    assert between_brief("Area", lead, found, published) == between_sentence(
        "Area", lead, found, published
    )
    none = Homogeneity(test="rao_scott", p=0.4)
    assert between_brief("Area", lead, [difference(significant=False)], none) == (
        "No clear difference between groups (homogeneity test, p = 0.40)."
    )
    holm = Homogeneity(test="chisq", p=0.618, adjust="holm")
    assert between_brief("Area", lead, [difference(significant=False)], holm) == (
        "No clear difference between groups (homogeneity test, Holm-adjusted p = 0.62)."
    )
    withheld = Homogeneity(test=None, p=None, symbol="[c]", adjust="holm")
    assert between_brief("Area", lead, found, withheld) is None
    missing = Homogeneity(test=None, p=None, symbol="[x]")
    assert between_brief("Area", lead, found, missing) == (
        "Differences between groups could not be tested."
    )


def test_a_less_reliable_group_is_described_with_a_caution():
    weighted = difference(test="wald_design", symbol="[u]")
    assert difference_sentence(weighted) == (
        "In North, 31% answered Yes, compared with 22% of other respondents: 9 percentage "
        "points higher (95% confidence interval +2 to +16; design-based Wald test, "
        "Holm-adjusted p = 0.01). This estimate is less reliable and should be treated with "
        "caution [u]."
    )
