"""Protect the comparisons between the levels of a group (``rapstats compare --between``).

A difference reveals as much as its two shares, so it is withheld where the protected
summary by the group withholds either of them: the level's share, and the reference level's
share or (against the rest of the respondents) the share of all respondents in the context
(the rest is their difference, published where both are). A test of homogeneity uses every
level's counts, so it is published only when no level of the question (in its context) and
not the context itself is withheld [c]: with a level withheld, the test is withheld too. A
level with no one in its base ([x]) simply takes no part in the test. A result that could not
be computed (no one in a base; a test undefined because every answer is positive, or none) is
shown as [x], not available.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats.estimate.columns import group_column
from rapstats.protect import _withhold

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary
    from rapstats.table import Table

_HIDDEN = ("[c]", "[x]")
_LABELS = ("question", "option", "text", "level", "against")


def protect_levels(rows: Table, raw: Summary, protected: Summary) -> Table:
    """Withhold the differences and homogeneity tests a protected table cannot show.

    Parameters
    ----------
    rows : Table
        From :func:`rapstats.estimate.between.compare_levels`.
    raw, protected : Summary
        The summary by the ``by`` groups and, last, the compared group: unprotected, and as
        :func:`rapstats.protect.protect` published it (same rows, same order).

    Returns
    -------
    Table
        ``rows`` with ``base_from`` (the against's published base; for the rest, the
        context's base minus the level's), ``base_to`` (the level's), ``symbol`` (``[c]``
        before ``[x]``; ``[x]`` also where no result could be computed), every data-derived
        field missing where withheld, and the labels
        (text, option, group values, level, against) redacted as the protected summary
        redacted them.
    """
    cells = _Published(raw, protected)
    by = tuple(group_column(b) for b in raw.by[:-1])
    n = len(rows)
    symbol = np.full(n, None, dtype=object)
    bases = np.full((2, n), None, dtype=object)
    for k, r in enumerate(rows.records()):
        ctx = tuple(r[c] for c in by)
        key = (r["question"], r["option"])
        if r["kind"] == "homogeneity":
            symbol[k] = "[c]" if "[c]" in cells.symbols(key, ctx) else _missing(r["p_value"])
            continue
        level = cells.get(key, ctx, r["level"])
        whole = cells.get(key, ctx, None)
        against = whole if r["comparison"] == "rest" else cells.get(key, ctx, r["against"])
        hidden = [s for s, _ in (level, against) if s in _HIDDEN]
        if hidden:
            symbol[k] = "[c]" if "[c]" in hidden else "[x]"
            continue
        symbol[k] = _missing(r["change"])
        rest = None if None in (whole[1], level[1]) else whole[1] - level[1]
        bases[:, k] = (rest if r["comparison"] == "rest" else against[1]), level[1]
    held = np.array([v is not None for v in symbol], dtype=bool)
    bases[:, held] = None
    keep = ("kind", "comparison", *_LABELS, *by, "wave_from", "wave_to", "method")
    table = _withhold(rows, held, keep=keep)
    labels = {c: _redacted(table[c]) for c in (*_LABELS[1:], *by)}
    return table.assign({**labels, "base_from": bases[0], "base_to": bases[1], "symbol": symbol})


def _missing(value: Any) -> str | None:
    """``[x]`` (not available) for a result that could not be computed (a comparison with no
    one in a base, a test undefined because every answer is positive or none is)."""
    return "[x]" if value is None or value != value else None


def _redacted(values: np.ndarray) -> np.ndarray:
    """Labels with personal data redacted, as :func:`rapstats.protect.protect` redacts the
    summary's (question ids are identifiers and kept)."""
    from rapstats.personal import redact

    out = np.empty(len(values), dtype=object)
    out[:] = [None if v is None else redact(v) for v in values.tolist()]
    return out


class _Published:
    """The protected summary's symbol and base of each (question, option) x cell, found by
    the unprotected labels."""

    def __init__(self, raw: Summary, protected: Summary) -> None:
        t, p = raw.table, protected.table
        if len(t) != len(p):
            raise ValueError("the protected summary does not match the unprotected one")
        groups = [group_column(b) for b in raw.by]
        self.cells: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self.within: dict[tuple[Any, ...], list[Any]] = {}
        share, base, sym = p["share"], p["base"], p["symbol"]
        for i, rec in enumerate(t.records()):
            values = tuple(rec[c] for c in groups)
            found = sym[i] or (None if share[i] == share[i] else "[x]")
            key = (rec["question"], rec["option"], values[:-1])
            self.cells[(*key, values[-1])] = (found, base[i])
            self.within.setdefault(key, []).append(found)

    def get(self, key: tuple[Any, Any], ctx: tuple[Any, ...], level: Any) -> tuple[Any, Any]:
        """(symbol, published base) of a cell ([x], None where the summary has no such row)."""
        return self.cells.get((*key, ctx, level), ("[x]", None))

    def symbols(self, key: tuple[Any, Any], ctx: tuple[Any, ...]) -> list[Any]:
        """The symbols of the context and every level within it."""
        return self.within.get((*key, ctx), [])
