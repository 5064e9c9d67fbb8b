"""The report's wiring: every protected summary a report publishes, and its model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapstats.errors import RapstatsError
from rapstats.pipeline.between import compare_opened
from rapstats.pipeline.breakdowns import (
    MAX_GROUP_LEVELS,
    Breakdowns,
    candidate_groups,
    choose_breakdowns,
)
from rapstats.pipeline.compare import Comparison, compare_files
from rapstats.pipeline.survey import (
    Estimation,
    ReadOptions,
    open_survey,
    protected_summary,
)
from rapstats.vocab import MAX_UNPACKED_MB

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rapstats.estimate.summary import Summary
    from rapstats.render.report.renderer import ChartRenderer

__all__ = ["MAX_GROUP_LEVELS", "ReportData", "build_report", "report_data"]


@dataclass(frozen=True, slots=True)
class ReportData:
    """The protected summaries a report is built from (see :func:`report_data`)."""

    main: Summary
    breakdowns: tuple[Summary, ...]
    comparison: Comparison | None
    inputs: tuple[dict[str, str], ...]
    single_level: tuple[str, ...]
    options: dict[str, Any]
    date: str | None
    chosen: Breakdowns | None = None  # each workstream's groups; those left out and why
    # per breakdown (same order): the protected differences between its group's levels
    between: tuple[Comparison, ...] = ()
    # notes for the user (stderr) from reading the exports: rows read, columns dropped, parts
    # pooled (as summarize tells them)
    read: tuple[str, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """Notes for the user (stderr): the groups not broken down, and why."""
        return () if self.chosen is None else self.chosen.notes

    @property
    def summaries(self) -> tuple[Summary, ...]:
        """Every protected summary the report publishes from."""
        earlier = self.comparison.summaries[:-1] if self.comparison else ()
        return (self.main, *self.breakdowns, *earlier)

    def model(self) -> dict[str, Any]:
        """The report model (see :mod:`rapstats.render.report.model`)."""
        from rapstats.render.report.model import build_model

        c = self.comparison
        return build_model(
            self.main,
            breakdowns=self.breakdowns,
            waves=c.waves if c else (),
            earlier=c.summaries[:-1] if c else (),
            changes=c.changes if c else None,
            date=self.date,
            inputs=list(self.inputs),
            single_level=self.single_level,
            options=self.options,
            layout=None if self.chosen is None else self.chosen.layout,
            left_out=() if self.chosen is None else self.chosen.left_out,
            between={c.summaries[0].by[-1]: c.changes for c in self.between},
        )


def build_report(export: str | Path, **options: Any) -> dict[str, Any]:
    """The report model of an export: :func:`report_data` (same parameters), then its model."""
    return report_data(export, **options).model()


def report_data(
    export: str | Path,
    *,
    spec: str | Path | None = None,
    previous: str | Path | None = None,
    waves: Sequence[str | Path] = (),
    wave_names: Sequence[str] | None = None,
    by: tuple[str, ...] | None = None,
    date: str | None = None,
    platform: str = "auto",
    encoding: str | None = None,
    sheet: str | None = None,
    max_unpacked_mb: float = MAX_UNPACKED_MB,
    completed_only: bool = False,
    codebook: str | Path | None = None,
    method: str | None = None,
    test: str | None = None,
    confidence: float | None = None,
    adjust: str | None = None,
    unsafe_no_suppression: bool = False,
    options: dict[str, Any] | None = None,
    formats: Iterable[str] | None = None,
    charts: ChartRenderer | None = None,
) -> ReportData:
    """Summarise and protect everything a report of an export (and its earlier waves) shows.

    One protected summary gives the headline figures, their answer distributions and who
    responded (the profile of every group not marked personal); one per
    grouping variable gives each breakdown (its margins only, rows only: a report publishes
    no breakdown of answer counts, so none constrains suppression), with the differences
    between the group's levels, each against the rest, tested and protected
    (:func:`rapstats.pipeline.between.compare_opened`).

    Parameters
    ----------
    export : str or Path
        The survey export.
    spec : str or Path, optional
        Survey spec (TOML). Default None infers one from the export.
    previous : str or Path, optional
        The previous wave's export: the same as ``waves=(previous,)``. Default None.
    waves : sequence of str or Path
        Earlier waves' exports, oldest first, read with the same spec and compared with
        :func:`rapstats.pipeline.compare_files` (each wave with the one before it; its rows of
        comparison ``"year"`` too where it gives them). Default none.
    wave_names : sequence of str, optional
        One name per wave, the earlier ones then this export's. Default: the file names.
    by : tuple of str, optional
        Grouping variables to break down every workstream by. Default None: as the spec's
        ``[report]`` says (:mod:`rapstats.pipeline.breakdowns`), by default every spec group
        that is not personal and has at most ``MAX_GROUP_LEVELS`` values.
    date : str, optional
        Publication date shown; default the spec's ``[report].date``.
    platform, encoding, sheet, max_unpacked_mb, completed_only, codebook : optional
        How to read the exports (as :class:`ReadOptions`).
    method, test, confidence, adjust : optional
        Override the spec's ``[defaults]``.
    unsafe_no_suppression : bool
        Skip suppression (working files only; every output carries a banner). Default False.
    options : dict, optional
        Extra options to record in the audit manifest. Default None.
    formats : iterable of str, optional
        The formats the report will be written in (as :func:`rapstats.render.report.write_report`).
        Default None: every format.
    charts : ChartRenderer, optional
        Starts drawing the charts those formats need as soon as the headline figures are
        protected, while the breakdowns are; ``write_report`` given the same renderer uses
        them. Default None draws nothing early.

    Returns
    -------
    ReportData
        The protected summaries; ``.model()`` gives the report model.
    """
    from rapstats.render.report import FORMATS
    from rapstats.render.report.model import build_model
    from rapstats.render.report.model.context import sections
    from rapstats.render.report.write import chart_kinds

    kinds = chart_kinds(FORMATS if formats is None else formats)
    read = ReadOptions(platform, encoding, sheet, max_unpacked_mb, completed_only, codebook)
    estimation = Estimation(method=method, test=test, confidence=confidence, adjust=adjust)
    earlier = _earlier(previous, waves, wave_names)
    # Each input is read once: the spec with its digest, the export with every column the
    # report needs, then given to compare_files as the last wave as it was read.
    spec_digest = None
    if spec is None:  # the whole export is read to infer the spec: use it as it is
        opened = open_survey(export, read=read)
        groups = candidate_groups(opened.spec, by)
    else:
        from rapstats.spec import read_spec

        spec_file = read_spec(spec)
        spec_obj, spec_digest = spec_file.spec, spec_file.sha256
        groups = candidate_groups(spec_obj, by)
        profiled = tuple(g.name for g in spec_obj.groups if not g.personal)  # who responded
        # the column naming each wave, when it does (as compare_files reads the others)
        named = (spec_obj.wave,) if earlier and spec_obj.wave and wave_names is None else ()
        opened = open_survey(export, spec_obj, by=(*groups, *profiled, *named), read=read)
    chosen = choose_breakdowns(opened, groups, by, [name for name, _ in sections(opened.spec)])
    groups, single = chosen.groups, chosen.single_level

    main = protected_summary(
        opened,
        estimation=estimation,
        publish=("rows", "frequencies", "profile"),
        unsafe_no_suppression=unsafe_no_suppression,
    )
    if kinds and charts is not None:
        # The charts show the headline figures only: draw them while the breakdowns are
        # protected (most of the time here). write_report uses them if the model's charts
        # are the same, as they are unless a chart came to depend on a breakdown.
        charts.prefetch(build_model(main, single_level=single)["charts"])
    between = [
        compare_opened(
            opened,
            between=g,
            estimation=estimation,
            unsafe_no_suppression=unsafe_no_suppression,
        )
        for g in groups
    ]
    breakdowns = [c.summaries[0] for c in between]  # each as protected_summary by (g,)
    inputs = [_input("export", opened.export.path, opened.export.sha256)]
    if spec is not None:
        inputs.append(_input("spec", Path(spec), spec_digest))
    comparison, read_notes = None, opened.notes
    if earlier:
        comparison, compared = compare_files(
            [*earlier, opened],
            opened.spec,
            wave_names=wave_names,
            read=read,
            estimation=estimation,
            unsafe_no_suppression=unsafe_no_suppression,
        )
        # each earlier wave's digest as its export was read (a folder of parts: theirs)
        inputs += [
            _input(f"earlier wave: {name}", Path(path), wave.source["sha256"])
            for name, path, wave in zip(
                comparison.waves, earlier, comparison.summaries, strict=False
            )
        ]
        read_notes = tuple(dict.fromkeys((*read_notes, *compared)))
    recorded = {
        "by": list(groups),
        "date": date,
        **{k: v for k, v in asdict(estimation).items() if v is not None},
        "unsafe_no_suppression": unsafe_no_suppression,
        "completed_only": completed_only or None,
        **(options or {}),
    }
    return ReportData(
        main=main,
        breakdowns=tuple(breakdowns),
        comparison=comparison,
        inputs=tuple(inputs),
        single_level=single,
        options={k: v for k, v in recorded.items() if v is not None},
        date=date,
        chosen=chosen,
        between=tuple(between),
        read=read_notes,
    )


def _earlier(
    previous: str | Path | None, waves: Sequence[str | Path], names: Sequence[str] | None
) -> tuple[str | Path, ...]:
    """The earlier waves' exports, oldest first: ``waves``, or ``previous`` alone."""
    if previous is not None and waves:
        raise RapstatsError(
            "both previous and waves are given", hint="give the earlier waves once, as waves"
        )
    earlier = tuple(waves) or ((previous,) if previous is not None else ())
    if names is not None and not earlier:
        raise RapstatsError("wave names are given without earlier waves", hint="add waves")
    return earlier


def _input(role: str, path: Path, sha: str) -> dict[str, str]:
    """An input of the manifest: its role, file name (personal data redacted, as the protect
    step redacts the summaries' input paths) and digest."""
    from rapstats.protect.redact import redact

    return {"role": role, "name": redact(Path(path).name), "sha256": sha}
