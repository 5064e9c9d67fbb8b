"""Run the pipeline for a report: load, summarise, protect, then build the report model.

One summary gives the headline figures and one summary per grouping variable gives each
breakdown (margins only: a report never publishes the full cross of every variable, so it
is not protected or computed). Every summary passes disclosure control before the model
reads it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# A grouping variable with more levels than this is not broken down by default.
MAX_GROUP_LEVELS = 20


def build_report(
    export: str | Path,
    *,
    spec: str | Path | None = None,
    previous: str | Path | None = None,
    by: tuple[str, ...] | None = None,
    date: str | None = None,
    platform: str = "auto",
    encoding: str | None = None,
    sheet: str | None = None,
    max_unpacked_mb: float | None = None,
    method: str | None = None,
    test: str | None = None,
    confidence: float | None = None,
    adjust: str | None = None,
    unsafe_no_suppression: bool = False,
    options: dict[str, Any] | None = None,
    formats: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Build the report model of an export (and optionally its previous wave).

    Parameters
    ----------
    export : str or Path
        The survey export.
    spec : str or Path, optional
        Survey spec (TOML). Default None infers one from the export.
    previous : str or Path, optional
        The previous wave's export, read with the same spec. Default None.
    by : tuple of str, optional
        Grouping variables to break down by. Default None: every spec group that is not
        personal and has at most ``MAX_GROUP_LEVELS`` values.
    date : str, optional
        Publication date shown; default the spec's ``[report].date``.
    platform, encoding, sheet, max_unpacked_mb : optional
        How to read the exports (as :func:`rapstats.io.load_export`).
    method, test, confidence, adjust : optional
        Override the spec's ``[defaults]``.
    unsafe_no_suppression : bool
        Skip suppression (working files only; every output carries a banner). Default False.
    options : dict, optional
        Extra options to record in the audit manifest. Default None.
    formats : iterable of str, optional
        The formats the report will be written in (as :func:`rapstats.report.write_report`):
        their charts start drawing in a worker process as soon as the headline figures are
        protected, while the breakdowns are, and ``write_report`` uses them. Default None:
        every format; ``()`` draws nothing early.

    Returns
    -------
    dict
        The report model (see :mod:`rapstats.report.model`).
    """
    from rapstats.report import FORMATS
    from rapstats.report.charts import prefetch, prewarm
    from rapstats.report.write import chart_kinds

    kinds = chart_kinds(FORMATS if formats is None else formats)
    if kinds:
        # The chart worker imports matplotlib on the other core while the data are read.
        prewarm()
    from rapstats.disclosure import protect
    from rapstats.io import load_export
    from rapstats.normalise import spec_columns, spec_keep
    from rapstats.report.model import build_model
    from rapstats.spec import load_spec
    from rapstats.summary import summarize

    spec_obj = load_spec(spec) if spec is not None else None
    read = {"platform": platform, "encoding": encoding, "sheet": sheet}
    if max_unpacked_mb is not None:
        read["max_unpacked_mb"] = max_unpacked_mb
    overrides = {"method": method, "test": test, "confidence": confidence, "adjust": adjust}

    def load(path: str | Path, groups: tuple[str, ...]) -> Any:
        keep = spec_keep(spec_obj) if spec_obj is not None else ()
        columns = spec_columns(spec_obj, groups) if spec_obj is not None else None
        return load_export(path, columns=columns, keep=keep, **read)

    if spec_obj is None:
        from rapstats.infer import infer_spec

        spec_obj = infer_spec(load_export(export, **read))
    groups = tuple(by) if by else tuple(g.name for g in spec_obj.groups if not g.personal)
    data = load(export, groups)
    single: tuple[str, ...] = ()
    if not by:
        groups, single = _default_groups(data, spec_obj, groups)

    def protected(frame: Any, group: tuple[str, ...]) -> Any:
        summary = summarize(frame, spec_obj, by=group, **overrides)
        return protect(summary, unsafe_no_suppression=unsafe_no_suppression)

    main = protected(data, ())
    if kinds:
        # The charts show the headline figures only: draw them while the breakdowns are
        # protected (most of the time here). write_report uses them if the model's charts
        # are the same, as they are unless a chart came to depend on a breakdown.
        prefetch(build_model(main, single_level=single)["charts"], kinds)
    breakdowns = [protected(data, (g,)) for g in groups]
    prev = None
    inputs = [_input("export", data.path, data.sha256)]
    if spec is not None:
        inputs.append(_input("spec", Path(spec), _sha256(Path(spec))))
    if previous is not None:
        prev_data = load(previous, ())
        prev = protected(prev_data, ())
        inputs.append(_input("previous export", prev_data.path, prev_data.sha256))
    recorded = {
        "by": list(groups),
        "date": date,
        **{k: v for k, v in overrides.items() if v is not None},
        "unsafe_no_suppression": unsafe_no_suppression,
        **(options or {}),
    }
    return build_model(
        main,
        breakdowns=breakdowns,
        previous=prev,
        date=date,
        inputs=inputs,
        single_level=single,
        options={k: v for k, v in recorded.items() if v is not None},
    )


def _default_groups(
    export: Any, spec: Any, groups: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split the default grouping variables into those broken down and those with one value.

    A group with a single value (such as a quarter when every response came in one quarter)
    would only repeat the headline figures, so it is not broken down; nor is a plain column
    with more than ``MAX_GROUP_LEVELS`` distinct values (derived periods are always kept).

    Parameters
    ----------
    export : rapstats.io.Export
        The loaded export.
    spec : rapstats.spec.Spec
        The survey spec.
    groups : tuple of str
        Candidate group names.

    Returns
    -------
    kept, single : tuple of str
        Groups to break down, and groups left out because they have a single value.
    """
    from dataclasses import replace

    from rapstats.normalise import BLANK_LABEL, normalise

    coded = normalise(export, replace(spec, questions=()), by=groups).groups
    kept: list[str] = []
    single: list[str] = []
    for name in groups:
        levels = coded[name][1]
        if len(levels) <= 1:
            single.append(name)
        elif spec.group(name).derive is not None or (
            len([v for v in levels if v != BLANK_LABEL]) <= MAX_GROUP_LEVELS
        ):
            kept.append(name)
    return tuple(kept), tuple(single)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _input(role: str, path: Path, sha: str) -> dict[str, str]:
    return {"role": role, "name": Path(path).name, "sha256": sha}
