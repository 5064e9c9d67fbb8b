"""The change since the previous wave in the report model.

It formats the protected change it is given (``Context.changes``, from
:func:`rapstats.estimate.waves.compare_waves` and :func:`rapstats.protect.protect_changes`)
next to the two waves' published shares; it computes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapstats.render.report.findings import Finding, change_finding
from rapstats.render.report.model.cells import Cell, cell, column, flag_symbol, text, value_cell
from rapstats.render.report.model.context import Context, items, row_label
from rapstats.render.report.model.parts import Table
from rapstats.spec import Question


def change(
    ctx: Context, wid: str, name: str, questions: Sequence[Question]
) -> tuple[Table, list[Finding]]:
    """The workstream's change table and one finding per change that may be described.

    Needs a previous wave (``ctx.previous``).
    """
    assert ctx.previous is not None, "a change needs the previous wave"
    rows: list[list[Cell]] = []
    findings: list[Finding] = []
    for q in questions:
        for option in items(q):
            key = (q.id, option)
            now_row, before_row = ctx.rows.headline(key), ctx.previous.headline(key)
            diff, low, high = ctx.changes.get(key, (None, None, None))
            finding = change_finding(
                ctx.estimate(q, option, now_row),
                ctx.estimate(q, option, before_row),
                diff,
                low,
                high,
            )
            if finding is not None:
                findings.append(finding)
            flags = [f for f in (text(now_row.get("flag")), text(before_row.get("flag"))) if f]
            # a missing change shows this wave's symbol, else the previous wave's, if it withholds
            missing = flag_symbol(flags[0]) if diff is None and flags else "[x]"
            rows.append(
                [
                    cell(row_label(q, option), "text"),
                    value_cell(before_row, "share", "pct"),
                    value_cell(now_row, "share", "pct"),
                    cell(diff, "pp", missing=missing),
                    cell(low, "pp", missing=missing),
                    cell(high, "pp", missing=missing),
                    cell(" ".join(flags), "text"),
                ]
            )
    table = ctx.table(
        f"{wid}_change",
        f"{name}: change since the previous wave",
        [
            column("Question", "text"),
            column("Previous wave share (%)", "pct"),
            column("This wave share (%)", "pct"),
            column("Change (percentage points)", "pp"),
            column(f"{ctx.level} CI lower (percentage points)", "pp"),
            column(f"{ctx.level} CI upper (percentage points)", "pp"),
            column("Flag", "text"),
        ],
        rows,
        notes=("base", "change", "disclosure"),
        findings=[f.text for f in findings],
    )
    return table, findings
