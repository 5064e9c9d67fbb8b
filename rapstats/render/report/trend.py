"""The trend chart, drawn with matplotlib as :mod:`rapstats.render.report.charts` draws the
others (same style, same reproducible SVG; its model entry comes from
:mod:`rapstats.render.report.model.trend`): one small panel per question, the waves along the
bottom, a dot with its confidence interval per wave, joined by a line. A figure with no number
(withheld, or a wave that did not ask the question) is not drawn: its symbol is written in its
place and the line breaks there.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rapstats.render.report.charts import DARK_BLUE, DARK_GREY, WIDTH_IN, _legend_at

PANEL_COLUMNS = 3  # panels side by side (small multiples), in rows of three
PANEL_HEIGHT_IN = 1.0  # each panel's axes
PANEL_WRAP = 30
TICK_WRAP = 6  # a wave name longer than this is set on two lines ("2025" over "Q3")


def draw_trend(plt: Any, chart: dict[str, Any]) -> Any:
    """The trend chart's figure: one panel per question (called by the charts module)."""
    data = chart["data"]
    waves, series = data["waves"], data["series"]
    rows = -(-len(series) // PANEL_COLUMNS)
    lines = max(len(textwrap.wrap(s["label"], PANEL_WRAP)) or 1 for s in series)
    title_in = 0.1 + 0.16 * lines  # each panel's title, above it
    gap = title_in + 0.35  # between rows: the wave names, then the next row's titles
    top, bottom = 0.35 + title_in, 0.75
    height = top + rows * PANEL_HEIGHT_IN + (rows - 1) * gap + bottom
    fig, axes = plt.subplots(
        rows, PANEL_COLUMNS, figsize=(WIDTH_IN, height), squeeze=False, sharey=True
    )
    xs = list(range(len(waves)))
    for ax, s in zip(axes.flat, series, strict=False):
        _panel(ax, xs, waves, s)
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(data["ylabel"])
    fig.suptitle(chart["title"], x=0.02, ha="left", fontsize=10)
    line = {"color": DARK_BLUE, "marker": "o"}
    handles = [plt.Line2D([], [], **line, label="Percentage with confidence interval")]
    if any(p["symbol"] == "[u]" for s in series for p in s["points"]):
        hollow = {**line, "markerfacecolor": "white", "linestyle": ""}
        handles.append(plt.Line2D([], [], **hollow, label="Low reliability [u]"))
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=_legend_at(fig, 0.3, 0.45),
        ncol=2,
        frameon=False,
    )
    fig.subplots_adjust(
        left=0.8 / WIDTH_IN,
        right=1 - 0.2 / WIDTH_IN,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=gap / PANEL_HEIGHT_IN,
        wspace=0.15,
    )
    return fig


def _panel(ax: Any, xs: list[int], waves: list[str], s: dict[str, Any]) -> None:
    """One question's panel: its points with error bars, joined where consecutive."""
    points = s["points"]
    ys = [float("nan") if p["share"] is None else p["share"] for p in points]
    ax.plot(xs, ys, color=DARK_BLUE, linewidth=1.4)  # NaN breaks the line at a gap
    for x, p in zip(xs, points, strict=True):
        if p["share"] is None:
            ax.text(x, 4, p["symbol"] or "[c]", ha="center", va="bottom", color=DARK_GREY)
            continue
        no_ci = p["low"] is None or p["high"] is None
        ax.errorbar(
            [x],
            [p["share"]],
            yerr=None if no_ci else [[p["share"] - p["low"]], [p["high"] - p["share"]]],
            fmt="o",
            color=DARK_BLUE,
            markerfacecolor="white" if p["symbol"] == "[u]" else DARK_BLUE,
            markersize=5,
            capsize=3,
            elinewidth=1.2,
        )
    ax.set_title("\n".join(textwrap.wrap(s["label"], PANEL_WRAP)), loc="left", fontsize=8.5)
    ticks = ["\n".join(textwrap.wrap(w, TICK_WRAP)) or w for w in waves]
    ax.set_xticks(xs, ticks, fontsize=7.5)
    ax.set_xlim(-0.4, len(xs) - 0.6)
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)
