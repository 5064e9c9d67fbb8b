"""Write a report model to files: Markdown (+ PNG charts), HTML, PDF, XLSX, ODS and JSON.

Every file is written atomically (temporary file, then ``os.replace``) and is byte-identical
for the same model: charts, PDF and spreadsheets carry no clock time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rapstats.errors import RapstatsError
from rapstats.report import FORMATS

EXTENSIONS = {
    "md": "report.md",
    "html": "report.html",
    "pdf": "report.pdf",
    "xlsx": "report.xlsx",
    "ods": "report.ods",
}


def report_steps(model: dict[str, Any], formats: Iterable[str] = FORMATS) -> int:
    """How many progress steps :func:`write_report` reports for ``formats``."""
    return 2 + len(tuple(formats))


def write_report(
    model: dict[str, Any],
    out: str | Path,
    formats: Iterable[str] = FORMATS,
    *,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
) -> list[Path]:
    """Render ``model`` in each of ``formats`` into the folder ``out``; return the paths.

    Parameters
    ----------
    model : dict
        From :func:`rapstats.report.build_model` or :func:`rapstats.report.build_report`.
    out : str or Path
        Output folder (created if missing); charts for Markdown go to ``out/charts``.
    formats : iterable of str
        Any of {'md', 'html', 'pdf', 'xlsx', 'ods'}; default all. ``report.json`` (the model)
        is always written.
    progress : callable, optional
        Called with a short label after each step. Default None.
    workers : int
        Processes drawing charts (0 draws them in this process). Default 1.
    """
    from rapstats.files import write_atomic

    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RapstatsError(
            f"unknown report format {unknown[0]!r}", hint="use any of " + ",".join(FORMATS)
        )
    step = progress or (lambda label: None)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RapstatsError(f"cannot create the output folder: {exc.strerror}", path=out) from None
    written: list[Path] = []

    def put(name: str, data: str | bytes) -> None:
        written.append(write_atomic(out / name, data))

    put("report.json", json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    kinds = tuple(
        k for k, need in (("svg", {"html", "pdf"}), ("png", {"md"})) if need & set(formats)
    )
    pending = None
    if kinds and model["charts"]:
        from rapstats.report.charts import start_rendering

        # Charts are drawn in worker processes (SVG first, then PNG) while the spreadsheets
        # are written here; the PDF and HTML are made while the PNGs are still being drawn.
        pending = start_rendering(model["charts"], kinds, workers=workers)
    for fmt in ("xlsx", "ods"):
        if fmt in formats:
            from rapstats.report import spreadsheet

            put(EXTENSIONS[fmt], getattr(spreadsheet, f"render_{fmt}")(model))
            step(fmt)
    svgs: dict[str, bytes] = {}
    if pending is not None and "svg" in kinds:
        svgs = {cid: data for (cid, _), data in pending("svg").items()}
    step("charts")
    for fmt in ("pdf", "html", "md"):
        if fmt not in formats:
            continue
        if fmt == "pdf":
            from rapstats.report.pdf import render_pdf

            put(EXTENSIONS[fmt], render_pdf(model, svgs))
        elif fmt == "html":
            from rapstats.report.documents import render_html

            put(EXTENSIONS[fmt], render_html(model, svgs))
        else:
            from rapstats.report.documents import render_markdown

            pngs = pending("png") if pending is not None else {}
            (out / "charts").mkdir(exist_ok=True)
            for chart in model["charts"]:
                put(chart["png"], pngs[(chart["id"], "png")])
            put(EXTENSIONS[fmt], render_markdown(model))
        step(fmt)
    step("done")
    return written
