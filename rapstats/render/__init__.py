"""Render results: tables for the terminal, CSV, JSON and Markdown, and the report
(:mod:`rapstats.render.report`). Formats, never computes.

Every renderer reads a protected :class:`rapstats.estimate.Summary` (see
:func:`rapstats.protect.protect`) through its published view, and shows a withheld cell by its
GSS symbol (``[c]``), never by its number. Names load lazily, so importing the report package
does not load the table renderers.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "FORMATS": "rapstats.render.tables",
    "render_frequencies": "rapstats.render.tables",
    "render_summary": "rapstats.render.tables",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rapstats.render' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
