"""The names a user may choose from: platforms, interval methods, tests, adjustments.

A leaf module with no imports, so the command line can build its ``--help`` (every
``click.Choice``) without loading the spec, the loaders or the statistics engine. The
statistics engine (:mod:`rapstats.stats`) has the same names; ``tests/test_spec.py`` checks
they agree.
"""

PLATFORMS: tuple[str, ...] = (
    "auto",
    "msforms",
    "qualtrics",
    "surveymonkey",
    "googleforms",
    "plain",
    "spss",
)
CI_METHODS: tuple[str, ...] = (
    "wilson",
    "wilson_cc",
    "clopper_pearson",
    "jeffreys",
    "agresti_coull",
    "wald",
)
WEIGHTED_METHODS: tuple[str, ...] = ("logit", "likelihood", "beta", "mean", "xlogit", "kish_wilson")
BASELINE_TESTS: tuple[str, ...] = ("auto", "score_z", "exact_binomial")
ADJUST_METHODS: tuple[str, ...] = ("none", "holm", "BH")
#: Highest confidence level accepted (spec and command line). Quantiles such as
#: qnorm(1 - (1 - level)/2) lose accuracy as the level nears 1 (and fail at 1 - 1e-16); no
#: published survey figure needs more than 99.99%.
MAX_CONFIDENCE = 0.9999
#: Default cap, in MB, on what the parts of an XLSX/ODS (ZIP) export may unpack to (zip bombs).
MAX_UNPACKED_MB: float = 1024.0


def level(confidence: float) -> str:
    """A confidence level as printed everywhere, exactly: ``0.95`` -> ``"95%"``,
    ``0.975`` -> ``"97.5%"``, ``0.9999`` -> ``"99.99%"`` (the one formatter of levels)."""
    from decimal import Decimal

    return f"{(Decimal(repr(float(confidence))) * 100).normalize():f}%"
