"""Summarise a large text export batch by batch: read, normalise and count each batch, add
the counts (:func:`rapstats.aggregate.merge_counts`), then estimate and protect once.

Counts are sufficient statistics of every published figure, so the merged counts are those of
the whole file and the outputs are the same bytes; memory is bounded by one batch and the
number of cells, not by the file. Label matching sees every value of every batch (row numbers
keep counting across batches); an export with an error (an unknown label, a bad weight) is read
again whole, so that the error is the whole-file one: the first unknown label of the first
question in spec order, with the number of rows that hold it in the file.

Only a CSV/TSV export with a spec is streamed, and only what needs no second look at the file:
no ``[survey] include``, ``--completed-only``, codebook or waves, and no weights: each export's
weights are scaled by a power of two of its own largest (the MAX_WEIGHT_RATIO check is on the
whole column), and sums of floating-point weights added batch by batch can differ from the
whole file's in the last bit, which the JSON shows. Everything else - inference without a spec,
the report's several passes, spreadsheets, the layouts of survey platforms - reads the whole
file (:func:`rapstats.pipeline.survey.open_survey`), as does an export that shows it needs to
(:class:`rapstats.io.stream.NotStreamable`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rapstats.aggregate import Counts
    from rapstats.estimate.summary import Summary
    from rapstats.io import Export
    from rapstats.normalise import Responses
    from rapstats.pipeline.survey import Estimation, ReadOptions
    from rapstats.spec import Spec

STREAM_BYTES = 0
"""Text exports of this size or more are streamed: all of them. Reading and coding on worker
threads while the batch before is counted, the streamed path takes the time of the whole-file
read (which parses on every core) in half its memory or less (README, Large surveys)."""


def streamable(spec: Spec | None, read: ReadOptions) -> bool:
    """Whether a spec and reading options allow the streamed path (see the module notes)."""
    if spec is None or read.completed_only or read.sheet is not None:
        return False
    if read.platform not in ("auto", "plain"):
        return False
    if read.codebook is not None or spec.codebook is not None:
        return False
    return not spec.include and spec.wave is None and not spec.design.weight


def streamed_summary(
    path: str | Path,
    spec: Spec,
    *,
    by: tuple[str, ...],
    read: ReadOptions,
    estimation: Estimation,
    with_frequencies: bool,
    batch_rows: int | None = None,
) -> tuple[Summary, tuple[str, ...]] | None:
    """The unprotected summary of a text export read in batches, and the notes for the user;
    None when the export is to be read whole (smaller than :data:`STREAM_BYTES` unless
    ``batch_rows`` is given, or not streamable).

    Parameters
    ----------
    path : str or Path
        The export.
    spec : Spec
        Its spec.
    by : tuple of str
        Grouping variables.
    read : ReadOptions
        Reading options (see :func:`streamable`).
    estimation : Estimation
        Overrides of the spec's methods.
    with_frequencies : bool
        Build the frequency table too.
    batch_rows : int, optional
        Records per batch; default None streams files of :data:`STREAM_BYTES` or more in
        batches of :data:`rapstats.io.stream.BATCH_ROWS`.
    """
    from rapstats.errors import RapstatsError
    from rapstats.estimate.summary import applied_spec
    from rapstats.io import file_sha256
    from rapstats.io.stream import BATCH_ROWS, NotStreamable

    path = Path(path)
    if not streamable(spec, read) or not path.is_file():
        return None
    size = path.stat().st_size
    if batch_rows is None and size < STREAM_BYTES:
        return None
    applied, names = applied_spec(spec, by, **asdict(estimation))
    columns, keep = spec.load_columns(by)
    with ThreadPoolExecutor(1) as pool, _progress(size) as advance:
        digest = pool.submit(file_sha256, path)
        batches = _batches(path, columns, keep, read, batch_rows or BATCH_ROWS, advance)
        try:
            counted = _counted(batches, applied, names)
        except (NotStreamable, RapstatsError):
            # the whole-file path gives the error as it always has: the first unknown label
            # of the first question in spec order, and how many rows hold it in the file
            return None
        if counted.first is None:  # every row blank: the whole-file path says so
            return None
        return _summary(counted, applied, digest.result(), with_frequencies=with_frequencies)


def _batches(
    path: Path,
    columns: list[str],
    keep: tuple[str, ...],
    read: ReadOptions,
    batch_rows: int,
    advance: Callable[[int], None] | None,
) -> Iterator[Export]:
    from rapstats.io.stream import export_batches

    return export_batches(
        path,
        columns=columns,
        keep=keep,
        platform=read.platform,
        encoding=read.encoding,
        batch_rows=batch_rows,
        on_bytes=advance,
    )


class _Counted:
    """The merged counts of the batches read so far, the first batch and its responses (for
    the source block and notes) and the number of responses."""

    def __init__(self) -> None:
        self.counts: Counts | None = None
        self.first: tuple[Export, Responses] | None = None
        self.levels: dict[str, list[str]] = {}
        self.rows = 0


def _counted(batches: Iterator[Export], spec: Spec, names: tuple[str, ...]) -> _Counted:
    """Normalise and count every batch, adding the counts as they come."""
    from rapstats.aggregate import aggregate, merge_counts
    from rapstats.normalise import group_sort_key, normalise

    out = _Counted()
    keys = {name: group_sort_key(spec.group(name)) for name in names}
    for export in batches:
        responses = normalise(export, spec, by=names)
        counts = aggregate(responses, names)
        out.rows += export.rows_read
        if out.first is None:
            out.first = (export, responses)
        for name in names:
            union = set(out.levels.get(name, ())) | set(responses.groups[name][1])
            out.levels[name] = sorted(union, key=keys[name])
        parts = [counts] if out.counts is None else [out.counts, counts]
        out.counts = merge_counts(parts, out.levels)
    return out


def _summary(
    counted: _Counted, spec: Spec, sha256: str, *, with_frequencies: bool
) -> tuple[Summary, tuple[str, ...]]:
    """The summary of the merged counts, with the notes the whole-file path gives."""
    from rapstats.estimate.summary import summary_from_counts
    from rapstats.estimate.wordings import source_of, wording_notes

    assert counted.first is not None and counted.counts is not None  # streamed_summary checks
    export, responses = counted.first
    export = replace(export, sha256=sha256)
    source = source_of(export, responses) | {"rows_read": counted.rows}
    notes = wording_notes(spec, [(None, responses)])
    summary = summary_from_counts(
        counted.counts, spec, source, notes, with_frequencies=with_frequencies
    )
    told = [f"read {counted.rows} responses from {export.path} ({export.platform})"]
    if export.dropped:
        told.append("dropped personal-data columns: " + ", ".join(export.dropped))
    return summary, (*told, *export.notes)


@contextmanager
def _progress(size: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar over the bytes of the file on stderr, when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    import click

    with click.progressbar(length=size, label="reading", file=sys.stderr) as bar:
        done = [0]

        def advance(at: int) -> None:
            bar.update(max(0, min(at, size) - done[0]))
            done[0] = max(done[0], min(at, size))

        yield advance


__all__ = ["STREAM_BYTES", "streamable", "streamed_summary"]
