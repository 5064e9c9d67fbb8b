"""The breakdowns of the report model: a workstream's shares by one grouping variable."""

from __future__ import annotations

from collections.abc import Sequence

from rapstats.render.report.findings import group_sentence
from rapstats.render.report.model.cells import (
    Cell,
    baseline_cell,
    cell,
    column,
    flag_cell,
    significance_cell,
)
from rapstats.render.report.model.context import Context, items, row_label
from rapstats.render.report.model.headline import (
    share_cells,
    share_columns,
    significance_label,
    what_shares,
)
from rapstats.render.report.model.parts import Table
from rapstats.spec import Question


def group_label(group: str) -> str:
    """A grouping variable's name as a heading: ``age_band`` -> ``Age band``."""
    return group.replace("_", " ").capitalize()


def breakdown(
    ctx: Context, wid: str, name: str, questions: Sequence[Question], group: str
) -> Table | None:
    """The workstream's shares by ``group`` with one sentence per row label; None when no
    question has a row split by it."""
    label = group_label(group)
    rows: list[list[Cell]] = []
    sentences: list[str] = []
    for q in questions:
        has = q.baseline is not None
        for option in items(q):
            estimates = []
            for value, row in ctx.rows.by_group((q.id, option), group):
                estimates.append((value, ctx.estimate(q, option, row)))
                rows.append(
                    [
                        cell(row_label(q, option), "text"),
                        cell(value, "text"),
                        *share_cells(row),
                        baseline_cell(row, "diff", "pp", baseline=has),
                        significance_cell(row, baseline=has),
                        flag_cell(row),
                    ]
                )
            sentence = group_sentence(label, estimates)
            if sentence:
                sentences.append(f"“{row_label(q, option)}”: {sentence}")
    if not rows:
        return None
    results = [
        *share_columns(ctx),
        column("Difference from baseline (percentage points)", "pp"),
        column(significance_label(ctx), "yesno"),
        column("Flag", "text"),
    ]
    taken = {c["label"].casefold() for c in results} | {"question"}
    # a group named like a result column (flag, question...) keeps its own column
    heading = f"{label} (group)" if label.casefold() in taken else label
    return ctx.table(
        f"{wid}_by_{group}",
        f"{name}: percentage {what_shares(questions)}, by {label.lower()}",
        [column("Question", "text"), column(heading, "text"), *results],
        rows,
        notes=("base", "adjust", "disclosure", "breakdowns"),
        findings=sentences,
    )
