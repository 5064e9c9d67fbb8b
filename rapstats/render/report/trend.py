"""The trend chart of a workstream: each question's share in the last waves, with intervals.

:func:`trend_charts` builds the chart's model entry from the published rows of every wave (the
report's :class:`~rapstats.render.report.model.context.Context`); :func:`draw_trend` draws it
with matplotlib, as :mod:`rapstats.render.report.charts` draws the others (same style, same
reproducible SVG): one small panel per question, the waves along the bottom, a dot with its
confidence interval per wave, joined by a line. A withheld figure is not drawn (its symbol is
written in its place), nor is one of a wave that did not ask the question (``[z]``); the line
breaks there.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any, TypedDict

from rapstats.render.report.charts import DARK_BLUE, DARK_GREY, WIDTH_IN, _legend_at
from rapstats.render.report.findings import round_half_up, withheld
from rapstats.render.report.model.context import Context, row_label
from rapstats.render.report.model.parts import Chart
from rapstats.spec import Question

# The chart shows at most this many waves, the latest ones.
TREND_WAVES = 5
PANEL_COLUMNS = 2
PANEL_HEIGHT_IN = 2.1
PANEL_WRAP = 40


class Point(TypedDict):
    """One wave's share of one question (percentages; None where not shown)."""

    wave: str
    share: float | None
    low: float | None
    high: float | None
    symbol: str | None


def trend_charts(ctx: Context, wid: str, name: str, questions: Sequence[Question]) -> list[Chart]:
    """The workstream's trend chart (none with fewer than two waves or no single-answer
    question): every question but multi-select ones, over the last ``TREND_WAVES`` waves."""
    waves = ctx.waves[-TREND_WAVES:]
    shown = [q for q in questions if q.type != "multi"]
    if len(waves) < 2 or not shown:
        return []
    series = [
        {"label": row_label(q, None), "points": [_point(ctx, q, w) for w in waves]} for q in shown
    ]
    alt = (
        f"Line charts, one per question in the {name} workstream, of the percentage of "
        f"respondents giving a positive answer in each of the last {len(waves)} waves "
        f"({waves[0]} to {waves[-1]}), with {ctx.level} confidence intervals. "
        + "; ".join(f"{s['label']}: " + ", ".join(map(_describe, s["points"])) for s in series)
        + "."
    )
    caption = (
        f"Dots show the percentage giving a positive answer in each wave; bars show {ctx.level} "
        "confidence intervals. Withheld figures are not shown ([c]); [z] marks a wave that "
        "did not ask the question."
    )
    return [
        Chart(
            f"{wid}-trend",
            "trend",
            f"{name}: percentage giving a positive answer, by wave",
            alt,
            caption,
            {"waves": list(waves), "series": series, "ylabel": "Positive answers (%)"},
        )
    ]


def _point(ctx: Context, q: Question, wave: str) -> Point:
    row = ctx.wave_rows(wave).headline((q.id, None))
    if not row:
        return {"wave": wave, "share": None, "low": None, "high": None, "symbol": "[z]"}
    e = ctx.estimate(q, None, row)
    hidden = withheld(e)

    def pct(v: float | None) -> float | None:
        return None if v is None or hidden else round_half_up(v * 100, 1)

    symbol = (e.symbol or "[c]") if hidden else e.symbol
    return {
        "wave": wave,
        "share": pct(e.share),
        "low": pct(e.low),
        "high": pct(e.high),
        "symbol": symbol or None,
    }


def _describe(p: Point) -> str:
    """One point of the alt text."""
    if p["share"] is None:
        return f"{p['wave']} " + (
            "not asked [z]" if p["symbol"] == "[z]" else f"withheld {p['symbol']}"
        )
    ci = (
        "interval not available"
        if p["low"] is None or p["high"] is None
        else f"{p['low']:.1f}% to {p['high']:.1f}%"
    )
    caution = ", low reliability [u]" if p["symbol"] == "[u]" else ""
    return f"{p['wave']} {p['share']:.1f}% ({ci}{caution})"


def draw_trend(plt: Any, chart: dict[str, Any]) -> Any:
    """The trend chart's figure: one panel per question (called by the charts module)."""
    data = chart["data"]
    waves, series = data["waves"], data["series"]
    rows = -(-len(series) // PANEL_COLUMNS)
    height = 0.45 + 0.75 + rows * PANEL_HEIGHT_IN
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
        top=1 - 0.45 / height,
        bottom=0.75 / height,
        hspace=0.75,
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
    ax.set_xticks(xs, waves, fontsize=7.5)
    ax.set_xlim(-0.4, len(xs) - 0.6)
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)
