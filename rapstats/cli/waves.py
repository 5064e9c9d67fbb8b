"""``rapstats compare``: the change of every share between two exports (waves, quarters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from rapstats.cli.options import (
    CONFIDENCE,
    _check,
    _emit,
    _Path,
    exports_argument,
    note,
    output_options,
    read_options,
)
from rapstats.vocab import ADJUST_CHOICES, COMPARE_AGAINST

if TYPE_CHECKING:
    from pathlib import Path

    from rapstats.pipeline import Comparison, ReadOptions


@click.command()
@exports_argument
@click.option(
    "--spec",
    "spec_path",
    type=_Path(dir_okay=False),
    help="Survey spec (TOML) for every export. Default: inferred from the latest.",
)
@click.option(
    "--wave-names",
    metavar="A,B,...",
    help="Names of the waves, one per export (oldest first). Default: the file names.",
)
@click.option(
    "--against",
    type=click.Choice(COMPARE_AGAINST),
    default="previous",
    show_default=True,
    help="Compare each wave with the one before it, with the first, or every pair.",
)
@click.option(
    "--between",
    metavar="GROUP",
    help="Compare the levels of a spec group or export column within each export (each with "
    "the rest, or with --reference), plus a test of homogeneity per question.",
)
@click.option(
    "--reference", metavar="LEVEL", help="With --between: compare each level with this one."
)
@click.option(
    "--by",
    multiple=True,
    metavar="GROUP",
    help="Also compare within each level of a spec group or export column (waves: repeat to "
    "cross; with --between: one group).",
)
@read_options
@click.option("--confidence", type=CONFIDENCE, help="Confidence level. Default: the spec's.")
@click.option(
    "--adjust",
    type=click.Choice(ADJUST_CHOICES),
    help="Multiplicity adjustment across the changes. Default: the spec's, else holm.",
)
@click.option(
    "--unsafe-no-suppression",
    is_flag=True,
    help="Do not suppress small cells (internal working files only; marked UNSUPPRESSED).",
)
@output_options
@click.pass_context
def compare(
    ctx: click.Context,
    exports: tuple[Path, ...],
    spec_path: Path | None,
    wave_names: str | None,
    against: str,
    between: str | None,
    reference: str | None,
    by: tuple[str, ...],
    read: ReadOptions,
    confidence: float | None,
    adjust: str | None,
    unsafe_no_suppression: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Change of every share between exports (quarters, waves), tested.

    EXPORTS are two or more waves, oldest first (named by --wave-names, else by the spec's
    [survey] wave, else by their file names); or one export that the spec's [survey] wave
    splits into waves (the quarters of a continuous export). For each pair compared and each
    question: both shares, the change in percentage points (later minus earlier) with a Newcombe
    interval, a chi-square test (Fisher's exact test where counts are small) and p adjusted
    across the pair's changes. With four or more quarterly waves (names such as 2026Q1 or
    "Q1 2026"), also each wave against the same quarter a year earlier; with three or more, a
    test for linear trend across all of them (Cochran-Armitage). Every export is read with
    one spec; a change is withheld ([c]) where either wave's share is, a trend where any is.
    A wave given as a folder or quoted glob of parts is one wave in parts, pooled.

    Example:

        rapstats compare Q1.csv Q2.csv Q3.csv --spec pulse.toml --against first --by area

    With --between GROUP (one EXPORT or several waves): each level of GROUP against the rest
    of the respondents (or --reference LEVEL), with the same intervals and tests
    (design-based when weighted) and a test of homogeneity across the levels per question:

        rapstats compare staff.csv --spec staff.toml --between area --reference North
    """
    from rapstats.pipeline import Estimation, compare_files

    if between is not None or reference is not None:
        _between(ctx, exports, spec_path, between, reference, by, read, confidence, adjust)
        return
    if len(exports) < 2 and spec_path is None:  # else the spec's [survey] wave may split it
        raise click.UsageError("give two or more exports, oldest first", ctx=ctx)
    names = None if wave_names is None else [n.strip() for n in wave_names.split(",")]
    inputs = {f"export {k}": p for k, p in enumerate(exports, start=1)} | {"spec": spec_path}
    _check({"--output": output}, inputs)
    comparison, notes = compare_files(
        exports,
        spec_path,
        wave_names=names,
        against=against,
        by=by,
        read=read,
        estimation=Estimation(confidence=confidence, adjust=adjust),
        unsafe_no_suppression=unsafe_no_suppression,
    )
    _emit_changes(ctx, comparison, fmt, output)
    note(ctx, *notes)


def _between(
    ctx: click.Context,
    exports: tuple[Path, ...],
    spec_path: Path | None,
    between: str | None,
    reference: str | None,
    by: tuple[str, ...],
    read: ReadOptions,
    confidence: float | None,
    adjust: str | None,
) -> None:
    """``compare EXPORT --between GROUP``: the differences between the levels of a group."""
    from rapstats.pipeline import Estimation, compare_groups, compare_groups_in_waves

    if between is None:
        raise click.UsageError("--reference needs --between GROUP", ctx=ctx)
    params = ctx.params
    if ctx.get_parameter_source("against") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--against compares waves, not --between groups", ctx=ctx)
    if params["wave_names"] is not None and len(exports) == 1:
        raise click.UsageError("--wave-names needs several exports", ctx=ctx)
    inputs = {f"export {k}": p for k, p in enumerate(exports, start=1)} | {"spec": spec_path}
    _check({"--output": params["output"]}, inputs)
    options = {
        "between": between,
        "reference": reference,
        "by": by,
        "read": read,
        "estimation": Estimation(confidence=confidence, adjust=adjust),
        "unsafe_no_suppression": params["unsafe_no_suppression"],
    }
    if len(exports) == 1:
        comparison, notes = compare_groups(exports[0], spec_path, **options)
    else:
        names = params["wave_names"]
        names = None if names is None else [n.strip() for n in names.split(",")]
        comparison, notes = compare_groups_in_waves(exports, spec_path, wave_names=names, **options)
    _emit_changes(ctx, comparison, params["fmt"], params["output"])
    note(ctx, *notes)


def _emit_changes(ctx: click.Context, c: Comparison, fmt: str, output: Path | None) -> None:
    """Render and write a comparison with its notes (apart, for CSV)."""
    from rapstats.render.changes import changes_notes, render_changes

    text = render_changes(c.changes, c.waves, c.summaries, fmt, by=c.by)
    _emit(ctx, text, output, changes_notes(c.changes, c.summaries), apart=fmt == "csv")
