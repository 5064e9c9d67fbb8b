"""``rapstats compare``: the change of every share between two exports (waves, quarters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from rapstats.cli.options import (
    CONFIDENCE,
    _check,
    _emit,
    _Path,
    note,
    output_options,
    read_options,
)
from rapstats.vocab import ADJUST_CHOICES

if TYPE_CHECKING:
    from pathlib import Path

    from rapstats.pipeline import ReadOptions


@click.command()
@click.argument("earlier", type=_Path(dir_okay=False))
@click.argument("later", type=_Path(dir_okay=False))
@click.option(
    "--spec",
    "spec_path",
    type=_Path(dir_okay=False),
    help="Survey spec (TOML) for both exports. Default: inferred from the later one.",
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
    earlier: Path,
    later: Path,
    spec_path: Path | None,
    read: ReadOptions,
    confidence: float | None,
    adjust: str | None,
    unsafe_no_suppression: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Change of every share between two exports (quarters, waves), tested.

    For each question: the earlier and later shares, the change in percentage points (later
    minus earlier) with a Newcombe interval, a chi-square test (Fisher's exact test where
    counts are small) and p adjusted across the changes. Both exports are read with one spec;
    a change is withheld ([c]) where either wave's share is.

    Example:

        rapstats compare Q1.csv Q2.csv --spec pulse.toml --format csv
    """
    from rapstats.pipeline import Estimation, compare_files
    from rapstats.render.changes import render_changes

    inputs = {"earlier export": earlier, "later export": later, "spec": spec_path}
    _check({"--output": output}, inputs)
    comparison, notes = compare_files(
        earlier,
        later,
        spec_path,
        read=read,
        estimation=Estimation(confidence=confidence, adjust=adjust),
        unsafe_no_suppression=unsafe_no_suppression,
    )
    c = comparison
    _emit(ctx, render_changes(c.changes, c.earlier, c.later, fmt), output)
    note(ctx, *notes)
