"""Write the stratified cluster sample of tests/test_design.py (tests/data/design/).

Run from the repository root: ``python scripts/make_design_fixture.py``. Deterministic (a seeded
NumPy generator): three strata (``region``), each a sample of first-stage clusters (``school``,
ids reused across strata, so nested), each cluster 5-11 respondents; ``pop_schools`` is the
stratum's number of schools in the population (the fpc), ``weight`` the sampling weight
(N_h / n_h times the inverse of a within-school fraction). Questions: ``q1`` (Yes / No / blank)
``q2`` (Agree / Neutral / Disagree / Don't know, the last excluded from the base), the
multi-select ``q3`` (columns ``Contact: Email`` and ``Contact: Phone``, "Yes" when ticked) and
the group ``sex``. tests/data/design/README.md states the counts; tests/data/reference/r/design.R
computes R's values from the file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "design"
# stratum -> (schools sampled, schools in the population)
STRATA = {"North": (4, 20), "South": (3, 12), "East": (5, 40)}
HEADER = [
    "id",
    "region",
    "school",
    "pop_schools",
    "weight",
    "sex",
    "q1",
    "q2",
    "Contact: Email",
    "Contact: Phone",
]


def rows() -> list[list[str]]:
    """The respondents, stratum by stratum and school by school."""
    rng = np.random.default_rng(20261130)
    out = []
    for s, (stratum, (sampled, population)) in enumerate(STRATA.items()):
        for j in range(sampled):
            size = int(rng.integers(5, 12))
            p_yes = 0.25 + 0.12 * s + 0.08 * j
            within = float(rng.choice([0.25, 0.5, 1.0]))
            for _ in range(size):
                yes = rng.random() < p_yes
                q1 = "" if rng.random() < 0.06 else ("Yes" if yes else "No")
                q2 = str(
                    rng.choice(
                        ["Agree", "Neutral", "Disagree", "Don't know"],
                        p=[0.35 + 0.1 * yes, 0.25, 0.3 - 0.1 * yes, 0.1],
                    )
                )
                weight = population / sampled / within
                out.append(
                    [
                        stratum,
                        f"S{j + 1}",
                        str(population),
                        f"{weight:g}",
                        str(rng.choice(["Female", "Male"])),
                        q1,
                        q2,
                    ]
                )
    ticks = np.random.default_rng(20261201)  # q3, multi-select (ticked nothing: not answered)
    contact = [
        ["Yes" if ticks.random() < 0.3 + 0.04 * (i % 5) else "" for _ in range(2)]
        for i in range(len(out))
    ]
    return [[str(i + 1), *r, *c] for i, (r, c) in enumerate(zip(out, contact, strict=True))]


def main() -> None:
    """Write tests/data/design/design.csv."""
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "design.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows())


if __name__ == "__main__":
    main()
