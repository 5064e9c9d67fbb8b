"""baseline_diff_ci against values derived in the test from the published formulas.

Wilson (1927) score limits, written out here (Newcombe 1998a, eq. for method 3), and the
MOVER / square-and-add combination of Newcombe (1998b, method 10) and Zou & Donner (2008):
L = d - sqrt((p1 - l1)^2 + (u0 - p0)^2), U = d + sqrt((u1 - p1)^2 + (p0 - l0)^2).
Nothing here calls rapstats to make an expected value.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from rapstats import stats


def z_of(confidence: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson(x: float, n: float, confidence: float) -> tuple[float, float]:
    z = z_of(confidence)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def mover(p1: float, l1: float, u1: float, p0: float, l0: float, u0: float) -> tuple[float, float]:
    d = p1 - p0
    return d - math.hypot(p1 - l1, u0 - p0), d + math.hypot(u1 - p1, p0 - l0)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize(("x", "n", "p0"), [(40, 400, 0.06), (221, 321, 0.3), (9, 12, 0.5)])
def test_fixed_baseline_is_shifted_wilson(x: int, n: int, p0: float, confidence: float) -> None:
    low, high = wilson(x, n, confidence)
    ci = stats.baseline_diff_ci(x, n, p0, confidence=confidence)
    assert ci.method == "wilson_shift" and ci.confidence == confidence
    assert ci.low == pytest.approx(low - p0, abs=1e-12)
    assert ci.high == pytest.approx(high - p0, abs=1e-12)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize(
    ("x", "n", "p0", "n0"), [(40, 400, 0.06, 380), (56, 70, 0.6, 80), (15, 148, 0.2, 1000)]
)
def test_baseline_with_n_is_newcombe(x: int, n: int, p0: float, n0: int, confidence: float) -> None:
    l1, u1 = wilson(x, n, confidence)
    l0, u0 = wilson(p0 * n0, n0, confidence)
    low, high = mover(x / n, l1, u1, p0, l0, u0)
    ci = stats.baseline_diff_ci(x, n, p0, baseline_n=n0, confidence=confidence)
    assert ci.method == "newcombe"
    assert ci.low == pytest.approx(low, abs=1e-12)
    assert ci.high == pytest.approx(high, abs=1e-12)


def test_baseline_with_n_matches_r_newcombe() -> None:
    # R value from the reference corpus (diff_ci ..._exact_shares.40of400_vs_22p8of380.newcombe):
    # 6% of 380 is 22.8, so baseline p0 = 0.06 with n = 380.
    ci = stats.baseline_diff_ci(40, 400, 0.06, baseline_n=380)
    assert ci.low == pytest.approx(0.00157399861127645, abs=1e-9)
    assert ci.high == pytest.approx(0.0787301237979745, abs=1e-9)


def test_published_interval_is_used_directly_at_95() -> None:
    p1, l1, u1 = 40 / 400, *wilson(40, 400, 0.95)
    low, high = mover(p1, l1, u1, 0.06, 0.041, 0.085)
    ci = stats.baseline_diff_ci(40, 400, 0.06, baseline_ci=(0.041, 0.085))
    assert ci.method == "mover"
    assert (ci.low, ci.high) == pytest.approx((low, high), abs=1e-12)


def test_published_interval_rescaled_to_other_level() -> None:
    scale = z_of(0.9) / z_of(0.95)
    l0, u0 = 0.06 - 0.019 * scale, 0.06 + 0.025 * scale
    p1, l1, u1 = 40 / 400, *wilson(40, 400, 0.9)
    low, high = mover(p1, l1, u1, 0.06, l0, u0)
    ci = stats.baseline_diff_ci(40, 400, 0.06, baseline_ci=(0.041, 0.085), confidence=0.9)
    assert (ci.low, ci.high) == pytest.approx((low, high), abs=1e-12)


def test_uncertain_baseline_widens_the_interval() -> None:
    fixed = stats.baseline_diff_ci(40, 400, 0.06)
    small = stats.baseline_diff_ci(40, 400, 0.06, baseline_n=200)
    huge = stats.baseline_diff_ci(40, 400, 0.06, baseline_n=10**9)
    assert small.low < fixed.low and small.high > fixed.high
    assert (huge.low, huge.high) == pytest.approx((fixed.low, fixed.high), abs=1e-4)


def test_vectorised_over_a_table() -> None:
    x = np.array([40, 0, 12])
    n = np.array([400, 20, 12])
    ci = stats.baseline_diff_ci(x, n, 0.1, baseline_n=500)
    for i in range(3):
        l1, u1 = wilson(x[i], n[i], 0.95)
        l1 = 0.0 if x[i] == 0 else l1  # Wilson edges: L = 0 at x = 0, U = 1 at x = n
        u1 = 1.0 if x[i] == n[i] else u1
        l0, u0 = wilson(50, 500, 0.95)
        low, high = mover(x[i] / n[i], l1, u1, 0.1, l0, u0)
        assert ci.low[i] == pytest.approx(low, abs=1e-12)
        assert ci.high[i] == pytest.approx(high, abs=1e-12)
