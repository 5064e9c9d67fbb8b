"""What every section builder of the report model reads: the :class:`Context`.

The context holds the protected results as published (each summary's
:meth:`~rapstats.estimate.summary.Summary.published_table`, whose ``flag`` is the status
symbol), the protected wave change, the spec and methods, and the numbered notes. Builders
read it and never change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from rapstats.estimate.summary import Summary, group_column
from rapstats.render.report.findings import Estimate
from rapstats.render.report.model.cells import Cell, Column, integer, number, text
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


def wave_changes(table: DataTable | None) -> dict[Key, tuple[float | None, ...]]:
    """(question, option) -> (change, low, high) of the protected wave change; None withheld."""
    if table is None:
        return {}
    return {
        (r["question"], r["option"]): tuple(
            number(r[k]) for k in ("change", "change_low", "change_high")
        )
        for r in table.records()
    }


@dataclass(frozen=True, slots=True)
class Context:
    """The protected results, spec, methods and notes every section builder reads.

    Build it with :meth:`of`. ``rows`` are this wave's published rows (headline summary and
    breakdowns), ``previous`` the previous wave's (None without one) and ``changes`` the
    protected change of each headline share since then.
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
    previous: Rows | None
    changes: dict[Key, tuple[float | None, ...]]
    frequencies: DataTable
    inputs: tuple[dict[str, Any], ...]
    single_level: tuple[str, ...]
    options: dict[str, Any]
    layout: dict[str, tuple[str, ...]] | None

    @classmethod
    def of(
        cls,
        summary: Summary,
        notes: Notes,
        *,
        breakdowns: Sequence[Summary] = (),
        previous: Summary | None = None,
        changes: DataTable | None = None,
        inputs: Sequence[dict[str, Any]] = (),
        single_level: Sequence[str] = (),
        options: dict[str, Any] | None = None,
        layout: dict[str, tuple[str, ...]] | None = None,
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
            previous=None if previous is None else Rows((previous,)),
            changes=wave_changes(changes),
            frequencies=summary.published_frequencies(),
            inputs=tuple(inputs),
            single_level=tuple(single_level),
            options=dict(options or {}),
            layout=None if layout is None else dict(layout),
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
    ) -> Table:
        """A table citing the notes of keys ``notes`` (absent ones cite nothing)."""
        refs = " ".join(r for r in (self.notes.ref(k) for k in notes) if r)
        return Table(tid, title, columns, rows, self.source, refs, list(findings))
