"""`rapstats ci` and `rapstats samplesize` checked against the reference corpus (R values)."""

from __future__ import annotations

import json

import pytest
from conftest import REFERENCE, run

CASES = {c["id"]: c for c in json.loads((REFERENCE / "proportions.json").read_text())}


def _json(runner, *args):
    result = run(runner, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ci_with_baseline_matches_r(runner):
    doc = _json(runner, "ci", "221", "321", "--baseline", "0.30")
    wilson = CASES["single_ci.r.221of321.wilson.c95"]["expected"]  # R prop.test(correct=FALSE)
    score = CASES["baseline_test.r.221of321_vs_0.3.score_z"]["expected"]  # R prop.test(p=0.3)
    assert [doc["ci_low"], doc["ci_high"]] == pytest.approx(wilson, abs=1e-9)
    assert doc["p_value"] == pytest.approx(score["p_value"], rel=1e-7)
    assert doc["z"] == pytest.approx(score["z"], rel=1e-9)


def test_ci_diff_matches_r(runner):
    doc = _json(runner, "ci", "--diff", "40", "400", "23", "380", "--method", "agresti_caffo")
    expected = CASES["diff_ci.r.recruit_10pc_vs_6pc_counts.40of400_vs_23of380.agresti_caffo.c95"]
    assert [doc["diff_low"], doc["diff_high"]] == pytest.approx(expected["expected"], abs=1e-9)


def test_samplesize_matches_r(runner):
    doc = _json(runner, "samplesize", "--margin", "0.03", "--population", "2600")
    expected = CASES["sample_size.r.moe_0.03_p_0.5.fpc_N2600.c95"]["expected"]
    assert doc["n"] == expected["n"]
    assert doc["n_unrounded"] == pytest.approx(expected["n_unrounded"], rel=1e-9)
    doc = _json(runner, "samplesize", "--p1", "0.3", "--p2", "0.4", "--power", "0.8")
    expected = CASES["sample_size.r.power_prop_0.3_vs_0.4_power_0.8"]["expected"]
    assert doc["n_per_group"] == expected["n_per_group"]


def test_ci_text_output(runner):
    result = run(runner, "ci", "221", "321", "--baseline", "0.30")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "221/321 = 68.8% (95% CI 63.6% to 73.7%, wilson)"
    assert "p < 0.001" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ci", "400", "321"], "x must satisfy 0 <= x <= n"),
        (["ci", "5", "0"], "n must be positive"),
        (["ci", "5", "10", "--confidence", "1.5"], "confidence"),
        (["ci", "5"], "give X N"),
    ],
)
def test_ci_bad_arguments_are_one_line_usage_errors(runner, args, needle):
    result = run(runner, *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert needle in result.stderr
