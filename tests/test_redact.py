"""Redaction of personal data in free-text comments (rapstats.protect.redact).

Example identifiers are the reserved ones: Ofcom drama numbers (07700 900xxx, 020 7946 0xxx,
01632 960xxx), HMRC's example NI number prefix QQ, RFC 5737 / RFC 3849 documentation IPs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from rapstats.personal import personal_data_kinds, redact
from rapstats.protect.redact import quotable_comments, redact_series


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please email me at jo.bloggs@example.org.uk about the next meeting.",
            "Please email me at [redacted: email] about the next meeting.",
        ),
        (
            "My mobile is 07700 900123, ring after 6pm",
            "My mobile is [redacted: phone], ring after 6pm",
        ),
        ("Call the office on +44 20 7946 0000.", "Call the office on [redacted: phone]."),
        (
            "Landline (020) 7946 0000 or 01632 960 001",
            "Landline [redacted: phone] or [redacted: phone]",
        ),
        ("Or +44 (0)20 7946 0000 / 0044 7700 900123", "Or [redacted: phone] / [redacted: phone]"),
        (
            "I live at 4 Elm Road, Reading RG1 1AA",
            "I live at 4 Elm Road, Reading [redacted: postcode]",
        ),
        (
            "Near SW1A 1AA and M1 1AE, or rg11aa",
            "Near [redacted: postcode] and [redacted: postcode], or [redacted: postcode]",
        ),
        ("My NI number is QQ 12 34 56 C", "My NI number is [redacted: ni_number]"),
        ("NI QQ123456C.", "NI [redacted: ni_number]."),
        (
            "From 192.0.2.10 and 2001:db8::1",
            "From [redacted: ip_address] and [redacted: ip_address]",
        ),
        (
            "See https://example.org/a?b=1, and www.example.org.",
            "See [redacted: url], and [redacted: url].",
        ),
    ],
)
def test_redacts_personal_data(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The event on 12/03/2024 at 10:30 was good",
        "75% of us felt heard in Q3 2024",
        "Since 2019 things improved; 2023-2024 was better",
        "About 3.5 out of 10, maybe 1 in 4 people",
        "Ref 12345678 and version 1.2.3",
        "Meeting 18:30:00 on 2024-03-12",
        "Over 1,000 people and 0.5 per cent",
    ],
)
def test_no_false_positives_on_dates_years_and_numbers(text):
    assert redact(text) == text


def test_realistic_comment():
    comment = (
        "Thanks for the event. If you want to follow up my number is 07700 900123 or "
        "email sam.k@example.com - I'm at 12 Park Lane, M1 1AE. (NI QQ 12 34 56 C in case "
        "you need it.) More at www.example.org/rap"
    )
    out = redact(comment)
    for leaked in ("07700", "900123", "sam.k", "example.com", "M1 1AE", "QQ 12", "www."):
        assert leaked not in out
    assert "[redacted: phone]" in out and "[redacted: email]" in out
    assert "[redacted: postcode]" in out and "[redacted: ni_number]" in out
    assert out.endswith("[redacted: url]")


def test_redact_series_keeps_missing():
    s = redact_series(pd.Series(["a@b.co", None, "fine"]))
    assert s[0] == "[redacted: email]" and pd.isna(s[1]) and s[2] == "fine"


def test_quotable_comments_withholds_small_groups_and_redacts():
    comments = ["Call 07700 900123", "", None, "Great event", "Too small to quote"]
    groups = ["North"] * 4 + ["West"]
    q = quotable_comments(comments, groups, min_base=3)
    assert q.comments.to_dict("records") == [
        {"group": "North", "comment": "Call [redacted: phone]"},
        {"group": "North", "comment": "Great event"},
    ]
    assert q.withheld_groups == ("West",)
    assert q.n_withheld == 1 and q.n_redacted == 1
    assert "at least 3 respondents" in q.rules[0]


def test_quotable_comments_group_bases_and_blank_groups():
    q = quotable_comments(["x", "y"], [None, "East"], group_bases={"East": 20, "(blank)": 2})
    assert q.comments["group"].tolist() == ["East"]
    assert q.withheld_groups == ("(blank)",)
    with pytest.raises(ValueError, match="give one each"):
        quotable_comments(["x"], ["a", "b"])


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # phone numbers as people type them: spaces, no-break spaces, dots, dashes, brackets
        ("07700 900123", ("phone",)),
        ("07700900123", ("phone",)),
        ("07700.900.123", ("phone",)),
        ("07700-900-123", ("phone",)),
        ("07700\u00a0900\u00a0123", ("phone",)),
        ("+44\u00a07700 900123", ("phone",)),
        ("(0117) 496-0123", ("phone",)),
        ("0117.496.0123", ("phone",)),
        ("020-7946-0000", ("phone",)),
        ("+1 202 555 0143", ("phone",)),
        # postcodes without the space, in lower case, with a no-break space
        ("rg11aa", ("postcode",)),
        ("rg1 1aa", ("postcode",)),
        ("SW1A\u00a01AA", ("postcode",)),
        # NI numbers with spaces, no-break spaces, dashes or none, any case
        ("QQ 12 34 56 C", ("ni_number",)),
        ("qq123456c", ("ni_number",)),
        ("QQ\u00a012\u00a034\u00a056\u00a0C", ("ni_number",)),
        ("QQ-12-34-56-C", ("ni_number",)),
        # internationalised e-mail addresses, a full-width at sign
        ("jöran@exämple.de", ("email",)),
        ("josé.garcía@correo.es", ("email",)),
        ("用户@例子.广告", ("email",)),
        ("jo\uff20example.org", ("email",)),
        ("Jo.Bloggs+survey@Example.ORG", ("email",)),
        # IPv4, IPv6, URLs with a query string (with or without the scheme)
        ("192.0.2.254", ("ip_address",)),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", ("ip_address",)),
        ("fe80::1ff:fe23:4567:890a", ("ip_address",)),
        ("example.org/track?id=123", ("url",)),
        ("https://example.org/?utm=1", ("url",)),
        ("Mail jo@example.org or ring 07700 900123", ("email", "phone")),
    ],
)
def test_typed_formats_are_found_and_redacted(text, kinds):
    assert personal_data_kinds(text) == kinds
    out = redact(text)
    assert all(f"[redacted: {k}]" in out for k in kinds)
    assert not any(ch.isdigit() for ch in out.replace("[redacted: ip_address]", ""))
    assert "@" not in out and "\uff20" not in out


# Labels of ordinary survey answers and groups: none holds personal data, so none is redacted.
SAFE_LABELS = [
    "2026",
    "Q1 2026",
    "2026 Q1",
    "Q3 2024 to Q4 2025",
    "75%",
    "100%",
    "10-15",
    "0-4",
    "25-34",
    "18-24",
    "65+",
    "65 and over",
    "Under 18",
    "Years 7-9",
    "01/04/2026",
    "2026-04-01",
    "2024-07-18 08:28:09",
    "3/27/2023 17:52:42",
    "1 April 2026",
    "April-June 2026",
    "2025/26",
    "2025-26",
    "08:00-09:00",
    "18:30:00",
    "North East",
    "Abbey ward",
    "St Mary's",
    "Ward 12",
    "Year 10",
    "Band 6",
    "P1",
    "S2",
    "EV01",
    "RAP-0001",
    "£10,000 to £19,999",
    "£20,000-£29,999",
    "2,500-4,999",
    "Over 1,000,000",
    "50-100 employees",
    "1 in 4",
    "Zone 1-2",
    "M25 junction 10",
    "Strongly agree",
    "Don't know",
    "Prefer not to say",
    "Black, Black British, Caribbean or African",
    "White: English, Welsh, Scottish, Northern Irish or British",
    "Event 3 (12 March 2026)",
]


@pytest.mark.parametrize("label", SAFE_LABELS)
def test_ordinary_labels_are_not_redacted(label):
    assert redact(label) == label
    assert personal_data_kinds(label) == ()


def test_quotable_comments_withholds_respondents_of_small_groups_elsewhere():
    # all four in North (min_base 3), but the second is in a small group of another variable
    q = quotable_comments(["a", "b", "c", None], ["North"] * 4, min_base=3, withhold=[0, 1, 0, 1])
    assert q.comments["comment"].tolist() == ["a", "c"]
    assert q.n_withheld == 1 and q.withheld_groups == ()
    with pytest.raises(ValueError, match="give one each"):
        quotable_comments(["x"], withhold=[True, False])
