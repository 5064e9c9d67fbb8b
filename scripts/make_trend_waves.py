#!/usr/bin/env python3
"""Write the four quarterly waves of tests/data/waves/pulse_*.csv (same bytes on every run).

Each wave is blocks of identical rows: per area, ``q1`` respondents answering Yes to Q1 (the
rest No) and ``q2`` answering Yes to Q2 (the rest No), out of ``base``; column Weight cycles
1, 1.5, 0.5 from respondent 1. The counts are listed in tests/data/waves/README.md and read by
the R script tests/data/reference/r/trend.R, which computes the expected values from the CSV
files themselves.

Usage: python3 scripts/make_trend_waves.py
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "waves"
# Weight of respondent i: WEIGHTS[i % 3] (for pulse_weighted.toml)
WEIGHTS = ("0.5", "1", "1.5")
# wave -> area -> (base, Q1 Yes, Q2 Yes)
WAVES = {
    "pulse_2025Q1": {"North": (40, 12, 6), "South": (30, 10, 4)},
    "pulse_2025Q2": {"North": (40, 15, 1), "South": (30, 12, 0)},
    "pulse_2026Q1": {"North": (40, 20, 6), "South": (30, 14, 4), "East": (12, 6, 4)},
    "pulse_2026Q2": {"North": (40, 24, 9), "South": (30, 15, 2)},
}


def main() -> None:
    for wave, areas in WAVES.items():
        with (OUT / f"{wave}.csv").open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["ID", "Area", "Q1", "Q2", "Weight"])
            respondent = 0
            for area, (base, q1, q2) in areas.items():
                for k in range(base):
                    respondent += 1
                    answers = ["Yes" if k < q1 else "No", "Yes" if k < q2 else "No"]
                    out.writerow([respondent, area, *answers, WEIGHTS[respondent % 3]])


if __name__ == "__main__":
    main()
