"""``rapstats batch``: many exports at once, one result stream (JSON Lines or CSV)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from rapstats.cli._shown import given, shown
from rapstats.cli.options import (
    _check,
    _emit,
    _format_option,
    _Path,
    note,
    notes_option,
    read_options,
)

if TYPE_CHECKING:
    from pathlib import Path

    from rapstats.pipeline import BatchResult, ReadOptions
    from rapstats.pipeline.batch import Progress


@click.command()
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--spec",
    "spec_path",
    type=_Path(dir_okay=False),
    help="Survey spec (TOML) for every export. Default: inferred from each export, as "
    "`rapstats init`.",
)
@click.option(
    "--by",
    multiple=True,
    metavar="GROUP",
    help="Split by a spec group or export column; repeat to cross (as summarize --by).",
)
@read_options
@_format_option(("jsonl", "csv"), show_default=True, help="Output format.")
@click.option(
    "--output",
    "-o",
    type=_Path(allow_dash=True),
    help="Write to this file (atomically; never over an input) instead of standard output (-).",
)
@notes_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes. Default: the CPUs usable, at most one per export; 1 works in "
    "this process.",
)
@click.pass_context
def batch(
    ctx: click.Context,
    exports: tuple[str, ...],
    spec_path: Path | None,
    by: tuple[str, ...],
    read: ReadOptions,
    fmt: str,
    output: Path | None,
    jobs: int | None,
) -> None:
    """Summarise many exports at once, each on its own, into one stream.

    Each EXPORT (a folder: every export in it, by name, each a survey of its own; to pool
    the parts of one survey, `rapstats summarize FOLDER`) is summarised and protected as
    `rapstats summarize EXPORT --spec S --by G` would, in parallel; the rows come out in
    the order given, each with the export's path first (`file`). jsonl: per export, one
    line with "kind": "input" (input, spec, methods, disclosure), then one line per row.
    csv: one header, the summarize columns after `file`; the notes go to stderr (or
    --notes FILE). An export
    that fails is one "Error:" line on stderr, the others still run, and the exit code is 1.

    Examples:

        rapstats batch exports/ --spec pulse.toml --by area > all.jsonl

        rapstats batch Q1.xlsx Q2.csv --format csv -o all.csv --jobs 2
    """
    from pathlib import Path

    from rapstats.pipeline import batch_files, expand_exports
    from rapstats.render.batch import batch_notes, render_batch
    from rapstats.spec import load_spec

    paths = expand_exports(exports)
    given(ctx, *exports, *paths)  # each export of a folder is a survey of its own, named
    inputs = {f"export {k}": Path(p) for k, p in enumerate(paths, start=1)}
    _check({"--output": output}, inputs | {"spec": spec_path})
    spec = None if spec_path is None else load_spec(spec_path)  # a bad spec stops it all

    def run(progress: Progress | None) -> list[BatchResult]:
        return list(batch_files(paths, spec, by=by, read=read, jobs=jobs, progress=progress))

    results = _with_progress(ctx, len(paths), run)
    items = [(r.label, r.summary) for r in results if r.summary is not None]
    for r in results:
        note(ctx, *(f"{r.path}: {n}" for n in r.notes))
    _emit(ctx, render_batch(items, fmt), output, batch_notes(items), apart=fmt == "csv")
    failed = [r for r in results if r.error is not None]
    for r in failed:
        click.echo(f"Error: {shown(ctx, r.error)}", err=True)
    if failed:
        note(ctx, f"{len(failed)} of {len(results)} exports failed")
        ctx.exit(1)


def _with_progress(
    ctx: click.Context, total: int, run: Callable[[Progress | None], list[BatchResult]]
) -> list[BatchResult]:
    """``run(progress)``, with a progress bar on stderr (exports done, the last one) when
    stderr is a terminal and not ``--quiet``."""
    if ctx.find_root().params.get("quiet") or not sys.stderr.isatty():
        return run(None)
    from rapstats.escape import visible

    with click.progressbar(
        length=total,
        label="Summarising",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda path: None if path is None else visible(path),
    ) as bar:
        return run(lambda done, n, path: bar.update(1, path))
