"""The breakdowns of the report model: a workstream's shares by one grouping variable."""

from __future__ import annotations

from collections.abc import Sequence

from rapstats.render.report.findings import (
    ADJUST_NAMES,
    Estimate,
    between_brief,
    between_sentence,
    group_sentence,
)
from rapstats.render.report.model.cells import (
    Cell,
    Column,
    baseline_cell,
    cell,
    column,
    flag_cell,
    significance_cell,
)
from rapstats.render.report.model.context import Context, items, row_label
from rapstats.render.report.model.groups import Between
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
    question has a row split by it.

    With the group's comparisons (``ctx.between``), each row also shows its difference from
    the rest of the respondents and whether it is significant after adjustment, and each
    sentence says what those tests support (:func:`between_sentence`); the table's
    ``compact_findings`` then say only what the rows do not show (:func:`between_brief`).
    """
    label = group_label(group)
    between = ctx.between.get(group)
    rows: list[list[Cell]] = []
    sentences: list[str] = []
    briefs: list[str] = []
    for q in questions:
        has = q.baseline is not None
        for option in items(q):
            key = (q.id, option)
            estimates = []
            for value, row in ctx.rows.by_group(key, group):
                estimates.append((value, ctx.estimate(q, option, row)))
                rows.append(
                    [
                        cell(row_label(q, option), "text"),
                        cell(value, "text"),
                        *share_cells(row),
                        baseline_cell(row, "diff", "pp", baseline=has),
                        significance_cell(row, baseline=has),
                        *([] if between is None else between.cells(key, value)),
                        flag_cell(row),
                    ]
                )
            sentence, brief = _sentences(label, estimates, between, key)
            if sentence:
                sentences.append(f"“{row_label(q, option)}”: {sentence}")
            if brief:
                briefs.append(f"“{row_label(q, option)}”: {brief}")
    if not rows:
        return None
    results = [
        *share_columns(ctx),
        column("Difference from baseline (percentage points)", "pp"),
        column(significance_label(ctx), "yesno"),
        *([] if between is None else difference_columns(ctx)),
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
        notes=("base", "adjust", "disclosure", "breakdowns", "between"),
        findings=sentences,
        compact_findings=None if between is None else briefs,
    )


def difference_columns(ctx: Context) -> list[Column]:
    """The columns of a group's difference from the rest and of its adjusted test."""
    adj = ADJUST_NAMES.get(ctx.adjust)
    return [
        column("Difference from the rest (percentage points)", "pp", short="Diff. from rest (pp)"),
        column(
            f"Different from the rest after {adj} adjustment" if adj else "Different from the rest",
            "yesno",
            short="Sig. vs rest",
        ),
    ]


def _sentences(
    label: str,
    estimates: list[tuple[str, Estimate]],
    between: Between | None,
    key: tuple[str, str | None],
) -> tuple[str | None, str | None]:
    """The sentence on one row label's groups, with what the tests between them support
    (with the group's comparisons, when they test the row label), and its shorter form for
    the PDF (:func:`between_brief`; the sentence itself when the groups were not tested)."""
    homogeneity = None if between is None else between.homogeneity(key)
    lead = group_sentence(label, estimates, tested=homogeneity is not None)
    if between is None or homogeneity is None:
        return lead, lead
    differences = [
        between.difference(
            key, value, answer=e.answer, confidence=e.confidence, reliable=e.symbol != "[u]"
        )
        for value, e in estimates
    ]
    return (
        between_sentence(label, lead, differences, homogeneity),
        between_brief(label, lead, differences, homogeneity),
    )
