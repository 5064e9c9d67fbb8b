"""Render the dry run of ``rapstats check`` (:meth:`rapstats.pipeline.check.CheckReport.to_dict`)
as ``table`` (terminal) or ``json``.

Values typed by respondents or spec authors (labels, group levels, headers, problem lines) are
shown with personal data redacted (:func:`rapstats.personal.redact`) and escaped for the
format; the paths, platform and encoding are shown as they are.
"""

from __future__ import annotations

import json
from typing import Any

from rapstats.escape import json_text, visible
from rapstats.personal import redact

FORMATS: tuple[str, ...] = ("table", "json")
_AS_GIVEN = frozenset({"path", "spec", "platform", "encoding", "sheet", "type", "what"})


def _redacted(value: Any, key: str = "") -> Any:
    """``value`` with personal data redacted in every string but the keys in ``_AS_GIVEN``."""
    if isinstance(value, str):
        return value if key in _AS_GIVEN else redact(value)
    if isinstance(value, dict):
        return {k: _redacted(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v, key) for v in value]
    return value


def render_check(report: dict[str, Any], fmt: str) -> str:
    """The dry run ``report`` (``CheckReport.to_dict()``) as ``table`` or ``json`` text."""
    doc = _redacted(report)
    if fmt == "json":
        return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
    return "".join(visible(line) + "\n" for line in _lines(doc))


def _lines(doc: dict[str, Any]) -> list[str]:
    """The terminal listing: input, questions, groups, then the problems."""
    encoding = f", encoding {doc['encoding']}" if doc["encoding"] else ""
    sheet = f", sheet {doc['sheet']!r}" if doc["sheet"] else ""
    lines = [
        f"Export: {doc['path']}",
        f"Platform: {doc['platform']}{encoding}{sheet}",
        f"Rows read: {doc['rows_read']}",
    ]
    lines += [f"Left out: {_left(item)}" for item in doc["left_out"]]
    lines += [f"Note: {n}" for n in doc["notes"]]
    spec = "inferred from the export (no --spec)" if doc["spec"] == "inferred" else doc["spec"]
    lines += ["", f"Spec: {spec}", "", f"Questions ({len(doc['questions'])}):"]
    for q in doc["questions"]:
        lines += [f"  {q['id']} ({q['type']}): " + "; ".join(map(_match, q["columns"]))]
        for u in q["unknown"]:
            rows = ", ".join(map(str, u["rows"])) + (", ..." if u["count"] > len(u["rows"]) else "")
            lines.append(
                f'    unknown label "{u["value"]}" in "{u["column"]}": {u["count"]} '
                f"row{'s' if u['count'] != 1 else ''} ({rows})"
            )
    lines += ["", f"Groups ({len(doc['groups'])}):"]
    for g in doc["groups"]:
        lines.append(f"  {g['name']}: {_match(g['column'])}")
        lines += [f"    {label}: {n}" for label, n in g["levels"]]
    problems = doc["problems"]
    if not problems:
        return [*lines, "", "No problems: summarize would run."]
    lines += ["", f"Problems ({len(problems)}): summarize would stop."]
    return lines + [f"  {p}" for p in problems]


def _left(item: dict[str, Any]) -> str:
    """One thing left out: ``3 rows (reason)`` or ``columns A, B (reason)``."""
    if item["what"] == "rows":
        n = item["count"]
        return f"{n} row{'s' if n != 1 else ''} ({item['reason']})"
    return f"columns {', '.join(item['columns'])} ({item['reason']})"


def _match(match: dict[str, Any]) -> str:
    """A column the spec names: matched, or not found (with the closest header)."""
    if match["found"] is not None:
        return f'column "{match["found"]}"'
    close = f'; did you mean "{match["suggestion"]}"?' if match["suggestion"] else ""
    return f'column "{match["name"]}" NOT FOUND{close}'
