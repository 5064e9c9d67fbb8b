"""Attacks on the exactly rounded weighted sums (docs/CONTRACTS.md, "Exact sums of weights")
through the API a pipeline uses: ``aggregate`` of normalised responses gives, per published
cell, sum_w, sum_wy, sum_w2 and sum_w2y equal to the exact rational sum of the (scaled)
weights, or of fl(w * w), rounded once (``fractions.Fraction``, and ``math.fsum``); and the
streamed path (batches of 1 and 7 rows, and the whole file in one) gives the same bytes as
the whole-file path. Weights spanning 1e-7..1e7 with the ratio near MAX_WEIGHT_RATIO and its
extreme last, 17 significant digits, subnormal and huge weights, many identical weights, one
respondent per cell. The files are written here (deterministic seeds)."""

from __future__ import annotations

import csv
import math
import tomllib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from rapstats.aggregate import aggregate
from rapstats.io import load_export
from rapstats.normalise import MAX_WEIGHT_RATIO, normalise
from rapstats.spec import parse_spec
from tests.test_streaming import outputs

ANSWERS = ["Strongly agree", "Agree", "Disagree", "Don't know"]
POSITIVE, BASE = ANSWERS[:2], ANSWERS[:3]
SPEC = parse_spec(
    tomllib.loads(
        """
[survey]
id = "id"
weight = "w"
[groups.g]
column = "g"
[questions.q]
column = "q"
text = "Q"
type = "single"
options = ["Strongly agree", "Agree", "Disagree", "Don't know"]
positive = ["Strongly agree", "Agree"]
exclude = ["Don't know"]
"""
    )
)
N = 400


def _weights(case: str) -> tuple[list[str], int]:
    """The weights of a case as typed, and its number of group levels."""
    rng = np.random.default_rng(sum(map(ord, case)))
    if case == "span":
        return [repr(float(x)) for x in 10 ** rng.uniform(-7, 7, N)], 12
    if case == "ratio-last":  # the extremes near MAX_WEIGHT_RATIO, the largest last
        w = 10 ** rng.uniform(-7, 7, N)
        w[0], w[-1] = 1e-7, 1e-7 * MAX_WEIGHT_RATIO * (1 - 2**-40)
        return [repr(float(x)) for x in w], 12
    if case == "17-digits":
        return [f"{x:.16e}" for x in rng.uniform(0.1, 10, N)], 12
    if case == "identical":
        return ["0.1"] * N, 12
    if case == "one-each":
        return [repr(float(x)) for x in rng.uniform(0.5, 3, N)], N
    if case == "subnormal":
        return [repr(float(x)) for x in rng.uniform(1, 3, N) * 1e-310], 12
    assert case == "huge"
    return [repr(float(x)) for x in rng.uniform(1, 3, N) * 1e300], 12


CASES = ("span", "ratio-last", "17-digits", "identical", "one-each", "subnormal", "huge")


def _export(tmp: Path, case: str) -> tuple[Path, list[str], list[str]]:
    weights, levels = _weights(case)
    rng = np.random.default_rng(7)
    groups = [f"L{i % levels}" for i in range(N)]
    answers = [str(a) for a in rng.choice(ANSWERS, N)]
    path = tmp / f"{case}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "g", "q", "w"])
        writer.writerows(zip(range(N), groups, answers, weights, strict=True))
    return path, groups, answers


def _exact(values: np.ndarray) -> float:
    return float(sum((Fraction(float(v)) for v in values), Fraction(0)))


@pytest.mark.parametrize("case", CASES)
def test_published_sums_are_the_exact_sums_rounded_once(tmp_path, case):
    path, groups, answers = _export(tmp_path, case)
    responses = normalise(load_export(path), SPEC, by=("g",))
    counts = aggregate(responses, ("g",))
    w = responses.weights
    table = counts.table.to_pandas()
    cells = counts.cells.to_pandas()["g"].tolist()
    assert len(table) == len(cells) == 1 + len(set(groups))
    levels = np.array(groups)
    base, positive = np.isin(answers, BASE), np.isin(answers, POSITIVE)
    for row, level in zip(table.to_dict("records"), cells, strict=True):
        cell = base if level is None else base & (levels == level)
        for key, terms in (
            ("sum_w", w[cell]),
            ("sum_wy", w[cell & positive]),
            ("sum_w2", (w * w)[cell]),
            ("sum_w2y", (w * w)[cell & positive]),
        ):
            want = _exact(terms)
            assert row[key] == want == math.fsum(terms), (level, key)


@pytest.mark.parametrize("case", CASES)
def test_streamed_in_any_batches_is_the_whole_file_byte_for_byte(tmp_path, case):
    path, _, _ = _export(tmp_path, case)
    whole = outputs(path, SPEC, ("g",), None)
    for batch_rows in (1, 7, 10**6):
        assert outputs(path, SPEC, ("g",), batch_rows) == whole, batch_rows
