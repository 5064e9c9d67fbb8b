"""Quotable comments: free text redacted, small groups withheld.

Open-text answers are kept out of every table (:func:`rapstats.protect.protect` drops
``type = "text"`` questions). Where comments are quoted, :func:`quotable_comments` withholds the
comments of groups smaller than the disclosure threshold and redacts the rest with
:func:`rapstats.personal.redact` (which lists what it finds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats.personal import redact

if TYPE_CHECKING:  # pandas loads only where comments are quoted, not at every load
    import pandas as pd


def redact_series(texts: pd.Series | Iterable[str | None]) -> pd.Series:
    """:func:`redact` applied to each text; missing values stay missing."""
    import pandas as pd

    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    s = s.astype(object)
    out = s.copy()
    ok = s.notna()
    out[ok] = [redact(str(t)) for t in s[ok]]
    return out


@dataclass(frozen=True, slots=True)
class QuotableComments:
    """Comments that may be quoted, and what was held back.

    Attributes
    ----------
    comments : pandas.DataFrame
        Columns ``group`` and ``comment`` (redacted), one row per non-blank comment of a
        group with at least ``min_base`` respondents, in input order.
    withheld_groups : tuple of str
        Groups whose comments were withheld (fewer than ``min_base`` respondents).
    n_withheld : int
        Non-blank comments withheld.
    n_redacted : int
        Quoted comments in which something was redacted.
    rules : tuple of str
        Sentences for the methods note.
    """

    comments: pd.DataFrame
    withheld_groups: tuple[str, ...]
    n_withheld: int
    n_redacted: int
    rules: tuple[str, ...]


def quotable_comments(
    comments: pd.Series | Iterable[str | None],
    groups: pd.Series | Iterable[str | None] | None = None,
    *,
    group_bases: Mapping[str, int] | None = None,
    min_base: int = 10,
    withhold: Iterable[bool] | None = None,
) -> QuotableComments:
    """Redacted comments that may be quoted, withholding those of small groups.

    Parameters
    ----------
    comments : sequence of str or None
        One entry per respondent (blank or missing = no comment).
    groups : sequence of str or None, optional
        Each respondent's group label (same length); missing labels form the group
        ``"(blank)"``. Default None: everyone is in one group ``"All respondents"``.
    group_bases : mapping of str to int, optional
        Respondents per group. Default: counted from ``groups`` (so pass every respondent,
        including those who left no comment).
    min_base : int, default 10
        Groups with fewer respondents have their comments withheld; use the spec's
        ``disclosure.min_base``.
    withhold : sequence of bool, optional
        Per respondent: withhold the comment whatever its group (the respondent is in a
        group below ``min_base`` of another grouping variable). Default None: no one.

    Returns
    -------
    QuotableComments

    Examples
    --------
    >>> q = quotable_comments(["Call 07700 900123", None], ["North", "North"], min_base=2)
    >>> q.comments["comment"].tolist()
    ['Call [redacted: phone]']
    """
    import pandas as pd

    text = pd.Series(list(comments) if not isinstance(comments, pd.Series) else comments)
    text = text.reset_index(drop=True).astype(object)
    if groups is None:
        label = pd.Series(["All respondents"] * len(text), dtype=object)
    else:
        label = pd.Series(list(groups) if not isinstance(groups, pd.Series) else groups)
        label = label.reset_index(drop=True).astype(object)
        if len(label) != len(text):
            raise ValueError(
                f"groups has {len(label)} entries for {len(text)} comments; give one each"
            )
        label = label.where(label.notna() & (label.astype(str).str.strip() != ""), "(blank)")
        label = label.astype(str)
    if group_bases is None:
        bases = label.value_counts().to_dict()
    else:
        bases = {str(k): int(v) for k, v in group_bases.items()}
    has_text = text.notna() & (text.astype(str).str.strip() != "")
    small = label.map(lambda g: bases.get(g, 0) < min_base).astype(bool)
    n_other = 0  # comments withheld for the respondent's groups of other variables
    if withhold is not None:
        other = pd.Series(np.asarray(list(withhold), dtype=bool))
        if len(other) != len(text):
            raise ValueError(
                f"withhold has {len(other)} entries for {len(text)} comments; give one each"
            )
        n_other = int((has_text & other).sum())
        has_text &= ~other
    keep = has_text & ~small
    quoted = redact_series(text[keep].astype(str).str.strip())
    n_redacted = int((quoted != text[keep].astype(str).str.strip()).sum())
    withheld = tuple(sorted(set(label[has_text & small])))
    rules = (
        "Comments are quoted only from respondents whose groups (in every grouping variable) "
        f"have at least {min_base} respondents; e-mail addresses, phone numbers, postcodes, "
        "National Insurance numbers, IP addresses and web addresses are replaced by "
        "[redacted: ...].",
    )
    return QuotableComments(
        comments=pd.DataFrame(
            {"group": label[keep].tolist(), "comment": quoted.tolist()}, dtype=object
        ),
        withheld_groups=withheld,
        n_withheld=int((has_text & small).sum()) + n_other,
        n_redacted=n_redacted,
        rules=rules,
    )


def comments_of(
    responses: Any, *, group: str | None = None, min_base: int = 10
) -> QuotableComments:
    """Quotable comments of every open-text question of normalised responses.

    A respondent's comments are withheld when the respondent is in a group below
    ``min_base`` of *any* grouping variable in ``responses.groups``, whichever group the
    comments are shown by, so that runs by different groups cannot be compared to find who
    wrote what: normalise with ``by`` = every group the spec declares (and the one shown).

    Parameters
    ----------
    responses : rapstats.normalise.Responses
        Normalised with ``by`` naming every declared group, and ``group`` if given.
    group : str, optional
        The group to show each comment's label from. Default None: all respondents form one
        group, ``"All respondents"``.
    min_base : int, default 10
        The spec's ``disclosure.min_base``.

    Returns
    -------
    QuotableComments
        ``comments`` has columns ``question``, ``group`` (redacted) and ``comment``
        (redacted), in question order then input order; ``withheld_groups`` names the small
        groups whose members' comments were withheld, as ``"name: label"``.
    """
    import pandas as pd

    labels = None
    if group is not None:
        codes, levels = responses.groups[group]
        labels = pd.Series(np.asarray(levels, dtype=object)[codes], dtype=object)
    small = {  # per grouping variable: which of its groups are below min_base
        name: np.bincount(codes, minlength=len(levels)) < min_base
        for name, (codes, levels) in responses.groups.items()
    }
    withhold = np.zeros(responses.n, dtype=bool)
    for name, below in small.items():
        withhold |= below[responses.groups[name][0]]
    frames, withheld, n_withheld, n_redacted = [], set(), 0, 0
    commented = np.zeros(responses.n, dtype=bool)
    rules: tuple[str, ...] = ()
    for qid, text in responses.text.items():
        one = quotable_comments(text.values(), labels, min_base=min_base, withhold=withhold)
        frames.append(one.comments.assign(question=qid)[["question", "group", "comment"]])
        withheld.update(one.withheld_groups)  # "All respondents", when they are too few
        n_withheld += one.n_withheld
        n_redacted += one.n_redacted
        rules = one.rules
        commented |= text.codes >= 0
    for name, below in small.items():
        codes, levels = responses.groups[name]
        hit = np.bincount(codes[commented & withhold], minlength=len(levels)) > 0
        withheld.update(f"{name}: {redact(levels[i])}" for i in np.flatnonzero(below & hit))
    columns = ["question", "group", "comment"]
    quoted = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    # labels are redacted only now: two labels redacted alike must not pool two small groups
    quoted["group"] = quoted["group"].map(redact)
    return QuotableComments(
        comments=quoted,
        withheld_groups=tuple(sorted(withheld)),
        n_withheld=n_withheld,
        n_redacted=n_redacted,
        rules=rules,
    )
