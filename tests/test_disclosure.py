"""Disclosure control and reliability flags (rapstats.protect) on constructed tables.

Protection is checked independently of the implementation: for every suppressed cell the
minimum and maximum it can take, given the published cells and the published additive
relations, are computed by linear programming over non-negative reals (scipy linprog), and must
differ.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import lp_ranges

from rapstats.estimate.summary import Summary
from rapstats.protect import (
    UNSAFE_BANNER,
    disclosure_rules,
    group_relations,
    protect,
    reliability_reasons,
    secondary_suppression,
)
from rapstats.spec import Disclosure, Question, Spec
from rapstats.table import Table

SPEC = Spec(questions=(Question("q1", "Q1", "Q1", options=("Yes", "No"), positive=("Yes",)),))


def _summary_of(rows: pd.DataFrame, freq: pd.DataFrame | None, by: tuple[str, ...]):
    """A Summary made from DataFrames with a one-question spec (default disclosure rules)."""
    if freq is None:
        columns = ["question", *(f"group:{g}" for g in by), "answer", "kind", "count"]
        freq = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}).assign(
            share_of_base=pd.Series([], dtype=float), in_base=pd.Series([], dtype=bool)
        )
    freq = freq.assign(
        count=freq["count"].astype("int64"),
        respondents=freq.get("respondents", pd.Series(100, index=freq.index)).astype("int64"),
        symbol=None,
        reason=None,
    )
    return Summary(
        Table.from_pandas(rows), Table.from_pandas(freq), by, spec=SPEC, source={}, methods={}
    )


def _rows(cells: list[tuple[Any, ...]], by: tuple[str, ...], base, positive, **extra):
    base = np.asarray(base)
    positive = np.asarray(positive)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(base > 0, positive / np.maximum(base, 1), np.nan)
    df = pd.DataFrame(index=range(len(cells))).assign(
        question="q1", option=None, text="Q1", workstream=None
    )
    for j, g in enumerate(by):
        df[f"group:{g}"] = [c[j] for c in cells]
    half = 1.96 * np.sqrt(share * (1 - share) / np.maximum(base, 1)) + 0.01
    df = df.assign(
        base=base.astype(int),
        positive=positive.astype(int),
        share=share,
        ci_low=np.clip(share - half, 0, 1),
        ci_high=np.clip(share + half, 0, 1),
        baseline=0.3,
        baseline_source="national",
        diff=share - 0.3,
        diff_low=share - 0.4,
        diff_high=share - 0.2,
        test="score_z",
        p_value=0.04,
        p_adjusted=0.08,
        significant=False,
        effective_n=base.astype(float),
        respondents=base.astype(int),
        symbol=None,
        reason=None,
    )
    for k, v in extra.items():
        df[k] = v
    return df


def _summary(cells, by, base, positive, **kw):
    return _summary_of(_rows(cells, by, base, positive, **kw), None, by)


# ---------------------------------------------------------------------------------------------
# Primary suppression and blanking


def test_primary_rules_flags_and_every_number_removed():
    cells = [(None,), ("A",), ("B",), ("C",), ("D",), ("E",), ("F",)]
    # overall; base 5 (small); 12 of 12 positive (non-positive 0); a group of 25 none of whom
    # is in the base; ok; ok; a group of 3 none of whom is in the base
    base = [5 + 12 + 0 + 60 + 40 + 0, 5, 12, 0, 60, 40, 0]
    pos = [3 + 12 + 0 + 20 + 15 + 0, 3, 12, 0, 20, 15, 0]
    respondents = [145, 5, 12, 25, 60, 40, 3]
    out = protect(
        _summary(cells, ("area",), base, pos, respondents=respondents), settings=Disclosure()
    )
    r = out.rows.set_index("group:area", drop=False)
    assert r.loc["A", "symbol"] == "[c]" and r.loc["A", "reason"] == "base below 10"
    assert r.loc["B", "symbol"] == "[c]" and r.loc["B", "reason"] == "count below 10"
    assert r.loc["C", "symbol"] == "[x]" and r.loc["C", "reason"] == "no respondents in the base"
    # a group too small to publish publishes nothing, not even that its base is 0
    assert r.loc["F", "symbol"] == "[c]" and r.loc["F", "reason"] == "base below 10"
    for label in ("A", "B", "F"):
        for col in ("base", "positive", "share", "ci_low", "ci_high", "diff", "diff_low"):
            assert pd.isna(r.loc[label, col]), (label, col)
        for col in ("diff_high", "test", "p_value", "p_adjusted", "significant", "effective_n"):
            assert pd.isna(r.loc[label, col]), (label, col)
        assert r.loc[label, "baseline"] == 0.3  # public
    assert "respondents" not in out.rows  # an input of protect, never published
    assert str(out.rows["base"].dtype) == "Int64"
    # A (5) and B (12) are suppressed; the overall relation has two unknowns: nothing more
    # is needed for base, but the positive counts 3 + 12 must not be derivable either.
    assert out.disclosure["unsafe"] is False and out.disclosure["banner"] is None
    assert out.disclosure["suppressed"]["rows_primary"] == 3
    assert out.disclosure["rules"] == disclosure_rules(Disclosure())


def test_single_suppressed_margin_cell_forces_next_smallest():
    cells = [(None,), ("A",), ("B",), ("C",)]
    base = [3 + 40 + 60, 3, 40, 60]
    pos = [1 + 20 + 30, 1, 20, 30]
    out = protect(_summary(cells, ("area",), base, pos), settings=Disclosure())
    rows = out.rows.assign(area=out.rows["group:area"].fillna("All")).set_index("area")
    assert rows.loc["A", ["symbol", "reason"]].tolist() == ["[c]", "base below 10"]
    # smaller of 40 and 60
    assert rows.loc["B", ["symbol", "reason"]].tolist() == ["[c]", "secondary suppression"]
    assert rows.loc["C", "symbol"] is None and rows.loc["All", "symbol"] is None
    assert out.disclosure["suppressed"]["rows_secondary"] == 1


def test_min_count_five_local_policy():
    cells = [(None,), ("A",), ("B",), ("C",)]
    base = [30 + 30 + 30, 30, 30, 30]
    pos = [7 + 15 + 20, 7, 15, 20]
    s = _summary(cells, ("area",), base, pos)
    assert (
        protect(s, settings=Disclosure(min_count=5)).disclosure["suppressed"]["rows_primary"] == 0
    )
    assert (
        protect(s, settings=Disclosure(min_count=10)).disclosure["suppressed"]["rows_primary"] == 1
    )


def test_unsafe_override_is_loud_and_suppresses_nothing():
    cells = [(None,), ("A",), ("B",)]
    out = protect(_summary(cells, ("area",), [45, 5, 40], [21, 1, 20]), unsafe_no_suppression=True)
    assert out.disclosure["unsafe"] is True
    assert out.disclosure["banner"] == UNSAFE_BANNER == "UNSUPPRESSED – NOT FOR PUBLICATION"
    assert UNSAFE_BANNER in out.disclosure["rules"][0]
    assert out.rows["base"].tolist() == [45, 5, 40]
    assert not any(f == "[c]" for f in out.rows["symbol"])
    assert out.disclosure["suppressed"]["rows_primary"] == 1  # what would have been


def test_frequencies_counts_below_min_count_are_removed():
    freq = pd.DataFrame(
        {
            "question": "q1",
            "group:area": [None] * 4,
            "answer": ["Yes", "No", "(None of these)", "(blank)"],
            "kind": ["answer", "answer", "answer", "blank"],
            "count": [50, 3, 0, 0],
            "share_of_base": [50 / 53, 3 / 53, 0.0, np.nan],
            "in_base": [True, True, True, False],
            "respondents": 53,
        }
    )
    s = _summary_of(_rows([(None,)], ("area",), [53], [50]), freq, ("area",))
    out = protect(s, settings=Disclosure(min_count=5))
    f = out.frequencies
    assert f.loc[1, "symbol"] == "[c]" and f.loc[1, "reason"] == "count below 5"
    # a real answer written in parentheses is an answer like any other (kind, not shape)
    assert f.loc[2, "symbol"] == "[c]" and f.loc[2, "reason"] == "count below 5"
    # "(blank)" says nothing about anyone's views: never primary, possibly a complement
    assert f.loc[3, "reason"] in (None, "secondary suppression")
    assert pd.isna(f.loc[1, "count"]) and pd.isna(f.loc[1, "share_of_base"])
    # Yes = base - No: 50 would give 3 away, so Yes (or the row) is suppressed too
    assert pd.isna(f.loc[0, "count"]) or pd.isna(out.rows.loc[0, "base"])


# ---------------------------------------------------------------------------------------------
# Reliability (NCHS 2017)


def test_reliability_reasons():
    share = np.array([0.5, 0.5, 0.97, 0.0, 0.03, 0.5])
    low = np.array([0.40, 0.30, 0.90, 0.0, 0.01, 0.45])
    high = np.array([0.60, 0.65, 0.995, 0.01, 0.09, 0.55])
    n_eff = np.array([23, 100, 100, 400, 100, 400])
    out = reliability_reasons(share, low, high, n_eff)
    assert out[0] == "effective n 23 < 30"
    assert out[1] == "CI width 0.35 ≥ 0.30"
    # p near 1: relative width uses the complement, 0.095 / 0.03 > 130%
    assert out[2] is not None and out[2].startswith("relative CI width")
    assert out[3] is None  # width 0.01 <= 0.05: relative width not applied
    assert out[4] == "relative CI width 267% > 130%"
    assert out[5] is None


def test_unreliable_marked_u_by_default_and_withheld_on_request():
    cells = [(None,), ("A",), ("B",)]
    s = _summary(cells, ("area",), [145, 25, 120], [60, 12, 48])
    rows = protect(s).rows
    assert rows.loc[1, "symbol"] == "[u]"
    assert rows.loc[1, "reason"].startswith("low reliability: effective n 25 < 30")
    w = protect(s, settings=Disclosure(withhold_unreliable=True)).rows
    assert w.loc[1, "symbol"] == "[x]"
    assert w.loc[1, "reason"].startswith("low reliability: effective n 25 < 30")
    assert pd.isna(w.loc[1, "share"]) and pd.isna(w.loc[1, "positive"])
    assert w.loc[1, "base"] == 25


# ---------------------------------------------------------------------------------------------
# Secondary suppression: no suppressed cell can be recovered (independent LP check)


def _two_way(interior: np.ndarray):
    m, n = interior.shape
    keys: list[tuple[Any, ...]] = [(None, None)]
    vals = [interior.sum()]
    keys += [(f"r{i}", None) for i in range(m)]
    vals += interior.sum(axis=1).tolist()
    keys += [(None, f"c{j}") for j in range(n)]
    vals += interior.sum(axis=0).tolist()
    for i, j in itertools.product(range(m), range(n)):
        keys.append((f"r{i}", f"c{j}"))
        vals.append(interior[i, j])
    return keys, np.array(vals, dtype=float)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda m: st.integers(2, 5).flatmap(
            lambda n: st.lists(
                st.one_of(st.integers(0, 12), st.integers(0, 60)), min_size=m * n, max_size=m * n
            ).map(lambda v: np.array(v).reshape(m, n))
        )
    ),
    st.sampled_from([3, 5, 10]),
)
def test_no_suppressed_cell_of_a_two_way_table_can_be_recovered(interior, threshold):
    keys, values = _two_way(interior)
    relations = group_relations(keys)
    assert len(relations) == 1 + 1 + 1 + interior.shape[0] + interior.shape[1]  # incl. total
    primary = (values > 0) & (values < threshold)
    res = secondary_suppression(values, relations, primary)
    assert res.exposed.size == 0
    assert (res.suppressed >= primary).all()
    if not res.suppressed.any():
        return
    for c, (lo, hi) in lp_ranges(values, relations, res.suppressed).items():
        assert hi - lo > 1e-6, (c, values[c], lo, hi)


def test_bridge_between_two_protected_blocks_is_protected():
    # Rows 0-1 x cols 0-1 and rows 2-3 x cols 2-3 are suppressed blocks; cell (0, 2) alone
    # links them: every relation has 2+ suppressed cells, yet (0, 2) is derivable unless a
    # further cell is suppressed. The audit must catch it.
    interior = np.full((4, 4), 50)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]:
        interior[i, j] = 4
    keys, values = _two_way(interior)
    relations = group_relations(keys)
    res = secondary_suppression(values, relations, (values > 0) & (values < 5))
    for c, (lo, hi) in lp_ranges(values, relations, res.suppressed).items():
        assert hi - lo > 1e-6, (c, lo, hi)


def test_zero_cells_are_not_pinned():
    interior = np.array([[0, 0, 40], [30, 2, 25], [35, 20, 0]])
    keys, values = _two_way(interior)
    relations = group_relations(keys)
    primary = values < 5  # zeros count as small here
    res = secondary_suppression(values, relations, primary)
    for c, (lo, hi) in lp_ranges(values, relations, res.suppressed).items():
        assert hi - lo > 1e-6, (c, lo, hi)


def test_protect_two_way_summary_rows_cannot_be_recovered():
    rng = np.random.default_rng(6)
    m, n = 4, 5
    base_i = rng.integers(0, 40, size=(m, n))
    base_i[0, 0], base_i[2, 3] = 3, 7
    pos_i = (base_i * rng.uniform(0.2, 0.8, size=(m, n))).astype(int)
    keys, base = _two_way(base_i)
    _, pos = _two_way(pos_i)
    out = protect(_summary(keys, ("area", "eth"), base, pos), settings=Disclosure())
    hidden = (out.rows["symbol"] == "[c]").to_numpy()
    assert hidden.sum() >= 4
    relations = group_relations(keys)
    for q in (base, pos, base - pos):
        ranges = lp_ranges(q, relations, hidden)
        for c in np.flatnonzero(out.rows["reason"].fillna("").str.contains("below").to_numpy()):
            lo, hi = ranges[c]
            assert hi - lo > 1e-6 or (q is pos and 10 <= q[c] and 10 <= base[c] - q[c])


@pytest.mark.parametrize("secondary", [True, False])
def test_rules_mention_thresholds(secondary):
    rules = " ".join(disclosure_rules(Disclosure(min_base=10, min_count=5, secondary=secondary)))
    assert "fewer than 10 respondents" in rules and "Counts below 5" in rules
    assert ("secondary suppression" in rules) is secondary or "switched off" in rules
    assert "NCHS" in rules and "130%" in rules and "below 30" in rules
