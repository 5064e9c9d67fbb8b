"""Plain-English findings: wording follows the test; withheld figures are never described."""

from __future__ import annotations

from rapstats.render.report.findings import (
    Change,
    Estimate,
    change_finding,
    group_sentence,
    p_text,
    percent,
    share_finding,
    unchanged_options,
)


def share_sentence(e):
    finding = share_finding(e)
    return None if finding is None else finding.text


def change(share_from, share_to, low, high, **kw):
    """A change from 2026 Q2 to 2026 Q3 (consecutive quarters), Holm-adjusted p."""
    values = dict(
        label="Confident the plan is improving policing",
        wave_from="2026 Q2",
        wave_to="2026 Q3",
        share_from=share_from,
        share_to=share_to,
        change=None if share_from is None else share_to - share_from,
        low=low,
        high=high,
        period="quarter",
        test="chisq_nocc",
        p=0.003,
        significant=True,
        adjust="holm",
    )
    return Change(**{**values, **kw})


def change_sentence(c):
    finding = change_finding(c)
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


def test_change_sentences_follow_the_adjusted_test():
    assert change_sentence(change(0.55, 0.69, 0.06, 0.22)) == (
        "For “Confident the plan is improving policing”, the percentage rose from 55% in "
        "2026 Q2 to 69% in 2026 Q3: up 14 percentage points on the previous quarter (95% "
        "confidence interval +6 to +22; chi-square test, Holm-adjusted p = 0.003)."
    )
    down = change_sentence(change(0.69, 0.66, -0.05, -0.01, since="year", period="wave"))
    assert "fell from 69% in 2026 Q2 to 66% in 2026 Q3: down 3 percentage points on a year " in down
    assert "(95% confidence interval -5 to -1;" in down
    # Not significant after adjustment: no clear change, whatever the interval says.
    flat = change_sentence(change(0.66, 0.69, 0.01, 0.06, p=0.21, significant=False))
    assert flat == (
        "For “Confident the plan is improving policing”, there was no clear change since "
        "2026 Q2 (66% then, 69% in 2026 Q3; change +3 percentage points, 95% confidence "
        "interval +1 to +6; chi-square test, Holm-adjusted p = 0.21)."
    )
    wave = change_sentence(change(0.55, 0.69, 0.06, 0.22, period="wave", adjust="none"))
    assert (
        "on the previous wave (95% confidence interval +6 to +22; chi-square test, p = 0.003)"
        in wave
    )


def test_options_with_no_clear_change_share_one_sentence():
    c = change(0.40, 0.42, -0.05, 0.09, option="Social media", since="year", significant=False)
    assert unchanged_options(c, others=True).text == (
        "For “Confident the plan is improving policing”, there was no clear change since "
        "2026 Q2, a year earlier, in the other options shown (see the table of changes for each "
        "interval and test)."
    )
    assert not unchanged_options(c, others=False).significant


def test_withheld_or_untested_changes_are_never_described():
    assert change_sentence(change(None, 0.69, None, None, symbol="[c]")) is None
    withheld = change(0.55, 0.69, 0.06, 0.22, symbol="[c]")  # even with numbers left in
    assert change_sentence(withheld) is None
    assert change_sentence(change(0.55, 0.69, 0.06, 0.22, significant=None)) is None
    assert change_sentence(change(None, 0.69, None, None, not_asked="2026 Q2")) == (
        "“Confident the plan is improving policing” was not asked in 2026 Q2: there is no "
        "change since then to report."
    )


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
    assert change_finding(change(0.55, 0.69, 0.06, 0.22)).significant
    flat = change_finding(change(0.66, 0.69, 0.01, 0.06, significant=False))
    assert flat.kind == "change" and not flat.significant


def test_a_figure_not_available_is_not_described():
    assert share_finding(est(symbol="[x]")) is None
