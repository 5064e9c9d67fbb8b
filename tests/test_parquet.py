"""Columnar and partitioned inputs: a Parquet file, a Feather file and a hive-partitioned
folder of Parquet parts, written here with pyarrow from the sample CSV, give the summary the
CSV gives (only the spec's columns are read); read batch by batch, they give what their
whole-file reader gives."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapstats.errors import InputError
from rapstats.io import load_export
from rapstats.pipeline import stream
from rapstats.pipeline.survey import summarize_files
from rapstats.spec import load_spec
from tests.conftest import SAMPLE_CSV, SAMPLE_SPEC, run
from tests.test_streaming import outputs

SPEC = load_spec(SAMPLE_SPEC)
BY = ("area",)


def sample_table() -> pa.Table:
    """The sample export as text columns, with a ``wave`` column of two quarters."""
    names = pacsv.read_csv(SAMPLE_CSV).column_names
    table = pacsv.read_csv(
        SAMPLE_CSV,
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )
    wave = ["2026Q1" if i % 3 else "2026Q2" for i in range(table.num_rows)]
    return table.append_column("wave", pa.array(wave))


def published(path: Path):
    summary, notes = summarize_files([path], SPEC, by=BY, publish=("rows", "frequencies"))
    return summary.records(), summary.frequency_records(), summary.source["rows_read"], notes


@pytest.fixture(scope="module")
def csv_result():
    return published(SAMPLE_CSV)


def test_parquet_file(tmp_path: Path, csv_result) -> None:
    path = tmp_path / "feedback.parquet"
    pq.write_table(sample_table(), path)
    got = published(path)
    assert got[:3] == csv_result[:3]
    assert got[3][0] == f"read 321 responses from {path} (plain)"


def test_feather_file(tmp_path: Path, csv_result) -> None:
    path = tmp_path / "feedback.feather"
    feather.write_feather(sample_table(), path)
    assert published(path)[:3] == csv_result[:3]


def test_hive_partitioned_folder(tmp_path: Path, csv_result) -> None:
    folder = tmp_path / "feedback"
    ds.write_dataset(
        sample_table(), folder, format="parquet", partitioning=["wave"], partitioning_flavor="hive"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["wave=2026Q1", "wave=2026Q2"]
    got = published(folder)
    assert got[:3] == csv_result[:3]
    assert "read 2 parts of one survey (pooled, not waves)" in got[3]
    # a glob of the parts is the same survey
    assert published(Path(f"{folder}/*/*.parquet"))[:3] == csv_result[:3]
    # the folder field is a column: it can group
    export = load_export(folder, columns=["wave", "Area"])
    assert list(export.columns) == ["Area", "wave"]
    assert sorted(export.columns["wave"].categories) == ["2026Q1", "2026Q2"]


def test_only_the_spec_columns_are_read(tmp_path: Path) -> None:
    path = tmp_path / "feedback.parquet"
    pq.write_table(sample_table(), path)
    export = load_export(path, columns=["Area", "Age band"])
    assert list(export.columns) == ["Area", "Age band"]


def test_cli_summarize_of_a_folder(runner, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    ds.write_dataset(
        sample_table(), folder, format="parquet", partitioning=["wave"], partitioning_flavor="hive"
    )
    args = ("--spec", SAMPLE_SPEC, "--by", "area", "--format", "csv")
    from_csv = run(runner, "summarize", SAMPLE_CSV, *args)
    from_parts = run(runner, "summarize", folder, *args)
    assert from_csv.exit_code == from_parts.exit_code == 0
    assert from_parts.stdout == from_csv.stdout
    assert "read 2 parts of one survey (pooled, not waves)" in from_parts.stderr


def test_corrupt_parquet_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 40)
    with pytest.raises(InputError) as err:
        load_export(path)
    assert "cannot be read as Parquet" in str(err.value) and "\n" not in str(err.value)


def typed_table() -> pa.Table:
    """The sample export with the types pyarrow infers (``Submitted`` a timestamp)."""
    table = pacsv.read_csv(SAMPLE_CSV)
    assert pa.types.is_timestamp(table.schema.field("Submitted").type)
    return table


@settings(deadline=None, max_examples=10)
@given(batch_rows=st.integers(1, 400), by=st.sampled_from([("area",), ("quarter", "age")]))
def test_parquet_streamed_in_batches_equals_it_read_whole(
    tmp_path_factory: pytest.TempPathFactory, batch_rows: int, by: tuple[str, ...]
) -> None:
    """Typed columns (a timestamp grouped by quarter), dictionary-encoded text, row groups
    of 100 rows: every batch size gives the whole-file reader's summary."""
    path = tmp_path_factory.mktemp("pq") / "typed.parquet"
    pq.write_table(typed_table(), path, row_group_size=100)
    assert outputs(path, SPEC, by, batch_rows) == outputs(path, SPEC, by, None)


def test_feather_of_several_record_batches_streamed(tmp_path: Path) -> None:
    path = tmp_path / "typed.feather"
    feather.write_feather(typed_table(), path, chunksize=50)
    for batch_rows in (1, 7, 1000):
        assert outputs(path, SPEC, BY, batch_rows) == outputs(path, SPEC, BY, None)


def test_columnar_summary_is_streamed(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet file is read batch by batch whatever its size, with the same bytes out."""
    path = tmp_path / "feedback.parquet"
    pq.write_table(sample_table(), path)
    args = ("--spec", SAMPLE_SPEC, "--by", "area", "--format", "json")
    calls = []
    real = stream._counted
    monkeypatch.setattr(stream, "_counted", lambda *a: calls.append(1) or real(*a))
    streamed_run = run(runner, "summarize", path, *args)
    assert calls and streamed_run.exit_code == 0
    monkeypatch.setattr(stream, "_source", lambda *a: None)  # read whole
    whole = run(runner, "summarize", path, *args)
    assert streamed_run.stdout == whole.stdout and streamed_run.stderr == whole.stderr
