"""Write the fixtures of ``rapstats compare --between`` (tests/test_compare_between.py).

Run from the repository root: ``python scripts/make_between_fixtures.py``. The files are
deterministic (no random numbers): each area gets the answer counts in ``AREAS``, written row
by row in that order, the team alternating A, B, A... within the area, and (weighted file) the
weight cycling through ``WEIGHTS`` over the whole file. tests/data/between/README.md states
the counts; tests/data/reference/r/between.R computes R's values from these files.
"""

from __future__ import annotations

import csv
from itertools import cycle
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "between"
# area -> (q1 Yes, q1 No), (q2 Agree, Neutral, Disagree, blank), (q3 ticks: Email, Phone)
AREAS = {
    "North": ((28, 12), (20, 10, 10, 0), (30, 12)),
    "South": ((18, 18), (12, 12, 12, 0), (20, 20)),
    "East": ((12, 18), (9, 10, 9, 2), (9, 15)),
    "West": ((10, 14), (8, 8, 8, 0), (12, 10)),
    "Islands": ((3, 1), (1, 2, 1, 0), (2, 1)),
}
WEIGHTS = (0.5, 1.0, 1.5, 2.5, 1.0, 3.0, 0.75)
# Group values a publication must escape or redact (tests/test_compare_between.py).
ESCAPE_AREAS = {'=HYPERLINK("http://x.test","go")': (14, 6), "jo.bloggs@example.com": (9, 12)}


def _column(counts: tuple[int, ...], labels: tuple[str, ...]) -> list[str]:
    return [label for label, k in zip(labels, counts, strict=True) for _ in range(k)]


def _rows() -> list[list[str]]:
    rows = []
    for area, (q1, q2, q3) in AREAS.items():
        a = _column(q1, ("Yes", "No"))
        b = _column(q2, ("Agree", "Neutral", "Disagree", ""))
        n = len(a)
        email = ["Yes"] * q3[0] + [""] * (n - q3[0])
        phone = [""] * (n - q3[1]) + ["Yes"] * q3[1]
        team = ["A" if k % 2 == 0 else "B" for k in range(n)]
        rows += [list(r) for r in zip([area] * n, team, a, b, email, phone, strict=True)]
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    header = ["area", "team", "q1", "q2", "Contact: Email", "Contact: Phone"]
    rows = _rows()
    ids = [str(k) for k in range(1, len(rows) + 1)]
    with (OUT / "between.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(
            [["id", *header], *[[i, *r] for i, r in zip(ids, rows, strict=True)]]
        )
    weights = cycle(WEIGHTS)
    with (OUT / "between_weighted.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(
            [
                ["id", *header, "weight"],
                *[[i, *r, str(next(weights))] for i, r in zip(ids, rows, strict=True)],
            ]
        )
    escape = [
        [area, answer]
        for area, q1 in [*ESCAPE_AREAS.items(), ("North", (20, 10))]
        for answer in _column(q1, ("Yes", "No"))
    ]
    with (OUT / "between_escape.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([["area", "q1"], *escape])


if __name__ == "__main__":
    main()
