"""``rapstats check``: a dry run of an export against its spec, before a batch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from rapstats.cli._shown import shown
from rapstats.cli.options import _format_option, input_options

if TYPE_CHECKING:
    from pathlib import Path

    from rapstats.pipeline import ReadOptions


@click.command()
@input_options
@_format_option(("table", "json"), show_default=True, help="Output format.")
@click.pass_context
def check(
    ctx: click.Context, export: Path, spec_path: Path | None, read: ReadOptions, fmt: str
) -> None:
    """Dry run: what summarize would read, match and stop at, without computing anything.

    Lists the platform and encoding detected; the rows read and those left out (previews,
    totals rows) and the personal-data columns dropped, with reasons; for each question of
    the spec the column matched (or not, with the closest header), every unknown label with
    its count and first rows (numbered as in the file), and each group's levels with their
    counts. Exit code 1 when anything would stop summarize (each problem is also one
    `Error:` line on stderr), 0 otherwise.

    Example:

        rapstats check data/sample/feedback.csv --spec data/sample/feedback.toml
    """
    from rapstats.pipeline import check_file
    from rapstats.render.check import render_check

    report = check_file(export, spec_path, read=read)
    click.echo(render_check(report.to_dict(), fmt), nl=False)
    for problem in report.problems:
        click.echo(f"Error: {shown(ctx, problem)}", err=True)
    if not report.ok:
        ctx.exit(1)
