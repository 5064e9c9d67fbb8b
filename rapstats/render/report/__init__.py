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

from rapstats._lazy import lazy_names

FORMATS: tuple[str, ...] = ("md", "html", "pdf", "xlsx", "ods")

_LAZY = {
    "build_model": "rapstats.render.report.model",
    "write_report": "rapstats.render.report.write",
}

__all__ = ["FORMATS", *_LAZY]

__getattr__ = lazy_names(__name__, _LAZY)
