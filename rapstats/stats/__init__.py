"""Honest statistics for proportions from survey counts: intervals, tests and designs.

Every function is vectorised: pass scalars for one cell (floats come back) or numpy arrays
for a whole table (arrays come back, broadcast). Results are frozen dataclasses whose
attributes are the API; an :class:`Interval` carries its ``method`` and ``confidence`` so a
report can say how it was made.

One proportion
    :func:`proportion_ci` (``CI_METHODS``), :func:`baseline_test` (``BASELINE_TESTS``),
    :func:`baseline_diff_ci` (difference from a published baseline; its ``method`` says which
    of ``BASELINE_DIFF_METHODS`` the baseline allowed).
Two proportions
    :func:`diff_ci` (``DIFF_METHODS``), :func:`two_sample_test` (``TWO_SAMPLE_TESTS``).
Groups of one sample
    :func:`homogeneity_test` (Pearson, k x 2), :func:`rao_scott_test` (weighted) and
    :func:`domain_difference` (two weighted groups, design-based).
Several ordered groups
    :func:`trend_test` (Cochran-Armitage test for linear trend, R ``prop.trend.test``).
Many tests
    :func:`p_adjust` (``ADJUST_METHODS``).
Weighted data
    :func:`weighted_proportion` (design-based, as R ``survey``) and
    :func:`weighted_proportion_from_sums` (the same from per-cell sums),
    :func:`design_proportion_from_sums` (stratified, clustered designs from per-stratum sums),
    ``WEIGHTED_METHODS``.
Planning
    :func:`sample_size`, :func:`two_proportion_power`.

The method names are defined once, in :mod:`rapstats.vocab` (with a one-line description and a
reference each), and re-exported here. Importing this package does not import scipy; the
Wilson intervals and the score tests never do. Invalid arguments raise :class:`ArgumentError`
(a ``ValueError``) naming the argument and the allowed values.

Example
-------
>>> from rapstats.stats import proportion_ci
>>> ci = proportion_ci([81, 15], [263, 148])
>>> ci.low.round(4), ci.high.round(4)
(array([0.2553, 0.0624]), array([0.3662, 0.1605]))
"""

from __future__ import annotations

from rapstats.stats._common import ArgumentError
from rapstats.stats.baseline import (
    ALTERNATIVES,
    BASELINE_TESTS,
    Alternative,
    BaselineTest,
    BaselineTestResult,
    baseline_diff_ci,
    baseline_test,
)
from rapstats.stats.ci import CI_METHODS, CIMethod, Interval, proportion_ci
from rapstats.stats.compare import (
    DIFF_METHODS,
    TWO_SAMPLE_TESTS,
    DiffMethod,
    TwoSampleTest,
    TwoSampleTestResult,
    diff_ci,
    two_sample_test,
)
from rapstats.stats.groups import (
    DomainDifference,
    HomogeneityResult,
    domain_difference,
    homogeneity_test,
    rao_scott_test,
)
from rapstats.stats.multiplicity import ADJUST_METHODS, AdjustedPValues, AdjustMethod, p_adjust
from rapstats.stats.power import SampleSize, TwoProportionPower, sample_size, two_proportion_power
from rapstats.stats.survey import (
    WEIGHTED_METHODS,
    WeightedMethod,
    WeightedProportion,
    weighted_proportion,
)
from rapstats.stats.survey_sums import design_proportion_from_sums, weighted_proportion_from_sums
from rapstats.stats.trend import TrendTestResult, trend_test
from rapstats.vocab import BASELINE_DIFF_METHODS, BaselineDiffMethod

__all__ = [
    "ADJUST_METHODS",
    "ALTERNATIVES",
    "BASELINE_DIFF_METHODS",
    "BASELINE_TESTS",
    "CI_METHODS",
    "DIFF_METHODS",
    "TWO_SAMPLE_TESTS",
    "WEIGHTED_METHODS",
    "AdjustMethod",
    "AdjustedPValues",
    "Alternative",
    "ArgumentError",
    "BaselineDiffMethod",
    "BaselineTest",
    "BaselineTestResult",
    "CIMethod",
    "DiffMethod",
    "DomainDifference",
    "HomogeneityResult",
    "Interval",
    "SampleSize",
    "TwoProportionPower",
    "TwoSampleTest",
    "TrendTestResult",
    "TwoSampleTestResult",
    "WeightedMethod",
    "WeightedProportion",
    "baseline_diff_ci",
    "baseline_test",
    "diff_ci",
    "domain_difference",
    "homogeneity_test",
    "p_adjust",
    "proportion_ci",
    "rao_scott_test",
    "sample_size",
    "trend_test",
    "two_sample_test",
    "two_proportion_power",
    "weighted_proportion",
    "weighted_proportion_from_sums",
    "design_proportion_from_sums",
]
