"""The report model: every number, sentence, table and chart of a report as plain data.

:func:`build_model` reads protected summaries (after :func:`rapstats.protect.protect`) and
returns a JSON-ready dict. Renderers (Markdown, HTML, PDF, XLSX, ODS) only format it, so they
show the same numbers and the same withheld cells.

One builder per section reads a :class:`~rapstats.render.report.model.context.Context`
(the published rows, spec, methods and notes) and returns typed parts
(:mod:`~rapstats.render.report.model.parts`): :mod:`.headline` (overview, key findings, the
shares of each workstream), :mod:`.respondents` (who responded), :mod:`.answers` (answer
distributions), :mod:`.breakdowns`, :mod:`.change` (between waves), :mod:`.trend` (the trend chart),
:mod:`.methods` (methods, notes, symbols) and :mod:`.manifest`. Table cells are described
in :mod:`.cells`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapstats.escape import visible_all
from rapstats.estimate.summary import Summary
from rapstats.render.report.model.answers import answers
from rapstats.render.report.model.breakdowns import breakdown
from rapstats.render.report.model.cells import text
from rapstats.render.report.model.change import changes as change_tables
from rapstats.render.report.model.context import Context, sections
from rapstats.render.report.model.headline import key_findings, overview, shares
from rapstats.render.report.model.manifest import manifest
from rapstats.render.report.model.methods import methods, report_notes, symbols
from rapstats.render.report.model.parts import SCHEMA, Chart, Model, Table, Workstream
from rapstats.render.report.model.respondents import who_responded
from rapstats.render.report.model.trend import trend_charts
from rapstats.spec import Question
from rapstats.table import Table as DataTable

__all__ = ["SCHEMA", "build_model"]


def build_model(
    summary: Summary,
    *,
    breakdowns: Sequence[Summary] = (),
    waves: Sequence[str] = (),
    earlier: Sequence[Summary] = (),
    changes: DataTable | None = None,
    date: str | None = None,
    inputs: Sequence[dict[str, Any]] = (),
    single_level: Sequence[str] = (),
    options: dict[str, Any] | None = None,
    layout: dict[str, tuple[str, ...]] | None = None,
    left_out: Sequence[tuple[str, str]] = (),
    between: Mapping[str, DataTable] | None = None,
) -> dict[str, Any]:
    """Build the report model from a protected summary.

    Parameters
    ----------
    summary : rapstats.estimate.summary.Summary
        Results after disclosure control (``summary.disclosure`` set). Its overall rows
        give the headline figures; the margins of its grouping variables give breakdowns.
    breakdowns : sequence of Summary
        More protected summaries (usually one per grouping variable) whose margins give
        further breakdowns. Default none.
    waves : sequence of str
        The names of every wave, oldest first, this one (``summary``) last. Default none: no
        earlier waves.
    earlier : sequence of Summary
        The earlier waves' protected headline summaries, oldest first (one per name of
        ``waves`` but the last).
    changes : Table, optional
        The protected comparison rows (:attr:`rapstats.pipeline.Comparison.changes`): the
        changes into this wave of comparison ``"previous"`` (and ``"year"``) are reported;
        needed with ``waves``.
    date : str, optional
        Publication date shown in the report; default the spec's ``[report].date``.
    inputs : sequence of dict
        Input files for the audit manifest: ``role``, ``name``, ``sha256``. Default none.
    single_level : sequence of str
        Grouping variables not broken down because they have a single value; the methods
        say so. Default none.
    options : dict, optional
        Options as given (for the audit manifest). Default None.
    layout : dict, optional
        Workstream name -> the groups it is broken down by (among those of ``breakdowns``).
        Default None: as the spec's ``[report]`` says.
    left_out : sequence of (str, str)
        Groups left out of the breakdowns and why; a note (cited by the breakdowns) says so.
        Default none.
    between : mapping of str to Table, optional
        Group name -> the protected differences between its levels, each against the rest
        (:attr:`rapstats.pipeline.Comparison.changes` of
        :func:`rapstats.pipeline.compare_groups`): the breakdowns by that group show each
        level's difference and describe those the adjusted tests support. Default None: the
        breakdowns say differences between groups were not tested.

    Returns
    -------
    dict
        JSON-ready report model (:meth:`Model.to_json
        <rapstats.render.report.model.parts.Model.to_json>`).
    """
    ctx = Context.of(
        summary,
        report_notes(summary, previous=bool(earlier), left_out=left_out, between=between),
        breakdowns=breakdowns,
        waves=waves,
        earlier=earlier,
        changes=changes,
        inputs=inputs,
        single_level=single_level,
        options=options,
        layout=layout,
        between=between,
    )
    report = ctx.spec.report
    workstreams = [
        workstream(ctx, f"ws{index}", name, questions)
        for index, (name, questions) in enumerate(sections(ctx.spec), 1)
    ]
    model = Model(
        title=report.title or ctx.spec.title or "Survey results",
        organisation=report.organisation,
        period=report.period,
        contact=report.contact,
        date=date or report.date,
        banner=text(ctx.disclosure.get("banner")),
        overview=overview(ctx),
        key_findings=key_findings([f for ws in workstreams for f in ws.findings]),
        who_responded=who_responded(ctx),
        workstreams=workstreams,
        methods=methods(ctx),
        notes=ctx.notes.to_json(),
        symbols=symbols(ctx.disclosure),
        manifest=manifest(ctx),
    )
    # Every string of every format (and chart) comes from here: control and bidi characters
    # in user text are shown as escapes, so none can stop or steer a writer or a terminal.
    return visible_all(model.to_json())


def workstream(ctx: Context, wid: str, name: str, questions: Sequence[Question]) -> Workstream:
    """One workstream: headline shares, answer distributions, breakdowns, change."""
    charts, table, findings = shares(ctx, wid, name, questions)
    parts: list[Chart | Table] = [*charts, table]
    distributions = answers(ctx, wid, name, questions)
    if distributions is not None:
        parts += distributions
    for group in ctx.breakdowns_for(name):
        by_group = breakdown(ctx, wid, name, questions, group)
        if by_group is not None:
            parts.append(by_group)
    if ctx.previous is not None:
        parts += trend_charts(ctx, wid, name, questions)
        tables, changed = change_tables(ctx, wid, name, questions)
        findings += changed
        parts += tables
    return Workstream(wid, name, tuple(findings), tuple(parts))
