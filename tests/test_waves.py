"""Change since the previous wave: estimated in rapstats.estimate, protected in rapstats.protect,
only formatted by the report.

Files: tests/data/waves/ (see its README). Expected interval: R's Newcombe hybrid score
interval for 84/101 vs 89/105 (case ``diff_ci.r.hiv_trial.84of101_vs_89of105.newcombe.c95`` of
tests/data/reference/proportions.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rapstats.cli import cli
from rapstats.estimate.summary import summarize
from rapstats.estimate.waves import compare_waves
from rapstats.io import load_export
from rapstats.protect import protect, protect_changes
from rapstats.spec import load_spec

DATA = Path(__file__).parent / "data" / "waves"
REFERENCE = Path(__file__).parent / "data" / "reference" / "proportions.json"
CASE = "diff_ci.r.hiv_trial.84of101_vs_89of105.newcombe.c95"


def expected() -> tuple[float, float]:
    case = next(r for r in json.loads(REFERENCE.read_text()) if r["id"] == CASE)
    assert case["inputs"] == {
        "confidence": 0.95,
        "method": "newcombe",
        "n1": 101,
        "n2": 105,
        "x1": 84,
        "x2": 89,
    }
    return tuple(case["expected"])


def summaries():
    spec = load_spec(DATA / "waves.toml")
    now = summarize(load_export(DATA / "wave2.csv"), spec)
    before = summarize(load_export(DATA / "wave1.csv"), spec)
    return now, before


def test_change_matches_r_and_is_withheld_where_a_wave_is():
    now, before = summaries()
    changes = compare_waves(now, before, confidence=0.95)
    q1 = next(r for r in changes.records() if r["question"] == "q1")
    low, high = expected()
    assert q1["change"] == pytest.approx(84 / 101 - 89 / 105, abs=1e-12)
    assert (q1["change_low"], q1["change_high"]) == pytest.approx((low, high), abs=1e-9)
    protected = protect_changes(changes, protect(now), protect(before))
    records = {r["question"]: r for r in protected.records()}
    assert records["q1"]["symbol"] is None and records["q1"]["change"] == q1["change"]
    # 5 Yes in the previous wave is below min_count: no change can be published for q2
    q2 = records["q2"]
    assert q2["symbol"] == "[c]"
    assert q2["change"] != q2["change"] and q2["change_low"] != q2["change_low"]


def test_report_previous_shows_the_protected_change(tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(
        cli,
        [
            "-q",
            "report",
            str(DATA / "wave2.csv"),
            "--spec",
            str(DATA / "waves.toml"),
            "--previous",
            str(DATA / "wave1.csv"),
            "--out",
            str(out),
            "--formats",
            "md",
        ],
    )
    assert result.exit_code == 0, result.output
    model = json.loads((out / "report.json").read_text())
    table = next(t for t in model["tables"] if t["id"].endswith("_change"))
    rows = {r[0]["t"]: [c["t"] for c in r] for r in table["rows"]}
    low, high = expected()
    change = 100 * (84 / 101 - 89 / 105)
    assert rows["Satisfied"][4:7] == [f"{change:+.1f}", f"{100 * low:+.1f}", f"{100 * high:+.1f}"]
    assert rows["Contacted us"][4:7] == ["[c]", "[c]", "[c]"]
