"""Exactly rounded sums (rapstats.aggregate._exact) against an independent reference: the
exact rational sum (``fractions.Fraction``) rounded to float64 by Python (correctly rounded,
ties to even), and ``math.fsum``; and the same bits whatever the order or batches."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rapstats.aggregate._exact import ExactSums, limbs_of, split

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
# sums near ties: dyadic values at nearby binary positions
dyadic = st.builds(
    lambda m, e: math.ldexp(m, e), st.integers(-(2**53), 2**53), st.integers(-1100, 900)
)
values_lists = st.lists(st.one_of(finite, dyadic), min_size=1, max_size=40)


def reference(values: list[float]) -> float:
    return float(sum((Fraction(v) for v in values), Fraction(0)))


def exact(values: list[float], bins: list[int], size: int, batches: int = 1) -> np.ndarray:
    sums = ExactSums(size)
    for part in np.array_split(np.arange(len(values)), batches):
        sums.add(np.asarray(bins)[part], split(np.asarray(values, dtype=float)[part]))
    return sums.rounded()


@settings(max_examples=300, deadline=None)
@given(values_lists, st.data())
def test_sum_is_the_exact_sum_rounded_once(values: list[float], data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 4))
    bins = data.draw(st.lists(st.integers(0, size - 1), min_size=len(values), max_size=len(values)))
    batches = data.draw(st.integers(1, len(values)))
    got = exact(values, bins, size, batches)
    for b in range(size):
        chosen = [v for v, at in zip(values, bins, strict=True) if at == b]
        want = reference(chosen)
        assert got[b] == want, (b, got[b], want)
        if chosen and abs(want) < 1e300:
            assert got[b] == math.fsum(chosen)


@settings(max_examples=100, deadline=None)
@given(values_lists, st.randoms(use_true_random=False))
def test_order_and_merging_do_not_change_the_bits(values: list[float], rnd) -> None:
    shuffled = list(values)
    rnd.shuffle(shuffled)
    one = exact(values, [0] * len(values), 1)
    halves = ExactSums(1)
    for part in (shuffled[: len(shuffled) // 2], shuffled[len(shuffled) // 2 :]):
        partial = ExactSums(1)
        partial.add(np.zeros(len(part), dtype=np.int64), split(np.asarray(part, dtype=float)))
        halves.merge(partial)
    assert one.tobytes() == halves.rounded().tobytes()


def test_ties_round_to_even() -> None:
    sums = ExactSums(4)
    tiny = 2.0**-53
    sums.add(
        np.array([0, 0, 1, 1, 2, 2, 2, 3, 3]),
        split(np.array([1.0, tiny, 1 + 2**-52, tiny, 1.0, tiny, 2.0**-200, 0.1, -0.1])),
    )
    assert sums.rounded().tolist() == [1.0, 1 + 2**-51, 1 + 2**-52, 0.0]


def test_a_million_tenths() -> None:
    sums = ExactSums(1)
    sums.add(np.zeros(10**6, dtype=np.int64), split(np.full(10**6, 0.1)))
    assert sums.rounded()[0] == float(Fraction(0.1) * 10**6)
    assert sums.rounded()[0] == math.fsum([0.1] * 10**6)


def test_non_finite_values_are_refused() -> None:
    with np.testing.assert_raises(ValueError):
        split(np.array([1.0, math.inf]))


def limbs_by_formula(values: list[float], low: int, width: int) -> np.ndarray:
    """Limbs as another engine makes them from the documented formula, in Python integers:
    limb k of v is floor(v / 2**(32k)) mod 2**32 (the last limb keeps the rest, signed)."""
    rows = []
    for v in values:
        exact = Fraction(v) / Fraction(2) ** (32 * low)
        assert exact.denominator == 1
        whole = exact.numerator
        row = [(whole >> (32 * j)) & (2**32 - 1) for j in range(width - 1)]
        rows.append([*row, whole >> (32 * (width - 1))])
    return np.array(rows, dtype=np.int64)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=30))
def test_limbs_made_elsewhere_add_up_to_the_same_bits(values: list[float]) -> None:
    """Sums of limbs made by another engine (as the Spark job makes them) and added with
    ``add_limbs`` give the bits of the values split and added here."""
    low = -3  # 2**-96: below the lowest bit of any double in +-[2**-43, 1e6]
    values = [v if abs(v) >= 2**-43 else 0.0 for v in values]
    limbs = limbs_by_formula(values, low, 5)
    bins = np.arange(len(values)) % 2
    elsewhere = ExactSums(2)
    elsewhere.add_limbs(bins, limbs, low)
    assert elsewhere.rounded().tobytes() == exact(values, bins.tolist(), 2).tobytes()


def test_among_leaves_out_the_values_not_chosen() -> None:
    sums = ExactSums(2)
    values = np.array([0.5, 0.25, 4.0, 8.0])
    sums.add(np.array([0, 0, 1, 1]), split(values), among=np.array([True, False, True, False]))
    assert sums.rounded().tolist() == [0.5, 4.0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e290, 1e290), min_size=1, max_size=40), st.data())
def test_limbs_of_copies_are_the_exact_multiples(values: list[float], data: st.DataObject) -> None:
    counts = data.draw(
        st.lists(st.integers(0, 2**31 - 1), min_size=len(values), max_size=len(values))
    )
    limbs, low = limbs_of(np.asarray(values), np.asarray(counts))
    sums = ExactSums(len(values))
    sums.add_limbs(np.arange(len(values)), limbs, low)
    for got, v, c in zip(sums.rounded(), values, counts, strict=True):
        assert got == float(Fraction(v) * c)
    among = np.asarray(counts) % 2 == 0
    total = ExactSums(1)
    total.add_limbs(np.zeros(len(values), dtype=np.int64), limbs, low, among)
    chosen = [Fraction(v) * c for v, c, a in zip(values, counts, among, strict=True) if a]
    assert total.rounded()[0] == float(sum(chosen, Fraction(0)))


def test_scaled_split_and_rounding_move_the_binary_point() -> None:
    values = np.array([0.1, 0.75, 3.0])
    for scale in (-70, -33, -1, 5, 32, 100):
        sums = ExactSums(1)
        sums.add(np.zeros(3, dtype=np.int64), split(values, scale))
        assert sums.rounded(-scale)[0] == math.fsum(values.tolist())
