"""The ``rapstats`` command line: a thin shell over the Python API.

Each command parses its options, calls the API and writes the result. Only click and the
standard library are imported here; pandas, numpy and the rest load inside the commands, so
``rapstats --help`` stays fast. A :class:`~rapstats.errors.RapstatsError` becomes one
``Error: ...`` line on stderr with exit code 1; bad options exit 2 (click's usage errors).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from rapstats import __version__
from rapstats.errors import RapstatsError
from rapstats.vocab import (
    ADJUST_CHOICES,
    BASELINE_TEST_CHOICES,
    BASELINE_TESTS,
    CI_METHODS,
    DIFF_METHODS,
    MAX_CONFIDENCE,
    MAX_UNPACKED_MB,
    PLATFORMS,
    TWO_SAMPLE_TESTS,
)

if TYPE_CHECKING:
    from pathlib import Path

FORMATS = ("table", "csv", "json", "markdown")


class _Path(click.Path):
    """A click.Path that gives a pathlib.Path; pathlib loads only when a value is converted
    (so that ``--help`` does not import it). With ``allow_dash``, ``-`` gives None (standard
    output)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path

        value = super().convert(value, param, ctx)
        return None if self.allow_dash and value == "-" else Path(value)


class _Group(click.Group):
    """Turn rapstats' own errors into one-line messages (exit 1), never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RapstatsError as exc:
            raise click.ClickException(str(exc)) from None


def note(ctx: click.Context, message: str) -> None:
    """A message for the user on stderr, unless ``--quiet`` (user values in it shown escaped)."""
    if not ctx.find_root().params.get("quiet"):
        from rapstats.escape import visible

        click.echo(f"rapstats: {visible(message)}", err=True)


def _encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse an --encoding that is no text encoding (``rot13``) before anything is read."""
    if value is not None:
        from rapstats.io import text_encoding

        try:
            text_encoding(value)
        except RapstatsError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


ENCODING_HELP = "Text encoding of a CSV. Default: detected."
MAX_UNPACKED_HELP = "Largest size an XLSX/ODS may unpack to, in MB (refuses zip bombs)."


def input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads an export."""
    options = [
        click.argument("export", type=_Path(dir_okay=False)),
        click.option(
            "--spec",
            "spec_path",
            type=_Path(dir_okay=False),
            help="Survey spec (TOML). Default: inferred from the export, as `rapstats init`.",
        ),
        click.option(
            "--platform",
            type=click.Choice(PLATFORMS),
            default="auto",
            show_default=True,
            help="Layout of the export.",
        ),
        click.option("--encoding", callback=_encoding, help=ENCODING_HELP),
        click.option("--sheet", help="Worksheet of an XLSX/ODS. Default: the first."),
        click.option(
            "--max-unpacked-mb",
            type=click.FloatRange(0, min_open=True),
            default=MAX_UNPACKED_MB,
            show_default=True,
            help=MAX_UNPACKED_HELP,
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def estimate_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by commands that estimate shares."""
    options = [
        click.option(
            "--by",
            multiple=True,
            metavar="GROUP",
            help="Split by a spec group or export column; repeat to cross (e.g. --by area "
            "--by quarter).",
        ),
        click.option(
            "--confidence",
            type=click.FloatRange(0, MAX_CONFIDENCE, min_open=True),
            help="Confidence level. Default: the spec's, else 0.95.",
        ),
        click.option(
            "--method",
            type=click.Choice(CI_METHODS),
            help="Interval method. Default: the spec's, else wilson.",
        ),
        click.option(
            "--test",
            type=click.Choice(BASELINE_TEST_CHOICES),
            help="Baseline test. Default: the spec's, else auto (score; exact for small n).",
        ),
        click.option(
            "--adjust",
            type=click.Choice(ADJUST_CHOICES),
            help="Multiplicity adjustment of p-values. Default: the spec's, else holm.",
        ),
        click.option(
            "--unsafe-no-suppression",
            is_flag=True,
            help="Do not suppress small cells. Internal working files only: every output is "
            "marked UNSUPPRESSED - NOT FOR PUBLICATION.",
        ),
        click.option(
            "--explain-suppression",
            type=_Path(dir_okay=False),
            metavar="FILE",
            help="Also write why each cell was withheld to FILE (CSV for the analyst, marked "
            "NOT FOR PUBLICATION: the reasons narrow the hidden values).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--format and --output."""
    f = click.option(
        "--output",
        "-o",
        type=_Path(allow_dash=True),
        help="Write to this file (atomically; never over an input) instead of standard output (-).",
    )(f)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def _inputs(params: dict[str, Any]) -> dict[str, Path | None]:
    """The input files of a command by role, for :func:`rapstats.files.check_output`."""
    return {"export": params["export"], "spec": params["spec_path"]}


def _emit(ctx: click.Context, text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from rapstats.files import write_atomic

    write_atomic(output, text)
    note(ctx, f"wrote {output}")


def _read(params: dict[str, Any]) -> Any:
    """The pipeline's ReadOptions from the shared input options."""
    from rapstats.pipeline import ReadOptions

    return ReadOptions(
        **{k: params.pop(k) for k in ("platform", "encoding", "sheet", "max_unpacked_mb")}
    )


def _estimation(params: dict[str, Any]) -> Any:
    """The pipeline's Estimation overrides from the shared estimate options."""
    from rapstats.pipeline import Estimation

    return Estimation(**{k: params.pop(k) for k in ("method", "test", "confidence", "adjust")})


def _summary(ctx: click.Context, params: dict[str, Any], publish: tuple[str, ...]) -> Any:
    """Open, summarise and protect (the shared body of summarize and freq); notes are shown
    only when every step succeeded, so a failure prints exactly one line."""
    from rapstats.files import check_output
    from rapstats.pipeline import summarize_file

    check_output(params["explain_suppression"], _inputs(params), option="--explain-suppression")
    summary, notes = summarize_file(
        params["export"],
        params["spec_path"],
        by=params["by"],
        read=_read(params),
        estimation=_estimation(params),
        publish=publish,
        unsafe_no_suppression=params["unsafe_no_suppression"],
    )
    _explain(ctx, (summary,), params["explain_suppression"])
    for message in notes:
        note(ctx, message)
    return summary


def _explain(ctx: click.Context, summaries: tuple[Any, ...], path: Path | None) -> None:
    """Write the analyst's suppression audit (why each cell was withheld), if asked."""
    if path is None:
        return
    from rapstats.files import write_atomic
    from rapstats.render.tables import render_suppression_audit

    write_atomic(path, render_suppression_audit(summaries))
    note(ctx, f"wrote the suppression audit (NOT FOR PUBLICATION) to {path}")


def _terminal_width() -> int:
    """Columns of the terminal, as shutil.get_terminal_size gives them (COLUMNS, else the
    terminal, else 80), without importing shutil (and with it compression modules) on every
    ``--help``."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


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
@input_options
@estimate_options
@output_options
@click.pass_context
def summarize(ctx: click.Context, fmt: str, output: Path | None, **params: Any) -> None:
    """Shares, confidence intervals and baseline tests for every question.

    One row per question (and group, with --by): the base, the share answering positively,
    its confidence interval and, where the spec gives a baseline, the difference with its
    interval and a test. Small groups are suppressed ([c]) and unreliable estimates
    flagged ([u]). --format csv|json gives stable schemas for scripts (see README).

    Example:

        rapstats summarize data/sample/feedback.csv --spec data/sample/feedback.toml --by area
    """
    from rapstats.files import check_output
    from rapstats.render import render_summary

    check_output(output, _inputs(params))
    _emit(ctx, render_summary(_summary(ctx, params, ("rows",)), fmt), output)


@cli.command()
@input_options
@estimate_options
@output_options
@click.pass_context
def freq(ctx: click.Context, fmt: str, output: Path | None, **params: Any) -> None:
    """Full frequency table: every answer of every question, incl. excluded ones and blanks.

    Columns: question, answer, count, share_of_base, in_base (and groups with --by).

    Example:

        rapstats freq data/sample/feedback.csv --spec data/sample/feedback.toml --format csv
    """
    from rapstats.files import check_output
    from rapstats.render import render_frequencies

    check_output(output, _inputs(params))
    summary = _summary(ctx, params, ("rows", "frequencies"))
    _emit(ctx, render_frequencies(summary, fmt), output)


@cli.command()
@click.argument("export", type=_Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    type=_Path(allow_dash=True),
    help="Write the spec here instead of standard output (-).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing --output file.")
@click.option("--platform", type=click.Choice(PLATFORMS), default="auto", show_default=True)
@click.option("--encoding", callback=_encoding, help=ENCODING_HELP)
@click.option("--sheet", help="Worksheet of an XLSX/ODS. Default: the first.")
@click.option(
    "--max-unpacked-mb",
    type=click.FloatRange(0, min_open=True),
    default=MAX_UNPACKED_MB,
    show_default=True,
    help=MAX_UNPACKED_HELP,
)
@click.pass_context
def init(
    ctx: click.Context,
    export: Path,
    output: Path | None,
    force: bool,
    platform: str,
    encoding: str | None,
    sheet: str | None,
    max_unpacked_mb: float,
) -> None:
    """Write a starter survey spec (TOML) inferred from an export, to check and edit.

    Answer scales are recognised from their labels (agree/disagree, confidence,
    satisfaction, frequency), Don't know and Prefer not to say are excluded from bases,
    free-text columns are kept out of the statistics and a quarter is derived from the
    submission time.

    Example:

        rapstats init data/sample/feedback.csv -o feedback.toml
    """
    from rapstats.files import check_output
    from rapstats.io import load_export
    from rapstats.spec import spec_to_toml
    from rapstats.spec.infer import infer_spec

    check_output(output, {"export": export})
    if output is not None and output.exists() and not force:
        raise click.ClickException(f"{output} exists. Fix: use --force to overwrite it.")
    loaded = load_export(
        export,
        platform=platform,
        encoding=encoding,
        sheet=sheet,
        max_unpacked_mb=max_unpacked_mb,
    )
    if loaded.dropped:
        note(ctx, "dropped personal-data columns: " + ", ".join(loaded.dropped))
    spec = infer_spec(loaded)
    header = (
        f"Survey spec inferred by rapstats {__version__} from {loaded.path.name} "
        f"({loaded.platform}, {loaded.rows_read} responses).\n"
        "Check every question: its workstream, which answers count as positive, which are "
        "excluded from the base,\nand add national baselines as baseline = { p = 0.30, "
        'source = "..." }. See README, Survey spec.'
    )
    text = spec_to_toml(spec, header=header)
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
    by: str | None,
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
    from rapstats.files import check_output
    from rapstats.pipeline import comments_file
    from rapstats.render.tables import render_comments

    check_output(output, _inputs(params))
    quoted, title, notes = comments_file(
        params["export"], params["spec_path"], by=by, read=_read(params)
    )
    _emit(ctx, render_comments(quoted, fmt, title=title), output)
    for message in notes:
        note(ctx, message)


def _oneoff(ctx: click.Context, fmt: str, call: Callable[[], dict[str, Any]]) -> None:
    """Run a one-off computation; an invalid argument (ArgumentError) is a usage error (exit 2)."""
    import json

    from rapstats.render.tables import oneoff_text
    from rapstats.stats import ArgumentError

    try:
        result = call()
    except ArgumentError as exc:
        raise click.UsageError(str(exc), ctx=ctx) from None
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, allow_nan=False))
    else:
        click.echo(oneoff_text(result))


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
    type=click.FloatRange(0, MAX_CONFIDENCE, min_open=True),
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
@click.option(
    "--confidence",
    type=click.FloatRange(0, MAX_CONFIDENCE, min_open=True),
    default=0.95,
    show_default=True,
)
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table")
@click.pass_context
def ci_command(
    ctx: click.Context,
    counts: tuple[float, ...],
    diff: bool,
    baseline: float | None,
    baseline_n: float | None,
    baseline_ci: tuple[float, float] | None,
    baseline_ci_confidence: float | None,
    method: str | None,
    test: str | None,
    confidence: float,
    fmt: str,
) -> None:
    """A share with its confidence interval, or the difference of two shares.

    Examples:

        rapstats ci 221 321 --baseline 0.30

        rapstats ci --diff 40 400 23 380 --format json
    """
    from rapstats.estimate import oneoff

    if len(counts) != (4 if diff else 2):
        raise click.UsageError("give X N, or X1 N1 X2 N2 with --diff", ctx=ctx)
    if diff:
        _oneoff(
            ctx,
            fmt,
            lambda: oneoff.difference(
                *counts,
                method=method or "newcombe",
                confidence=confidence,
                test=test or "chisq_nocc",
            ),  # fmt: skip
        )
    else:
        _oneoff(
            ctx,
            fmt,
            lambda: oneoff.single(
                *counts,
                method=method or "wilson",
                confidence=confidence,
                baseline=baseline,
                baseline_n=baseline_n,
                baseline_ci=baseline_ci or None,
                baseline_ci_confidence=baseline_ci_confidence or confidence,
                test=test or "score_z",
            ),  # fmt: skip
        )


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
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table")
@click.pass_context
def samplesize(ctx: click.Context, fmt: str, **params: Any) -> None:
    """Respondents needed for a margin of error, or per group to detect a difference.

    Examples:

        rapstats samplesize --margin 0.03 --population 2600

        rapstats samplesize --p1 0.30 --p2 0.40 --power 0.8
    """
    from rapstats.estimate import oneoff

    _oneoff(ctx, fmt, lambda: oneoff.plan(**params))


@cli.command()
@input_options
@estimate_options
@click.option(
    "--previous",
    type=_Path(dir_okay=False),
    help="Export of the previous wave: adds the change since then (Newcombe interval).",
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
    previous: Path | None,
    out: Path,
    formats: str,
    date: str | None,
    quiet_report: bool,
    **params: Any,
) -> None:
    """Write a report (Markdown, HTML, PDF, XLSX, ODS) from the protected results.

    Key findings in plain English, one section per workstream (charts, tables, answer
    distributions, breakdowns by the spec's groups), methods and notes, and an audit
    manifest. Every format shows the same numbers and the same withheld cells. By default
    the breakdowns are every spec group (use --by to choose).

    Example:

        rapstats report data/sample/feedback.csv --spec data/sample/feedback.toml --out out
    """
    from rapstats.files import check_output
    from rapstats.pipeline import report_data
    from rapstats.render.report import FORMATS, write_report
    from rapstats.render.report.renderer import ChartRenderer
    from rapstats.render.report.write import OWNED, chart_kinds, report_steps

    inputs = {**_inputs(params), "previous export": previous}
    check_output(out, inputs, option="--out", owned=OWNED)
    check_output(params["explain_suppression"], inputs, option="--explain-suppression")
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        wrong = repr(bad[0]) if bad else repr(formats)
        raise click.UsageError(f"--formats: {wrong} is not one of " + ",".join(FORMATS))
    quiet = quiet_report or ctx.find_root().params.get("quiet")
    explain = params.pop("explain_suppression")
    # The chart worker starts now (it imports matplotlib while the data are read); it ends
    # with the command.
    charts = ctx.with_resource(ChartRenderer(workers=1 if chart_kinds(chosen) else 0))
    data = report_data(
        params.pop("export"),
        spec=params.pop("spec_path"),
        previous=previous,
        by=params.pop("by") or None,
        date=date,
        options={"formats": ",".join(chosen)},
        formats=chosen,
        charts=charts,
        **params,
    )
    model = data.model()
    _explain(ctx, data.summaries, explain)
    if quiet or not sys.stderr.isatty():
        paths = write_report(model, out, chosen, charts=charts)
    else:
        with click.progressbar(
            length=report_steps(chosen), label="Writing report", file=sys.stderr
        ) as bar:
            paths = write_report(
                model, out, chosen, progress=lambda _: bar.update(1), charts=charts
            )
    if not quiet:
        note(ctx, f"wrote {len(paths)} files to {out}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="rapstats")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
