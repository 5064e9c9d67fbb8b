"""The one place where the layers are wired: load -> spec -> summarise -> protect -> model.

Every CLI command and the report call these functions, so an export is read, a spec inferred,
columns kept and disclosure control applied the same way whatever the output:

* :func:`open_survey`: load the export with the columns its spec needs (inferring a spec when
  none is given) and collect the notes for stderr;
* :func:`protected_summary` / :func:`summarize_file`: summarise and protect, publishing
  exactly the tables named (only they constrain secondary suppression);
* :func:`comments_file`: quotable, redacted free text;
* :func:`starter_spec`: the spec ``rapstats init`` infers, as TOML;
* :func:`build_report`: the report model (headline, breakdowns, previous wave).

Notes are returned, never printed: the CLI shows them only when every step succeeded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapstats.vocab import MAX_UNPACKED_MB

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary
    from rapstats.io import Export
    from rapstats.protect.redact import QuotableComments
    from rapstats.render.report.renderer import ChartRenderer
    from rapstats.spec import Spec
    from rapstats.table import Table

# A grouping variable with more levels than this is not broken down in a report by default.
MAX_GROUP_LEVELS = 20


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read an export (as :func:`rapstats.io.load_export`)."""

    platform: str = "auto"
    encoding: str | None = None
    sheet: str | None = None
    max_unpacked_mb: float = MAX_UNPACKED_MB


@dataclass(frozen=True, slots=True)
class Estimation:
    """Overrides of the spec's ``[defaults]``; None keeps the spec's."""

    method: str | None = None
    test: str | None = None
    confidence: float | None = None
    adjust: str | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """An export loaded with its spec, and the notes for the user (stderr)."""

    export: Export
    spec: Spec
    notes: tuple[str, ...]


def open_survey(
    path: str | Path,
    spec: str | Path | Spec | None = None,
    *,
    by: tuple[str, ...] = (),
    read: ReadOptions = ReadOptions(),
) -> Opened:
    """Load an export with the columns its spec needs; infer a spec when none is given.

    Parameters
    ----------
    path : str or Path
        The survey export.
    spec : str, Path or Spec, optional
        A spec file (TOML) or a parsed spec. Default None infers one from the export.
    by : tuple of str
        Grouping variables the caller will use (their columns are read too).
    read : ReadOptions
        Platform, encoding and sheet of the export.
    """
    from rapstats.io import load_export
    from rapstats.spec import Spec, load_spec

    spec_obj = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    columns = keep = None
    if spec_obj is not None:
        columns, keep = spec_obj.load_columns(by)
    export = load_export(
        path,
        platform=read.platform,
        encoding=read.encoding,
        sheet=read.sheet,
        columns=columns,
        keep=keep or (),
        max_unpacked_mb=read.max_unpacked_mb,
    )
    notes = [f"read {export.rows_read} responses from {path} ({export.platform})"]
    if export.dropped:
        notes.append("dropped personal-data columns: " + ", ".join(export.dropped))
    notes += list(export.notes)
    if spec_obj is None:
        from rapstats.spec.infer import infer_spec

        spec_obj = infer_spec(export)
        weight = spec_obj.design.weight
        weighted = f', weighted by column "{weight}"' if weight else ""
        notes.append(
            f"no --spec given: inferred one with {len(spec_obj.questions)} questions{weighted} "
            "(write it with `rapstats init` to check and edit it)"
        )
    return Opened(export=export, spec=spec_obj, notes=tuple(notes))


def protected_summary(
    opened: Opened,
    *,
    by: tuple[str, ...] = (),
    estimation: Estimation = Estimation(),
    publish: tuple[str, ...] = ("rows",),
    unsafe_no_suppression: bool = False,
) -> Summary:
    """Summarise an opened export and protect exactly the tables in ``publish``.

    ``publish`` names what the caller will print, of ``("rows", "frequencies")``: only those
    tables are built and constrain secondary suppression, so nothing is withheld to protect a
    table nobody sees.
    """
    from rapstats.protect import protect

    summary = _summarise(opened, by, estimation, publish)
    return protect(summary, unsafe_no_suppression=unsafe_no_suppression, publish=publish)


def _summarise(
    opened: Opened, by: tuple[str, ...], estimation: Estimation, publish: tuple[str, ...]
) -> Summary:
    """The unprotected summary of an opened export, with frequencies if they are published."""
    from rapstats.estimate.summary import summarize

    return summarize(
        opened.export,
        opened.spec,
        by=by,
        method=estimation.method,
        test=estimation.test,
        confidence=estimation.confidence,
        adjust=estimation.adjust,
        with_frequencies="frequencies" in publish,
    )


def summarize_file(
    path: str | Path,
    spec: str | Path | Spec | None = None,
    *,
    by: tuple[str, ...] = (),
    read: ReadOptions = ReadOptions(),
    estimation: Estimation = Estimation(),
    publish: tuple[str, ...] = ("rows",),
    unsafe_no_suppression: bool = False,
) -> tuple[Summary, tuple[str, ...]]:
    """Open, summarise and protect an export: the body of ``summarize`` and ``freq``.

    Returns
    -------
    summary : Summary
        Protected; publish it through :mod:`rapstats.render`.
    notes : tuple of str
        What the user should be told (rows read, columns dropped, labels redacted...).
    """
    opened = open_survey(path, spec, by=by, read=read)
    summary = protected_summary(
        opened,
        by=by,
        estimation=estimation,
        publish=publish,
        unsafe_no_suppression=unsafe_no_suppression,
    )
    return summary, opened.notes + redaction_notes(summary)


def redaction_notes(summary: Summary) -> tuple[str, ...]:
    """The note for stderr when protect redacted personal data in labels."""
    n = (summary.disclosure or {}).get("redacted_labels", 0)
    if not n:
        return ()
    return (f"redacted personal data in {n} label{'s' if n != 1 else ''} of the export",)


def comments_file(
    path: str | Path,
    spec: str | Path | Spec | None = None,
    *,
    by: str | None = None,
    read: ReadOptions = ReadOptions(),
) -> tuple[QuotableComments, str, tuple[str, ...]]:
    """Quotable free text of an export, redacted; the comments of anyone in a group smaller
    than ``min_base`` of any declared group (or ``by``) are withheld in every run, so that two
    runs cannot be differenced to attribute them.

    Returns
    -------
    quoted : QuotableComments
    title : str
        The spec's title, else "Comments".
    notes : tuple of str
    """
    from rapstats.normalise import normalise
    from rapstats.protect.redact import comments_of
    from rapstats.spec import Spec, fold_label, load_spec

    spec_obj = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    shown = (by,) if by else ()
    # every declared group, so that a comment is withheld in every run if any group is small
    declared = tuple(g.name for g in spec_obj.groups) if spec_obj is not None else ()
    opened = open_survey(path, spec_obj, by=declared + shown, read=read)
    # a group whose column was dropped as personal data is never published: leave it out
    dropped = {fold_label(c) for c in opened.export.dropped}
    spec_obj = opened.spec
    kept = [g.name for g in spec_obj.groups if fold_label(g.column) not in dropped]
    by_all = tuple(dict.fromkeys(spec_obj.group(g).name for g in (*kept, *shown)))
    responses = normalise(opened.export, spec_obj, by=by_all)
    name = spec_obj.group(by).name if by else None
    quoted = comments_of(responses, group=name, min_base=spec_obj.disclosure.min_base)
    return quoted, spec_obj.title or "Comments", opened.notes


@dataclass(frozen=True, slots=True)
class ReportData:
    """The protected summaries a report is built from (see :func:`report_data`)."""

    main: Summary
    breakdowns: tuple[Summary, ...]
    previous: Summary | None
    changes: Table | None
    inputs: tuple[dict[str, str], ...]
    single_level: tuple[str, ...]
    options: dict[str, Any]
    date: str | None

    @property
    def summaries(self) -> tuple[Summary, ...]:
        """Every protected summary the report publishes from."""
        return (self.main, *self.breakdowns, *((self.previous,) if self.previous else ()))

    def model(self) -> dict[str, Any]:
        """The report model (see :mod:`rapstats.render.report.model`)."""
        from rapstats.render.report.model import build_model

        return build_model(
            self.main,
            breakdowns=self.breakdowns,
            previous=self.previous,
            changes=self.changes,
            date=self.date,
            inputs=list(self.inputs),
            single_level=self.single_level,
            options=self.options,
        )


def build_report(export: str | Path, **options: Any) -> dict[str, Any]:
    """The report model of an export: :func:`report_data` (same parameters), then its model."""
    return report_data(export, **options).model()


def report_data(
    export: str | Path,
    *,
    spec: str | Path | None = None,
    previous: str | Path | None = None,
    by: tuple[str, ...] | None = None,
    date: str | None = None,
    platform: str = "auto",
    encoding: str | None = None,
    sheet: str | None = None,
    max_unpacked_mb: float = MAX_UNPACKED_MB,
    method: str | None = None,
    test: str | None = None,
    confidence: float | None = None,
    adjust: str | None = None,
    unsafe_no_suppression: bool = False,
    options: dict[str, Any] | None = None,
    formats: Iterable[str] | None = None,
    charts: ChartRenderer | None = None,
) -> ReportData:
    """Summarise and protect everything a report of an export (and its previous wave) shows.

    One protected summary gives the headline figures and their answer distributions; one per
    grouping variable gives each breakdown (its margins only, rows only: a report publishes
    no breakdown of answer counts, so none constrains suppression).

    Parameters
    ----------
    export : str or Path
        The survey export.
    spec : str or Path, optional
        Survey spec (TOML). Default None infers one from the export.
    previous : str or Path, optional
        The previous wave's export, read with the same spec. Default None.
    by : tuple of str, optional
        Grouping variables to break down by. Default None: every spec group that is not
        personal and has at most ``MAX_GROUP_LEVELS`` values.
    date : str, optional
        Publication date shown; default the spec's ``[report].date``.
    platform, encoding, sheet, max_unpacked_mb : optional
        How to read the exports (as :func:`rapstats.io.load_export`).
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
    from rapstats.render.report.write import chart_kinds

    kinds = chart_kinds(FORMATS if formats is None else formats)
    read = ReadOptions(
        platform=platform, encoding=encoding, sheet=sheet, max_unpacked_mb=max_unpacked_mb
    )
    estimation = Estimation(method=method, test=test, confidence=confidence, adjust=adjust)
    if spec is None:  # the whole export is read to infer the spec: use it as it is
        opened = open_survey(export, read=read)
        groups = tuple(by) if by else tuple(g.name for g in opened.spec.groups if not g.personal)
    else:
        from rapstats.spec import load_spec

        spec_obj = load_spec(spec)
        groups = tuple(by) if by else tuple(g.name for g in spec_obj.groups if not g.personal)
        opened = open_survey(export, spec_obj, by=groups, read=read)
    single: tuple[str, ...] = ()
    if not by:
        groups, single = _default_groups(opened, groups)

    def protected(source: Opened, group: tuple[str, ...], publish: tuple[str, ...]) -> Summary:
        return protected_summary(
            source,
            by=group,
            estimation=estimation,
            publish=publish,
            unsafe_no_suppression=unsafe_no_suppression,
        )

    main = protected(opened, (), ("rows", "frequencies"))
    if kinds and charts is not None:
        # The charts show the headline figures only: draw them while the breakdowns are
        # protected (most of the time here). write_report uses them if the model's charts
        # are the same, as they are unless a chart came to depend on a breakdown.
        charts.prefetch(build_model(main, single_level=single)["charts"])
    breakdowns = [protected(opened, (g,), ("rows",)) for g in groups]
    prev = changes = None
    inputs = [_input("export", opened.export.path, opened.export.sha256)]
    if spec is not None:
        inputs.append(_input("spec", Path(spec), _sha256(Path(spec))))
    if previous is not None:
        prev_opened = open_survey(previous, opened.spec, read=read)
        prev, changes = _wave_change(opened, prev_opened, estimation, unsafe_no_suppression)
        inputs.append(_input("previous export", prev_opened.export.path, prev_opened.export.sha256))
    recorded = {
        "by": list(groups),
        "date": date,
        **{k: v for k, v in asdict(estimation).items() if v is not None},
        "unsafe_no_suppression": unsafe_no_suppression,
        **(options or {}),
    }
    return ReportData(
        main=main,
        breakdowns=tuple(breakdowns),
        previous=prev,
        changes=changes,
        inputs=tuple(inputs),
        single_level=single,
        options={k: v for k, v in recorded.items() if v is not None},
        date=date,
    )


def _wave_change(
    now: Opened, previous: Opened, estimation: Estimation, unsafe: bool
) -> tuple[Summary, Table]:
    """The previous wave's protected headline summary, and the protected change since it."""
    from rapstats.estimate.waves import compare_waves
    from rapstats.protect import protect, protect_changes

    publish = ("rows", "frequencies")
    raw_now = _summarise(now, (), estimation, publish)
    raw_before = _summarise(previous, (), estimation, publish)
    changes = compare_waves(raw_now, raw_before, confidence=raw_now.spec.methods.confidence)
    protected_now = protect(raw_now, unsafe_no_suppression=unsafe, publish=publish)
    before = protect(raw_before, unsafe_no_suppression=unsafe, publish=publish)
    return before, protect_changes(changes, protected_now, before)


def _default_groups(
    opened: Opened, groups: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split the default grouping variables into those broken down and those with one value.

    A group with a single value (such as a quarter when every response came in one quarter)
    would only repeat the headline figures, so it is not broken down; nor is a plain column
    with more than ``MAX_GROUP_LEVELS`` distinct values (derived periods are always kept).
    """
    from rapstats.labels import BLANK_LABEL
    from rapstats.normalise import normalise

    spec = opened.spec
    coded = normalise(opened.export, replace(spec, questions=()), by=groups).groups
    kept: list[str] = []
    single: list[str] = []
    for name in groups:
        levels = coded[name][1]
        if len(levels) <= 1:
            single.append(name)
        elif spec.group(name).derive is not None or (
            len([v for v in levels if v != BLANK_LABEL]) <= MAX_GROUP_LEVELS
        ):
            kept.append(name)
    return tuple(kept), tuple(single)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _input(role: str, path: Path, sha: str) -> dict[str, str]:
    return {"role": role, "name": Path(path).name, "sha256": sha}


def starter_spec(
    path: str | Path, *, read: ReadOptions = ReadOptions()
) -> tuple[str, tuple[str, ...]]:
    """The starter spec ``rapstats init`` writes: inferred from the whole export, as TOML.

    Parameters
    ----------
    path : str or Path
        The survey export.
    read : ReadOptions
        Platform, encoding and sheet of the export.

    Returns
    -------
    text : str
        The spec as TOML, under a header naming the export and saying what to check.
    notes : tuple of str
        What the user should be told (personal-data columns dropped).
    """
    from rapstats import __version__
    from rapstats.io import load_export
    from rapstats.spec import spec_to_toml
    from rapstats.spec.infer import infer_spec

    export = load_export(path, **asdict(read))
    dropped = ", ".join(export.dropped)
    notes = (f"dropped personal-data columns: {dropped}",) if dropped else ()
    header = (
        f"Survey spec inferred by rapstats {__version__} from {export.path.name} "
        f"({export.platform}, {export.rows_read} responses).\n"
        "Check every question: its workstream, which answers count as positive, which are "
        "excluded from the base,\nand add national baselines as baseline = { p = 0.30, "
        'source = "..." }. See README, Survey spec.'
    )
    return spec_to_toml(infer_spec(export), header=header), notes
