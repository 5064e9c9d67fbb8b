"""Estimate: counts -> tables of shares, intervals, tests and methods notes.

:mod:`rapstats.estimate.summary` builds the results (:class:`Summary`) every later layer reads,
with its frequency table (:mod:`~rapstats.estimate.frequencies`), methods note
(:mod:`~rapstats.estimate.methods`) and columns (:mod:`~rapstats.estimate.columns`);
:mod:`rapstats.estimate.waves` the change between two waves; :mod:`rapstats.estimate.oneoff`
the one-off results of ``rapstats ci`` and ``samplesize``. The statistics themselves are
:mod:`rapstats.stats`. See docs/estimate.md.
"""

from __future__ import annotations

from rapstats.estimate.columns import group_column
from rapstats.estimate.summary import Summary, summarize

# ``frequencies`` is the module rapstats.estimate.frequencies here; the function is
# rapstats.frequencies (or rapstats.estimate.frequencies.frequencies).
__all__ = ["Summary", "group_column", "summarize"]
