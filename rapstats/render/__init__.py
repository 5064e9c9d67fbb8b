"""Render results: tables for the terminal, CSV, JSON and Markdown. Formats, never computes.

Every renderer reads a :class:`rapstats.summary.Summary` (protected by
:func:`rapstats.disclosure.protect` before it is published) and shows a suppressed cell by
its GSS symbol (``[c]``), never by its number.
"""

from __future__ import annotations

from rapstats.render.tables import FORMATS, render_frequencies, render_summary

__all__ = ["FORMATS", "render_frequencies", "render_summary"]
