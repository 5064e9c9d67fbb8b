"""The differences between the groups of a breakdown in the report model: each group's
difference from the rest of the respondents and each question's test of homogeneity
(published rows of :func:`rapstats.pipeline.compare_groups`), as table cells and sentences."""

from __future__ import annotations

from typing import Any

from rapstats.estimate.columns import CHANGE_COLUMNS
from rapstats.estimate.summary import published
from rapstats.render.report.findings import Difference, Homogeneity
from rapstats.render.report.model.cells import Cell, cell, flag_symbol, number, text
from rapstats.table import Table as DataTable

Key = tuple[str, str | None]  # (question, option); option None unless multi-select


class Between:
    """The published rows comparing the levels of one group, by question, option and level.

    Parameters
    ----------
    table : Table
        The protected rows (``changes`` of :func:`rapstats.pipeline.compare_groups`, against
        the rest, not split by another group).
    adjust : str
        The multiplicity adjustment {'none', 'holm', 'BH'}: with one, sentences quote the
        adjusted p-values.
    """

    def __init__(self, table: DataTable, adjust: str) -> None:
        self.adjust = adjust
        self._differences: dict[tuple[str, str | None, str | None], dict[str, Any]] = {}
        self._homogeneity: dict[Key, dict[str, Any]] = {}
        for r in published(table, (), CHANGE_COLUMNS).records():
            key = (r["question"], text(r["option"]))
            if r["kind"] == "homogeneity":
                self._homogeneity[key] = r
            elif r["kind"] == "difference" and r["comparison"] == "rest":
                self._differences[(*key, text(r["level"]))] = r

    def row(self, key: Key, level: str | None) -> dict[str, Any]:
        """The difference row of ``level`` (empty when there is none)."""
        return self._differences.get((*key, level)) or {}

    def cells(self, key: Key, level: str | None) -> list[Cell]:
        """The table cells of ``level``: its difference from the rest (percentage points) and
        whether it is significant after adjustment; a withheld one shows its symbol."""
        r = self.row(key, level)
        missing = flag_symbol(text(r.get("flag"))) if r else "[x]"
        sig = number(r.get("significant"))
        return [
            cell(r.get("change"), "pp", missing=missing),
            cell(None if sig is None else bool(sig), "yesno", missing=missing),
        ]

    def difference(
        self, key: Key, level: str, *, answer: str, confidence: float, reliable: bool = True
    ) -> Difference:
        """The figures a sentence on ``level``'s difference from the rest may use; not
        ``reliable``: the level's share is flagged ``[u]`` (the difference is then ``[u]``
        unless withheld)."""
        r = self.row(key, level)
        sig = number(r.get("significant"))
        symbol = text(r.get("flag")) if r else "[x]"
        return Difference(
            level=level,
            answer=answer,
            share=number(r.get("share_to")),
            rest=number(r.get("share_from")),
            change=number(r.get("change")),
            low=number(r.get("change_low")),
            high=number(r.get("change_high")),
            test=text(r.get("test")),
            p=self._p(r),
            significant=None if sig is None else bool(sig),
            symbol=symbol or (None if reliable else "[u]"),
            option=key[1],
            confidence=confidence,
            adjust=self.adjust,
        )

    def homogeneity(self, key: Key) -> Homogeneity | None:
        """The test of homogeneity of ``key``; None when the rows have none."""
        r = self._homogeneity.get(key)
        if r is None:
            return None
        return Homogeneity(
            test=text(r.get("test")), p=self._p(r), symbol=text(r.get("flag")), adjust=self.adjust
        )

    def _p(self, r: dict[str, Any]) -> float | None:
        return number(r.get("p_adjusted") if self.adjust != "none" else r.get("p_value"))
