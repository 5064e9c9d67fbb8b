"""weighted_proportion_from_sums agrees with weighted_proportion, and hence with R survey.

The designs are the reference corpus's weights-only designs (R
``svydesign(ids = ~1, weights = ~pw, data = apistrat / apiclus1)``), for the whole sample and
for each school type as a domain. The per-cell sums are built with one pandas groupby, as the
summarize pipeline does.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE

from rapstats import stats

DATASETS = ["data/apistrat.csv", "data/apiclus1.csv"]
OUTCOMES = ["sch_wide_yes", "awards_yes"]


def cell_sums(data: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Sufficient statistics per school type, plus the whole sample as cell "all"."""
    frame = pd.DataFrame(
        {
            "stype": data["stype"],
            "n": 1,
            "sum_w": data["pw"],
            "sum_wy": data["pw"] * data[outcome],
            "sum_w2": data["pw"] ** 2,
            "sum_w2y": data["pw"] ** 2 * data[outcome],
        }
    )
    by_type = frame.groupby("stype").sum()
    overall = frame.drop(columns="stype").sum().to_frame("all").T
    return pd.concat([overall, by_type])


@pytest.mark.parametrize("method", stats.WEIGHTED_METHODS)
@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("csv", DATASETS)
def test_sums_agree_with_rows(csv: str, outcome: str, method: str) -> None:
    data = pd.read_csv(REFERENCE / csv)
    sums = cell_sums(data, outcome)
    table = stats.weighted_proportion_from_sums(
        sums["n"].to_numpy(),
        sums["sum_w"].to_numpy(),
        sums["sum_wy"].to_numpy(),
        sums["sum_w2"].to_numpy(),
        sums["sum_w2y"].to_numpy(),
        n_total=len(data),
        method=method,
    )
    assert table.ci.method == method and table.ci.confidence == 0.95
    for i, cell in enumerate(sums.index):
        domain = None if cell == "all" else ("stype", cell)
        one = stats.weighted_proportion(data, outcome, weights="pw", domain=domain, method=method)
        assert table.n[i] == one.n and table.df[i] == one.df
        for name in ("estimate", "se", "deff", "deff_replace", "kish_n_eff", "kish_deff"):
            assert getattr(table, name)[i] == pytest.approx(getattr(one, name), rel=1e-10)
        assert table.ci.low[i] == pytest.approx(one.ci.low, rel=1e-9, abs=1e-12)
        assert table.ci.high[i] == pytest.approx(one.ci.high, rel=1e-9, abs=1e-12)


def weights_only_cases() -> list[dict[str, Any]]:
    cases = json.loads((REFERENCE / "proportions.json").read_text())
    return [
        c
        for c in cases
        if c["kind"] == "weighted_prop" and c["inputs"]["design"]["ids"] is None
        and c["inputs"]["design"]["strata"] is None and c["inputs"]["design"]["fpc"] is None
        and c["inputs"]["design"]["weights"] is not None
    ]  # fmt: skip


CASES = weights_only_cases()


def test_there_are_weights_only_reference_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_sums_match_r_survey(case: dict[str, Any]) -> None:
    # Expected values: R survey 4.1.1 svyciprop / svymean, as recorded in the corpus.
    inputs, expected, tol = case["inputs"], case["expected"], case["tolerance"]["abs"]
    data = pd.read_csv(REFERENCE / inputs["csv"])
    if inputs["domain"] is not None:
        members = data[data[inputs["domain"]["variable"]] == inputs["domain"]["value"]]
    else:
        members = data
    w = members[inputs["design"]["weights"]].to_numpy(float)
    y = members[inputs["outcome"]].to_numpy(float)
    method = "logit" if inputs["method"] == "svymean" else inputs["method"]
    r = stats.weighted_proportion_from_sums(
        len(w),
        w.sum(),
        (w * y).sum(),
        (w * w).sum(),
        (w * w * y).sum(),
        n_total=len(data),
        method=method,
        confidence=inputs["confidence"],
    )
    assert r.df == expected["df"]
    assert abs(r.estimate - expected["estimate"]) <= tol
    assert abs(r.se - expected["se"]) <= tol
    if "ci" in expected:
        assert np.allclose([r.ci.low, r.ci.high], expected["ci"], rtol=0, atol=tol)
    for name in ("deff", "deff_replace", "kish_n_eff", "kish_deff", "n"):
        if name in expected:
            assert abs(getattr(r, name) - expected[name]) <= tol
