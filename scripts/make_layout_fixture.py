#!/usr/bin/env python3
"""Write tests/data/layout/layout.csv: 53 responses with round counts, for the report layout.

Deterministic (same bytes on every run). Counts, by row number i (0-52):

* ``Q1`` (five-point agree scale): Strongly agree 10, Agree 20, Neither agree nor disagree 10,
  Disagree 5, Strongly disagree 5, Don't know 3: of the base of 50, 20/40/20/10/10%.
* ``Q2`` (four-point confidence scale): Very 15, Fairly 15, Not very 10, Not at all 10,
  blank 3: 30/30/20/20% of 50.
* ``Q3`` (multi-select, ``;``): A for i < 30, B for 20 <= i < 40, C for 40 <= i < 50, blank
  from 50: of the 50 who answered, A 60%, B 40%, C 20%.
* ``Area``: North for even i (27), South for odd i (26).
* ``Site``: S00-S21 (i mod 22): 22 values, more than a report breaks down by by default.
* ``Postcode``: AB1 for i < 27, else AB2 (a group marked personal in the specs).

Usage: python3 scripts/make_layout_fixture.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

Q1 = (
    ["Strongly agree"] * 10
    + ["Agree"] * 20
    + ["Neither agree nor disagree"] * 10
    + ["Disagree"] * 5
    + ["Strongly disagree"] * 5
    + ["Don't know"] * 3
)
Q2 = (
    ["Very confident"] * 15
    + ["Fairly confident"] * 15
    + ["Not very confident"] * 10
    + ["Not at all confident"] * 10
    + [""] * 3
)


def _q3(i: int) -> str:
    chosen = [
        o for o, (lo, hi) in (("A", (0, 30)), ("B", (20, 40)), ("C", (40, 50))) if lo <= i < hi
    ]
    return "; ".join(chosen)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "layout.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Area", "Site", "Postcode", "Q1", "Q2", "Q3"])
        for i in range(len(Q1)):
            area = "North" if i % 2 == 0 else "South"
            postcode = "AB1" if i < 27 else "AB2"
            w.writerow([area, f"S{i % 22:02d}", postcode, Q1[i], Q2[i], _q3(i)])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/layout"))
