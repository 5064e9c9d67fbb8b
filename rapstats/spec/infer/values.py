"""What a value is: a number, a date. Exact and without pandas for the usual spellings.

Inference used to ask pandas (``to_numeric`` and ``to_datetime(format="mixed")``); these give
the same answers without importing it. :func:`as_number` reads as numbers the strings
``pandas.to_numeric`` reads as a finite or infinite number (a NaN is no number), in every
spelling ``tests/test_infer_codes.py`` tries.
:func:`surely_date` answers True only for dates that ``pandas.to_datetime(format="mixed")``
certainly parses (year-month-day, or day and month either way round with a 4-digit year, with
an optional time); for anything else the caller asks pandas (see
:func:`rapstats.spec.infer.profile.is_date`), so the rare odd spelling keeps its old answer.
"""

from __future__ import annotations

import datetime as dt
import re

_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INFINITY_RE = re.compile(r"[+-]?inf(?:inity)?", re.IGNORECASE)
# ASCII digits only: other digits ("２０２４") are left to pandas
_YMD_RE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_DMY_RE = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")
_TIME_RE = re.compile(
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?(?: ?([AaPp][Mm]))?)?"
)


def as_number(text: str) -> float | None:
    """``text`` as a float (ASCII decimal or ``inf``), or None if it is not one."""
    if _NUMBER_RE.fullmatch(text) or _INFINITY_RE.fullmatch(text):
        return float(text)
    return None


def surely_date(text: str) -> bool:
    """Whether ``text`` is certainly a date (and time) that exists, in a common spelling.

    False means "not certain", not "no date": 2024-13-05 and 05/01/2024 10:00 BST are
    left to the caller.
    """
    ymd = _YMD_RE.match(text)
    if ymd is not None:
        days: list[tuple[int, int, int]] = [tuple(map(int, ymd.groups()))]  # type: ignore[list-item]
        rest = text[ymd.end() :]
    else:
        dmy = _DMY_RE.match(text)
        if dmy is None:
            return False
        a, b, y = map(int, dmy.groups())
        days = [(y, a, b), (y, b, a)]  # month first, else day first (pandas swaps)
        rest = text[dmy.end() :]
    time = _TIME_RE.fullmatch(rest)
    if time is None or not _time_exists(*time.groups()):
        return False
    return any(1900 <= y <= 2200 and _day_exists(y, m, d) for y, m, d in days)


def _day_exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _time_exists(*parts: str | None) -> bool:
    """Whether the (hour, minute, second, AM/PM) matched by ``_TIME_RE`` is a time of day."""
    hour, minute, second, half = parts
    if hour is None:
        return True
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    low, high = (1, 12) if half else (0, 23)
    return low <= h <= high and m < 60 and s < 60


__all__ = ["as_number", "surely_date"]
