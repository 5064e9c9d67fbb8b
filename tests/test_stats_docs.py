"""Every public rapstats.stats name is documented, and the docstring examples run."""

from __future__ import annotations

import doctest
import importlib

import pytest

from rapstats import stats

MODULES = [
    "rapstats.stats",
    "rapstats.stats.ci",
    "rapstats.stats.baseline",
    "rapstats.stats.compare",
    "rapstats.stats.multiplicity",
    "rapstats.stats.survey",
    "rapstats.stats.power",
]
FUNCTIONS = [name for name in stats.__all__ if callable(getattr(stats, name)) and name.islower()]


@pytest.mark.parametrize("module", MODULES)
def test_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_function_has_numpydoc_sections(name: str) -> None:
    doc = getattr(stats, name).__doc__ or ""
    for section in ("Parameters", "Returns", "Notes", "References", "Examples"):
        assert f"\n    {section}\n    ---" in doc, (name, section)
