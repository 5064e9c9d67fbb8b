"""``rapstats report CURRENT --waves EARLIER...``: the change story, built on compare_files.

Files: tests/data/waves/report_*.csv and report.toml (counts in tests/data/waves/README.md).
From 2026 Q2 to 2026 Q3, Q1 is 89/105 -> 84/101 (R's Newcombe interval, case
``diff_ci.r.hiv_trial.84of101_vs_89of105.newcombe.c95``), Q2 48/80 -> 56/70 (Newcombe 1998
example a, ``diff_ci.pub.newcombe1998b_table2.example_a.56of70_vs_48of80.newcombe``), Q3
30/60 -> 3/60 (withheld). The chi-square p-values (no continuity correction, as R
``prop.test(correct = FALSE)``) and their Holm adjustment are computed here from the counts.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import run

from rapstats.pipeline import compare_files, report_data
from rapstats.render.report.findings import p_text, percent, round_half_up
from rapstats.render.report.model import build_model
from rapstats.table import Table

DATA = Path(__file__).parent / "data" / "waves"
REFERENCE = Path(__file__).parent / "data" / "reference" / "proportions.json"
SPEC = DATA / "report.toml"
WAVES = [DATA / f"report_{w}.csv" for w in ("2025q3", "2026q2", "2026q3")]
NAMES = "2025 Q3,2026 Q2,2026 Q3"
# Yes, base of each question, 2026 Q2 then 2026 Q3
COUNTS = {"q1": ((89, 105), (84, 101)), "q2": ((48, 80), (56, 70)), "q3": ((30, 60), (3, 60))}


def reference(case_id: str) -> list[float]:
    return next(r for r in json.loads(REFERENCE.read_text()) if r["id"] == case_id)["expected"]


def chisq_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pearson's chi-square p of a 2x2 table, no continuity correction (1 df)."""
    a, b, c, d = x1, n1 - x1, x2, n2 - x2
    stat = (n1 + n2) * (a * d - b * c) ** 2 / (n1 * n2 * (a + c) * (b + d))
    return math.erfc(math.sqrt(stat / 2))


def holm() -> dict[str, float]:
    """Holm-adjusted p of each question's change from 2026 Q2 to 2026 Q3."""
    p = {q: chisq_p(*before, *now) for q, (before, now) in COUNTS.items()}
    out, running = {}, 0.0
    for rank, q in enumerate(sorted(p, key=p.get)):
        running = max(running, min(1.0, (len(p) - rank) * p[q]))
        out[q] = running
    return out


def points(v: float) -> str:
    r = round_half_up(v * 100)
    return "0" if r == 0 else f"{r:+.0f}"


def report(runner, out: Path, *options: str) -> dict:
    result = run(runner, "-q", "report", WAVES[-1], "--spec", SPEC, "--out", out, *options)
    assert result.exit_code == 0, result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> dict:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("waves") / "report"
    waves = [str(w) for w in WAVES[:-1]]
    return report(CliRunner(), out, "--waves", *waves, "--wave-names", NAMES, "--formats", "md")


def findings(model: dict) -> list[str]:
    return [f for ws in model["workstreams"] for f in ws["findings"]]


def test_a_significant_change_in_gss_wording(model):
    (x1, n1), (x2, n2) = COUNTS["q2"]
    low, high = reference("diff_ci.pub.newcombe1998b_table2.example_a.56of70_vs_48of80.newcombe")
    change = x2 / n2 - x1 / n1
    expected = (
        f"For “Would recommend”, the percentage rose from {percent(x1 / n1)} in 2026 Q2 to "
        f"{percent(x2 / n2)} in 2026 Q3: up {round_half_up(change * 100):.0f} percentage points "
        f"on the previous quarter (95% confidence interval {points(low)} to {points(high)}; "
        f"chi-square test, Holm-adjusted {p_text(holm()['q2'])})."
    )
    assert expected == (
        "For “Would recommend”, the percentage rose from 60% in 2026 Q2 to 80% in 2026 Q3: up "
        "20 percentage points on the previous quarter (95% confidence interval +5 to +33; "
        "chi-square test, Holm-adjusted p = 0.02)."
    )
    assert expected in findings(model)
    assert expected in model["key_findings"]


def test_no_clear_change_when_the_adjusted_test_does_not_support_one(model):
    (x1, n1), (x2, n2) = COUNTS["q1"]
    low, high = reference("diff_ci.r.hiv_trial.84of101_vs_89of105.newcombe.c95")
    expected = (
        f"For “Satisfied”, there was no clear change since 2026 Q2 ({percent(x1 / n1)} then, "
        f"{percent(x2 / n2)} in 2026 Q3; change {points(x2 / n2 - x1 / n1)} percentage points, "
        f"95% confidence interval {points(low)} to {points(high)}; chi-square test, "
        f"Holm-adjusted {p_text(holm()['q1'])})."
    )
    assert expected in findings(model)
    assert not any(expected in k for k in model["key_findings"])


def test_the_change_table_is_signed_with_its_interval_and_adjusted_p(model):
    table = next(t for t in model["tables"] if t["id"].endswith("_change"))
    labels = [c["label"] for c in table["columns"]]
    assert labels[1:5] == [
        "Compared with",
        "Earlier share (%)",
        "2026 Q3 share (%)",
        "Change (percentage points)",
    ]
    assert labels[7:9] == ["p-value (Holm-adjusted)", "Significant after Holm adjustment"]
    rows = {r[0]["t"]: r for r in table["rows"] if r[1]["t"] == "2026 Q2 (previous quarter)"}
    low, high = reference("diff_ci.r.hiv_trial.84of101_vs_89of105.newcombe.c95")
    change = 84 / 101 - 89 / 105
    assert [c["t"] for c in rows["Satisfied"][4:7]] == [
        f"{100 * change:+.1f}",
        f"{100 * low:+.1f}",
        f"{100 * high:+.1f}",
    ]
    assert rows["Satisfied"][7]["v"] == pytest.approx(holm()["q1"], rel=1e-3)
    assert [c["t"] for c in rows["Would recommend"][4:9]] == [
        "+20.0",
        "+5.2",
        "+33.4",
        f"{round_half_up(holm()['q2'], 3):.3f}",
        "Yes",
    ]


def test_withheld_changes_are_never_described(model):
    assert not any("Contacted us" in f for f in findings(model) + model["key_findings"])
    table = next(t for t in model["tables"] if t["id"].endswith("_change"))
    row = next(r for r in table["rows"] if r[0]["t"] == "Contacted us")
    assert [c["t"] for c in row[3:9]] == ["[c]"] * 6  # this wave's share, change, test
    trend = next(c for c in model["charts"] if c["kind"] == "trend")
    contacted = next(s for s in trend["data"]["series"] if s["label"] == "Contacted us")
    assert contacted["points"][-1] == {
        "wave": "2026 Q3",
        "share": None,
        "low": None,
        "high": None,
        "symbol": "[c]",
    }
    assert "Contacted us: 2025 Q3 41.7%" in trend["alt"] and "2026 Q3 withheld [c]" in trend["alt"]


def test_the_trend_chart_shows_every_wave_with_its_interval(model):
    (trend,) = [c for c in model["charts"] if c["kind"] == "trend"]
    assert trend["data"]["waves"] == NAMES.split(",")
    satisfied = trend["data"]["series"][0]
    assert satisfied["label"] == "Satisfied"
    assert [p["share"] for p in satisfied["points"]] == [80.0, 84.8, 83.2]
    assert all(p["low"] < p["share"] < p["high"] for p in satisfied["points"])
    assert trend["alt"].startswith(
        "Line charts, one per question in the Other questions workstream, of the percentage of "
        "respondents giving a positive answer in each of the last 3 waves (2025 Q3 to 2026 Q3)"
    )
    sections = model["workstreams"][0]["sections"]
    assert {"kind": "chart", "chart": trend["id"]} in sections
    assert (Path(model["charts"][-1]["png"]).name) == f"{trend['id']}.png"


def test_waves_repeated_or_listed_and_previous_are_one_option(runner, tmp_path, model):
    listed = report(runner, tmp_path / "a", "--waves", WAVES[1], "--formats", "md")
    repeated = report(runner, tmp_path / "b", "--previous", WAVES[1], "--formats", "md")
    for m in (listed, repeated):
        m["manifest"] = None
    assert listed == repeated
    twice = ("--waves", WAVES[0], "--waves", WAVES[1], "--wave-names", NAMES, "--formats", "md")
    again = report(runner, tmp_path / "c", *twice)
    assert again["tables"] == model["tables"] and again["charts"] == model["charts"]


def test_bad_wave_options(runner, tmp_path):
    out = ("--spec", SPEC, "--out", tmp_path / "out")
    both = run(runner, "report", WAVES[-1], *out, "--previous", WAVES[0], "--waves", WAVES[1])
    assert both.exit_code == 2 and "--waves or --previous, not both" in both.stderr
    alone = run(runner, "report", WAVES[-1], *out, "--wave-names", "a,b")
    assert alone.exit_code == 2 and "--wave-names needs --waves" in alone.stderr
    short = run(runner, "report", WAVES[-1], *out, "--waves", WAVES[0], "--wave-names", "a")
    assert short.exit_code == 1 and short.stderr.startswith("Error: 1 wave names for 2 exports")
    assert not (tmp_path / "out").exists()


def not_asked(oldest, how: str):
    """The oldest wave's summary without Q1: its rows dropped, or flagged [z] with no share."""
    t = oldest.table
    q1 = t["question"] == "q1"
    if how == "dropped":
        return dataclasses.replace(oldest, table=t.take(np.flatnonzero(~q1)))
    symbol = np.where(q1, "[z]", t["symbol"]).astype(object)
    symbol[symbol == None] = None  # noqa: E711 (numpy's elementwise comparison)
    share = np.where(q1, np.nan, t["share"].astype(float))
    return dataclasses.replace(oldest, table=t.assign({"symbol": symbol, "share": share}))


@pytest.mark.parametrize("how", ["dropped", "flagged"])
def test_a_question_added_since_an_earlier_wave_is_not_asked_there(how):
    """A question absent from a wave (no row in its summary, or a row flagged [z]; no change
    row, or one flagged [z]) is "not asked" there: the report says so and does not fail."""
    data = report_data(WAVES[-1], spec=SPEC, waves=WAVES[:-1], wave_names=NAMES.split(","))
    c = data.comparison
    # The year-on-year rows (comparison "year", the schema compare_files gives them in),
    # here from the first wave, which did not ask Q1: its rows are dropped there.
    first, _ = compare_files([WAVES[0], WAVES[-1]], SPEC, wave_names=["2025 Q3", "2026 Q3"])
    year = first.changes
    year = year.take(np.flatnonzero(year["question"] != "q1"))
    year = year.assign({"comparison": np.array(["year"] * len(year), dtype=object)})
    changes = Table({k: np.concatenate([c.changes[k], year[k]]) for k in c.changes.columns})
    oldest = not_asked(c.summaries[0], how)
    m = build_model(data.main, waves=c.waves, earlier=(oldest, c.summaries[1]), changes=changes)
    said = [f for ws in m["workstreams"] for f in ws["findings"]]
    assert "“Satisfied” was not asked in 2025 Q3: there is no change since then to report." in said
    table = next(t for t in m["tables"] if t["id"].endswith("_change"))
    assert table["title"].endswith("change since the previous quarter and on a year earlier")
    row = next(r for r in table["rows"] if r[0]["t"] == "Satisfied" and "year" in r[1]["t"])
    assert [cell["t"] for cell in row[1:]] == [
        "2025 Q3 (a year earlier)",
        "[z]",
        "83.2",
        *["[z]"] * 5,
        "[z] not asked in 2025 Q3",
    ]
    # Q2 a year on: 45/80 -> 56/70, described as a change on a year earlier.
    assert any(
        f.startswith("For “Would recommend”, the percentage rose from 56% in 2025 Q3 to 80% in ")
        and "on a year earlier" in f
        for f in said
    )
    trend = next(ch for ch in m["charts"] if ch["kind"] == "trend")
    assert trend["data"]["series"][0]["points"][0]["symbol"] == "[z]"
    assert "Satisfied: 2025 Q3 not asked [z]" in trend["alt"]
