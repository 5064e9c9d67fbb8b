"""The report's layout from the spec's [report]: section order, breakdowns per workstream, the
groups left out and why; and the charts' geometry (neutral answers centred, multi-select
questions on their own axis).

Data: tests/data/layout/layout.csv (scripts/make_layout_fixture.py states its counts) with the
specs beside it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rapstats.errors import SpecError
from rapstats.pipeline import MAX_GROUP_LEVELS, build_report, report_data
from rapstats.render.report.charts import figure
from rapstats.render.report.model.answers import neutral_answer
from rapstats.spec import load_spec, parse_spec, spec_to_toml
from tests.conftest import run

DATA = Path(__file__).parent / "data" / "layout"
EXPORT = DATA / "layout.csv"
SITE_NOTE = (
    f"not broken down by site: it has 22 values, more than the {MAX_GROUP_LEVELS} a report "
    "breaks down by unless the group is named in the spec's [report] breakdowns or with --by"
)
POSTCODE_NOTE = "not broken down by postcode: it is marked personal (personal = true)"


def _model(spec: str, **options):
    return build_report(EXPORT, spec=DATA / spec, **options)


def _breakdowns(model) -> dict[str, list[str]]:
    """Workstream name -> the groups its breakdown tables are by, from the table ids."""
    return {
        ws["name"]: [
            s["table"].split("_by_", 1)[1] for s in ws["sections"] if "_by_" in s.get("table", "")
        ]
        for ws in model["workstreams"]
    }


def _chart(model, chart_id: str):
    (chart,) = [c for c in model["charts"] if c["id"] == chart_id]
    return chart


def test_workstreams_set_the_order_of_the_sections_then_spec_order():
    model = _model("layout.toml")
    assert [ws["name"] for ws in model["workstreams"]] == ["Gamma", "Alpha", "Beta"]


def test_breakdowns_per_workstream_and_the_groups_left_out(runner, tmp_path):
    model = _model("layout.toml")
    # Beta = [] in [report.breakdowns_by_workstream]; the others by every group that suits
    assert _breakdowns(model) == {"Gamma": ["area"], "Alpha": ["area"], "Beta": []}
    # one numbered note (every format's notes), cited by the breakdown tables
    (note,) = [n for n in model["notes"] if n["text"].startswith("Not broken down")]
    assert note["text"].startswith("N" + SITE_NOTE[1:] + ". N" + POSTCODE_NOTE[1:])
    cited = [t for t in model["tables"] if f"[note {note['number']}]" in t["notes"]]
    assert [t["id"] for t in cited] == ["ws1_by_area", "ws2_by_area"]

    out = tmp_path / "r"
    result = run(runner, "report", EXPORT, "--spec", DATA / "layout.toml", "--out", out)
    assert result.exit_code == 0, result.output
    notes = result.stderr.splitlines()
    assert f"rapstats: {SITE_NOTE}" in notes
    assert any(line.startswith(f"rapstats: {POSTCODE_NOTE}") for line in notes)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "N" + SITE_NOTE[1:] + "." in md
    workbook = load_workbook(out / "report.xlsx")
    cells = [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert any("N" + SITE_NOTE[1:] + "." in c for c in cells)
    assert md.index("## Gamma") < md.index("## Alpha") < md.index("## Beta")
    assert "Beta: percentage giving a positive answer, by area" not in md


def test_groups_named_in_the_spec_are_broken_down_and_left_out_of_no_note(runner, tmp_path):
    # breakdowns = ["area"] for all, Alpha = ["site"] (22 values: named, so kept)
    data = report_data(EXPORT, spec=DATA / "layout_named.toml")
    assert data.notes == ()
    assert _breakdowns(data.model()) == {"Alpha": ["site"], "Beta": ["area"], "Gamma": ["area"]}
    out = tmp_path / "r"
    result = run(runner, "report", EXPORT, "--spec", DATA / "layout_named.toml", "--out", out)
    assert result.exit_code == 0, result.output
    assert "not broken down" not in result.stderr


def test_by_breaks_every_workstream_down_by_its_groups():
    model = _model("layout.toml", by=("site",))
    assert _breakdowns(model) == {"Gamma": ["site"], "Alpha": ["site"], "Beta": ["site"]}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "bad_workstream.toml",
            "bad_workstream.toml: report.workstreams names 'Delta', which is not a workstream "
            "of the spec. Fix: use the questions' workstreams: Alpha, Beta, Gamma.",
        ),
        (
            "bad_breakdowns.toml",
            "bad_breakdowns.toml: report.breakdowns names 'region', which is not a group of "
            "the spec. Fix: use the spec's groups: area, site, postcode.",
        ),
        (
            "bad_by_workstream.toml",
            "bad_by_workstream.toml: report.breakdowns_by_workstream.Delta names 'Delta', which "
            "is not a workstream of the spec. Fix: use the questions' workstreams: Alpha, Beta, "
            "Gamma.",
        ),
    ],
)
def test_unknown_names_in_report_are_one_line_spec_errors(runner, tmp_path, spec, message):
    result = run(runner, "report", EXPORT, "--spec", DATA / spec, "--out", tmp_path / "r")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {DATA / message}\n"  # the spec's path as given
    with pytest.raises(SpecError, match="which is not a"):
        load_spec(DATA / spec)


def test_report_layout_round_trips_through_the_toml_writer():
    for name in ("layout.toml", "layout_named.toml"):
        spec = load_spec(DATA / name)
        assert parse_spec(tomllib.loads(spec_to_toml(spec))) == spec


def _extents(chart, y_from_top: int) -> set[tuple[float, float]]:
    """The (left, right) extents in % of one bar's segments, as matplotlib drew them."""
    import matplotlib.pyplot as plt

    fig = figure(chart)
    try:
        (ax,) = fig.axes
        y = len(chart["data"]["items"]) - 1 - y_from_top
        return {
            (round(r.get_x(), 6), round(r.get_x() + r.get_width(), 6))
            for container in ax.containers
            for r in container
            if abs(r.get_y() + r.get_height() / 2 - y) < 1e-9
        }
    finally:
        plt.close(fig)


def test_likert_bars_centre_the_neutral_answer_on_zero():
    chart = _chart(_model("layout.toml"), "ws2-answers")  # Alpha: q1, agree scale
    # Of the base of 50: SA 20%, A 40%, Neither 20%, D 10%, SD 10% (layout.csv's counts):
    # the neutral answer straddles zero, positives to the right of it, negatives to the left.
    assert _extents(chart, 0) == {(-10, 10), (10, 50), (50, 70), (-20, -10), (-30, -20)}
    alt = chart["alt"]
    assert "Neither agree nor disagree 20.0% (centred)" in alt
    assert "Agree 40.0% (right)" in alt and "Strongly disagree 10.0% (left)" in alt
    assert "a neutral answer is centred on the zero line" in alt


def test_likert_bars_without_a_neutral_answer_start_at_zero():
    chart = _chart(_model("layout.toml"), "ws3-answers")  # Beta: q2, four-point scale
    # Very 30%, Fairly 30% right of zero; Not very 20%, Not at all 20% left of it.
    assert _extents(chart, 0) == {(0, 30), (30, 60), (-20, 0), (-40, -20)}
    assert "(centred)" not in chart["alt"] and "neutral" not in chart["alt"]


def test_neutral_answer_only_on_a_balanced_scale():
    spec = load_spec(DATA / "layout.toml")
    assert neutral_answer(spec.question("q1")) == "Neither agree nor disagree"
    assert neutral_answer(spec.question("q2")) is None  # four points: no middle
    assert neutral_answer(spec.question("q3")) is None  # multi-select: no positive answers


def test_multi_select_questions_get_their_own_axis_not_a_positive_answer_one():
    import matplotlib.pyplot as plt

    model = _model("layout.toml")
    gamma = model["workstreams"][0]
    # Gamma has only the multi-select q3: no "positive answer" chart, one chart of options
    assert [s["chart"] for s in gamma["sections"] if s["kind"] == "chart"] == ["ws1-q3-options"]
    chart = _chart(model, "ws1-q3-options")
    assert chart["title"] == "Chose: percentage choosing each option"
    fig = figure(chart)
    try:
        (ax,) = fig.axes
        assert ax.get_xlabel() == "Percentage of respondents choosing each option (%)"
        dots = [line.get_xdata()[0] for line in ax.lines if line.get_marker() == "o"]
        assert [float(x) for x in dots] == [60.0, 40.0, 20.0]  # A, B, C of 50 who answered
        ticks = zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True)
        assert [label for _, label in sorted(ticks, reverse=True)] == ["A", "B", "C"]  # top down
    finally:
        plt.close(fig)
    assert chart["alt"].startswith(
        "Dot chart of the percentage of respondents who answered the multi-select question "
        "“Chose” choosing each of its 3 options (they could choose more than one)"
    )
    assert "A: 60.0%" in chart["alt"] and "C: 20.0%" in chart["alt"]
    titles = [t["title"] for t in model["tables"] if t["id"].startswith("ws1_")]
    assert titles == [  # Table 1 is who responded
        "Table 2: Gamma: percentage choosing each option, by question",
        "Table 3: Gamma: percentage choosing each option, by area",
    ]
    for other in model["charts"]:
        if other["kind"] == "shares" and other is not chart:
            labels = [it["label"] for it in other["data"]["items"]]
            assert not any(label.startswith("Chose") for label in labels)


def test_sample_multi_select_question_is_not_on_the_positive_answer_chart():
    root = Path(__file__).parents[1] / "data" / "sample"
    model = build_report(root / "feedback.csv", spec=root / "feedback.toml")
    positive = [c for c in model["charts"] if c["id"].endswith("-shares")]
    assert positive and all("How people heard" not in c["alt"] for c in positive)
    assert [c["id"] for c in model["charts"] if c["id"].endswith("-options")] == [
        "ws3-heard-options"
    ]


def test_build_model_without_a_layout_follows_the_spec():
    from rapstats.render.report.model import build_model

    data = report_data(EXPORT, spec=DATA / "layout.toml")
    model = build_model(data.main, breakdowns=data.breakdowns)  # no layout given
    assert _breakdowns(model) == {"Gamma": ["area"], "Alpha": ["area"], "Beta": []}
    assert [ws["name"] for ws in model["workstreams"]] == ["Gamma", "Alpha", "Beta"]
