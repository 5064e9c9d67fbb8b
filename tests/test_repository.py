"""The test suite runs from a bare clone: no test reads outside the repository.

A static scan of the tests' source (a run-time check would need every file access traced):
string literals that climb out of the checkout (``..``), name the project's shared folder
(``shared/``) or an absolute path (``/work/...``, ``~``), and paths built from ``__file__`` or
``ROOT`` that go above the repository root. Data from outside are copied into ``tests/data/``
(see ``tests/data/PROVENANCE.md``); the reference corpus copy is checked against its recorded
SHA-256 sums.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT

TESTS = Path(__file__).resolve().parent
OUTSIDE_TEXT = re.compile(r"(^|[/\\])\.\.([/\\]|$)|(^|/)shared(/|$)|^/[A-Za-z]|^~")


def outside_references(source: str) -> list[str]:
    """What in ``source`` (Python) points outside the repository: one entry per finding."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if OUTSIDE_TEXT.search(node.value):
                found.append(f"{where}: {node.value!r}")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            # Path(__file__).parents[2] and above: tests/ is parents[0], the root parents[1].
            index = node.slice
            if node.value.attr == "parents" and isinstance(index, ast.Constant):
                if not isinstance(index.value, int) or index.value >= 2:
                    found.append(f"{where}: parents[{index.value!r}]")
        elif isinstance(node, ast.Attribute) and node.attr in ("parent", "parents"):
            if isinstance(node.value, ast.Name) and node.value.id == "ROOT":
                found.append(f"{where}: ROOT.{node.attr}")
            elif _parent_depth(node) >= 3:  # Path(__file__).parent.parent.parent
                found.append(f"{where}: .parent x{_parent_depth(node)}")
        elif isinstance(node, ast.Attribute) and node.attr in ("home", "expanduser"):
            found.append(f"{where}: .{node.attr}")
    return found


def _parent_depth(node: ast.AST) -> int:
    depth = 0
    while isinstance(node, ast.Attribute) and node.attr == "parent":
        depth, node = depth + 1, node.value
    return depth


@pytest.mark.parametrize(
    "line",
    [
        # The violations this scan was written for (tests/ before the reference copy).
        'REFERENCE = (ROOT / ".." / "shared" / "reference").resolve()',
        'REFERENCE = (Path(__file__).parents[1] / ".." / "shared" / "reference").resolve()',
        'BENCH = Path("/work/shared/bench/make_survey.py")',
        # Other ways out.
        'CORPUS = Path("../shared/reference/proportions.json")',
        'DATA = Path(__file__).resolve().parents[2] / "reference"',
        "DATA = Path(__file__).parent.parent.parent / 'data'",
        "DATA = ROOT.parent / 'shared'",
        "DATA = Path.home() / 'corpus'",
        "DATA = Path('~/corpus').expanduser()",
        'BENCH = f"{sys.prefix}/../shared/bench"',
    ],
)
def test_the_scan_finds_paths_outside(line: str) -> None:
    assert outside_references(line)


@pytest.mark.parametrize(
    "line",
    [
        'SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "feedback.csv"',
        'DATA = Path(__file__).parent / "data"',
        'REFERENCE = ROOT / "tests" / "data" / "reference"',
        "title = 'Plan #read(\"/etc/passwd\") // = x'",  # user text, not a path read
        'ratio = "3/4 of 1..2"',
    ],
)
def test_the_scan_accepts_paths_inside(line: str) -> None:
    assert outside_references(line) == []


# This file is left out: it holds the forbidden paths above, as examples.
SOURCES = [p for p in sorted(TESTS.rglob("*.py")) if p.name != Path(__file__).name]


def test_every_test_module_is_scanned() -> None:
    assert len(SOURCES) >= 30 and TESTS / "conftest.py" in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_test_reads_outside_the_repository(path: Path) -> None:
    assert outside_references(path.read_text(encoding="utf-8")) == []


def test_reference_copy_matches_its_provenance() -> None:
    note = (REFERENCE / "PROVENANCE.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", note, re.MULTILINE))
    assert {"README.md", "proportions.json"} <= set(recorded)
    present = {
        p.relative_to(REFERENCE).as_posix()
        for p in REFERENCE.rglob("*")
        if p.is_file() and p.name != "PROVENANCE.md" and p.relative_to(REFERENCE).parts[0] != "r"
    }
    assert present == set(recorded), "run scripts/refresh_reference.py"
    for name, digest in recorded.items():
        assert hashlib.sha256((REFERENCE / name).read_bytes()).hexdigest() == digest, name
    assert REFERENCE.resolve().is_relative_to(ROOT)
