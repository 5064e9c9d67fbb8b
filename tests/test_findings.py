"""Plain-English findings: wording follows the test; withheld figures are never described."""

from __future__ import annotations

from rapstats.render.report.findings import (
    Estimate,
    change_finding,
    group_sentence,
    p_text,
    percent,
    share_finding,
)


def share_sentence(e):
    finding = share_finding(e)
    return None if finding is None else finding.text


def change_sentence(now, before, change, low, high):
    finding = change_finding(now, before, change, low, high)
    return None if finding is None else finding.text


def est(**kw):
    base = dict(
        label="Confident the plan is improving policing",
        answer="Very confident or Fairly confident",
        share=221 / 321,
        positive=221,
        base=321,
        low=0.6355,
        high=0.7355,
        baseline=0.30,
        baseline_name="the national figure",
        test="score_z",
        p=1e-9,
        significant=True,
    )
    base.update(kw)
    return Estimate(**base)


def test_well_above_the_baseline_matches_the_gss_example():
    assert share_sentence(est()) == (
        "69% of respondents (221 of 321; 95% confidence interval 64% to 74%) answered Very "
        "confident or Fairly confident to “Confident the plan is improving policing”, well "
        "above the national figure of 30% (score test, p < 0.001)."
    )


def test_higher_than_when_significant_but_small():
    s = share_sentence(est(baseline=0.64, p=0.03))
    assert ", higher than the national figure of 64% (score test, p = 0.03)." in s


def test_below_the_baseline_with_adjusted_p():
    s = share_sentence(est(baseline=0.80, p=0.0042, adjust="holm"))
    assert "well below the national figure of 80% (score test, Holm-adjusted p = 0.004)" in s
    s = share_sentence(est(baseline=0.72, p=0.02))
    assert "lower than the national figure of 72%" in s


def test_not_different_says_similar_and_never_higher_or_lower():
    s = share_sentence(est(baseline=0.66, p=0.41, significant=False, test="exact_binomial"))
    assert "similar to the national figure of 66%" in s
    assert "not statistically significant: exact binomial test, p = 0.41" in s
    for claim in ("higher", "lower", "above", "below"):
        assert claim not in s
    # A large difference that the test does not support is still "similar".
    s = share_sentence(est(baseline=0.40, p=0.09, significant=False))
    assert "similar to" in s and "above" not in s


def test_no_baseline_gives_no_comparison():
    s = share_sentence(est(baseline=None, p=None, significant=None))
    assert s.endswith("to “Confident the plan is improving policing”.")


def test_withheld_estimate_is_not_described():
    assert share_sentence(est(share=None, positive=None, symbol="[c]")) is None
    assert share_sentence(est(symbol="[c]")) is None


def test_zero_and_hundred_percent():
    zero = est(share=0.0, positive=0, base=12, low=0.0, high=0.2425, baseline=None, p=None)
    assert share_sentence(zero) == (
        "None of the 12 respondents (95% confidence interval 0% to 24%) answered Very confident "
        "or Fairly confident to “Confident the plan is improving policing”."
    )
    full = est(share=1.0, positive=12, base=12, low=0.7575, high=1.0, baseline=None, p=None)
    assert share_sentence(full).startswith(
        "All 12 respondents (95% confidence interval 76% to 100%)"
    )
    # Rounding never turns "nearly all" into 100% or "a few" into 0%.
    assert percent(0.996) == "more than 99%" and percent(0.003) == "less than 1%"


def test_unreliable_estimate_is_described_with_caution():
    s = share_sentence(est(symbol="[u]"))
    assert s.endswith("treated with caution [u].")


def test_group_sentence_leaves_out_withheld_groups():
    groups = [
        ("North", est(share=0.72, significant=True)),
        ("Secretgroup", est(share=None, positive=None, base=None, symbol="[c]")),
        ("East", est(share=0.31, significant=False, p=0.8)),
        ("West", est(share=0.12, significant=True, p=0.001)),
    ]
    s = group_sentence("Area", groups)
    assert "Secretgroup" not in s
    assert s == (
        "By area, the percentage was higher than the national figure of 30% in North (72%) and "
        "lower in West (12%); the other 1 shown did not differ significantly."
    )


def test_group_sentence_without_baseline_does_not_claim_differences():
    groups = [
        ("North", est(share=0.72, baseline=None, p=None, significant=None)),
        ("South", est(share=0.41, baseline=None, p=None, significant=None)),
        ("Hidden", est(share=None, baseline=None, symbol="[c]")),
    ]
    s = group_sentence("Area", groups)
    assert s == (
        "By area, the percentage ranged from 41% (South) to 72% (North); differences between "
        "groups were not tested."
    )


def test_change_sentences_follow_the_interval():
    now, before = est(share=0.69), est(share=0.55)
    assert (
        "rose from 55% in the previous wave to 69% (up 14 percentage points; 95% confidence "
        "interval 6 to 22 points)" in change_sentence(now, before, 0.14, 0.06, 0.22)
    )
    assert "fell from 69%" in change_sentence(before, now, -0.14, -0.22, -0.06)
    s = change_sentence(now, est(share=0.66), 0.03, -0.04, 0.10)
    assert "similar to the previous wave" in s and "rose" not in s
    assert change_sentence(now, est(share=None, symbol="[c]"), None, None, None) is None


def test_p_text():
    assert p_text(0.0004) == "p < 0.001"
    assert p_text(0.0123) == "p = 0.01"
    assert p_text(0.005) == "p = 0.005"


def test_findings_say_their_kind_and_significance():
    assert share_finding(est()).kind == "baseline" and share_finding(est()).significant
    similar = share_finding(est(baseline=0.66, p=0.41, significant=False))
    assert similar.kind == "baseline" and not similar.significant
    other = share_finding(est(baseline=None, p=None, significant=None))
    assert other.kind == "other" and not other.significant
    now, before = est(share=0.69), est(share=0.55)
    assert change_finding(now, before, 0.14, 0.06, 0.22).significant
    assert change_finding(before, now, -0.14, -0.22, -0.06).significant
    flat = change_finding(now, est(share=0.66), 0.03, -0.04, 0.10)
    assert flat.kind == "change" and not flat.significant


def test_a_figure_not_available_is_not_described():
    assert share_finding(est(symbol="[x]")) is None
