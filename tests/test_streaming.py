"""Streamed aggregation: a CSV read in batches gives the summary the whole-file path gives.

Each batch is normalised and counted and the counts are added (``aggregate.merge_counts``);
these tests run the same export both ways, at every batch size down to one row, and compare
everything a renderer reads (rows, frequencies, source, methods, disclosure, notes).
"""

from __future__ import annotations

import csv
import gc
import io
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapstats.aggregate import aggregate, merge_counts
from rapstats.errors import InputError, RapstatsError
from rapstats.io import Coded, load_export
from rapstats.io import stream as io_stream
from rapstats.io.stream import NotStreamable, export_batches
from rapstats.normalise import normalise
from rapstats.pipeline import stream
from rapstats.pipeline.survey import (
    Estimation,
    ReadOptions,
    open_survey,
    summarise,
    summarize_files,
)
from rapstats.spec import load_spec
from tests.conftest import SAMPLE_CSV, SAMPLE_SPEC, run

SPEC = load_spec(SAMPLE_SPEC)
BYS = [(), ("area",), ("area", "ethnicity"), ("quarter", "age"), ("event",)]
PUBLISH = ("rows", "frequencies")


def outputs(path: Path, spec, by: tuple[str, ...], batch_rows: int | None):
    """Everything a renderer reads of the unprotected summary, and the notes: streamed in
    batches of ``batch_rows`` records, or (None) read whole."""
    if batch_rows is None:
        opened = open_survey(path, spec, by=by)
        summary = summarise(opened, by, Estimation(), PUBLISH)
        notes = opened.notes
    else:
        done = streamed(path, spec, by, batch_rows)
        assert done is not None  # really streamed
        summary, notes = done
    return (  # repr: exact floats, and NaN equal to NaN
        repr(summary.table.to_pandas().to_dict("records")),
        repr(summary.frequency_table.to_pandas().to_dict("records")),
        summary.source,
        summary.methods,
        notes,
    )


def streamed(path: Path, spec, by: tuple[str, ...], batch_rows: int):
    """The streamed path's unprotected summary (None: it would read the file whole)."""
    return stream.streamed_summary(
        path,
        spec,
        by=by,
        read=ReadOptions(),
        estimation=Estimation(),
        with_frequencies=True,
        batch_rows=batch_rows,
    )


@settings(deadline=None, max_examples=12)
@given(batch_rows=st.integers(1, 400), by=st.sampled_from(BYS))
def test_streamed_equals_whole_file(batch_rows: int, by: tuple[str, ...]) -> None:
    assert outputs(SAMPLE_CSV, SPEC, by, batch_rows) == outputs(SAMPLE_CSV, SPEC, by, None)


@settings(deadline=None, max_examples=6)
@given(batch_rows=st.integers(1, 400), block=st.integers(1000, 5000))
def test_batches_across_arrow_blocks(batch_rows: int, block: int) -> None:
    """Arrow blocks of a few kB (a few records each, every one with its own dictionaries; the
    longest record is 384 bytes): a batch joins several and cuts others, and keeps only its
    own values."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(io_stream, "_BLOCK_BYTES", block)
        streamed_out = outputs(SAMPLE_CSV, SPEC, ("area", "quarter"), batch_rows)
    assert streamed_out == outputs(SAMPLE_CSV, SPEC, ("area", "quarter"), None)


def test_an_error_in_the_first_batch_stops_the_reader_threads(tmp_path: Path) -> None:
    """An unknown label in the first of many batches: the readers ahead stop (no thread is
    left running) and the whole-file error is raised."""
    rows = [["Perhaps", "South"]] + [["Yes", "North"]] * 3000
    path = write_csv(tmp_path / "early.csv", rows)
    (tmp_path / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    spec = load_spec(tmp_path / "s.toml")
    before = threading.active_count()
    with pytest.raises(InputError) as batched:
        summarize_files([path], spec, batch_rows=2)
    assert threading.active_count() == before
    with pytest.raises(InputError) as whole:
        normalise(load_export(path, columns=["Q1", "Area"]), spec)
    assert str(batched.value) == str(whole.value) and "row 2" in str(whole.value)


@pytest.mark.parametrize("kind", ["ragged", "personal"])
@pytest.mark.parametrize("where", [1, 2500])
def test_a_batch_that_needs_the_whole_file_leaves_no_thread_behind(
    tmp_path: Path, where: int, kind: str
) -> None:
    """A record with another number of fields, or a group column found to hold e-mail
    addresses (NotStreamable, raised on a reader thread while the one reading ahead of it is
    still going): the export is read whole, and every reader thread has ended when summarize
    returns, with the garbage collector off (a reader left to the collector once joined its
    thread inside threading's own locks: a deadlock)."""
    rows: list[list[str]] = [["Yes", "North"]] * 3000
    if kind == "ragged":
        rows[where] = ["No", "South", "an extra field"]
    else:
        rows[where:] = [["No", f"person{i}@example.org"] for i in range(where, 3000)]
    path = write_csv(tmp_path / "ragged.csv", rows)
    (tmp_path / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    spec = load_spec(tmp_path / "s.toml")
    before = threading.active_count()
    gc.disable()
    try:
        try:
            batched = repr(
                list(summarize_files([path], spec, by=("area",), batch_rows=2)[0].table.records())
            )
        except RapstatsError as exc:
            batched = str(exc)
        assert threading.active_count() == before
    finally:
        gc.enable()
    try:
        whole = repr(list(summarize_files([path], spec, by=("area",))[0].table.records()))
    except RapstatsError as exc:
        whole = str(exc)
    assert batched == whole


def test_take_keeps_arrow_values() -> None:
    """Coded.take of a column read by Arrow keeps its values as Arrow values (no Python list of
    a column of a million distinct timestamps), the same labels as the tuple of them gives."""
    import pyarrow as pa

    values = ["a", "b", "c", "d"]
    codes = np.array([0, 2, -1, 2, 3], dtype=np.int32)
    rows = np.array([True, True, True, True, False])
    from_arrow = Coded(codes, arrow=pa.array(values)).take(rows)
    from_tuple = Coded(codes, tuple(values)).take(rows)
    assert from_arrow.arrow().to_pylist() == list(from_tuple.categories) == ["a", "c"]
    assert from_arrow.codes.tolist() == from_tuple.codes.tolist() == [0, 1, -1, 1]


def test_batches_of_one_row_by_every_group() -> None:
    by = ("area", "ethnicity")
    assert outputs(SAMPLE_CSV, SPEC, by, 1) == outputs(SAMPLE_CSV, SPEC, by, None)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["Q1", "Area"], *rows])
    return path


SMALL_SPEC = """
[groups.area]
column = "Area"

[questions.q1]
column = "Q1"
options = ["Yes", "No", "Maybe"]
positive = ["Yes"]
"""


@settings(deadline=None, max_examples=15)
@given(
    answers=st.lists(st.sampled_from(["Yes", "No", ""]), min_size=1, max_size=40),
    areas=st.lists(st.sampled_from(["North", "South", ""]), min_size=40, max_size=40),
    batch_rows=st.integers(1, 12),
)
def test_label_first_seen_in_the_last_batch(
    tmp_path_factory: pytest.TempPathFactory, answers: list[str], areas: list[str], batch_rows: int
) -> None:
    """The last row brings an answer ("Maybe") and a group level ("West") no batch before
    had: they are counted, and the cells are in the whole file's order."""
    tmp = tmp_path_factory.mktemp("late")
    rows = [[a, g] for a, g in zip(answers, areas, strict=False)] + [["Maybe", "West"]]
    path = write_csv(tmp / "late.csv", rows)
    (tmp / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    spec = load_spec(tmp / "s.toml")
    assert outputs(path, spec, ("area",), batch_rows) == outputs(path, spec, ("area",), None)


def test_unknown_label_in_a_late_batch(tmp_path: Path) -> None:
    """An answer no option matches, in the last batch: the one-line error of the whole-file
    path, naming its row of the file; the batch that holds it names the same row."""
    rows = [["Yes", "North"]] * 9 + [["Perhaps", "South"]]
    path = write_csv(tmp_path / "bad.csv", rows)
    (tmp_path / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    spec = load_spec(tmp_path / "s.toml")
    with pytest.raises(InputError) as whole:
        normalise(load_export(path, columns=["Q1", "Area"]), spec)
    with pytest.raises(InputError) as batched:
        summarize_files([path], spec, batch_rows=3)
    assert str(batched.value) == str(whole.value)
    assert "row 11" in str(whole.value) and "Perhaps" in str(whole.value)
    last = list(export_batches(path, columns=["Q1", "Area"], batch_rows=3))[-1]
    with pytest.raises(InputError) as in_batch:
        normalise(last, spec)
    assert str(in_batch.value) == str(whole.value)


def read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``summarize`` read every export whole."""
    monkeypatch.setattr(stream, "streamed_summary", lambda *a, **k: None)


def test_unknown_label_through_the_cli(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["Yes", "North"]] * 30 + [["Perhaps", "South"]]
    path = write_csv(tmp_path / "bad.csv", rows)
    (tmp_path / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    batched = run(runner, "summarize", path, "--spec", tmp_path / "s.toml")
    read_whole(monkeypatch)
    whole = run(runner, "summarize", path, "--spec", tmp_path / "s.toml")
    assert whole.exit_code == batched.exit_code == 1
    assert batched.stderr == whole.stderr
    assert "row 32" in whole.stderr and len(whole.stderr.strip().splitlines()) == 1


def test_cli_output_streamed_is_the_same_bytes(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area", "--format", "json")
    calls = []
    real = stream._counted
    monkeypatch.setattr(stream, "_counted", lambda *a: calls.append(1) or real(*a))
    batched = run(runner, *args)  # streamed, whatever the size of the file
    assert calls
    read_whole(monkeypatch)
    whole = run(runner, *args)
    assert whole.exit_code == batched.exit_code == 0
    assert batched.stdout == whole.stdout and batched.stderr == whole.stderr


def test_merge_counts_adds_the_halves() -> None:
    export = load_export(SAMPLE_CSV, columns=SPEC.load_columns(("area", "age"))[0])
    responses = normalise(export, SPEC, by=("area", "age"))
    whole = aggregate(responses, ("area", "age"))
    halves = [export.columns, export.columns]
    rows = np.arange(export.rows_read) < 100
    parts = []
    for keep in (rows, ~rows):
        part = type(export)(
            path=export.path,
            platform=export.platform,
            columns={c: col.take(keep) for c, col in halves[0].items()},
            row_numbers=export.row_numbers[keep],
            sha256="",
        )
        parts.append(aggregate(normalise(part, SPEC, by=("area", "age")), ("area", "age")))
    levels = {name: list(responses.groups[name][1]) for name in ("area", "age")}
    merged = merge_counts(parts, levels)
    assert merged.cells.to_pandas().equals(whole.cells.to_pandas())
    for name in whole.table.columns:
        assert np.array_equal(merged.table[name], whole.table[name]), name
    assert merged.n_total == whole.n_total
    assert np.array_equal(merged.respondents, whole.respondents)
    for q, counts in whole.answers.items():
        assert np.array_equal(merged.answers[q], counts)


def test_what_needs_the_whole_file_is_read_whole(tmp_path: Path) -> None:
    """A totals row at the bottom, a ragged row: read whole, the same summary (and the same
    error) as ever."""
    (tmp_path / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    spec = load_spec(tmp_path / "s.toml")
    totals = write_csv(tmp_path / "totals.csv", [["Yes", "North"]] * 5 + [["Total", "5"]])
    with pytest.raises(NotStreamable):
        next(export_batches(totals, columns=["Q1", "Area"], batch_rows=2))
    assert streamed(totals, spec, ("area",), 2) is None
    assert summarize_files([totals], spec, batch_rows=2)[0].records() == (
        summarize_files([totals], spec)[0].records()
    )
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("Q1,Area\n" + "Yes,North\n" * 50 + "No,South,extra\n", encoding="utf-8")
    assert streamed(ragged, spec, ("area",), 1) is None
    with pytest.raises(InputError) as whole:
        summarize_files([ragged], spec)
    with pytest.raises(InputError) as batched:
        summarize_files([ragged], spec, batch_rows=1)
    assert str(batched.value) == str(whole.value) and "row 52" in str(whole.value)


def test_only_blank_rows_is_the_whole_file_error(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    spec = load_spec(tmp_path / "s.toml")
    blank = tmp_path / "blank.csv"
    blank.write_text("Q1,Area\n,\n,\n", encoding="utf-8")
    with pytest.raises(InputError) as whole:
        load_export(blank, columns=["Q1", "Area"])
    with pytest.raises(InputError) as batched:
        summarize_files([blank], spec, batch_rows=1)
    assert str(batched.value) == str(whole.value)


def test_quoted_line_break_is_streamed(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(SMALL_SPEC, encoding="utf-8")
    spec = load_spec(tmp_path / "s.toml")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('Q1,Area\nYes,North\nNo,"South\nside"\nYes,North\n', encoding="utf-8")
    assert outputs(quoted, spec, ("area",), 1) == outputs(quoted, spec, ("area",), None)


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with stream._progress(100) as advance:
        assert advance is None
    shown = Terminal()
    monkeypatch.setattr(sys, "stderr", shown)
    with stream._progress(100) as advance:
        assert advance is not None
        advance(50)
        advance(100)
    assert "reading" in shown.getvalue() and "100%" in shown.getvalue()
