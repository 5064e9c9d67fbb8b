"""The disclosure rules in force, as sentences for every output's methods note, and the symbols.

The symbols and their legend are :data:`rapstats.vocab.SYMBOLS`; ``docs/disclosure.md`` says
when each is set.
"""

from __future__ import annotations

import numpy as np

from rapstats.protect.reliability import NCHS_RELATIVE_FROM, _num
from rapstats.spec import Disclosure
from rapstats.table import Table

UNSAFE_BANNER = "UNSUPPRESSED – NOT FOR PUBLICATION"


def disclosure_rules(settings: Disclosure | None = None, *, unsafe: bool = False) -> list[str]:
    """The rules in force, as plain-English sentences for every output's methods note.

    Parameters
    ----------
    settings : Disclosure, optional
        The thresholds and switches; default ``Disclosure()``.
    unsafe : bool, default False
        Disclosure control was switched off (``--unsafe-no-suppression``): the first sentence
        is the :data:`UNSAFE_BANNER` warning, and only the reliability rule follows.

    Returns
    -------
    list of str
        One sentence per rule, in the order the methods notes print them.
    """
    s = settings or Disclosure()
    if unsafe:
        return [
            f"{UNSAFE_BANNER}: disclosure control was switched off "
            "(--unsafe-no-suppression); this output may identify respondents and is for "
            "internal working only."
        ] + _reliability_rules(s, withhold=False)
    rules = [
        f"Shares based on fewer than {s.min_base} respondents are not published [c], and "
        f"nothing at all is published of a group of fewer than {s.min_base} respondents.",
        f"Counts below {s.min_count} are not published [c]: for a share this applies to the "
        "number who gave a positive answer and to the number who did not (a share of 0% or "
        "100% counts as a count of 0); a share with no one in its base is shown as [x].",
        "A withheld figure is shown by its symbol only: everything computed from it (base, "
        "share, interval, difference, test and p-value) is withheld with it.",
    ]
    if s.publish_bases:
        rules.append(
            "Unweighted bases are published even where the share is withheld (except for "
            f"groups of fewer than {s.min_base} respondents)."
        )
    if s.secondary:
        rules.append(
            "Where a suppressed figure could be worked out from totals and other published "
            "figures (by subtraction, across rows and columns), further figures are suppressed "
            "[c] until none can be (secondary suppression)."
        )
    else:
        rules.append(
            "Secondary suppression is switched off: a suppressed figure may be derivable "
            "from totals."
        )
    return rules + _reliability_rules(s, withhold=s.withhold_unreliable)


def _reliability_rules(s: Disclosure, *, withhold: bool) -> list[str]:
    """The NCHS reliability rule (:mod:`rapstats.protect.reliability`) as one sentence."""
    action = "are withheld [x]" if withhold else "are marked [u] (low reliability)"
    return [
        f"Estimates {action} when the effective sample size is below "
        f"{_num(s.min_effective_n)}, the confidence interval is {_pp(s.max_abs_ci_width)} "
        f"percentage points wide or wider, or it is wider than {_pp(NCHS_RELATIVE_FROM)} points "
        f"and more than {s.max_rel_ci_width:.0%} of the share (or of its complement, for shares "
        "above 50%), following the NCHS Data Presentation Standards for Proportions (2017)."
    ]


def _pp(v: float) -> str:
    """A proportion as percentage points (0.05 -> "5")."""
    return _num(100 * v)


def primary_rows(rows: Table, s: Disclosure) -> tuple[np.ndarray, np.ndarray]:
    """Rows withheld by a threshold rule, and why (the analyst's reason, never published).

    A base below ``min_base`` is withheld; so is a base of 0 in a group of fewer than
    ``min_base`` respondents (a group too small to publish publishes nothing, not even that
    none of it answered). A base of 0 in a larger group has nothing to estimate ([x], set by
    :func:`rapstats.protect.protect`).
    """
    base = rows["base"].astype(float)
    pos = rows["positive"].astype(float)
    tiny = small_base(base, rows["respondents"], s)
    small_count = (base > 0) & ~tiny & ((pos < s.min_count) | (base - pos < s.min_count))
    reason = np.full(len(rows), None, dtype=object)
    reason[tiny] = f"base below {s.min_base}"
    reason[small_count] = f"count below {s.min_count}"
    return tiny | small_count, reason


def bases_kept(rows: Table, s: Disclosure) -> np.ndarray:
    """Rows whose base stays published when withheld (``publish_bases`` policy): those of
    groups with at least ``min_base`` respondents."""
    if not s.publish_bases:
        return np.zeros(len(rows), dtype=bool)
    return rows["respondents"] >= s.min_base


def primary_frequencies(freq: Table, s: Disclosure) -> tuple[np.ndarray, np.ndarray]:
    """Frequency rows withheld by a threshold rule, and why.

    A count of a real answer (``kind == "answer"``) below ``min_count`` in a cell with
    respondents is withheld, zero included; the counts of rapstats' own non-answer rows
    (``blank``, ``not_answered``) say nothing about anyone's views and are withheld only in a
    group of fewer than ``min_base`` respondents, where everything is.
    """
    if not len(freq):
        return np.zeros(0, bool), np.zeros(0, dtype=object)
    count = freq["count"].astype(float)
    small_group = freq["respondents"] < s.min_base
    answer = freq["kind"] == "answer"
    small_count = answer & (count < s.min_count) & ~small_group
    reason = np.full(len(freq), None, dtype=object)
    reason[small_count] = f"count below {s.min_count}"
    reason[small_group] = f"group below {s.min_base}"
    return small_count | small_group, reason


def small_base(base: np.ndarray, respondents: np.ndarray, s: Disclosure) -> np.ndarray:
    """Bases that are sensitive: 1 to ``min_base - 1``, or 0 in a group that small."""
    return (base < s.min_base) & ((base > 0) | (respondents < s.min_base))
