"""Write a spec back out: as plain data (JSON metadata) and as TOML that reads back equal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from rapstats.spec.model import Baseline, Group, Question, Spec


def spec_to_dict(spec: Spec) -> dict[str, Any]:
    """The spec as applied, as plain data (for JSON metadata and :func:`spec_to_toml`)."""
    out: dict[str, Any] = {}
    survey = {
        "title": spec.title,
        "timestamp": spec.timestamp,
        "id": spec.id_column,
        "weight": spec.design.weight,
        "strata": spec.design.strata,
        "ids": spec.design.ids,
        "fpc": spec.design.fpc,
        "keep_columns": list(spec.keep_columns) or None,
        "include": _plain(spec.include) or None,
        "codebook": spec.codebook,
        "wave": spec.wave,
    }
    out["survey"] = {k: v for k, v in survey.items() if v not in (None, "")}
    out["defaults"] = _fields(spec.methods)
    out["questions"] = {q.id: _question_dict(q) for q in spec.questions}
    if spec.groups:
        out["groups"] = {g.name: _group_dict(g) for g in spec.groups}
    out["disclosure"] = _fields(spec.disclosure)
    out["report"] = {
        k: _plain(v)
        for k, v in _fields(spec.report).items()
        if v or (k == "breakdowns" and v is not None)  # breakdowns = [] is none at all
    }
    return out


def _fields(obj: Any) -> dict[str, Any]:
    """Every field of a dataclass, in order."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _plain(v: Any) -> Any:
    """Tuples as lists and mappings as dicts, for TOML and JSON."""
    if isinstance(v, tuple):
        return list(v)
    return {k: _plain(x) for k, x in v.items()} if isinstance(v, Mapping) else v


def _question_dict(q: Question) -> dict[str, Any]:
    """A question's table: the keys that differ from their defaults (``exclude`` always)."""
    d: dict[str, Any] = {"columns": list(q.columns)}
    if q.column:
        d = {"column": list(q.wordings) if q.reworded else q.column}
    d["text"] = q.text
    if q.type != "single":
        d["type"] = q.type
    if q.workstream:
        d["workstream"] = q.workstream
    if q.options:
        d["options"] = list(q.options)
    if q.positive:
        d["positive"] = list(q.positive)
    if q.type != "text":
        d["exclude"] = list(q.exclude)
    if not q.exclude_blank:
        d["exclude_blank"] = False
    if q.separator is not None:
        d["separator"] = q.separator
    if q.missing_values:
        d["missing_values"] = list(q.missing_values)
    if q.values:
        d["values"] = dict(q.values)
    if q.baseline is not None:
        d["baseline"] = _baseline_dict(q.baseline)
    return d


def _baseline_dict(b: Baseline) -> dict[str, Any]:
    bd: dict[str, Any] = {"p": b.p}
    if b.source:
        bd["source"] = b.source
    if b.n is not None:
        bd["n"] = b.n
    if b.ci is not None:
        bd["ci"] = list(b.ci)
        bd["ci_confidence"] = b.ci_confidence
    return bd


def _group_dict(g: Group) -> dict[str, Any]:
    gd: dict[str, Any] = {"column": g.column}
    if g.derive:
        gd["derive"] = g.derive
    if g.order:
        gd["order"] = list(g.order)
    if g.personal:
        gd["personal"] = True
    if g.combine:
        gd["combine"] = {k: list(v) for k, v in g.combine.items()}
    return gd


def spec_to_toml(spec: Spec, *, header: str = "") -> str:
    """Render a spec as TOML text that :func:`load_spec` reads back to an equal spec."""
    data = spec_to_dict(spec)
    lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    for section in ("survey", "defaults", "disclosure", "report"):
        if data.get(section):
            lines.append(f"[{section}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in data[section].items()]
            lines.append("")
    for section in ("groups", "questions"):
        for key, table in data.get(section, {}).items():
            lines.append(f"[{section}.{_toml_key(key)}]")
            for k, v in table.items():
                lines.append(f"{k} = {_toml_value(v)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else _toml_value(key)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")
