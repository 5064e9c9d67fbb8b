"""Markdown and HTML renderers: Jinja2 templates over the report model (autoescaped).

Markdown links its charts as PNG files beside it (``charts/*.png``); HTML is one
self-contained file with every chart embedded as an SVG data URI, so opening it makes no
network request. Neither computes anything: every number and sentence is the model's, laid
out by :func:`~rapstats.render.report.layout.document_model` (each question once per table,
each finding once).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from typing import Any

from rapstats.escape import markdown
from rapstats.render.report.layout import document_model


def _md(text: Any) -> str:
    """User text as Markdown that shows as text (:func:`rapstats.escape.markdown`)."""
    return markdown(str(text))


def _md_cell(text: Any) -> str:
    """A table cell (no line-start escapes: a cell never starts a Markdown block)."""
    return markdown(str(text), cell=True)


def _md_alt(text: Any) -> str:
    """Alt text of an image: brackets as parentheses, then escaped as a cell."""
    return _md_cell(str(text).replace("[", "(").replace("]", ")"))


@cache
def _env(kind: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rapstats.render.report", "templates"),
        autoescape=kind == "html",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["md"] = _md
    env.filters["md_cell"] = _md_cell
    env.filters["md_alt"] = _md_alt
    return env


def _context(model: dict[str, Any]) -> dict[str, Any]:
    model = document_model(model)
    return {
        "m": model,
        "charts": {c["id"]: c for c in model["charts"]},
        "tables": {t["id"]: t for t in model["tables"]},
    }


def render_markdown(model: dict[str, Any]) -> str:
    """The report as Markdown; charts are linked as ``charts/<id>.png``."""
    text = _env("md").get_template("report.md.j2").render(**_context(model))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_html(model: dict[str, Any], svgs: dict[str, bytes]) -> str:
    """The report as one self-contained HTML file; ``svgs`` maps chart id to SVG bytes."""
    svg = {cid: base64.b64encode(data).decode("ascii") for cid, data in svgs.items()}
    text = _env("html").get_template("report.html.j2").render(**_context(model), svg=svg)
    return re.sub(r"\n\s*\n+", "\n", text).strip() + "\n"
