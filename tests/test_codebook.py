"""Value labels from a Qualtrics survey file (.qsf): a numeric export read with its codebook
gives what the label export of the same responses gives (fixtures: scripts/make_qsf_fixtures.py,
expected counts from the generator's records in tests/data/qsf/expected.json)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from rapstats.io import Coded, load_export
from rapstats.io._codebook import apply_value_labels, read_qsf
from rapstats.pipeline import ReadOptions, summarize_file
from tests.conftest import run

QSF = Path(__file__).parent / "data" / "qsf"
NUMERIC, LABELS, BOOK, SPEC = (
    QSF / n for n in ("numeric.csv", "labels.csv", "survey.qsf", "survey.toml")
)
EXPECTED = json.loads((QSF / "expected.json").read_text(encoding="utf-8"))


def _counts(col: Coded) -> dict[str, int]:
    values = [v for v in col.values() if v is not None]
    return {v: values.count(v) for v in sorted(set(values))}


def test_numeric_export_with_its_qsf_has_the_generators_labels_and_counts() -> None:
    export = load_export(NUMERIC, codebook=BOOK)
    assert export.rows_read == EXPECTED["rows"]
    for column, counts in EXPECTED["counts"].items():
        if column != "Q4":  # joined multi-select: its labels hold the separator (below)
            assert _counts(export.columns[column]) == counts, column
    assert "labelled the codes of 10 column(s) from " + str(BOOK) in export.notes


def test_without_the_codebook_the_codes_stay() -> None:
    assert set(load_export(NUMERIC).columns["Q1"].categories) == {"5", "4", "3", "2", "1", "-1"}


@pytest.mark.parametrize("spec", [None, SPEC], ids=["inferred", "spec"])
def test_numeric_with_qsf_summarises_exactly_as_the_label_export(spec: Path | None) -> None:
    publish = ("rows", "frequencies")
    numeric, _ = summarize_file(NUMERIC, spec, read=ReadOptions(codebook=BOOK), publish=publish)
    labels, _ = summarize_file(LABELS, spec, publish=publish)
    assert numeric.rows.equals(labels.rows)
    assert numeric.frequencies.equals(labels.frequencies)
    assert numeric.spec.questions == labels.spec.questions
    if spec is not None:  # the joined multi-select, read against its options (one has a comma)
        freq = numeric.frequencies.set_index(["question", "answer"])["count"]
        assert (
            freq["Q4"]["Parks, libraries and leisure"]
            == EXPECTED["counts"]["Q4"]["Parks, libraries and leisure"]
        )


@pytest.mark.parametrize("command", ["summarize", "freq"])
def test_cli_codebook_option_gives_the_label_exports_output(runner, command: str) -> None:
    numeric = run(runner, command, NUMERIC, "--codebook", BOOK, "--format", "csv")
    labels = run(runner, command, LABELS, "--format", "csv")
    assert numeric.exit_code == 0, numeric.stderr
    assert numeric.stdout == labels.stdout
    assert f"rapstats: labelled the codes of 10 column(s) from {BOOK}" in numeric.stderr


def test_cli_spec_names_the_codebook_beside_it(runner) -> None:
    numeric = run(runner, "summarize", NUMERIC, "--spec", SPEC, "--format", "json")
    labels = run(runner, "summarize", LABELS, "--spec", SPEC, "--format", "json")
    assert numeric.exit_code == 0, numeric.stderr
    rows = [json.loads(r.stdout)["rows"] for r in (numeric, labels)]
    assert rows[0] == rows[1]
    assert {r["question"] for r in rows[0]} == {"Q1", "Q2_1", "Q3", "Q4"}


def test_init_on_a_numeric_export_with_its_qsf_writes_labels(runner, tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    result = run(runner, "init", NUMERIC, "--codebook", BOOK, "--output", spec)
    assert result.exit_code == 0, result.stderr
    text = spec.read_text(encoding="utf-8")
    assert 'positive = ["Very satisfied", "Fairly satisfied"]' in text
    assert 'options = ["Phone", "Online", "In person", "Letter"]' in text
    assert (tmp_path / Path(text.split('codebook = "')[1].split('"')[0])).resolve() == BOOK
    # the spec names its codebook: summarize needs no --codebook
    numeric = run(runner, "summarize", NUMERIC, "--spec", spec, "--format", "csv")
    labels = run(runner, "summarize", LABELS, "--spec", spec, "--format", "csv")
    assert numeric.exit_code == 0, numeric.stderr
    assert numeric.stdout == labels.stdout


def _qsf(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.qsf"
    path.write_text(text, encoding="utf-8")
    return path


_FIX = (
    "Fix: export the survey definition again from Qualtrics (Survey > Tools > Import/Export > "
    "Export Survey) and give that .qsf file."
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"SurveyElements": [', "invalid JSON at line 1, column 21 (Expecting value)"),
        ('{"SurveyEntry": {}}', "it has no SurveyElements list"),
        ("[1, 2]", "it has no SurveyElements list"),
        (
            '{"SurveyElements": [{"Element": "SQ", "PrimaryAttribute": "QID3", "Payload": {}}]}',
            "question QID3 has no DataExportTag",
        ),
        (
            '{"SurveyElements": [{"Element": "SQ", "PrimaryAttribute": "QID1", "Payload": '
            '{"DataExportTag": "Q1", "Choices": {"1": {"Text": "Yes"}}}}]}',
            "question QID1 has Choices '1' without a Display text",
        ),
        (
            '{"SurveyElements": [{"Element": "SQ", "PrimaryAttribute": "QID1", "Payload": '
            '{"DataExportTag": "Q1", "Choices": {"1": {"Display": "Yes"}}, "RecodeValues": 1}}]}',
            "question QID1 has RecodeValues that are not an object of {id: value}",
        ),
    ],
)
def test_a_malformed_qsf_is_one_line_naming_it(
    runner, tmp_path: Path, text: str, message: str
) -> None:
    bad = _qsf(tmp_path, text)
    result = run(runner, "summarize", NUMERIC, "--codebook", bad)
    assert result.exit_code == 1
    what = "a valid" if "question" in message else "a"
    assert result.stderr.splitlines() == [
        f"Error: {bad}: is not {what} Qualtrics survey file (.qsf): {message}. {_FIX}"
    ]


def test_a_missing_codebook_is_named(runner, tmp_path: Path) -> None:
    result = run(runner, "freq", NUMERIC, "--codebook", tmp_path / "survey.qsf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'survey.qsf'}: codebook not found. Fix: check the --codebook path "
        "(or the spec's [survey] codebook)."  # the path as given
    ]


def test_qsf_reads_matrix_recodes_split_and_joined_multi_selects() -> None:
    book = read_qsf(BOOK)
    assert book.labels["Q1"]["-1"] == "Don't know"  # a negative recode value
    assert book.labels["Q2_4"]["9"] == "Don't know"  # matrix: answers' recodes, statement id 4
    assert book.labels["Q3_2"] == {"1": "Online", "2": "Online"}  # ticked: 1 (or the recode)
    assert book.labels["Q5"] == {"1": "16-34", "2": "35-54", "3": "55 and over"}  # no recodes
    assert book.joined == {"Q3", "Q4"}
    assert "Q6" not in book.labels and "Q7" not in book.labels  # text entry, descriptive text


def test_apply_value_labels_keeps_unknown_codes_and_merges_equal_labels() -> None:
    col = Coded(np.array([0, 1, 2, 3, -1, 0], dtype=np.int32), ("1", "-99", "2", "1,3"))
    labels = {"q": {"1": "Yes", "2": "Yes", "3": "No"}}
    columns, n = apply_value_labels({"Q": col}, labels, frozenset({"q"}))
    out = columns["Q"]
    assert n == 1
    assert out.values() == ["Yes", "-99", "Yes", "Yes,No", None, "Yes"]
    assert out.categories == ("Yes", "-99", "Yes,No")


def test_report_with_codebook_equals_the_label_exports(runner, tmp_path: Path) -> None:
    texts = []
    for export, extra in ((NUMERIC, ("--codebook", BOOK)), (LABELS, ())):
        out = tmp_path / export.stem
        result = run(runner, "report", export, *extra, "--formats", "md", "--out", out)
        assert result.exit_code == 0, result.stderr
        text = (out / "report.md").read_text(encoding="utf-8")
        # the export's name and hash differ; everything else is the same
        texts.append(re.sub(r"SHA-256 [0-9a-f]{64}", "SHA", text.replace(export.name, "EXPORT")))
    assert texts[0] == texts[1]
    assert "Very satisfied" in texts[0]
