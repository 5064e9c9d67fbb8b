"""The ``rapstats`` command line: a thin shell over the Python API.

Each command parses its options, makes one :mod:`rapstats.pipeline` (or one-off) call, renders
and writes the result. Only click, the standard library and the vocabulary are imported here;
pandas, numpy and the rest load inside the commands, so ``rapstats --help`` stays fast. A
:class:`~rapstats.errors.RapstatsError` becomes one ``Error: ...`` line on stderr with exit
code 1; bad options exit 2 (click's usage errors).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from rapstats import __version__
from rapstats.cli.batch import batch
from rapstats.cli.check import check
from rapstats.cli.options import (
    CONFIDENCE,
    EXPORT,
    _check,
    _emit,
    _explain,
    _format_option,
    _Group,
    _Path,
    _summary,
    _terminal_width,
    engine_options,
    estimate_options,
    input_options,
    note,
    output_options,
    read_options,
    waves_input_options,
)
from rapstats.cli.waves import compare
from rapstats.vocab import (
    BASELINE_TESTS,
    CI_METHODS,
    DIFF_METHODS,
    TWO_SAMPLE_TESTS,
)

if TYPE_CHECKING:
    from pathlib import Path

    from rapstats.pipeline import Estimation, ReadOptions
    from rapstats.render.report.renderer import ChartRenderer


@click.group(
    cls=_Group,
    context_settings={
        "help_option_names": ["-h", "--help"],
        # click wraps help at min(terminal, 80) columns; given the width it skips shutil
        "terminal_width": max(min(_terminal_width(), 80) - 2, 50),
    },
)
@click.version_option(__version__, prog_name="rapstats")
@click.option("--quiet", "-q", is_flag=True, help="No progress or notes on stderr.")
def cli(quiet: bool) -> None:
    """Honest, reproducible statistics from survey and consultation exports.

    Every share comes with its base and confidence interval, tests against baselines are
    stated, small groups are suppressed and personal data is kept out.

    Example:

        rapstats summarize data/sample/feedback.csv --spec data/sample/feedback.toml
    """


@cli.command()
@waves_input_options
@estimate_options
@engine_options
@output_options
@click.pass_context
def summarize(ctx: click.Context, fmt: str, output: Path | None, **params: Any) -> None:
    """Shares, confidence intervals and baseline tests for every question.

    One row per question (and group, with --by): the base, the share answering positively,
    its confidence interval and, where the spec gives a baseline, the difference with its
    interval and a test. Small groups are suppressed ([c]) and unreliable estimates
    flagged ([u]). --format csv|json gives stable schemas for scripts (see README).

    Several exports are waves (oldest first), each read with the spec, then pooled with
    `wave` as the first grouping; a question a wave's export lacks was not asked there ([z]).

    One folder or quoted glob of CSV files (or of Parquet/Feather files) is one survey in
    parts: every part read in name order and pooled, not waves (the header rows must agree);
    `rapstats batch FOLDER` instead summarises each file as a survey of its own.

    With --engine spark, one CSV/TSV or Parquet file or folder is counted on Spark (--master
    URL; default local[*]) and estimated here: the same output (README, Large surveys).

    Examples:

        rapstats summarize data/sample/feedback.csv --spec data/sample/feedback.toml --by area

        rapstats summarize "exports/day-*.csv" --spec data/sample/feedback.toml

        rapstats summarize survey.parquet --spec survey.toml --by area --engine spark
    """
    from rapstats.render.tables import summary_chunks, summary_notes

    summary = _summary(ctx, output, ("rows",), **params)
    _emit(ctx, summary_chunks(summary, fmt), output, summary_notes(summary), apart=fmt == "csv")


@cli.command()
@waves_input_options
@estimate_options
@engine_options
@output_options
@click.option(
    "--profile",
    is_flag=True,
    help="Who responded: the respondents in each level of every group (spec groups and "
    "--by), protected like the answers, instead of the answers.",
)
@click.pass_context
def freq(ctx: click.Context, fmt: str, output: Path | None, profile: bool, **params: Any) -> None:
    """Full frequency table: every answer of every question, incl. excluded ones and blanks.

    Columns: question, answer, count, share_of_base, in_base (and groups with --by).

    With --profile, who responded instead: for every spec group not marked personal (and
    each --by group), the respondents in each level (blank values as "(blank)") and their
    share of all; columns group, level, kind, count, share, flag.

    With --engine spark, the answers are counted on Spark, as for summarize (not --profile).

    Examples:

        rapstats freq data/sample/feedback.csv --spec data/sample/feedback.toml --format csv

        rapstats freq data/sample/feedback.csv --spec data/sample/feedback.toml --profile

        rapstats freq survey.parquet --spec survey.toml --by area --engine spark
    """
    from rapstats.render.frequencies import frequency_chunks, profile_chunks
    from rapstats.render.tables import summary_notes

    if profile:
        summary = _summary(ctx, output, ("profile",), **params)
        text = profile_chunks(summary, fmt)
    else:
        summary = _summary(ctx, output, ("rows", "frequencies"), **params)
        text = frequency_chunks(summary, fmt)
    _emit(ctx, text, output, summary_notes(summary), apart=fmt == "csv")


@cli.command()
@click.argument("export", type=EXPORT)
@click.option(
    "--output",
    "-o",
    type=_Path(allow_dash=True),
    help="Write the spec here instead of standard output (-).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing --output file.")
@read_options
@click.pass_context
def init(
    ctx: click.Context, export: Path, output: Path | None, force: bool, read: ReadOptions
) -> None:
    """Write a starter survey spec (TOML) inferred from an export, to check and edit.

    Answer scales are recognised from their labels (agree/disagree, confidence,
    satisfaction, frequency), Don't know and Prefer not to say are excluded from bases,
    free-text columns are kept out of the statistics and a quarter is derived from the
    submission time.

    Example:

        rapstats init data/sample/feedback.csv -o feedback.toml
    """
    from rapstats.pipeline import starter_spec

    _check({"--output": output}, {"export": export})
    if output is not None and output.exists() and not force:
        raise click.ClickException(f"{output} exists. Fix: use --force to overwrite it.")
    text, notes = starter_spec(
        export, read=read, spec_dir=output.parent if output is not None else None
    )
    note(ctx, *notes)
    _emit(ctx, text, output)


@cli.command()
@input_options
@click.option("--by", metavar="GROUP", help="Withhold comments of groups below the threshold.")
@output_options
@click.pass_context
def comments(
    ctx: click.Context,
    fmt: str,
    output: Path | None,
    export: Path,
    spec_path: Path | None,
    **params: Any,
) -> None:
    """Quote free-text answers, with personal data redacted.

    E-mail addresses, phone numbers, postcodes, National Insurance numbers, IP addresses and
    web addresses become [redacted: ...]; the comments of anyone in a group smaller than the
    spec's disclosure.min_base, in any group the spec declares or --by, are withheld, with or
    without --by. Read what is left before publishing it: names are not detected.

    Example:

        rapstats comments data/sample/feedback.csv --spec data/sample/feedback.toml --by area
    """
    from rapstats.pipeline import comments_file
    from rapstats.render.tables import comments_notes, render_comments

    _check({"--output": output}, {"export": export, "spec": spec_path})
    quoted, title, notes = comments_file(export, spec_path, **params)
    text = render_comments(quoted, fmt, title=title)
    _emit(ctx, text, output, comments_notes(quoted), apart=fmt == "csv")
    note(ctx, *notes)


def _oneoff(ctx: click.Context, fmt: str, call: Callable[[], dict[str, Any]]) -> None:
    """Run a one-off computation; an invalid argument (ArgumentError) is a usage error (exit 2)."""
    import json

    from rapstats.render.oneoff import oneoff_text
    from rapstats.stats import ArgumentError

    try:
        result = call()
    except ArgumentError as exc:
        raise click.UsageError(str(exc), ctx=ctx) from None
    click.echo(
        json.dumps(result, indent=2, allow_nan=False) if fmt == "json" else oneoff_text(result)
    )


_oneoff_format = _format_option(("table", "json"))


@cli.command("ci")
@click.argument("counts", nargs=-1, type=float, required=True)
@click.option("--diff", is_flag=True, help="Compare two shares: COUNTS are X1 N1 X2 N2.")
@click.option("--baseline", type=float, help="Compare X/N with this baseline share (0-1).")
@click.option("--baseline-n", type=float, help="Sample size behind the baseline.")
@click.option(
    "--baseline-ci",
    nargs=2,
    type=float,
    help="Published interval of the baseline (LOW HIGH), at --baseline-ci-confidence.",
)
@click.option(
    "--baseline-ci-confidence",
    type=CONFIDENCE,
    help="Confidence level of --baseline-ci. Default: --confidence.",
)
@click.option(
    "--method",
    # one-share methods, then the difference methods (wald is both)
    type=click.Choice((*CI_METHODS, *(m for m in DIFF_METHODS if m not in CI_METHODS))),
    help="Interval method. Default: wilson (one share), newcombe (--diff).",
)
@click.option(
    "--test",
    type=click.Choice((*BASELINE_TESTS, *TWO_SAMPLE_TESTS)),
    help="Test. Default: score_z (baseline), chisq_nocc (--diff).",
)
@click.option("--confidence", type=CONFIDENCE, default=0.95, show_default=True)
@_oneoff_format
@click.pass_context
def ci_command(ctx: click.Context, fmt: str, **params: Any) -> None:
    """A share with its confidence interval, or the difference of two shares.

    Examples:

        rapstats ci 221 321 --baseline 0.30

        rapstats ci --diff 40 400 23 380 --format json
    """
    from rapstats.estimate import oneoff

    _oneoff(ctx, fmt, lambda: oneoff.from_counts(**params))


@cli.command()
@click.option("--margin", type=float, help="Margin of error wanted (e.g. 0.03 for ±3 points).")
@click.option("--p", "p", type=float, default=0.5, show_default=True, help="Expected share.")
@click.option("--population", type=int, help="Population size N (finite-population correction).")
@click.option("--confidence", type=float, default=0.95, show_default=True)
@click.option("--p1", type=float, help="Two groups: expected share in group 1.")
@click.option("--p2", type=float, help="Two groups: expected share in group 2.")
@click.option("--power", type=float, help="Two groups: power wanted (e.g. 0.8).")
@click.option("--n-per-group", type=float, help="Two groups: size of each group (gives power).")
@click.option("--alpha", type=float, default=0.05, show_default=True)
@_oneoff_format
@click.pass_context
def samplesize(ctx: click.Context, fmt: str, **params: Any) -> None:
    """Respondents needed for a margin of error, or per group to detect a difference.

    Examples:

        rapstats samplesize --margin 0.03 --population 2600

        rapstats samplesize --p1 0.30 --p2 0.40 --power 0.8
    """
    from rapstats.estimate import oneoff

    _oneoff(ctx, fmt, lambda: oneoff.plan(**params))


def _formats(text: str) -> tuple[str, ...]:
    """The --formats list of ``report``: known formats, at least one."""
    from rapstats.render.report import FORMATS as REPORT_FORMATS

    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in chosen if f not in REPORT_FORMATS]
    if bad or not chosen:
        wrong = repr(bad[0]) if bad else repr(text)
        raise click.UsageError(f"--formats: {wrong} is not one of " + ",".join(REPORT_FORMATS))
    return chosen


def _write_report(
    model: dict[str, Any], out: Path, formats: tuple[str, ...], charts: ChartRenderer, bar: bool
) -> int:
    """Write the report's files, with a progress bar on stderr if ``bar``; how many."""
    from rapstats.render.report import write_report
    from rapstats.render.report.write import report_steps

    if not bar:
        return len(write_report(model, out, formats, charts=charts))
    steps = report_steps(formats)
    with click.progressbar(length=steps, label="Writing report", file=sys.stderr) as progress:
        return len(
            write_report(model, out, formats, progress=lambda _: progress.update(1), charts=charts)
        )


class _Many(click.Option):
    """A repeatable option that also takes every value up to the next option:
    ``--waves A B C`` is ``--waves A --waves B --waves C``."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        # click's parser keeps its options in ``_long_opt`` (8.1 to 8.4); without it the
        # option stays repeatable (``--waves A --waves B``).
        for name in self.opts:
            option = getattr(parser, "_long_opt", {}).get(name)
            if option is not None:
                option.process = self._greedy(option.process)

    @staticmethod
    def _greedy(process: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        def take(value: Any, state: Any) -> None:
            process(value, state)
            while state.rargs and not state.rargs[0].startswith("-"):
                process(state.rargs.pop(0), state)

        return take


@cli.command()
@input_options
@estimate_options
@click.option(
    "--previous",
    type=EXPORT,
    help="Export of the previous wave: the same as --waves with one export.",
)
@click.option(
    "--waves",
    "earlier",
    cls=_Many,
    type=EXPORT,
    metavar="EXPORT...",
    multiple=True,
    help="Exports of the earlier waves, oldest first (after the export): adds the change "
    "since the previous wave (and a year earlier where known), tested, and a trend chart.",
)
@click.option(
    "--wave-names",
    metavar="A,B,...",
    help="Names of every wave, the earlier ones then this export. Default: the file names.",
)
@click.option(
    "--out",
    type=_Path(),
    default="report",
    show_default=True,
    help="Output folder, replaced as a whole (files rapstats did not write are kept).",
)
@click.option(
    "--formats",
    default="md,html,pdf,xlsx,ods",
    show_default=True,
    help="Comma-separated formats to write (report.json is always written).",
)
@click.option("--date", help="Publication date shown. Default: the spec's [report].date.")
@click.option("--quiet", "-q", "quiet_report", is_flag=True, help="No progress bar or notes.")
@click.pass_context
def report(
    ctx: click.Context,
    export: Path,
    spec_path: Path | None,
    by: tuple[str, ...],
    previous: Path | None,
    earlier: tuple[Path, ...],
    wave_names: str | None,
    out: Path,
    formats: str,
    date: str | None,
    read: ReadOptions,
    estimation: Estimation,
    unsafe_no_suppression: bool,
    explain_suppression: Path | None,
    quiet_report: bool,
) -> None:
    """Write a report (Markdown, HTML, PDF, XLSX, ODS) from the protected results.

    Key findings in plain English, one section per workstream (charts, tables, answer
    distributions, breakdowns by the spec's groups), methods and notes, and an audit
    manifest. Every format shows the same numbers and the same withheld cells. The
    breakdowns are as the spec's [report] says, by default every spec group that suits (use
    --by to choose); a group left out is named on stderr. With earlier waves (--waves,
    oldest first), the report tells the change since the previous wave, tested, with a trend
    chart per workstream. The export and each wave may be a folder or quoted glob of the
    parts of one survey, pooled, as for summarize.

    Examples:

        rapstats report data/sample/feedback.csv --spec data/sample/feedback.toml --out out

        rapstats report data/sample/feedback.csv --spec data/sample/feedback.toml
        --waves data/sample/feedback_2026q1.csv data/sample/feedback_2026q2.csv --out out
    """
    from dataclasses import asdict

    from rapstats.files import check_output
    from rapstats.pipeline import report_data
    from rapstats.render.report.renderer import ChartRenderer
    from rapstats.render.report.write import OWNED, chart_kinds

    if previous is not None and earlier:
        raise click.UsageError("give the earlier waves with --waves or --previous, not both")
    earlier = earlier or ((previous,) if previous is not None else ())
    if wave_names is not None and not earlier:
        raise click.UsageError("--wave-names needs --waves (or --previous)")
    names = None if wave_names is None else [n.strip() for n in wave_names.split(",")]
    inputs = {"export": export, "spec": spec_path}
    inputs |= {f"earlier wave {k}": p for k, p in enumerate(earlier, start=1)}
    check_output(out, inputs, option="--out", owned=OWNED)
    _check({"--explain-suppression": explain_suppression}, inputs)
    chosen = _formats(formats)
    # The chart worker starts now (it imports matplotlib while the data are read); it ends
    # with the command.
    charts = ctx.with_resource(ChartRenderer(workers=1 if chart_kinds(chosen) else 0))
    data = report_data(
        export,
        spec=spec_path,
        waves=earlier,
        wave_names=names,
        by=by or None,
        date=date,
        **asdict(read),
        **asdict(estimation),
        unsafe_no_suppression=unsafe_no_suppression,
        options={"formats": ",".join(chosen)},
        formats=chosen,
        charts=charts,
    )
    model = data.model()
    _explain(ctx, data.summaries, explain_suppression)
    quiet = quiet_report or ctx.find_root().params.get("quiet")
    n = _write_report(model, out, chosen, charts, bar=not quiet and sys.stderr.isatty())
    if not quiet:
        note(ctx, *data.read, *data.notes, f"wrote {n} files to {out}")


cli.add_command(compare)
cli.add_command(check)
cli.add_command(batch)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="rapstats")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
