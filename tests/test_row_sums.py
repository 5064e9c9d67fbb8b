"""``aggregate(frequency=, sums=RowSums)``: rows of distinct answers (as the Spark engine counts
them) with their exact sums of weights give the same Counts, bit for bit, as the individual
responses. The rows' sums are made independently here, with Python's exact fractions and
integers, not with rapstats' limbs; the design is the stratified cluster sample of the R
reference (tests/data/design, tests/data/reference/r/design.R), with weights that are not
integers so that the order of addition would show."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from conftest import ROOT

from rapstats.aggregate import Counts, RowSums, aggregate
from rapstats.aggregate._exact import limbs_of
from rapstats.io import load_export
from rapstats.normalise import Responses, normalise
from rapstats.spec import parse_spec

DATA = ROOT / "tests" / "data" / "design"
QUESTIONS = (DATA / "design.toml").read_text(encoding="utf-8").split("[groups.sex]")[1]
DESIGNS = {
    "weights": {"weight": "weight"},
    "clusters_fpc": {"weight": "weight", "strata": "region", "ids": "school", "fpc": "pop_schools"},
    "strata_only": {"weight": "weight", "strata": "region"},
    "fpc_noweight": {"strata": "region", "ids": "school", "fpc": "pop_schools"},
}
LOW = -5  # limb 0 at 2**-160: below the lowest bit of every weight and squared weight here


def _export(tmp_path):
    """The design fixture, each weight made a decimal with no exact binary value."""
    with (DATA / "design.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows):
        row["weight"] = f"{float(row['weight']) + (i * 37 % 101) / 97:.6f}"
    path = tmp_path / "design.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return load_export(path)


def _limbs(totals: list[Fraction]) -> np.ndarray:
    """Limbs of exact sums at position LOW, by Python integer arithmetic: limb k is bits
    32k to 32k + 31 of the sum over 2**(32 * LOW), the last limb signed."""
    scaled = [t * 2 ** (-32 * LOW) for t in totals]
    assert all(s.denominator == 1 for s in scaled)
    ints = [s.numerator for s in scaled]
    width = max(1, *(abs(i).bit_length() // 32 + 2 for i in ints))
    return np.array(
        [
            [(i >> (32 * k)) & 0xFFFFFFFF if k < width - 1 else i >> (32 * k) for k in range(width)]
            for i in ints
        ],
        dtype=np.int64,
    )


def _distinct_rows(r: Responses, by: tuple[str, ...]) -> tuple[Responses, np.ndarray, np.ndarray]:
    """The rows of distinct answers, groups and design unit of ``r``, their frequencies and
    each respondent's row."""
    spec = r.spec
    columns = [r.answers[q.id] for q in spec.estimated_questions if q.type == "single"]
    for q in spec.estimated_questions:
        if q.type == "multi":
            columns += [r.answered[q.id], *r.ticked[q.id].T]
    columns += [r.groups[name][0] for name in by]
    if r.design is not None:
        d = r.design
        columns.append(d.psu if d.psus else d.psu_stratum[d.psu])
    keys = np.column_stack([np.asarray(c, dtype=np.int64) for c in columns])
    _, first, row_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    row_of = row_of.reshape(-1)
    design = r.design
    if design is not None and not design.psus:  # each row its own PSU, in its stratum
        stratum = design.psu_stratum[design.psu[first]]
        design = replace(design, psu=np.arange(len(first)), psu_stratum=stratum)
    elif design is not None:
        design = replace(design, psu=design.psu[first])
    rows = replace(
        r,
        n=len(first),
        answers={k: v[first] for k, v in r.answers.items()},
        ticked={k: v[first] for k, v in r.ticked.items()},
        answered={k: v[first] for k, v in r.answered.items()},
        groups={k: (codes[first], levels) for k, (codes, levels) in r.groups.items()},
        asked={k: v[first] for k, v in r.asked.items()},
        weights=None,
        design=design,
    )
    return rows, np.bincount(row_of), row_of


def _row_sums(r: Responses, row_of: np.ndarray, n_rows: int) -> RowSums:
    """Each row's exact sums of w and fl(w * w) over its respondents, with fractions."""
    assert r.weights is not None
    w, w2 = [Fraction(0)] * n_rows, [Fraction(0)] * n_rows
    for i, value in zip(row_of.tolist(), r.weights.tolist(), strict=True):
        w[i] += Fraction(value)
        w2[i] += Fraction(value * value)
    return RowSums(_limbs(w), LOW, _limbs(w2), LOW)


def _same(a: Counts, b: Counts) -> None:
    assert a.cells.columns == b.cells.columns
    assert all(a.cells[c].tolist() == b.cells[c].tolist() for c in a.cells.columns)
    assert a.table.columns == b.table.columns
    for name in a.table.columns:
        x, y = np.asarray(a.table[name]), np.asarray(b.table[name])
        assert x.dtype == y.dtype and x.tolist() == y.tolist(), name
        if x.dtype == np.float64:
            assert x.tobytes() == y.tobytes(), name
    assert a.answers.keys() == b.answers.keys()
    assert all(a.answers[q].tolist() == b.answers[q].tolist() for q in a.answers)
    assert (a.n_total, a.weighted, a.respondents.tolist()) == (
        b.n_total,
        b.weighted,
        b.respondents.tolist(),
    )
    assert (a.design is None) == (b.design is None)
    if a.design is not None and b.design is not None:
        assert a.design.psus.tolist() == b.design.psus.tolist()
        assert a.design.units == b.design.units and a.design.strata == b.design.strata
        assert a.design.sums.keys() == b.design.sums.keys()
        for key, value in a.design.sums.items():
            assert value.tobytes() == b.design.sums[key].tobytes(), key


@pytest.mark.parametrize("design", sorted(DESIGNS))
@pytest.mark.parametrize("by", [(), ("sex",)])
def test_rows_with_their_sums_count_as_the_responses_bit_for_bit(tmp_path, design, by):
    keys = "".join(f'{k} = "{v}"\n' for k, v in DESIGNS[design].items())
    spec = parse_spec(tomllib.loads(f"[survey]\n{keys}\n[groups.sex]{QUESTIONS}"))
    responses = normalise(_export(tmp_path), spec, by=by)
    want = aggregate(responses, by)
    rows, frequency, row_of = _distinct_rows(responses, by)
    assert len(frequency) < responses.n  # some rows stand for several responses
    if design == "fpc_noweight":  # each row in one stratum: its count of the stratum's w_h
        assert responses.weights is not None
        w_h = responses.weights[np.unique(row_of, return_index=True)[1]]
        (w, low_w), (w2, low_w2) = limbs_of(w_h, frequency), limbs_of(w_h * w_h, frequency)
        sums = RowSums(w, low_w, w2, low_w2)
    else:
        sums = _row_sums(responses, row_of, len(frequency))
    got = aggregate(rows, by, frequency=frequency, sums=sums)
    _same(got, want)
    assert got.table["sum_w"].tolist() != [0.0] * len(got.table)


def test_row_sums_need_frequencies_and_weighted_rows_need_sums(tmp_path):
    keys = "".join(f'{k} = "{v}"\n' for k, v in DESIGNS["weights"].items())
    spec = parse_spec(tomllib.loads(f"[survey]\n{keys}\n[groups.sex]{QUESTIONS}"))
    responses = normalise(_export(tmp_path), spec)
    sums = _row_sums(responses, np.arange(responses.n), responses.n)
    with pytest.raises(ValueError, match="frequencies"):
        aggregate(responses, sums=sums)
    with pytest.raises(ValueError, match="sums of weights"):
        aggregate(responses, frequency=np.ones(responses.n, dtype=np.int64))
