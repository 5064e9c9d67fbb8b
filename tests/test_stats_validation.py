"""Invalid arguments raise ValueError naming the argument (and the allowed values)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from rapstats import stats
from rapstats.errors import EstimationError

FRAME = pd.DataFrame({"y": [1, 0, 1, 0], "w": [1.0, 2.0, 1.0, 2.0], "g": ["a", "a", "b", "b"]})

CASES: list[tuple[str, Callable[[], Any], str]] = [
    ("x above n", lambda: stats.proportion_ci(5, 3), "x must satisfy 0 <= x <= n"),
    ("x negative", lambda: stats.proportion_ci(-1, 3), "x must satisfy"),
    ("n zero", lambda: stats.proportion_ci(0, 0), "n must be positive"),
    ("n negative in array", lambda: stats.proportion_ci([1, 1], [2, -2]), "n must be positive"),
    ("x not finite", lambda: stats.proportion_ci(float("nan"), 3), "x must be finite"),
    ("x not numeric", lambda: stats.proportion_ci("a", 3), "x must be numeric"),
    ("shapes", lambda: stats.proportion_ci([1, 2], [3, 4, 5]), "x and n cannot be broadcast"),
    ("confidence 1", lambda: stats.proportion_ci(1, 3, confidence=1.0), "confidence must be"),
    ("confidence 0", lambda: stats.proportion_ci(1, 3, confidence=0), "confidence must be"),
    ("confidence 95", lambda: stats.proportion_ci(1, 3, confidence=95), "confidence must be"),
    ("ci method", lambda: stats.proportion_ci(1, 3, method="wilsoncc"), "method must be one of"),
    ("ci method prefix", lambda: stats.proportion_ci(1, 3, method="wil"), "'wilson_cc'"),
    ("diff x2", lambda: stats.diff_ci(1, 3, 4, 3), "x2 must satisfy 0 <= x2 <= n2"),
    ("diff n1", lambda: stats.diff_ci(1, 0, 1, 3), "n1 must be positive"),
    ("diff method", lambda: stats.diff_ci(1, 3, 1, 3, method="newcomb"), "method must be one of"),
    ("p0 above 1", lambda: stats.baseline_test(1, 3, 1.5), "p0 must be"),
    ("p0 negative", lambda: stats.baseline_test(1, 3, -0.1, "exact_binomial"), "p0 must be"),
    ("score p0 at 0", lambda: stats.baseline_test(1, 3, 0.0), "p0 must be strictly between"),
    ("test", lambda: stats.baseline_test(1, 3, 0.5, test="binomial"), "test must be one of"),
    ("alternative", lambda: stats.baseline_test(1, 3, 0.5, alternative="larger"), "alternative"),
    (
        "exact x whole",
        lambda: stats.baseline_test(1.5, 3, 0.5, "exact_binomial"),
        "x must be whole",
    ),
    ("two-sample test", lambda: stats.two_sample_test(1, 3, 1, 3, test="chisq"), "test must be"),
    (
        "fisher whole",
        lambda: stats.two_sample_test(1.5, 3, 1, 3, test="fisher"),
        "x1 must be whole",
    ),
    ("adjust method", lambda: stats.p_adjust([0.1], method="bh"), "method must be one of"),
    ("adjust p", lambda: stats.p_adjust([0.1, 1.2]), "p must contain p-values in [0, 1]"),
    ("weighted method", lambda: stats.weighted_proportion(FRAME, "y", method="wald"), "method"),
    ("weighted outcome", lambda: stats.weighted_proportion(FRAME, "z"), "outcome names a column"),
    ("weighted weights", lambda: stats.weighted_proportion(FRAME, "y", weights="v"), "weights"),
    ("weighted 0/1", lambda: stats.weighted_proportion(FRAME, "w"), "outcome column 'w' must"),
    ("weighted domain", lambda: stats.weighted_proportion(FRAME, "y", domain="g"), "domain must"),
    (
        "weighted confidence",
        lambda: stats.weighted_proportion(FRAME, "y", confidence=2),
        "confidence must be",
    ),
    (
        "sums n",
        lambda: stats.weighted_proportion_from_sums(0, 1.0, 0.5, 1.0, 0.5, n_total=5),
        "n must be at least 1",
    ),
    (
        "sums sum_wy",
        lambda: stats.weighted_proportion_from_sums(2, 1.0, 1.5, 1.0, 0.5, n_total=5),
        "sum_wy must be in [0, sum_w]",
    ),
    (
        "sums n_total",
        lambda: stats.weighted_proportion_from_sums(6, 6.0, 3.0, 6.0, 3.0, n_total=5),
        "n_total must be >= n",
    ),
    (
        "sums method",
        lambda: stats.weighted_proportion_from_sums(2, 2.0, 1.0, 2.0, 1.0, n_total=5, method="x"),
        "method must be one of",
    ),
    ("margin", lambda: stats.sample_size(0.5, 0.0), "margin must be strictly between"),
    ("sample p", lambda: stats.sample_size(1.5, 0.05), "p must be between"),
    ("population", lambda: stats.sample_size(0.5, 0.05, population_size=0), "population_size"),
    (
        "power both",
        lambda: stats.two_proportion_power(0.3, 0.4, n_per_group=10, power=0.8),
        "n_per_group and power",
    ),
    ("power neither", lambda: stats.two_proportion_power(0.3, 0.4), "n_per_group and power"),
    ("power p1", lambda: stats.two_proportion_power(1.3, 0.4, power=0.8), "p1 must be"),
    (
        "power equal",
        lambda: stats.two_proportion_power(0.4, 0.4, power=0.8),
        "p1 and p2 must differ",
    ),
    ("power alpha", lambda: stats.two_proportion_power(0.3, 0.4, power=0.8, alpha=1.5), "alpha"),
    ("power power", lambda: stats.two_proportion_power(0.3, 0.4, power=1.0), "power must be"),
    (
        "baseline both",
        lambda: stats.baseline_diff_ci(1, 3, 0.5, baseline_n=10, baseline_ci=(0.4, 0.6)),
        "baseline_n and baseline_ci",
    ),
    (
        "baseline ci pair",
        lambda: stats.baseline_diff_ci(1, 3, 0.5, baseline_ci=0.4),
        "baseline_ci must be a pair",
    ),
    (
        "baseline ci contains",
        lambda: stats.baseline_diff_ci(1, 3, 0.5, baseline_ci=(0.6, 0.7)),
        "baseline_ci must contain p0",
    ),
    ("baseline_n", lambda: stats.baseline_diff_ci(1, 3, 0.5, baseline_n=0), "baseline_n must"),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_argument_names_it(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        call()
    assert message in str(info.value)


def test_unknown_method_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError) as info:
        stats.proportion_ci(1, 3, method="exact")
    text = str(info.value)
    assert "'exact'" in text
    assert all(repr(m) in text for m in stats.CI_METHODS)


def test_empty_domain_is_an_estimation_error() -> None:
    with pytest.raises(EstimationError, match="no respondents"):
        stats.weighted_proportion(FRAME, "y", weights="w", domain=("g", "zzz"))


def test_lonely_psu_is_an_estimation_error() -> None:
    data = FRAME.assign(s=["p", "q", "q", "q"])
    with pytest.raises(EstimationError, match="only one PSU"):
        stats.weighted_proportion(data, "y", weights="w", strata="s")


def test_method_tuples_feed_the_literals() -> None:
    assert stats.CI_METHODS[0] == "wilson" and len(stats.CI_METHODS) == 6
    assert stats.DIFF_METHODS[0] == "newcombe"
    assert stats.BASELINE_TESTS == ("score_z", "exact_binomial")
    assert stats.TWO_SAMPLE_TESTS == ("chisq_nocc", "chisq_yates", "fisher")
    assert stats.ADJUST_METHODS == ("holm", "BH")
    assert stats.WEIGHTED_METHODS[0] == "logit"
    assert "wald" not in stats.WEIGHTED_METHODS


def test_import_and_wilson_do_not_load_scipy() -> None:
    code = (
        "import sys, numpy as np\n"
        "import rapstats.stats as s\n"
        "assert 'scipy' not in sys.modules, 'import'\n"
        "s.proportion_ci([1, 2], [3, 4]); s.proportion_ci(1, 3, 'wilson_cc')\n"
        "s.baseline_test([1, 2], [3, 4], 0.5, alternative='less')\n"
        "s.diff_ci(1, 3, 2, 5); s.two_sample_test(1, 3, 2, 5, 'chisq_yates')\n"
        "s.sample_size(0.5, 0.05); s.two_proportion_power(0.3, 0.4, power=0.8)\n"
        "s.p_adjust([0.1, 0.2])\n"
        "s.weighted_proportion_from_sums(3, 3.0, 1.0, 3.0, 1.0, n_total=5, method='kish_wilson')\n"
        "assert 'scipy' not in sys.modules, 'call'\n"
        "assert 'pandas' not in sys.modules, 'pandas'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_missing_outcome_outside_domain_is_ignored() -> None:
    data = FRAME.assign(y=[1.0, 0.0, float("nan"), None])
    inside = stats.weighted_proportion(data, "y", weights="w", domain=("g", "a"))
    assert inside.estimate == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="outcome column 'y' must hold only 0/1"):
        stats.weighted_proportion(data, "y", weights="w", domain=("g", "b"))
