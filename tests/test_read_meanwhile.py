"""A text export's columns are counted (``Coded.counts``, for inference) and looked at for
personal data (by their content) on the threads that code them, while the other thread codes
(``rapstats.io._read_text``); the loader uses those answers unless rows that are not blank
were left out after (a totals row), when the columns' values or counts may have changed and
it looks again."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from conftest import ROOT

import rapstats.io._personal as personal
import rapstats.io._read_text as read_text
from rapstats.io import Coded, load_export

DATA = ROOT / "tests" / "data"


def _says_area_is_personal(col: Coded) -> bool:
    """A stand-in for the coding threads' check: the area column is personal data."""
    return "North" in col.categories


def test_the_coding_threads_answer_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_text, "is_personal", _says_area_is_personal)
    looked_again: list[int] = []
    real = personal.is_personal
    monkeypatch.setattr(personal, "is_personal", lambda c: looked_again.append(1) or real(c))
    export = load_export(DATA / "bench_survey.csv")  # 400 rows, no totals row
    assert export.dropped == ("area",)
    assert {"what": "columns", "columns": ["area"], "reason": "personal data (by contents)"} in (
        export.left_out
    )
    assert looked_again == []


def test_a_totals_row_left_out_makes_the_loader_look_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = DATA / "handmade_cp1252.csv"  # a totals row at the bottom: left out
    expected = load_export(path).dropped
    monkeypatch.setattr(read_text, "is_personal", lambda col: True)
    export = load_export(path)
    assert any("totals" in n for n in export.notes)
    assert export.dropped == expected


def test_a_column_of_e_mail_addresses_is_dropped(tmp_path) -> None:
    rows = [f"R{i},North,Agree,person{i}@example.org" for i in range(300)]
    path = tmp_path / "survey.csv"
    path.write_text("id,area,q1,contact\n" + "\n".join(rows) + "\n", encoding="utf-8")
    export = load_export(path)
    assert export.dropped == ("contact",)
    assert list(export.columns) == ["id", "area", "q1"]


def test_each_column_is_counted_as_the_csv_module_counts_it() -> None:
    path = DATA / "bench_survey.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    export = load_export(path)
    assert export.columns["area"]._counts is not None  # counted while it was coded
    for name, col in export.columns.items():
        expected = Counter(r[name].strip() for r in rows if r[name].strip())
        assert dict(zip(col.categories, col.counts().tolist(), strict=True)) == expected
