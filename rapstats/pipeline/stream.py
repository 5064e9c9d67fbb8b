"""Summarise a large export batch by batch: read, normalise and count each batch, add
the counts (:func:`rapstats.aggregate.merge_counts`), then estimate and protect once.

Counts are sufficient statistics of every published figure, so the merged counts are those of
the whole file and the outputs are the same bytes; memory is bounded by one batch and the
number of cells, not by the file. Label matching sees every value of every batch (row numbers
keep counting across batches); an export with an error (an unknown label, a bad weight) is read
again whole, so that the error is the whole-file one: the first unknown label of the first
question in spec order, with the number of rows that hold it in the file.

Sums of weights (``[survey] weight``) and design sums (``strata``, ``ids``, ``fpc``) are exact
until published (:class:`rapstats.aggregate.StreamedSums`), whatever the batches, so weighted
outputs are the same bytes too. An ``fpc`` without a weight column streams as well: its
weights N_h / n_h need the whole file's n_h, so each sum's respondents are counted per stratum
and weighed at the end (c respondents of weight w_h sum to exactly c * w_h).

What is streamed (:func:`_source`): a CSV/TSV export of :data:`STREAM_BYTES` or more, a
Parquet or Arrow/Feather file, folder or glob (:func:`rapstats.io.columnar.columnar_batches`),
and a folder or glob of CSV parts of one survey (:mod:`rapstats.io.parts`; a part with an error
is read again whole, for its own error). Only with a spec, and only what needs no second look at
the file: no ``[survey] include``, ``--completed-only``, codebook or waves.
Everything else - inference without a spec, the report's several passes, spreadsheets, the
layouts of survey platforms - reads the whole file
(:func:`rapstats.pipeline.survey.open_survey`), as does an export that shows it needs to
(:class:`rapstats.io.stream.NotStreamable`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rapstats.aggregate import Counts, StreamedSums
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
    return not spec.include and spec.wave is None


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
    from rapstats.io.stream import NotStreamable

    path = Path(path)
    if not streamable(spec, read):
        refuse_parts(path)
        return None
    source = _source(path, batch_rows)
    if source is None:
        return None
    applied, names = applied_spec(spec, by, **asdict(estimation))
    columns, keep = spec.load_columns(by)
    with ThreadPoolExecutor(1) as pool, _progress(source.size) as advance:
        digest = pool.submit(source.digest, path)
        batches = source.batches(path, columns, keep, read, batch_rows or source.rows, advance)
        try:
            with closing(batches):  # the reader threads end here, whatever happens
                counted = _counted(batches, applied, names)
        except (NotStreamable, RapstatsError):
            # the whole-file path gives the error as it always has: the first unknown label
            # of the first question in spec order, and how many rows hold it in the file
            if source.whole is None:
                return None
            counted = _counted(source.whole(path, columns, keep, read), applied, names)
        if counted.first is None:  # every row blank: the whole-file path says so
            return None
        return _summary(counted, applied, path, digest.result(), with_frequencies=with_frequencies)


def refuse_parts(path: str | Path) -> None:
    """Raise a RapstatsError when ``path`` is a survey in CSV parts, which is read part by
    part only: for what needs an export read whole (no spec, ``--profile``, ...)."""
    from rapstats.errors import RapstatsError
    from rapstats.io.parts import text_parts

    if text_parts(Path(path)) is not None:
        raise RapstatsError(
            "is a survey in parts, read part by part: that needs a spec, and not --profile, "
            "--completed-only, a codebook, or [survey] include or wave",
            path=path,
            hint="give --spec (write one from a part with `rapstats init PART -o spec.toml`) "
            "and leave those options out, or join the parts into one export",
        )


class _Source(NamedTuple):
    """Where the batches of an export come from: its size in bytes (for the progress bar),
    its digest, its batches (``batches(path, columns, keep, read, batch_rows, advance)``) and
    their default number of records; for a survey in parts, its parts each read whole
    (``whole(path, columns, keep, read)``: the errors of each part's whole-file reader)."""

    size: int
    digest: Callable[[Path], str]
    batches: Callable[..., Iterator[Export]]
    rows: int
    whole: Callable[..., Iterator[Export]] | None = None


def _source(path: Path, batch_rows: int | None) -> _Source | None:
    """How to read ``path`` in batches; None: read it whole. A columnar file, folder or glob
    and a folder or glob of CSV parts (:mod:`rapstats.io.parts`) are always streamed; a text
    export when it is :data:`STREAM_BYTES` or more, or ``batch_rows`` is given."""
    from rapstats.io import file_sha256
    from rapstats.io.columnar import COLUMNAR_BATCH_ROWS, columnar_digest, columnar_format
    from rapstats.io.parts import parts_batches, parts_digest, text_parts
    from rapstats.io.stream import BATCH_ROWS, export_batches

    if columnar_format(path) is not None:
        return _Source(0, columnar_digest, _columnar_batches, COLUMNAR_BATCH_ROWS)
    parts = text_parts(path)
    if parts is not None:
        size = sum(p.stat().st_size for p in parts)
        in_parts = partial(_text, parts_batches)
        return _Source(size, parts_digest, in_parts, BATCH_ROWS, in_parts)
    if not path.is_file():
        return None
    size = path.stat().st_size
    if batch_rows is None and size < STREAM_BYTES:
        return None
    return _Source(size, file_sha256, partial(_text, export_batches), BATCH_ROWS)


def _columnar_batches(
    path: Path,
    columns: list[str],
    keep: tuple[str, ...],
    read: ReadOptions,
    batch_rows: int,
    advance: Callable[[int], None] | None,
) -> Iterator[Export]:
    from rapstats.io.columnar import columnar_batches

    return columnar_batches(path, columns=columns, keep=keep, batch_rows=batch_rows)


def _text(
    reader: Callable[..., Iterator[Export]],
    path: Path,
    columns: list[str],
    keep: tuple[str, ...],
    read: ReadOptions,
    batch_rows: int | None = None,
    advance: Callable[[int], None] | None = None,
) -> Iterator[Export]:
    """``reader``'s batches of a text export or of its parts (``batch_rows`` None: parts
    whole) with the reading options."""
    return reader(
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
        self.sums: StreamedSums | None = None

    def weighed(self, responses: Responses, names: tuple[str, ...]) -> Responses:
        """Add the sums of a weighted batch's weights (and design) to :attr:`sums`; the batch
        without them, to be counted."""
        if responses.weights is None:
            return responses
        from rapstats.aggregate import StreamedSums

        if self.sums is None:
            self.sums = StreamedSums(responses.spec, names)
        self.sums.add(responses)
        return replace(responses, weights=None, design=None)


def _counted(batches: Iterator[Export], spec: Spec, names: tuple[str, ...]) -> _Counted:
    """Normalise and count every batch, adding the counts as they come."""
    from rapstats.aggregate import aggregate, merge_counts
    from rapstats.normalise import group_sort_key, normalise

    out = _Counted()
    keys = {name: group_sort_key(spec.group(name)) for name in names}
    for export in batches:
        responses = normalise(export, spec, by=names)
        counts = aggregate(out.weighed(responses, names), names)
        out.rows += export.rows_read
        if out.first is None:
            out.first = (export, responses)
        for name in names:
            union = set(out.levels.get(name, ())) | set(responses.groups[name][1])
            out.levels[name] = sorted(union, key=keys[name])
        parts = [counts] if out.counts is None else [out.counts, counts]
        out.counts = merge_counts(parts, out.levels)
    if out.sums is not None and out.counts is not None:
        out.counts = out.sums.counts(out.counts)
    return out


def _summary(
    counted: _Counted, spec: Spec, path: Path, sha256: str, *, with_frequencies: bool
) -> tuple[Summary, tuple[str, ...]]:
    """The summary of the merged counts, with the notes the whole-file path gives."""
    from rapstats.estimate.summary import summary_from_counts
    from rapstats.estimate.wordings import source_of, wording_notes

    assert counted.first is not None and counted.counts is not None  # streamed_summary checks
    export, responses = counted.first
    export = replace(export, path=path, sha256=sha256)  # a survey in parts: the folder
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
    if not sys.stderr.isatty() or not size:
        yield None
        return
    import click

    with click.progressbar(length=size, label="reading", file=sys.stderr) as bar:
        done = [0]

        def advance(at: int) -> None:
            bar.update(max(0, min(at, size) - done[0]))
            done[0] = max(done[0], min(at, size))

        yield advance


__all__ = ["STREAM_BYTES", "refuse_parts", "streamable", "streamed_summary"]
