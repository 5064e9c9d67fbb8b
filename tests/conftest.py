"""Shared fixtures: paths to the bundled sample and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "data" / "sample" / "feedback.csv"
SAMPLE_SPEC = ROOT / "data" / "sample" / "feedback.toml"
REFERENCE = (ROOT / ".." / "shared" / "reference").resolve()


@pytest.fixture
def runner() -> CliRunner:
    """A Click runner that keeps stderr apart from stdout."""
    return CliRunner()


def run(runner: CliRunner, *args: object):
    """Invoke the rapstats CLI with string arguments; never re-raise exceptions."""
    from rapstats.cli import cli

    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=True)


def requires_tool(found: bool, what: str) -> pytest.MarkDecorator:
    """Skip a test whose system tool is missing on a developer machine.

    In CI (``CI`` set) nothing is skipped: `.ci/run` installs the tool, so a missing one makes
    the test fail rather than hide.
    """
    return pytest.mark.skipif(
        not found and not os.environ.get("CI"), reason=f"{what} not installed (.ci/run installs it)"
    )
