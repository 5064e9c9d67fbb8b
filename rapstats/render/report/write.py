"""Write a report model to files: Markdown (+ PNG charts), HTML, PDF, XLSX, ODS and JSON.

The folder is replaced as a whole (the files are written into a temporary folder beside it,
which is then swapped in), so it never mixes files of two runs, and a failure in any format
leaves the previous report as it was. Every file is byte-identical for the same model: charts,
PDF and spreadsheets carry no clock time. The charts are drawn in
a worker process and the PDF is compiled on a thread while the other formats are written;
the bytes do not depend on which finishes first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rapstats.errors import RapstatsError
from rapstats.render.report import FORMATS

EXTENSIONS = {
    "md": "report.md",
    "html": "report.html",
    "pdf": "report.pdf",
    "xlsx": "report.xlsx",
    "ods": "report.ods",
}
# What write_report owns in its folder: it replaces these, and keeps any other file there.
OWNED = ("report.json", *EXTENSIONS.values(), "charts", "charts/*.png")


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
    workers : int
        Processes drawing charts (0 draws them in this process). Default 1. Charts that
        :func:`rapstats.render.report.build_report` already started are not drawn again.
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
        out, lambda folder: _write_files(model, folder, formats, step, workers), owned=OWNED
    )
    step("done")
    return [out / name for name in names]


def _write_files(
    model: dict[str, Any],
    out: Path,
    formats: tuple[str, ...],
    step: Callable[[str], None],
    workers: int,
) -> list[str]:
    """Write every file of the report into the new, empty folder ``out``; return their names."""
    from rapstats.files import write_atomic

    written: list[str] = []

    def put(name: str, data: str | bytes) -> None:
        write_atomic(out / name, data)
        written.append(name)

    put("report.json", json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    kinds = chart_kinds(formats)
    pending = None
    if kinds and model["charts"]:
        from rapstats.render.report.charts import start_rendering

        # Charts are drawn in a worker process (usually started, and given the charts, by
        # build_report) while this process writes the spreadsheets.
        pending = start_rendering(model["charts"], kinds, workers=workers)
    pdf = None
    if "pdf" in formats:
        from rapstats.render.report.pdf import render_pdf

        # Typst compiles on another thread (it releases the GIL) as soon as the SVGs are
        # drawn, while this thread writes the other formats.
        pdf = _Background(lambda: render_pdf(model, _svgs(pending)))
    try:
        for fmt in ("xlsx", "ods"):
            if fmt in formats:
                from rapstats.render.report import spreadsheet

                put(EXTENSIONS[fmt], getattr(spreadsheet, f"render_{fmt}")(model))
                step(fmt)
        svgs = _svgs(pending) if "svg" in kinds else {}
        step("charts")
        text: dict[str, str] = {}
        if "html" in formats:
            from rapstats.render.report.documents import render_html

            text["html"] = render_html(model, svgs)
        if "md" in formats:
            from rapstats.render.report.documents import render_markdown

            text["md"] = render_markdown(model)
            pngs = pending("png") if pending is not None else {}
        for fmt in ("pdf", "html", "md"):
            if fmt not in formats:
                continue
            if fmt == "pdf":
                assert pdf is not None
                put(EXTENSIONS[fmt], pdf.result())
            elif fmt == "md":
                (out / "charts").mkdir(exist_ok=True)
                for chart in model["charts"]:
                    put(chart["png"], pngs[(chart["id"], "png")])
                put(EXTENSIONS[fmt], text[fmt])
            else:
                put(EXTENSIONS[fmt], text[fmt])
            step(fmt)
    finally:
        if pdf is not None:
            pdf.join()
    return written


def chart_kinds(formats: Iterable[str]) -> tuple[str, ...]:
    """The chart image formats that ``formats`` need: SVG for HTML and PDF, PNG for Markdown."""
    wanted = set(formats)
    return tuple(k for k, need in (("svg", {"html", "pdf"}), ("png", {"md"})) if need & wanted)


def _svgs(pending: Any) -> dict[str, bytes]:
    if pending is None:
        return {}
    return {cid: data for (cid, _), data in pending("svg").items()}


class _Background:
    """``func()`` run on a thread; :meth:`result` waits and returns or raises."""

    def __init__(self, func: Callable[[], Any]) -> None:
        import threading

        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(func,), daemon=True)
        self._thread.start()

    def _run(self, func: Callable[[], Any]) -> None:
        try:
            self._value = func()
        except BaseException as exc:  # re-raised by result() in the caller's thread
            self._error = exc

    def join(self) -> None:
        self._thread.join()

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value
