"""The answer distributions of the report model: each workstream's single-choice questions
as a diverging stacked bar (Likert) chart and a table of every answer's count and share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

import numpy as np

from rapstats.estimate.summary import group_column
from rapstats.labels import fold_label
from rapstats.render.report.findings import round_half_up
from rapstats.render.report.model.cells import (
    Cell,
    cell,
    column,
    flag_symbol,
    integer,
    number,
    text,
)
from rapstats.render.report.model.context import Context
from rapstats.render.report.model.parts import Chart, Table
from rapstats.spec import Question

CAPTION = (
    "Percentages of the base (excluded answers such as Don't know are not shown; see "
    "the table). Positive answers are to the right of the zero line, the others to the "
    "left; a neutral answer (the middle of a balanced scale) is centred on zero, half on "
    "each side. Each answer has its own shade and pattern."
)


class Segment(TypedDict):
    """One answer's part of a bar: its share of the base (%), whether it is positive, and
    whether it is the neutral answer (centred on zero)."""

    answer: str
    pct: float
    positive: bool
    neutral: bool


class Bar(TypedDict):
    """One question's bar: its answers in the base, none when any of them is withheld."""

    label: str
    segments: list[Segment]
    withheld: bool


def answers(
    ctx: Context, wid: str, name: str, questions: Sequence[Question]
) -> tuple[Chart, Table] | None:
    """The workstream's answer distributions (overall, not split by group); None when it has
    no single-choice question or the summary has no frequency table."""
    freq = ctx.frequencies
    singles = [q for q in questions if q.type == "single"]
    if not len(freq) or not singles:
        return None
    overall = np.ones(len(freq), dtype=bool)
    for g in ctx.by:
        if group_column(g) in freq:
            values = freq[group_column(g)].tolist()
            overall &= np.array([v is None for v in values], dtype=bool)
    rows: list[list[Cell]] = []
    bars: list[Bar] = []
    for q in singles:
        records = freq.take(overall & (freq["question"] == q.id)).records()
        rows += [_row(q, rec) for rec in records]
        bars.append(_bar(q, records))
    table = ctx.table(
        f"{wid}_answers",
        f"{name}: answers to each question (all respondents)",
        [
            column("Question", "text"),
            column("Answer", "text"),
            column("Count", "int"),
            column("Share of base (%)", "pct"),
            column("In base", "yesno"),
        ],
        rows,
        notes=("base", "disclosure"),
    )
    return _chart(wid, name, bars), table


def _row(q: Question, rec: dict[str, Any]) -> list[Cell]:
    count = integer(rec.get("count"))
    symbol = flag_symbol(text(rec.get("flag")), otherwise="[c]")
    return [
        cell(q.text, "text"),
        cell(str(rec["answer"]), "text"),
        cell(count, "int", missing=symbol),
        cell(number(rec.get("share_of_base")), "pct", missing=symbol if count is None else "[z]"),
        cell(bool(rec.get("in_base")), "yesno"),
    ]


def _bar(q: Question, records: list[dict[str, Any]]) -> Bar:
    """The bar of ``q``: its answers in the base; withheld when any of their counts is."""
    segments: list[Segment] = []
    hidden = False
    neutral = neutral_answer(q)
    for rec in records:
        if not rec.get("in_base"):
            continue
        count, share = integer(rec.get("count")), number(rec.get("share_of_base"))
        if count is None or share is None:
            hidden = True
            continue
        segments.append(
            {
                "answer": str(rec["answer"]),
                "pct": round_half_up(share * 100, 1),
                "positive": rec["answer"] in q.positive,
                "neutral": rec["answer"] == neutral,
            }
        )
    return {"label": q.text, "segments": [] if hidden else segments, "withheld": hidden}


def neutral_answer(q: Question) -> str | None:
    """The neutral answer of a balanced scale: the middle one of the answers in the base when
    as many are positive as are on the other side of it (``Neither agree nor disagree`` on a
    five-point agree scale); None otherwise (a four-point scale, yes or no)."""
    excluded = {fold_label(e) for e in q.exclude}
    scale = [o for o in q.options if fold_label(o) not in excluded]
    positive = {fold_label(p) for p in q.positive}
    k = len(positive)
    if k == 0 or len(scale) % 2 == 0 or k != len(scale) // 2:
        return None
    ends = {fold_label(o) for o in scale[:k]}, {fold_label(o) for o in scale[-k:]}
    return scale[k] if positive in ends else None


def _describe(bar: Bar) -> str:
    """One bar of the chart's alt text: each answer's share, where it is drawn."""
    if bar["withheld"]:
        return f"{bar['label']}: withheld"

    def side(s: Segment) -> str:
        return "centred" if s["neutral"] else "right" if s["positive"] else "left"

    return f"{bar['label']}: " + ", ".join(
        f"{s['answer']} {s['pct']:.1f}% ({side(s)})" for s in bar["segments"]
    )


def _chart(wid: str, name: str, bars: list[Bar]) -> Chart:
    legend: list[dict[str, Any]] = []
    for bar in bars:
        for seg in bar["segments"]:
            if seg["answer"] not in [a["answer"] for a in legend]:
                legend.append({"answer": seg["answer"], "positive": seg["positive"]})
    centred = any(s["neutral"] for bar in bars for s in bar["segments"])
    alt = (
        f"Diverging stacked bar chart of the full answer distribution for {len(bars)} "
        f"questions in the {name} workstream; positive answers extend right of the zero "
        "line and other answers left"
        + ("; a neutral answer is centred on the zero line, half on each side" if centred else "")
        + ". "
        + "; ".join(_describe(bar) for bar in bars)
        + "."
    )
    return Chart(
        f"{wid}-answers",
        "likert",
        f"{name}: full answer distribution",
        alt,
        CAPTION,
        {"items": bars, "answers": legend, "xlabel": "Percentage of the base"},
    )
