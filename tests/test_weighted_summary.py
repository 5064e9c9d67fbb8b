"""Weighted summarize, end to end, against R `survey` (weights-only designs, reference corpus).

The export is the apistrat / apiclus1 school sample shipped with R survey, with its Yes/No
columns as questions and `pw` as the weight column; expected values are R's
`svyciprop(~y, svydesign(ids=~1, weights=~pw, data=...), method=m)`.
"""

from __future__ import annotations

import csv
import json

import pytest
from conftest import REFERENCE, run

CASES = {c["id"]: c for c in json.loads((REFERENCE / "proportions.json").read_text())}
SPEC = """
[survey]
weight = "pw"

[defaults]
weighted_method = "{method}"

[questions.sch_wide]
column = "sch.wide"
options = ["Yes", "No"]
positive = ["Yes"]

[questions.awards]
column = "awards"
options = ["Yes", "No"]
positive = ["Yes"]
"""


def _summary(runner, tmp_path, dataset: str, method: str) -> dict:
    with (REFERENCE / "data" / f"{dataset}.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    export = tmp_path / f"{dataset}.csv"
    with export.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sch.wide", "awards", "pw", "stype"])
        writer.writerows([r["sch.wide"], r["awards"], r["pw"], r["stype"]] for r in rows)
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(method=method), encoding="utf-8")
    result = run(
        runner, "summarize", export, "--spec", spec, "--format", "json", "--unsafe-no-suppression"
    )
    assert result.exit_code == 0, result.output
    return {r["question"]: r for r in json.loads(result.stdout)["rows"] if r["group"] == {}}


@pytest.mark.parametrize(
    "case_id",
    [
        "weighted_prop.r.weights_only_strat.sch_wide_yes.all.logit",
        "weighted_prop.r.weights_only_strat.awards_yes.all.likelihood",
        "weighted_prop.r.weights_only_strat.awards_yes.all.beta",
        "weighted_prop.r.weights_only_strat.awards_yes.all.mean",
        "weighted_prop.r.weights_only_clus1.sch_wide_yes.all.logit",
        "weighted_prop.r.weights_only_clus1.awards_yes.all.xlogit",
    ],
)
def test_weighted_share_and_interval_match_r(runner, tmp_path, case_id):
    case = CASES[case_id]
    inputs, expected = case["inputs"], case["expected"]
    rows = _summary(runner, tmp_path, inputs["dataset"], inputs["method"])
    row = rows["sch_wide" if inputs["outcome"] == "sch_wide_yes" else "awards"]
    tol = max(case["tolerance"].get("abs", 0), 1e-12)
    rel = case["tolerance"].get("rel", 0)
    assert row["share"] == pytest.approx(expected["estimate"], abs=tol, rel=rel)
    assert [row["ci_low"], row["ci_high"]] == pytest.approx(expected["ci"], abs=tol, rel=rel)
    # Effective n is the design-based one: p(1-p)/SE^2 with R's SE.
    p, se = expected["estimate"], expected["se"]
    assert row["effective_n"] == pytest.approx(p * (1 - p) / se**2, rel=1e-6)


def test_one_response_is_a_one_line_error(runner, tmp_path):
    """A weighted variance divides by n - 1: an export of one response has no interval; the
    error says so, with the fix, not a traceback."""
    export = tmp_path / "one.csv"
    export.write_text("sch.wide,awards,pw\nYes,No,1.5\n", encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(method="logit"), encoding="utf-8")
    result = run(runner, "summarize", export, "--spec", spec)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.strip().splitlines() == [
        f"Error: {export}: a weighted estimate needs at least 2 responses (its variance divides"
        " by n - 1); the export has 1. Fix: leave out [survey] weight to publish the unweighted"
        " counts."
    ]
