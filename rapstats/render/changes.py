"""Render a comparison (``rapstats compare``): ``table``, ``csv``, ``json`` or ``markdown``.

Schema (stable for scripts; ``CHANGE_COLUMNS`` of :mod:`rapstats.estimate.columns`, documented in
the README): one row per comparison x question (x option): ``kind`` (``change`` between waves),
``comparison`` (``previous`` or ``first``), ``question``, ``option``, ``text``, ``group``
(``{}`` overall; CSV ``group:NAME`` columns), ``wave_from``, ``wave_to`` (the waves' names),
``level``, ``against``, ``share_from``, ``share_to``, ``base_from``, ``base_to``, ``change``
(to minus from, proportion units), ``change_low``, ``change_high``, ``method``, ``test``,
``statistic``, ``p_value``, ``p_adjusted``, ``significant``, ``flag`` (the status symbol). A
withheld row has every data-derived field null. JSON adds ``inputs`` (wave name -> export),
``methods`` (with ``comparison`` notes) and ``disclosure``; CSV ends with the notes as ``# ``
lines.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rapstats.escape import json_text, markdown
from rapstats.estimate.columns import CHANGE_COLUMNS
from rapstats.estimate.summary import published, published_records
from rapstats.render.between import TITLE, between_display, between_notes, is_between
from rapstats.render.tables import (
    _aligned,
    _banner,
    _csv_frame,
    _footnotes,
    _terminal,
    p_text,
    pct,
    pp,
)
from rapstats.table import Table
from rapstats.vocab import ADJUSTMENT, level

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary


def comparison_notes(later: Summary) -> list[str]:
    """How the changes were made, as sentences for every output's notes."""
    m = later.spec.methods
    notes = [
        "Change: the later export's share minus the earlier one's, in percentage points, with "
        f"a {level(m.confidence)} Newcombe hybrid score interval for the difference of two "
        "independent proportions (Newcombe 1998, method 10); the two waves are treated as "
        "independent samples.",
        "Test: Pearson's chi-square without continuity correction (R prop.test(correct = "
        "FALSE)), or Fisher's exact test (R fisher.test) where an expected count is below 5; "
        "two-sided.",
    ]
    if m.adjust != "none":
        notes.append(
            f"p-values are adjusted for multiple comparisons ({ADJUSTMENT.labels[m.adjust]}) "
            "across the changes between each pair of waves."
        )
    return notes


def render_changes(
    changes: Table,
    waves: tuple[str, ...],
    summaries: tuple[Summary, ...],
    fmt: str,
    *,
    by: tuple[str, ...] = (),
) -> str:
    """The protected ``changes`` between ``waves`` (with each wave's protected headline
    summary; see :func:`rapstats.pipeline.compare_files`), split by the groups ``by``, in
    ``fmt`` (``table``, ``csv``, ``json`` or ``markdown``)."""
    later = summaries[-1]
    table = published(changes, by, CHANGE_COLUMNS)
    between = is_between(changes)
    notes = between_notes(later, changes) if between else comparison_notes(later)
    if fmt == "csv":
        return _csv_frame(table, later, extra=notes)
    if fmt == "json":
        doc = {
            "rapstats_version": later.version,
            "inputs": dict(zip(waves, (s.source for s in summaries), strict=True)),
            "methods": {**later.methods, "comparison": notes},
            "disclosure": later.disclosure,
            "rows": published_records(changes, by, CHANGE_COLUMNS),
        }
        if _banner(later):
            doc = {"warning": _banner(later), **doc}
        return json_text(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"
    header, body = (between_display if between else _display)(table, later.spec.methods.confidence)
    footnotes = notes + _footnotes(later)
    title = f"{later.spec.title or 'Comparison'}: " + (TITLE if between else "change between waves")
    if fmt == "markdown":
        lines = [f"**{_banner(later)}**", ""] if _banner(later) else []
        lines += [f"# {markdown(title)}", ""]
        lines.append("| " + " | ".join(markdown(c, cell=True) for c in header) + " |")
        lines.append("|---|---|---|" + "---:|" * (len(header) - 3))
        lines += ["| " + " | ".join(markdown(c, cell=True) for c in r) + " |" for r in body]
        lines += ["", "Notes:", ""]
        lines += [f"{i}. {markdown(n)}" for i, n in enumerate(footnotes, start=1)]
        return "\n".join(lines) + "\n"
    lines = [_banner(later), ""] if _banner(later) else []
    lines += [title, "", *_aligned(header, body, 3), ""]
    return _terminal([*lines, *[f"Note: {n}" for n in footnotes]])


def _display(table: Table, confidence: float) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the terminal and Markdown tables."""
    header = ["From", "To", "Question", "Earlier", "Later", "Change", f"{level(confidence)} CI"]
    header.append("Test")
    header += ["p (adj.)", "Flag"]
    body = []
    for r in table.records():
        label = r["question"] + (f": {r['option']}" if r["option"] else "")
        symbol = r["flag"] or ""
        shown: Any = symbol if symbol in ("[c]", "[x]") else None
        ci = f"{pp(r['change_low'])} to {pp(r['change_high'])}" if pp(r["change_low"]) else ""
        cells = [
            pct(r["share_from"]),
            pct(r["share_to"]),
            pp(r["change"]),
            ci,
            (r["test"] or "").replace("_", " "),
            p_text(r["p_adjusted"]),
        ]
        body.append([r["wave_from"], r["wave_to"], label, *[shown or c for c in cells], symbol])
    return header, body
