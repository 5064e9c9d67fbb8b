"""Hard edges of the inputs (issue 12), each through the CLI with a real file in tests/data/.

Every bad input gives one ``Error:`` line naming the file, the row or cell and the fix
(exit 1; 2 for a bad option), never a traceback and never a silently wrong number. Counts
expected from a file are counted here from its raw text with the csv module.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_CSV, SAMPLE_SPEC, run

DATA = Path(__file__).parent / "data"
REPORTS = ROOT / "reports" / "sample"


def _error(result, *needles: str, code: int = 1) -> str:
    """The one error line of a failed run, checked to hold every needle."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    if code == 2:  # click's usage errors begin with the usage line
        lines = lines[-1:]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _rows(name: str, encoding: str = "utf-8") -> list[list[str]]:
    with (DATA / name).open(encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def _freq(result) -> dict[tuple[str, str], int]:
    """(question, answer) -> count from `freq --format csv` output."""
    assert result.exit_code == 0, result.stderr
    rows = csv.DictReader(io.StringIO(result.stdout))
    return {(r["question"], r["answer"]): int(r["count"]) for r in rows}


# --- 4. formula cells never calculated --------------------------------------------------------


def test_formula_cells_without_a_value_are_an_error_naming_sheet_and_cell(runner) -> None:
    result = run(runner, "summarize", DATA / "edge_formula.xlsx")
    _error(
        result,
        "edge_formula.xlsx",
        'row 2, column "Score"',
        "cell D2 of sheet 'Responses'",
        "12 such cells",
        "Fix: open the workbook in Excel or LibreOffice and save it",
    )


def test_formula_cells_with_saved_values_are_read(runner) -> None:
    result = run(runner, "freq", DATA / "edge_formula_saved.xlsx", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "read 12 responses" in result.stderr


# --- 5. a totals row: the same detection with and without a spec ------------------------------


@pytest.mark.parametrize("name", ["handmade_cp1252.csv", "handmade.xlsx"])
def test_totals_row_dropped_and_said_with_and_without_a_spec(runner, name: str) -> None:
    note = "left out 1 totals/notes row(s) at the bottom"
    inferred = run(runner, "summarize", DATA / name)
    assert inferred.exit_code == 0, inferred.stderr
    assert note in inferred.stderr
    spec = DATA / "edge_handmade.toml"
    # the spec reads neither "Ref" (where "Total" is) nor the row's other labels
    result = run(
        runner, "freq", DATA / name, "--spec", spec, "--format", "csv", "--unsafe-no-suppression"
    )
    assert note in result.stderr
    assert "read 60 responses" in result.stderr
    # counted from the raw file: header on row 3, then 60 responses, a blank row and "Total"
    rows = [r for r in _rows("handmade_cp1252.csv", "cp1252")[3:] if any(r)]
    assert rows[-1][0] == "Total" and len(rows) == 61
    responses = rows[:-1]
    ticked = {"1", "x", "y"}
    counts = _freq(result)
    assert counts[("bus", "Bus")] == sum(r[4].strip().casefold() in ticked for r in responses)
    assert counts[("bus", "Train")] == sum(r[5].strip().casefold() in ticked for r in responses)


# --- 6. impossible timestamps -----------------------------------------------------------------


def test_impossible_dates_are_an_error_naming_row_and_column(runner) -> None:
    result = run(
        runner,
        "summarize",
        DATA / "edge_impossible_dates.csv",
        "--spec",
        DATA / "edge_impossible_dates.toml",
        "--by",
        "quarter",
    )
    _error(
        result,
        'edge_impossible_dates.csv, row 3, column "Submitted"',
        '"2026-13-05 10:00:00" is not a date (3 rows in all)',
        "Fix:",
    )


def test_impossible_day_in_a_non_iso_date(runner, tmp_path: Path) -> None:
    export = tmp_path / "uk_dates.csv"
    export.write_text("Submitted,Q1\n05/01/2026,Yes\n32/01/2026,No\n", encoding="utf-8")
    result = run(
        runner,
        "summarize",
        export,
        "--spec",
        DATA / "edge_impossible_dates.toml",
        "--by",
        "quarter",
    )
    _error(result, 'row 3, column "Submitted"', '"32/01/2026" is not a date')


# --- 7. inference traps -----------------------------------------------------------------------


def test_weight_in_kg_is_not_the_survey_weight(runner) -> None:
    spec = run(runner, "init", DATA / "edge_weight_kg.csv")
    assert spec.exit_code == 0, spec.stderr
    assert "weight =" not in spec.stdout
    result = run(runner, "summarize", DATA / "edge_weight_kg.csv")
    assert result.exit_code == 0, result.stderr
    assert "weighted" not in result.stderr


def test_a_column_named_weight_is_the_weight_and_said(runner, tmp_path: Path) -> None:
    export = tmp_path / "weighted.csv"
    answers = ["Yes", "No", "Yes", "Yes", "No"] * 4
    rows = [f"{i},{a},{0.5 + i % 3}" for i, a in enumerate(answers, 1)]
    export.write_text("ID,Q1,Weight\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = run(runner, "summarize", export)
    assert result.exit_code == 0, result.stderr
    assert 'weighted by column "Weight"' in result.stderr


def test_scale_with_typos_stays_a_question_and_names_the_rows(runner) -> None:
    rows = _rows("edge_weight_typos.csv")
    typos = [i + 1 for i, r in enumerate(rows) if r[3] in ("Stongly agree", "Agre", "Disagre")]
    assert len(typos) == 3
    result = run(runner, "summarize", DATA / "edge_weight_typos.csv")
    _error(
        result,
        f'row {typos[0]}, column "The service met my needs"',
        '"Stongly agree" is not an option',
        "(3 rows in all hold 3 unknown labels, listed by `rapstats check`)",
        'did you mean "Strongly agree"?',
        f"rapstats init {DATA / 'edge_weight_typos.csv'}",  # the export as given
    )


def test_checked_tick_boxes_are_read_as_ticks(runner) -> None:
    """Probe B3: inference and normalisation share one tick vocabulary."""
    result = run(
        runner,
        "freq",
        DATA / "edge_checked_ticks.csv",
        "--format",
        "csv",
        "--unsafe-no-suppression",
    )
    counts = _freq(result)
    rows = _rows("edge_checked_ticks.csv")
    for j, option in enumerate(["Radio", "Poster", "Friend"], 1):
        assert counts[("Heard", option)] == sum(r[j] == "Checked" for r in rows[1:])


# --- tracebacks that are now one line ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["enc_utf8.csv", "surveymonkey.csv", "msforms.xlsx", "handmade.ods", "enc_tab.tsv"]
)
def test_spec_column_missing_from_the_export(runner, name: str) -> None:
    result = run(runner, "summarize", DATA / name, "--spec", DATA / "edge_missing_column.toml")
    _error(result, name, 'column "Q9 Not in this export" ([questions.q1])', "Fix:")


@pytest.mark.parametrize(
    "name, needles",
    [
        ("edge_ragged_long.csv", ["row 5", "this row has 4, the header 3"]),
        ("edge_ragged_short.csv", ["row 4", "this row has 2, the header 3"]),
        ("edge_unclosed_quote.csv", ["row 31", "has 2 fields where the header has 3"]),
        ("edge_qualtrics_ragged.csv", ["row 5", "has 27 fields where the header has 26"]),
    ],
)
def test_ragged_rows_name_the_row(runner, name: str, needles: list[str]) -> None:
    _error(run(runner, "summarize", DATA / name), name, *needles, "Fix:")


def test_rows_after_a_blank_short_row_keep_their_numbers(runner) -> None:
    result = run(
        runner, "summarize", DATA / "edge_blank_short_row.csv", "--spec", DATA / "edge_yes_no.toml"
    )
    _error(result, 'edge_blank_short_row.csv, row 4, column "Q1": "Maybe" is not an option')


def test_by_typo_says_it_is_the_option_and_lists_the_groups(runner) -> None:
    for command in ("summarize", "freq", "comments"):
        result = run(runner, command, SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "aera")
        _error(
            result,
            '--by "aera" is neither a group of the spec nor a column of the export',
            'did you mean "area"?',
            "the groups are area, ethnicity, age, event, quarter, month",
        )
    result = run(runner, "summarize", SAMPLE_CSV, "--by", "aera")
    _error(result, '--by "aera"', 'did you mean "Area"?')


def test_by_a_personal_data_column_says_so(runner) -> None:
    result = run(runner, "summarize", DATA / "edge_personal.csv", "--by", "Email")
    _error(result, '--by "Email" names a column that holds personal data', "personal = true")


@pytest.mark.parametrize(
    "name, what",
    [
        ("report.pdf", "is a PDF report, not a survey export"),
        ("report.json", "is a JSON file"),
        ("report.md", "is a Markdown document"),
        ("report.html", "is a web page (HTML)"),
        ("report.xlsx", "is a published statistics workbook"),
        ("report.ods", "is a published statistics workbook"),
    ],
)
def test_a_report_given_as_the_export_is_named(runner, name: str, what: str) -> None:
    _error(run(runner, "summarize", REPORTS / name), f"Error: {REPORTS / name}: {what}", "Fix:")


@pytest.mark.parametrize(
    "command",
    [
        ["summarize", "--format", "csv"],
        ["summarize", "--format", "table"],
        ["freq", "--format", "csv"],
        ["freq", "--format", "table"],
        ["freq", "--format", "csv", "--unsafe-no-suppression"],
    ],
)
def test_rapstats_own_table_given_as_the_export(runner, tmp_path: Path, command: list) -> None:
    table = tmp_path / "out.csv"
    made = run(runner, *command, SAMPLE_CSV, "--spec", SAMPLE_SPEC, "-o", table)
    assert made.exit_code == 0, made.stderr
    _error(run(runner, "summarize", table), "out.csv: is a table written by rapstats")


def test_export_and_spec_swapped(runner) -> None:
    _error(
        run(runner, "summarize", SAMPLE_SPEC, "--spec", SAMPLE_CSV),
        "feedback.csv: is a survey export, not a spec",
        "give the export first and the spec with --spec",
    )
    _error(
        run(runner, "summarize", SAMPLE_SPEC),
        "feedback.toml: is a survey spec (TOML), not a survey export",
        f"--spec {SAMPLE_SPEC}",  # the spec as given
    )


@pytest.mark.parametrize("command", ["summarize", "init"])
def test_non_text_encoding_is_a_usage_error(runner, command: str) -> None:
    result = run(runner, command, SAMPLE_CSV, "--encoding", "rot13")
    _error(result, "Invalid value for '--encoding'", "'rot13' is not a text encoding", code=2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_as_export_or_spec_is_refused_at_once(runner, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _error(run(runner, "summarize", fifo), "pipe: is not a regular file")
    _error(run(runner, "summarize", SAMPLE_CSV, "--spec", fifo), "pipe: spec is not a regular file")


def test_zip_bomb_is_refused_before_unpacking(runner) -> None:
    _error(
        run(runner, "summarize", DATA / "edge_zip_bomb.xlsx"),
        "edge_zip_bomb.xlsx: unpacks to 4,096.0 MB, more than the 1024 MB allowed",
        "--max-unpacked-mb",
    )
    _error(
        run(runner, "summarize", DATA / "msforms.xlsx", "--max-unpacked-mb", "0.001"),
        "more than the 0.001 MB allowed",
    )
    assert run(runner, "summarize", DATA / "msforms.xlsx", "--max-unpacked-mb", "5").exit_code == 0
