#!/usr/bin/env python3
"""Refresh the tests' copy of the reference corpus (tests/data/reference/) from its source.

The corpus (R 4.2.2 / survey 4.1.1 values and published tables, with the R school samples they
use) is kept outside the repository, in ``../shared/reference/`` beside the checkout. The tests
read only the copy, so a bare clone runs them. This script copies ``README.md``,
``proportions.json`` and ``data/*.csv`` from SOURCE_DIR, removes files the source no longer
has (but not ``r/``, the project's own R scripts and the values they made), and rewrites
``PROVENANCE.md`` (source, date, SHA-256 of each file). Commit the result
together with any code change it requires.

Usage: python3 scripts/refresh_reference.py [SOURCE_DIR]
(default: ../shared/reference, taken from the repository root wherever the script is run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "tests" / "data" / "reference"
PATTERNS = ("README.md", "proportions.json", "data/*.csv")


def corpus_files(source: Path) -> list[Path]:
    """The corpus files under ``source``, relative to it, in a stable order."""
    return sorted(p.relative_to(source) for pattern in PATTERNS for p in source.glob(pattern))


def r_versions(readme: str) -> str:
    """The software that made the values, as the corpus README states it."""
    found = re.search(r"from (R [\d.]+ \([^)]*\))", readme)
    return " ".join(found.group(1).split()) if found else "see README.md"


def provenance(source: str, files: list[Path], today: dt.date) -> str:
    readme = (DEST / "README.md").read_text(encoding="utf-8")
    rows = "\n".join(
        f"| `{f.as_posix()}` | `{hashlib.sha256((DEST / f).read_bytes()).hexdigest()}` |"
        for f in files
    )
    return f"""# Provenance of tests/data/reference/

A copy of the shared reference corpus, so that the tests never read outside the repository.

- Copied from: `{source}` (the project's shared reference corpus, normally
  `../shared/reference/` beside the checkout).
- Made with: {r_versions(readme)} and published tables, each case
  citing its source (see `README.md`, copied unchanged). No value was computed with rapstats.
- Copied on: {today.isoformat()}, by `python3 scripts/refresh_reference.py`; run it again to
  refresh the copy and this note. `tests/test_repository.py` checks the files against the
  SHA-256 sums below, so an expected value edited here by hand fails the tests.

| file | SHA-256 |
|---|---|
{rows}
"""


def refresh(source: Path, shown: str, today: dt.date) -> list[Path]:
    """Copy the corpus from ``source`` (named ``shown`` in the note) to DEST; returns the files."""
    files = corpus_files(source)
    if Path("proportions.json") not in files:
        raise SystemExit(f"error: {source} holds no proportions.json; give the corpus folder")
    for old in (p for p in DEST.rglob("*") if p.is_file()):
        if old.relative_to(DEST) not in files and old.name != "PROVENANCE.md" and not _own(old):
            old.unlink()
    for f in files:
        (DEST / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / f, DEST / f)
    note = provenance(shown, files, today)
    (DEST / "PROVENANCE.md").write_text(note, encoding="utf-8")
    return files


def _own(path: Path) -> bool:
    """Whether ``path`` is one of the project's own R references (``r/``), not the copy."""
    return path.relative_to(DEST).parts[0] == "r"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        help="folder holding README.md, proportions.json and data/ "
        "(default: ../shared/reference beside the repository)",
    )
    args = parser.parse_args(argv)
    shown = "../shared/reference" if args.source is None else args.source.as_posix()
    source = (args.source or ROOT / shown).resolve()
    if not source.is_dir():
        parser.error(f"{shown} is not a folder")
    files = refresh(source, shown, dt.date.today())
    print(f"copied {len(files)} files from {source} to {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
