#!/usr/bin/env python3
"""Where the time of `rapstats report` of the bundled sample goes, step by step.

Each run is a fresh process that does the report's steps one after another in itself (no
chart worker, no threads), so each step's time is its own: imports, reading the export with
the summaries, disclosure control and the model (``build_report``), the charts (importing
matplotlib, the 8 charts as SVG, their PNGs), then each format. It prints medians of
``--repeat`` runs, wall and CPU seconds. The real command overlaps these steps on two cores
(its ChartRenderer's worker imports matplotlib and draws the SVGs beside the data work; Typst
compiles the PDF on a thread beside the other formats); its whole-process time is
``scripts/bench.py --only report_sample``.

Usage::

    python scripts/report_split.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "data" / "sample" / "feedback.csv"
SPEC = ROOT / "data" / "sample" / "feedback.toml"


def child() -> dict[str, tuple[float, float]]:
    """Run every step once in this process; {step: (wall s, CPU s)}."""
    times: dict[str, tuple[float, float]] = {}

    class step:
        def __init__(self, name: str) -> None:
            self.name = name

        def __enter__(self) -> None:
            self.wall, self.cpu = time.perf_counter(), time.process_time()

        def __exit__(self, *exc: object) -> None:
            wall = time.perf_counter() - self.wall
            cpu = time.process_time() - self.cpu
            times[self.name] = (wall, cpu)

    with step("imports (click, pandas, pyarrow, scipy, rapstats)"):
        import rapstats.cli  # noqa: F401
        import rapstats.estimate.summary  # noqa: F401
        import rapstats.io  # noqa: F401
        import rapstats.protect
        from rapstats.pipeline import build_report

    protect = rapstats.protect.protect
    spent = [0.0, 0.0]

    def timed_protect(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return protect(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu

    rapstats.protect.protect = timed_protect
    with step("load + summaries + disclosure + model"):
        model = build_report(EXPORT, spec=SPEC, formats=())
    times["  of which disclosure control (protect)"] = (spent[0], spent[1])

    from rapstats.render.report import charts, documents, pdf, spreadsheet

    with step("charts: import matplotlib"):
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot  # noqa: F401
    with step("charts: 8 charts drawn, saved as SVG"):
        svgs = {chart["id"]: charts.render(chart)["svg"] for chart in model["charts"]}
    with step("charts: 8 PNGs (Typst rasterises the SVGs)"):
        charts.rasterise(list(svgs.values()))
    with step("xlsx"):
        spreadsheet.render_xlsx(model)
    with step("ods"):
        spreadsheet.render_ods(model)
    with step("pdf (Typst)"):
        pdf.render_pdf(model, svgs)
    with step("html"):
        documents.render_html(model, svgs)
    with step("md"):
        documents.render_markdown(model)
    with step("json"):
        json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))  # this checkout's rapstats, not an installed one
        print(json.dumps(child()))
        return 0
    runs = []
    for r in range(args.repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(done.stderr)
        runs.append(json.loads(done.stdout))
        print(f"run {r + 1}/{args.repeat} done", file=sys.stderr)
    print(f"rapstats report of the sample, step by step: medians of {args.repeat} runs")
    print(f"{'step':<52} {'wall s':>7} {'CPU s':>7}")
    for name in runs[0]:
        wall = statistics.median(run[name][0] for run in runs)
        cpu = statistics.median(run[name][1] for run in runs)
        print(f"{name:<52} {wall:>7.3f} {cpu:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
