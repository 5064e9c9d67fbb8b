"""Write the fixture of who responded (``rapstats freq --profile``; tests/test_profile.py).

Run from the repository root: ``python scripts/make_profile_fixture.py``. Deterministic (no
random numbers): row ``i`` takes the ``i``-th value of each column below, each column written
out from its counts in order. tests/data/profile/README.md states the counts.
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "profile"
N = 40
# column -> (value, count) in order; "" is a blank cell. Every column has N values.
COLUMNS = {
    "Area": (("North", 18), ("South", 12), ("East", 4), ("West", 6)),
    "Age band": (("16-34", 15), ("35-64", 17), ("65+", 5), ("", 3)),
    "Postcode": (("RG1 1AA", 20), ("SW1A 1AA", 19), ("RG2 7AB", 1)),
    "Email": (("someone@example.com", 40),),
    "Helped": (("Yes", 25), ("No", 15)),
}


def _values(counts: tuple[tuple[str, int], ...]) -> list[str]:
    out = [value for value, k in counts for _ in range(k)]
    assert len(out) == N, counts
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    columns = {name: _values(counts) for name, counts in COLUMNS.items()}
    with open(OUT / "profile.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["Response ID", *columns])
        for i in range(N):
            writer.writerow([f"R{i + 1:03d}", *(v[i] for v in columns.values())])


if __name__ == "__main__":
    main()
