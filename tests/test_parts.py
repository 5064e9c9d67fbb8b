"""A survey in parts: a folder or glob of CSV files (or a Parquet dataset) is one survey,
pooled (not waves), read part by part and batch by batch.

The parts are tests/data/parts/ (scripts/make_parts_fixture.py): the rows of
data/sample/feedback.csv and of tests/data/design/design.csv split in order, so that the parts
joined are those exports; summarising the parts gives what summarising the export gives (the
design-based estimates also R's, tests/data/reference/r/design.json).
"""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapstats.errors import InputError, RapstatsError
from rapstats.pipeline import stream
from rapstats.pipeline.survey import Estimation, ReadOptions, summarize_files
from rapstats.spec import load_spec, parse_spec
from tests.conftest import ROOT, SAMPLE_CSV, SAMPLE_SPEC, run
from tests.test_design import DESIGNS, EXPORT, _check, _expected, _spec_text

PARTS = ROOT / "tests" / "data" / "parts"
FEEDBACK = PARTS / "feedback"
SPEC = load_spec(SAMPLE_SPEC)
POOLED = "read 3 parts of one survey (pooled, not waves)"


def tables(path: Path | str, spec, by: tuple[str, ...], batch_rows: int | None = None):
    """What a renderer reads of the rows and frequencies, and the responses read."""
    summary, notes = summarize_files(
        [path], spec, by=by, publish=("rows", "frequencies"), batch_rows=batch_rows
    )
    return (
        repr(summary.table.to_pandas().to_dict("records")),
        repr(summary.frequency_table.to_pandas().to_dict("records")),
        summary.source["rows_read"],
    ), notes


def test_folder_of_csv_parts_is_the_joined_export() -> None:
    whole, _ = tables(SAMPLE_CSV, SPEC, ("area",))
    parts, notes = tables(FEEDBACK, SPEC, ("area",))
    assert parts == whole
    assert notes[0] == f"read 321 responses from {FEEDBACK} (plain)" and POOLED in notes


JOINED: dict[tuple[str, ...], tuple] = {}  # the joined export's tables, by grouping


@settings(deadline=None, max_examples=5)
@given(batch_rows=st.integers(3, 150), by=st.sampled_from([(), ("area", "ethnicity")]))
def test_parts_in_batches_of_any_size(batch_rows: int, by: tuple[str, ...]) -> None:
    """Batches across the ends of parts (one-row batches: tests/test_streaming.py)."""
    if by not in JOINED:
        JOINED[by] = tables(SAMPLE_CSV, SPEC, by)[0]
    assert tables(FEEDBACK, SPEC, by, batch_rows)[0] == JOINED[by]


def test_cli_folder_and_quoted_glob(runner) -> None:
    args = ("--spec", SAMPLE_SPEC, "--by", "area", "--format", "csv")
    joined = run(runner, "summarize", SAMPLE_CSV, *args)
    folder = run(runner, "summarize", FEEDBACK, *args)
    pattern = run(runner, "summarize", str(FEEDBACK / "part-*.csv"), *args)
    assert joined.exit_code == folder.exit_code == pattern.exit_code == 0, folder.output
    assert folder.stdout == pattern.stdout == joined.stdout
    assert POOLED in folder.stderr and POOLED in pattern.stderr


def test_summarize_help_says_parts_are_not_waves_nor_batch(runner) -> None:
    text = " ".join(run(runner, "summarize", "--help").stdout.split())
    assert "one survey in parts" in text and "rapstats batch" in text


def test_batch_still_reads_a_folder_as_separate_surveys(runner) -> None:
    result = run(runner, "batch", FEEDBACK, "--spec", SAMPLE_SPEC, "--format", "csv")
    assert result.exit_code == 0, result.output
    files = {line.split(",")[0] for line in result.stdout.splitlines()[1:]}
    assert len(files) == 3 and all(f.endswith(".csv") for f in files)


@pytest.mark.parametrize("design", ["fpc", "nofpc", "strata_only", "fpc_noweight"])
def test_design_parts_csv_and_parquet_equal_the_export_and_r(design: str) -> None:
    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS[design])))
    whole, _ = tables(EXPORT, spec, ("sex",))
    for parts in (PARTS / "design", PARTS / "design_parquet"):
        got, notes = tables(parts, spec, ("sex",))
        assert got == whole, parts
        assert "read 2 parts of one survey (pooled, not waves)" in notes
    done = summarize_files([PARTS / "design"], spec, by=("sex",), unsafe_no_suppression=True)
    _check(done[0].records(), _expected(design))


def copy_parts(tmp: Path) -> Path:
    folder = tmp / "parts"
    shutil.copytree(FEEDBACK, folder)
    return folder


def test_parts_whose_headers_differ_are_one_line_error(runner, tmp_path: Path) -> None:
    folder = copy_parts(tmp_path)
    second = folder / "part-2.csv"
    text = second.read_text(encoding="utf-8")
    second.write_text(text.replace("Age band", "Age group", 1), encoding="utf-8")
    result = run(runner, "summarize", folder, "--spec", SAMPLE_SPEC)
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and "part-2.csv" in errors[0] and '"Age band"' in errors[0]


def test_unknown_label_names_the_part_and_its_row(tmp_path: Path) -> None:
    """An answer no option matches, in the third part: the error of that part read whole."""
    folder = copy_parts(tmp_path)
    third = folder / "part-3.csv"
    with third.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[5][6] = "Perhaps"  # row 6 of the part, the first question's answer
    with third.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(InputError) as whole:
        summarize_files([third], SPEC)
    for batch_rows in (None, 4):
        with pytest.raises(InputError) as parts:
            summarize_files([folder], SPEC, batch_rows=batch_rows)
        assert str(parts.value) == str(whole.value)
    assert "part-3.csv, row 6" in str(whole.value)


def test_parts_need_the_streamed_reading(runner) -> None:
    with pytest.raises(RapstatsError) as err:
        summarize_files([FEEDBACK], SPEC, read=ReadOptions(completed_only=True))
    assert "survey in parts" in str(err.value) and "\n" not in str(err.value)
    for args in ((), ("--spec", SAMPLE_SPEC, "--profile")):
        result = run(runner, "freq", FEEDBACK, *args)
        assert result.exit_code == 1
        errors = result.stderr.strip().splitlines()
        assert len(errors) == 1 and "survey in parts" in errors[0] and "--spec" in errors[0]


def test_parquet_dataset_streamed_in_batches_equals_it_read_whole() -> None:
    """The columnar reader streams; its whole-file reader is the reference."""
    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS["fpc"])))
    whole = summarize_files([PARTS / "design"], spec, by=("sex",))[0].records()
    for batch_rows in (1, 5, 1000):
        done = stream.streamed_summary(
            PARTS / "design_parquet",
            spec,
            by=("sex",),
            read=ReadOptions(),
            estimation=Estimation(),
            with_frequencies=False,
            batch_rows=batch_rows,
        )
        assert done is not None
    assert summarize_files([PARTS / "design_parquet"], spec, by=("sex",))[0].records() == whole
    out = json.dumps(whole)
    assert "S5" not in out  # PSU labels are never published
