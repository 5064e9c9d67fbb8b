"""The trend chart's model entry: each question's share in the last waves, with intervals.

Built from the published rows of every wave (the
:class:`~rapstats.render.report.model.context.Context`); drawn by
:func:`rapstats.render.report.trend.draw_trend`. A withheld figure has no number (its symbol
is kept), nor has a wave that did not ask the question (``[z]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from rapstats.render.report.findings import round_half_up, withheld
from rapstats.render.report.model.context import Context, row_label
from rapstats.render.report.model.parts import Chart
from rapstats.spec import Question

# The chart shows at most this many waves, the latest ones.
TREND_WAVES = 5


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
