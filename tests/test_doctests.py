"""Every example in rapstats' docstrings runs and gives the output it shows.

The modules are found by reading the source, so a module that gains an example is checked
without being listed here, and each module must run as many examples as its source holds
(``doctest: +SKIP`` ones aside): a docstring doctest cannot reach is an error too.
"""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rapstats"
EXAMPLE = re.compile(r"^\s*>>> ", re.MULTILINE)
SKIPPED = re.compile(r"^\s*>>> .*doctest: \+SKIP", re.MULTILINE)


def examples_in_source() -> dict[str, int]:
    """Module name -> number of examples doctest should run, for modules that have any."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        count = len(EXAMPLE.findall(text)) - len(SKIPPED.findall(text))
        if count:
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = count
    return found


MODULES = examples_in_source()


def test_the_documented_modules_are_found():
    for module in (
        "rapstats.stats.ci",
        "rapstats.protect.engine",
        "rapstats.render.report.findings",
    ):
        assert module in MODULES


@pytest.mark.parametrize("module", sorted(MODULES))
def test_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted == MODULES[module]
