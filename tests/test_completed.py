"""Completed responses only: ``[survey] include`` and ``--completed-only`` (issue 15.3).

tests/data/other/qualtrics_finished.csv (choice text, Finished True/False) and
qualtrics_finished_values.csv (numeric values, Finished 1/0) hold the same staff survey:
completed responses, unfinished ones and survey previews. The true counts among all responses
and among completed ones are the generator's records (scripts/make_other_fixtures.py,
tests/data/other/expected.json).
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run

from rapstats.pipeline import ReadOptions, summarize_file

OTHER = ROOT / "tests" / "data" / "other"
DATA = ROOT / "tests" / "data"
EXPECTED = json.loads((OTHER / "expected.json").read_text(encoding="utf-8"))
FINISHED = ["qualtrics_finished.csv", "qualtrics_finished_values.csv"]
SPEC = OTHER / "qualtrics_finished.toml"
INCLUDE = OTHER / "qualtrics_finished_include.toml"
RULE = "Finished is True or 1"


def _summary(runner, name, *options):
    out = run(runner, "summarize", OTHER / name, "--format", "json", *options)
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout), out.stderr


@pytest.mark.parametrize("name", FINISHED)
@pytest.mark.parametrize(
    "options", [("--spec", SPEC, "--completed-only"), ("--spec", INCLUDE)], ids=["flag", "spec"]
)
def test_only_completed_responses_are_counted(runner, name, options):
    expected = EXPECTED[name]
    doc, stderr = _summary(runner, name, *options)
    row = doc["rows"][0]
    done = expected["counts_completed"]
    assert (row["base"], row["positive"]) == (done["Yes"] + done["No"], done["Yes"])
    assert doc["input"]["rows_read"] == expected["rows_read"]
    column = "Finished"
    assert doc["input"]["included"] == {
        "rule": {column: ["True", "1"]},
        "rows_counted": expected["completed"],
        "rows_left_out": expected["left_out"],
    }
    assert doc["spec"]["survey"]["include"] == {"Finished": ["True", "1"]}
    sentence = (
        f"Only responses where {RULE} are counted ([survey] include): {expected['completed']} "
        f"of {expected['rows_read']} responses read; {expected['left_out']} left out."
    )
    assert sentence in doc["methods"]["notes"]
    note = f"left out {expected['left_out']} of {expected['rows_read']} responses by [survey]"
    assert note in stderr


@pytest.mark.parametrize("name", FINISHED)
def test_without_the_filter_unfinished_responses_are_kept_and_said(runner, name):
    expected = EXPECTED[name]
    doc, stderr = _summary(runner, name, "--spec", SPEC)
    every = expected["counts_all"]
    row = doc["rows"][0]
    assert (row["base"], row["positive"]) == (every["Yes"] + every["No"], every["Yes"])
    assert "included" not in doc["input"]
    assert f"kept {expected['left_out']} unfinished (partial) response(s); --completed-only" in (
        stderr
    )


def test_freq_and_the_inferred_spec_take_the_flag(runner):
    expected = EXPECTED["qualtrics_finished.csv"]
    path = OTHER / "qualtrics_finished.csv"
    out = run(runner, "freq", path, "--completed-only", "--format", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["rows"]
    counts = {r["answer"]: r["count"] for r in rows if r["question"] == "Q1"}
    assert {k: counts[k] for k in ("Yes", "No")} == expected["counts_completed"]


def test_compare_counts_completed_responses_of_each_wave(runner):
    done = EXPECTED["qualtrics_finished.csv"]["counts_completed"]
    out = run(
        runner,
        "compare",
        *(OTHER / n for n in FINISHED),
        "--spec",
        SPEC,
        "--completed-only",
        "--format",
        "json",
    )
    assert out.exit_code == 0, out.output
    row = json.loads(out.stdout)["rows"][0]
    assert row["base_from"] == row["base_to"] == done["Yes"] + done["No"]
    assert row["share_from"] == pytest.approx(done["Yes"] / (done["Yes"] + done["No"]))


def test_report_states_the_filter(runner, tmp_path):
    expected = EXPECTED["qualtrics_finished.csv"]
    out = run(
        runner,
        "report",
        OTHER / "qualtrics_finished.csv",
        "--spec",
        SPEC,
        "--completed-only",
        "--formats",
        "md",
        "--out",
        tmp_path / "rep",
    )
    assert out.exit_code == 0, out.output
    text = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert f"{expected['completed']} of {expected['rows_read']} responses read" in text
    manifest = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))
    assert manifest["manifest"]["options"]["completed_only"] is True


def test_init_writes_the_completion_rule(runner):
    out = run(runner, "init", OTHER / "qualtrics_finished.csv", "--completed-only")
    assert out.exit_code == 0, out.output
    assert 'include = { Finished = ["True", "1"] }' in out.stdout


def test_api_read_options():
    summary, notes = summarize_file(
        OTHER / "qualtrics_finished.csv", SPEC, read=ReadOptions(completed_only=True)
    )
    expected = EXPECTED["qualtrics_finished.csv"]
    assert summary.source["included"]["rows_left_out"] == expected["left_out"]
    assert any(n.startswith(f"left out {expected['left_out']} of") for n in notes)


@pytest.mark.parametrize(
    ("name", "platform"),
    [("msforms.xlsx", "Microsoft Forms"), ("googleforms.csv", "Google Forms")],
)
def test_forms_hold_only_completed_responses_and_say_so(runner, name, platform):
    out = run(runner, "summarize", DATA / name, "--completed-only", "--format", "json")
    assert out.exit_code == 0, out.output
    assert f"{platform} exports hold only completed responses" in out.stderr
    assert "included" not in json.loads(out.stdout)["input"]


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("surveymonkey.csv", "a SurveyMonkey"),
        ("handmade_cp1252.csv", "a plain (hand-made)"),
        ("survey.sav", "an SPSS"),
    ],
)
def test_an_export_without_a_completion_column_is_one_line_naming_the_fix(runner, name, platform):
    out = run(runner, "freq", DATA / name, "--completed-only")
    assert out.exit_code == 1
    lines = out.output.strip().splitlines()
    assert len(lines) == 1
    assert f"--completed-only: {platform} export has no column saying whether" in lines[0]
    assert "[survey] include" in lines[0]


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ('{ Done = ["yes"] }', 'the spec names column "Done" ([survey] include)'),
        ('{ Finished = ["maybe"] }', 'no response has "Finished" is maybe ([survey] include)'),
    ],
)
def test_a_bad_include_is_one_line(runner, tmp_path, include, message):
    spec = tmp_path / "spec.toml"
    spec.write_text(f"[survey]\ninclude = {include}\n\n" + SPEC.read_text(), encoding="utf-8")
    out = run(runner, "summarize", OTHER / "qualtrics_finished.csv", "--spec", spec)
    assert out.exit_code == 1
    assert len(out.output.strip().splitlines()) == 1
    assert message in out.output
