"""The changes between waves in the report model: one table of every comparison.

It formats the protected change rows it is given (``Context.changes``, rows of
:func:`rapstats.pipeline.compare_files`) next to the two waves' published shares; it
computes nothing. Every sentence is worded by
:func:`~rapstats.render.report.findings.change_finding`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapstats.render.report.findings import (
    ADJUST_NAMES,
    Change,
    Finding,
    change_finding,
    unchanged_options,
)
from rapstats.render.report.model.cells import Cell, cell, column, flag_symbol, text, value_cell
from rapstats.render.report.model.context import Context, items, period, row_label
from rapstats.render.report.model.headline import significance_label
from rapstats.render.report.model.parts import Table
from rapstats.spec import Question


def changes(
    ctx: Context, wid: str, name: str, questions: Sequence[Question]
) -> tuple[list[Table], list[Finding]]:
    """The workstream's change table and one finding per change that may be described.

    One table holds every comparison into this wave (the previous wave, and a year earlier
    where known): a row per question (or option) and comparison, the question's rows
    together, so that a document names each question once. Its ``row_findings`` are the
    findings that only restate a row (no clear change, not asked): documents leave them out.
    """
    comparisons = ctx.comparisons()
    if not comparisons:
        return [], []
    now = ctx.waves[-1]
    rows: dict[tuple[str, str | None], list[list[Cell]]] = {}
    findings: list[Finding] = []
    for since, wave_from in comparisons:
        before_rows = ctx.wave_rows(wave_from)
        when = (
            f"{wave_from} ("
            + ("a year earlier" if since == "year" else f"previous {period(wave_from, now)}")
            + ")"
        )
        for q in questions:
            described: list[tuple[Change, Finding]] = []
            for option in items(q):
                c = ctx.change(q, option, since, wave_from)
                finding = change_finding(c)
                if finding is not None:
                    described.append((c, finding))
                now_row = ctx.rows.headline((q.id, option))
                before_row = before_rows.headline((q.id, option))
                rows.setdefault((q.id, option), []).append(
                    [
                        cell(row_label(q, option), "text"),
                        cell(when, "text"),
                        *_cells(c, before_row, now_row),
                    ]
                )
            findings += _options(described) if q.type == "multi" else [f for _, f in described]
    adjusted = ADJUST_NAMES.get(ctx.adjust)
    titles = [
        f"since the previous {period(wave_from, now)}"
        if since == "previous"
        else "on a year earlier"
        if since == "year"
        else f"since {wave_from}"
        for since, wave_from in comparisons
    ]
    table = ctx.table(
        f"{wid}_change",
        f"{name}: change " + " and ".join(titles),
        [
            column("Question", "text"),
            column("Compared with", "text"),
            column("Earlier share (%)", "pct"),
            column(f"{now} share (%)", "pct"),
            column("Change (percentage points)", "pp"),
            column(f"{ctx.level} CI lower (percentage points)", "pp"),
            column(f"{ctx.level} CI upper (percentage points)", "pp"),
            column(f"p-value ({adjusted}-adjusted)" if adjusted else "p-value", "p"),
            column(significance_label(ctx), "yesno"),
            column("Flag", "text"),
        ],
        [row for pair in rows.values() for row in pair],
        notes=("base", "change", "disclosure"),
        findings=[f.text for f in findings],
        row_findings=[f.text for f in findings if not f.significant],
    )
    return [table], findings


def _options(found: list[tuple[Change, Finding]]) -> list[Finding]:
    """The findings of a multi-select question's options: each significant change (and each
    option not asked), then one sentence for all the options with no clear change."""
    flat = [c for c, f in found if not f.significant and c.not_asked is None]
    kept = [f for c, f in found if f.significant or c.not_asked is not None]
    if len(flat) < 2:
        return [f for _, f in found]
    return [*kept, unchanged_options(flat[0], others=len(kept) > 0)]


def _cells(c: Change, before_row: dict[str, Any], now_row: dict[str, Any]) -> list[Cell]:
    """The cells of one change: both shares, the change and its interval, the test, flag."""
    if c.not_asked is not None:
        shares = [
            value_cell(r, "share", "pct")
            if r and text(r.get("flag")) != "[z]"
            else cell(None, "pct", missing="[z]")
            for r in (before_row, now_row)
        ]
        kinds = ("pp", "pp", "pp", "p", "yesno")
        return [
            *shares,
            *(cell(None, kind, missing="[z]") for kind in kinds),
            cell(f"[z] not asked in {c.not_asked}", "text"),
        ]
    missing = flag_symbol(c.symbol)
    flags = [text(before_row.get("flag")), text(now_row.get("flag")), c.symbol]
    shown = " ".join(dict.fromkeys(f for f in flags if f))
    return [
        value_cell(before_row, "share", "pct"),
        value_cell(now_row, "share", "pct"),
        cell(c.change, "pp", missing=missing),
        cell(c.low, "pp", missing=missing),
        cell(c.high, "pp", missing=missing),
        cell(c.p, "p", missing=missing),
        cell(c.significant, "yesno", missing=missing),
        cell(shown, "text"),
    ]
