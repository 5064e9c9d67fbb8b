"""Redaction of personal data in free-text comments (rapstats.redact).

Example identifiers are the reserved ones: Ofcom drama numbers (07700 900xxx, 020 7946 0xxx,
01632 960xxx), HMRC's example NI number prefix QQ, RFC 5737 / RFC 3849 documentation IPs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from rapstats.redact import quotable_comments, redact, redact_series


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
