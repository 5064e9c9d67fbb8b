"""Streamed sums of weights are exact (rapstats.aggregate._exact), so the batches need not come
in file order, and an ``fpc`` without a weight column streams: its weights N_h / n_h need the
whole export's n_h, so the streamed path counts each sum's respondents per stratum and weighs
them at the end (c respondents of weight w_h sum to exactly c * w_h). Both ways, the same bytes
as the whole-file path, at batch sizes down to one row; and the estimates equal R ``survey``
(tests/data/reference/r/design.json, design "fpc_noweight")."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rapstats.pipeline import stream
from rapstats.pipeline.survey import ReadOptions, summarize_files
from rapstats.spec import parse_spec
from tests.test_design import DESIGNS, EXPORT, _check, _expected, _spec_text
from tests.test_streaming import outputs, streamed
from tests.test_streaming_weighted import design_spec


def _fixture(tmp: Path, seed: int = 0) -> Path:
    """The design fixture with weights that are not integers (decimals; and populations that
    make N_h / n_h none), its rows in another order when ``seed`` is not 0 (strata and PSUs
    then first met in other batches)."""
    with EXPORT.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows):
        row["weight"] = f"{float(row['weight']) + (i * 37 % 101) / 97:.6f}"
        row["pop_schools"] = str(int(row["pop_schools"]) + 1)
    order = sorted(range(len(rows)), key=lambda i: (i * (2 * seed + 1) + seed) % len(rows))
    path = tmp / f"design_{seed}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[i] for i in order)
    return path


@settings(deadline=None, max_examples=8)
@example(batch_rows=1, by=("sex",))
@example(batch_rows=7, by=())
@given(batch_rows=st.integers(1, 60), by=st.sampled_from([(), ("sex",)]))
def test_fpc_without_weights_streamed_equals_whole_file(
    tmp_path_factory: pytest.TempPathFactory, batch_rows: int, by
) -> None:
    tmp = tmp_path_factory.mktemp("d")
    spec, path = design_spec(tmp, "fpc_noweight"), _fixture(tmp)
    assert stream.streamable(spec, ReadOptions())
    assert outputs(path, spec, by, batch_rows) == outputs(path, spec, by, None)


def test_fpc_without_weights_streamed_in_rows_of_one_equals_r() -> None:
    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS["fpc_noweight"])))
    assert streamed(EXPORT, spec, ("sex",), 1) is not None  # really streamed
    done = summarize_files([EXPORT], spec, by=("sex",), batch_rows=1, unsafe_no_suppression=True)
    _check(done[0].records(), _expected("fpc_noweight"))


@pytest.mark.parametrize("design", ["fpc", "strata_only", "fpc_noweight"])
@pytest.mark.parametrize("seed", [1, 5])
def test_order_of_the_rows_does_not_change_the_bytes(tmp_path: Path, design: str, seed: int):
    """Exact sums: the rows in another order, whole or in batches, give the same outputs."""
    spec = design_spec(tmp_path, design)
    want = outputs(_fixture(tmp_path), spec, ("sex",), None)[:2]  # the tables, not the digest
    path = _fixture(tmp_path, seed)
    for batch_rows in (None, 1, 3):
        assert outputs(path, spec, ("sex",), batch_rows)[:2] == want
