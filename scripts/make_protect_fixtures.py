"""Write the small exports of tests/data/protect/ (disclosure-control regression tests).

Deterministic: the counts below are the test's ground truth, and the tests recount them from
the CSV files with the standard library. Run from the repository root:

    python scripts/make_protect_fixtures.py
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "protect"


def multi_select() -> None:
    """120 respondents in two areas, 100 of whom answered; "Newspaper" ticked by 3 (below
    every threshold): Radio by the first 60, Poster by the 41st to 90th, Friend by every
    fourth of the first 100."""
    rows = []
    for i in range(120):
        chosen = [
            *(["Radio"] if i < 60 else []),
            *(["Poster"] if 40 <= i < 90 else []),
            *(["Friend"] if i < 100 and i % 4 == 0 else []),
            *(["Newspaper"] if i in (5, 64, 97) else []),
        ]
        rows.append({"ID": i + 1, "Area": "North" if i % 2 else "South", "Heard": ";".join(chosen)})
    _write("multi_select.csv", rows)


def ethnic_groups() -> None:
    """Four ethnic groups of 30-90 respondents, three of 4-8, and an area of 3 respondents who
    all answered Don't know."""
    sizes = {
        "Asian": 45,
        "Black": 80,
        "White": 90,
        "Mixed": 30,
        "Arab": 4,
        "Gypsy or Irish Traveller": 6,
        "Any other": 8,
    }
    answers = ("Agree", "Disagree", "Don't know")
    rows = []
    i = 0
    for group, n in sizes.items():
        for k in range(n):
            i += 1
            rows.append(
                {
                    "ID": i,
                    "Ethnicity": group,
                    "Area": ("North", "South")[k % 2],
                    "Confident": answers[(k * 5 + len(group)) % 3] if k % 11 else "Agree",
                }
            )
    for _ in range(3):
        i += 1
        rows.append({"ID": i, "Ethnicity": "White", "Area": "Isles", "Confident": "Don't know"})
    _write("ethnic_groups.csv", rows)


def _write(name: str, rows: list[dict[str, object]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    multi_select()
    ethnic_groups()
