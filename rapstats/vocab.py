"""Every method family once: its names, a one-line description of each, and a reference.

The one place a name a user may choose is spelt. For each family the ``Literal`` type is the
spelling; the tuple of names is read from it and feeds validation (:mod:`rapstats.stats`,
:mod:`rapstats.spec`), the command line's ``click.Choice`` and the methods notes, so they
cannot drift apart. Test names follow R where R has the test (``BH`` is R's ``p.adjust``
spelling); each description names the R function it matches.

A leaf importing only ``typing``, so the command line builds its ``--help`` without loading
the spec, the loaders or the statistics engine.

Example
-------
>>> INTERVAL.names[0], INTERVAL.descriptions["wilson"]
('wilson', 'Wilson score interval without continuity correction')
>>> BASELINE_TEST_CHOICES
('auto', 'score_z', 'exact_binomial')
"""

from typing import Literal, NamedTuple, get_args


class Family(NamedTuple):
    """One family of names a user may choose from.

    Attributes
    ----------
    names : tuple of str
        The names, exactly as accepted; where the family has a default, it is the first.
    descriptions : dict of str to str
        One line per name saying what it is, as a methods note writes it.
    reference : str
        Where the family comes from: papers with DOI, or the R functions it matches.
    labels : dict of str to str
        A short name as a sentence in a report uses it ("score test", "Holm"); empty for
        families that have none.
    """

    names: tuple[str, ...]
    descriptions: dict[str, str]
    reference: str
    labels: dict[str, str] = {}


CIMethod = Literal["wilson", "wilson_cc", "clopper_pearson", "jeffreys", "agresti_coull", "wald"]
#: Intervals for one proportion (:func:`rapstats.stats.proportion_ci`).
INTERVAL = Family(
    names=get_args(CIMethod),
    descriptions={
        "wilson": "Wilson score interval without continuity correction",
        "wilson_cc": "Wilson score interval with continuity correction (Newcombe method 4)",
        "clopper_pearson": "Clopper-Pearson exact interval",
        "jeffreys": "Jeffreys interval (equal-tailed, Brown-Cai-DasGupta boundary rule)",
        "agresti_coull": "Agresti-Coull interval (clipped to 0-1)",
        "wald": "Wald interval (clipped to 0-1)",
    },
    reference="Newcombe (1998), Stat Med 17:857-872, "
    "doi:10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E; "
    "Brown, Cai & DasGupta (2001), doi:10.1214/ss/1009213286",
)

WeightedMethod = Literal["logit", "likelihood", "beta", "mean", "xlogit", "kish_wilson"]
#: Intervals for a weighted (design-based) proportion, as R ``svyciprop``
#: (:func:`rapstats.stats.weighted_proportion`). In a weights-only design ``xlogit`` and
#: ``logit`` are identical by construction; both are R's names, so both are kept.
WEIGHTED_INTERVAL = Family(
    names=get_args(WeightedMethod),
    descriptions={
        "logit": "design-based logit interval with t(df) quantile (R svyciprop 'logit')",
        "likelihood": "design-based profile likelihood interval (R svyciprop 'likelihood')",
        "beta": "Korn-Graubard beta interval (R svyciprop 'beta')",
        "mean": "design-based Wald interval with t(df) quantile (R svyciprop 'mean')",
        "xlogit": "design-based logit interval with t(df) quantile (R svyciprop 'xlogit')",
        "kish_wilson": "Wilson interval on the Kish effective sample size",
    },
    reference="Lumley (2010), Complex Surveys, Wiley (R survey::svyciprop); "
    "Korn & Graubard (1998), Survey Methodology 24:193-201",
)

BaselineTest = Literal["score_z", "exact_binomial"]
#: Tests of one proportion against a baseline (:func:`rapstats.stats.baseline_test`).
BASELINE_TEST = Family(
    names=get_args(BaselineTest),
    descriptions={
        "score_z": "score z-test without continuity correction (R prop.test(correct = FALSE))",
        "exact_binomial": "exact binomial test, R's two-sided rule (R binom.test)",
    },
    reference="R Core Team, stats::prop.test and stats::binom.test (R 4.2.2)",
    labels={"score_z": "score test", "exact_binomial": "exact binomial test"},
)

BaselineDiffMethod = Literal["wilson_shift", "newcombe", "mover"]
#: Intervals for a proportion minus a baseline (:func:`rapstats.stats.baseline_diff_ci`),
#: chosen by what is known of the baseline, not by the caller. All three combine Wilson limits
#: by MOVER; ``newcombe`` is the construction of :data:`DIFFERENCE`'s ``newcombe``, with the
#: baseline as the second sample.
BASELINE_DIFFERENCE = Family(
    names=get_args(BaselineDiffMethod),
    descriptions={
        "wilson_shift": "Wilson score interval shifted by a fixed baseline",
        "newcombe": "Newcombe square-and-add of the Wilson limits of both samples (method 10)",
        "mover": "MOVER from the Wilson limits and the baseline's published interval",
    },
    reference="Newcombe (1998), Stat Med 17:873-890, "
    "doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I; "
    "Zou & Donner (2008), Stat Med 27:1693-1702, doi:10.1002/sim.3095",
)

DiffMethod = Literal["newcombe", "newcombe_cc", "wald", "agresti_caffo"]
#: Intervals for the difference of two independent proportions (:func:`rapstats.stats.diff_ci`).
DIFFERENCE = Family(
    names=get_args(DiffMethod),
    descriptions={
        "newcombe": "Newcombe square-and-add of the Wilson limits (method 10)",
        "newcombe_cc": "Newcombe square-and-add of continuity-corrected Wilson limits (method 11)",
        "wald": "Wald interval (Newcombe method 1, clipped to -1 to 1)",
        "agresti_caffo": "Agresti-Caffo interval (Wald after one success and one failure added)",
    },
    reference="Newcombe (1998), Stat Med 17:873-890, "
    "doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I; "
    "Agresti & Caffo (2000), doi:10.1080/00031305.2000.10474560",
)

TwoSampleTest = Literal["chisq_nocc", "chisq_yates", "fisher"]
#: Tests of two independent proportions (:func:`rapstats.stats.two_sample_test`).
TWO_SAMPLE_TEST = Family(
    names=get_args(TwoSampleTest),
    descriptions={
        "chisq_nocc": "Pearson chi-squared test without continuity correction "
        "(R prop.test(correct = FALSE))",
        "chisq_yates": "chi-squared test with Yates' continuity correction (R prop.test)",
        "fisher": "Fisher's exact test on the 2x2 table (R fisher.test)",
    },
    reference="R Core Team, stats::prop.test and stats::fisher.test (R 4.2.2); "
    "Yates (1934), doi:10.2307/2983604",
)

AdjustMethod = Literal["holm", "BH"]
#: Adjustments of p-values for multiple testing, as R ``p.adjust``
#: (:func:`rapstats.stats.p_adjust`).
ADJUSTMENT = Family(
    names=get_args(AdjustMethod),
    descriptions={
        "holm": "Holm step-down adjustment, controlling the family-wise error rate",
        "BH": "Benjamini-Hochberg step-up adjustment, controlling the false discovery rate",
    },
    reference="Holm (1979), Scand J Stat 6:65-70; Benjamini & Hochberg (1995), "
    "doi:10.1111/j.2517-6161.1995.tb02031.x",
    labels={"holm": "Holm", "BH": "Benjamini-Hochberg"},
)

#: The sets of tests adjusted together (the spec's ``family``). A description is the phrase
#: the methods note writes after "within".
MULTIPLICITY = Family(
    names=("workstream", "table", "all"),
    descriptions={
        "workstream": "each workstream and table",
        "table": "each question's table",
        "all": "the whole summary",
    },
    reference="a rapstats convention: the spec's [methods] family (README, Statistical "
    "conventions)",
)
#: The same families as the report's note on significance words them. They have drifted from
#: the methods note ("table layout", "report"); kept as published until the sample report is
#: regenerated with one wording.
MULTIPLICITY_IN_REPORT: dict[str, str] = {
    "workstream": "each workstream and table layout",
    "table": "each question's table",
    "all": "the whole report",
}

Alternative = Literal["two-sided", "greater", "less"]
#: Alternative hypotheses of the baseline tests.
ALTERNATIVE = Family(
    names=get_args(Alternative),
    descriptions={
        "two-sided": "the share differs from the baseline",
        "greater": "the share is above the baseline",
        "less": "the share is below the baseline",
    },
    reference="R's alternative argument (stats::prop.test, stats::binom.test)",
)

#: Survey platforms whose exports the loaders read (``auto``: detect from the file).
PLATFORM = Family(
    names=("auto", "msforms", "qualtrics", "surveymonkey", "googleforms", "plain", "spss"),
    descriptions={
        "auto": "detect the platform from the header rows",
        "msforms": "Microsoft Forms export (Id, Start time, Completion time first)",
        "qualtrics": "Qualtrics export (tag, question text and import-id header rows)",
        "surveymonkey": "SurveyMonkey export (two header rows: question, then option)",
        "googleforms": "Google Forms export (Timestamp first)",
        "plain": "any other table: one header row, one respondent per row",
        "spss": "SPSS data file (.sav)",
    },
    reference="rapstats.io (one loader per source)",
)

#: Every family, for the tests that check each name is described.
FAMILIES: tuple[Family, ...] = (
    INTERVAL,
    WEIGHTED_INTERVAL,
    BASELINE_TEST,
    BASELINE_DIFFERENCE,
    DIFFERENCE,
    TWO_SAMPLE_TEST,
    ADJUSTMENT,
    MULTIPLICITY,
    ALTERNATIVE,
    PLATFORM,
)

CI_METHODS = INTERVAL.names
WEIGHTED_METHODS = WEIGHTED_INTERVAL.names
BASELINE_TESTS = BASELINE_TEST.names
BASELINE_DIFF_METHODS = BASELINE_DIFFERENCE.names
DIFF_METHODS = DIFFERENCE.names
TWO_SAMPLE_TESTS = TWO_SAMPLE_TEST.names
ADJUST_METHODS = ADJUSTMENT.names
ADJUST_FAMILIES = MULTIPLICITY.names
ALTERNATIVES = ALTERNATIVE.names
PLATFORMS = PLATFORM.names
#: The spec's and command line's test: a baseline test, or ``auto`` (the exact test for small
#: bases or expected counts, else the score test; see :mod:`rapstats.estimate.summary`).
BASELINE_TEST_CHOICES = ("auto", *BASELINE_TESTS)
#: The spec's and command line's adjustment: an adjustment, or ``none``.
ADJUST_CHOICES = ("none", *ADJUST_METHODS)

#: Highest confidence level accepted (spec and command line). Quantiles such as
#: qnorm(1 - (1 - level)/2) lose accuracy as the level nears 1 (and fail at 1 - 1e-16); no
#: published survey figure needs more than 99.99%.
MAX_CONFIDENCE = 0.9999
#: Default cap, in MB, on what the parts of an XLSX/ODS (ZIP) export may unpack to (zip bombs).
MAX_UNPACKED_MB: float = 1024.0

#: The symbol of a figure for a question that was not asked (a wave without it): the
#: Government Statistical Service's "[z] not applicable".
NOT_ASKED = "[z]"
#: The symbols a published table may carry and the legend every output prints, as the
#: Government Statistical Service's "Symbols in tables, definitions and help" (``[z]`` is
#: listed only where a table has one); ``docs/disclosure.md`` says when each is set.
SYMBOLS: dict[str, str] = {
    "[c]": "confidential: not published, to protect the people who responded",
    "[u]": "low reliability: published, but treat with caution",
    "[x]": "not available",
    NOT_ASKED: "not applicable: the question was not asked in that wave",
}


def level(confidence: float) -> str:
    """A confidence level as printed everywhere, exactly: ``0.95`` -> ``"95%"``,
    ``0.975`` -> ``"97.5%"``, ``0.9999`` -> ``"99.99%"`` (the one formatter of levels)."""
    from decimal import Decimal

    return f"{(Decimal(repr(float(confidence))) * 100).normalize():f}%"


#: Which pairs of waves ``rapstats compare`` tests: each wave against the one before it, or
#: against the first, or every pair (i < j).
COMPARE_AGAINST: tuple[str, ...] = ("previous", "first", "all")
