"""Periods (quarter, month, year) of timestamps, for groups the spec derives from a date."""

from __future__ import annotations

import re

import numpy as np

from rapstats._arrow import to_numpy
from rapstats.errors import InputError
from rapstats.io import Coded, Export

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def periods(export: Export, coded: Coded, derive: str, column: str) -> tuple[np.ndarray, list[str]]:
    """The period (``2024 Q3``, ``2024-07``, ``2024``) of each timestamp category.

    Returns the index of each category's period in the list of periods, and that list.

    Vectorised over the categories with Arrow kernels: ISO timestamps
    (``2024-07-18 08:28:09``) are cut to their date, and each distinct date is checked;
    anything else is parsed as a date (day-first unless US order is evident). A date that
    does not exist (month 13, 32 July) is an error naming its row.
    """
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(coded.arrow())
    if pc.all(pc.match_substring_regex(text, r"^\d{4}-\d{2}(-\d{2})?([T ]|$)")).as_py():
        dates = pc.dictionary_encode(pc.utf8_slice_codeunits(text, 0, 10))
        days = [_iso_year_month(u) for u in dates.dictionary.to_pylist()]
        indices = to_numpy(dates.indices)  # each category's date
        if any(d is None for d in days):
            valid = np.array([d is not None for d in days], dtype=bool)
            raise _not_a_date(export, coded, column, ~valid[indices])
        key = np.array([y * 100 + m for y, m in days], dtype=np.int64)  # one per date
    else:
        years, months = _parse_dates(export, coded, column)
        key, indices = years * 100 + months, None
    uniq_keys, inverse = np.unique(key, return_inverse=True)
    labels = []
    for k in uniq_keys:
        y, m = divmod(int(k), 100)
        if derive == "quarter":
            labels.append(f"{y:04d} Q{(m - 1) // 3 + 1}")
        elif derive == "month":
            labels.append(f"{y:04d}-{m:02d}")
        else:
            labels.append(f"{y:04d}")
    periods = list(dict.fromkeys(labels))  # months of one quarter share a label
    position = np.array([periods.index(label) for label in labels], dtype=np.int64)
    per_key = position[inverse.reshape(-1)]
    return (per_key if indices is None else per_key[indices]), periods


def _iso_year_month(text: str) -> tuple[int, int] | None:
    """Year and month of an ISO date (``2024-07-18`` or ``2024-07``); None if no such date."""
    import datetime as dt

    y, m, d = _ISO_DATE.match(text).groups()  # type: ignore[union-attr]
    try:
        dt.date(int(y), int(m), int(d or 1))
    except ValueError:
        return None
    return int(y), int(m)


def _not_a_date(export: Export, coded: Coded, column: str, bad: np.ndarray) -> InputError:
    """The error for timestamp categories marked in ``bad``, naming the first row."""
    rows = np.flatnonzero(np.append(bad, False)[coded.codes])
    i = int(rows[0])
    more = f" ({len(rows)} rows in all)" if len(rows) > 1 else ""
    return InputError(
        f'"{coded.label(int(coded.codes[i]))}" is not a date{more}',
        path=export.path,
        row=int(export.row_numbers[i]),
        column=column,
        hint="correct the date in the export (periods are derived from a timestamp such as "
        "2024-07-18 08:28:09)",
    )


def _parse_dates(export: Export, coded: Coded, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and months of non-ISO date strings; day-first (UK) unless a first field above 12
    says US order."""
    import pandas as pd

    texts = pd.Series(list(coded.categories), dtype=object)
    firsts = texts.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]")
    a = pd.to_numeric(firsts[0], errors="coerce")
    b = pd.to_numeric(firsts[1], errors="coerce")
    dayfirst = not ((b > 12).any() and not (a > 12).any())
    parsed = pd.to_datetime(texts, dayfirst=dayfirst, format="mixed", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        raise _not_a_date(export, coded, column, bad)
    return parsed.dt.year.to_numpy(np.int64), parsed.dt.month.to_numpy(np.int64)
