"""Bad input through the CLI: one line on stderr naming the file and the fix, exit 1."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from conftest import SAMPLE_CSV, SAMPLE_SPEC, run


def _assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_missing_file(runner, tmp_path):
    missing = tmp_path / "nope.csv"
    result = run(runner, "summarize", missing, "--spec", SAMPLE_SPEC)
    _assert_one_line_error(result, "nope.csv", "not found", "Fix:")


def test_empty_file(runner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run(runner, "summarize", empty, "--spec", SAMPLE_SPEC)
    _assert_one_line_error(result, "empty.csv", "empty", "Fix:")


def test_unknown_answer_label_names_row_column_value_and_closest_label(runner, tmp_path):
    text = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    # Row 6 of the spreadsheet is text[5]; replace its first "Agree" answer.
    text[5] = text[5].replace(",Agree,", ",Agreee,", 1)
    assert ",Agreee," in text[5]
    bad = tmp_path / "typo.csv"
    bad.write_text("".join(text), encoding="utf-8")
    result = run(runner, "summarize", bad, "--spec", SAMPLE_SPEC)
    _assert_one_line_error(result, "typo.csv", "row 6", '"Agreee"', 'did you mean "Agree"')


def test_spec_naming_a_missing_column(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        SAMPLE_SPEC.read_text(encoding="utf-8").replace(
            'column = "I feel safe in my local area"', 'column = "I feel safe in my area"'
        ),
        encoding="utf-8",
    )
    result = run(runner, "summarize", SAMPLE_CSV, "--spec", spec)
    _assert_one_line_error(result, "feedback.csv", "I feel safe in my area", "[questions.safe]")


def test_invalid_toml(runner, tmp_path):
    spec = tmp_path / "broken.toml"
    spec.write_text('[questions.q1\ncolumn = "x"\n', encoding="utf-8")
    result = run(runner, "summarize", SAMPLE_CSV, "--spec", spec)
    _assert_one_line_error(result, "broken.toml", "invalid TOML", "Fix:")


def test_unknown_spec_key_is_named_by_toml_path(runner, tmp_path):
    spec = tmp_path / "typo.toml"
    spec.write_text(
        SAMPLE_SPEC.read_text(encoding="utf-8").replace(
            'workstream = "Protected"\nscale', 'workstrem = "Protected"\nscale', 1
        ),
        encoding="utf-8",
    )
    result = run(runner, "summarize", SAMPLE_CSV, "--spec", spec)
    _assert_one_line_error(result, "typo.toml", "questions.report_crime.workstrem")


def test_bad_option_is_a_usage_error(runner):
    result = run(runner, "summarize", SAMPLE_CSV, "--format", "xml")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_input_is_never_modified(runner, tmp_path, fmt):
    copy = tmp_path / "feedback.csv"
    shutil.copy(SAMPLE_CSV, copy)
    before = copy.read_bytes()
    result = run(runner, "summarize", copy, "--spec", SAMPLE_SPEC, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert copy.read_bytes() == before


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_unsafe_mode_is_loud_at_the_top_of_every_format(runner, fmt):
    result = run(
        runner, "summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area", "--by",
        "ethnicity", "--format", fmt, "--unsafe-no-suppression",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        import json

        doc = json.loads(result.stdout)
        first = f"{next(iter(doc))}: {doc['warning']}"  # the first key of the object
        assert doc["disclosure"]["unsafe"] is True
    elif fmt == "csv":  # plain CSV: a first column "warning" holds the banner in every row
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[0][0] == "warning" and len(rows) > 1
        assert {r[0] for r in rows[1:]} == {"UNSUPPRESSED – NOT FOR PUBLICATION"}
        first = result.stderr.split("rapstats: note: ", 1)[1]  # and the first note
    else:
        first = result.stdout.splitlines()[0]
    assert "UNSUPPRESSED" in first and "NOT FOR PUBLICATION" in first


def test_personal_data_quoted_from_the_export_is_redacted_in_the_error(runner, tmp_path):
    """An error line quotes the value it is about, but not an e-mail address or phone number
    a member of the public typed there: error lines end up in batch logs."""
    text = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    text[5] = text[5].replace(",Agree,", ",jo.bloggs@example.org 07700 900123,", 1)
    bad = tmp_path / "answers.csv"
    bad.write_text("".join(text), encoding="utf-8")
    result = run(runner, "summarize", bad, "--spec", SAMPLE_SPEC)
    _assert_one_line_error(result, "answers.csv", "row 6", "[redacted: email]", "Fix:")
    assert "jo.bloggs" not in result.stderr
    assert "900123" not in result.stderr


def test_the_path_in_an_error_is_shown_as_given(runner, tmp_path):
    """The analyst's own path is not redacted: it says which file to fix."""
    folder = tmp_path / "from jo@example.org"
    folder.mkdir()
    empty = folder / "empty.csv"
    empty.write_bytes(b"")
    result = run(runner, "summarize", empty, "--spec", SAMPLE_SPEC)
    _assert_one_line_error(result, str(empty), "empty")
