"""Reports: one plain data model of the results, rendered to Markdown, HTML, PDF, XLSX and ODS.

The model (:func:`build_model`) is built once from protected summaries (after disclosure
control) and holds every number, sentence, table, chart and alt text as JSON-ready data.
Renderers only format it: none computes a statistic, so every format shows the same numbers
and the same withheld cells.

Example
-------
>>> from rapstats.pipeline import build_report                          # doctest: +SKIP
>>> from rapstats.render.report import write_report                    # doctest: +SKIP
>>> model = build_report("feedback.csv", spec="feedback.toml")  # doctest: +SKIP
>>> write_report(model, "reports/sample")                       # doctest: +SKIP

Public names load lazily, so ``import rapstats.render.report`` imports neither pandas nor
matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

FORMATS: tuple[str, ...] = ("md", "html", "pdf", "xlsx", "ods")

_LAZY = {
    "build_model": "rapstats.render.report.model",
    "write_report": "rapstats.render.report.write",
}

__all__ = ["FORMATS", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rapstats.render.report' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
