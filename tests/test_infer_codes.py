"""Inference from the coded columns: no pandas, and the same specs as before.

``infer_spec`` profiles each :class:`~rapstats.io.Coded` column from its integer codes (it
used to build a pandas DataFrame of every column, and to ask pandas what is a number or a
date). The specs it infers are checked against the hand-written specs of the fixtures (what a
person wrote for each export), and the number and date readers against pandas itself.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE_CSV

from rapstats.io import Coded, load_export
from rapstats.spec import load_spec
from rapstats.spec.infer import infer_spec
from rapstats.spec.infer.profile import Profile, is_date, profile
from rapstats.spec.infer.values import as_number, surely_date

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "export",
    [
        SAMPLE_CSV,
        DATA / "bench_survey.csv",
        DATA / "googleforms.csv",
        DATA / "surveymonkey.csv",
        DATA / "qualtrics_text.csv",
        DATA / "protect" / "multi_select.csv",
    ],
    ids=lambda p: p.name,
)
def test_summarize_without_a_spec_runs_without_pandas(export: Path) -> None:
    """Inferring the spec does not import pandas (pandas alone costs more to import than the
    whole summary of a small export). scipy is left out of the check: a weighted summary
    (bench_survey has a weight column) uses scipy.special."""
    code = (
        "import sys\n"
        "from rapstats.cli import cli\n"
        f"args = ['-q', 'summarize', {str(export)!r}, '--format', 'csv']\n"
        "try:\n    cli.main(args)\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print('pandas' in sys.modules, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.split() == ["False"]
    assert out.stdout.count("\n") > 2


# Fixtures whose hand-written spec has the questions inference finds (and the groups, where
# True): columns, type, options, positive and excluded answers each.
HAND_WRITTEN = [
    ("attack/collisions", False),
    ("attack/dont_know", True),
    ("attack/ethnicity", True),
    ("attack/personal_columns", True),
    ("between/between_escape", False),
    ("edge_impossible_dates", False),
    ("layout/layout", True),
    ("numbers/yes15of22", False),
    ("protect/multi_select", True),
]


@pytest.mark.parametrize(("name", "with_groups"), HAND_WRITTEN)
def test_inferred_spec_matches_the_hand_written_one(name: str, with_groups: bool) -> None:
    inferred = infer_spec(load_export(DATA / f"{name}.csv"))
    written = load_spec(DATA / f"{name}.toml")

    def questions(spec):
        return {
            q.column or q.columns: (q.type, q.options, q.positive, q.exclude)
            for q in spec.questions
        }

    assert questions(inferred) == questions(written)
    assert inferred.design == written.design
    if with_groups:
        groups = {(g.column, g.derive) for g in inferred.groups}
        assert groups == {(g.column, g.derive) for g in written.groups}


SPELLINGS = [
    *("1", "-0", "+3", "00012", "1.", ".5", "+.5", "-.5e-3", "1e5", "1E+03", "1.e5", "0."),
    *("inf", "+inf", "-Infinity", "INF", "iNf", "nan", "NaN", "nAn", "+nan", "N/A", "null"),
    *("1_000", "١٢", "1e", ".e5", "1e+", "--1", "1+", "+-1", "1e5.5", "1.5.2", "-.", "0x10"),
    *("1,000", "1 000", "1d5", "True", "None", "−1", "Agree", "12 months", "£5"),
    *("1e400", "-1e400", "1e-400", "123456789012345678901234567890", "1.7976931348623157e309"),
]


def test_numbers_are_read_as_pandas_reads_them() -> None:
    expected = pd.to_numeric(pd.Series(SPELLINGS, dtype=object), errors="coerce").tolist()
    for text, want in zip(SPELLINGS, expected, strict=True):
        got = as_number(text)
        if np.isnan(want):
            assert got is None or np.isnan(got), text
        else:
            assert got == want, text


def _date_spellings() -> list[str]:
    days = ["2024-01-05", "2024/1/5", "2024.01.05", "2023-02-29", "2024-02-29", "2024-13-05"]
    days += ["2024-00-10", "2024-02-32", "1066-10-14", "２０２４-01-05"]
    for a, b, sep in itertools.product(
        ["5", "05", "12", "13", "25", "31", "0"], ["1", "02", "13"], "/-."
    ):
        days.append(f"{a}{sep}{b}{sep}2024")
    times = ["", " 10:00", "T10:00:00", " 9:05", " 23:59:59", " 10:00:00.123", " 24:00"]
    times += [" 10:61", " 10:00:60", " 1:00 PM", " 12:30 am", " 13:00 PM", " 0:00 AM"]
    times += [" 10:00 garbage", " 10:00:00 BST"]
    return [d + t for d, t in itertools.product(days, times)]


def test_a_sure_date_is_one_pandas_reads() -> None:
    """surely_date never says yes where pandas.to_datetime(format="mixed") says no, and says
    yes to the usual platform timestamps."""
    spellings = _date_spellings()
    for text in spellings:
        if surely_date(text):
            parsed = pd.to_datetime(pd.Series([text]), errors="coerce", format="mixed")
            assert parsed.notna().all(), text
    usual = ["2024-07-18 08:28:09", "2024/07/18 8:28:09 AM", "18/07/2024 08:28", "7/18/2024 8:28"]
    assert all(surely_date(t) for t in usual)
    assert not any(surely_date(t) for t in ["2024-13-05", "31/31/2024", "2024-02-30 10:00"])
    assert sum(map(surely_date, spellings)) > len(spellings) / 4


def _profile(name: str, labels: list[str]) -> Profile:
    codes = np.arange(len(labels), dtype=np.int32)
    return profile(name, Coded(codes, tuple(labels)))


def test_odd_dates_are_still_dates() -> None:
    """Spellings surely_date leaves (a time zone, a month name) go to pandas, as before."""
    zoned = [f"2024-01-{d:02d} 10:00:00 GMT" for d in range(1, 29)]
    assert is_date(_profile("Submitted", zoned))
    impossible = [f"2024-13-{d:02d}" for d in range(1, 29)]
    assert not is_date(_profile("Submitted", impossible))


def test_profile_of_an_arrow_coded_column() -> None:
    """A column the CSV reader left as an Arrow dictionary gives the same profile as the same
    values listed in Python; only the most frequent 2,000 of many are turned into strings."""
    import pyarrow as pa

    values = [f"R{i:05d}" for i in range(5000)]
    codes = np.concatenate([np.arange(5000), np.arange(10), [-1, -1]]).astype(np.int32)
    listed = profile("id", Coded(codes, tuple(values)))
    arrow = profile("id", Coded(codes, arrow=pa.array(values)))
    assert (arrow.labels, arrow.n, arrow.n_rows, arrow.n_distinct) == (
        listed.labels,
        listed.n,
        listed.n_rows,
        listed.n_distinct,
    )
    assert (arrow.counts == listed.counts).all()
    assert listed.n == 5010 and listed.n_rows == 5012 and listed.n_distinct == 5000
    assert listed.labels[:10] == tuple(values[:10]) and len(listed.labels) == 2000
