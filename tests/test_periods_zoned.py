"""Periods of timestamps with a UTC offset or a time zone: each falls in the period of its own
local date (the date its clock showed), whatever the zone of the machine (docs/normalise.md)."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import run

SPEC = """\
[survey]
title = "Zoned timestamps"
id = "id"

[groups.quarter]
column = "when"
derive = "quarter"

[questions.q]
column = "q"
options = ["Yes", "No"]
positive = ["Yes"]
"""
# Local dates: 31 March (Q1) in New York although 04:30 on 1 April in UTC; 1 April (Q2) in
# London although 23:30 on 31 March in UTC; 5 January (Q1) in UTC.
WHEN = ["2026-03-31T23:30:00-05:00", "2026-04-01T00:30:00+01:00", "2026-01-05T10:00:00Z"]
QUARTER_BASES = {"2026 Q1": "2", "2026 Q2": "1"}


def _bases(stdout: str) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(stdout))
    return {r["group:quarter"]: r["base"] for r in rows if r["group:quarter"]}


@pytest.fixture
def machine_zone(monkeypatch):
    """Run with the machine's zone far from UTC (UTC+14), then restore it."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _summarize(runner, export, spec):
    result = run(runner, "summarize", export, "--spec", spec, "--by", "quarter",
                 "--unsafe-no-suppression", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return _bases(result.stdout)


def test_offsets_in_text_fall_in_their_own_local_quarter(runner, tmp_path, machine_zone):
    export = tmp_path / "zoned.csv"
    export.write_text(
        "id,when,q\n" + "".join(f"{i},{w},Yes\n" for i, w in enumerate(WHEN)), encoding="utf-8"
    )
    spec = tmp_path / "zoned.toml"
    spec.write_text(SPEC, encoding="utf-8")
    assert _summarize(runner, export, spec) == QUARTER_BASES


def test_zoned_parquet_timestamps_fall_in_their_own_local_quarter(runner, tmp_path, machine_zone):
    spec = tmp_path / "zoned.toml"
    spec.write_text(SPEC, encoding="utf-8")
    for zone, local, want in [
        ("America/New_York", "2026-03-31T23:30:00", {"2026 Q1": "3"}),
        ("Europe/London", "2026-04-01T00:30:00", {"2026 Q1": "1", "2026 Q2": "2"}),
    ]:
        stamp = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
        stamps = [stamp, stamp, datetime(2026, 1, 5, 10, tzinfo=ZoneInfo(zone))]
        table = pa.table(
            {
                "id": [str(i) for i in range(3)],
                "when": pa.array(stamps, pa.timestamp("us", tz=zone)),
                "q": ["Yes", "No", "Yes"],
            }
        )
        export = tmp_path / f"{zone.replace('/', '_')}.parquet"
        pq.write_table(table, export)
        assert _summarize(runner, export, spec) == want, zone
