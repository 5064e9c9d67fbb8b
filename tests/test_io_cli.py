"""End to end through the CLI: every fixture summarises; every bad input is one Error line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

DATA = Path(__file__).parent / "data"
# Every export in tests/data/ (not its notes, expected values, specs or the reference/ folder);
# edge_* files have their own tests (test_edges_input.py)
GOOD = sorted(
    p.name
    for p in DATA.iterdir()
    if p.is_file()
    and not p.name.startswith(("bad_", "edge_"))
    and p.suffix not in (".json", ".md", ".toml")
)
BAD = sorted(p.name for p in DATA.glob("bad_*"))


def _run(*args: str):
    from rapstats.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


@pytest.mark.parametrize("name", BAD)
def test_bad_input_exits_1_with_one_error_line(name: str) -> None:
    given = str((DATA / name).resolve())
    result = _run("summarize", given)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {given}")  # the path as given
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", GOOD)
def test_every_fixture_summarises_with_an_inferred_spec(name: str) -> None:
    result = _run("summarize", str((DATA / name).resolve()))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()


def test_init_writes_a_spec_that_summarize_reads(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    export = str((DATA / "qualtrics_text.csv").resolve())
    result = _run("init", export, "--output", str(spec))
    assert result.exit_code == 0, result.stderr
    result = _run("summarize", export, "--spec", str(spec))
    assert result.exit_code == 0, result.stderr
