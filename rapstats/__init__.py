"""rapstats: honest, reproducible statistics and reports from survey and consultation exports.

The pipeline runs one way, each layer calling only the ones before it::

    load (rapstats.io) -> spec (rapstats.spec) -> normalise (rapstats.normalise)
    -> aggregate (rapstats.aggregate) -> estimate (rapstats.estimate, rapstats.stats)
    -> protect (rapstats.protect) -> render (rapstats.render)
    -> pipeline (rapstats.pipeline) -> CLI (rapstats.cli)

Public names are loaded lazily so that ``import rapstats`` (and the CLI's ``--help``) stays fast.
"""

from __future__ import annotations

from rapstats._lazy import lazy_names

__version__ = "0.1.0"

_LAZY = {
    "RapstatsError": "rapstats.errors",
    "InputError": "rapstats.errors",
    "SpecError": "rapstats.errors",
    "EstimationError": "rapstats.errors",
    "OutputError": "rapstats.errors",
    "load_export": "rapstats.io",
    "Export": "rapstats.io",
    "load_spec": "rapstats.spec",
    "Spec": "rapstats.spec",
    "infer_spec": "rapstats.spec.infer",
    "normalise": "rapstats.normalise",
    "aggregate": "rapstats.aggregate",
    "summarize": "rapstats.estimate.summary",
    "frequencies": "rapstats.estimate.summary",
    "Summary": "rapstats.estimate.summary",
    "protect": "rapstats.protect",
    "summarize_file": "rapstats.pipeline",
    "build_report": "rapstats.pipeline",
    "summarize_spark": "rapstats.pipeline.spark",
}

__all__ = ["__version__", *_LAZY]

__getattr__ = lazy_names(__name__, _LAZY)
