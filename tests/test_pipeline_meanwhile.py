"""Once a large export is read, the design-based estimators (scipy.special) are imported on a
second thread while the spec is inferred and the answers are coded and counted
(``rapstats.pipeline.survey``), when the spec is weighted or still to be inferred; the summary
is the same either way."""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_CSV, SAMPLE_SPEC, run

import rapstats.pipeline.survey as survey
from rapstats.io import load_export
from rapstats.spec import load_spec

BENCH = Path(__file__).parent / "data" / "bench_survey.csv"  # 400 rows, a weight column


@pytest.mark.parametrize(
    ("rows", "spec", "started"),
    [(0, None, True), (0, SAMPLE_SPEC, False), (1000, None, False)],
    ids=["large, no spec", "large, unweighted spec", "small"],
)
def test_the_import_starts_for_a_large_export_with_weights_or_no_spec(
    monkeypatch: pytest.MonkeyPatch, rows: int, spec: Path | None, started: bool
) -> None:
    imported: list[str] = []
    monkeypatch.setattr(survey, "MEANWHILE_ROWS", rows)
    monkeypatch.delitem(sys.modules, "scipy.special", raising=False)
    monkeypatch.setattr(importlib, "import_module", imported.append)
    before = set(threading.enumerate())
    survey._import_estimators_meanwhile(
        load_export(SAMPLE_CSV), None if spec is None else load_spec(spec)
    )
    for thread in set(threading.enumerate()) - before:
        thread.join()
    assert imported == (["scipy.special"] if started else [])


@pytest.mark.parametrize("args", [[str(BENCH)], [str(SAMPLE_CSV), "--spec", str(SAMPLE_SPEC)]])
def test_the_summary_is_the_same_with_the_import_meanwhile(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    usual = run(runner, "summarize", *args, "--format", "csv")
    assert usual.exit_code == 0, usual.output
    monkeypatch.setattr(survey, "MEANWHILE_ROWS", 0)
    assert run(runner, "summarize", *args, "--format", "csv").output == usual.output
