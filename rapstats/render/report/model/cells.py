"""Table cells and columns of the report model, and the readers of a published row.

A cell is ``{"v": value, "t": text}``: ``v`` is the number written to spreadsheets (rounded
as displayed, or None) and ``t`` the text shown in documents. A cell with no number holds a
GSS symbol in both: ``[c]`` (withheld by disclosure control), ``[z]`` (not applicable),
``[x]`` (not available).
"""

from __future__ import annotations

import math
from typing import Any, Literal, NotRequired, TypedDict

from rapstats.render.report.findings import WITHHELD, round_half_up

CellKind = Literal["text", "int", "pct", "pp", "p", "yesno"]


class Cell(TypedDict):
    """One table cell: ``v`` for spreadsheets, ``t`` for documents."""

    v: Any
    t: str


class Column(TypedDict):
    """One table column: its heading, the kind of its cells and, for a long heading, a
    shorter one for a document where pages count (the PDF), whole words only."""

    label: str
    kind: CellKind
    short: NotRequired[str]


def column(label: str, kind: CellKind, *, short: str | None = None) -> Column:
    """A column headed ``label`` (``short`` in the PDF, when given) whose cells are of
    ``kind`` (see :func:`cell`)."""
    out: Column = {"label": label, "kind": kind}
    if short is not None:
        out["short"] = short
    return out


def number(value: Any) -> float | None:
    """A JSON-ready float: None for None, NaN or anything that is not a number."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def integer(value: Any) -> int | None:
    """A whole number (rounded), or None as :func:`number`."""
    f = number(value)
    return None if f is None else int(round(f))


def text(value: Any) -> str | None:
    """A value as text; None for None and NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def flag_symbol(flag: str | None, *, otherwise: str = "[x]") -> str:
    """The symbol a cell with no number shows, given its row's published status symbol.

    The row's symbol when it withholds the row (``[c]``, ``[x]``), else ``otherwise``: a
    ``[u]`` row's numbers are published, so a number missing from it is simply not
    available.
    """
    return flag if flag in WITHHELD else otherwise


def cell(value: Any, kind: CellKind, *, missing: str = "[x]") -> Cell:
    """A table cell of ``kind`` {'text', 'int', 'pct', 'pp', 'p', 'yesno'}.

    ``pct`` and ``pp`` take proportion units and show percentages to one decimal place
    (``pp``, a difference, signed: ``+3.9``, ``-1.2``, ``0.0``);
    ``p`` keeps three significant figures and shows ``<0.001`` below 0.001. A missing
    number (None or NaN) shows ``missing``.
    """
    if kind == "text":
        return {"v": value, "t": "" if value is None else str(value)}
    if kind == "yesno":
        if value is None:
            return {"v": missing, "t": missing}
        return {"v": "Yes" if value else "No", "t": "Yes" if value else "No"}
    f = number(value)
    if f is None:
        return {"v": missing, "t": missing}
    if kind == "int":
        return {"v": int(f), "t": f"{int(f):,}"}
    if kind in ("pct", "pp"):
        v = round_half_up(f * 100, 1)
        v = 0.0 if v == 0 else v
        return {"v": v, "t": f"{v:+.1f}" if kind == "pp" and v else f"{v:.1f}"}
    if kind == "p":
        v = float(f"{f:.3g}")
        return {"v": v, "t": "<0.001" if f < 0.001 else f"{round_half_up(f, 3):.3f}"}
    raise ValueError(f"unknown cell kind {kind!r}; use text, int, pct, pp, p or yesno")


def value_cell(row: dict[str, Any], key: str, kind: CellKind) -> Cell:
    """The cell of field ``key`` of a published row; a withheld number shows the row's symbol."""
    return cell(row.get(key), kind, missing=flag_symbol(text(row.get("flag"))))


def baseline_cell(row: dict[str, Any], key: str, kind: CellKind, *, baseline: bool) -> Cell:
    """A cell of a comparison with the baseline: ``[z]`` when the question has none."""
    if not baseline:
        return cell(None, kind, missing="[z]")
    return value_cell(row, key, kind)


def significance_cell(row: dict[str, Any], *, baseline: bool) -> Cell:
    """Whether the row's (adjusted) test is significant: Yes, No, ``[z]`` or a symbol."""
    if not baseline:
        return cell(None, "yesno", missing="[z]")
    sig = row.get("significant")
    if sig is None or number(sig) is None:
        return cell(None, "yesno", missing=flag_symbol(text(row.get("flag"))))
    return cell(bool(sig), "yesno")


def flag_cell(row: dict[str, Any]) -> Cell:
    """The row's published status symbol, or an empty cell."""
    return cell(text(row.get("flag")) or "", "text")
