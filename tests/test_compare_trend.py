"""``rapstats compare`` over a series of waves: every pair, year on year, by group, trend.

Files: tests/data/waves/pulse_*.csv + pulse.toml (four quarterly waves by area; counts in the
folder's README, written by scripts/make_trend_waves.py). Expected values:
tests/data/reference/r/trend.json, made by R 4.2.2 from the same CSV files with
tests/data/reference/r/trend.R (prop.trend.test, prop.test(correct = FALSE), fisher.test,
p.adjust(method = "holm"), Newcombe intervals from R's Wilson limits).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import run

from rapstats.estimate.series import quarter_of, wave_pairs, year_pairs
from rapstats.pipeline import compare_files
from rapstats.stats.trend import trend_test

DATA = Path(__file__).parent / "data" / "waves"
R = json.loads((Path(__file__).parent / "data" / "reference" / "r" / "trend.json").read_text())
WAVES = [DATA / f"{w}.csv" for w in R["waves"]]
SPEC = ("--spec", DATA / "pulse.toml")
DERIVED = ("share_from", "share_to", "base_from", "base_to", "change", "change_low")
DERIVED += ("change_high", "test", "statistic", "p_value", "p_adjusted", "significant")


def compare_json(runner, *extra: str) -> tuple[list[dict], str]:
    result = run(runner, "compare", *WAVES, *SPEC, "--by", "area", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["rows"], result.stderr


def r_changes() -> dict[tuple[str, str, str, str], dict]:
    """R's change rows by (wave_from, wave_to, question, area; "" overall)."""
    return {
        (p["wave_from"], p["wave_to"], r["question"], r["area"]): r
        for p in R["pairs"]
        for r in p["rows"]
    }


def area(row: dict) -> str:
    return row["group"].get("area") or ""


@pytest.mark.parametrize("case", R["prop_trend_test"], ids=lambda c: "_".join(map(str, c["x"])))
def test_trend_test_matches_r_prop_trend_test(case):
    got = trend_test(case["x"], case["n"])
    assert got.statistic == pytest.approx(case["statistic"], rel=1e-9, abs=1e-12)
    assert got.p_value == pytest.approx(case["p_value"], rel=1e-9)
    assert got.df == case["df"]
    if case["prop_test_statistic"] is not None:  # two groups: Pearson's chi-square
        assert got.statistic == pytest.approx(case["prop_test_statistic"], rel=1e-9)


def test_trend_test_is_vectorised_and_missing_where_r_stops():
    cases = R["prop_trend_test"][:2]
    many = trend_test([[15, 10, 8, 0], [0, 0, 0, 0]], [[40, 40, 40, 10], [9, 9, 9, 9]])
    assert np.isnan(many.statistic[1]) and np.isnan(many.p_value[1])  # R: NA/NaN/Inf error
    assert np.isfinite(many.statistic[0])
    rows = trend_test([cases[0]["x"] + [0]], [cases[0]["n"] + [10]])
    assert rows.statistic.shape == (1,)
    with pytest.raises(ValueError, match="0 <= x <= n"):
        trend_test([5, 11], [10, 10])


@pytest.mark.parametrize(
    ("name", "quarter"),
    [
        ("2026Q1", (2026, 1)),
        ("2026 Q1", (2026, 1)),
        ("2026-q1", (2026, 1)),
        ("Q1 2026", (2026, 1)),
        ("q4-2025", (2025, 4)),
        ("pulse_2026Q1", (2026, 1)),
        ("2026_Q3_final", (2026, 3)),
        ("spring 2026", None),
        ("2026Q5", None),
        ("FAQ1 2026", None),
        ("2025Q4 vs 2026Q1", None),
        ("12026Q1", None),
    ],
)
def test_quarter_of_names(name, quarter):
    assert quarter_of(name) == quarter


def test_pairs_and_year_on_year_pairs():
    assert wave_pairs(4, "previous") == [(0, 1), (1, 2), (2, 3)]
    assert wave_pairs(3, "first") == [(0, 1), (0, 2)]
    assert wave_pairs(3, "all") == [(0, 1), (0, 2), (1, 2)]
    names = ["2025Q1", "2025Q2", "2025Q3", "2026Q1", "2026Q2"]
    assert year_pairs(names) == [(0, 3), (1, 4)]
    assert year_pairs(names[:1] + names[3:]) == []  # three waves: no year on year
    assert year_pairs([*names[:4], "latest"]) == []  # one name is not a quarter


def test_changes_by_area_and_year_on_year_match_r(runner):
    rows, stderr = compare_json(runner)
    expected = r_changes()
    changes = [r for r in rows if r["kind"] == "change"]
    pairs = list(
        dict.fromkeys((r["comparison"], r["wave_from"][6:], r["wave_to"][6:]) for r in changes)
    )
    assert pairs == [
        ("previous", "2025Q1", "2025Q2"),
        ("previous", "2025Q2", "2026Q1"),
        ("previous", "2026Q1", "2026Q2"),
        ("year", "2025Q1", "2026Q1"),
        ("year", "2025Q2", "2026Q2"),
    ]
    # East is in 2026Q1 only: no change (and no trend); said on stderr
    assert {area(r) for r in rows} == {"", "North", "South"}
    assert "area = East is only in wave(s) pulse_2026Q1" in stderr
    published = 0
    for r in changes:
        want = expected[(r["wave_from"], r["wave_to"], r["question"], area(r))]
        if r["flag"] == "[c]":
            assert all(r[k] is None for k in DERIVED)
            continue
        published += 1
        assert (r["base_from"], r["base_to"]) == (want["n_from"], want["n_to"])
        assert r["share_from"] == pytest.approx(want["x_from"] / want["n_from"], abs=1e-12)
        assert r["share_to"] == pytest.approx(want["x_to"] / want["n_to"], abs=1e-12)
        for k in ("change", "change_low", "change_high", "p_value", "p_adjusted"):
            assert r[k] == pytest.approx(want[k], abs=1e-9), k
        assert r["test"] == want["test"]
        assert r["statistic"] == (
            None if want["statistic"] is None else pytest.approx(want["statistic"], abs=1e-9)
        )
        assert r["significant"] == (want["p_adjusted"] < 0.05)
    assert published == 19


def test_a_group_cell_withheld_in_one_wave_withholds_its_changes_only(runner):
    """Q2 in South, 2026Q2: 2 Yes (min_count 3) is withheld (and North with it, secondary
    suppression); the headline change stays published."""
    rows, _ = compare_json(runner)
    last = {
        area(r): r
        for r in rows
        if r["kind"] == "change"
        and r["question"] == "q2"
        and r["wave_to"].endswith("2026Q2")
        and r["comparison"] == "previous"
    }
    assert last["South"]["flag"] == "[c]" and last["South"]["change"] is None
    assert last[""]["flag"] is None and last[""]["change"] == pytest.approx(11 / 70 - 14 / 82)


def test_trend_rows_match_r_and_are_withheld_with_any_wave(runner):
    rows, _ = compare_json(runner)
    trend = {(r["question"], area(r)): r for r in rows if r["kind"] == "trend"}
    assert rows[-len(trend) :] == list(trend.values())  # trend rows come last
    expected = {(t["question"], t["area"]): t for t in R["trend"]}
    assert set(trend) == set(expected)
    for key, r in trend.items():
        assert (r["wave_from"], r["wave_to"]) == (R["waves"][0], R["waves"][-1])
        assert r["comparison"] is None and r["change"] is None and r["share_from"] is None
        if key[0] == "q2":  # withheld in 2025Q2
            assert r["flag"] == "[c]" and all(r[k] is None for k in DERIVED)
            continue
        want = expected[key]
        assert r["test"] == "cochran_armitage" and r["flag"] is None
        assert r["statistic"] == pytest.approx(want["statistic"], rel=1e-9)
        assert r["p_value"] == pytest.approx(want["p_value"], rel=1e-9)
        assert r["p_adjusted"] == pytest.approx(want["p_adjusted"], rel=1e-9)


def test_against_all_gives_every_pair_and_keeps_year_on_year(runner):
    rows, _ = compare_json(runner, "--against", "all")
    expected = r_changes()
    kinds = {(r["comparison"], r["wave_from"], r["wave_to"]) for r in rows if r["kind"] == "change"}
    every = {("all", p["wave_from"], p["wave_to"]) for p in R["pairs"]}
    assert len(every) == 6
    assert kinds == every | {
        ("year", R["waves"][0], R["waves"][2]),
        ("year", R["waves"][1], R["waves"][3]),
    }
    for r in rows:
        if r["kind"] == "change" and r["flag"] is None:
            want = expected[(r["wave_from"], r["wave_to"], r["question"], area(r))]
            assert r["p_adjusted"] == pytest.approx(want["p_adjusted"], abs=1e-9)


def test_api_csv_and_text_formats(runner):
    comparison, notes = compare_files(WAVES, DATA / "pulse.toml", by=["area"], against="first")
    assert comparison.by == ("area",) and len(comparison.summaries) == 4
    assert any("East" in n for n in notes)
    first = {r["wave_from"] for r in comparison.changes.records() if r["kind"] == "change"}
    assert first == set(R["waves"][:2])  # against the first, plus year on year from 2025Q2
    result = run(runner, "compare", *WAVES, *SPEC, "--by", "area", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(records[0])[:6] == [
        "kind",
        "comparison",
        "question",
        "option",
        "text",
        "group:area",
    ]
    assert {r["kind"] for r in records} == {"change", "trend"}
    assert "rapstats: note: Trend: a chi-square test for linear trend" in result.stderr
    md = run(runner, "compare", *WAVES, *SPEC, "--by", "area", "--format", "markdown")
    assert "## Trend across waves" in md.stdout and "| year on year |" in md.stdout
    assert "area = North" in md.stdout and "cochran armitage" in md.stdout


def test_no_trend_for_two_waves_and_no_year_on_year_without_quarters(runner):
    result = run(runner, "compare", *WAVES[:2], *SPEC, "--format", "json")
    assert {r["kind"] for r in json.loads(result.stdout)["rows"]} == {"change"}
    named = run(runner, "compare", *WAVES, *SPEC, "--wave-names", "A,B,C,D", "--format", "json")
    comparisons = {r["comparison"] for r in json.loads(named.stdout)["rows"]}
    assert comparisons == {"previous", None}  # None: the trend rows


def test_weighted_trend_uses_design_effective_counts_as_r_survey(runner):
    """R: svymean per wave (weights-only design), n_eff = p(1 - p) / var, then
    prop.trend.test(p * n_eff, n_eff)."""
    spec = ("--spec", DATA / "pulse_weighted.toml", "--by", "area", "--format", "json")
    result = run(runner, "compare", *WAVES, *spec)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    trend = {(r["question"], area(r)): r for r in doc["rows"] if r["kind"] == "trend"}
    checked = 0
    for want in R["weighted_trend"]:
        got = trend[(want["question"], want["area"])]
        if want["question"] == "q2":  # withheld in 2025Q2
            assert got["flag"] == "[c]"
            continue
        assert got["statistic"] == pytest.approx(want["statistic"], rel=1e-7)
        assert got["p_value"] == pytest.approx(want["p_value"], rel=1e-7)
        checked += 1
    assert checked == 3
    assert any("design-effective sample size" in n for n in doc["methods"]["comparison"])
