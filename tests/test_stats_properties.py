"""Hypothesis invariants of rapstats.stats (no expected values computed with rapstats)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rapstats import stats

EPS = 1e-9
confidences = st.floats(min_value=0.8, max_value=0.999)


@st.composite
def counts(draw: st.DrawFn, max_n: int = 10_000, fractional: bool = True) -> tuple[float, float]:
    """(x, n) with 0 <= x <= n, n >= 1; sometimes a fractional x (share * n)."""
    n = draw(st.integers(min_value=1, max_value=max_n))
    if fractional and draw(st.booleans()):
        x = draw(st.floats(min_value=0.0, max_value=float(n)))
    else:
        x = draw(st.integers(min_value=0, max_value=n))
    return x, n


# ---- single proportion ----


@pytest.mark.parametrize("method", stats.CI_METHODS)
@settings(deadline=None)  # the first call may import scipy
@given(xn=counts(), confidence=confidences)
def test_interval_contains_estimate_within_unit(
    method: str, xn: tuple[float, float], confidence: float
) -> None:
    x, n = xn
    ci = stats.proportion_ci(x, n, method, confidence)
    assert isinstance(ci.low, float) and isinstance(ci.high, float)
    assert 0.0 <= ci.low <= x / n + EPS
    assert x / n - EPS <= ci.high <= 1.0


@pytest.mark.parametrize("method", stats.CI_METHODS)
@settings(deadline=None)  # the first call may import scipy
@given(xn=counts(), c1=confidences, c2=confidences)
def test_intervals_nest_as_confidence_rises(
    method: str, xn: tuple[float, float], c1: float, c2: float
) -> None:
    x, n = xn
    lo_conf, hi_conf = sorted((c1, c2))
    narrow = stats.proportion_ci(x, n, method, lo_conf)
    wide = stats.proportion_ci(x, n, method, hi_conf)
    assert wide.low <= narrow.low + EPS
    assert narrow.high <= wide.high + EPS


@pytest.mark.parametrize("method", stats.CI_METHODS)
@settings(deadline=None)  # the first call may import scipy
@given(xn=counts(), confidence=confidences)
def test_interval_symmetric_in_successes_and_failures(
    method: str, xn: tuple[float, float], confidence: float
) -> None:
    x, n = xn
    ci = stats.proportion_ci(x, n, method, confidence)
    mirror = stats.proportion_ci(n - x, n, method, confidence)
    assert ci.low == pytest.approx(1.0 - mirror.high, abs=1e-9)
    assert ci.high == pytest.approx(1.0 - mirror.low, abs=1e-9)


@pytest.mark.parametrize("method", stats.CI_METHODS)
@settings(deadline=None)  # the first call may import scipy
@given(data=st.lists(counts(max_n=500), min_size=1, max_size=20), confidence=confidences)
def test_array_call_equals_scalar_calls(
    method: str, data: list[tuple[float, float]], confidence: float
) -> None:
    x = np.array([d[0] for d in data], dtype=float)
    n = np.array([d[1] for d in data], dtype=float)
    table = stats.proportion_ci(x, n, method, confidence)
    assert isinstance(table.low, np.ndarray) and table.low.shape == x.shape
    for i in range(x.size):
        one = stats.proportion_ci(float(x[i]), float(n[i]), method, confidence)
        assert table.low[i] == pytest.approx(one.low, abs=1e-12)
        assert table.high[i] == pytest.approx(one.high, abs=1e-12)


# ---- two proportions ----


@pytest.mark.parametrize("method", stats.DIFF_METHODS)
@settings(deadline=None)  # the first call may import scipy
@given(a=counts(), b=counts(), confidence=confidences)
def test_diff_interval_antisymmetric(
    method: str, a: tuple[float, float], b: tuple[float, float], confidence: float
) -> None:
    ci = stats.diff_ci(a[0], a[1], b[0], b[1], method, confidence)
    swapped = stats.diff_ci(b[0], b[1], a[0], a[1], method, confidence)
    assert ci.low == pytest.approx(-swapped.high, abs=1e-12)
    assert ci.high == pytest.approx(-swapped.low, abs=1e-12)
    assert -1.0 <= ci.low <= ci.high <= 1.0


@pytest.mark.parametrize("method", ["newcombe", "newcombe_cc", "wald"])
@settings(deadline=None)  # the first call may import scipy
@given(a=counts(), b=counts(), confidence=confidences)
def test_diff_interval_contains_difference(
    method: str, a: tuple[float, float], b: tuple[float, float], confidence: float
) -> None:
    d = a[0] / a[1] - b[0] / b[1]
    ci = stats.diff_ci(a[0], a[1], b[0], b[1], method, confidence)
    assert ci.low - EPS <= d <= ci.high + EPS


# ---- tests: p-values in [0, 1] ----


@pytest.mark.parametrize("alternative", stats.ALTERNATIVES)
@settings(deadline=None)  # the first call may import scipy
@given(xn=counts(max_n=3000, fractional=False), p0=st.floats(min_value=0.001, max_value=0.999))
def test_baseline_p_values_in_unit_interval(
    alternative: str, xn: tuple[int, int], p0: float
) -> None:
    x, n = xn
    for test in stats.BASELINE_TESTS:
        r = stats.baseline_test(x, n, p0, test, alternative)
        assert 0.0 <= r.p_value <= 1.0


@settings(deadline=None)  # the first call may import scipy
@given(a=counts(max_n=300, fractional=False), b=counts(max_n=300, fractional=False))
def test_two_sample_p_values_in_unit_interval(a: tuple[int, int], b: tuple[int, int]) -> None:
    pooled = (a[0] + b[0]) / (a[1] + b[1])
    for test in stats.TWO_SAMPLE_TESTS:
        r = stats.two_sample_test(a[0], a[1], b[0], b[1], test)
        if test != "fisher" and pooled in (0.0, 1.0):
            assert math.isnan(r.p_value)  # chi-square undefined, as in R
            continue
        assert 0.0 <= r.p_value <= 1.0


def _binom_pmf(k: int, n: int, p: Fraction) -> Fraction:
    return math.comb(n, k) * p**k * (1 - p) ** (n - k)


@settings(max_examples=60, deadline=None)
@given(xn=counts(max_n=60, fractional=False), p0=st.integers(min_value=1, max_value=99))
def test_exact_binomial_matches_definition(xn: tuple[int, int], p0: int) -> None:
    # R binom.test's two-sided rule, summed directly in exact rational arithmetic.
    x, n = xn
    p = Fraction(p0, 100)
    pmf = [_binom_pmf(k, n, p) for k in range(n + 1)]
    d = pmf[x]
    assume(all(abs(v - d) > d * Fraction(1, 10**6) or v == d for v in pmf))  # no near-ties
    expected = float(sum(v for v in pmf if v <= d))
    got = stats.baseline_test(x, n, p0 / 100, "exact_binomial").p_value
    assert got == pytest.approx(min(1.0, expected), rel=1e-9, abs=1e-14)


@settings(max_examples=60, deadline=None)
@given(a=counts(max_n=40, fractional=False), b=counts(max_n=40, fractional=False))
def test_fisher_matches_definition(a: tuple[int, int], b: tuple[int, int]) -> None:
    # R fisher.test's two-sided rule, summed directly in exact rational arithmetic.
    (x1, n1), (x2, n2) = a, b
    c = x1 + x2
    support = range(max(0, c - n2), min(c, n1) + 1)
    pmf = {
        k: Fraction(math.comb(n1, k) * math.comb(n2, c - k), math.comb(n1 + n2, c)) for k in support
    }
    d = pmf[x1]
    assume(all(abs(v - d) > d * Fraction(1, 10**6) or v == d for v in pmf.values()))
    expected = float(sum(v for v in pmf.values() if v <= d))
    got = stats.two_sample_test(x1, n1, x2, n2, "fisher").p_value
    assert got == pytest.approx(min(1.0, expected), rel=1e-9, abs=1e-14)


# ---- multiplicity ----

p_lists = st.lists(
    st.one_of(st.floats(min_value=0.0, max_value=1.0), st.none()), min_size=1, max_size=40
)


@pytest.mark.parametrize("method", stats.ADJUST_METHODS)
@settings(deadline=None)  # the first call may import scipy
@given(p=p_lists)
def test_adjusted_p_values_between_raw_and_one(method: str, p: list[float | None]) -> None:
    r = stats.p_adjust(p, method)
    raw = np.array([np.nan if v is None else v for v in p])
    missing = np.isnan(raw)
    assert np.array_equal(np.isnan(r.adjusted), missing)
    assert r.n_tests == int((~missing).sum())
    assert np.all(r.adjusted[~missing] >= raw[~missing])
    assert np.all(r.adjusted[~missing] <= 1.0)


@settings(deadline=None)  # the first call may import scipy
@given(p=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=40))
def test_holm_never_below_bh(p: list[float]) -> None:
    holm = stats.p_adjust(p, "holm").adjusted
    bh = stats.p_adjust(p, "BH").adjusted
    assert np.all(holm >= bh - 1e-15)


# ---- weighted ----


@pytest.mark.parametrize("method", stats.WEIGHTED_METHODS)
@settings(deadline=None)  # the first call may import scipy
@given(
    xn=counts(max_n=2000, fractional=False),
    w=st.floats(min_value=0.1, max_value=1000.0),
    confidence=confidences,
)
def test_equal_weights_give_the_unweighted_share(
    method: str, xn: tuple[int, int], w: float, confidence: float
) -> None:
    x, n = xn
    assume(0 < x < n)
    r = stats.weighted_proportion_from_sums(
        n, w * n, w * x, w * w * n, w * w * x, n_total=n, method=method, confidence=confidence
    )
    assert r.estimate == pytest.approx(x / n, rel=1e-12)
    assert r.kish_n_eff == pytest.approx(n, rel=1e-12)
    assert r.df == n - 1 and r.n == n
    if n > 1:
        # Weights-only linearised variance with equal weights: p(1-p)/(n-1).
        assert r.se == pytest.approx(math.sqrt(x / n * (1 - x / n) / (n - 1)), rel=1e-9)
    if method != "mean" and n > 1:
        assert 0.0 <= r.ci.low <= r.estimate <= r.ci.high <= 1.0
