"""rapstats.normalise: group codes of derived periods and of plain columns, on real files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from rapstats.io import load_export
from rapstats.normalise import BLANK_LABEL, normalise
from rapstats.spec import parse_spec

SPEC = """
[questions.q1]
column = "q1"
options = ["Yes", "No"]
positive = ["Yes"]

[groups.quarter]
column = "when"
derive = "quarter"

[groups.month]
column = "when"
derive = "month"

[groups.year]
column = "when"
derive = "year"

[groups.area]
column = "area"
order = ["South", "North"]
"""


def _codes(tmp_path: Path, stamps: list[str], areas: list[str]):
    rows = ["when,area,q1"] + [f"{s},{a},Yes" for s, a in zip(stamps, areas, strict=True)]
    path = tmp_path / "x.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = parse_spec(tomllib.loads(SPEC))
    return normalise(load_export(path), spec, by=("quarter", "month", "year", "area")).groups


def _labels(groups, name: str) -> list[str]:
    codes, levels = groups[name]
    return [levels[c] for c in codes]


def test_iso_timestamps_give_sorted_periods_with_blanks_last(tmp_path):
    stamps = ["2024-08-01 10:00:00", "2024-07-18 08:28:09", "", "2023-12-31 23:59:59"]
    groups = _codes(tmp_path, stamps, ["North", "South", "North", ""])
    assert _labels(groups, "quarter") == ["2024 Q3", "2024 Q3", BLANK_LABEL, "2023 Q4"]
    assert groups["quarter"][1] == ("2023 Q4", "2024 Q3", BLANK_LABEL)
    assert _labels(groups, "month") == ["2024-08", "2024-07", BLANK_LABEL, "2023-12"]
    assert groups["year"][1] == ("2023", "2024", BLANK_LABEL)
    # plain groups: the spec's order first, then blanks
    assert groups["area"][1] == ("South", "North", BLANK_LABEL)
    assert _labels(groups, "area") == ["North", "South", "North", BLANK_LABEL]


def test_day_first_dates_are_parsed_as_uk_dates(tmp_path):
    stamps = ["03/02/2024", "13/04/2024", "01/12/2023"]
    groups = _codes(tmp_path, stamps, ["North"] * 3)
    assert _labels(groups, "month") == ["2024-02", "2024-04", "2023-12"]
    assert _labels(groups, "quarter") == ["2024 Q1", "2024 Q2", "2023 Q4"]


def test_codes_index_levels_for_many_rows(tmp_path):
    rng = np.random.default_rng(7)
    days = rng.integers(0, 730, size=3000)
    stamps = [str(np.datetime64("2023-01-01") + int(d)) + " 12:00:00" for d in days]
    groups = _codes(tmp_path, stamps, ["North"] * len(stamps))
    months = (np.datetime64("2023-01-01") + days).astype("datetime64[M]")
    expected = [f"{m.astype(object).year} Q{(m.astype(object).month - 1) // 3 + 1}" for m in months]
    assert _labels(groups, "quarter") == expected
    assert list(groups["quarter"][1]) == sorted(set(expected))


def test_a_date_that_is_not_one_is_an_error_naming_the_column(tmp_path):
    from rapstats.errors import InputError

    with pytest.raises(InputError, match="not a date") as info:
        _codes(tmp_path, ["03/02/2024", "soon"], ["North", "North"])
    assert "when" in str(info.value)
