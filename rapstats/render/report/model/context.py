"""What every section builder of the report model reads: the :class:`Context`.

The context holds the protected results as published (each summary's
:meth:`~rapstats.estimate.summary.Summary.published_table`, whose ``flag`` is the status
symbol), the earlier waves' published headline rows and the protected changes between waves
(rows of :func:`rapstats.pipeline.compare_files`), the spec and methods, and the numbered
notes. Builders read it and never change it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from rapstats.estimate.columns import CHANGE_COLUMNS
from rapstats.estimate.summary import Summary, group_column, published
from rapstats.render.report.findings import Change, Estimate
from rapstats.render.report.model.cells import Cell, Column, integer, number, text
from rapstats.render.report.model.groups import Between
from rapstats.render.report.model.parts import Note, Table
from rapstats.spec import Baseline, Question, Spec
from rapstats.table import Table as DataTable
from rapstats.vocab import level

Key = tuple[str, str | None]  # (question, option); option None unless multi-select


class Notes:
    """Numbered notes (``[note n]``), numbered in the order given; absent keys cite nothing.

    Parameters
    ----------
    texts : sequence of (str, str or None)
        ``(key, text)`` pairs; a None text adds no note.
    """

    def __init__(self, texts: Sequence[tuple[str, str | None]]) -> None:
        kept = [(key, t) for key, t in texts if t is not None]
        self._numbers = {key: n for n, (key, _) in enumerate(kept, start=1)}
        self._texts = dict(kept)

    def ref(self, key: str) -> str:
        """``[note n]`` for note ``key``; empty when there is no such note."""
        return f"[note {self._numbers[key]}]" if key in self._numbers else ""

    def text(self, key: str) -> str | None:
        """The text of note ``key``, or None."""
        return self._texts.get(key)

    def to_json(self) -> list[Note]:
        """The notes in number order, as in ``report.json``."""
        return [{"number": self._numbers[k], "text": t} for k, t in self._texts.items()]


class Rows:
    """The published rows of one wave, by question, option and the group they are split by.

    Parameters
    ----------
    summaries : sequence of Summary
        Protected summaries; where two give the same row, the first one's is kept.
    """

    def __init__(self, summaries: Sequence[Summary]) -> None:
        self._headline: dict[Key, dict[str, Any]] = {}
        self._groups: dict[tuple[str, str | None, str], dict[str, dict[str, Any]]] = {}
        for summary in summaries:
            for rec in summary.published_table().records():
                split = [
                    (g, text(rec.get(group_column(g))))
                    for g in summary.by
                    if text(rec.get(group_column(g))) is not None
                ]
                key = (rec["question"], text(rec.get("option")))
                if not split:
                    self._headline.setdefault(key, rec)
                elif len(split) == 1:
                    (group, value), *_ = split
                    self._groups.setdefault((*key, group), {}).setdefault(value, rec)

    def headline(self, key: Key) -> dict[str, Any]:
        """The row of ``key`` not split by any group (empty when there is none)."""
        return self._headline.get(key) or {}

    def by_group(self, key: Key, group: str) -> list[tuple[str, dict[str, Any]]]:
        """``(value, row)`` of ``key`` for each value of grouping variable ``group``."""
        return list(self._groups.get((*key, group), {}).items())


def items(q: Question) -> list[str | None]:
    """The options of a multi-select question (one row each), else ``[None]``."""
    return list(q.options) if q.type == "multi" else [None]


def row_label(q: Question, option: str | None) -> str:
    """A row's label: the question's text, then the option of a multi-select question."""
    return q.text if option is None else f"{q.text}: {option}"


OTHER_WORKSTREAM = "Other questions"  # the section of the questions with no workstream


def sections(spec: Spec) -> list[tuple[str, list[Question]]]:
    """The report's workstream sections: each with its estimated questions (spec order).

    Sections come in the order of the spec's ``[report] workstreams``, then the others in the
    order of their first question; questions with no workstream make up
    :data:`OTHER_WORKSTREAM`.
    """
    found: dict[str, list[Question]] = {}
    for q in spec.estimated_questions:
        found.setdefault(q.workstream or OTHER_WORKSTREAM, []).append(q)
    first = [name for name in spec.report.workstreams if name in found]
    return [(name, found[name]) for name in dict.fromkeys((*first, *found))]


def baseline_name(b: Baseline | None) -> str:
    """How a sentence names the baseline: the national figure when its source says so."""
    if b is not None and "national" in (b.source or "").lower():
        return "the national figure"
    return "the baseline figure"


def wave_changes(table: DataTable | None, current: str) -> dict[tuple[str, str, str | None], Any]:
    """(comparison, question, option) -> the published change row of each headline share
    into wave ``current`` (rows of kind ``change`` not split by a group); none without
    ``table``."""
    if table is None:
        return {}
    groups = [c for c in table.columns if c.startswith("group:")]
    rows = published(table, (), CHANGE_COLUMNS).records()
    split = [any(table[g][i] is not None for g in groups) for i in range(len(table))]
    return {
        (r["comparison"], r["question"], text(r["option"])): r
        for r, grouped in zip(rows, split, strict=True)
        if r["kind"] == "change" and r["wave_to"] == current and not grouped
    }


_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def period(wave_from: str, wave_to: str) -> str:
    """``"quarter"`` when the waves are named as consecutive quarters (``2026 Q2``,
    ``2026Q3``), else ``"wave"``."""
    a, b = _QUARTER.match(wave_from), _QUARTER.match(wave_to)
    if a is None or b is None:
        return "wave"
    index = [int(m.group(1)) * 4 + int(m.group(2)) for m in (a, b)]
    return "quarter" if index[1] - index[0] == 1 else "wave"


@dataclass(frozen=True, slots=True)
class Context:
    """The protected results, spec, methods and notes every section builder reads.

    Build it with :meth:`of`. ``rows`` are this wave's published rows (headline summary and
    breakdowns); ``waves`` the names of every wave, oldest first, this one last (empty
    without earlier waves); ``earlier`` the earlier waves' published headline rows, in the
    same order; ``changes`` the protected change rows into this wave, by comparison
    (``"previous"``, ``"year"``), question and option; ``between`` the published
    differences between the levels of each group broken down by (by group name).
    """

    summary: Summary
    spec: Spec
    methods: dict[str, Any]
    disclosure: dict[str, Any]
    notes: Notes
    confidence: float
    level: str
    weighted: bool
    by: tuple[str, ...]
    rows: Rows
    waves: tuple[str, ...]
    earlier: tuple[Rows, ...]
    changes: dict[tuple[str, str, str | None], Any]
    frequencies: DataTable
    inputs: tuple[dict[str, Any], ...]
    single_level: tuple[str, ...]
    options: dict[str, Any]
    layout: dict[str, tuple[str, ...]] | None
    between: dict[str, Between]

    @classmethod
    def of(
        cls,
        summary: Summary,
        notes: Notes,
        *,
        breakdowns: Sequence[Summary] = (),
        waves: Sequence[str] = (),
        earlier: Sequence[Summary] = (),
        changes: DataTable | None = None,
        inputs: Sequence[dict[str, Any]] = (),
        single_level: Sequence[str] = (),
        options: dict[str, Any] | None = None,
        layout: dict[str, tuple[str, ...]] | None = None,
        between: Mapping[str, DataTable] | None = None,
    ) -> Context:
        """The context of a report on ``summary`` (parameters as :func:`build_model`)."""
        methods = dict(summary.methods or {})
        by: list[str] = []
        for part in (summary, *breakdowns):
            by += [g for g in part.by if g not in by]
        confidence = float(summary.spec.methods.confidence)
        return cls(
            summary=summary,
            spec=summary.spec,
            methods=methods,
            disclosure=dict(summary.disclosure or {}),
            notes=notes,
            confidence=confidence,
            level=level(confidence),
            weighted=bool(methods.get("weighted", False)),
            by=tuple(by),
            rows=Rows((summary, *breakdowns)),
            waves=tuple(waves),
            earlier=tuple(Rows((e,)) for e in earlier),
            changes=wave_changes(changes, waves[-1]) if waves else {},
            frequencies=summary.published_frequencies(),
            inputs=tuple(inputs),
            single_level=tuple(single_level),
            options=dict(options or {}),
            layout=None if layout is None else dict(layout),
            between={
                g: Between(t, summary.spec.methods.adjust) for g, t in (between or {}).items()
            },
        )

    def breakdowns_for(self, workstream: str) -> tuple[str, ...]:
        """The groups ``workstream`` is broken down by, among those of the breakdowns: as
        ``layout`` says (every group for a workstream not in it), or without a layout as the
        spec's ``[report]`` does."""
        if self.layout is None:
            chosen = self.spec.report.breakdowns_for(workstream, self.by)
        else:
            chosen = self.layout.get(workstream, self.by)
        return tuple(g for g in chosen if g in self.by)

    @property
    def previous(self) -> Rows | None:
        """The previous wave's published rows; None without earlier waves."""
        return self.earlier[-1] if self.earlier else None

    def comparisons(self) -> list[tuple[str, str]]:
        """``(comparison, wave_from)`` of each comparison into this wave: ``"previous"``
        with the wave before, then ``"year"`` where a change row gives one."""
        if not self.waves:
            return []
        out = [("previous", self.waves[-2])]
        year = next((r["wave_from"] for k, r in self.changes.items() if k[0] == "year"), None)
        return out + ([("year", year)] if year is not None else [])

    def wave_rows(self, name: str) -> Rows:
        """The published rows of the wave named ``name`` (none for a name not given)."""
        rows = dict(zip(self.waves, (*self.earlier, self.rows), strict=True))
        return rows.get(name) or Rows(())

    def asked(self, wave: str, key: Key) -> bool:
        """Whether wave ``wave`` asked ``key``: it has a row for it, not flagged ``[z]``."""
        row = self.wave_rows(wave).headline(key)
        return bool(row) and text(row.get("flag")) != "[z]"

    def change(self, q: Question, option: str | None, since: str, wave_from: str) -> Change:
        """The figures a sentence on the change of ``q`` (``option``) may use, from wave
        ``wave_from`` (comparison ``since``) to this wave; a question missing from a wave's
        rows (or a row flagged ``[z]``) was not asked in it."""
        key = (q.id, option)
        rec = self.changes.get((since, *key)) or {}
        symbol = text(rec.get("flag")) if rec else "[x]"
        not_asked = None
        if not rec or symbol == "[z]":
            missing = [w for w in (wave_from, self.waves[-1]) if not self.asked(w, key)]
            not_asked = missing[0] if missing else (wave_from if symbol == "[z]" else None)
        sig = rec.get("significant")
        p = rec.get("p_adjusted") if self.adjust != "none" else rec.get("p_value")
        return Change(
            label=q.text,
            wave_from=wave_from,
            wave_to=self.waves[-1],
            share_from=number(rec.get("share_from")),
            share_to=number(rec.get("share_to")),
            change=number(rec.get("change")),
            low=number(rec.get("change_low")),
            high=number(rec.get("change_high")),
            since=since,
            period=period(wave_from, self.waves[-1]),
            test=text(rec.get("test")),
            p=number(p),
            significant=None if sig is None or number(sig) is None else bool(sig),
            symbol=symbol,
            not_asked=not_asked,
            option=option,
            confidence=self.confidence,
            adjust=self.adjust,
        )

    @property
    def adjust(self) -> str:
        """The multiplicity adjustment {'none', 'holm', 'BH'}."""
        return self.spec.methods.adjust

    @property
    def source(self) -> str:
        """The source line under every table."""
        name = self.summary.source.get("path", "") if self.summary.source else ""
        return f"Source: {PurePath(str(name)).name or 'survey export'}, analysed with rapstats"

    def estimate(self, q: Question, option: str | None, row: dict[str, Any]) -> Estimate:
        """The figures a sentence on ``row`` (a published row of ``q``) may use."""
        b = q.baseline
        sig = row.get("significant")
        p = number(row.get("p_adjusted"))
        return Estimate(
            label=q.text,
            answer=" or ".join(q.positive) if q.positive else "positively",
            share=number(row.get("share")),
            positive=integer(row.get("positive")),
            base=integer(row.get("base")),
            low=number(row.get("ci_low")),
            high=number(row.get("ci_high")),
            baseline=None if b is None else float(b.p),
            baseline_name=baseline_name(b),
            test=text(row.get("test")),
            p=number(row.get("p_value")) if p is None else p,
            significant=None if sig is None or number(sig) is None else bool(sig),
            symbol=text(row.get("flag")),
            option=option,
            weighted=self.weighted,
            confidence=self.confidence,
            adjust=self.adjust,
        )

    def table(
        self,
        tid: str,
        title: str,
        columns: list[Column],
        rows: list[list[Cell]],
        *,
        notes: Sequence[str] = (),
        findings: Sequence[str] = (),
        row_findings: Sequence[str] = (),
        compact_findings: Sequence[str] | None = None,
    ) -> Table:
        """A table citing the notes of keys ``notes`` (absent ones cite nothing)."""
        refs = " ".join(r for r in (self.notes.ref(k) for k in notes) if r)
        return Table(
            tid,
            title,
            columns,
            rows,
            self.source,
            refs,
            list(findings),
            list(row_findings),
            compact_findings=None if compact_findings is None else list(compact_findings),
        )
