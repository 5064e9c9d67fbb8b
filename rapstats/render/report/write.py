"""Write a report model to files: Markdown (+ PNG charts), HTML, PDF, XLSX, ODS and JSON.

The folder is replaced as a whole (the files are written into a temporary folder beside it,
which is then swapped in), so it never mixes files of two runs, and a failure in any format
leaves the previous report as it was. Every file is byte-identical for the same model: charts,
PDF and spreadsheets carry no clock time. Given a
:class:`~rapstats.render.report.renderer.ChartRenderer`, the charts are drawn in its worker
process; the PDF is compiled on a thread while the other formats are written. The bytes do not
depend on which finishes first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapstats.errors import RapstatsError
from rapstats.render.report import FORMATS

if TYPE_CHECKING:
    from rapstats.render.report.renderer import ChartRenderer

EXTENSIONS = {
    "md": "report.md",
    "html": "report.html",
    "pdf": "report.pdf",
    "xlsx": "report.xlsx",
    "ods": "report.ods",
}
# What write_report owns in its folder: it replaces these, and keeps any other file there.
OWNED = ("report.json", *EXTENSIONS.values(), "charts", "charts/*.png")


def report_steps(formats: Iterable[str] = FORMATS) -> int:
    """How many progress steps :func:`write_report` reports for ``formats``."""
    return 2 + len(tuple(formats))


def write_report(
    model: dict[str, Any],
    out: str | Path,
    formats: Iterable[str] = FORMATS,
    *,
    progress: Callable[[str], None] | None = None,
    charts: ChartRenderer | None = None,
) -> list[Path]:
    """Render ``model`` in each of ``formats`` into the folder ``out``; return the paths.

    Parameters
    ----------
    model : dict
        From :func:`rapstats.render.report.build_model` or
        :func:`rapstats.pipeline.build_report`.
    out : str or Path
        Output folder (created if missing); charts for Markdown go to ``out/charts``. It is
        replaced as a whole by :func:`rapstats.files.replace_folder`: files of an earlier
        report that are not written again are removed, other files are kept, and a folder
        holding another folder is refused.
    formats : iterable of str
        Any of {'md', 'html', 'pdf', 'xlsx', 'ods'}; default all. ``report.json`` (the model)
        is always written.
    progress : callable, optional
        Called with a short label after each step. Default None.
    charts : ChartRenderer, optional
        Draws the charts (in a worker process); charts that
        :func:`rapstats.pipeline.report_data` started with it are not drawn again. Default
        None draws them in this process.
    """
    from rapstats.files import replace_folder

    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RapstatsError(
            f"unknown report format {unknown[0]!r}", hint="use any of " + ",".join(FORMATS)
        )
    step = progress or (lambda label: None)
    out = Path(out)
    names = replace_folder(
        out, lambda folder: _write_files(model, folder, formats, step, charts), owned=OWNED
    )
    step("done")
    return [out / name for name in names]


def _write_files(
    model: dict[str, Any],
    out: Path,
    formats: tuple[str, ...],
    step: Callable[[str], None],
    charts: ChartRenderer | None,
) -> list[str]:
    """Write every file of the report into the new, empty folder ``out``; return their names."""
    from concurrent.futures import ThreadPoolExecutor

    from rapstats.files import write_atomic
    from rapstats.render.report.pdf import render_pdf
    from rapstats.render.report.renderer import ChartRenderer

    written: list[str] = []

    def put(name: str, data: str | bytes) -> None:
        write_atomic(out / name, data)
        written.append(name)

    put("report.json", json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    kinds = chart_kinds(formats)
    drawing = None
    if kinds and model["charts"]:
        # Usually started in the worker by report_data: drawn while this process writes the
        # spreadsheets.
        drawing = (charts or ChartRenderer(workers=0)).draw(model["charts"])

    def svgs() -> dict[str, bytes]:
        return drawing.svgs() if drawing is not None else {}

    with ThreadPoolExecutor(1) as background:
        # Typst compiles the PDF on another thread (it releases the GIL) as soon as the SVGs
        # are drawn, while this thread writes the other formats.
        pdf = background.submit(lambda: render_pdf(model, svgs())) if "pdf" in formats else None
        for fmt in ("xlsx", "ods"):
            if fmt in formats:
                from rapstats.render.report import spreadsheet

                put(EXTENSIONS[fmt], getattr(spreadsheet, f"render_{fmt}")(model))
                step(fmt)
        html_svgs = svgs() if "svg" in kinds else {}
        step("charts")
        text: dict[str, str] = {}
        if "html" in formats:
            from rapstats.render.report.documents import render_html

            text["html"] = render_html(model, html_svgs)
        if "md" in formats:
            from rapstats.render.report.documents import render_markdown

            text["md"] = render_markdown(model)
            pngs = drawing.pngs() if drawing is not None else {}
        for fmt in ("pdf", "html", "md"):
            if fmt not in formats:
                continue
            if fmt == "pdf":
                assert pdf is not None
                put(EXTENSIONS[fmt], pdf.result())
            elif fmt == "md":
                (out / "charts").mkdir(exist_ok=True)
                for chart in model["charts"]:
                    put(chart["png"], pngs[chart["id"]])
                put(EXTENSIONS[fmt], text[fmt])
            else:
                put(EXTENSIONS[fmt], text[fmt])
            step(fmt)
    return written


def chart_kinds(formats: Iterable[str]) -> tuple[str, ...]:
    """The chart image formats that ``formats`` need: SVG for HTML and PDF, PNG for Markdown."""
    wanted = set(formats)
    return tuple(k for k, need in (("svg", {"html", "pdf"}), ("png", {"md"})) if need & wanted)
