"""The command line's shared parts: path and group types, the shared options (read, input,
estimate, output), and the steps every command ends with (check outputs, emit, notes).

Only click, the standard library and the vocabulary are imported, so ``--help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from rapstats.cli._shown import given, shown
from rapstats.errors import RapstatsError
from rapstats.vocab import (
    ADJUST_CHOICES,
    BASELINE_TEST_CHOICES,
    CI_METHODS,
    MAX_CONFIDENCE,
    MAX_UNPACKED_MB,
    PLATFORMS,
)

if TYPE_CHECKING:
    from pathlib import Path

    from rapstats.estimate.summary import Summary


FORMATS = ("table", "csv", "json", "markdown")
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
CONFIDENCE = click.FloatRange(0, MAX_CONFIDENCE, min_open=True)


class _Path(click.Path):
    """A click.Path that gives a pathlib.Path; pathlib loads only when a value is converted
    (so that ``--help`` does not import it). With ``allow_dash``, ``-`` gives None (standard
    output)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path

        value = super().convert(value, param, ctx)
        if self.allow_dash and value == "-":
            return None
        given(ctx, value)
        return Path(value)


EXPORT = _Path()
"""The type of every argument or option naming an export: a file, or a folder or quoted glob
of the parts of one survey (CSV/TSV, Parquet or Arrow/Feather), resolved where it is read
(:func:`rapstats.io.load_export`); so it is a path that may name a folder, or nothing yet."""


class _Group(click.Group):
    """Turn rapstats' own errors into one-line messages (exit 1), never tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RapstatsError as exc:
            raise click.ClickException(shown(ctx, str(exc))) from None


def note(ctx: click.Context, *messages: str) -> None:
    """Messages for the user on stderr, unless ``--quiet``, as :func:`shown` shows them."""
    if not ctx.find_root().params.get("quiet"):
        for message in messages:
            click.echo(f"rapstats: {shown(ctx, message)}", err=True)


def _encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse an --encoding that is no text encoding (``rot13``) before anything is read."""
    if value is not None:
        from rapstats.io import text_encoding

        try:
            text_encoding(value)
        except RapstatsError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


def _options(*options: Decorator) -> Decorator:
    """Apply click options in the order given (the first is listed first by ``--help``)."""

    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            f = option(f)
        return f

    return apply


def _gathered(name: str, kind: str, keys: tuple[str, ...], *options: Decorator) -> Decorator:
    """``options``, given to the command as one argument ``name``: the
    :mod:`rapstats.pipeline` dataclass ``kind`` made, once, from the options named ``keys``."""

    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def command(*args: Any, **params: Any) -> Any:
            from rapstats import pipeline

            params[name] = getattr(pipeline, kind)(**{k: params.pop(k) for k in keys})
            return f(*args, **params)

        return _options(*options)(command)

    return apply


def read_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """How to read an export, given to the command as one ``read`` (ReadOptions)."""
    return _gathered(
        "read",
        "ReadOptions",
        ("platform", "encoding", "sheet", "max_unpacked_mb", "completed_only", "codebook"),
        click.option(
            "--platform",
            type=click.Choice(PLATFORMS),
            default="auto",
            show_default=True,
            help="Layout of the export.",
        ),
        click.option(
            "--encoding", callback=_encoding, help="Text encoding of a CSV. Default: detected."
        ),
        click.option("--sheet", help="Worksheet of an XLSX/ODS. Default: the first."),
        click.option(
            "--max-unpacked-mb",
            type=click.FloatRange(0, min_open=True),
            default=MAX_UNPACKED_MB,
            show_default=True,
            help="Largest size an XLSX/ODS may unpack to, in MB (refuses zip bombs).",
        ),
        click.option(
            "--completed-only",
            is_flag=True,
            help="Count only completed responses (Qualtrics: Finished; Microsoft and Google "
            "Forms hold no others). Otherwise use [survey] include in the spec.",
        ),
        click.option(
            "--codebook",
            type=_Path(dir_okay=False),
            help="Qualtrics survey file (.qsf) labelling a numeric export's codes. "
            "Default: the spec's [survey] codebook.",
        ),
    )(f)


def input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The export, its spec and how to read it (``read``): shared by every reader."""
    return _inputs(click.argument("export", type=EXPORT))(f)


def waves_input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """As :func:`input_options` for one export or several as waves (``exports``), with
    ``--wave-names`` (given as ``wave_names``, a list, or None)."""
    return _inputs(
        exports_argument,
        click.option(
            "--wave-names",
            metavar="A,B,...",
            callback=_split_names,
            help="With several exports (waves, oldest first): their names, one each. "
            "Default: the file names.",
        ),
    )(f)


exports_argument = click.argument("exports", nargs=-1, required=True, type=EXPORT)
"""One export or several (``exports``), as waves (summarize, freq, compare)."""


def _split_names(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``A, B,C`` -> ``["A", "B", "C"]`` (None stays None)."""
    return None if value is None else [n.strip() for n in value.split(",")]


def _inputs(*arguments: Decorator) -> Decorator:
    """``arguments`` (the exports), then --spec and the read options."""
    return _options(
        *arguments,
        click.option(
            "--spec",
            "spec_path",
            type=_Path(dir_okay=False),
            help="Survey spec (TOML). Default: inferred from the export, as `rapstats init`.",
        ),
        read_options,
    )


def estimate_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options of commands that estimate shares; the spec's overrides given as ``estimation``."""
    estimation = _gathered(
        "estimation",
        "Estimation",
        ("confidence", "method", "test", "adjust"),
        click.option(
            "--confidence",
            type=CONFIDENCE,
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
    )
    return _options(
        click.option(
            "--by",
            multiple=True,
            metavar="GROUP",
            help="Split by a spec group or export column; repeat to cross (e.g. --by area "
            "--by quarter).",
        ),
        estimation,
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
    )(f)


ENGINES = ("local", "spark")


def engine_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--engine and --master (given as ``engine`` and ``master``): where answers are counted."""
    return _options(
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="local",
            show_default=True,
            help="Where the answers are counted: here, or on Spark (pip install "
            '"rapstats[spark]"; the export is then a CSV/TSV or Parquet file or folder, and '
            "--spec is needed). Weights and survey designs too: the same output either way.",
        ),
        click.option(
            "--master",
            metavar="URL",
            help="With --engine spark: the Spark master. Default: local[*] (this machine).",
        ),
    )(f)


def _spark_summary(
    exports: Sequence[Path], spec: Path | None, master: str | None, **params: Any
) -> tuple[Summary, tuple[str, ...]]:
    """The summary of one dataset counted on Spark (:func:`rapstats.pipeline.spark.
    summarize_dataset`); what it cannot do is a usage error."""
    from rapstats.pipeline import ReadOptions
    from rapstats.pipeline.spark import DEFAULT_MASTER, summarize_dataset

    wave_names, read = params.pop("wave_names"), params.pop("read")
    if spec is None:
        raise click.UsageError("--engine spark needs --spec (a spec is not inferred on Spark)")
    if len(exports) != 1 or wave_names is not None:
        raise click.UsageError("--engine spark reads one dataset (a file or a folder), not waves")
    if read != ReadOptions():
        raise click.UsageError(
            "--engine spark reads a plain CSV/TSV or Parquet dataset: leave out --platform, "
            "--encoding, --sheet, --max-unpacked-mb, --completed-only and --codebook"
        )
    return summarize_dataset(exports[0], spec, master=master or DEFAULT_MASTER, **params)


def _format_option(choices: tuple[str, ...], **shown: Any) -> Decorator:
    """--format (given as ``fmt``): one of ``choices``, the first by default."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], **shown)


_NOTES = "rapstats.notes"  # where --notes FILE is kept (ctx.meta), for _check and _emit


def _notes_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    ctx.meta[_NOTES] = value


notes_option = click.option(
    "--notes",
    type=_Path(dir_okay=False),
    metavar="FILE",
    expose_value=False,
    callback=_notes_file,
    help="Also write the output's notes (methods, disclosure legend, warnings) to FILE, one a "
    "line. CSV holds no notes: they go to FILE, else to standard error.",
)


def output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--format, --output and --notes (kept for :func:`_check` and :func:`_emit`)."""
    return _options(
        _format_option(FORMATS, show_default=True, help="Output format."),
        click.option(
            "--output",
            "-o",
            type=_Path(allow_dash=True),
            help="Write to this file (atomically; never over an input) instead of standard "
            "output (-).",
        ),
        notes_option,
    )(f)


def _check(outputs: dict[str, Path | None], inputs: dict[str, Path | None]) -> None:
    """Refuse any of ``outputs`` (by option), and ``--notes FILE``, that would replace one of
    ``inputs`` (by role), as :func:`rapstats.files.check_output`."""
    from rapstats.files import check_output

    notes = click.get_current_context().meta.get(_NOTES)
    if notes is not None:
        output = outputs.get("--output")
        if output is not None and os.path.realpath(output) == os.path.realpath(notes):
            raise click.UsageError("--notes and --output name the same file")
        outputs = {**outputs, "--notes": notes}
    for option, path in outputs.items():
        check_output(path, inputs, option=option)


def _emit(
    ctx: click.Context,
    text: str | Iterable[str],
    output: Path | None,
    notes: Sequence[str] = (),
    *,
    apart: bool = False,
) -> None:
    """Write ``text`` (or its pieces, as they come) to ``output`` (standard output if None;
    a file whole and atomically), then its ``notes`` to
    ``--notes FILE`` if given, else, when the text leaves them out (``apart``: CSV), to
    standard error as ``note:`` lines."""
    from rapstats.files import write_atomic

    if output is None:
        for piece in [text] if isinstance(text, str) else text:
            click.echo(piece, nl=False)
    else:
        write_atomic(output, text)
        note(ctx, f"wrote {output}")
    path = ctx.meta.get(_NOTES)
    if path is not None:
        from rapstats.escape import visible

        write_atomic(path, "".join(visible(" ".join(n.split())) + "\n" for n in notes))
        note(ctx, f"wrote the notes to {path}")
    elif apart:
        note(ctx, *(f"note: {n}" for n in notes))


def _summary(
    ctx: click.Context, output: Path | None, publish: tuple[str, ...], **params: Any
) -> Summary:
    """The protected summary of summarize and freq (:func:`rapstats.pipeline.summarize_files`,
    of one export or several waves); notes are shown only when every step succeeded, so a
    failure prints exactly one line."""
    from rapstats.pipeline import summarize_files

    explain = params.pop("explain_suppression")
    exports, spec = params.pop("exports"), params.pop("spec_path")
    engine, master = params.pop("engine", "local"), params.pop("master", None)
    inputs = {"export" if len(exports) == 1 else f"export {k}": p for k, p in enumerate(exports, 1)}
    _check({"--output": output, "--explain-suppression": explain}, inputs | {"spec": spec})
    if engine == "spark":
        summary, notes = _spark_summary(exports, spec, master, **params, publish=publish)
    elif master is not None:
        raise click.UsageError("--master is for --engine spark")
    else:
        summary, notes = summarize_files(exports, spec, **params, publish=publish)
    _explain(ctx, (summary,), explain)
    note(ctx, *notes)
    return summary


def _explain(ctx: click.Context, summaries: Iterable[Summary], path: Path | None) -> None:
    """Write the analyst's suppression audit (why each cell was withheld), if asked."""
    if path is None:
        return
    from rapstats.files import write_atomic
    from rapstats.render.tables import render_suppression_audit

    write_atomic(path, render_suppression_audit(tuple(summaries)))
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
