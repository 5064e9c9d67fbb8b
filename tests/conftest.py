"""Shared fixtures (paths to the bundled sample, a CLI runner) and how much runs where.

Tests marked ``slow`` (each takes seconds: exhaustive audits against linear programming, full
reports in a subprocess, Chromium) are deselected in a local run, even when named by node id;
``--run-slow`` or any ``-m`` expression selects them. Under CI (``CI`` set, as ``.ci/run`` sets
it) everything runs. Hypothesis loads the ``ci`` profile under CI (its default 100 examples, as
before, and the blob to reproduce a failure) and the ``dev`` profile (25 examples) otherwise; a
test's own ``max_examples`` wins over both.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")

settings.register_profile("ci", print_blob=True)
settings.register_profile("dev", max_examples=25)
settings.load_profile("ci" if IN_CI else "dev")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "data" / "sample" / "feedback.csv"
SAMPLE_SPEC = ROOT / "data" / "sample" / "feedback.toml"
# The sample report's arguments after `report`, as README's sample command (and
# reports/sample/) gives them: the export, its spec, its four earlier waves and their names.
SAMPLE_REPORT = (
    str(SAMPLE_CSV),
    "--spec",
    str(SAMPLE_SPEC),
    "--waves",
    *(
        str(ROOT / "data" / "sample" / f"feedback_{q}.csv")
        for q in ("2025q3", "2025q4", "2026q1", "2026q2")
    ),
    "--wave-names",
    "2025 Q3,2025 Q4,2026 Q1,2026 Q2,2026 Q3",
)
# The reference corpus (R values, published tables): a copy, see its PROVENANCE.md.
REFERENCE = ROOT / "tests" / "data" / "reference"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow", action="store_true", help="also run tests marked slow (CI=true runs all)"
    )


def _runs_slow(config: pytest.Config) -> bool:
    return IN_CI or config.getoption("--run-slow") or bool(config.getoption("markexpr"))


def pytest_report_header(config: pytest.Config) -> str:
    slow = "run" if _runs_slow(config) else "deselected (--run-slow or CI=true runs them)"
    return f"slow tests: {slow}; hypothesis max_examples: {settings.default.max_examples}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect ``slow`` tests in a local run, unless asked for (see the module docstring)."""
    if _runs_slow(config):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.fixture
def runner() -> CliRunner:
    """A Click runner that keeps stderr apart from stdout."""
    return CliRunner()


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample report in every format, made as ``reports/sample/`` is (README's sample
    command), once per run for the tests that read it (none writes into it)."""
    from rapstats.cli import cli

    out = tmp_path_factory.mktemp("sample_report")
    result = CliRunner().invoke(cli, ["report", *SAMPLE_REPORT, "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return out


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
        not found and not IN_CI, reason=f"{what} not installed (.ci/run installs it)"
    )


def pdf_text(pdf: Path) -> str:
    """The text of a PDF in reading order (poppler's ``pdftotext -raw``)."""
    done = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout
