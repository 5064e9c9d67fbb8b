"""The methods note: how every figure of a summary was made, as data and as sentences.

Written into every output (see the conventions in :mod:`rapstats.estimate.summary`).
"""

from __future__ import annotations

from typing import Any

from rapstats import __version__
from rapstats.spec import Spec
from rapstats.vocab import ADJUSTMENT, INTERVAL, MULTIPLICITY, WEIGHTED_INTERVAL, level


def methods_note(spec: Spec, *, weighted: bool) -> dict[str, Any]:
    """Describe how every figure was made, as data and as methods-note sentences.

    The baseline-test sentence names the tests the rows use (those of
    :func:`rapstats.estimate.summary.estimate`): the score test for weighted data, else the
    spec's choice or the ``auto`` rule.
    """
    m = spec.methods
    if weighted:
        interval = WEIGHTED_INTERVAL.descriptions[m.weighted_method]
    else:
        interval = INTERVAL.descriptions[m.method]
    notes = [
        "Shares are the positive answers as a share of the base: respondents whose answer is "
        "on the question's scale, excluding the answers each question lists as excluded "
        "(by default Don't know and Prefer not to say) and blank answers.",
        f"Confidence intervals: {interval}, at the {level(m.confidence)} level.",
    ]
    if weighted:
        notes.append(
            "Comparisons with a baseline use the score z-test on the design-effective sample "
            "size (n divided by the design effect, a first-order Rao-Scott correction); "
            "two-sided."
        )
    elif m.test == "auto":
        notes.append(
            "Comparisons with a baseline use the score z-test (R prop.test without continuity "
            "correction), or the exact binomial test (R binom.test) when the base is below "
            f"{m.exact_below} or fewer than 5 answers are expected in either category; two-sided."
        )
    else:
        notes.append(f"Comparisons with a baseline use the {m.test.replace('_', ' ')} test.")
    notes.append(
        "Differences from a baseline are in percentage points with a MOVER (Newcombe "
        "square-and-add) interval, which includes the baseline's own uncertainty where its "
        "sample size or interval is given."
    )
    baselines = [
        f"{q.id}: {q.baseline.p:.0%}" + (f" ({q.baseline.source})" if q.baseline.source else "")
        for q in spec.questions
        if q.baseline is not None
    ]
    if baselines:
        notes.append("Baselines: " + "; ".join(baselines) + ".")
    if m.adjust != "none":
        adj = ADJUSTMENT.labels[m.adjust]
        fam = MULTIPLICITY.descriptions[m.family]
        notes.append(f"p-values are adjusted for multiple comparisons ({adj}) within {fam}.")
    if weighted:
        notes.append(_design_sentence(spec))
    return {
        "rapstats_version": __version__,
        "interval": m.weighted_method if weighted else m.method,
        "interval_name": interval,
        "confidence": m.confidence,
        "test": m.test,
        "exact_below": m.exact_below,
        "adjust": m.adjust,
        "family": m.family,
        "weighted": weighted,
        "weight": spec.design.weight,
        "notes": notes,
    }


def _design_sentence(spec: Spec) -> str:
    """The methods-note sentence of a weighted or full survey design."""
    d = spec.design
    if not (d.strata or d.ids or d.fpc):
        return (
            f"Weighted by the column '{d.weight}': shares are design-based (Hajek) "
            "estimates with Taylor-linearised variance; bases and counts are unweighted."
        )
    parts = [
        f"{what} '{column}'"
        for what, column in (
            ("strata", d.strata),
            ("clusters (PSUs)", d.ids),
            ("finite population correction", d.fpc),
            ("weights", d.weight),
        )
        if column
    ]
    return (
        f"Survey design: {', '.join(parts)}. Shares are design-based (Hajek) estimates with "
        "Taylor-linearised variance and degrees of freedom PSUs minus strata (as R survey); "
        "bases and counts are unweighted."
    )
