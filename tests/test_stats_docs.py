"""Every public rapstats.stats name is documented (its examples run: test_doctests.py)."""

from __future__ import annotations

import pytest

from rapstats import stats

FUNCTIONS = [name for name in stats.__all__ if callable(getattr(stats, name)) and name.islower()]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_function_has_numpydoc_sections(name: str) -> None:
    doc = getattr(stats, name).__doc__ or ""
    for section in ("Parameters", "Returns", "Notes", "References", "Examples"):
        assert f"\n    {section}\n    ---" in doc, (name, section)
