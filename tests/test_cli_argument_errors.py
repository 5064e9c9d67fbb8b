"""Invalid arguments of ``ci`` and ``samplesize`` are usage errors (exit 2, one line); only
:class:`rapstats.stats.ArgumentError` is, so a bug (any other ValueError) is never shown as
bad usage."""

from __future__ import annotations

import pytest
from conftest import run

from rapstats import stats
from rapstats.estimate import oneoff
from rapstats.stats import ArgumentError


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ci", "5", "10", "--baseline", "0.3", "--baseline-n", "100", "--baseline-ci"]
            + ["0.2", "0.4"],
            "give at most one of baseline_n and baseline_ci, not both.",
        ),
        (
            ["ci", "5", "10", "--baseline", "0.3", "--baseline-n", "0"],
            "baseline_n must be positive",
        ),
        (
            ["ci", "5", "10", "--baseline", "0.3", "--baseline-ci", "0.4", "0.5"],
            "baseline_ci must contain p0 (low <= p0 <= high).",
        ),
        (
            ["ci", "5", "10", "--method", "wilson", "--confidence", "0"],
            "Invalid value for '--confidence': 0.0 is not in the range 0<x<=0.9999.",
        ),
        (
            ["samplesize", "--p1", "0.3", "--p2", "0.4"],
            "give exactly one of n_per_group and power.",
        ),
        (["samplesize", "--p1", "0.3", "--p2", "0.3", "--power", "0.8"], "p1 and p2 must differ"),
        (["samplesize"], "give margin, or p1 and p2 (with power or n_per_group)"),
        (
            ["samplesize", "--margin", "0.03", "--population", "0"],
            "population_size must be at least 1; got 0.",
        ),
    ],
)
def test_invalid_arguments_are_one_line_usage_errors(runner, args, message):
    result = run(runner, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and message in last, result.stderr


def test_a_value_error_that_is_not_an_argument_error_is_not_bad_usage(runner, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(oneoff, "single", bug)
    result = run(runner, "ci", "5", "10")
    assert result.exit_code == 1
    assert isinstance(result.exception, ValueError)
    assert not isinstance(result.exception, ArgumentError)
    assert "Usage:" not in result.stderr


def test_stats_validation_raises_argument_error_a_value_error():
    assert issubclass(ArgumentError, ValueError)
    with pytest.raises(ArgumentError, match="n must be positive"):
        stats.proportion_ci(5, 0)
    with pytest.raises(ArgumentError, match="method must be one of"):
        stats.proportion_ci(5, 10, method="wald_cc")
    with pytest.raises(ArgumentError, match="baseline_n must be positive"):
        stats.baseline_diff_ci(5, 10, 0.3, baseline_n=-1)
    with pytest.raises(ArgumentError, match="p1 and p2 must differ"):
        stats.two_proportion_power(0.3, 0.3, power=0.8)
    with pytest.raises(ArgumentError, match="give margin"):
        oneoff.plan()
