"""Render a batch of summaries (``rapstats batch``) as one stream: JSON Lines or CSV.

Schemas (stable; scripts may rely on them)
------------------------------------------
* **jsonl**: per file, in the order given, first one line ``{"file": ..., "kind": "input",
  ...}`` with the fields of the ``summarize`` JSON document other than ``rows``
  (``rapstats_version``, ``input``, ``spec``, ``methods``, ``disclosure``), then one line per
  row: ``file``, then the fields of a ``summarize`` JSON row. Only the file lines have
  ``kind``.
* **csv**: one header, then every file's rows: ``file``, then the ``summarize`` CSV columns
  with one ``group:NAME`` column for every grouping variable of any file (empty where a
  file has none). No ``#`` lines: :func:`batch_notes` gives the notes for stderr.

``file`` is the export's path as given, personal data redacted (by the pipeline); it is
written as every other text cell: through :func:`rapstats.escape.csv_cell` in CSV (a leading
``'`` before a formula) and :func:`rapstats.escape.json_text` in JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from rapstats.escape import csv_cell, json_text
from rapstats.estimate.columns import ROW_COLUMNS, column_order
from rapstats.estimate.summary import Summary
from rapstats.render.tables import _banner, _csv_column, _footnotes, _json_head

# (file as published, its protected summary), in output order
Item = tuple[str, Summary]


def render_batch(items: Sequence[Item], fmt: str) -> str:
    """Render the summaries of a batch as ``jsonl`` or ``csv`` text (see the module notes)."""
    return _csv(items) if fmt == "csv" else _jsonl(items)


def batch_notes(items: Sequence[Item]) -> list[str]:
    """The notes of ``summarize``'s outputs (:func:`rapstats.render.tables.summary_notes`),
    for every file of a batch: each note that every file has once, the others once per file
    that has them, after its name."""
    notes = [(label, _footnotes(s)) for label, s in items]
    common = set.intersection(*(set(n) for _, n in notes)) if notes else set()
    out = [b for _, s in items if (b := _banner(s))][:1]
    out += [n for n in dict.fromkeys(notes[0][1]) if n in common] if notes else []
    out += [f"{label}: {n}" for label, ns in notes for n in ns if n not in common]
    return out


def _line(record: dict[str, Any]) -> str:
    return json_text(json.dumps(record, ensure_ascii=False, allow_nan=False)) + "\n"


def _jsonl(items: Sequence[Item]) -> str:
    lines = []
    for label, summary in items:
        banner = {"warning": b} if (b := _banner(summary)) else {}
        lines.append(_line({"file": label, "kind": "input", **banner, **_json_head(summary)}))
        lines += [_line({"file": label, **row}) for row in summary.records()]
    return "".join(lines)


def _csv(items: Sequence[Item]) -> str:
    by = tuple(dict.fromkeys(b for _, s in items for b in s.by))
    columns = column_order(by, ROW_COLUMNS)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in ("file", *columns)])
    for label, summary in items:
        table = summary.published_table()
        n = len(table)
        cells = [_csv_column(np.array([label] * n, dtype=object))]
        cells += [_csv_column(table[c] if c in table else np.full(n, None)) for c in columns]
        writer.writerows(zip(*cells, strict=True))
    return buf.getvalue()
