"""Charts of the report model, drawn with matplotlib (Agg) as SVG or PNG bytes.

A chart only draws the numbers in its model entry (``chart["data"]``); its title, caption and
alt text come from the model too. Output bytes are reproducible: fixed SVG hash salt, no date
or software metadata, and ``text.parse_math`` off so a label such as ``$5 fee`` is drawn as
written. Colours are the Analysis Function palette; meaning never depends on colour alone
(markers differ in shape, answer segments carry a pattern and a label).

matplotlib is imported inside :func:`render`, never at module import. Where and when the
charts of a report are drawn (a worker process, or this one) is
:class:`rapstats.render.report.renderer.ChartRenderer`'s business.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

# Analysis Function colour palette (categorical, colour-blind safe).
DARK_BLUE = "#12436D"
MID_BLUE = "#2073BC"
LIGHT_BLUE = "#6BACE6"
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
TITLE_WRAP = 58


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


def figure(chart: dict[str, Any]) -> Any:
    """The chart drawn as a matplotlib figure (Agg); the caller closes it (``plt.close``).

    Its axes hold what the SVG shows: for a ``likert`` chart one bar (``ax.containers``) per
    answer segment, for a ``shares`` chart one marker line per dot.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(RC):
        from rapstats.render.report.trend import draw_trend

        draw = {"shares": _shares, "likert": _likert, "trend": draw_trend}[chart["kind"]]
        return draw(plt, chart)


def _svg(chart: dict[str, Any]) -> bytes:
    """The chart drawn with matplotlib and saved as SVG."""
    fig = figure(chart)  # selects the Agg backend before pyplot is imported here
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(RC):
        try:
            buf = io.BytesIO()
            metadata = {"Date": None, "Creator": None, "Title": chart["title"]}
            fig.savefig(buf, format="svg", metadata=metadata)
            return buf.getvalue()
        finally:
            plt.close(fig)


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, WRAP)) or label


def _shares(plt: Any, chart: dict[str, Any]) -> Any:
    items = chart["data"]["items"]
    n = len(items)
    lines = sum(len(textwrap.wrap(it["label"], WRAP)) or 1 for it in items)
    title, top = _title(chart)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, BOTTOM_IN + top + ROW_IN * max(lines, n) + 0.14 * n))
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
    ax.set_title(title, loc="left")
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)
    if shown_share or shown_baseline:
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(0, 0),
            bbox_transform=_legend_at(fig, 0.25),
            ncol=2,
            frameon=False,
        )
    _margins(fig, top=top)
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
    bottom = 1.0 + 0.22 * -(-len(legend) // LEGEND_COLUMNS)
    lines = sum(len(textwrap.wrap(it["label"], WRAP)) or 1 for it in items)
    centred = any(s["neutral"] for it in items for s in it["segments"])
    bottom += 0.15 if centred else 0.0  # a third line under the axis
    title, top = _title(chart)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, bottom + top + ROW_IN * max(lines, n) + 0.18 * n))
    ys = list(range(n))[::-1]
    drawn: set[str] = set()
    for y, it in zip(ys, items, strict=True):
        if it["withheld"]:
            ax.text(0, y, "Withheld [c]", va="center", ha="center", color=DARK_GREY)
            continue
        pos = [s for s in it["segments"] if s["positive"]]
        other = [s for s in it["segments"] if not s["positive"] and not s["neutral"]]
        # The neutral answer straddles zero, half each side; positive answers extend right
        # from it, weakest first; the others left, weakest first.
        half = sum(s["pct"] for s in it["segments"] if s["neutral"]) / 2
        for seg in it["segments"]:
            if seg["neutral"]:
                _segment(ax, y, -half, seg, style[seg["answer"]], drawn, +1)
        left = half
        for seg in reversed(pos):
            left = _segment(ax, y, left, seg, style[seg["answer"]], drawn, +1)
        left = half
        for seg in other:
            left = _segment(ax, y, left, seg, style[seg["answer"]], drawn, -1)
    ax.axvline(0, color=DARK_GREY, linewidth=1)
    ax.set_yticks(ys, [_wrap(it["label"]) for it in items])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-100, 100)
    ticks = list(range(-100, 101, 25))
    ax.set_xticks(ticks, [f"{abs(t)}" for t in ticks])
    ax.set_xlabel(
        chart["data"]["xlabel"]
        + " (%)\nother answers to the left of zero, positive answers to the right"
        + ("\nthe neutral answer is centred on zero, half on each side" if centred else "")
    )
    ax.set_title(title, loc="left")
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
            ncol=LEGEND_COLUMNS,
            frameon=False,
        )
    _margins(fig, bottom, top)
    return fig


# Fixed margins (inches) instead of tight_layout, which draws the figure twice.
LEFT_IN = 2.9
TOP_IN = 0.45
BOTTOM_IN = 1.0
ROW_IN = 0.22  # the height of each line of the labels on the left
LEGEND_COLUMNS = 3  # of the answers under a diverging bar chart


def _title(chart: dict[str, Any]) -> tuple[str, float]:
    """The chart's title wrapped to the width right of the labels, and the top margin
    (inches) it needs."""
    lines = textwrap.wrap(chart["title"], TITLE_WRAP) or [chart["title"]]
    return "\n".join(lines), TOP_IN + 0.17 * (len(lines) - 1)


def _margins(fig: Any, bottom: float = BOTTOM_IN, top: float = TOP_IN) -> None:
    height = fig.get_figheight()
    fig.subplots_adjust(
        left=LEFT_IN / WIDTH_IN,
        right=1 - 0.35 / WIDTH_IN,
        top=1 - top / height,
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
