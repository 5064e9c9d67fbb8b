"""Charts of the report model, drawn with matplotlib (Agg) as SVG or PNG bytes.

A chart only draws the numbers in its model entry (``chart["data"]``); its title, caption and
alt text come from the model too. Output bytes are reproducible: fixed SVG hash salt, no date
or software metadata, and ``text.parse_math`` off so a label such as ``$5 fee`` is drawn as
written. Colours are the Analysis Function palette; meaning never depends on colour alone
(markers differ in shape, answer segments carry a pattern and a label).

matplotlib is imported inside :func:`render`, never at module import. Reports draw their
charts in a forked worker process (:func:`prewarm`, :func:`prefetch`, :func:`start_rendering`)
while the calling process computes and writes the rest; the bytes are the same as drawing
them in the calling process, which is what happens where there is no fork.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

# Analysis Function colour palette (categorical, colour-blind safe).
DARK_BLUE = "#12436D"
MID_BLUE = "#2073BC"
LIGHT_BLUE = "#6BACE6"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_GREY = "#BFBFBF"

POSITIVE_SHADES = (DARK_BLUE, MID_BLUE, LIGHT_BLUE)  # strongest first
OTHER_SHADES = (DARK_PINK, ORANGE, LIGHT_GREY, DARK_GREY)  # strongest first
HATCHES = ("", "///", "xx", "\\\\\\", "--", "||", "++", "/")

RC = {
    "svg.hashsalt": "rapstats",
    "svg.fonttype": "path",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
    "path.simplify": False,
}
WIDTH_IN = 7.5
WRAP = 42


def render(chart: dict[str, Any], fmts: tuple[str, ...] = ("svg",)) -> dict[str, bytes]:
    """Draw one chart of the model once and save it in each of ``fmts`` {'svg', 'png'}.

    Returns ``{fmt: bytes}``. The PNG is the SVG rasterised (:func:`rasterise`).
    """
    _check(fmts)
    out = {"svg": _svg(chart)}
    if "png" in fmts:
        (out["png"],) = rasterise([out["svg"]])
    return {fmt: out[fmt] for fmt in fmts}


def rasterise(svgs: list[bytes]) -> list[bytes]:
    """PNG pictures of SVG charts, ``PNG_PPI`` pixels per inch on white.

    Typst draws them (with resvg, which also draws the SVGs into the PDF), so the Markdown's
    charts look as the HTML's and the PDF's do. Drawing the figure a second time with Agg
    cost three times as much, and its hinted text came out wider than in the SVG, clipping
    long labels at the left edge. The SVGs are passed as data (``sys.inputs``), never as
    markup.
    """
    if not svgs:
        return []
    import json

    import typst

    compiler = typst.Compiler(
        _RASTER_TYP,
        ignore_system_fonts=True,
        sys_inputs={"svgs": json.dumps([svg.decode("utf-8") for svg in svgs])},
    )
    pages = compiler.compile(format="png", ppi=PNG_PPI)
    return pages if isinstance(pages, list) else [pages]


PNG_PPI = 100
# One page per SVG, the page the picture's own size (its width and height in points).
_RASTER_TYP = b"""#set page(margin: 0pt, width: auto, height: auto, fill: white)
#for (i, svg) in json(bytes(sys.inputs.svgs)).enumerate() {
  if i > 0 { pagebreak() }
  image(bytes(svg), format: "svg")
}
"""


def _check(fmts: tuple[str, ...]) -> None:
    for fmt in fmts:
        if fmt not in ("svg", "png"):
            raise ValueError(f"chart format {fmt!r} is not supported; use 'svg' or 'png'")


def _svg(chart: dict[str, Any]) -> bytes:
    """The chart drawn with matplotlib and saved as SVG."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(RC):
        draw = {"shares": _shares, "likert": _likert}[chart["kind"]]
        fig = draw(plt, chart)
        try:
            buf = io.BytesIO()
            metadata = {"Date": None, "Creator": None, "Title": chart["title"]}
            fig.savefig(buf, format="svg", metadata=metadata)
            return buf.getvalue()
        finally:
            plt.close(fig)


def render_many(
    charts: list[dict[str, Any]], fmts: tuple[str, ...], workers: int = 0
) -> dict[tuple[str, str], bytes]:
    """Render every chart in every format: ``{(chart id, fmt): bytes}``.

    With ``workers`` > 0 the charts are drawn in that many forked processes (same bytes).
    """
    pending = start_rendering(charts, fmts, workers)
    out: dict[tuple[str, str], bytes] = {}
    for fmt in fmts:
        out.update(pending(fmt))
    return out


class Pending:
    """Charts being drawn: call it with a format for ``{(chart id, fmt): bytes}``.

    A chart whose worker failed or went away is drawn in this process instead, so waiting
    always gives every chart (or raises the error drawing it raises here).
    """

    def __init__(self, charts: list[dict[str, Any]], fmts: tuple[str, ...], jobs: list[Any]):
        import threading

        self._charts = charts
        self._fmts = fmts
        self._jobs = jobs  # per chart: a _Job, or the finished {fmt: bytes}
        self._lock = threading.Lock()  # threads may wait together; one draws a failed chart

    def ready(self, fmt: str) -> bool:
        """Whether every chart is saved in ``fmt`` (waiting for it would not block)."""
        return all(not isinstance(j, _Job) or j.ready(fmt) for j in self._jobs)

    def __call__(self, fmt: str) -> dict[tuple[str, str], bytes]:
        with self._lock:
            return self._wait(fmt)

    def _wait(self, fmt: str) -> dict[tuple[str, str], bytes]:
        out = {}
        for i, chart in enumerate(self._charts):
            job = self._jobs[i]
            data = job.result(fmt) if isinstance(job, _Job) else job[fmt]
            if data is None:  # the worker failed: draw it here
                self._jobs[i] = render(chart, self._fmts)
                data = self._jobs[i][fmt]
            out[(chart["id"], fmt)] = data
        return out


def start_rendering(
    charts: list[dict[str, Any]], fmts: tuple[str, ...], workers: int = 0
) -> Pending:
    """Start drawing the charts and return ``wait(fmt) -> {(chart id, fmt): bytes}``.

    Each chart is drawn once and saved in every format of ``fmts``. With ``workers`` > 0 the
    charts are drawn in worker processes, so the caller can write other formats meanwhile.
    Charts already started by :func:`prefetch` (the same chart, in these formats) are not
    drawn again, whatever ``workers`` is.

    Parameters
    ----------
    charts : list of dict
        Chart entries of the report model.
    fmts : tuple of str
        Formats to save, any of {'svg', 'png'}.
    workers : int
        Processes drawing charts. Default 0 draws them here, now.

    Returns
    -------
    Pending
        ``wait(fmt)`` giving ``{(chart id, fmt): bytes}`` for one format;
        ``wait.ready(fmt)`` tells whether that would block.
    """
    fetched, _PREFETCHED[:] = list(_PREFETCHED), []
    jobs: list[Any] = []
    for chart in charts:
        key = _key(chart)
        job = next((j for k, f, j in fetched if k == key and set(fmts) <= set(f)), None)
        if job is None and workers > 0 and _start(workers):
            job = _submit(chart, fmts)
        jobs.append(job if job is not None else render(chart, fmts))
    return Pending(charts, fmts, jobs)


def prefetch(charts: list[dict[str, Any]], fmts: tuple[str, ...] = ("svg", "png")) -> None:
    """Start drawing ``charts`` in the workers of :func:`prewarm`, if it started any.

    :func:`start_rendering` then uses the results for the same charts. Used by
    :func:`rapstats.render.report.build_report`, which knows the charts (from the headline
    summary) well before its breakdowns are protected and the model is complete.
    """
    if _WORKERS:
        _PREFETCHED.extend((_key(c), fmts, _submit(c, fmts)) for c in charts)


def prewarm(workers: int = 1) -> None:
    """Start the chart workers now, so that they import matplotlib while the caller works.

    The next :func:`start_rendering` with ``workers`` > 0, and :func:`prefetch`, use them.
    Safe to call twice. One worker suits two cores: the caller works on the other core, and
    every further worker imports matplotlib again. Does nothing where processes cannot be
    forked (see :func:`_start`).
    """
    if workers > 0:
        _start(workers)


def _key(chart: dict[str, Any]) -> str:
    import json

    return json.dumps(chart, sort_keys=True)


# Chart workers: forked processes each serving jobs over a pipe. Forking (not spawning)
# matters: a spawned worker re-imports the caller's main module, which in a plain script
# without an ``if __name__ == "__main__"`` guard would run the caller's report again. Where
# fork is unavailable or unsafe (Windows, macOS), charts are drawn in the calling process.
# Workers are daemons: at exit they are ended, not waited for.
_WORKERS: list[Any] = []
_PREFETCHED: list[tuple[str, tuple[str, ...], Any]] = []
_NEXT = [0]


def _start(workers: int) -> bool:
    """Start ``workers`` chart workers unless running; whether any is running."""
    import multiprocessing as mp
    import sys

    _WORKERS[:] = [w for w in _WORKERS if w.alive()]
    if _WORKERS:
        return True
    if (
        not sys.platform.startswith("linux")
        or "fork" not in mp.get_all_start_methods()
        or mp.current_process().daemon  # a daemon process cannot have children
    ):
        return False
    try:
        _WORKERS.extend(_Worker() for _ in range(workers))
    except OSError:  # no processes or pipes left: draw here
        return bool(_WORKERS)
    return True


def _submit(chart: dict[str, Any], fmts: tuple[str, ...]) -> _Job:
    worker = _WORKERS[_NEXT[0] % len(_WORKERS)]
    _NEXT[0] += 1
    return worker.submit(chart, fmts)


class _Job:
    """A chart sent to a worker; its formats arrive one by one (SVG first)."""

    def __init__(self, worker: _Worker, fmts: tuple[str, ...]) -> None:
        self._worker = worker
        self.fmts = fmts
        self.values: dict[str, bytes | None] = {}

    def ready(self, fmt: str) -> bool:
        return fmt in self.values

    def result(self, fmt: str) -> bytes | None:
        """The chart saved in ``fmt``, or None if the worker failed (the caller draws it)."""
        with self._worker.cond:
            self._worker.cond.wait_for(lambda: fmt in self.values)
        return self.values[fmt]


class _Worker:
    """One forked process drawing charts; a thread here collects what it sends back."""

    def __init__(self) -> None:
        import multiprocessing as mp
        import threading

        ctx = mp.get_context("fork")
        jobs_out, jobs_in = ctx.Pipe(duplex=False)
        results_out, results_in = ctx.Pipe(duplex=False)
        self.process = ctx.Process(
            target=_serve,
            args=(jobs_out, results_in, (jobs_in, results_out)),
            name="rapstats-charts",
            daemon=True,
        )
        self.process.start()
        jobs_out.close()
        results_in.close()
        self.send = jobs_in
        self.cond = threading.Condition()
        self.jobs: dict[int, _Job] = {}
        self.count = 0
        self.gone = False
        threading.Thread(
            target=self._collect, args=(results_out,), name="rapstats-charts", daemon=True
        ).start()

    def alive(self) -> bool:
        return not self.gone and self.process.is_alive()

    def submit(self, chart: dict[str, Any], fmts: tuple[str, ...]) -> _Job:
        job = _Job(self, fmts)
        with self.cond:
            self.count += 1
            number = self.count
            self.jobs[number] = job
            if self.gone:
                self._fail(number)
                return job
        try:
            self.send.send((number, chart, fmts))
        except (OSError, ValueError):
            with self.cond:
                self._fail(number)
        return job

    def _fail(self, number: int) -> None:
        job = self.jobs.pop(number, None)
        if job is not None:
            for fmt in job.fmts:
                job.values.setdefault(fmt, None)
            self.cond.notify_all()

    def _collect(self, results: Any) -> None:
        try:
            while True:
                number, fmt, data = results.recv()
                with self.cond:
                    job = self.jobs.get(number)
                    if job is None:
                        continue
                    if fmt is None:
                        self._fail(number)
                        continue
                    job.values[fmt] = data
                    if len(job.values) == len(job.fmts):
                        del self.jobs[number]
                    self.cond.notify_all()
        except (EOFError, OSError):
            with self.cond:
                self.gone = True
                for number in list(self.jobs):
                    self._fail(number)


def _serve(jobs: Any, results: Any, parent_ends: tuple[Any, ...]) -> None:
    """A worker's loop: draw the charts sent and send back their bytes, format by format.

    The charts waiting are taken together: each is saved as SVG (sent at once: the PDF and
    HTML need them, and the PDF takes longest), then those wanted as PNG are rasterised in
    one go. A chart that fails is reported with format None (the caller draws it itself, and
    sees the error there). The loop ends when the caller's end of the job pipe closes (the
    caller exited or died).
    """
    import signal

    for end in parent_ends:  # inherited by the fork; kept open, they would hide the EOF
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    _warm()
    while True:
        try:
            batch = [jobs.recv()]
            while jobs.poll():
                batch.append(jobs.recv())
        except EOFError:
            return
        rasters = []
        for number, chart, fmts in batch:
            try:
                _check(fmts)
                svg = _svg(chart)
            except Exception:
                results.send((number, None, None))
                continue
            if "svg" in fmts:
                results.send((number, "svg", svg))
            if "png" in fmts:
                rasters.append((number, svg))
        try:
            pngs = rasterise([svg for _, svg in rasters])
        except Exception:
            pngs = [None] * len(rasters)
        for (number, _), png in zip(rasters, pngs, strict=True):
            results.send((number, "png", png) if png is not None else (number, None, None))


def _warm() -> None:
    """Import matplotlib in a worker before it is given a chart."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot  # noqa: F401


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, WRAP)) or label


def _shares(plt: Any, chart: dict[str, Any]) -> Any:
    items = chart["data"]["items"]
    n = len(items)
    lines = sum(len(textwrap.wrap(it["label"], WRAP)) or 1 for it in items)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, BOTTOM_IN + TOP_IN + 0.3 * max(lines, n) + 0.2 * n))
    ys = list(range(n))[::-1]
    shown_baseline = shown_share = False
    for y, it in zip(ys, items, strict=True):
        if it["withheld"]:
            ax.text(1, y, f"Withheld {it['symbol'] or '[c]'}", va="center", color=DARK_GREY)
        else:
            unreliable = it["symbol"] == "[u]"
            no_ci = it["low"] is None or it["high"] is None  # e.g. a weighted 0% or 100%
            ax.errorbar(
                [it["share"]],
                [y],
                xerr=None if no_ci else [[it["share"] - it["low"]], [it["high"] - it["share"]]],
                fmt="o",
                color=DARK_BLUE,
                markerfacecolor="white" if unreliable else DARK_BLUE,
                markersize=7,
                capsize=4,
                elinewidth=1.6,
                label=None if shown_share else "Percentage with confidence interval",
            )
            shown_share = True
            ax.annotate(
                f"{it['share']:.1f}%"
                + (" [u]" if unreliable else "")
                + (" (interval not available)" if no_ci else ""),
                (it["share"] if no_ci else it["high"], y),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                color=DARK_GREY,
            )
        if it["baseline"] is not None:
            ax.scatter(
                [it["baseline"]],
                [y],
                marker="D",
                s=42,
                facecolor="white",
                edgecolor=DARK_PINK,
                linewidth=1.6,
                zorder=3,
                label=None if shown_baseline else "Baseline figure",
            )
            shown_baseline = True
    ax.set_yticks(ys, [_wrap(it["label"]) for it in items])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, 100)
    ax.set_xlabel(chart["data"]["xlabel"] + " (%)")
    ax.set_title(chart["title"], loc="left")
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)
    if shown_share or shown_baseline:
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(0, 0),
            bbox_transform=_legend_at(fig, 0.3),
            ncol=2,
            frameon=False,
        )
    _margins(fig)
    return fig


def _likert(plt: Any, chart: dict[str, Any]) -> Any:
    items = chart["data"]["items"]
    # Shades and patterns by rank within each question's own scale: the strongest positive
    # answer is darkest blue, the strongest other answer darkest pink, on every scale.
    style: dict[str, tuple[str, str]] = {}
    legend: list[str] = []
    for it in items:
        pos = [s["answer"] for s in it["segments"] if s["positive"]]
        other = [s["answer"] for s in it["segments"] if not s["positive"]]
        for i, a in enumerate(pos):
            shade = POSITIVE_SHADES[min(i, len(POSITIVE_SHADES) - 1)]
            style.setdefault(a, (shade, HATCHES[i % len(HATCHES)]))
        for j, a in enumerate(reversed(other)):
            shade = OTHER_SHADES[min(j, len(OTHER_SHADES) - 1)]
            style.setdefault(a, (shade, HATCHES[(3 + j) % len(HATCHES)]))
        for a in [*reversed(other), *pos]:
            if a not in legend:
                legend.append(a)
    n = len(items)
    bottom = 1.0 + 0.22 * ((len(legend) + 1) // 2)
    lines = sum(len(textwrap.wrap(it["label"], WRAP)) or 1 for it in items)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, bottom + TOP_IN + 0.3 * max(lines, n) + 0.25 * n))
    ys = list(range(n))[::-1]
    drawn: set[str] = set()
    for y, it in zip(ys, items, strict=True):
        if it["withheld"]:
            ax.text(0, y, "Withheld [c]", va="center", ha="center", color=DARK_GREY)
            continue
        pos = [s for s in it["segments"] if s["positive"]]
        other = [s for s in it["segments"] if not s["positive"]]
        # Positive answers extend right from zero, weakest first; others left, weakest first.
        left = 0.0
        for seg in reversed(pos):
            left = _segment(ax, y, left, seg, style[seg["answer"]], drawn, +1)
        left = 0.0
        for seg in other:
            left = _segment(ax, y, left, seg, style[seg["answer"]], drawn, -1)
    ax.axvline(0, color=DARK_GREY, linewidth=1)
    ax.set_yticks(ys, [_wrap(it["label"]) for it in items])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-100, 100)
    ticks = list(range(-100, 101, 25))
    ax.set_xticks(ticks, [f"{abs(t)}" for t in ticks])
    ax.set_xlabel(
        chart["data"]["xlabel"] + " (%)\nother answers to the left of zero, positive answers "
        "to the right"
    )
    ax.set_title(chart["title"], loc="left")
    handles, labels = ax.get_legend_handles_labels()
    by_label = dict(zip(labels, handles, strict=True))
    order = [a for a in legend if a in by_label]
    if order:
        ax.legend(
            [by_label[a] for a in order],
            order,
            loc="upper left",
            bbox_to_anchor=(0, 0),
            bbox_transform=_legend_at(fig, 0.3, bottom - 0.75),
            ncol=2,
            frameon=False,
        )
    _margins(fig, bottom)
    return fig


# Fixed margins (inches) instead of tight_layout, which draws the figure twice.
LEFT_IN = 2.9
TOP_IN = 0.45
BOTTOM_IN = 1.2


def _margins(fig: Any, bottom: float = BOTTOM_IN) -> None:
    height = fig.get_figheight()
    fig.subplots_adjust(
        left=LEFT_IN / WIDTH_IN,
        right=1 - 0.35 / WIDTH_IN,
        top=1 - TOP_IN / height,
        bottom=bottom / height,
    )


def _legend_at(fig: Any, x: float = LEFT_IN, y: float = 0.6) -> Any:
    """A transform placing a legend's top-left corner at (x, y) inches from bottom left."""
    from matplotlib.transforms import ScaledTranslation

    return fig.dpi_scale_trans + ScaledTranslation(x, y, fig.dpi_scale_trans)


def _segment(ax, y, start, seg, style, drawn, direction):
    """One answer's bar segment, starting ``start`` from zero in ``direction``."""
    pct, answer = seg["pct"], seg["answer"]
    colour, hatch = style
    dark = colour in (DARK_BLUE, MID_BLUE, DARK_PINK)
    left = start if direction > 0 else -(start + pct)
    ax.barh(
        [y],
        [pct],
        left=[left],
        height=0.6,
        color=colour,
        edgecolor="white",
        hatch=hatch,
        linewidth=0.8,
        label=None if answer in drawn else answer,
    )
    drawn.add(answer)
    if pct >= 6:
        ax.text(
            left + pct / 2,
            y,
            f"{pct:.0f}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if dark else "black",
            bbox={"boxstyle": "round,pad=0.1", "facecolor": colour, "edgecolor": "none"},
        )
    return start + pct
