"""Personal-data columns recognised by their content, whatever their header.

A column is personal data when most of its non-blank cells (counted by rows, over a sample of
its distinct values) are an e-mail address, phone number, postcode, NI number, IP address or
URL with little else (what :func:`rapstats.personal.redact` replaces), or a person's name:
"Firstname Lastname" in two or three capitalised words, the first a common given name, in a
column whose values are mostly distinct. Answer labels ("Strongly agree") and group names
("North East") are not names: their second word is lower case or their first is no given
name, and they repeat.

Only the distinct values (the categories of a :class:`~rapstats.io.Coded` column) are looked
at, at most :data:`_SAMPLE` of them, so the cost does not grow with the number of rows.
"""

from __future__ import annotations

import re

import numpy as np

from rapstats.io import Coded

_SAMPLE = 100
_SHARE = 0.5  # "mostly": at least half of the non-blank cells
_NAME_WORD = r"(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_NAME_RE = re.compile(rf"({_NAME_WORD})(?: [A-Z]\.?| {_NAME_WORD}){{1,2}}")
_PLACEHOLDER_RE = re.compile(r"\[redacted: \w+\]")
# Common given names in England and Wales (ONS baby names, births 1950-2020, and names common
# in the largest minority communities), lower case. A name column needs only some of its
# first names here: the rest of the rule is the shape and the distinctness.
_GIVEN_NAMES = frozenset(
    """
    aaliyah aaron abdul abigail adam adrian ahmed aidan aisha alan albert alex alexander
    alexandra alfie ali alice alison amanda amber amelia amina amir amy andrea andrew angela
    anita ann anna anne anthony archie arthur ashley barbara barry ben benjamin beth bethany
    bilal billy bob brian callum carl carol caroline catherine charles charlie charlotte chloe
    chris christine christopher claire clare colin connor craig daniel danielle darren david
    dawn dean debbie deborah declan denise dennis derek diane donna dorothy dylan edward eleanor
    elizabeth ella ellie emily emma eric ethan evie faisal fatima fiona florence frances frank
    freddie freya gareth gary gavin geoffrey george georgia gillian grace graham gurpreet hannah
    harjit harry harvey hassan hayley heather helen henry hollie holly hussain ian imran isaac
    isabella isabelle isla ivy jack jacob jade jake james jamie jane janet jas jason jasmine
    jaspreet jay jayden jean jennifer jessica jo joan joanne joe john jonathan jordan joseph
    joshua josh joyce judith julie karen kate katherine katie kelly kenneth kerry kevin khadija
    kieran kim kyle laura lauren leah lee leo lewis liam lily linda lisa logan louis louise
    lucy luke lynn malcolm mandeep margaret maria mark martin mary matthew megan melissa
    michael michelle mohamed mohammad mohammed molly muhammad nadia natalie nathan neil nicola
    nicholas nicole noah oliver olivia omar oscar owen pamela patricia patrick paul pauline
    peter philip poppy priya rachel rajesh raj ravi rebecca reece rhys richard rita robert
    robin rose ruby rachael ryan sadia sam samantha samuel sandra sara sarah scott sean shabana
    sharon shaun sheila simon sophie stacey stephanie stephen steven stuart sukhjit susan tahir
    teresa terry thomas tim timothy tina toby tom tony tracey tracy usman valerie vanessa
    victoria wayne wendy william yasmin yusuf zainab zara zoe
    """.split()
)


def personal_columns(
    columns: dict[str, Coded],
    rows: dict[str, np.ndarray] | None = None,
    known: dict[str, bool] | None = None,
) -> list[str]:
    """Names of the columns whose content is personal data, in ``columns`` order.

    ``rows`` gives, for a column whose records stand for several rows each (distinct
    combinations counted elsewhere, as on Spark), how many rows each record stands for:
    shares are of rows, as when every row is a record (the default). ``known`` gives the
    answer of :func:`is_personal` for columns already looked at.
    """
    rows = rows or {}
    known = known or {}
    return [
        name
        for name, col in columns.items()
        if (known[name] if name in known else is_personal(col, rows.get(name)))
    ]


def is_personal(col: Coded, weights: np.ndarray | None = None) -> bool:
    """Whether the column's content is personal data (see the module notes); ``weights``:
    the rows each record stands for."""
    k = col.n_categories
    if k == 0:
        return False
    picks = np.unique(np.linspace(0, k - 1, min(k, _SAMPLE)).astype(np.int64))
    values = [col.label(int(i)).strip() for i in picks]
    contact = np.array([_is_contact(v) for v in values], dtype=bool)
    named = np.array([_is_name(v) for v in values], dtype=bool)
    if not (contact.any() or named.sum() >= 2):
        return False
    if weights is None:
        counts = col.counts()
    else:
        valid = col.codes >= 0
        counts = np.bincount(col.codes[valid], weights=weights[valid], minlength=k)
    rows = counts[picks]
    total = rows.sum()
    if contact.sum() >= 2 and rows[contact].sum() >= _SHARE * total:
        return True
    # a name column: mostly names, mostly distinct (no repeated group or answer labels), with
    # some first names that are common given names
    n_nonblank = counts.sum()
    known = sum(
        v.split()[0].casefold() in _GIVEN_NAMES for v, n in zip(values, named, strict=True) if n
    )
    return bool(
        rows[named].sum() >= _SHARE * total
        and k >= _SHARE * n_nonblank
        and known >= max(2, 0.3 * named.sum())
    )


def _is_contact(value: str) -> bool:
    """Whether ``value`` is mostly an e-mail address, phone number, postcode, NI number, IP
    address or URL (a label or two around it, such as "Tel:", is allowed)."""
    from rapstats.personal import redact

    if len(value.split()) > 6:  # a sentence: at most mentions one (quoted later, redacted)
        return False
    redacted = redact(value)
    if redacted == value:
        return False
    rest = sum(ch.isalnum() for ch in _PLACEHOLDER_RE.sub("", redacted))
    return rest <= 0.5 * sum(ch.isalnum() for ch in value)


def _is_name(value: str) -> bool:
    return bool(_NAME_RE.fullmatch(value))


__all__ = ["is_personal", "personal_columns"]
