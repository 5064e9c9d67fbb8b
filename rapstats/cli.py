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
from rapstats.choices import ADJUST_METHODS, BASELINE_TESTS, CI_METHODS, PLATFORMS
from rapstats.errors import RapstatsError

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
    """A message for the user on stderr, unless ``--quiet``."""
    if not ctx.find_root().params.get("quiet"):
        click.echo(f"rapstats: {message}", err=True)


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
        click.option("--encoding", help="Text encoding of a CSV. Default: detected."),
        click.option("--sheet", help="Worksheet of an XLSX/ODS. Default: the first."),
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
            type=click.FloatRange(0, 1, min_open=True, max_open=True),
            help="Confidence level. Default: the spec's, else 0.95.",
        ),
        click.option(
            "--method",
            type=click.Choice(CI_METHODS),
            help="Interval method. Default: the spec's, else wilson.",
        ),
        click.option(
            "--test",
            type=click.Choice(BASELINE_TESTS),
            help="Baseline test. Default: the spec's, else auto (score; exact for small n).",
        ),
        click.option(
            "--adjust",
            type=click.Choice(ADJUST_METHODS),
            help="Multiplicity adjustment of p-values. Default: the spec's, else holm.",
        ),
        click.option(
            "--unsafe-no-suppression",
            is_flag=True,
            help="Do not suppress small cells. Internal working files only: every output is "
            "marked UNSUPPRESSED - NOT FOR PUBLICATION.",
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


def _pipeline(ctx: click.Context, params: dict[str, Any], publish: tuple[str, ...]) -> Any:
    """Load, (infer a) spec, summarise and protect: the shared body of summarize and freq.

    Notes for stderr are collected and shown only when every step succeeded, so a failure
    prints exactly one line.
    """
    from rapstats.disclosure import protect
    from rapstats.io import load_export
    from rapstats.normalise import spec_columns
    from rapstats.spec import load_spec
    from rapstats.summary import summarize

    spec = load_spec(params["spec_path"]) if params["spec_path"] else None
    keep = spec.keep_columns + tuple(g.column for g in spec.groups if g.personal) if spec else ()
    export = load_export(
        params["export"],
        platform=params["platform"],
        encoding=params["encoding"],
        sheet=params["sheet"],
        columns=spec_columns(spec, params["by"]) if spec else None,
        keep=keep,
    )
    notes = [f"read {export.rows_read} responses from {export.path.name} ({export.platform})"]
    if export.dropped:
        notes.append("dropped personal-data columns: " + ", ".join(export.dropped))
    notes += list(export.notes)
    if spec is None:
        from rapstats.infer import infer_spec

        spec = infer_spec(export)
        notes.append(
            f"no --spec given: inferred one with {len(spec.questions)} questions "
            "(write it with `rapstats init` to check and edit it)"
        )
    summary = summarize(
        export,
        spec,
        by=params["by"],
        method=params["method"],
        test=params["test"],
        confidence=params["confidence"],
        adjust=params["adjust"],
        with_frequencies="frequencies" in publish,
    )
    protected = protect(
        summary, unsafe_no_suppression=params["unsafe_no_suppression"], publish=publish
    )
    for message in notes:
        note(ctx, message)
    return protected


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
    _emit(ctx, render_summary(_pipeline(ctx, params, ("rows",)), fmt), output)


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
    summary = _pipeline(ctx, params, ("rows", "frequencies"))
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
@click.option("--encoding", help="Text encoding of a CSV. Default: detected.")
@click.option("--sheet", help="Worksheet of an XLSX/ODS. Default: the first.")
@click.pass_context
def init(
    ctx: click.Context,
    export: Path,
    output: Path | None,
    force: bool,
    platform: str,
    encoding: str | None,
    sheet: str | None,
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
    from rapstats.infer import infer_spec
    from rapstats.io import load_export
    from rapstats.spec import spec_to_toml

    check_output(output, {"export": export})
    if output is not None and output.exists() and not force:
        raise click.ClickException(f"{output} exists. Fix: use --force to overwrite it.")
    loaded = load_export(export, platform=platform, encoding=encoding, sheet=sheet)
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
    web addresses become [redacted: ...]; comments from groups (with --by) smaller than the
    spec's disclosure.min_base are withheld. Read what is left before publishing it: names
    are not detected.

    Example:

        rapstats comments data/sample/feedback.csv --spec data/sample/feedback.toml --by area
    """
    from rapstats.files import check_output
    from rapstats.io import load_export
    from rapstats.normalise import normalise, spec_columns
    from rapstats.redact import comments_of
    from rapstats.render.tables import render_comments
    from rapstats.spec import load_spec

    check_output(output, _inputs(params))
    spec = load_spec(params["spec_path"]) if params["spec_path"] else None
    groups = (by,) if by else ()
    export = load_export(
        params["export"],
        platform=params["platform"],
        encoding=params["encoding"],
        sheet=params["sheet"],
        columns=spec_columns(spec, groups) if spec else None,
    )
    if spec is None:
        from rapstats.infer import infer_spec

        spec = infer_spec(export)
    responses = normalise(export, spec, by=groups)
    name = spec.group(by).name if by else None
    quoted = comments_of(responses, group=name, min_base=spec.disclosure.min_base)
    _emit(ctx, render_comments(quoted, fmt, title=spec.title or "Comments"), output)


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
    help="Published interval of the baseline (LOW HIGH) at --confidence.",
)
@click.option(
    "--method",
    # one-share methods, then the difference methods of rapstats.stats.DIFF_METHODS
    type=click.Choice((*CI_METHODS, "newcombe", "newcombe_cc", "agresti_caffo")),
    help="Interval method. Default: wilson (one share), newcombe (--diff).",
)
@click.option(
    "--test",
    type=click.Choice(("score_z", "exact_binomial", "chisq_nocc", "chisq_yates", "fisher")),
    help="Test. Default: score_z (baseline), chisq_nocc (--diff).",
)
@click.option("--confidence", type=float, default=0.95, show_default=True)
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table")
@click.pass_context
def ci_command(
    ctx: click.Context,
    counts: tuple[float, ...],
    diff: bool,
    baseline: float | None,
    baseline_n: float | None,
    baseline_ci: tuple[float, float] | None,
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
    from rapstats import oneoff

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
    from rapstats import oneoff

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
    from rapstats.report import FORMATS, build_report, write_report
    from rapstats.report.write import OWNED, report_steps

    check_output(out, {**_inputs(params), "previous export": previous}, option="--out", owned=OWNED)
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        wrong = repr(bad[0]) if bad else repr(formats)
        raise click.UsageError(f"--formats: {wrong} is not one of " + ",".join(FORMATS))
    quiet = quiet_report or ctx.find_root().params.get("quiet")
    model = build_report(
        params.pop("export"),
        spec=params.pop("spec_path"),
        previous=previous,
        by=params.pop("by") or None,
        date=date,
        options={"formats": ",".join(chosen)},
        formats=chosen,
        **params,
    )
    if quiet or not sys.stderr.isatty():
        paths = write_report(model, out, chosen)
    else:
        with click.progressbar(
            length=report_steps(model, chosen), label="Writing report", file=sys.stderr
        ) as bar:
            paths = write_report(model, out, chosen, progress=lambda _: bar.update(1))
    if not quiet:
        note(ctx, f"wrote {len(paths)} files to {out}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="rapstats")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
