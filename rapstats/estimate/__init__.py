"""Estimate: counts -> tables of shares, intervals, tests and methods notes.

:mod:`rapstats.estimate.summary` builds the results (:class:`Summary`) every later layer reads;
:mod:`rapstats.estimate.oneoff` the one-off results of ``rapstats ci`` and ``samplesize``. The
statistics themselves are :mod:`rapstats.stats`.
"""

from __future__ import annotations

from rapstats.estimate.summary import Summary, frequencies, group_column, summarize

__all__ = ["Summary", "frequencies", "group_column", "summarize"]
