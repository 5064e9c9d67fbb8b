"""``rapstats check``: the dry run before a batch (pipeline, render and cli ``check.py``).

The broken export and its specs are hand-made (tests/data/check/README.md states their
counts); the Qualtrics counts are the generator's own records (fixtures_expected.json).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SAMPLE_CSV, SAMPLE_SPEC, run

from rapstats.pipeline import CheckReport, ReadOptions, check_file
from rapstats.spec import load_spec

DATA = Path(__file__).parent / "data"
CHECK = DATA / "check"
BROKEN, BROKEN_SPEC, FIXED_SPEC = CHECK / "broken.csv", CHECK / "broken.toml", CHECK / "fixed.toml"
EXPECTED = json.loads((DATA / "fixtures_expected.json").read_text(encoding="utf-8"))

MAYBE = (
    f'{BROKEN}, row 3, column "Overall I am satisfied": "Maybe" is not an option of satisfied '
    "(7 rows); allowed: Agree, Disagree. Fix: correct the export, or add the label to "
    "[questions.satisfied].options."
)
AGREEE = (
    f'{BROKEN}, row 6, column "Overall I am satisfied": "Agreee" is not an option of '
    'satisfied; allowed: Agree, Disagree. Fix: did you mean "Agree"? correct the export, or '
    "add the label to [questions.satisfied].options."
)
MISSPELT = (
    f'{BROKEN}: the spec names column "I would recomend the service" ([questions.recommend]), '
    'which is not in the export. Fix: did you mean "I would recommend the service"? correct '
    "the column name in the spec, or run `rapstats init` to see the export's columns."
)
HEAD = [
    f"Export: {BROKEN}",
    "Platform: plain, encoding utf-8",
    "Rows read: 12",
    "Left out: 1 row (totals or notes rows at the bottom)",
    "Left out: columns Email (personal data (by header))",
    "Note: left out 1 totals/notes row(s) at the bottom",
    "Note: left out personal data: Email",
    "",
]
GROUPS = ["Groups (1):", '  area: column "Area"', "    East: 3", "    North: 5", "    South: 4", ""]


def test_broken_export_lists_every_problem_and_exits_1(runner):
    result = run(runner, "check", BROKEN, "--spec", BROKEN_SPEC)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        *HEAD,
        f"Spec: {BROKEN_SPEC}",
        "",
        "Questions (2):",
        '  satisfied (single): column "Overall I am satisfied"',
        '    unknown label "Maybe" in "Overall I am satisfied": 7 rows (3, 5, 8, 9, 10, ...)',
        '    unknown label "Agreee" in "Overall I am satisfied": 1 row (6)',
        '  recommend (single): column "I would recomend the service" NOT FOUND; did you mean '
        '"I would recommend the service"?',
        "",
        *GROUPS,
        "Problems (3): summarize would stop.",
        f"  {MAYBE}",
        f"  {AGREEE}",
        f"  {MISSPELT}",
    ]
    assert result.stderr.splitlines() == [
        f"Error: {MAYBE}",
        f"Error: {AGREEE}",
        f"Error: {MISSPELT}",
    ]


def test_fixed_spec_has_no_problem_and_exits_0(runner):
    result = run(runner, "check", BROKEN, "--spec", FIXED_SPEC)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        *HEAD,
        f"Spec: {FIXED_SPEC}",
        "",
        "Questions (2):",
        '  satisfied (single): column "Overall I am satisfied"',
        '  recommend (single): column "I would recommend the service"',
        "",
        *GROUPS,
        "No problems: summarize would run.",
    ]
    assert result.stderr == ""
    assert run(runner, "summarize", BROKEN, "--spec", FIXED_SPEC).exit_code == 0


def test_summarize_stops_at_the_first_problem_check_lists(runner):
    """One mechanism: summarize's error is check's first problem, with the other labels
    counted (and check named)."""
    result = run(runner, "summarize", BROKEN, "--spec", BROKEN_SPEC)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: "
        + MAYBE.replace(
            "(7 rows)", "(7 rows; 8 rows in all hold 2 unknown labels, listed by `rapstats check`)"
        )
        + "\n"
    )


def test_json_lists_rows_labels_and_levels(runner):
    result = run(runner, "check", BROKEN, "--spec", BROKEN_SPEC, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["rows_read"] == 12 and doc["platform"] == "plain"
    assert doc["left_out"] == [
        {"what": "rows", "count": 1, "reason": "totals or notes rows at the bottom"},
        {"what": "columns", "columns": ["Email"], "reason": "personal data (by header)"},
    ]
    satisfied, recommend = doc["questions"]
    assert [(u["value"], u["count"], u["rows"]) for u in satisfied["unknown"]] == [
        ("Maybe", 7, [3, 5, 8, 9, 10]),
        ("Agreee", 1, [6]),
    ]
    assert recommend["columns"] == [
        {
            "name": "I would recomend the service",
            "found": None,
            "suggestion": "I would recommend the service",
        }
    ]
    assert doc["groups"][0]["levels"] == [["East", 3], ["North", 5], ["South", 4]]
    assert doc["problems"] == [MAYBE, AGREEE, MISSPELT]


def test_api_returns_the_report():
    report = check_file(BROKEN, load_spec(FIXED_SPEC))
    assert isinstance(report, CheckReport) and report.ok and report.spec == "given"
    assert report.questions[0].columns[0].found == "Overall I am satisfied"
    assert report.groups[0].levels == (("East", 3), ("North", 5), ("South", 4))


def test_qualtrics_previews_and_personal_columns_are_listed():
    expected = EXPECTED["qualtrics_text"]
    report = check_file(DATA / "qualtrics_text.csv")
    assert report.platform == "qualtrics" and report.spec == "inferred"
    assert report.rows_read == expected["rows"]
    rows, columns = report.left_out
    assert rows == {"what": "rows", "count": expected["left_out"], "reason": rows["reason"]}
    assert "preview" in rows["reason"]
    assert columns["columns"] == expected["dropped"]
    kept = f"kept {expected['unfinished']} unfinished (partial) response(s)"
    assert any(n.startswith(kept) for n in report.notes)
    completed = check_file(DATA / "qualtrics_text.csv", read=ReadOptions(completed_only=True))
    assert completed.left_out[-1]["count"] == expected["unfinished"]  # partials left out
    assert completed.left_out[-1]["reason"].startswith("[survey] include: ")


def test_sample_with_its_spec_is_clean(runner):
    result = run(runner, "check", SAMPLE_CSV, "--spec", SAMPLE_SPEC)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "No problems: summarize would run."
    inferred = run(runner, "check", SAMPLE_CSV)
    assert inferred.exit_code == 0, inferred.stderr
    assert "Spec: inferred from the export (no --spec)" in inferred.stdout.splitlines()


def test_missing_group_column_and_personal_data_in_labels(runner, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Area,Q1\nNorth,Yes\nSouth,ring 07700 900123\nNorth,No\n", encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[questions.q1]\ncolumn = "Q1"\noptions = ["Yes", "No"]\npositive = ["Yes"]\n'
        '[groups.area]\ncolumn = "Areas"\n',
        encoding="utf-8",
    )
    result = run(runner, "check", export, "--spec", spec)
    assert result.exit_code == 1
    assert "07700" not in result.output + result.stderr
    assert '    unknown label "ring [redacted: phone]" in "Q1": 1 row (3)' in result.stdout
    assert '  area: column "Areas" NOT FOUND; did you mean "Area"?' in result.stdout
    errors = result.stderr.splitlines()
    assert len(errors) == 2 and errors[1].startswith(
        f'Error: {export}: the spec names column "Areas"'
    )


def test_unreadable_export_is_one_error_line(runner):
    result = run(runner, "check", DATA / "bad_empty.csv")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {DATA / 'bad_empty.csv'}: the file is empty. Fix: export the survey again.\n"
    )


def test_reads_as_summarize_does_with_the_specs_codebook(runner):
    """A numeric Qualtrics export is labelled by the .qsf its spec names, as summarize reads
    it: no code is an unknown label."""
    qsf = DATA / "qsf"
    result = run(runner, "check", qsf / "numeric.csv", "--spec", qsf / "survey.toml")
    assert result.exit_code == 0, result.stderr
    assert (
        run(runner, "summarize", qsf / "numeric.csv", "--spec", qsf / "survey.toml").exit_code == 0
    )
