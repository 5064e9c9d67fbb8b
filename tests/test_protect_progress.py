"""Progress of a long protection run: a callback in the API, a bar on a terminal only.

``rapstats.protect.protect(on_progress=...)`` calls back after each question; the pipeline
draws a click bar from it on stderr when stderr is a terminal, and prints nothing otherwise
(the CLI under test never has a terminal).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run

from rapstats.estimate.summary import summarize
from rapstats.io import load_export
from rapstats.pipeline import survey
from rapstats.protect import protect
from rapstats.spec import load_spec

SAMPLE = Path(__file__).parents[1] / "data" / "sample"  # 11 questions


def _raw():
    spec = load_spec(SAMPLE / "feedback.toml")
    return summarize(load_export(SAMPLE / "feedback.csv"), spec, by=("area",)), spec


def test_protect_calls_back_after_each_question_and_changes_nothing():
    raw, spec = _raw()
    calls: list[tuple[int, int]] = []
    got = protect(raw, on_progress=lambda done, total: calls.append((done, total)))
    n = len([q for q in spec.questions if q.type != "text"])  # a free-text question has no rows
    assert n > 1 and calls == [(k, n) for k in range(1, n + 1)]
    assert got.records() == protect(raw).records()
    assert got.frequency_records() == protect(raw).frequency_records()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pipeline_draws_a_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch):
    raw, _ = _raw()
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    plain = survey._protect(raw, publish=None)
    assert quiet.getvalue() == ""
    shown = _Terminal()
    monkeypatch.setattr(sys, "stderr", shown)
    assert survey._protect(raw, publish=None).records() == plain.records()
    assert "protecting" in shown.getvalue() and "100%" in shown.getvalue()


def test_cli_prints_no_bar_when_stderr_is_not_a_terminal():
    result = run(CliRunner(), "summarize", SAMPLE / "feedback.csv", "--spec",
                 SAMPLE / "feedback.toml", "--by", "area")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "protecting" not in result.output and "protecting" not in result.stderr
