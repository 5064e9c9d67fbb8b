"""Write the surveys in parts of tests/test_parts.py (tests/data/parts/).

Run from the repository root: ``python scripts/make_parts_fixture.py``. Deterministic: the
parts are the rows of two exports already in the repository, split in order, each part with
the export's header row, so that the parts joined are the export itself:

* ``feedback/part-1.csv`` .. ``part-3.csv``: data/sample/feedback.csv (321 responses) as rows
  1-100, 101-220 and 221-321;
* ``feedback_2026q2/part-1.csv``, ``part-2.csv``: data/sample/feedback_2026q2.csv (an earlier
  wave of the sample, 296 responses) as rows 1-150 and 151-296: a wave in parts;
* ``design/part-1.csv``, ``part-2.csv``: tests/data/design/design.csv (101 respondents) as rows
  1-94 and 95-101 (school S5 of East split between the parts);
* ``design_parquet/part=1/part-0.parquet``, ``part=2/part-0.parquet``: the same two parts of
  design.csv as Parquet, with the types pyarrow infers from the CSV (``id``, ``pop_schools``
  and ``weight`` numbers, the rest text), in hive folders (``part`` is a column of the dataset).
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "parts"
SPLITS = {
    "feedback": (ROOT / "data" / "sample" / "feedback.csv", [100, 220]),
    "feedback_2026q2": (ROOT / "data" / "sample" / "feedback_2026q2.csv", [150]),
    "design": (ROOT / "tests" / "data" / "design" / "design.csv", [94]),
}


def split(source: Path, ends: list[int]) -> list[list[list[str]]]:
    """The header and each part's rows of ``source`` (the parts end after rows ``ends``)."""
    with source.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    assert all(len(r) == len(header) for r in rows)
    bounds = [0, *ends, len(rows)]
    return [[header, *rows[a:b]] for a, b in zip(bounds, bounds[1:], strict=False)]


def main() -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    for name, (source, ends) in SPLITS.items():
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        ending = "\r\n" if b"\r\n" in source.read_bytes()[:4096] else "\n"  # as the export's
        for k, part in enumerate(split(source, ends), start=1):
            with (folder / f"part-{k}.csv").open("w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator=ending).writerows(part)
    for k in (1, 2):
        folder = OUT / "design_parquet" / f"part={k}"
        folder.mkdir(parents=True, exist_ok=True)
        table = pacsv.read_csv(OUT / "design" / f"part-{k}.csv")
        pq.write_table(table, folder / "part-0.parquet")


if __name__ == "__main__":
    main()
