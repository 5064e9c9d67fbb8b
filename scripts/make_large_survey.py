#!/usr/bin/env python3
"""Write the benchmark survey of ``../shared/bench/make_survey.py`` for many rows in bounded
memory: the same bytes as ``make_survey.py --rows N --seed S --out PATH``.

``make_survey.py`` turns every cell into a Python object before writing (about 2 GB per
million rows: 20 GB for the 10M-row file). This script generates the same table with its
``generate`` and writes it ``--slice`` rows at a time with its ``write_csv``, keeping one
header. Check: ``--rows 100000`` gives the bytes of ``make_survey.py --rows 100000``.

Usage::

    python scripts/make_large_survey.py --rows 10000000 --out bench-data/survey_10m.csv
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

SHARED_BENCH = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--slice", type=int, default=200_000, help="rows written at a time")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SHARED_BENCH.resolve()))
    import make_survey

    table = make_survey.generate(args.rows, args.seed)
    partial = args.out.with_name(args.out.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp, partial.open("wb") as out:
        part = Path(tmp) / "part.csv"
        for start in range(0, args.rows, args.slice):
            make_survey.write_csv(table.slice(start, args.slice), str(part))
            with part.open("rb") as f:
                if start:
                    f.readline()  # the header, written once
                shutil.copyfileobj(f, out, 1 << 20)
    partial.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
