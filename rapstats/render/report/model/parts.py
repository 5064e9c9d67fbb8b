"""The typed parts of the report model; each serialises to its part of ``report.json``.

A :class:`Model` holds :class:`Workstream` s, each holding its charts and tables in the order
they are shown. :meth:`Model.to_json` numbers the tables in that order (``Table 1``, sheet
``Table_1``...) and lists every table and chart at the top level, where the renderers read
them; a workstream's ``sections`` name them by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from rapstats.render.report.findings import Finding
from rapstats.render.report.model.cells import Cell, Column

SCHEMA = 1


class Note(TypedDict):
    """A numbered note, cited as ``[note n]``."""

    number: int
    text: str


class Symbol(TypedDict):
    """One entry of the legend of symbols."""

    symbol: str
    meaning: str


class MethodsSection(TypedDict):
    """One section of the methods: a heading and its paragraphs (or list items)."""

    heading: str
    paragraphs: list[str]
    list: bool


@dataclass(frozen=True, slots=True)
class Table:
    """One table: its columns, rows of cells, the notes it cites and its summary sentences.

    ``row_findings`` are the findings (among ``findings``) that only restate one of its rows
    (a change the test does not support, a question not asked): the documents leave them out.
    ``compact_findings``, when not None, are what the PDF (where pages count) says instead of
    ``findings``: shorter, leaving to the rows what they show.
    ``number`` None numbers it by its place in the report (:meth:`Model.to_json`); an
    unnumbered table such as the audit manifest gives its ``sheet`` instead.
    """

    id: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    source: str
    notes: str = ""
    findings: list[str] = field(default_factory=list)
    row_findings: list[str] = field(default_factory=list)
    sheet: str | None = None
    compact_findings: list[str] | None = None

    def to_json(self, number: int | None = None) -> dict[str, Any]:
        """The table as in ``report.json``, numbered ``number`` (None: unnumbered)."""
        out = {
            "id": self.id,
            "number": number,
            "sheet": self.sheet if number is None else f"Table_{number}",
            "title": self.title if number is None else f"Table {number}: {self.title}",
            "notes": self.notes,
            "columns": self.columns,
            "rows": self.rows,
            "findings": list(self.findings),
            "row_findings": list(self.row_findings),
            "source": self.source,
        }
        if self.compact_findings is not None:
            out["compact_findings"] = list(self.compact_findings)
        return out


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: ``kind`` {'shares', 'likert', 'trend'}, its texts and the data it is drawn
    from."""

    id: str
    kind: Literal["shares", "likert", "trend"]
    title: str
    alt: str
    caption: str
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The chart as in ``report.json``, with the paths its images are written to."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "alt": self.alt,
            "caption": self.caption,
            "svg": f"charts/{self.id}.svg",
            "png": f"charts/{self.id}.png",
            "data": self.data,
        }


@dataclass(frozen=True, slots=True)
class Workstream:
    """One workstream: its findings, then its charts and tables in the order shown."""

    id: str
    name: str
    findings: tuple[Finding, ...]
    parts: tuple[Chart | Table, ...]

    @property
    def tables(self) -> list[Table]:
        """The workstream's tables, in order."""
        return [p for p in self.parts if isinstance(p, Table)]

    @property
    def charts(self) -> list[Chart]:
        """The workstream's charts, in order."""
        return [p for p in self.parts if isinstance(p, Chart)]

    def to_json(self) -> dict[str, Any]:
        """The workstream as in ``report.json``: finding texts and sections by id."""
        return {
            "id": self.id,
            "name": self.name,
            "findings": [f.text for f in self.findings],
            "sections": [
                {"kind": "table", "table": p.id}
                if isinstance(p, Table)
                else {"kind": "chart", "chart": p.id}
                for p in self.parts
            ],
        }


@dataclass(frozen=True, slots=True)
class Model:
    """The whole report: title block, key findings, who responded (a table, or None),
    workstreams, methods, notes, manifest."""

    title: str
    organisation: str | None
    period: str | None
    contact: str | None
    date: str | None
    banner: str | None
    overview: str
    key_findings: list[str]
    who_responded: Table | None
    workstreams: list[Workstream]
    methods: list[MethodsSection]
    notes: list[Note]
    symbols: list[Symbol]
    manifest: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready report model (``report.json``); tables numbered in order, who
        responded (``who_responded`` names it) first."""
        who = [self.who_responded] if self.who_responded is not None else []
        tables = [*who, *(t for ws in self.workstreams for t in ws.tables)]
        charts = [c for ws in self.workstreams for c in ws.charts]
        return {
            "schema": SCHEMA,
            "title": self.title,
            "organisation": self.organisation,
            "period": self.period,
            "contact": self.contact,
            "date": self.date,
            "banner": self.banner,
            "overview": self.overview,
            "key_findings": list(self.key_findings),
            "who_responded": who[0].id if who else None,
            "workstreams": [ws.to_json() for ws in self.workstreams],
            "tables": [t.to_json(n) for n, t in enumerate(tables, start=1)],
            "charts": [c.to_json() for c in charts],
            "methods": self.methods,
            "notes": self.notes,
            "symbols": self.symbols,
            "manifest": self.manifest,
        }
