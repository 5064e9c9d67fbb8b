#!/usr/bin/env python3
"""Write the fixtures of ``[survey] wave`` (tests/test_wave_column.py) to tests/data/wavecol/.

Deterministic (``random.Random(14)``). ``all_responses.csv`` is one continuous export over five
quarters (2025 Q1 to 2026 Q1) in time order, with two responses whose ``Timestamp`` is blank;
``all_YYYYqN.csv`` are the same responses written separately, one file per quarter (the blank
ones in none); ``no_wave.csv`` has no timestamp at all. Columns: ``Response ID``,
``Timestamp`` (ISO, ``2025-02-14 09:30:00``), ``Area`` (North/South), ``I feel safe in my
area`` (Yes/No), ``I trust the police`` (Agree/Neutral/Disagree, sometimes blank).

Usage: python3 scripts/make_wavecol_fixtures.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

HEADER = ["Response ID", "Timestamp", "Area", "I feel safe in my area", "I trust the police"]
#: quarter -> (first day, responses, chance of "Yes" to safe)
QUARTERS = {
    "2025q1": (dt.date(2025, 1, 1), 40, 0.55),
    "2025q2": (dt.date(2025, 4, 1), 46, 0.60),
    "2025q3": (dt.date(2025, 7, 1), 52, 0.58),
    "2025q4": (dt.date(2025, 10, 1), 38, 0.66),
    "2026q1": (dt.date(2026, 1, 1), 60, 0.75),
}
TRUST = ["Agree", "Neutral", "Disagree", ""]


def _rows(rng: random.Random) -> dict[str, list[list[str]]]:
    """Each quarter's responses, in time order."""
    out: dict[str, list[list[str]]] = {}
    serial = 0
    for quarter, (first, n, p_safe) in QUARTERS.items():
        days = sorted(rng.randrange(89) for _ in range(n))
        rows = []
        for day in days:
            serial += 1
            when = dt.datetime.combine(first + dt.timedelta(days=day), dt.time(9, 0))
            when += dt.timedelta(minutes=rng.randrange(600))
            rows.append(
                [
                    f"R{serial:04d}",
                    when.strftime("%Y-%m-%d %H:%M:%S"),
                    rng.choice(["North", "South"]),
                    "Yes" if rng.random() < p_safe else "No",
                    rng.choices(TRUST, weights=[5, 3, 3, 1])[0],
                ]
            )
        out[quarter] = rows
    return out


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)


def main(out: Path) -> None:
    rng = random.Random(14)
    quarters = _rows(rng)
    continuous = [r for rows in quarters.values() for r in rows]
    # two responses with no timestamp, in the middle of the export
    blank = [["R9001", "", "North", "Yes", "Agree"], ["R9002", "", "South", "No", "Neutral"]]
    continuous[100:100] = blank
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "all_responses.csv", continuous)
    for quarter, rows in quarters.items():
        _write(out / f"all_{quarter}.csv", rows)
    _write(out / "no_wave.csv", [[f"N{k:02d}", "", "North", "Yes", "Agree"] for k in range(12)])
    for quarter, rows in quarters.items():
        yes = sum(r[3] == "Yes" for r in rows)
        trust = {t or "blank": sum(r[4] == t for r in rows) for t in TRUST}
        print(quarter, len(rows), "safe Yes", yes, "No", len(rows) - yes, "trust", trust)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/wavecol"))
