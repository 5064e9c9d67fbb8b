"""Render results: tables for the terminal, CSV, JSON and Markdown, and the report
(:mod:`rapstats.render.report`). Formats, never computes.

Every renderer reads a protected :class:`rapstats.estimate.Summary` (see
:func:`rapstats.protect.protect`) through its published view, and shows a withheld cell by its
GSS symbol (``[c]``), never by its number. Names load lazily, so importing the report package
does not load the table renderers.
"""

from __future__ import annotations

from rapstats._lazy import lazy_names

_LAZY = {
    "FORMATS": "rapstats.render.tables",
    "render_frequencies": "rapstats.render.frequencies",
    "render_profile": "rapstats.render.frequencies",
    "render_summary": "rapstats.render.tables",
}

__all__ = list(_LAZY)

__getattr__ = lazy_names(__name__, _LAZY)
