"""The audit manifest of the report model: software version, inputs, options, spec as applied."""

from __future__ import annotations

from typing import Any, TypedDict

from rapstats import __version__
from rapstats.render.report.model.cells import Cell, cell, column
from rapstats.render.report.model.context import Context
from rapstats.render.report.model.parts import Table
from rapstats.spec import spec_to_dict


class Manifest(TypedDict):
    """The audit manifest as in ``report.json``.

    ``table`` is the whole manifest as an unnumbered table (the spreadsheets' Audit sheet);
    ``about`` is its short form for the documents: the version, the input files and their
    hashes, and where the rest is.
    """

    rapstats_version: str
    inputs: list[dict[str, Any]]
    options: dict[str, Any]
    spec: dict[str, Any]
    table: dict[str, Any]
    about: list[str]


def manifest(ctx: Context) -> Manifest:
    """What made the report: rapstats version, input files and hashes, options and spec."""
    spec = spec_to_dict(ctx.spec)
    rows = [_row("rapstats version", __version__)]
    for inp in ctx.inputs:
        role = inp.get("role", "input")
        rows.append(_row(f"{role} file", str(inp.get("name", ""))))
        rows.append(_row(f"{role} sha256", str(inp.get("sha256", ""))))
    rows += [_row(f"option {key}", _plain(value)) for key, value in sorted(ctx.options.items())]
    rows += [_row(f"spec {key}", _plain(value)) for key, value in _flatten(spec)]
    table = Table(
        "manifest",
        "Audit manifest: software version, inputs, options and the spec as applied",
        [column("Item", "text"), column("Value", "text")],
        rows,
        ctx.source,
        sheet="Audit",
    )
    return {
        "rapstats_version": __version__,
        "inputs": list(ctx.inputs),
        "options": dict(ctx.options),
        "spec": spec,
        "table": table.to_json(),
        "about": _about(ctx),
    }


def _about(ctx: Context) -> list[str]:
    """The documents' "About this report": what made it, and where the full manifest is."""
    about = [f"Made with rapstats {__version__}."]
    for inp in ctx.inputs:
        role = str(inp.get("role", "input")).capitalize()
        about.append(f"{role} file: {inp.get('name', '')} (SHA-256 {inp.get('sha256', '')}).")
    formats = str(ctx.options.get("formats", "xlsx,ods")).split(",")
    sheets = [f"report.{f}" for f in ("xlsx", "ods") if f in formats]
    where = f"the Audit sheet of {' and '.join(sheets)} and " if sheets else ""
    about.append(
        f"The spec as applied, the options and the full audit manifest are in {where}report.json."
    )
    return about


def _row(item: str, value: str) -> list[Cell]:
    return [cell(item, "text"), cell(value, "text")]


def _plain(value: Any) -> str:
    """A manifest value as text; symbol-only text is quoted, empty text is "(none)"."""
    text = _plain_text(value)
    if not text:
        return "(none)"
    return text if any(ch.isascii() and ch.isalnum() for ch in text) else f'"{text}" (symbols)'


def _plain_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(_plain_text(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out += _flatten(value, path)
        else:
            out.append((path, value))
    return out
