"""``rapstats compare EXPORT --between GROUP``: the levels of a group compared, tested, protected.

Files: tests/data/between/ (counts in its README). Expected values come from R 4.2.2 and
survey 4.1.1, computed from the raw CSV files by tests/data/reference/r/between.R and kept in
between.json beside it: ``prop.test(correct = FALSE)`` (X-squared and p), ``fisher.test``,
the Newcombe interval from R's Wilson limits, ``chisq.test(correct = FALSE)`` for homogeneity,
``svyby`` + ``svycontrast`` + ``confint`` for weighted differences and ``svychisq(statistic =
"F")`` for the Rao-Scott test. Tolerances: 1e-9 for the closed-form values (R prints 15
significant digits) and Fisher's p, 1e-8 for the survey values. Holm's and the Benjamini-
Hochberg adjustments are written out here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run

from rapstats.pipeline import Comparison, compare_groups

DATA = Path(__file__).parent / "data" / "between"
R = json.loads(
    (Path(__file__).parent / "data" / "reference" / "r" / "between.json").read_text("utf-8")
)
PLAIN = (DATA / "between.csv", "--spec", DATA / "between.toml")
WEIGHTED = (DATA / "between_weighted.csv", "--spec", DATA / "between_weighted.toml")
ESCAPE = (DATA / "between_escape.csv", "--spec", DATA / "between_escape.toml")
# Every field computed from the data: null in a withheld row.
DATA_FIELDS = (
    "share_from",
    "share_to",
    "base_from",
    "base_to",
    "change",
    "change_low",
    "change_high",
    "test",
    "statistic",
    "p_value",
    "p_adjusted",
    "significant",
)
CLOSE = 1e-9
SURVEY = 1e-8


def key(row: dict) -> str:
    return row["question"] + (f":{row['option']}" if row["option"] else "")


def rows(runner, data, *extra: str) -> list[dict]:
    result = run(runner, "compare", *data, "--between", "area", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["rows"]


def holm(p: list[float]) -> list[float]:
    """Holm's step-down adjustment, written out (R p.adjust(p, "holm"))."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        out[i] = running
    return out


def test_unweighted_differences_match_r(runner):
    got = rows(runner, PLAIN, "--unsafe-no-suppression")
    got += rows(runner, PLAIN, "--unsafe-no-suppression", "--reference", "North")
    differences = [r for r in got if r["kind"] == "difference"]
    assert len(differences) == 4 * 5 + 4 * 4  # rest: every level; reference: all but North
    tests = set()
    for r in differences:
        block = "rest" if r["comparison"] == "rest" else "reference_North"
        assert r["against"] == ("rest" if block == "rest" else "North")
        ref = R["unweighted"][key(r)][block][r["level"]]
        assert (r["base_to"], r["base_from"]) == (ref["n_level"], ref["n_against"])
        assert r["share_to"] == pytest.approx(ref["x_level"] / ref["n_level"], abs=1e-12)
        assert r["share_from"] == pytest.approx(ref["x_against"] / ref["n_against"], abs=1e-12)
        assert r["change"] == pytest.approx(ref["change"], abs=CLOSE)
        assert [r["change_low"], r["change_high"]] == pytest.approx(ref["newcombe"], abs=CLOSE)
        assert r["method"] == "newcombe" and r["group"] == {} and r["wave_from"] is None
        if ref["min_expected"] < 5:
            assert (r["test"], r["statistic"]) == ("fisher", None)
            assert r["p_value"] == pytest.approx(ref["fisher_p"], abs=CLOSE)
        else:
            assert r["test"] == "chisq_nocc"
            assert r["statistic"] == pytest.approx(ref["chisq_statistic"], abs=CLOSE)
            assert r["p_value"] == pytest.approx(ref["chisq_p"], abs=CLOSE)
        tests.add(r["test"])
    assert tests == {"fisher", "chisq_nocc"}  # Islands (4 respondents) against the rest: Fisher


def test_p_adjusted_across_differences_and_apart_across_homogeneity(runner):
    got = rows(runner, PLAIN, "--unsafe-no-suppression")
    for kind in ("difference", "homogeneity"):
        block = [r for r in got if r["kind"] == kind]
        expected = holm([r["p_value"] for r in block])
        assert [r["p_adjusted"] for r in block] == pytest.approx(expected, abs=1e-12)
        assert all(r["significant"] == (r["p_adjusted"] < 0.05) for r in block)
    none = rows(runner, PLAIN, "--unsafe-no-suppression", "--adjust", "none")
    assert all(r["p_adjusted"] == r["p_value"] for r in none)


def test_homogeneity_matches_r_overall_and_within_by(runner):
    got = rows(runner, PLAIN, "--unsafe-no-suppression", "--by", "team")
    homogeneity = [r for r in got if r["kind"] == "homogeneity"]
    assert len(homogeneity) == 4 * 3  # overall, team A, team B
    for r in homogeneity:
        team = r["group"].get("team")
        ref = R["unweighted"][key(r)]
        ref = ref["homogeneity"] if team is None else ref["homogeneity_by_team"][team]
        assert (r["test"], r["comparison"], r["level"], r["against"]) == ("chisq", None, None, None)
        assert r["statistic"] == pytest.approx(ref["statistic"], abs=CLOSE)
        assert r["p_value"] == pytest.approx(ref["p_value"], abs=CLOSE)
        assert r["share_from"] is None and r["change"] is None and r["base_to"] is None
    # the kinds come in the contract's order: every difference before any homogeneity row
    kinds = [r["kind"] for r in got]
    assert kinds == sorted(kinds)
    assert {json.dumps(r["group"]) for r in got} == {"{}", '{"team": "A"}', '{"team": "B"}'}


def test_weighted_differences_and_rao_scott_match_r_survey(runner):
    got = rows(runner, WEIGHTED, "--unsafe-no-suppression")
    got += rows(runner, WEIGHTED, "--unsafe-no-suppression", "--reference", "North")
    for r in got:
        ref = R["weighted"][key(r)]
        if r["kind"] == "homogeneity":
            assert r["test"] == "rao_scott"
            assert r["statistic"] == pytest.approx(ref["rao_scott"]["F"], abs=SURVEY)
            assert r["p_value"] == pytest.approx(ref["rao_scott"]["p_value"], abs=SURVEY)
            continue
        block = ref["rest" if r["comparison"] == "rest" else "reference_North"][r["level"]]
        assert (r["test"], r["method"], r["statistic"]) == ("wald_design", "wald_design", None)
        assert r["change"] == pytest.approx(block["change"], abs=SURVEY)
        assert [r["change_low"], r["change_high"]] == pytest.approx(
            [block["low"], block["high"]], abs=SURVEY
        )
        assert r["p_value"] == pytest.approx(block["p_value"], abs=SURVEY)
        assert r["share_to"] == pytest.approx(ref["shares"][r["level"]], abs=SURVEY)
        if r["comparison"] == "reference":
            assert r["share_from"] == pytest.approx(ref["shares"]["North"], abs=SURVEY)
    assert len(got) == 2 * 4 + 4 * 5 + 4 * 4


def _flags(runner, data, *by: str) -> dict[tuple, str | None]:
    """The flag of every cell of the protected summary by ``by`` and area."""
    args = [a for b in by for a in ("--by", b)]
    result = run(runner, "summarize", *data, *args, "--by", "area", "--format", "json")
    assert result.exit_code == 0, result.output
    return {
        (key(r), r["group"].get("team"), r["group"].get("area")): r["flag"]
        for r in json.loads(result.stdout)["rows"]
    }


@pytest.mark.parametrize("data", [PLAIN, WEIGHTED], ids=["plain", "weighted"])
@pytest.mark.parametrize("extra", [(), ("--reference", "North"), ("--by", "team")])
def test_a_withheld_level_withholds_its_difference_and_the_homogeneity_test(runner, data, extra):
    got = rows(runner, data, *extra)
    by = ("team",) if "--by" in extra else ()
    flags = _flags(runner, data, *by)
    assert "[c]" in flags.values()
    for r in got:
        team = r["group"].get("team")
        if r["kind"] == "homogeneity":
            cells = [v for (k, t, _), v in flags.items() if k == key(r) and t == team]
            withheld = "[c]" in cells
        else:
            against = None if r["against"] == "rest" else r["against"]
            pair = [flags[(key(r), team, r["level"])], flags[(key(r), team, against)]]
            withheld = "[c]" in pair
        assert (r["flag"] == "[c]") is withheld, r
        if withheld:
            assert all(r[f] is None for f in DATA_FIELDS), r
        else:
            assert all(r[f] is not None for f in DATA_FIELDS if f != "statistic"), r
    islands = [r for r in got if r["level"] == "Islands"]
    assert islands and all(r["flag"] == "[c]" for r in islands)
    assert any(r["flag"] is None for r in got if r["kind"] == "difference")


def test_published_bases_of_the_rest_add_up(runner):
    got = rows(runner, PLAIN)
    north = next(r for r in got if r["level"] == "North" and r["question"] == "q1")
    assert (north["base_to"], north["base_from"], north["flag"]) == (40, 134 - 40, None)
    assert north["p_value"] == pytest.approx(
        R["unweighted"]["q1"]["rest"]["North"]["chisq_p"], abs=CLOSE
    )


FORMULA = '=HYPERLINK("[redacted: url]","go")'


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_group_values_are_redacted_and_escaped_in_every_format(runner, fmt):
    result = run(runner, "compare", *ESCAPE, "--between", "area", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "jo.bloggs@example.com" not in out and "x.test" not in out
    assert "[redacted: email]" in out
    if fmt == "csv":
        table = list(csv.DictReader(io.StringIO(out.split("\n# ")[0])))
        assert "'" + FORMULA in {r["level"] for r in table}
        assert not any(v.startswith(("=", "@", "+")) for r in table for v in r.values() if v)
    elif fmt == "markdown":
        assert "# Escape \\| test: differences between groups" in out
        assert f"| {FORMULA} | rest | q1 |" in out
    elif fmt == "table":
        assert f"{FORMULA}  rest" in out
    else:
        assert FORMULA in {r["level"] for r in json.loads(out)["rows"]}


def test_all_levels_published_gives_homogeneity_and_r_values(runner):
    got = {r["level"]: r for r in rows(runner, ESCAPE)}
    raw = {
        FORMULA: '=HYPERLINK("http://x.test","go")',
        "[redacted: email]": "jo.bloggs@example.com",
    }
    ref = R["escape"]["q1"]
    homogeneity = got[None]
    assert homogeneity["flag"] is None and homogeneity["test"] == "chisq"
    assert homogeneity["statistic"] == pytest.approx(ref["homogeneity"]["statistic"], abs=CLOSE)
    assert homogeneity["p_value"] == pytest.approx(ref["homogeneity"]["p_value"], abs=CLOSE)
    for label in (FORMULA, "[redacted: email]", "North"):
        expected = ref["rest"][raw.get(label, label)]
        assert got[label]["p_value"] == pytest.approx(expected["chisq_p"], abs=CLOSE)
        assert got[label]["change"] == pytest.approx(expected["change"], abs=CLOSE)


def test_an_undefined_test_is_not_available(runner, tmp_path):
    # every answer positive: X-squared has a zero margin (R chisq.test gives NaN)
    export = tmp_path / "all_yes.csv"
    export.write_text("area,q1\n" + "North,Yes\n" * 12 + "South,Yes\n" * 12, encoding="utf-8")
    got = rows(runner, (export, "--spec", DATA / "between_escape.toml"), "--unsafe-no-suppression")
    homogeneity = next(r for r in got if r["kind"] == "homogeneity")
    assert homogeneity["flag"] == "[x]" and all(homogeneity[f] is None for f in DATA_FIELDS)
    north = next(r for r in got if r["level"] == "North")
    assert (north["change"], north["test"], north["p_value"]) == (0.0, "fisher", 1.0)


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_same_inputs_same_bytes(runner, fmt):
    args = ("compare", *PLAIN, "--between", "area", "--by", "team", "--format", fmt)
    first, second = run(runner, *args), run(runner, *args)
    assert first.exit_code == 0 and first.stdout == second.stdout


def test_csv_spreads_the_by_group_and_names_the_notes(runner):
    result = run(
        runner, "compare", *WEIGHTED, "--between", "area", "--by", "team", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split(",")
    assert header[:7] == [
        "kind",
        "comparison",
        "question",
        "option",
        "text",
        "group:team",
        "wave_from",
    ]
    notes = result.stderr.split("rapstats: note: ", 1)[1]  # plain CSV: notes on stderr
    assert "svychisq" in notes and "svycontrast" in notes and "withheld" in notes


def test_several_waves_each_compared_and_named(runner):
    one = rows(runner, PLAIN, "--reference", "North")
    two = rows(
        runner, (DATA / "between.csv", *PLAIN), "--reference", "North", "--wave-names", "Q1,Q2"
    )
    assert len(two) == 2 * len(one)
    kinds = [r["kind"] for r in two]
    assert kinds == sorted(kinds)  # every wave's differences, then every wave's homogeneity
    assert [(r["wave_from"], r["wave_to"]) for r in two[:3]] == [("Q1", "Q1")] * 3
    for wave in ("Q1", "Q2"):
        mine = [r for r in two if r["wave_to"] == wave]
        assert [{**r, "wave_from": None, "wave_to": None} for r in mine] == one
    east = next(r for r in two if r["level"] == "East" and r["question"] == "q1")
    ref = R["unweighted"]["q1"]["reference_North"]["East"]
    assert east["p_value"] == pytest.approx(ref["chisq_p"], abs=CLOSE)


def test_api_compare_groups(tmp_path):
    comparison, notes = compare_groups(
        DATA / "between.csv", DATA / "between.toml", between="area", by=("team",)
    )
    assert isinstance(comparison, Comparison)
    assert comparison.waves == ("between",) and comparison.by == ("team",)
    assert comparison.summaries[0].by == ("team", "area")
    assert any("134 responses" in n for n in notes)
    t = comparison.changes
    assert set(t["kind"].tolist()) == {"difference", "homogeneity"}
    assert {"symbol", "group:team", "level", "against"} <= set(t.columns)


def test_api_weighted_values_match_r_survey():
    comparison, _ = compare_groups(
        str(DATA / "between_weighted.csv"),
        DATA / "between_weighted.toml",
        between="area",
        reference="South",
        unsafe_no_suppression=True,
    )
    got = {(r["kind"], key(r), r["level"]): r for r in comparison.changes.records()}
    for q, ref in R["weighted"].items():
        homogeneity = got[("homogeneity", q, None)]
        assert homogeneity["statistic"] == pytest.approx(ref["rao_scott"]["F"], abs=SURVEY)
        north = got[("difference", q, "North")]  # North - South: R's South - North, negated
        assert north["against"] == "South" and north["comparison"] == "reference"
        expected = ref["reference_North"]["South"]
        assert north["change"] == pytest.approx(-expected["change"], abs=SURVEY)
        assert north["p_value"] == pytest.approx(expected["p_value"], abs=SURVEY)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((*PLAIN, "--reference", "North"), 2, "--reference needs --between"),
        ((*PLAIN, "--by", "team", "--between"), 2, "requires an argument"),
        ((*PLAIN, "--between", "area", "--wave-names", "Q1"), 2, "needs several exports"),
        ((DATA / "between.csv", *PLAIN, "--between", "area", "--wave-names", "Q1"), 1, "1 wave"),
        ((*PLAIN, "--between", "area", "--against", "first"), 2, "--against compares waves"),
        ((*PLAIN, "--between", "nosuch"), 1, "the groups are area, team"),
        ((*PLAIN, "--between", "area", "--reference", "Nowhere"), 1, "'East', 'Islands'"),
        ((*PLAIN, "--between", "area", "--by", "team", "--by", "id"), 1, "at most one --by"),
        ((*PLAIN, "--between", "area", "--by", "area"), 1, "other than the --between group"),
    ],
)
def test_errors_are_one_line(runner, args, code, message):
    result = run(runner, "compare", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "Traceback" not in result.output and len(errors) == 1 and message in errors[0]
