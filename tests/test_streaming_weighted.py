"""Streamed weighted and design-based summaries: the same bits as the whole-file path.

The sums of the weights (and the design sums per stratum or PSU) of each batch are added into
the whole export's cells as exact integer limbs (``StreamedSums``), rounded once at the end as
the whole-file path rounds them; these tests run the same export both ways, at
batch sizes down to one row, with weights whose largest (and so the scale of the sums) grows
from batch to batch, and compare everything a renderer reads. The design-based estimates
streamed are also checked against R ``survey`` (tests/data/reference/r/design.json).
"""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rapstats.errors import InputError
from rapstats.pipeline import stream
from rapstats.pipeline.survey import summarize_files
from rapstats.spec import load_spec, parse_spec
from tests.conftest import run
from tests.test_design import DESIGNS, EXPORT, _check, _expected, _spec_text
from tests.test_streaming import outputs, streamed

SPEC = """
[survey]
weight = "w"

[groups.area]
column = "Area"

[questions.q1]
column = "Q1"
options = ["Yes", "No", "Maybe"]
positive = ["Yes"]
exclude = ["Maybe"]

[questions.q2]
type = "multi"
columns = ["Q2 Bus", "Q2 Car"]
options = ["Bus", "Car"]
"""
HEADER = ["Q1", "Area", "Q2 Bus", "Q2 Car", "w"]
WEIGHTS = ["1", "0.1", "0.3", "2.5", "1e-3", "7", "1234.5678", "3e5", "0.7"]


def weighted_export(tmp: Path, rows: list[list[str]]) -> tuple[Path, object]:
    path = tmp / "w.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    (tmp / "s.toml").write_text(SPEC, encoding="utf-8")
    return path, load_spec(tmp / "s.toml")


row = st.tuples(
    st.sampled_from(["Yes", "No", "Maybe", ""]),
    st.sampled_from(["North", "South", "West", ""]),
    st.sampled_from(["Yes", ""]),
    st.sampled_from(["Yes", ""]),
    st.sampled_from(WEIGHTS),
).map(list)


@settings(deadline=None, max_examples=25)
@example(rows=[["Yes", "West", "Yes", "", "3e5"]] * 3, batch_rows=1, by=("area",))
@given(
    rows=st.lists(row, min_size=1, max_size=60),
    batch_rows=st.integers(1, 25),
    by=st.sampled_from([(), ("area",)]),
)
def test_weighted_streamed_equals_whole_file(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], batch_rows: int, by
) -> None:
    # two respondents at least (a weighted share of one is not estimated, whole or streamed)
    first = [["No", "South", "", "Yes", "0.5"], ["Yes", "North", "Yes", "", "1"]]
    path, spec = weighted_export(tmp_path_factory.mktemp("w"), first + rows)
    assert outputs(path, spec, by, batch_rows) == outputs(path, spec, by, None)


def test_largest_weight_in_the_last_batch(tmp_path: Path) -> None:
    """Each batch's weights are scaled by its own largest: its sums are added at the binary
    position of the weights as parsed, and rounded at the scale of the whole export's largest
    (here 1e12 in the last row, a new level of area too)."""
    rows = [["Yes", "North", "Yes", "", w] for w in ("0.1", "0.3", "1e-3")] * 7
    rows += [["No", "South", "", "Yes", "0.7"]] * 5 + [["Yes", "West", "Yes", "Yes", "1e12"]]
    path, spec = weighted_export(tmp_path, rows)
    for batch_rows in (1, 2, 7, 26):
        assert outputs(path, spec, ("area",), batch_rows) == outputs(path, spec, ("area",), None)


def test_weights_too_spread_across_batches_give_the_whole_file_error(tmp_path: Path) -> None:
    """No batch alone spreads its weights wider than MAX_WEIGHT_RATIO, the file does: the
    whole-file error, naming both rows."""
    rows = [["Yes", "North", "", "", "1e-10"]] * 3 + [["No", "South", "", "", "1e10"]] * 3
    path, spec = weighted_export(tmp_path, rows)
    with pytest.raises(InputError) as whole:
        summarize_files([path], spec)
    with pytest.raises(InputError) as batched:
        summarize_files([path], spec, batch_rows=2)
    assert str(batched.value) == str(whole.value)
    assert "row 2" in str(whole.value) and "row 5" in str(whole.value)


def design_spec(tmp: Path, design: str):
    (tmp / "d.toml").write_text(_spec_text(DESIGNS[design]), encoding="utf-8")
    return load_spec(tmp / "d.toml")


@pytest.mark.parametrize("design", ["fpc", "nofpc", "strata_only"])
@settings(deadline=None, max_examples=6)
@example(batch_rows=1, by=("sex",))
@given(batch_rows=st.integers(1, 60), by=st.sampled_from([(), ("sex",)]))
def test_design_streamed_equals_whole_file(
    tmp_path_factory: pytest.TempPathFactory, design: str, batch_rows: int, by
) -> None:
    spec = design_spec(tmp_path_factory.mktemp("d"), design)
    assert outputs(EXPORT, spec, by, batch_rows) == outputs(EXPORT, spec, by, None)


@pytest.mark.parametrize("design", ["fpc", "nofpc", "strata_only"])
def test_design_streamed_in_rows_of_one_equals_r(design: str) -> None:
    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS[design])))
    assert streamed(EXPORT, spec, ("sex",), 1) is not None  # really streamed
    done = summarize_files([EXPORT], spec, by=("sex",), batch_rows=1, unsafe_no_suppression=True)
    _check(done[0].records(), _expected(design))


def test_cli_weighted_json_streamed_is_the_same_bytes(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "d.toml"
    spec.write_text(_spec_text(DESIGNS["fpc"]), encoding="utf-8")
    args = ("summarize", EXPORT, "--spec", spec, "--by", "sex", "--format", "json")
    monkeypatch.setattr(stream, "STREAM_BYTES", 1 << 62)  # read whole
    whole = run(runner, *args)
    calls = []
    real = stream._counted
    monkeypatch.setattr(stream, "STREAM_BYTES", 0)
    monkeypatch.setattr(stream, "_counted", lambda *a: calls.append(1) or real(*a))
    batched = run(runner, *args)
    assert calls and whole.exit_code == batched.exit_code == 0
    assert batched.stdout == whole.stdout and batched.stderr == whole.stderr
    assert json.loads(whole.stdout)["rows"]
