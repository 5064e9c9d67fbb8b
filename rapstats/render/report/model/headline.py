"""The headline of the report model: the overview, the key findings, and each workstream's
share of positive answers per question (a dot chart and its table)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from rapstats.render.report.findings import (
    ADJUST_NAMES,
    Estimate,
    Finding,
    round_half_up,
    share_finding,
    withheld,
)
from rapstats.render.report.model.cells import (
    Cell,
    CellKind,
    Column,
    baseline_cell,
    cell,
    column,
    flag_cell,
    integer,
    significance_cell,
    value_cell,
)
from rapstats.render.report.model.context import Context, items, row_label
from rapstats.render.report.model.parts import Chart, Table
from rapstats.spec import Question

KEY_FINDINGS_MIN = 3
KEY_FINDINGS_MAX = 6
SHARE_FIELDS: tuple[tuple[str, CellKind], ...] = (
    ("base", "int"),
    ("share", "pct"),
    ("ci_low", "pct"),
    ("ci_high", "pct"),
)


class ShareItem(TypedDict):
    """One dot of the shares chart (percentages; None where withheld or not available)."""

    label: str
    share: float | None
    low: float | None
    high: float | None
    baseline: float | None
    withheld: bool
    symbol: str | None


def overview(ctx: Context) -> str:
    """The opening paragraph: how many responses, to what, and what the percentages are of."""
    n = integer(ctx.summary.source.get("rows_read")) if ctx.summary.source else None
    name = ctx.spec.title or "the survey"
    lead = (
        f"This report summarises {n:,} responses to {name}"
        if n is not None
        else f"This report summarises responses to {name}"
    )
    if ctx.spec.report.period:
        lead += f" ({ctx.spec.report.period})"
    return lead + (
        ". Percentages are of respondents who answered each question, excluding answers "
        f"such as Don't know {ctx.notes.ref('base')}. Respondents chose to take part, so "
        f"results describe them, not the wider population {ctx.notes.ref('caveat')}."
    )


def key_findings(findings: Sequence[Finding]) -> list[str]:
    """The key findings, chosen by kind and significance (never by their wording).

    Every comparison with a baseline, then every significant change since the previous
    wave; shares with no comparison only to make up :data:`KEY_FINDINGS_MIN`; at most
    :data:`KEY_FINDINGS_MAX` in all.
    """
    chosen = [f for f in findings if f.kind == "baseline"]
    chosen += [f for f in findings if f.kind == "change" and f.significant]
    others = [f for f in findings if f.kind == "other"]
    chosen += others[: max(0, KEY_FINDINGS_MIN - len(chosen))]
    return [f.text for f in chosen[:KEY_FINDINGS_MAX]]


def shares(
    ctx: Context, wid: str, name: str, questions: Sequence[Question]
) -> tuple[list[Chart], Table, list[Finding]]:
    """A workstream's headline shares: dot charts, table, and one finding per shown share.

    One chart shows the share giving a positive answer to each single-choice question, and
    one per multi-select question the share choosing each of its options (not a positive
    answer). The findings come comparisons with a baseline first, then the other shares.
    """
    rows: list[list[Cell]] = []
    chart_items: list[ShareItem] = []
    chosen: dict[str, list[ShareItem]] = {}  # multi-select question -> one item per option
    findings: list[Finding] = []
    for q in questions:
        for option in items(q):
            row = ctx.rows.headline((q.id, option))
            e = ctx.estimate(q, option, row)
            finding = share_finding(e)
            if finding is not None:
                findings.append(finding)
            rows.append(_row(ctx, q, option, row))
            if option is None:
                chart_items.append(_item(row_label(q, option), e))
            else:
                chosen.setdefault(q.id, []).append(_item(option, e))
    table = ctx.table(
        f"{wid}_shares",
        f"{name}: percentage {what_shares(questions)}, by question",
        _columns(ctx),
        rows,
        notes=("base", "adjust", "disclosure"),
    )
    ordered = [f for f in findings if f.kind == "baseline"]
    ordered += [f for f in findings if f.kind != "baseline"]
    charts = [_chart(ctx, wid, name, chart_items)] if chart_items else []
    charts += [_options_chart(ctx, wid, q, chosen[q.id]) for q in questions if q.id in chosen]
    return charts, table, ordered


def significance_label(ctx: Context) -> str:
    """The heading of the column saying whether a (adjusted) test is significant."""
    adj = ADJUST_NAMES.get(ctx.adjust)
    return f"Significant after {adj} adjustment" if adj else "Significant"


def share_columns(ctx: Context) -> list[Column]:
    """The columns of a share: its base, the share and its confidence interval."""
    return [
        column("Base (respondents)", "int"),
        column("Share (%)", "pct"),
        column(f"{ctx.level} CI lower (%)", "pct"),
        column(f"{ctx.level} CI upper (%)", "pct"),
    ]


def share_cells(row: dict[str, Any]) -> list[Cell]:
    """The cells of :func:`share_columns` for a published row."""
    return [value_cell(row, key, kind) for key, kind in SHARE_FIELDS]


def _columns(ctx: Context) -> list[Column]:
    return [
        column("Question", "text"),
        *share_columns(ctx),
        column("Baseline (%)", "pct"),
        column("Difference (percentage points)", "pp"),
        column("p (adjusted)" if ctx.adjust != "none" else "p-value", "p"),
        column(significance_label(ctx), "yesno"),
        column("Flag", "text"),
    ]


def _row(ctx: Context, q: Question, option: str | None, row: dict[str, Any]) -> list[Cell]:
    has = q.baseline is not None
    p = "p_adjusted" if ctx.adjust != "none" else "p_value"
    return [
        cell(row_label(q, option), "text"),
        *share_cells(row),
        cell(None if q.baseline is None else q.baseline.p, "pct", missing="[z]"),
        baseline_cell(row, "diff", "pp", baseline=has),
        baseline_cell(row, p, "p", baseline=has),
        significance_cell(row, baseline=has),
        flag_cell(row),
    ]


def _item(label: str, e: Estimate) -> ShareItem:
    hidden = withheld(e)

    def pct(v: float | None) -> float | None:
        return None if v is None or hidden else round_half_up(v * 100, 1)

    return {
        "label": label,
        "share": pct(e.share),
        "low": pct(e.low),
        "high": pct(e.high),
        "baseline": None if e.baseline is None else round_half_up(e.baseline * 100, 1),
        "withheld": hidden,
        "symbol": e.symbol or None,
    }


def _describe(it: ShareItem) -> str:
    """One item of the chart's alt text."""
    if it["withheld"]:
        return f"{it['label']}: withheld {it['symbol'] or '[c]'}"
    ci = (
        "interval not available"
        if it["low"] is None or it["high"] is None
        else f"{it['low']:.1f}% to {it['high']:.1f}%"
    )
    text = f"{it['label']}: {it['share']:.1f}% ({ci})"
    if it["symbol"] == "[u]":
        text += ", low reliability [u]"
    if it["baseline"] is not None:
        text += f", baseline {it['baseline']:.1f}%"
    return text


_POSITIVE = "giving a positive answer"
_CHOOSING = "choosing each option"


def what_shares(questions: Sequence[Question]) -> str:
    """What the shares of ``questions`` count, for a table title: a positive answer, each
    option of a multi-select question, or both."""
    kinds = {q.type == "multi" for q in questions}
    if kinds == {True}:
        return _CHOOSING
    return _POSITIVE if kinds != {False, True} else f"{_POSITIVE} or {_CHOOSING}"


def _chart(ctx: Context, wid: str, name: str, chart_items: list[ShareItem]) -> Chart:
    """The dot chart of the share giving a positive answer to each single-choice question."""
    return _dots(
        ctx,
        f"{wid}-shares",
        f"{name}: percentage {_POSITIVE}",
        f"percentage of respondents {_POSITIVE} to each of {len(chart_items)} questions in "
        f"the {name} workstream",
        chart_items,
        _POSITIVE,
    )


def _options_chart(ctx: Context, wid: str, q: Question, chart_items: list[ShareItem]) -> Chart:
    """The dot chart of a multi-select question: the share of respondents who answered it
    choosing each option (they could choose several, so the shares need not add to 100)."""
    return _dots(
        ctx,
        f"{wid}-{q.id}-options",
        f"{q.text}: percentage {_CHOOSING}",
        f"percentage of respondents who answered the multi-select question “{q.text}” "
        f"choosing each of its {len(chart_items)} options (they could choose more than one)",
        chart_items,
        _CHOOSING,
        " (of the respondents who answered the question; they could choose more than one)",
    )


def _dots(
    ctx: Context,
    cid: str,
    title: str,
    subject: str,
    chart_items: list[ShareItem],
    what: str,
    aside: str = "",
) -> Chart:
    """A dot chart of shares with their intervals: ``subject`` says what the dots are in the
    alt text, ``what`` (how a respondent counts) in the caption (then ``aside``) and the axis
    title."""
    has_baseline = any(it["baseline"] is not None for it in chart_items)
    alt = (
        f"Dot chart of the {subject}, with {ctx.level} confidence intervals"
        + (" and baseline figures" if has_baseline else "")
        + ". "
        + "; ".join(_describe(it) for it in chart_items)
        + "."
    )
    interval = ctx.methods.get("interval_name", ctx.spec.methods.method)
    caption = (
        f"Dots show the percentage {what}{aside}; lines show {ctx.level} "
        f"confidence intervals ({interval})"
        + ("; diamonds mark the baseline figure" if has_baseline else "")
        + ". Withheld figures are not shown."
    )
    return Chart(
        cid,
        "shares",
        title,
        alt,
        caption,
        {"items": chart_items, "xlabel": f"Percentage of respondents {what}"},
    )
