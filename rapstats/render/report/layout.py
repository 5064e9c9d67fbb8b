"""The report model as the documents (Markdown, HTML, PDF) lay it out: :func:`document_model`.

``report.json`` and the spreadsheets keep every table whole: each row names its question, and
every finding is listed where it was made. A document is read from top to bottom, so it says
each thing once:

* a table whose first column repeats in consecutive rows (a question, in a breakdown or an
  answer distribution) shows that value once, as the heading of its group of rows, and drops
  the column;
* a sentence shown among the key findings is not repeated in a workstream or under a table,
  and a workstream does not repeat the findings printed under its own tables;
* a finding that only restates a row of its table (a table's ``row_findings``: "no clear
  change since ...", "not asked in ...") is left to the row;
* group sentences that end "differences between groups were not tested" end there once,
  in one sentence after them;
* a methods paragraph (or list) that is the text of a numbered note is shown as "See [note n]."
  (the notes follow the methods).

The PDF, where pages count, also leaves to a breakdown's rows what they show (the model's
``compact_findings``, rows withheld in every cell named rather than printed) and heads long
columns with their ``short`` headings, spelt out in a note of its own.

Nothing is computed here: the numbers and sentences are the model's, only regrouped.
"""

from __future__ import annotations

from typing import Any

from rapstats.render.report.findings import NOT_TESTED


def document_model(model: dict[str, Any], *, compact: bool = False) -> dict[str, Any]:
    """A copy of ``model`` laid out for a document (see the module's notes).

    Each table gains ``groups``: a list of ``{"heading": str or None, "rows": [...]}`` in
    order, and ``group_label``, the heading of the grouping column (None when the table is not
    grouped; its ``columns`` then lose that column and each row its first cell). The findings
    of tables and workstreams leave out the sentences shown before them.

    ``compact`` (the PDF, where pages count) says more things once, or shorter:

    * a table finding about one group's question (one that starts with the question in
      quotes, ``“question”: ...``) is given to that group as its ``finding``, without the
      quoted question, rather than listed above the table. Otherwise (and for any other
      finding) a group's ``finding`` is None;
    * "Differences between groups were not tested" is said once, by the first breakdown;
    * a table's ``compact_findings`` (when it has them) stand for its ``findings``;
    * a group's rows that are withheld in every cell ([c], or [z] where nothing applies) are
      named in its ``finding`` ("Withheld [c]: 65+ and Prefer not to say.") rather than
      shown as rows of symbols;
    * a column with a ``short`` heading is headed by it, and a note added after the model's
      (cited by those tables) gives each short heading's full one;
    * a chart whose caption (how to read it) is an earlier chart's says "Drawn as Figure n."
      (charts are numbered in the order shown);
    * when every table has the same source, the model's ``source`` is it without its leading
      "Source: " (shown once, with the title) and the tables' ``source`` is empty. Otherwise
      ``source`` is None.
    """
    shown = set(model["key_findings"])
    tables = [_grouped(t, shown, compact) for t in model["tables"]]
    notes = model["notes"]
    if compact:
        tables, notes = _short_headings(_untested_first(tables), notes)
    sources = {t["source"] for t in tables}
    source = sources.pop().removeprefix("Source: ") if compact and len(sources) == 1 else None
    if source is not None:
        tables = [{**t, "source": ""} for t in tables]
    by_id = {t["id"]: t for t in model["tables"]}
    workstreams = []
    for ws in model["workstreams"]:
        under_tables = {
            f
            for s in ws["sections"]
            if s["kind"] == "table"
            for f in by_id[s["table"]]["findings"] + by_id[s["table"]]["row_findings"]
        }
        findings = [f for f in ws["findings"] if f not in shown and f not in under_tables]
        workstreams.append({**ws, "findings": findings})
    numbers = {n["text"]: n["number"] for n in model["notes"]}
    methods = [_methods_section(sec, numbers) for sec in model["methods"]]
    return {
        **model,
        "notes": notes,
        "tables": tables,
        "charts": _captions_once(model) if compact else model["charts"],
        "workstreams": workstreams,
        "methods": methods,
        "source": source,
    }


def _captions_once(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts, each caption said in full at its first chart only (see the module)."""
    order = [s["chart"] for ws in model["workstreams"] for s in ws["sections"] if "chart" in s]
    number = {cid: n for n, cid in enumerate(order, start=1)}
    first: dict[str, int] = {}
    charts = []
    for chart in sorted(model["charts"], key=lambda c: number[c["id"]]):
        n = first.setdefault(chart["caption"], number[chart["id"]])
        said = n != number[chart["id"]]
        charts.append({**chart, "caption": f"Drawn as Figure {n}." if said else chart["caption"]})
    return charts


def _methods_section(section: dict[str, Any], notes: dict[str, int]) -> dict[str, Any]:
    """``section`` with the paragraphs that are a note's text as a reference to the note."""
    whole = notes.get(" ".join(section["paragraphs"]))
    if whole is not None:
        return {**section, "paragraphs": [f"See [note {whole}]."], "list": False}
    paragraphs = [p if p not in notes else f"See [note {notes[p]}]." for p in section["paragraphs"]]
    return {**section, "paragraphs": paragraphs}


UNTESTED = NOT_TESTED.removeprefix("; ").capitalize()
UNTESTED_ANYWHERE = UNTESTED.removesuffix(".") + " (in any breakdown of this report)."


def _untested_once(findings: list[str]) -> list[str]:
    """``findings`` with "; differences between groups were not tested" said once, last."""
    if not any(f.endswith(NOT_TESTED) for f in findings):
        return findings
    cut = [f.removesuffix(NOT_TESTED) + "." if f.endswith(NOT_TESTED) else f for f in findings]
    return [*cut, UNTESTED]


def _untested_first(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``tables`` with "Differences between groups were not tested" said by the first table
    that says it, for every breakdown of the report."""
    out, said = [], False
    for t in tables:
        if UNTESTED in t["findings"]:
            keep = [] if said else [UNTESTED_ANYWHERE]
            t = {**t, "findings": [f for f in t["findings"] if f != UNTESTED] + keep}
            said = True
        out.append(t)
    return out


SHORT_HEADINGS = "Column headings shortened in this PDF: "
WITHHELD_ROWS = "Withheld [c]: "


def _short_headings(
    tables: list[dict[str, Any]], notes: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``tables`` headed by their columns' short headings, citing a new last note (added to
    ``notes``) that gives each short heading's full one."""
    full = {c["short"]: c["label"] for t in tables for c in t["columns"] if "short" in c}
    if not full:
        return tables, notes
    number = max((n["number"] for n in notes), default=0) + 1
    text = SHORT_HEADINGS + "; ".join(f"“{s}”: {label}" for s, label in full.items()) + "."
    out = []
    for t in tables:
        if any("short" in c for c in t["columns"]):
            columns = [{**c, "label": c.get("short", c["label"])} for c in t["columns"]]
            refs = f"{t['notes']} [note {number}]".strip()
            t = {**t, "columns": columns, "notes": refs}
        out.append(t)
    return out, [*notes, {"number": number, "text": text}]


def _withheld_rows(group: dict[str, Any]) -> dict[str, Any]:
    """``group`` without its rows withheld in every cell, named in its finding instead."""
    gone = [r[0]["t"] for r in group["rows"] if _withheld(r[1:])]
    if not gone:
        return group
    names = gone[0] if len(gone) == 1 else ", ".join(gone[:-1]) + " and " + gone[-1]
    said = f"{WITHHELD_ROWS}{names}."
    return {
        **group,
        "finding": said if group["finding"] is None else f"{group['finding']} {said}",
        "rows": [r for r in group["rows"] if not _withheld(r[1:])],
    }


def _withheld(cells: list[dict[str, Any]]) -> bool:
    """Whether ``cells`` hold only symbols of withheld ([c]) or inapplicable ([z]) figures."""
    texts = {c["t"] for c in cells}
    return "[c]" in texts and texts <= {"[c]", "[z]"}


def _grouped(table: dict[str, Any], shown: set[str], in_groups: bool) -> dict[str, Any]:
    rows = table["rows"]
    hidden = shown | set(table["row_findings"])
    given = table.get("compact_findings") if in_groups else None
    said = table["findings"] if given is None else given
    findings = _untested_once([f for f in said if f not in hidden])
    if not _repeats(rows) or len(table["columns"]) < 2:
        group = {"heading": None, "finding": None, "rows": rows}
        return {**table, "findings": findings, "group_label": None, "groups": [group]}
    groups: list[dict[str, Any]] = []
    for row in rows:
        if not groups or groups[-1]["heading"] != row[0]["t"]:
            groups.append({"heading": row[0]["t"], "finding": None, "rows": []})
        groups[-1]["rows"].append(row[1:])
    if in_groups:
        for group in groups:
            prefix = f"“{group['heading']}”: "
            own = [f for f in findings if f.startswith(prefix)]
            if len(own) == 1:
                group["finding"] = own[0].removeprefix(prefix)
                findings.remove(own[0])
        groups = [_withheld_rows(g) for g in groups]
    return {
        **table,
        "findings": findings,
        "group_label": table["columns"][0]["label"],
        "columns": table["columns"][1:],
        "groups": groups,
    }


def _repeats(rows: list[list[dict[str, Any]]]) -> bool:
    """Whether the first cell of some row repeats the one of the row before."""
    return any(a and b and a[0]["t"] == b[0]["t"] for a, b in zip(rows, rows[1:], strict=False))
