"""End-to-end tests of `rapstats summarize` and `rapstats freq` on the bundled sample.

Expected values are computed here, independently of rapstats, from the raw CSV with the
standard library: counts with `csv`, the Wilson interval and the score test from their
published formulas (Wilson 1927; Newcombe 1998 method 3; R prop.test(correct=FALSE)).
"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from statistics import NormalDist

import pytest
from conftest import ROOT, SAMPLE_CSV, SAMPLE_SPEC, run

CONFIDENT = (
    "How confident are you that the Police Race Action Plan is improving policing for Black "
    "and ethnic minority people?"
)


def _fold(s: str) -> str:
    return " ".join(s.replace("\u2019", "'").casefold().split())


def _raw_counts(column: str, positive: set[str], excluded: set[str], area: str | None = None):
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if area is not None:
        rows = [r for r in rows if r["Area"] == area]
    answers = [_fold(r[column]) for r in rows]
    base = [a for a in answers if a and a not in excluded]
    return sum(a in positive for a in base), len(base)


def _wilson(x: int, n: int, conf: float = 0.95) -> tuple[float, float]:
    z = NormalDist().inv_cdf(1 - (1 - conf) / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _score_p(x: int, n: int, p0: float) -> float:
    z = (x / n - p0) / math.sqrt(p0 * (1 - p0) / n)
    return math.erfc(abs(z) / math.sqrt(2))


def _json(runner, *args):
    result = run(runner, "summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--format", "json", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def test_share_interval_and_baseline_test_match_independent_computation(runner):
    doc = _json(runner)
    x, n = _raw_counts(CONFIDENT, {"very confident", "fairly confident"}, {"don't know"})
    row = next(r for r in doc["rows"] if r["question"] == "confident" and r["group"] == {})
    assert (row["positive"], row["base"]) == (x, n)
    assert row["share"] == pytest.approx(x / n, abs=1e-12)
    low, high = _wilson(x, n)
    assert row["ci_low"] == pytest.approx(low, abs=1e-12)
    assert row["ci_high"] == pytest.approx(high, abs=1e-12)
    assert row["baseline"] == 0.30
    assert row["diff"] == pytest.approx(x / n - 0.30, abs=1e-12)
    assert row["test"] == "score_z"
    assert row["p_value"] == pytest.approx(_score_p(x, n, 0.30), rel=1e-9, abs=1e-300)
    assert row["flag"] is None


def test_json_metadata_schema(runner):
    doc = _json(runner)
    assert set(doc) >= {"rapstats_version", "input", "spec", "methods", "rows"}
    assert doc["input"]["rows_read"] == 321
    assert len(doc["input"]["sha256"]) == 64
    assert doc["methods"]["interval"] == "wilson"
    assert doc["methods"]["confidence"] == 0.95
    required = {
        "question", "text", "workstream", "group", "base", "positive", "share", "ci_low",
        "ci_high", "baseline", "diff", "p_value", "flag",
    }  # fmt: skip
    assert all(required <= set(r) for r in doc["rows"])
    assert {r["workstream"] for r in doc["rows"]} == {
        "Represented",
        "Respected",
        "Involved",
        "Protected",
    }


def test_by_area_matches_raw_counts_and_csv_has_group_columns(runner):
    result = run(
        runner, "summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area", "--format", "csv"
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert "group:area" in rows[0] and "area" not in rows[0]
    x, n = _raw_counts(
        CONFIDENT, {"very confident", "fairly confident"}, {"don't know"}, area="North"
    )
    north = next(r for r in rows if r["question"] == "confident" and r["group:area"] == "North")
    assert (int(north["positive"]), int(north["base"])) == (x, n)
    low, _ = _wilson(x, n)
    assert float(north["ci_low"]) == pytest.approx(low, abs=1e-12)


def test_multi_select_share_of_respondents_who_answered(runner):
    doc = _json(runner)
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as f:
        cells = [r["How did you hear about this event?"] for r in csv.DictReader(f)]
    answered = [c for c in cells if c.strip()]
    x = sum("Faith group, mosque, church or temple" in c for c in answered)
    row = next(
        r
        for r in doc["rows"]
        if r["question"] == "heard" and r["option"].startswith("Faith") and r["group"] == {}
    )
    assert (row["positive"], row["base"]) == (x, len(answered))


def test_table_and_markdown_have_methods_note(runner):
    for fmt in ("table", "markdown"):
        result = run(runner, "summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert "Wilson score interval" in result.stdout
        assert "95%" in result.stdout
        assert "National Race Action Plan public survey 2026" in result.stdout


def test_freq_lists_every_answer_including_excluded_and_blank(runner):
    result = run(
        runner,
        "freq",
        SAMPLE_CSV,
        "--spec",
        SAMPLE_SPEC,
        "--format",
        "json",
        "--unsafe-no-suppression",
    )
    assert result.exit_code == 0, result.stderr
    rows = [r for r in json.loads(result.stdout)["rows"] if r["question"] == "confident"]
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as f:
        answers = [_fold(r[CONFIDENT]) for r in csv.DictReader(f)]
    by_answer = {r["answer"]: r for r in rows}
    assert by_answer["Don't know"]["count"] == answers.count("don't know")
    assert by_answer["Don't know"]["in_base"] is False
    assert by_answer["(blank)"]["count"] == answers.count("")
    assert by_answer["Very confident"]["count"] == answers.count("very confident")
    assert sum(r["count"] for r in rows) == 321


def test_output_file_is_written_and_confidence_option_applies(runner, tmp_path):
    out = tmp_path / "summary.json"
    result = run(
        runner,
        "summarize",
        SAMPLE_CSV,
        "--spec",
        SAMPLE_SPEC,
        "--format",
        "json",
        "--confidence",
        "0.9",
        "--output",
        out,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    doc = json.loads(out.read_text(encoding="utf-8"))
    row = next(r for r in doc["rows"] if r["question"] == "confident")
    low, high = _wilson(row["positive"], row["base"], 0.9)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-12)


def test_same_inputs_give_identical_bytes():
    """Across processes with different string hashing, so no set or dict order can leak."""
    args = ["summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area", "--by", "ethnicity"]
    outputs = [
        subprocess.run(
            [sys.executable, "-m", "rapstats", *map(str, args), "--format", "json"],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1] and b'"confident"' in outputs[0]


def test_help_runs_for_every_command(runner):
    from rapstats.cli import cli

    for name in [None, *cli.commands]:
        args = ["--help"] if name is None else [name, "--help"]
        result = run(runner, *args)
        assert result.exit_code == 0, (name, result.output)
        assert "Example" in result.output


def test_importing_the_cli_does_not_import_pandas():
    code = "import sys, rapstats.cli; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_summarize_with_a_spec_runs_without_pandas_or_scipy(fmt):
    """The common path (CSV export, spec, any format) never imports pandas nor scipy: their
    import alone costs more than the whole summary of a small export."""
    code = (
        "import sys\n"
        "from rapstats.cli import cli\n"
        f"args = ['-q', 'summarize', {str(SAMPLE_CSV)!r}, '--spec', {str(SAMPLE_SPEC)!r},"
        f" '--by', 'area', '--by', 'quarter', '--format', {fmt!r}]\n"
        "try:\n    cli.main(args)\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print('pandas' in sys.modules, 'scipy' in sys.modules, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.split() == ["False", "False"]
    assert "confident" in out.stdout


def test_console_script_runs_on_sample():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "rapstats",
            "summarize",
            str(SAMPLE_CSV),
            "--spec",
            str(SAMPLE_SPEC),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert "confident" in out.stdout
