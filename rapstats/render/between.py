"""How :func:`rapstats.render.changes.render_changes` shows differences between the levels of a
group (``rapstats compare --between``): their methods notes and their text-table cells.

JSON and CSV rows follow ``CHANGE_COLUMNS`` like every comparison; the terminal and Markdown
tables show, per row, the level (with its wave and ``--by`` cell), what it is compared with
(``rest`` or the reference level), both shares, the difference in percentage points with its
interval, the test with its statistic (X-squared, or the Rao-Scott F) and the adjusted p; a
homogeneity row reads ``all levels`` with its test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapstats.estimate.columns import GROUP_PREFIX
from rapstats.render.tables import p_text, pct, pp
from rapstats.vocab import ADJUSTMENT, level

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary
    from rapstats.table import Table

KINDS = ("difference", "homogeneity")
TITLE = "differences between groups"


def is_between(changes: Table) -> bool:
    """Whether ``changes`` compares the levels of a group (rather than waves)."""
    return any(k in KINDS for k in changes["kind"].tolist())


def between_notes(summary: Summary, changes: Table, *, subject: str | None = None) -> list[str]:
    """How the differences and homogeneity tests were made, for every output's notes.

    ``subject`` names what is compared (default: "each level of 'GROUP'", the last group of
    ``summary.by``), as the report does for every group it breaks down by.
    """
    m = summary.spec.methods
    conf = level(m.confidence)
    subject = subject or f"each level of {summary.by[-1]!r}"
    references = {
        a
        for a, c in zip(changes["against"], changes["comparison"], strict=True)
        if c == "reference"
    }
    against = (
        f"the share of the reference level {next(iter(references))!r}"
        if references
        else "the share of the rest of the respondents (everyone in the question's base outside "
        "that level)"
    )
    lead = f"Difference: {subject} has its share minus {against}, in percentage points"
    if summary.methods.get("weighted"):
        notes = [
            f"{lead}, with design-based standard errors: the Taylor-linearised variances of the "
            "two groups' weighted shares added (the groups share no respondent; as R "
            "survey::svyby(covmat = TRUE) with svycontrast), a normal "
            f"{conf} interval and a two-sided Wald z-test (wald_design).",
            "Homogeneity: one test per question that the share is the same in every level: "
            "Pearson's chi-square of the weighted levels x (positive, not) table with the "
            "Rao-Scott second-order correction, an F statistic (R survey::svychisq(~answer + "
            'group, design, statistic = "F")) (rao_scott).',
        ]
    else:
        notes = [
            f"{lead}, with a {conf} Newcombe hybrid score interval for the difference of two "
            "independent proportions (Newcombe 1998, method 10).",
            "Test: Pearson's chi-square without continuity correction (R prop.test(correct = "
            "FALSE)), or Fisher's exact test (R fisher.test) where an expected count is below 5; "
            "two-sided.",
            "Homogeneity: one test per question that the share is the same in every level: "
            "Pearson's chi-square of the levels x (positive, not) table without continuity "
            "correction, on levels - 1 degrees of freedom (R chisq.test(correct = FALSE)) (chisq).",
        ]
    if m.adjust != "none":
        waves = " of each wave" if any(w is not None for w in changes["wave_to"]) else ""
        notes.append(
            f"p-values are adjusted for multiple comparisons ({ADJUSTMENT.labels[m.adjust]}) "
            f"across all the differences{waves}, and separately across the homogeneity tests"
            f"{waves}."
        )
    notes.append(
        "A difference is withheld where the share of the level or of what it is compared with "
        "is withheld; a homogeneity test is withheld [c] where any level of the question is "
        "withheld [c] (it is computed from every level's answers)."
    )
    return notes


def change_cells(r: dict[str, Any]) -> list[str]:
    """The text cells every comparison row shows: both shares, the change in percentage
    points, its interval and the test's name."""
    ci = f"{pp(r['change_low'])} to {pp(r['change_high'])}" if pp(r["change_low"]) else ""
    test = (r["test"] or "").replace("_", " ")
    return [pct(r["share_from"]), pct(r["share_to"]), pp(r["change"]), ci, test]


def between_display(table: Table, confidence: float) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the terminal and Markdown tables (first three columns text)."""
    header = ["Level", "Against", "Question", "Against share", "Level share", "Difference"]
    header += [f"{level(confidence)} CI", "Test", "Statistic", "p (adj.)", "Flag"]
    groups = [c for c in table.columns if c.startswith(GROUP_PREFIX)]
    body = []
    for r in table.records():
        label = r["question"] + (f": {r['option']}" if r["option"] else "")
        cells_of = [f"{g[len(GROUP_PREFIX) :]} {r[g]}" for g in groups if r[g] is not None]
        cell = ", ".join([r["wave_to"]] * (r["wave_to"] is not None) + cells_of)
        name = r["level"] if r["kind"] == "difference" else "all levels"
        symbol = r["flag"] or ""
        shown: Any = symbol if symbol in ("[c]", "[x]") else None
        cells = [
            *change_cells(r),
            ""
            if r["statistic"] is None or r["statistic"] != r["statistic"]
            else f"{r['statistic']:.2f}",
            p_text(r["p_adjusted"]),
        ]
        level_text = f"{name} ({cell})" if cell else name
        body.append([level_text, r["against"] or "", label, *[shown or c for c in cells], symbol])
    return header, body
