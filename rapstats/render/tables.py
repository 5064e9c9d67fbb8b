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
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from rapstats.escape import csv_cell, json_text, markdown, visible
from rapstats.estimate.columns import group_column
from rapstats.estimate.summary import Summary
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


def _display_rows(summary: Summary, ci_sep: str) -> tuple[list[str], list[list[str]]]:
    """Header and cell strings shared by the terminal and Markdown tables."""
    rows = summary.published_table()
    conf = level(summary.methods["confidence"])
    header = ["Question", *[b.capitalize() for b in summary.by], "Base", "Share", f"{conf} CI"]
    groups = [group_column(b) for b in summary.by]
    has_baseline = bool((~np.isnan(rows["baseline"])).any())
    if has_baseline:
        header += ["Baseline", "Difference", "p (adj.)"]
    header.append("Flag")
    body = []
    for rec in rows.records():
        symbol = rec["flag"] or ""
        held = symbol == "[c]"
        label = rec["question"] + (f": {rec['option']}" if rec["option"] else "")

        def num(text: str, value: Any, *, held: bool = held, symbol: str = symbol) -> str:
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
        body.append(line)
    return header, body


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
    header = [visible(c) for c in header]
    body = [[visible(c) for c in row] for row in body]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    numeric = [i >= n_left for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if right else c.ljust(w)
            for c, w, right in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [fmt(header), rule, *[fmt(r) for r in body]]


def _terminal(lines: list[str]) -> str:
    """Terminal text: each line shown as by :func:`rapstats.escape.visible`, then joined."""
    return "".join(visible(line) + "\n" for line in lines)


def _table(summary: Summary) -> str:
    header, body = _display_rows(summary, " to ")
    lines = []
    if _banner(summary):
        lines += [_banner(summary), ""]
    title = summary.spec.title or "Summary"
    lines += [f"{title} ({summary.source['rows_read']} responses)", ""]
    lines += _aligned(header, body, 1 + len(summary.by))
    lines.append("")
    lines += [f"{q}: {t}" for q, t in _question_texts(summary)]
    lines.append("")
    lines += [f"Note: {n}" for n in _footnotes(summary)]
    return _terminal(lines)


def _markdown(summary: Summary) -> str:
    header, body = _display_rows(summary, " to ")
    lines = []
    if _banner(summary):
        lines += [f"**{_banner(summary)}**", ""]
    lines += [f"# {markdown(summary.spec.title or 'Summary')}", ""]
    lines.append("| " + " | ".join(markdown(c, cell=True) for c in header) + " |")
    lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in body:
        lines.append("| " + " | ".join(markdown(c, cell=True) for c in row) + " |")
    lines += ["", "Questions:", ""]
    lines += [
        f"- **{markdown(q, cell=True)}**: {markdown(t, cell=True)}"
        for q, t in _question_texts(summary)
    ]
    lines += ["", "Notes:", ""]
    lines += [f"{i}. {markdown(n)}" for i, n in enumerate(_footnotes(summary), start=1)]
    return "\n".join(lines) + "\n"


def _question_texts(summary: Summary) -> list[tuple[str, str]]:
    """(question id, question text) of each question in the table, in order."""
    rows = summary.table
    first = rows.unique_first("question")
    return list(zip(rows["question"][first].tolist(), rows["text"][first].tolist(), strict=True))


WARNING_COLUMN = "warning"


def _csv_frame(table: Table, summary: Summary) -> str:
    """``table`` as plain RFC 4180 CSV: a header row, then the rows; no notes (see
    :func:`summary_notes`). An unsuppressed summary's banner fills a first column
    ``warning`` in the header and every row, so that such a file never passes for a
    publishable one."""
    banner = _banner(summary)
    cells = [_csv_column(table[c]) for c in table.columns]
    header = [csv_cell(c) for c in table.columns]
    if banner:
        header = [WARNING_COLUMN, *header]
        cells = [[csv_cell(banner)] * len(table), *cells]
    return _csv_rows(header, zip(*cells, strict=True))


def _csv_rows(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    """CSV text (RFC 4180 quoting, LF line ends) of a header and rows of cell texts."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
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


def _clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """A JSON-ready row of :meth:`Table.records` (Python scalars): NaN -> None."""
    return {k: None if _missing(v) else v for k, v in record.items()}


def _json_head(summary: Summary) -> dict[str, Any]:
    """The JSON document's fields that describe the whole table (all but ``rows``)."""
    return {
        "rapstats_version": summary.version,
        "input": summary.source,
        "spec": spec_to_dict(summary.spec),
        "methods": summary.methods,
        "disclosure": summary.disclosure,
    }


def _json_doc(summary: Summary, rows: list[dict[str, Any]]) -> str:
    doc = {**_json_head(summary), "rows": rows}
    if _banner(summary):
        doc = {"warning": _banner(summary), **doc}
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def render_summary(summary: Summary, fmt: str) -> str:
    """Render a summary as ``table``, ``csv``, ``json`` or ``markdown`` text."""
    renderers: dict[str, Callable[[Summary], str]] = {
        "table": _table,
        "markdown": _markdown,
        "csv": lambda s: _csv_frame(s.published_table(), s),
        "json": lambda s: _json_doc(s, s.records()),
    }
    return renderers[fmt](summary)


def render_frequencies(summary: Summary, fmt: str) -> str:
    """Render the frequency table (every answer of every question) in ``fmt``."""
    freq = summary.published_frequencies()
    if fmt == "csv":
        return _csv_frame(freq, summary)
    if fmt == "json":
        return _json_doc(summary, summary.frequency_records())
    header = ["Question", *[b.capitalize() for b in summary.by], "Answer", "Count", "Share"]
    header.append("In base")
    body = []
    for rec in freq.records():
        symbol = rec["flag"] or ""
        count = count_text(rec["count"], symbol)
        share = pct(rec["share_of_base"]) or symbol
        groups = [rec[group_column(b)] or "All" for b in summary.by]
        body.append([rec["question"], *groups, rec["answer"], count, share])
        body[-1].append("yes" if rec["in_base"] else "no")
    return _framed(summary, header, body, 2 + len(summary.by), fmt)


def render_profile(summary: Summary, fmt: str) -> str:
    """Render who responded (the profile: respondents in each level of every grouping
    variable) in ``fmt``, with the notes as :func:`render_frequencies`."""
    table = summary.published_profile()
    if fmt == "csv":
        return _csv_frame(table, summary)
    if fmt == "json":
        return _json_doc(summary, summary.profile_records())
    header = ["Group", "Level", "Respondents", "Share"]
    body = [
        [
            rec["group"],
            rec["level"],
            count_text(rec["count"], rec["flag"]),
            pct(rec["share"]) or (rec["flag"] or ""),
        ]
        for rec in table.records()
    ]
    return _framed(summary, header, body, 2, fmt)


def count_text(value: Any, symbol: str | None) -> str:
    """A published count as text: its symbol where it is withheld."""
    return (symbol or "") if _missing(value) else str(int(value))


def _framed(
    summary: Summary, header: list[str], body: list[list[str]], n_left: int, fmt: str
) -> str:
    """A table of cell texts with the summary's banner and notes, as ``markdown`` or a
    terminal ``table``."""
    banner = _banner(summary)
    notes = _footnotes(summary)
    if fmt == "markdown":
        lines = ["| " + " | ".join(markdown(c, cell=True) for c in header) + " |"]
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(markdown(c, cell=True) for c in r) + " |" for r in body]
        text = "\n".join(lines) + "\n\nNotes:\n\n"
        text += "\n".join(f"{i}. {markdown(n)}" for i, n in enumerate(notes, 1))
        return (f"**{banner}**\n\n" if banner else "") + text + "\n"
    lines = [banner, ""] if banner else []
    notes_lines = [f"Note: {n}" for n in notes]
    return _terminal([*lines, *_aligned(header, body, n_left), "", *notes_lines])


def oneoff_text(result: dict[str, Any]) -> str:
    """Plain-English lines for a ``rapstats ci`` / ``rapstats samplesize`` result."""
    conf = level(result.get("confidence", 0.95))
    kind = result.get("kind")
    if kind == "margin_of_error":
        fpc = f" from a population of {result['population']}" if result["population"] else ""
        return (
            f"{result['n']} responses{fpc} give a margin of error of ±{100 * result['margin']:g} "
            f"points at {conf} confidence for a share near {pct(result['p'], 0)} "
            f"(n = {result['n_unrounded']:.2f}, rounded up)."
        )
    if kind == "two_proportion_power":
        if result["n_per_group"] is not None:
            return (
                f"{result['n_per_group']} per group (n = {result['n_per_group_unrounded']:.2f}, "
                f"rounded up) detect {pct(result['p1'])} vs {pct(result['p2'])} with power "
                f"{result['power']:.0%} at two-sided alpha {result['alpha']:g}."
            )
        return (
            f"Power {result['power']:.3f} to detect {pct(result['p1'])} vs {pct(result['p2'])} "
            f"at two-sided alpha {result['alpha']:g}."
        )
    if "x1" in result:
        lines = [
            f"{_count(result['x1'])}/{_count(result['n1'])} = {pct(result['share1'])} vs "
            f"{_count(result['x2'])}/{_count(result['n2'])} = {pct(result['share2'])}",
            f"Difference {pp(result['diff'])} ({conf} CI {pp(result['diff_low'])} to "
            f"{pp(result['diff_high'])}, {result['method']})",
        ]
    else:
        lines = [
            f"{_count(result['x'])}/{_count(result['n'])} = {pct(result['share'])} "
            f"({conf} CI {pct(result['ci_low'])} to {pct(result['ci_high'])}, "
            f"{result['method']})"
        ]
        if result.get("baseline") is not None:
            lines.append(
                f"Baseline {pct(result['baseline'])}: difference {pp(result['diff'])} "
                f"({conf} CI {pp(result['diff_low'])} to {pp(result['diff_high'])})"
            )
    if result.get("test"):
        z = f", z = {result['z']:.2f}" if result.get("z") is not None else ""
        p = p_text(result["p_value"])
        p = f"p < {p[1:]}" if p.startswith("<") else f"p = {p}"
        fixed = (
            "; the test treats the baseline as fixed, its uncertainty widens only the "
            "difference's interval"
            if result.get("baseline_fixed_in_test")
            and (result["baseline_n"] or result["baseline_ci"])
            else ""
        )
        lines.append(f"{result['test']} test: {p}{z} (two-sided{fixed})")
    return "\n".join(lines)


def _count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


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
