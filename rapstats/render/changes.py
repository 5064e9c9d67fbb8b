"""Render a comparison (``rapstats compare``): ``table``, ``csv``, ``json`` or ``markdown``.

Schema (stable for scripts; ``CHANGE_COLUMNS`` of :mod:`rapstats.estimate.columns`, documented in
the README): one row per comparison x question (x option): ``kind`` (``change`` between waves),
``comparison`` (``previous`` or ``first``), ``question``, ``option``, ``text``, ``group``
(``{}`` overall; CSV ``group:NAME`` columns), ``wave_from``, ``wave_to`` (the waves' names),
``level``, ``against``, ``share_from``, ``share_to``, ``base_from``, ``base_to``, ``change``
(to minus from, proportion units), ``change_low``, ``change_high``, ``method``, ``test``,
``statistic``, ``p_value``, ``p_adjusted``, ``significant``, ``flag`` (the status symbol). A
withheld row has every data-derived field null. JSON adds ``inputs`` (wave name -> export),
``methods`` (with ``comparison`` notes) and ``disclosure``; CSV is plain (its notes,
:func:`changes_notes`, go apart; unsuppressed results have a first column ``warning``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats.escape import json_text, markdown
from rapstats.estimate.columns import CHANGE_COLUMNS, group_column
from rapstats.estimate.summary import published, published_records
from rapstats.render.between import (
    TITLE,
    between_display,
    between_notes,
    change_cells,
    is_between,
)
from rapstats.render.tables import (
    _aligned,
    _banner,
    _csv_frame,
    _footnotes,
    _missing,
    _terminal,
    p_text,
    summary_notes,
)
from rapstats.table import Table
from rapstats.vocab import ADJUSTMENT, level

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary


def comparison_notes(later: Summary, changes: Table | None = None) -> list[str]:
    """How the comparison was made, as sentences for every output's notes: the changes, and
    where ``changes`` holds them year-on-year pairs, group cells and trend rows."""
    m = later.spec.methods
    kinds = set() if changes is None else set(changes["kind"].tolist())
    pairs = set() if changes is None else set(changes["comparison"].tolist())
    notes = [
        "Change: the later export's share minus the earlier one's, in percentage points, with "
        f"a {level(m.confidence)} Newcombe hybrid score interval for the difference of two "
        "independent proportions (Newcombe 1998, method 10); the two waves are treated as "
        "independent samples.",
        "Test: Pearson's chi-square without continuity correction (R prop.test(correct = "
        "FALSE)), or Fisher's exact test (R fisher.test) where an expected count is below 5; "
        "two-sided.",
    ]
    if "year" in pairs:
        notes.append(
            "Year on year: each quarterly wave is also compared with the same quarter a year "
            "earlier where that quarter is one of the waves."
        )
    if "trend" in kinds:
        notes.append(
            "Trend: a chi-square test for linear trend in proportions across all the waves in "
            "order, scored 1, 2, 3... (Cochran-Armitage, as R prop.trend.test), 1 degree of "
            "freedom; withheld where any wave's share is."
        )
    if later.methods.get("weighted"):
        notes.append(
            "Weighted data: the intervals and tests use each share's design-effective sample "
            "size (share x effective n out of effective n), and always the chi-square test."
        )
    if m.adjust != "none":
        across = " and across the trend tests" if "trend" in kinds else ""
        notes.append(
            f"p-values are adjusted for multiple comparisons ({ADJUSTMENT.labels[m.adjust]}) "
            f"across the changes between each pair of waves{across}."
        )
    return notes


def _method_notes(later: Summary, changes: Table) -> list[str]:
    """How the changes (or the differences between groups) were made."""
    if is_between(changes):
        return between_notes(later, changes)
    return comparison_notes(later, changes)


def changes_notes(changes: Table, summaries: tuple[Summary, ...]) -> list[str]:
    """Every note of :func:`render_changes`' outputs (the banner of unsuppressed results
    first), for the formats that leave them out (CSV)."""
    return summary_notes(summaries[-1], _method_notes(summaries[-1], changes))


def render_changes(
    changes: Table,
    waves: tuple[str, ...],
    summaries: tuple[Summary, ...],
    fmt: str,
    *,
    by: tuple[str, ...] = (),
) -> str:
    """The protected ``changes`` between ``waves`` (with each wave's protected summary; see
    :func:`rapstats.pipeline.compare_files`), split by the groups ``by``, in ``fmt``
    (``table``, ``csv``, ``json`` or ``markdown``). The text formats show the trend rows as a
    table of their own."""
    later = summaries[-1]
    table = published(changes, by, CHANGE_COLUMNS)
    between = is_between(changes)
    notes = _method_notes(later, changes)
    if fmt == "csv":  # plain CSV: the notes go apart (changes_notes)
        return _csv_frame(table, later)
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
    confidence = later.spec.methods.confidence
    title = later.spec.title or "Comparison"
    if between:
        sections = [(f"{title}: {TITLE}", (*between_display(table, confidence), 3))]
    else:
        trend = np.array([k == "trend" for k in table["kind"].tolist()], dtype=bool)
        sections = [(f"{title}: change between waves", _display(table, by, ~trend))]
        if trend.any():
            sections.append(("Trend across waves", _trend_display(table, by, trend)))
    footnotes = notes + _footnotes(later)
    if fmt == "markdown":
        lines = [f"**{_banner(later)}**", ""] if _banner(later) else []
        for depth, (title, (header, body, left)) in enumerate(_with_ci(sections, confidence)):
            lines += [f"{'#' * (depth > 0) + '#'} {markdown(title)}", ""]
            lines.append("| " + " | ".join(markdown(c, cell=True) for c in header) + " |")
            lines.append("|" + "---|" * left + "---:|" * (len(header) - left))
            lines += ["| " + " | ".join(markdown(c, cell=True) for c in r) + " |" for r in body]
            lines.append("")
        lines += ["Notes:", ""]
        lines += [f"{i}. {markdown(n)}" for i, n in enumerate(footnotes, start=1)]
        return "\n".join(lines) + "\n"
    lines = [_banner(later), ""] if _banner(later) else []
    for title, (header, body, left) in _with_ci(sections, confidence):
        lines += [title, "", *_aligned(header, body, left), ""]
    return _terminal([*lines, *[f"Note: {n}" for n in footnotes]])


_Display = tuple[list[str], list[list[str]], int]
# How the text formats name each kind of pair (JSON and CSV keep the ``comparison`` word).
_PAIRS = {"previous": "previous", "first": "first", "all": "pair", "year": "year on year"}


def _with_ci(sections: list[tuple[str, _Display]], confidence: float) -> list[tuple[str, _Display]]:
    """The sections with the interval column's header naming the confidence level."""
    ci = f"{level(confidence)} CI"
    return [(t, ([ci if c == "CI" else c for c in h], b, n)) for t, (h, b, n) in sections]


def _display(table: Table, by: tuple[str, ...], rows: np.ndarray) -> _Display:
    """Header, cells and left-aligned column count of the changes (terminal and Markdown)."""
    header = ["From", "To", "Compared", "Question", *(["Group"] if by else [])]
    header += ["Earlier", "Later", "Change", "CI", "Test", "p (adj.)", "Flag"]
    body = []
    for r in _records(table, rows):
        symbol = r["flag"] or ""
        shown: Any = symbol if symbol in ("[c]", "[x]") else None
        cells = [*change_cells(r), p_text(r["p_adjusted"])]
        pair = [r["wave_from"], r["wave_to"], _PAIRS.get(r["comparison"], r["comparison"] or "")]
        body.append([*pair, *_labels(r, by), *[shown or c for c in cells], symbol])
    return header, body, len(header) - 7


def _trend_display(table: Table, by: tuple[str, ...], rows: np.ndarray) -> _Display:
    """Header, cells and left-aligned column count of the trend rows."""
    header = ["From", "To", "Question", *(["Group"] if by else [])]
    header += ["Test", "X-squared", "p (adj.)", "Flag"]
    body = []
    for r in _records(table, rows):
        symbol = r["flag"] or ""
        shown: Any = symbol if symbol in ("[c]", "[x]") else None
        statistic = "" if _missing(r["statistic"]) else f"{r['statistic']:.2f}"
        cells = [(r["test"] or "").replace("_", " "), statistic, p_text(r["p_adjusted"])]
        body.append([r["wave_from"], r["wave_to"], *_labels(r, by), *[shown or c for c in cells]])
        body[-1].append(symbol)
    return header, body, len(header) - 4


def _records(table: Table, rows: np.ndarray) -> list[dict[str, Any]]:
    """The selected rows as records."""
    return table.take(np.flatnonzero(rows)).records()


def _labels(r: dict[str, Any], by: tuple[str, ...]) -> list[str]:
    """The question label of a row, and its group cell where the rows are split (``All``
    for the headline rows)."""
    label = r["question"] + (f": {r['option']}" if r["option"] else "")
    if not by:
        return [label]
    cell = [f"{b} = {r[group_column(b)]}" for b in by if r[group_column(b)] is not None]
    return [label, ", ".join(cell) or "All"]
