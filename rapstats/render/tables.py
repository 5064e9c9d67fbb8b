"""Tabular renderers of a Summary: ``table`` (terminal), ``csv``, ``json`` and ``markdown``.

Schemas (stable; scripts may rely on them)
------------------------------------------
* **json**: an object with ``rapstats_version``, ``input`` (``path``, ``sha256``,
  ``rows_read``, ``platform``), ``spec`` (as applied), ``methods`` (incl. ``notes``),
  ``disclosure`` (rules applied, or null) and ``rows``. Each row has ``question``, ``option``,
  ``text``, ``workstream``, ``group`` (grouping column -> value; ``{}`` overall), ``base``,
  ``positive``, ``share``, ``ci_low``, ``ci_high``, ``baseline``, ``baseline_source``,
  ``diff``, ``diff_low``, ``diff_high``, ``test``, ``p_value``, ``p_adjusted``,
  ``significant``, ``effective_n``, ``flag``. Shares are proportions (0-1), unrounded; every
  data-derived field of a withheld row is ``null`` and ``flag`` holds its symbol.
* **csv**: the same fields, one column ``group:NAME`` per grouping variable in place of
  ``group``; empty cells for nulls. Plain RFC 4180 (a header row, then data; LF line ends),
  with no note lines: the notes (:func:`summary_notes`) go apart. An unsuppressed summary
  (``--unsafe-no-suppression``) has a first column ``warning`` holding its banner in every
  row.
Frequencies (``rapstats freq``) have ``question``, grouping columns, ``answer``, ``kind``
(``answer``, ``blank`` or ``not_answered``), ``count``, ``share_of_base``, ``in_base``,
``flag``. Who responded (``rapstats freq --profile``) has ``group`` (the grouping
variable), ``level``, ``kind`` (``answer`` or ``blank``), ``count`` (respondents, unweighted),
``share`` (of all respondents) and ``flag``; the JSON rows are the same fields.
``flag`` is the GSS symbol only (``[c]``, ``[u]``, ``[x]``); why a cell was withheld
is not published.

User text enters each format through its function in :mod:`rapstats.escape`: CSV text cells
that a spreadsheet would read as a formula get a leading ``'``, Markdown is escaped to show as
text, terminal text shows control characters as escapes.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from rapstats.escape import csv_cell, json_text, markdown, visible
from rapstats.estimate.columns import ROW_COLUMNS, group_column
from rapstats.estimate.summary import Summary, published_records
from rapstats.render.stream import json_document, row_slices
from rapstats.spec import spec_to_dict
from rapstats.table import Table
from rapstats.vocab import level

FORMATS: tuple[str, ...] = ("table", "csv", "json", "markdown")


def _missing(value: Any) -> bool:
    """True for None and NaN (a withheld or absent number)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: Any, digits: int = 1) -> str:
    """A share as a percentage string (``0.714 -> '71.4%'``)."""
    return "" if _missing(value) else f"{100 * value:.{digits}f}%"


def pp(value: Any) -> str:
    """A difference of shares in percentage points, signed."""
    return "" if _missing(value) else f"{100 * value:+.1f} pp"


def p_text(value: Any) -> str:
    """A p-value as published: ``<0.001`` or three decimals."""
    if _missing(value):
        return ""
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _display_header(summary: Summary) -> tuple[list[str], bool]:
    """Header of the terminal and Markdown tables, and whether it has baseline columns."""
    conf = level(summary.methods["confidence"])
    header = ["Question", *[b.capitalize() for b in summary.by], "Base", "Share", f"{conf} CI"]
    has_baseline = bool((~np.isnan(summary.table["baseline"])).any())
    if has_baseline:
        header += ["Baseline", "Difference", "p (adj.)"]
    header.append("Flag")
    return header, has_baseline


def _display_rows(summary: Summary, ci_sep: str, has_baseline: bool) -> Iterator[list[list[str]]]:
    """Cell strings of the terminal and Markdown tables, :data:`CHUNK_ROWS` rows at a time."""
    table = summary.published_table()
    groups = [group_column(b) for b in summary.by]
    for positions in row_slices(len(table)):
        yield [
            _display_row(rec, groups, ci_sep, has_baseline)
            for rec in table.take(positions).records()
        ]


def _display_row(
    rec: dict[str, Any], groups: list[str], ci_sep: str, has_baseline: bool
) -> list[str]:
    symbol = rec["flag"] or ""
    held = symbol == "[c]"
    label = rec["question"] + (f": {rec['option']}" if rec["option"] else "")

    def num(text: str, value: Any) -> str:
        return symbol if held or (_missing(value) and symbol) else text

    base = num("" if _missing(rec["base"]) else str(int(rec["base"])), rec["base"])
    ci = f"{pct(rec['ci_low'])}{ci_sep}{pct(rec['ci_high'])}"
    if _missing(rec["ci_low"]) or _missing(rec["ci_high"]):
        ci = "" if _missing(rec["share"]) else "[x]"  # no interval, e.g. weighted 0% or 100%
    line = [label, *[rec[g] or "All" for g in groups], base]
    line += [num(pct(rec["share"]), rec["share"]), num(ci, rec["ci_low"])]
    if has_baseline:
        line += [
            pct(rec["baseline"]),
            num(pp(rec["diff"]), rec["diff"]) if not _missing(rec["baseline"]) else "",
            num(p_text(rec["p_adjusted"]), rec["p_adjusted"])
            if not _missing(rec["baseline"])
            else "",
        ]
    line.append(symbol)
    return line


def _footnotes(summary: Summary) -> list[str]:
    notes = list(summary.methods["notes"])
    if summary.disclosure:
        notes += list(summary.disclosure.get("rules", []))
        notes += [f"{k} {v}" for k, v in summary.disclosure.get("symbols", {}).items()]
    return notes


def _banner(summary: Summary) -> str | None:
    return (summary.disclosure or {}).get("banner")


def _aligned(header: list[str], body: list[list[str]], n_left: int) -> list[str]:
    """Plain-text table lines: the first ``n_left`` columns left-aligned, the rest right-aligned.

    Cells are shown as by :func:`rapstats.escape.visible` (and measured so).
    """
    return [line for lines in _aligned_chunks(header, [body], n_left) for line in lines]


def _aligned_chunks(
    header: list[str], body: Iterable[list[list[str]]], n_left: int
) -> Iterator[list[str]]:
    """The lines of :func:`_aligned` in pieces, from a body given in pieces. Until the
    column widths are known, each row is kept as one string (its shown cells joined by NUL,
    which :func:`rapstats.escape.visible` never leaves), not as a list of cells."""
    header = [visible(c) for c in header]
    widths = [len(c) for c in header]
    kept: list[list[str]] = []
    for rows in body:
        shown = [[visible(c) for c in row] for row in rows]
        for i, column in enumerate(zip(*shown, strict=True)):
            widths[i] = max(widths[i], *map(len, column))
        kept.append(["\0".join(row) for row in shown])
    numeric = [i >= n_left for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if right else c.ljust(w)
            for c, w, right in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    yield [fmt(header), "  ".join("-" * w for w in widths)]
    while kept:
        yield [fmt(row.split("\0")) for row in kept.pop(0)]


def _terminal(lines: list[str]) -> str:
    """Terminal text: each line shown as by :func:`rapstats.escape.visible`, then joined."""
    return "".join(visible(line) + "\n" for line in lines)


def _table(summary: Summary) -> Iterator[str]:
    header, has_baseline = _display_header(summary)
    lines = []
    if _banner(summary):
        lines += [_banner(summary), ""]
    title = summary.spec.title or "Summary"
    lines += [f"{title} ({summary.source['rows_read']} responses)", ""]
    yield _terminal(lines)
    body = _display_rows(summary, " to ", has_baseline)
    yield from map(_terminal, _aligned_chunks(header, body, 1 + len(summary.by)))
    lines = ["", *[f"{q}: {t}" for q, t in _question_texts(summary)], ""]
    yield _terminal([*lines, *[f"Note: {n}" for n in _footnotes(summary)]])


def _markdown_rows(rows: Iterable[list[str]]) -> str:
    return "".join("| " + " | ".join(markdown(c, cell=True) for c in r) + " |\n" for r in rows)


def _markdown(summary: Summary) -> Iterator[str]:
    header, has_baseline = _display_header(summary)
    lines = []
    if _banner(summary):
        lines += [f"**{_banner(summary)}**", ""]
    lines += [f"# {markdown(summary.spec.title or 'Summary')}", ""]
    yield "\n".join(lines) + "\n" + _markdown_rows([header])
    yield "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|\n"
    yield from map(_markdown_rows, _display_rows(summary, " to ", has_baseline))
    lines = ["", "Questions:", ""]
    lines += [
        f"- **{markdown(q, cell=True)}**: {markdown(t, cell=True)}"
        for q, t in _question_texts(summary)
    ]
    lines += ["", "Notes:", ""]
    lines += [f"{i}. {markdown(n)}" for i, n in enumerate(_footnotes(summary), start=1)]
    yield "\n".join(lines) + "\n"


def _question_texts(summary: Summary) -> list[tuple[str, str]]:
    """(question id, question text) of each question in the table, in order."""
    rows = summary.table
    first = rows.unique_first("question")
    return list(zip(rows["question"][first].tolist(), rows["text"][first].tolist(), strict=True))


WARNING_COLUMN = "warning"


def _csv_frame(table: Table, summary: Summary) -> str:
    """``table`` as plain RFC 4180 CSV (:func:`_csv_chunks`, joined)."""
    return "".join(_csv_chunks(table, summary))


def _csv_chunks(table: Table, summary: Summary) -> Iterator[str]:
    """``table`` as plain RFC 4180 CSV, :data:`CHUNK_ROWS` rows a piece: a header row, then
    the rows; no notes (see :func:`summary_notes`). An unsuppressed summary's banner fills a
    first column ``warning`` in the header and every row, so that such a file never passes
    for a publishable one."""
    banner = _banner(summary)
    header = [csv_cell(c) for c in table.columns]
    yield _csv_rows([WARNING_COLUMN, *header] if banner else header, ())
    for positions in row_slices(len(table)):
        part = table.take(positions)
        cells = [_csv_column(part[c]) for c in part.columns]
        if banner:
            cells = [[csv_cell(banner)] * len(part), *cells]
        yield _csv_rows(None, zip(*cells, strict=True))


def _csv_rows(header: list[str] | None, rows: Iterable[Iterable[str]]) -> str:
    """CSV text (RFC 4180 quoting, LF line ends) of a header (if any) and rows of cell texts."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def summary_notes(summary: Summary, extra: Sequence[str] = ()) -> list[str]:
    """The notes of a summary's outputs, one sentence each: its banner (unsuppressed),
    ``extra``, the methods notes and the disclosure legend. The text formats print them;
    CSV leaves them out (the command line shows them on stderr or writes them to
    ``--notes FILE``)."""
    banner = _banner(summary)
    return [*([banner] if banner else []), *extra, *_footnotes(summary)]


def _csv_column(values: np.ndarray) -> list[str]:
    """The CSV text of one column: floats as ``repr``, booleans ``true``/``false``, missing ''."""
    if values.dtype.kind == "f":
        return ["" if v != v else repr(v) for v in values.tolist()]
    return [_csv_value(v) for v in values.tolist()]


def _csv_value(v: Any) -> str:
    """One CSV cell: numbers as numbers, text through :func:`rapstats.escape.csv_cell`."""
    if _missing(v):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return csv_cell(v) if isinstance(v, str) else str(v)


def _json_head(summary: Summary) -> dict[str, Any]:
    """The JSON document's fields that describe the whole table (all but ``rows``)."""
    return {
        "rapstats_version": summary.version,
        "input": summary.source,
        "spec": spec_to_dict(summary.spec),
        "methods": summary.methods,
        "disclosure": summary.disclosure,
    }


def _json_doc(
    summary: Summary, n: int, records: Callable[[np.ndarray], list[dict[str, Any]]]
) -> Iterator[str]:
    """The JSON document of ``n`` rows (``records(positions)``), in pieces."""
    head = _json_head(summary)
    if _banner(summary):
        head = {"warning": _banner(summary), **head}
    return json_document(head, n, records)


def _rows_of(
    table: Table, by: tuple[str, ...], fields: tuple[str, ...]
) -> Callable[[np.ndarray], list[dict[str, Any]]]:
    """The JSON-ready rows of ``table`` at given positions (:func:`published_records`)."""
    return lambda positions: published_records(table.take(positions), by, fields)


def summary_chunks(summary: Summary, fmt: str) -> Iterator[str]:
    """:func:`render_summary`'s text in pieces of a few thousand rows (to write as they come)."""
    if fmt == "csv":
        return _csv_chunks(summary.published_table(), summary)
    if fmt == "json":
        rows = _rows_of(summary.table, summary.by, ROW_COLUMNS)
        return _json_doc(summary, len(summary.table), rows)
    return _markdown(summary) if fmt == "markdown" else _table(summary)


def render_summary(summary: Summary, fmt: str) -> str:
    """Render a summary as ``table``, ``csv``, ``json`` or ``markdown`` text."""
    return "".join(summary_chunks(summary, fmt))


def comments_notes(quoted: Any) -> list[str]:
    """The notes of quoted comments: the redaction rules and what was withheld."""
    notes = list(quoted.rules)
    if quoted.withheld_groups:
        notes.append(
            f"{quoted.n_withheld} comments withheld from groups below the threshold: "
            + ", ".join(quoted.withheld_groups)
            + "."
        )
    return notes


def render_comments(quoted: Any, fmt: str, *, title: str = "Comments") -> str:
    """Quoted, redacted comments (:func:`rapstats.protect.redact.comments_of`) in ``fmt``."""
    frame = quoted.comments
    notes = comments_notes(quoted)
    if fmt == "json":
        doc = {
            "comments": frame.to_dict("records"),
            "withheld_groups": list(quoted.withheld_groups),
            "n_withheld": quoted.n_withheld,
            "n_redacted": quoted.n_redacted,
            "notes": notes,
        }
        return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
    if fmt == "csv":  # plain CSV: the notes go apart (comments_notes)
        header = [csv_cell(str(c)) for c in frame.columns]
        rows = ([_csv_value(v) for v in r] for r in frame.itertuples(index=False))
        return _csv_rows(header, rows)
    if fmt == "markdown":
        lines = [f"# {markdown(title)}", ""]
        lines += [
            f"- **{markdown(g, cell=True)}** ({markdown(q, cell=True)}): {markdown(c, cell=True)}"
            for q, g, c in frame[["question", "group", "comment"]].itertuples(index=False)
        ]
        lines += ["", "Notes:", ""]
        lines += [f"{i}. {markdown(n)}" for i, n in enumerate(notes, 1)]
        return "\n".join(lines) + "\n"
    lines = [f"[{q}] {g}: {c}" for q, g, c in frame.itertuples(index=False)]
    return _terminal([*lines, "", *[f"Note: {n}" for n in notes]])


AUDIT_MARK = "NOT FOR PUBLICATION"


def render_suppression_audit(summaries: tuple[Summary, ...]) -> str:
    """The analyst's suppression audit: every flagged row of every table, with its reason.

    Plain CSV: ``warning`` (:data:`AUDIT_MARK` in every row: the file is not for
    publication), ``table``, ``question``, ``option``, ``answer``, one ``group:NAME`` column
    per grouping variable, ``symbol`` and ``reason``. A row of the profile (table ``profile``,
    who responded) gives its grouping variable as ``question`` and its level as ``answer``.
    """
    groups = list(dict.fromkeys(group_column(b) for s in summaries for b in s.by))
    header = ["table", "question", "option", "answer", *groups, "symbol", "reason"]
    lines: list[list[str]] = []
    for summary in summaries:
        profile = summary.profile_table
        profile = profile.assign({"question": profile["group"], "answer": profile["level"]})
        for name, table in (
            ("rows", summary.table),
            ("frequencies", summary.frequency_table),
            ("profile", profile),
        ):
            if "symbol" not in table:
                continue
            flagged = np.array([s is not None for s in table["symbol"]], dtype=bool)
            for rec in table.take(flagged).records():
                lines.append(
                    [
                        name,
                        *(_csv_value(rec.get(k)) for k in ("question", "option", "answer")),
                        *(_csv_value(rec.get(g)) for g in groups),
                        rec["symbol"],
                        _csv_value(rec["reason"]),
                    ]
                )
    return _csv_rows([WARNING_COLUMN, *header], ([AUDIT_MARK, *line] for line in lines))
