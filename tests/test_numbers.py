"""Issue 12: numbers that were silently wrong, and tracebacks on ordinary data.

Each test runs the CLI on a real file under tests/data/numbers/ (or a spec written to
tmp_path). Expected values come from R (tests/data/reference_extra/large_n.json, written by
scripts/reference_large_n.R) or are computed here from the raw counts with the standard
library: the binomial sum, Wilson's interval (Wilson 1927) and the MOVER limits (Newcombe 1998,
method 10; Zou & Donner 2008).
"""

from __future__ import annotations

import json
import math
from statistics import NormalDist

import pytest
from conftest import ROOT, SAMPLE_CSV, SAMPLE_SPEC, run

DATA = ROOT / "tests" / "data" / "numbers"
REFERENCE = json.loads((ROOT / "tests" / "data" / "reference_extra" / "large_n.json").read_text())
YES22 = DATA / "yes15of22.csv"
YES22_SPEC = DATA / "yes15of22.toml"


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def _wilson(x: float, n: float, confidence: float) -> tuple[float, float]:
    z = _z(confidence)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _ok(result) -> str:
    assert result.exit_code == 0, result.output + getattr(result, "stderr", "")
    return result.stdout


def _error(result, code: int = 1) -> str:
    """The one-line error of a failed run (no traceback)."""
    assert result.exit_code == code, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output
    return result.stderr


def _rows(runner, *args) -> dict:
    return json.loads(_ok(run(runner, "summarize", *args, "--format", "json")))


# --- the exact test on ordinary counts (it raised "x must be whole numbers") -------------


def test_exact_test_on_15_of_22_uses_the_counts(runner):
    doc = _rows(runner, YES22, "--spec", YES22_SPEC)
    row = next(r for r in doc["rows"] if not r["group"])
    # two-sided exact binomial test at p0 = 0.5: twice the upper tail P(X >= 15), X ~ B(22, .5)
    expected = 2 * sum(math.comb(22, k) for k in range(15, 23)) / 2**22
    assert row["test"] == "exact_binomial"
    assert row["p_value"] == pytest.approx(expected, rel=1e-12)
    r_value = next(c for c in REFERENCE["binom_test"] if (c["x"], c["n"]) == (15, 22))
    assert row["p_value"] == pytest.approx(r_value["p_value"], rel=1e-12)


def test_report_runs_on_the_exact_test_data(runner, tmp_path):
    out = tmp_path / "rep"
    _ok(run(runner, "report", YES22, "--spec", YES22_SPEC, "--out", out, "--formats", "md"))
    assert "exact binomial test" in (out / "report.md").read_text()


# --- weighted data and the exact test (probe B4) --------------------------------------------


def test_weighted_rows_record_the_score_test_and_the_note_says_so(runner):
    doc = _rows(runner, DATA / "weights_1e300.csv", "--spec", DATA / "weighted.toml")
    assert {r["test"] for r in doc["rows"]} == {"score_z"}
    note = " ".join(doc["methods"]["notes"])
    assert "exact binomial" not in note
    assert "score z-test on the design-effective sample size" in note


def test_explicit_exact_test_with_weights_is_a_spec_error(runner):
    result = run(
        runner, "summarize", DATA / "weights_1e300.csv", "--spec", DATA / "weighted.toml",
        "--test", "exact_binomial",
    )  # fmt: skip
    err = _error(result)
    assert "exact binomial test needs whole counts" in err
    assert 'Fix: use test = "auto" or "score_z"' in err


# --- baseline ci_confidence (probe B1) ------------------------------------------------------


def _b1(runner, tmp_path, ci_confidence: float | None) -> dict:
    extra = "" if ci_confidence is None else f", ci_confidence = {ci_confidence}"
    spec = tmp_path / f"b1_{ci_confidence}.toml"
    spec.write_text(
        '[questions.q1]\ncolumn = "Q1"\noptions = ["Yes", "No"]\npositive = ["Yes"]\n'
        f"baseline = {{ p = 0.5, ci = [0.45, 0.55]{extra} }}\n"
    )
    doc = _rows(runner, DATA / "yes60of100.csv", "--spec", spec)
    return doc["rows"][0]


def _mover(x: int, n: int, p0: float, low0: float, high0: float, level0: float, conf: float):
    """Newcombe's square-and-add with the baseline limits brought to ``conf``."""
    p1 = x / n
    l1, u1 = _wilson(x, n, conf)
    scale = _z(conf) / _z(level0)
    l0, u0 = p0 - (p0 - low0) * scale, p0 + (high0 - p0) * scale
    d = p1 - p0
    return d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p0 - l0) ** 2
    )


def test_baseline_ci_confidence_is_honoured(runner, tmp_path):
    at95 = _b1(runner, tmp_path, None)
    at80 = _b1(runner, tmp_path, 0.8)
    low95, high95 = _mover(60, 100, 0.5, 0.45, 0.55, 0.95, 0.95)
    low80, high80 = _mover(60, 100, 0.5, 0.45, 0.55, 0.80, 0.95)
    assert (at95["diff_low"], at95["diff_high"]) == pytest.approx((low95, high95), abs=1e-12)
    assert (at80["diff_low"], at80["diff_high"]) == pytest.approx((low80, high80), abs=1e-12)
    # an 80% interval is narrower than a 95% one: read at 95% the difference interval widens
    assert at80["diff_low"] < at95["diff_low"] - 0.005


def test_ci_command_reads_the_baseline_interval_at_its_level(runner):
    doc = json.loads(
        _ok(
            run(
                runner,
                "ci",
                60,
                100,
                "--baseline",
                0.5,
                "--baseline-ci",
                0.45,
                0.55,
                "--baseline-ci-confidence",
                0.8,
                "--format",
                "json",
            )  # fmt: skip
        )
    )
    low, high = _mover(60, 100, 0.5, 0.45, 0.55, 0.80, 0.95)
    assert (doc["diff_low"], doc["diff_high"]) == pytest.approx((low, high), abs=1e-12)
    assert doc["baseline_fixed_in_test"] is True


def test_ci_command_says_the_test_treats_the_baseline_as_fixed(runner):
    out = _ok(run(runner, "ci", 60, 100, "--baseline", 0.5, "--baseline-ci", 0.45, 0.55))
    assert "the test treats the baseline as fixed" in out
    plain = _ok(run(runner, "ci", 60, 100, "--baseline", 0.5))
    assert "fixed" not in plain


# --- confidence level text (probe B8) ------------------------------------------------------


def test_level_is_printed_exactly_everywhere(runner, tmp_path):
    out = _ok(run(runner, "summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--confidence", 0.975))
    assert "97.5% CI" in out and "98% CI" not in out
    assert "at the 97.5% level" in out
    ci = _ok(run(runner, "ci", 221, 321, "--confidence", 0.975))
    assert "97.5% CI" in ci
    rep = tmp_path / "rep"
    _ok(
        run(
            runner,
            "report",
            YES22,
            "--spec",
            YES22_SPEC,
            "--confidence",
            0.975,
            "--out",
            rep,
            "--formats",
            "md",
        )  # fmt: skip
    )
    md = (rep / "report.md").read_text()
    assert "97.5% confidence interval" in md and "97.5% CI lower" in md
    assert "98%" not in md


def test_confidence_too_close_to_one_is_a_usage_error(runner):
    result = run(runner, "summarize", YES22, "--spec", YES22_SPEC, "--confidence", 0.99999)
    assert result.exit_code == 2
    assert "0.9999" in result.output


# --- exact tests at large n (R's relErr rule) ----------------------------------------------


@pytest.mark.parametrize("case", REFERENCE["binom_test"], ids=lambda c: f"{c['x']}/{c['n']}")
def test_exact_binomial_matches_r_at_any_n(case):
    from rapstats.stats import baseline_test

    p = baseline_test(case["x"], case["n"], case["p0"], test="exact_binomial").p_value
    assert p == pytest.approx(case["p_value"], rel=1e-9)


def test_exact_binomial_keeps_the_mode_through_the_cli(runner):
    doc = json.loads(
        _ok(
            run(
                runner,
                "ci",
                10079999,
                21000000,
                "--baseline",
                0.48,
                "--test",
                "exact_binomial",
                "--format",
                "json",
            )  # fmt: skip
        )
    )
    assert doc["p_value"] == 1.0  # R: binom.test(10079999, 21000000, 0.48)$p.value


@pytest.mark.parametrize("case", REFERENCE["fisher_test"], ids=lambda c: f"{c['x1']}/{c['n1']}")
def test_fisher_matches_r_at_totals_near_1e7(case):
    from rapstats.stats import two_sample_test

    p = two_sample_test(case["x1"], case["n1"], case["x2"], case["n2"], test="fisher").p_value
    assert p == pytest.approx(case["p_value"], rel=1e-12)


@pytest.mark.parametrize("case", REFERENCE["dbinom_log"], ids=lambda c: f"{c['k']}/{c['n']}")
def test_binomial_log_probability_matches_r(case):
    from rapstats.stats.baseline import binom_logpmf

    assert binom_logpmf(case["k"], case["n"], case["p"]) == pytest.approx(
        case["log_pmf"], rel=1e-13, abs=1e-13
    )


def test_fisher_at_a_billion_runs_in_small_memory(runner):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = _ok(run(runner, "ci", "--diff", "1e9", "2e9", "1e9", "2e9", "--test", "fisher"))
    # the observed table is the mode (1e9 = 2e9 * 2e9 / 4e9), so every table counts: p = 1
    assert "fisher test: p = 1.000" in out
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 500_000  # it tried to allocate 30 GiB


def test_fisher_beyond_its_size_names_the_large_sample_test(runner):
    result = run(runner, "ci", "--diff", "1e14", "2e14", "1e14", "2e14", "--test", "fisher")
    assert result.exit_code == 2
    assert "chisq_nocc" in result.output and "Traceback" not in result.output


# --- a weighted share of 0% or 100% (probe B7) --------------------------------------------


def test_weighted_share_of_100_percent_has_no_interval_and_no_traceback(runner, tmp_path):
    export, spec = DATA / "weighted_all_yes.csv", DATA / "weighted_all_yes.toml"
    args = ("--spec", spec, "--unsafe-no-suppression")
    doc = _rows(runner, export, *args)
    row = doc["rows"][0]
    assert row["share"] == 1.0 and row["ci_low"] is None and row["ci_high"] is None
    table = _ok(run(runner, "summarize", export, *args))
    line = next(t for t in table.splitlines() if t.startswith("q1"))
    assert "100.0%" in line and "[x]" in line
    rep = tmp_path / "rep"
    _ok(run(runner, "report", export, *args, "--out", rep, "--formats", "md,xlsx"))
    md = (rep / "report.md").read_text()
    assert "confidence interval not available" in md
    assert "Q1: 100.0% (interval not available)" in md


# --- extreme weights ------------------------------------------------------------------------


@pytest.mark.filterwarnings("error")
def test_weights_of_order_1e300_give_the_right_share(runner):
    doc = _rows(runner, DATA / "weights_1e300.csv", "--spec", DATA / "weighted.toml")
    # rows i = 0..39, "Yes" for i < 25; weight 2e300 for even i, 1e300 for odd i
    yes = sum(2 if i % 2 == 0 else 1 for i in range(25))
    total = sum(2 if i % 2 == 0 else 1 for i in range(40))
    assert doc["rows"][0]["share"] == pytest.approx(yes / total, rel=1e-12)
    assert doc["rows"][0]["ci_low"] is not None


@pytest.mark.filterwarnings("error")
def test_weights_spanning_600_orders_of_magnitude_are_one_line_error(runner):
    result = run(runner, "summarize", DATA / "weights_spread.csv", "--spec", DATA / "weighted.toml")
    err = _error(result)
    assert 'weights_spread.csv, column "w": weights range from 1e-300 (row 3)' in err


# --- spec values: every key has its range ------------------------------------------------

QUESTION = '[questions.q1]\ncolumn = "Q1"\noptions = ["Yes", "No"]\npositive = ["Yes"]\n'


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[disclosure]\nmin_base = 0\n" + QUESTION,
            "disclosure.min_base is 0; it must be at least 1",
        ),
        ("[disclosure]\nmin_count = -5\n" + QUESTION, "disclosure.min_count is -5"),
        (
            "[disclosure]\nmax_abs_ci_width = 30\n" + QUESTION,
            "disclosure.max_abs_ci_width is 30.0; it must be in (0, 1]. Fix: it is a proportion",
        ),
        ("[disclosure]\nmax_rel_ci_width = 130\n" + QUESTION, "it is a ratio: 1.30 is 130%"),
        (
            "[defaults]\nconfidence = 0.9999999999999999\n" + QUESTION,
            "defaults.confidence is 0.9999999999999999; it must be in (0, 0.9999]",
        ),
        ("[defaults]\nconfidence = 95\n" + QUESTION, "defaults.confidence is 95.0"),
        ("[defaults]\nexact_below = -1\n" + QUESTION, "defaults.exact_below is -1"),
        ("[defaults]\nconfidence = nan\n" + QUESTION, "defaults.confidence is nan"),
        (
            "[report]\ntitle = 'x'\n[survey]\nextra = [1.0, inf]\n" + QUESTION,
            "survey.extra[1] is inf",
        ),
        (QUESTION + "baseline = { p = 0.3, n = 1e-300 }\n", "questions.q1.baseline.n is 1e-300"),
        (QUESTION + "baseline = { p = 1.5 }\n", "questions.q1.baseline.p is 1.5"),
        (
            QUESTION + "baseline = { p = 0.3, ci = [0.2, 0.4], ci_confidence = 95 }\n",
            "questions.q1.baseline.ci_confidence is 95.0",
        ),
        (QUESTION + "baseline = { p = 0.3, ci = [0.4, 0.2] }\n", "questions.q1.baseline.ci is"),
        (
            '[questions.q1]\ncolumn = "Q1"\noptions = ["Yes", "No"]\npositive = ["Yes"]\n'
            'exclude = ["Yes"]\n',
            "'Yes' is listed in both questions.q1.positive and questions.q1.exclude",
        ),
        (
            '[scales.yn]\noptions = ["Yes", "No", "Don\'t know"]\n'
            'positive = ["Yes", "Don\'t know"]\n[questions.q1]\ncolumn = "Q1"\nscale = "yn"\n',
            '"Don\'t know" is listed in both scales.yn.positive and defaults.exclude',
        ),
        (
            '[questions.q1]\ncolumn = "Q1"\noptions = ["Yes", "No", "yes "]\npositive = ["Yes"]\n',
            "questions.q1.options lists 'Yes' and 'yes ', which are the same label",
        ),
        (
            QUESTION + '[questions.q1.values]\nYes = "No"\n',
            "questions.q1.values.Yes maps the option 'Yes' to another option, 'No'",
        ),
        (
            '[questions.q1]\ncolumn = "Q1"\noptions = ["Yes", "No"]\n',
            "questions.q1.positive is missing",
        ),
        ("x = " + "[" * 40 + "]" * 40 + "\n" + QUESTION, "nests arrays or tables too deeply"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n" + QUESTION, "nests arrays or tables too deeply"),
        (
            QUESTION + '[groups.area]\ncolumn = "Area"\norder = ["Nrth", "South"]\n',
            "groups.area.order names 'Nrth', which is not a value of the column, and leaves out "
            "'North'. Fix: did you mean \"North\"?",
        ),
        (
            QUESTION + '[groups.area]\ncolumn = "Area"\norder = ["South", "south"]\n',
            "groups.area.order lists 'South' and 'south'",
        ),
    ],
)
def test_spec_values_out_of_range_are_one_line_errors(runner, tmp_path, toml, message):
    spec = tmp_path / "spec.toml"
    spec.write_text(toml)
    err = _error(run(runner, "summarize", YES22, "--spec", spec, "--by", "area"))
    assert message in err, err
    assert err.count("\n") == 1 and ": ." not in err and " .questions" not in err


def test_group_order_may_name_groups_absent_from_this_export(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        QUESTION + '[groups.area]\ncolumn = "Area"\norder = ["South", "East", "North"]\n'
    )
    doc = _rows(runner, YES22, "--spec", spec, "--by", "area")
    assert [r["group"].get("area") for r in doc["rows"]] == [None, "South", "North"]


def test_spec_error_paths_have_no_leading_dot():
    from rapstats.errors import SpecError
    from rapstats.spec import parse_spec

    with pytest.raises(SpecError) as info:
        parse_spec({"questions": {"q2": {"column": "Q2", "options": ["A", "B"]}}})
    assert str(info.value).startswith("questions.q2.positive is missing")


def test_a_deeply_nested_spec_dict_is_a_spec_error_not_recursion():
    from rapstats.errors import SpecError
    from rapstats.spec import parse_spec

    deep: dict = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(SpecError, match="too deeply"):
        parse_spec({"x": deep})
