"""PDF renderer: a Typst template reads the report model as JSON (tagged, PDF/UA-1).

User text never enters Typst markup: the model and the chart SVGs are passed through
``sys.inputs`` and read with ``json(bytes(...))``, so a label such as ``#read("x")`` or
``// note`` is printed as written. Fonts are the bundled DejaVu Sans only (system fonts are
ignored), and the document date is fixed, so the same model gives the same bytes anywhere.
PDF/UA-1 makes a missing title or alt text a compile error.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from rapstats.errors import RapstatsError
from rapstats.render.report.layout import document_model


def _timestamp(model: dict[str, Any]) -> dt.datetime:
    """The PDF's creation date: the report's date at midnight UTC, else 2000-01-01."""
    try:
        day = dt.date.fromisoformat(str(model.get("date") or "")[:10])
    except ValueError:
        day = dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def render_pdf(model: dict[str, Any], svgs: dict[str, bytes]) -> bytes:
    """The report as a tagged PDF/UA-1 document (bytes); ``svgs`` maps chart id to SVG."""
    import typst

    package = resources.files("rapstats.render.report")
    with resources.as_file(package) as root:
        template = root / "templates" / "report.typ"
        compiler = typst.Compiler(
            str(template),
            root=str(root / "templates"),
            font_paths=[str(root / "fonts")],
            ignore_system_fonts=True,
            sys_inputs={
                "data": json.dumps(
                    document_model(model, compact=True),
                    ensure_ascii=False,
                    sort_keys=True,
                ),
                "charts": json.dumps(
                    {k: v.decode("utf-8") for k, v in svgs.items()}, sort_keys=True
                ),
            },
        )
        try:
            return compiler.compile(
                format="pdf", pdf_standards=["ua-1"], timestamp=_timestamp(model)
            )
        except RuntimeError as exc:  # typst reports template and PDF/UA errors this way
            raise RapstatsError(
                f"PDF could not be made: {exc}",
                hint="report this with the spec; the other formats are unaffected",
            ) from None
