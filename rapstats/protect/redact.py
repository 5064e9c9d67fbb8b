"""Personal data in free text: redaction and quotable comments.

Open-text answers are kept out of every table (:func:`rapstats.protect.protect` drops
``type = "text"`` questions). Where a report quotes comments, call :func:`quotable_comments`:
it withholds the comments of groups smaller than the disclosure threshold and redacts, in each
remaining comment,

============== ========================================================== =====================
kind           examples                                                   replaced by
============== ========================================================== =====================
``email``      ``jo.bloggs@example.org``, ``josé@correo.es``              ``[redacted: email]``
``url``        ``https://example.org/x``, ``www.example.org``,            ``[redacted: url]``
               ``example.org/page?id=1``
``ip_address`` ``192.0.2.10``, ``2001:db8::1``                            ``[redacted: ip_address]``
``ni_number``  ``QQ 12 34 56 C``, ``qq123456c``                           ``[redacted: ni_number]``
``phone``      ``07700 900123``, ``07700.900.123``, ``+44 20 7946 0000``, ``[redacted: phone]``
               ``(020) 7946-0000``
``postcode``   ``RG1 1AA``, ``SW1A 1AA``, ``rg11aa``                      ``[redacted: postcode]``
============== ========================================================== =====================

:func:`personal_data_kinds` says which of these a text holds (the loader uses it to find
personal-data columns by their content).

Notes
-----
Spaces between the parts of a number or code may be ordinary or no-break spaces, dots or
dashes. Phone numbers are found by Google's libphonenumber (the ``phonenumbers`` port,
``PhoneNumberMatcher`` with region GB): see :func:`_phones` for which matches count. E-mail
addresses may have Unicode local parts and domains. Dates (``12/03/2024``), years, percentages,
ranges (``25-34``) and ``Q3 2024`` are not matched. Postcodes follow the Royal Mail format (any
case; the space may be missing). National Insurance numbers follow HMRC's prefix rules (its
example prefix ``QQ`` included) with an optional A-D suffix. Names, addresses without a postcode
and other identifying details are **not** detected: a person must still read quoted comments.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas loads only where comments are quoted, not at every load
    import pandas as pd

KINDS: tuple[str, ...] = ("email", "url", "ip_address", "ni_number", "phone", "postcode")

_EMAIL = re.compile(
    r"(?<![\w.+'-])[\w.+'-]+[@\uff20][^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*"
    r"\.(?:[^\W\d_]{2,}|xn--[\w-]+)\b"
)
_URL = re.compile(
    r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"
    r"|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}/[^\s<>\"']*\?[^\s<>\"']+",
    re.IGNORECASE,
)
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]*\d)"
)
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d+(?:\.\d+){3}|[0-9A-Fa-f]{0,4})(?![\w:])"
)
# HMRC's prefix rules (no D, F, I, Q, U, V first; no D, F, I, O, Q, U, V second), and its
# example prefix QQ; the same separator (or none) between the pairs of digits.
_NINO = re.compile(
    r"\b(?:QQ|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])(?P<sep>[\s.\-]?)\d{2}(?P=sep)\d{2}"
    r"(?P=sep)\d{2}(?:(?P=sep)[A-D]|\s?[A-D])?\b(?![.\-]?\d)",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
# Seven digits with at most three other characters between each, once dates and times
# ("2026-07-04 20:07:39", "3/27/2023") are left out: worth asking libphonenumber.
_MAYBE_PHONE = re.compile(r"\d(?:\D{0,3}\d){6}")
_DATE_TIME = re.compile(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b")


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


def _phones(text: str) -> str:
    """``text`` with phone numbers replaced, as libphonenumber's matcher finds them (region GB).

    The matcher runs at its most lenient level (``POSSIBLE``: any digit grouping a person might
    type, with spaces, no-break spaces, dots, dashes or brackets), so a match is kept only when
    libphonenumber calls it a valid number, or when it is typed as a phone number is typed:
    a UK number starting ``0``, ``+44`` or ``(0`` with a 9- or 10-digit national number (this
    includes ranges kept for drama, such as 07700 900xxx), or an international number starting
    ``+`` or ``00`` with at least 8 national digits. Years, "Q1 2026", "25-34" and dates have
    no such shape.
    """
    if not _MAYBE_PHONE.search(_DATE_TIME.sub(" ", text)):
        return text
    import phonenumbers  # lazily: its metadata take a few tens of ms to load

    out, end = [], 0
    for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        raw, number = m.raw_string, m.number
        national = len(str(number.national_number))
        typed_uk = (
            number.country_code == 44 and raw.startswith(("0", "+", "(0")) and (9 <= national <= 10)
        )
        typed_abroad = raw.startswith(("+", "00")) and national >= 8
        if typed_uk or typed_abroad or phonenumbers.is_valid_number(number):
            out += [text[end : m.start], _label("phone")]
            end = m.end
    return "".join(out) + text[end:] if out else text


# (kind, a quick test that the pattern may match, pattern or None, replacement)
_RULES = (
    ("email", lambda t: "@" in t or "\uff20" in t, _EMAIL, _label("email")),
    ("url", lambda t: "/" in t or "www." in t.casefold(), _URL, _url),
    ("ip_address", lambda t: t.count(":") >= 2, _IPV6, _ipv6),
    ("ip_address", lambda t: t.count(".") >= 3, _IPV4, _label("ip_address")),
    ("ni_number", None, _NINO, _label("ni_number")),
    ("phone", None, None, _phones),
    ("postcode", None, _POSTCODE, _label("postcode")),
)


def _scan(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` redacted, and the kinds of personal data found in it (in :data:`KINDS` order)."""
    found = set()
    for kind, maybe, pattern, repl in _RULES:
        if maybe is not None and not maybe(text):
            continue
        new = repl(text) if pattern is None else pattern.sub(repl, text)
        if new != text:
            found.add(kind)
            text = new
    return text, tuple(k for k in KINDS if k in found)


def redact(text: str) -> str:
    """Replace e-mail addresses, URLs, IP addresses, NI numbers, phone numbers and UK
    postcodes in ``text`` by ``[redacted: KIND]``.

    Examples
    --------
    >>> redact("Ring me on 07700 900123 or email jo@example.org (RG1 1AA)")
    'Ring me on [redacted: phone] or email [redacted: email] ([redacted: postcode])'
    >>> redact("Q1 2026, aged 25-34")
    'Q1 2026, aged 25-34'
    """
    return _scan(text)[0]


def personal_data_kinds(text: str) -> tuple[str, ...]:
    """The kinds of personal data (of :data:`KINDS`) in ``text``; empty if there are none.

    Examples
    --------
    >>> personal_data_kinds("jo@example.org, 07700 900123")
    ('email', 'phone')
    >>> personal_data_kinds("Under 18")
    ()
    """
    return _scan(text)[1]


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
