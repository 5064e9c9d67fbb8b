"""Fuzz: random bytes and mutated exports either load or raise RapstatsError, nothing else."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapstats.errors import RapstatsError
from rapstats.io import load_export

DATA = Path(__file__).parent / "data"
SOURCES = [
    "enc_utf8.csv",
    "enc_utf16le.txt",
    "qualtrics_text.csv",
    "surveymonkey.csv",
    "googleforms.csv",
    "handmade_cp1252.csv",
    "msforms.xlsx",
    "edge_formula.xlsx",
    "survey.sav",
]
_counter = itertools.count()


def _load(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"f{next(_counter)}{suffix}"
    path.write_bytes(data)
    try:
        export = load_export(path)
    except RapstatsError as exc:
        assert "\n" not in str(exc)
        return
    assert export.frame.columns.is_unique
    assert len(export.row_numbers) == len(export.frame)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".sav"]))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    _load(tmp_path, data, suffix)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.sampled_from(SOURCES),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1, exclude_max=True),
            st.sampled_from(["flip", "delete", "insert", "truncate"]),
            st.binary(min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_exports(tmp_path: Path, source: str, edits: list) -> None:
    data = bytearray((DATA / source).read_bytes())
    for where, kind, payload in edits:
        if not data:
            break
        i = int(where * len(data))
        if kind == "flip":
            data[i] ^= payload[0] or 1
        elif kind == "delete":
            del data[i : i + len(payload)]
        elif kind == "insert":
            data[i:i] = payload
        else:
            del data[i:]
    _load(tmp_path, bytes(data), Path(source).suffix)
