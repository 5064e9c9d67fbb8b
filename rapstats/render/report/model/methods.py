"""The methods section, the numbered notes and the legend of symbols of the report model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapstats.estimate.summary import Summary
from rapstats.render.report.findings import ADJUST_NAMES, round_half_up
from rapstats.render.report.model.context import Context, Notes
from rapstats.render.report.model.parts import MethodsSection, Symbol
from rapstats.spec import Methods
from rapstats.table import Table as DataTable
from rapstats.vocab import MULTIPLICITY_IN_REPORT

# GSS shorthand used by the report itself (disclosure symbols come from the summary).
OWN_SYMBOLS = {
    "[z]": "not applicable (for example, no baseline for this question)",
    "[x]": "not available",
}
CAVEAT = (
    "Respondents chose to take part: a consultation is a self-selected sample, not a random "
    "sample of the population. Confidence intervals and tests describe sampling variability "
    "only; they cannot correct for who chose to respond, so results may not represent the "
    "wider population."
)


def report_notes(
    summary: Summary,
    *,
    previous: bool,
    left_out: Sequence[tuple[str, str]] = (),
    between: Mapping[str, DataTable] | None = None,
) -> Notes:
    """The numbered notes of a report on ``summary``, in the order they are first cited.

    ``base``, ``caveat``, then ``adjust`` (with a multiplicity adjustment), ``disclosure``
    (with disclosure rules), ``change`` (with a previous wave, when there are questions
    to compare), ``breakdowns`` (the groups ``left_out`` of the breakdowns, and why) and
    ``between`` (how the groups of the breakdowns were compared, with ``between``: group ->
    its comparison rows, as :func:`rapstats.render.report.model.build_model` takes them).
    """
    spec = summary.spec
    rules = [str(r) for r in (summary.disclosure or {}).get("rules", [])]
    return Notes(
        [
            ("base", _base_definition(summary.methods or {})),
            ("caveat", CAVEAT),
            ("adjust", None if spec.methods.adjust == "none" else _adjust_text(spec.methods)),
            ("disclosure", " ".join(rules) if rules else None),
            (
                "change",
                _change_text(summary) if previous and spec.estimated_questions else None,
            ),
            (
                "breakdowns",
                " ".join(f"Not broken down by {g}: {why}." for g, why in left_out) or None,
            ),
            ("between", _between_text(summary, between) if between else None),
        ]
    )


def _between_text(summary: Summary, between: Mapping[str, DataTable]) -> str:
    from rapstats.render.between import between_notes

    changes = next(iter(between.values()))
    return " ".join(
        [
            *between_notes(summary, changes, subject="each group of a breakdown"),
            "Each grouping variable is compared on its own. A group's difference from the "
            "rest is described only when its adjusted test is significant and the question's "
            "test of homogeneity is published; when no group's is, the report says there was "
            "no clear difference, and where a group of the question is withheld, it describes "
            "no difference.",
        ]
    )


def _base_definition(methods: Mapping[str, Any]) -> str:
    notes = methods.get("notes") or []
    if notes:
        return str(notes[0])
    return (
        "Shares are the positive answers as a share of the base: respondents whose answer "
        "is on the question's scale, excluding answers listed as excluded and blanks."
    )


def _adjust_text(m: Methods) -> str:
    adj = ADJUST_NAMES.get(m.adjust, m.adjust)
    family = MULTIPLICITY_IN_REPORT.get(m.family, m.family)
    return (
        f"p-values and significance are adjusted for multiple comparisons with the {adj} "
        f"method within {family}; significant means an adjusted p-value below "
        f"{round_half_up(1 - float(m.confidence), 3):g}."
    )


def _change_text(summary: Summary) -> str:
    from rapstats.render.changes import comparison_notes

    return " ".join(
        [
            *comparison_notes(summary),
            "A change is called a rise or a fall only when its (adjusted) test is significant; "
            "otherwise the report says there was no clear change.",
        ]
    )


def methods(ctx: Context) -> list[MethodsSection]:
    """The methods section: how the figures were made, weighting, disclosure, caveats."""
    notes = [str(n) for n in ctx.methods.get("notes", [])]
    if ctx.single_level:
        notes.append(
            f"Not broken down because every response has the same value: "
            f"{', '.join(ctx.single_level)}. Such a breakdown would only repeat the overall "
            "figures."
        )
    weighting = (
        f"Responses are weighted by the column '{ctx.methods.get('weight')}'."
        if ctx.weighted
        else "No weighting: every response counts equally."
    )
    rules = [str(r) for r in ctx.disclosure.get("rules", [])]
    sections: list[MethodsSection] = [
        {"heading": "How the figures were made", "paragraphs": notes, "list": False},
        {"heading": "Weighting", "paragraphs": [weighting], "list": False},
        {
            "heading": "Disclosure control and reliability",
            "paragraphs": rules or ["No disclosure control was applied."],
            "list": True,
        },
        {"heading": "Self-selected sample", "paragraphs": [CAVEAT], "list": False},
    ]
    between = ctx.notes.text("between")
    if between is not None:
        sections.append(
            {"heading": "Differences between groups", "paragraphs": [between], "list": False}
        )
    if ctx.previous is not None:
        change = ctx.notes.text("change")
        sections.append(
            {
                "heading": "Change between waves",
                "paragraphs": [] if change is None else [change],
                "list": False,
            }
        )
    return sections


def symbols(disclosure: Mapping[str, Any]) -> list[Symbol]:
    """The legend: the disclosure symbols (``disclosure["symbols"]``, a mapping of symbol to
    meaning as :func:`rapstats.protect.protect` gives it), then the report's own."""
    given: Mapping[str, str] = disclosure.get("symbols") or {}
    out: list[Symbol] = [{"symbol": str(k), "meaning": str(v)} for k, v in given.items()]
    out += [{"symbol": k, "meaning": v} for k, v in OWN_SYMBOLS.items() if k not in given]
    return out
