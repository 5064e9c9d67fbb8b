"""Personal data in text: find it and redact it (a shared leaf: the loader finds
personal-data columns with it, the protect step redacts labels and comments with it).

:func:`redact` replaces, in a text,

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
from collections.abc import Iterator

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
_PHONE_START = re.compile(r"(?<![\w+(])(?:\+|\(0|0)")  # where a typed number may begin
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

    def matches(start: int) -> Iterator[tuple[int, int]]:
        """The spans of the numbers kept from ``text[start:]`` on, as the matcher finds them."""
        found = phonenumbers.PhoneNumberMatcher(
            text[start:], "GB", leniency=phonenumbers.Leniency.POSSIBLE
        )
        for m in found:
            raw, number = m.raw_string, m.number
            national = len(str(number.national_number))
            typed_uk = (
                number.country_code == 44
                and raw.startswith(("0", "+", "(0"))
                and (9 <= national <= 10)
            )
            typed_abroad = raw.startswith(("+", "00")) and national >= 8
            if typed_uk or typed_abroad or phonenumbers.is_valid_number(number):
                yield start + m.start, start + m.end

    spans = list(matches(0))
    # After other digits ("flat 12 07700 900123", "(1) 07700 900123") the matcher reads one
    # longer candidate, not a number, and keeps nothing: look again from each place a number
    # may be typed from that no number kept covers.
    for at in _PHONE_START.finditer(text):
        if not any(a <= at.start() < b for a, b in spans):
            first = next(matches(at.start()), None)
            if first is not None and first[0] == at.start():
                spans.append(first)
    out, end = [], 0
    for a, b in sorted(spans):
        if a >= end:
            out += [text[end:a], _label("phone")]
            end = b
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
