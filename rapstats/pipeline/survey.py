"""Open an export with its spec, summarise, protect, quote comments: the wiring every command
shares (see :mod:`rapstats.pipeline`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapstats.errors import RapstatsError
from rapstats.vocab import MAX_UNPACKED_MB

if TYPE_CHECKING:
    from concurrent.futures import Future

    from rapstats.estimate.summary import Summary
    from rapstats.io import Export
    from rapstats.protect.redact import QuotableComments
    from rapstats.spec import Spec


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read an export (as :func:`rapstats.io.load_export`); ``completed_only`` counts
    only completed responses (:func:`rapstats.normalise.completed_only`)."""

    platform: str = "auto"
    encoding: str | None = None
    sheet: str | None = None
    max_unpacked_mb: float = MAX_UNPACKED_MB
    completed_only: bool = False
    codebook: str | Path | None = None  # a .qsf labelling a numeric export; else the spec's

    def load(self) -> dict[str, Any]:
        """The keyword arguments of :func:`rapstats.io.load_export`."""
        return {
            "platform": self.platform,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "max_unpacked_mb": self.max_unpacked_mb,
            "codebook": self.codebook,
        }


@dataclass(frozen=True, slots=True)
class Estimation:
    """Overrides of the spec's ``[defaults]``; None keeps the spec's."""

    method: str | None = None
    test: str | None = None
    confidence: float | None = None
    adjust: str | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """An export loaded with its spec, and the notes for the user (stderr); ``wave`` its name
    when it is one wave of several (then a question it lacks was not asked in it); ``hashing``
    the file's digest being computed on a second thread (opened with ``digest=False``: its
    ``export.sha256`` is empty)."""

    export: Export
    spec: Spec
    notes: tuple[str, ...]
    wave: str | None = None
    hashing: Future[str] | None = None  # opened with digest=False: sha256 of the file, to come


def open_survey(
    path: str | Path,
    spec: str | Path | Spec | None = None,
    *,
    by: tuple[str, ...] = (),
    read: ReadOptions = ReadOptions(),
    wave: str | None = None,
    digest: bool = True,
) -> Opened:
    """Load an export with the columns its spec needs; infer a spec when none is given.

    Parameters
    ----------
    path : str or Path
        The survey export.
    spec : str, Path or Spec, optional
        A spec file (TOML) or a parsed spec. Default None infers one from the export.
    by : tuple of str
        Grouping variables the caller will use (their columns are read too).
    read : ReadOptions
        Platform, encoding and sheet of the export.
    wave : str, optional
        The export's name as one wave of several (default None: the only export).
    digest : bool
        Hash the export while it is read (default True). False hashes a text or spreadsheet
        export once it is opened, on a second thread while the caller summarises
        (:attr:`Opened.hashing`, which the caller waits for; ``export.sha256`` is left empty):
        the read keeps both cores.
    """
    from rapstats.io import load_export
    from rapstats.normalise import completion_columns
    from rapstats.spec import Spec, load_spec

    spec_obj = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    columns = keep = None
    if spec_obj is not None:
        columns, keep = spec_obj.load_columns(by)
        if read.completed_only:
            columns += completion_columns()
    load = load_options(read, spec_obj)
    export = load_export(path, columns=columns, keep=keep or (), digest=digest, **load)
    _import_estimators_meanwhile(export, spec_obj)
    notes = [f"read {export.rows_read} responses from {path} ({export.platform})"]
    if export.dropped:
        notes.append("dropped personal-data columns: " + ", ".join(export.dropped))
    notes += list(export.notes)
    if spec_obj is None:
        from rapstats.spec.infer import infer_spec

        spec_obj = infer_spec(export)
        weight = spec_obj.design.weight
        weighted = f', weighted by column "{weight}"' if weight else ""
        notes.append(
            f"no --spec given: inferred one with {len(spec_obj.questions)} questions{weighted} "
            "(write it with `rapstats init` to check and edit it)"
        )
    spec_obj, chosen = _chosen_responses(spec_obj, export, read.completed_only)
    hashing = None if export.sha256 else _hashed_meanwhile(export.path)
    return Opened(export, spec_obj, (*notes, *chosen), wave=wave, hashing=hashing)


#: Bytes the file is hashed in while the answers are counted: each read
#: and update gives the GIL back to a thread that waits for the main thread to let it go (up
#: to 5 ms), so few and large ones (27 for the 432 MB of the standard workload).
HASH_CHUNK = 1 << 24


def _hashed_meanwhile(path: Path) -> Future[str]:
    """The sha256 of the file at ``path``, computed on a second thread (hashlib lets go of
    the GIL) in chunks of :data:`HASH_CHUNK`; the thread ends when it is done, whatever the
    caller does meanwhile."""
    import threading
    from concurrent.futures import Future

    from rapstats.io import file_sha256

    hashed: Future[str] = Future()

    def run() -> None:
        try:
            hashed.set_result(file_sha256(path, HASH_CHUNK))
        except BaseException as exc:  # given to whoever asks for the result
            hashed.set_exception(exc)

    threading.Thread(target=run, name="rapstats-digest", daemon=True).start()
    return hashed


#: Exports of at least this many responses are summarised while the design-based
#: estimators load.
MEANWHILE_ROWS = 100_000


def _import_estimators_meanwhile(export: Export, spec: Spec | None) -> None:
    """Import what design-based intervals need (``scipy.special``, a tenth of a second) on a
    second thread, while a large export's spec is inferred and its answers are coded and
    counted (much of which leaves the second core free), when the spec is weighted or still
    to be inferred. Started once the export is read, so that it adds nothing to the
    memory the read takes at its peak."""
    import contextlib
    import importlib
    import sys
    import threading

    weighted = spec is None or spec.design.weight is not None
    if not weighted or export.rows_read < MEANWHILE_ROWS or "scipy.special" in sys.modules:
        return

    def load() -> None:
        with contextlib.suppress(ImportError):  # the estimate says what is missing
            importlib.import_module("scipy.special")

    threading.Thread(target=load, name="rapstats-import", daemon=True).start()


def load_options(read: ReadOptions, spec: Spec | None) -> dict[str, Any]:
    """The keyword arguments of :func:`rapstats.io.load_export` for ``read`` with ``spec``:
    the spec's ``[survey] codebook`` unless ``read`` names one."""
    load = read.load()
    if read.codebook is None and spec is not None:
        load["codebook"] = spec.codebook
    return load


def _chosen_responses(spec: Spec, export: Export, completed: bool) -> tuple[Spec, list[str]]:
    """The spec counting only completed responses if asked, and the notes saying which
    responses are counted ([survey] include, completed responses)."""
    from rapstats.normalise import completed_only, included_of

    notes = []
    if completed:
        spec, note = completed_only(spec, export)
        notes += [note] if note else []
    included = included_of(export, spec)
    if included is not None:
        notes.append(included.note())
    return spec, notes


def protected_summary(
    opened: Opened,
    *,
    by: tuple[str, ...] = (),
    estimation: Estimation = Estimation(),
    publish: tuple[str, ...] = ("rows",),
    unsafe_no_suppression: bool = False,
) -> Summary:
    """Summarise an opened export and protect exactly the tables in ``publish``.

    ``publish`` names what the caller will print, of ``("rows", "frequencies", "profile")``:
    only those tables are built and constrain secondary suppression, so nothing is withheld
    to protect a table nobody sees.
    """
    summary = summarise(opened, by, estimation, publish)
    return _protect(summary, unsafe_no_suppression=unsafe_no_suppression, publish=publish)


def _protect(summary: Summary, **options: Any) -> Summary:
    """:func:`rapstats.protect.protect` with a bar over the questions protected on stderr,
    when it is a terminal (nothing is printed otherwise)."""
    from rapstats.protect import protect

    if not sys.stderr.isatty():
        return protect(summary, **options)
    import click

    with ExitStack() as stack:
        bars: list[Any] = []

        def advance(done: int, total: int) -> None:
            if not bars:
                bar = click.progressbar(length=total, label="protecting", file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].update(done - bars[0].pos)

        return protect(summary, on_progress=advance, **options)


def summarise(
    opened: Opened, by: tuple[str, ...], estimation: Estimation, publish: tuple[str, ...]
) -> Summary:
    """The unprotected summary of an opened export, with frequencies and the profile (who
    responded: :func:`rapstats.estimate.profile.profile_groups`) if they are published."""
    from rapstats.estimate.profile import profile_groups
    from rapstats.estimate.summary import summarize

    profiled = ()
    if "profile" in publish:
        export = opened.export
        profiled = profile_groups(opened.spec, by, export.dropped, export.columns)
    return summarize(
        opened.export,
        opened.spec,
        by=by,
        method=estimation.method,
        test=estimation.test,
        confidence=estimation.confidence,
        adjust=estimation.adjust,
        with_frequencies="frequencies" in publish,
        wave=opened.wave,
        profiled=profiled,
    )


def summarize_file(
    path: str | Path, spec: str | Path | Spec | None = None, **options: Any
) -> tuple[Summary, tuple[str, ...]]:
    """Open, summarise and protect an export: :func:`summarize_files` of one export (the same
    keyword ``options``).

    Returns
    -------
    summary : Summary
        Protected; publish it through :mod:`rapstats.render`.
    notes : tuple of str
        What the user should be told (rows read, columns dropped, labels redacted...).
    """
    return summarize_files([path], spec, **options)


def summarize_files(
    paths: Sequence[str | Path],
    spec: str | Path | Spec | None = None,
    *,
    wave_names: Sequence[str] | None = None,
    by: tuple[str, ...] = (),
    read: ReadOptions = ReadOptions(),
    estimation: Estimation = Estimation(),
    publish: tuple[str, ...] = ("rows",),
    unsafe_no_suppression: bool = False,
    batch_rows: int | None = None,
) -> tuple[Summary, tuple[str, ...]]:
    """Open, summarise and protect one export, or several as waves of one survey.

    The body of ``summarize`` and ``freq``. Several exports are waves, and so is one export
    with ``wave_names`` or the spec's ``[survey] wave`` (named and split by
    :func:`rapstats.pipeline.waves.opened_waves`):
    each is loaded on its own (platforms and layouts may differ) with one spec (given, else
    inferred from the last), then they are pooled and estimated at once with ``wave`` as the
    first grouping variable (:func:`rapstats.estimate.pooled.summarize_waves`); a question
    an export lacks is not asked in that wave (``[z]``).

    One large CSV/TSV export with a spec is read in batches of ``batch_rows`` records
    (default None: files of :data:`rapstats.pipeline.stream.STREAM_BYTES` or more, in
    batches of :data:`rapstats.io.stream.BATCH_ROWS`), its counts added batch by batch
    (:mod:`rapstats.pipeline.stream`): the same summary in memory bounded by the batch.

    Returns
    -------
    summary : Summary
        Protected; ``source`` lists every wave (``waves``) and the rows read in all.
    notes : tuple of str
    """
    from concurrent.futures import wait

    from rapstats.estimate.pooled import summarize_waves
    from rapstats.pipeline.waves import open_waves
    from rapstats.spec import Spec, load_spec

    spec = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    if len(paths) == 1 and wave_names is None and (spec is None or spec.wave is None):
        streamed = _streamed(paths[0], spec, by, read, estimation, publish, batch_rows)
        if streamed is not None:
            raw, notes = streamed
            summary = _protect(raw, unsafe_no_suppression=unsafe_no_suppression, publish=publish)
            return summary, notes + redaction_notes(summary)
        read_by = by + (tuple(g.name for g in spec.groups) if spec and "profile" in publish else ())
        read_by = tuple(dict.fromkeys(read_by))
        # hashed while the answers are counted, when the read no longer needs both cores
        opened = [open_survey(paths[0], spec, by=read_by, read=read, digest=False)]
        hashing = opened[0].hashing
        try:
            summary = protected_summary(
                opened[0],
                by=by,
                estimation=estimation,
                publish=publish,
                unsafe_no_suppression=unsafe_no_suppression,
            )
        finally:  # the hashing thread has ended when this returns or raises
            if hashing is not None:
                wait([hashing])
        if hashing is not None:
            summary = replace(summary, source={**summary.source, "sha256": hashing.result()})
    else:
        if "profile" in publish:
            raise RapstatsError(
                "who responded (--profile) is profiled for one export, not for waves",
                hint="give one export (and no wave names or [survey] wave)",
            )
        opened = open_waves(paths, spec, wave_names, by=by, read=read)
        raw = summarize_waves(
            [o.export for o in opened],
            [o.wave or "" for o in opened],
            opened[-1].spec,
            by=by,
            with_frequencies="frequencies" in publish,
            **asdict(estimation),
        )
        summary = _protect(raw, unsafe_no_suppression=unsafe_no_suppression, publish=publish)
    return summary, tuple(n for o in opened for n in o.notes) + redaction_notes(summary)


def _streamed(
    path: str | Path,
    spec: Spec | None,
    by: tuple[str, ...],
    read: ReadOptions,
    estimation: Estimation,
    publish: tuple[str, ...],
    batch_rows: int | None,
) -> tuple[Summary, tuple[str, ...]] | None:
    """The unprotected summary of ``path`` read in batches, and its notes; None: read whole."""
    from rapstats.pipeline.stream import streamed_summary

    # inference needs the whole file; so does, for now, the profile (every group is read)
    if spec is None or "profile" in publish:
        return None
    return streamed_summary(
        path,
        spec,
        by=by,
        read=read,
        estimation=estimation,
        with_frequencies="frequencies" in publish,
        batch_rows=batch_rows,
    )


def redaction_notes(summary: Summary) -> tuple[str, ...]:
    """The note for stderr when protect redacted personal data in labels."""
    n = (summary.disclosure or {}).get("redacted_labels", 0)
    if not n:
        return ()
    return (f"redacted personal data in {n} label{'s' if n != 1 else ''} of the export",)


def comments_file(
    path: str | Path,
    spec: str | Path | Spec | None = None,
    *,
    by: str | None = None,
    read: ReadOptions = ReadOptions(),
) -> tuple[QuotableComments, str, tuple[str, ...]]:
    """Quotable free text of an export, redacted; the comments of anyone in a group smaller
    than ``min_base`` of any declared group (or ``by``) are withheld in every run, so that two
    runs cannot be differenced to attribute them.

    Returns
    -------
    quoted : QuotableComments
    title : str
        The spec's title, else "Comments".
    notes : tuple of str
    """
    from rapstats.normalise import normalise
    from rapstats.protect.redact import comments_of
    from rapstats.spec import Spec, fold_label, load_spec

    spec_obj = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    shown = (by,) if by else ()
    # every declared group, so that a comment is withheld in every run if any group is small
    declared = tuple(g.name for g in spec_obj.groups) if spec_obj is not None else ()
    opened = open_survey(path, spec_obj, by=declared + shown, read=read)
    # a group whose column was dropped as personal data is never published: leave it out
    dropped = {fold_label(c) for c in opened.export.dropped}
    spec_obj = opened.spec
    kept = [g.name for g in spec_obj.groups if fold_label(g.column) not in dropped]
    by_all = tuple(dict.fromkeys(spec_obj.group(g).name for g in (*kept, *shown)))
    responses = normalise(opened.export, spec_obj, by=by_all)
    name = spec_obj.group(by).name if by else None
    quoted = comments_of(responses, group=name, min_base=spec_obj.disclosure.min_base)
    return quoted, spec_obj.title or "Comments", opened.notes


def starter_spec(
    path: str | Path, *, read: ReadOptions = ReadOptions(), spec_dir: str | Path | None = None
) -> tuple[str, tuple[str, ...]]:
    """The starter spec ``rapstats init`` writes: inferred from the whole export, as TOML.

    Parameters
    ----------
    path : str or Path
        The survey export.
    read : ReadOptions
        Platform, encoding and sheet of the export, and its codebook: the spec names it
        (``[survey] codebook``) so that it labels the export whenever the spec is used; with
        ``completed_only`` the spec's ``[survey] include`` names the platform's completion
        column.
    spec_dir : str or Path, optional
        The folder the spec will be saved in (the codebook is named relative to it); default
        None: the working folder.

    Returns
    -------
    text : str
        The spec as TOML, under a header naming the export and saying what to check.
    notes : tuple of str
        What the user should be told (personal-data columns dropped).
    """
    from rapstats import __version__
    from rapstats.io import load_export
    from rapstats.spec import spec_to_toml
    from rapstats.spec.infer import infer_spec

    export = load_export(path, **read.load())
    dropped = ", ".join(export.dropped)
    notes = (f"dropped personal-data columns: {dropped}",) if dropped else ()
    spec, chosen = _chosen_responses(infer_spec(export), export, read.completed_only)
    header = (
        f"Survey spec inferred by rapstats {__version__} from {export.path.name} "
        f"({export.platform}, {export.rows_read} responses).\n"
        "Check every question: its workstream, which answers count as positive, which are "
        "excluded from the base,\nand add national baselines as baseline = { p = 0.30, "
        'source = "..." }. See README, Survey spec.'
    )
    if read.codebook is not None:
        import os

        where = os.path.relpath(read.codebook, spec_dir if spec_dir is not None else os.curdir)
        spec = replace(spec, codebook=Path(where).as_posix())
    return spec_to_toml(spec, header=header), (*notes, *chosen)
