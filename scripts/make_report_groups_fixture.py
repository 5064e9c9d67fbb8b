"""Write the fixture of the report's differences between groups (tests/test_report_groups.py).

Run from the repository root: ``python scripts/make_report_groups_fixture.py``. Deterministic
(no random numbers): each area gets ``AREAS[area]`` answers Yes then No to q1, q2 alternates
Agree, Disagree within the area, and the team is A, A, B over each area's Yes answers and
A, B, B over its No answers (so team A answers Yes more often); the last four rows of West
are team C, too small to publish. tests/data/report_groups/README.md states the counts;
tests/data/reference/r/report_groups.R computes R's values from the CSV file.
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "report_groups"
AREAS = {"North": (45, 15), "South": (24, 36), "East": (27, 33), "West": (27, 33)}
SMALL_TEAM = 4  # rows at the end of the file put in team C


def rows() -> list[list[str]]:
    """The respondents, one row each: id, area, team, q1, q2."""
    out = []
    for area, (yes, no) in AREAS.items():
        answers = ["Yes"] * yes + ["No"] * no
        for i, q1 in enumerate(answers):
            k = i if q1 == "Yes" else i - yes
            team = ("A", "A", "B")[k % 3] if q1 == "Yes" else ("A", "B", "B")[k % 3]
            out.append([area, team, q1, ("Agree", "Disagree")[i % 2]])
    for row in out[-SMALL_TEAM:]:
        row[1] = "C"
    return [[str(n), *r] for n, r in enumerate(out, 1)]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "groups.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "area", "team", "q1", "q2"])
        w.writerows(rows())


if __name__ == "__main__":
    main()
