"""Which column each question was read from, and which questions a wave did not ask: the
input block of a summary and the sentences of its methods note.

A spec question may name several wordings of its column (``column = ["new", "old"]``); the
first in an export is read (:meth:`rapstats.normalise.ColumnFinder.question`). The input
block (``source``) names the column only where it is not the first wording, and lists the
questions not asked (``not_asked``, one wave of several).
"""

from __future__ import annotations

from typing import Any

from rapstats.io import Export
from rapstats.normalise import Responses
from rapstats.spec import Spec, fold_label


def source_of(export: Export, responses: Responses) -> dict[str, Any]:
    """The input block of an export: ``path``, ``sha256``, ``rows_read``, ``platform``,
    ``left_out`` (what the loader and ``[survey] include`` left out, and why); ``columns``
    (question -> column) where a question was read from another wording than its first;
    ``not_asked`` (question ids) where a question was not asked; ``included`` where
    ``[survey] include`` chose the responses counted."""
    source: dict[str, Any] = {
        "path": str(export.path),
        "sha256": export.sha256,
        "rows_read": export.rows_read,
        "platform": export.platform,
        "left_out": [dict(item) for item in export.left_out],
    }
    other = _other_wordings(responses)
    if other:
        source["columns"] = other
    if responses.included is not None:  # [survey] include left responses out
        source["included"] = responses.included.record()
        if responses.included.left_out:
            source["left_out"].append(responses.included.left_out_item())
    absent = [q for q, col in responses.columns.items() if col is None]
    absent += [q for q in responses.asked if q not in responses.columns]
    if absent:
        source["not_asked"] = absent
    return source


def _other_wordings(responses: Responses) -> dict[str, str]:
    """Question id -> the export column it was read from, where that is not its first
    wording (a reworded question read from an earlier wording)."""
    spec = responses.spec
    out = {}
    for q in spec.questions:
        col = responses.columns.get(q.id)
        if col is not None and q.reworded and fold_label(col) != fold_label(q.column or ""):
            out[q.id] = col
    return out


def wording_notes(spec: Spec, waves: list[tuple[str | None, Responses]]) -> list[str]:
    """Sentences for the methods note: which responses were counted (``[survey] include``),
    which questions were read from another wording of their column, and which were not
    asked, in which waves (``None``: the one export)."""
    notes = [r.included.sentence(wave) for wave, r in waves if r.included is not None]
    for q in spec.questions:
        read: dict[str, list[str]] = {}
        absent = []
        for wave, r in waves:
            col = _other_wordings(r).get(q.id)
            if col is not None:
                read.setdefault(col, []).append(wave or "")
            if q.id in r.asked:
                absent.append(wave or "")
        for col, names in read.items():
            where = f" in {_listed(names)}" if names != [""] else ""
            notes.append(f'{q.id} was read from the column "{col}"{where} (an earlier wording).')
        if absent:
            notes.append(f"{q.id} was not asked in {_listed(absent)} [z].")
    return notes


def _listed(names: list[str]) -> str:
    """Wave names as a phrase: "2025Q1", "2025Q1 and 2025Q3", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
