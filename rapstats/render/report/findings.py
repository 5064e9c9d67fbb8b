"""Plain-English findings in GSS style, written from results that are already computed.

Each function takes one :class:`Estimate` (numbers from a protected summary) and returns one
finding (a :class:`Finding`: its kind, whether it is significant, its sentence) or sentence,
or None when there is nothing that may be said (a withheld figure is never described). The
wording follows the test, never the size of a difference alone:

* ``similar to`` when the (multiplicity-adjusted) test is not significant;
* ``higher than`` / ``lower than`` when it is, and ``well above`` / ``well below`` when it is
  and the difference is at least 10 percentage points;
* changes between waves are called a rise or a fall only when their (adjusted) test is
  significant, else "no clear change".

Example
-------
>>> e = Estimate(label="Confident the plan is improving policing", answer="Very confident or "
...     "Fairly confident", share=221 / 321, positive=221, base=321, low=0.637, high=0.735,
...     baseline=0.30, baseline_name="the national figure", test="score_z", p=1e-9,
...     significant=True)
>>> share_finding(e).text  # doctest: +NORMALIZE_WHITESPACE
'69% of respondents (221 of 321; 95% confidence interval 64% to 74%) answered Very confident
or Fairly confident to “Confident the plan is improving policing”, well above the national
figure of 30% (score test, p < 0.001).'
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from rapstats.vocab import ADJUSTMENT, BASELINE_TEST, level

# A difference this large (proportion units) that is also significant is "well" above/below.
WELL_ABOVE = 0.10

TEST_NAMES = BASELINE_TEST.labels
ADJUST_NAMES = ADJUSTMENT.labels
# Status symbols of a withheld figure (``[u]`` marks a published, less reliable one).
WITHHELD = ("[c]", "[x]")
# The end of a group sentence that describes a range without a test between the groups.
NOT_TESTED = "; differences between groups were not tested."


@dataclass(frozen=True, slots=True)
class Finding:
    """One plain-English finding, classified so that no reader has to parse its wording.

    ``kind`` says what the sentence describes: ``"baseline"`` (a share compared with its
    baseline), ``"change"`` (a change between waves) or ``"other"`` (a share with no
    comparison). ``significant`` is whether its comparison found a difference: its
    (adjusted) test is significant; always False for ``"other"``.
    """

    kind: Literal["baseline", "change", "other"]
    significant: bool
    text: str


@dataclass(frozen=True, slots=True)
class Estimate:
    """The figures one sentence may use (shares in proportion units, 0-1).

    ``share`` None means the figure is withheld; ``symbol`` is the row's published status
    symbol (``[c]``, ``[u]``, ``[x]``) or None. ``answer`` names the positive answers
    ("Strongly agree or Agree"); ``option`` is set for an option of a multi-select question.
    """

    label: str
    answer: str
    share: float | None
    positive: int | None
    base: int | None
    low: float | None
    high: float | None
    baseline: float | None = None
    baseline_name: str = "the baseline figure"
    test: str | None = None
    p: float | None = None
    significant: bool | None = None
    symbol: str | None = None
    option: str | None = None
    weighted: bool = False
    confidence: float = 0.95
    adjust: str = "none"


def round_half_up(value: float, places: int = 0) -> float:
    """Round as people do (0.5 up), not to even; ``places`` decimal places."""
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def percent(share: float, places: int = 0) -> str:
    """A share (0-1) as a percentage string; never "0%" or "100%" unless exactly so."""
    if 0 < share < 0.005 and places == 0:
        return "less than 1%"
    if 0.995 <= share < 1 and places == 0:
        return "more than 99%"
    value = round_half_up(share * 100, places)
    return f"{value:.{places}f}%"


def bound(share: float) -> str:
    """An interval limit as a whole percentage (limits may round to 0% or 100%)."""
    return f"{round_half_up(share * 100):.0f}%"


def p_text(p: float) -> str:
    """A p-value as written in a sentence: ``p < 0.001``, ``p = 0.003``, ``p = 0.21``."""
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01:
        return f"p = {round_half_up(p, 3):.3f}"
    return f"p = {round_half_up(p, 2):.2f}"


def withheld(e: Estimate) -> bool:
    """Whether the estimate may not be described (suppressed by disclosure control)."""
    return e.share is None or e.base is None or e.symbol in WITHHELD


def _test_words(e: Estimate) -> str:
    name = TEST_NAMES.get(e.test or "", (e.test or "test").replace("_", " "))
    adjusted = ADJUST_NAMES.get(e.adjust)
    p = p_text(e.p) if e.p is not None else "p not available"
    if adjusted and e.p is not None:
        p = f"{adjusted}-adjusted {p}"
    return f"{name}, {p}"


def comparison(e: Estimate) -> str:
    """The clause comparing a share with its baseline; empty when there is no baseline."""
    if e.baseline is None:
        return ""
    figure = f"{e.baseline_name} of {percent(e.baseline)}"
    if e.p is None or e.significant is None:
        return f", compared with {figure} (no test was possible)"
    if not e.significant:
        return (
            f", similar to {figure} (the difference is not statistically significant: "
            f"{_test_words(e)})"
        )
    diff = e.share - e.baseline
    if diff > 0:
        words = "well above" if diff >= WELL_ABOVE else "higher than"
    else:
        words = "well below" if -diff >= WELL_ABOVE else "lower than"
    return f", {words} {figure} ({_test_words(e)})"


def _caution(e: Estimate | Difference) -> str:
    if e.symbol == "[u]":
        return " This estimate is less reliable and should be treated with caution [u]."
    return ""


def _verb(e: Estimate) -> str:
    if e.option is not None:
        return f"chose “{e.option}” for “{e.label}”"
    return f"answered {e.answer} to “{e.label}”"


def share_finding(e: Estimate) -> Finding | None:
    """One sentence on a share, its interval and its comparison with the baseline.

    Its kind is ``"baseline"`` when the share has a baseline, else ``"other"``; None when
    the share is withheld.
    """
    if withheld(e):
        return None
    ci = (
        "confidence interval not available"  # e.g. a weighted 0% or 100% (logit limits NaN)
        if e.low is None or e.high is None
        else f"{level(e.confidence)} confidence interval {bound(e.low)} to {bound(e.high)}"
    )
    if e.weighted:
        lead = (
            f"{percent(e.share)} of respondents (weighted estimate from {e.base:,} answers; {ci})"
        )
    elif e.positive == 0:
        lead = f"None of the {e.base:,} respondents ({ci})"
    elif e.positive == e.base:
        lead = f"All {e.base:,} respondents ({ci})" if e.base > 1 else f"The one respondent ({ci})"
    else:
        lead = f"{percent(e.share)} of respondents ({e.positive:,} of {e.base:,}; {ci})"
    text = f"{lead} {_verb(e)}{comparison(e)}.{_caution(e)}"
    if e.baseline is None:
        return Finding("other", significant=False, text=text)
    return Finding("baseline", significant=bool(e.significant), text=text)


def group_sentence(
    group_label: str, estimates: list[tuple[str, Estimate]], *, tested: bool = False
) -> str | None:
    """One sentence on the groups of one grouping variable, shown groups only.

    ``estimates`` pairs each group's value with its estimate. Withheld groups are left out
    without a word; unreliable ones ([u]) are not used to describe a range. ``tested``: the
    differences between the groups are described apart (:func:`between_sentence`), so a
    range does not say they were not tested.
    """
    shown = [(g, e) for g, e in estimates if not withheld(e)]
    if not shown:
        return None
    by = f"By {group_label.lower()}"
    first = shown[0][1]
    if first.baseline is not None:
        tested = [(g, e) for g, e in shown if e.significant is not None]
        if not tested:
            return None
        above = [(g, e) for g, e in tested if e.significant and e.share > e.baseline]
        below = [(g, e) for g, e in tested if e.significant and e.share < e.baseline]
        name = f"{first.baseline_name} of {percent(first.baseline)}"
        if not above and not below:
            return f"{by}, no group shown differed significantly from {name}."
        parts = []
        if above:
            parts.append(f"higher than {name} in {_list(above)}")
        if below:
            parts.append(
                f"lower in {_list(below)}" if above else f"lower than {name} in {_list(below)}"
            )
        rest = len(tested) - len(above) - len(below)
        tail = f"; the other {rest} shown did not differ significantly" if rest else ""
        return f"{by}, the percentage was {' and '.join(parts)}{tail}."
    reliable = [(g, e) for g, e in shown if e.symbol != "[u]"]
    if len(reliable) < 2:
        return None
    lo = min(reliable, key=lambda ge: ge[1].share)
    hi = max(reliable, key=lambda ge: ge[1].share)
    tail = "." if tested else NOT_TESTED
    return (
        f"{by}, the percentage ranged from {percent(lo[1].share)} ({lo[0]}) to "
        f"{percent(hi[1].share)} ({hi[0]}){tail}"
    )


def _list(items: list[tuple[str, Estimate]]) -> str:
    names = [f"{g} ({percent(e.share)})" for g, e in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# How a sentence names the test of a change (rows of rapstats.pipeline.compare_files).
CHANGE_TEST_NAMES = {
    "chisq_nocc": "chi-square test",
    "chisq_yates": "chi-square test with continuity correction",
    "fisher": "Fisher's exact test",
    "wald_design": "design-based Wald test",
}


@dataclass(frozen=True, slots=True)
class Change:
    """The figures one sentence on a change between two waves may use (proportion units).

    ``since`` is the row's ``comparison``: ``"previous"`` (the wave before) or ``"year"``
    (the same quarter a year earlier). ``period`` is ``"quarter"`` when the two waves are
    consecutive quarters, else ``"wave"``. ``symbol`` is the row's published symbol
    (``[c]``/``[x]`` withheld, ``[z]`` not asked); ``not_asked`` names a wave the question
    was not asked in (then there is no change to describe). ``p`` is the adjusted p-value
    when ``adjust`` is not ``"none"``, and ``significant`` the adjusted test's verdict.
    """

    label: str
    wave_from: str
    wave_to: str
    share_from: float | None
    share_to: float | None
    change: float | None
    low: float | None
    high: float | None
    since: str = "previous"
    period: str = "wave"
    test: str | None = None
    p: float | None = None
    significant: bool | None = None
    symbol: str | None = None
    not_asked: str | None = None
    option: str | None = None
    confidence: float = 0.95
    adjust: str = "none"


def points(change: float) -> str:
    """A change (proportion units) as signed whole percentage points: ``+6``, ``-3``, ``0``."""
    v = round_half_up(change * 100)
    return "0" if v == 0 else f"{v:+.0f}"


def change_finding(c: Change) -> Finding | None:
    """One sentence on a change between two waves, in GSS wording.

    "rose from 61% in 2026 Q2 to 75% in 2026 Q3: up 14 percentage points on the previous
    quarter (95% confidence interval +6 to +22; chi-square test, Holm-adjusted p = 0.003)"
    when the (adjusted) test is significant; "no clear change since 2026 Q2 (...)" when it
    is not; "not asked in 2026 Q2" when a wave did not ask the question. None when the
    change is withheld (or was not tested): a withheld figure is never described.
    """
    what = f"“{c.label}”" if c.option is None else f"“{c.option}” for “{c.label}”"
    if c.not_asked is not None:
        since = "then" if c.not_asked == c.wave_from else c.wave_from
        text = f"{what} was not asked in {c.not_asked}: there is no change since {since} to report."
        return Finding("change", significant=False, text=text)
    values = (c.share_from, c.share_to, c.change, c.low, c.high)
    if c.symbol in (*WITHHELD, "[z]") or None in values or c.significant is None:
        return None
    ci = f"{level(c.confidence)} confidence interval {points(c.low)} to {points(c.high)}"
    test = CHANGE_TEST_NAMES.get(c.test or "", (c.test or "test").replace("_", " "))
    adjusted = ADJUST_NAMES.get(c.adjust)
    p = p_text(c.p) if c.p is not None else "p not available"
    tested = f"{test}, {adjusted}-adjusted {p}" if adjusted and c.p is not None else f"{test}, {p}"
    when = "a year earlier" if c.since == "year" else f"the previous {c.period}"
    if c.significant:
        verb, way = ("rose", "up") if c.change > 0 else ("fell", "down")
        pts = f"{round_half_up(abs(c.change) * 100):.0f} percentage points"
        text = (
            f"For {what}, the percentage {verb} from {percent(c.share_from)} in {c.wave_from} "
            f"to {percent(c.share_to)} in {c.wave_to}: {way} {pts} on {when} ({ci}; {tested})."
        )
        return Finding("change", significant=True, text=text)
    text = (
        f"For {what}, there was no clear change since {_since(c)} ({percent(c.share_from)} then, "
        f"{percent(c.share_to)} in {c.wave_to}; change {points(c.change)} percentage points, "
        f"{ci}; {tested})."
    )
    return Finding("change", significant=False, text=text)


def unchanged_options(c: Change, *, others: bool) -> Finding:
    """One sentence for the options of a multi-select question (``c``: any of them) with no
    clear change; ``others`` when some of its options are described on their own."""
    which = "the other options" if others else "any option"
    since = _since(c) + ("," if c.since == "year" else "")
    text = (
        f"For “{c.label}”, there was no clear change since {since} in {which} shown (see the "
        "table of changes for each interval and test)."
    )
    return Finding("change", significant=False, text=text)


def _since(c: Change) -> str:
    """The earlier wave of a change, as "since ..." names it."""
    return f"{c.wave_from}, a year earlier" if c.since == "year" else c.wave_from


# How a sentence names a test of homogeneity (rows of rapstats.pipeline.compare_groups).
HOMOGENEITY_TEST_NAMES = {
    "chisq": "chi-square test of homogeneity",
    "rao_scott": "Rao-Scott chi-square test of homogeneity",
}


@dataclass(frozen=True, slots=True)
class Difference:
    """The figures one sentence on a group's difference from the rest of the respondents may
    use (a ``difference`` row of :func:`rapstats.pipeline.compare_groups`; proportion units).

    ``share`` is the level's, ``rest`` that of every other respondent in the base;
    ``symbol`` the row's published symbol (``[c]``/``[x]``: withheld, never described;
    ``[u]``: the level's share is less reliable, described with a caution).
    ``p`` is the adjusted p-value when ``adjust`` is not ``"none"``, and ``significant`` the
    adjusted test's verdict. ``answer`` and ``option`` as in :class:`Estimate`.
    """

    level: str
    answer: str
    share: float | None
    rest: float | None
    change: float | None
    low: float | None
    high: float | None
    test: str | None = None
    p: float | None = None
    significant: bool | None = None
    symbol: str | None = None
    option: str | None = None
    confidence: float = 0.95
    adjust: str = "none"


@dataclass(frozen=True, slots=True)
class Homogeneity:
    """One question's test that its share is the same in every group (a ``homogeneity`` row;
    ``p`` adjusted as in :class:`Difference`; ``symbol`` ``[c]`` when withheld, ``[x]`` when
    it could not be computed)."""

    test: str | None
    p: float | None
    symbol: str | None = None
    adjust: str = "none"


def _tested(names: dict[str, str], test: str | None, p: float | None, adjust: str) -> str:
    """The test's name and its (adjusted) p: "chi-square test, Holm-adjusted p = 0.01"."""
    name = names.get(test or "", (test or "test").replace("_", " "))
    if p is None:
        return f"{name}, p not available"
    adjusted = ADJUST_NAMES.get(adjust)
    return f"{name}, {adjusted}-adjusted {p_text(p)}" if adjusted else f"{name}, {p_text(p)}"


def difference_sentence(d: Difference) -> str | None:
    """One sentence on a group whose difference from the rest is significant after adjustment.

    "In North, 31% answered Agree, compared with 22% of other respondents: 9 percentage
    points higher (95% confidence interval +2 to +16; chi-square test, Holm-adjusted
    p = 0.01)." None when the difference is withheld, not available or not significant.
    """
    values = (d.share, d.rest, d.change, d.low, d.high)
    if d.symbol in WITHHELD or None in values or not d.significant:
        return None
    verb = f"answered {d.answer}" if d.option is None else f"chose “{d.option}”"
    pts = f"{round_half_up(abs(d.change) * 100):.0f} percentage points"
    way = "higher" if d.change > 0 else "lower"
    ci = f"{level(d.confidence)} confidence interval {points(d.low)} to {points(d.high)}"
    return (
        f"In {d.level}, {percent(d.share)} {verb}, compared with {percent(d.rest)} of other "
        f"respondents: {pts} {way} ({ci}; {_tested(CHANGE_TEST_NAMES, d.test, d.p, d.adjust)})."
        f"{_caution(d)}"
    )


def between_sentence(
    group_label: str, lead: str | None, differences: list[Difference], homogeneity: Homogeneity
) -> str:
    """The sentence on one question's groups (``lead``, from :func:`group_sentence` with
    ``tested``) followed by what the tests between them support.

    Each group whose difference from the rest is significant after adjustment is described
    (:func:`difference_sentence`) when the question's test of homogeneity is published;
    when none is, "no clear difference between area groups" with that test. A withheld test
    ([c]: some group is withheld) describes no difference at all.
    """
    groups = f"{group_label.lower()} groups"
    kind, found = _between(differences, homogeneity)
    if kind == "found":
        return " ".join([lead, *found] if lead else found)
    if kind == "withheld":
        clause = f"differences between {groups} are not reported, as some figures are withheld"
    elif kind == "untested":
        clause = f"differences between {groups} could not be tested"
    else:
        test = _tested(HOMOGENEITY_TEST_NAMES, homogeneity.test, homogeneity.p, homogeneity.adjust)
        clause = f"no clear difference between {groups} ({test})"
    if lead is None:
        return f"{clause[0].upper()}{clause[1:]}."
    return f"{lead.removesuffix('.')}; {clause}."


def between_brief(
    group_label: str, lead: str | None, differences: list[Difference], homogeneity: Homogeneity
) -> str | None:
    """What a document where pages count (the PDF) says of one question's groups, beside
    rows that show each group's share and whether it differs from the rest.

    A supported difference is said in full (:func:`between_sentence`); otherwise only what
    the rows do not show: "No clear difference between groups (homogeneity test,
    Holm-adjusted p = 0.65)." (the notes name the test), or that the differences could not
    be tested. None when the test is withheld (the rows show the withheld figures, and the
    notes why nothing is described).
    """
    kind, _ = _between(differences, homogeneity)
    if kind == "found":
        return between_sentence(group_label, lead, differences, homogeneity)
    if kind == "withheld":
        return None
    if kind == "untested":
        return "Differences between groups could not be tested."
    assert homogeneity.p is not None
    adjusted = ADJUST_NAMES.get(homogeneity.adjust)
    p = f"{adjusted}-adjusted {p_text(homogeneity.p)}" if adjusted else p_text(homogeneity.p)
    return f"No clear difference between groups (homogeneity test, {p})."


def _between(
    differences: list[Difference], homogeneity: Homogeneity
) -> tuple[Literal["found", "withheld", "untested", "none"], list[str]]:
    """What the tests between one question's groups support, and the sentences on the
    groups that differ from the rest (:func:`difference_sentence`)."""
    if homogeneity.symbol == "[c]":
        return "withheld", []
    if homogeneity.symbol is not None or homogeneity.p is None:
        return "untested", []
    found = [s for s in map(difference_sentence, differences) if s]
    return ("found" if found else "none"), found
