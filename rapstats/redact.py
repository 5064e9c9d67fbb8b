"""Personal data in free text: redaction and quotable comments.

Open-text answers are kept out of every table (:func:`rapstats.disclosure.protect` drops
``type = "text"`` questions). Where a report quotes comments, call :func:`quotable_comments`:
it withholds the comments of groups smaller than the disclosure threshold and redacts, in each
remaining comment,

============== ========================================================== =====================
kind           examples                                                   replaced by
============== ========================================================== =====================
``email``      ``jo.bloggs@example.org``                                  ``[redacted: email]``
``url``        ``https://example.org/x``, ``www.example.org``             ``[redacted: url]``
``ip_address`` ``192.0.2.10``, ``2001:db8::1``                            ``[redacted: ip_address]``
``ni_number``  ``QQ 12 34 56 C``, ``QQ123456C``                           ``[redacted: ni_number]``
``phone``      ``07700 900123``, ``+44 20 7946 0000``, ``(020) 7946 0000`` ``[redacted: phone]``
``postcode``   ``RG1 1AA``, ``SW1A 1AA``, ``M1 1AE``                      ``[redacted: postcode]``
============== ========================================================== =====================

Notes
-----
Phone numbers are UK numbers: ``0`` or ``+44``/``0044`` (optionally ``(0)``) followed by 9 or
10 digits, with single spaces, hyphens or brackets between them; the digits must form a 10- or
11-digit national number not starting ``00``. Dates (``12/03/2024``), years, percentages and
``Q3 2024`` are not matched. Postcodes follow the Royal Mail format (any case; the space may be
missing). National Insurance numbers are two letters, six digits and an optional A-D suffix
(HMRC's example prefix ``QQ`` included). Names, addresses without a postcode and other
identifying details are **not** detected: a person must still read quoted comments.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas loads only for comments: redacting a label must not import it
    import pandas as pd

KINDS: tuple[str, ...] = ("email", "url", "ip_address", "ni_number", "phone", "postcode")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]*\d)"
)
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d+(?:\.\d+){3}|[0-9A-Fa-f]{0,4})(?![\w:])"
)
_NINO = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]?\b", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?|\(?0)(?:\d[ )-]{0,2}){8,9}\d(?!\d)"
)
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)


def _label(kind: str) -> str:
    return f"[redacted: {kind}]"


def _url(m: re.Match[str]) -> str:
    text = m.group(0)
    stripped = text.rstrip(".,;:!?)]}'\"")
    return _label("url") + text[len(stripped) :]


def _ipv6(m: re.Match[str]) -> str:
    try:
        ipaddress.IPv6Address(m.group(0))
    except ValueError:
        return m.group(0)
    return _label("ip_address")


def _phone(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    if m.group(0).startswith(("+", "00")):
        national = digits[4:] if digits.startswith("0044") else digits[2:]
        national = "0" + national.lstrip("0") if national.startswith("0") else "0" + national
    else:
        national = digits
    if len(national) in (10, 11) and national[1] != "0":
        return _label("phone")
    return m.group(0)


_RULES = (
    (_EMAIL, _label("email")),
    (_URL, _url),
    (_IPV6, _ipv6),
    (_IPV4, _label("ip_address")),
    (_NINO, _label("ni_number")),
    (_PHONE, _phone),
    (_POSTCODE, _label("postcode")),
)


def redact(text: str) -> str:
    """Replace e-mail addresses, URLs, IP addresses, NI numbers, UK phone numbers and
    postcodes in ``text`` by ``[redacted: KIND]``.

    Examples
    --------
    >>> redact("Ring me on 07700 900123 or email jo@example.org (RG1 1AA)")
    'Ring me on [redacted: phone] or email [redacted: email] ([redacted: postcode])'
    """
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text


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
    keep = has_text & ~small
    quoted = redact_series(text[keep].astype(str).str.strip())
    n_redacted = int((quoted != text[keep].astype(str).str.strip()).sum())
    withheld = tuple(sorted(set(label[has_text & small])))
    rules = (
        "Comments are quoted only from groups of at least "
        f"{min_base} respondents; e-mail addresses, phone numbers, postcodes, National "
        "Insurance numbers, IP addresses and web addresses are replaced by [redacted: ...].",
    )
    return QuotableComments(
        comments=pd.DataFrame(
            {"group": label[keep].tolist(), "comment": quoted.tolist()}, dtype=object
        ),
        withheld_groups=withheld,
        n_withheld=int((has_text & small).sum()),
        n_redacted=n_redacted,
        rules=rules,
    )


def comments_of(
    responses: Any, *, group: str | None = None, min_base: int = 10
) -> QuotableComments:
    """Quotable comments of every open-text question of normalised responses.

    Parameters
    ----------
    responses : rapstats.normalise.Responses
        Normalised with ``by=(group,)`` when ``group`` is given.
    group : str, optional
        Group name: comments of groups below ``min_base`` respondents are withheld. Default
        None: all respondents form one group.
    min_base : int, default 10
        The spec's ``disclosure.min_base``.

    Returns
    -------
    QuotableComments
        ``comments`` has columns ``question``, ``group`` and ``comment`` (redacted), in
        question order then input order.
    """
    import pandas as pd

    labels = None
    if group is not None:
        codes, levels = responses.groups[group]
        labels = pd.Series(np.asarray(levels, dtype=object)[codes], dtype=object)
    frames, withheld, n_withheld, n_redacted = [], set(), 0, 0
    rules: tuple[str, ...] = ()
    for qid, text in responses.text.items():
        one = quotable_comments(text.values(), labels, min_base=min_base)
        frames.append(one.comments.assign(question=qid)[["question", "group", "comment"]])
        withheld.update(one.withheld_groups)
        n_withheld += one.n_withheld
        n_redacted += one.n_redacted
        rules = one.rules
    columns = ["question", "group", "comment"]
    return QuotableComments(
        comments=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns),
        withheld_groups=tuple(sorted(withheld)),
        n_withheld=n_withheld,
        n_redacted=n_redacted,
        rules=rules,
    )
