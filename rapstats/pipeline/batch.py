"""Many exports at once: each summarised and protected on its own, in worker processes.

:func:`batch_files` runs :func:`rapstats.pipeline.summarize_file` on every export, exactly as
``rapstats summarize EXPORT --spec S --by G`` would (same rows, each export protected as its
own publication), in a pool of worker processes, and gives the results in the order of the
inputs whatever order the work finishes in, so the same inputs give the same results. A
file that fails (an export that cannot be read, a spec that does not fit it) gives a result
holding the error's one-line message; the others still run.

The workers are forked, not spawned, for the reason given in
:mod:`rapstats.render.report.renderer` (a spawned worker re-imports the caller's main
module); where fork is unavailable (not Linux, or in a daemon process) the files are
summarised one after the other in the calling process, with the same results.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rapstats.errors import InputError, RapstatsError
from rapstats.escape import visible
from rapstats.files import SKIPPED_PREFIXES
from rapstats.pipeline.survey import Estimation, ReadOptions, summarize_file

if TYPE_CHECKING:
    from concurrent.futures import Future

    from rapstats.estimate.summary import Summary
    from rapstats.spec import Spec

# What a folder given as an export yields: the exports rapstats reads, by file name ending.
EXPORT_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".sav")
# ... but not hidden files, nor the lock files Office leaves beside an open workbook
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One export of a batch: its protected summary, or why it failed.

    Attributes
    ----------
    path : str
        The export as given (a file found in a folder: the folder as given, then its name).
    label : str
        ``path`` as published (the ``file`` field of the outputs): personal data in it
        (an e-mail address, a postcode...) redacted as in group values.
    summary : Summary or None
        Protected, publishing its ``rows`` (as ``summarize``); its ``source["path"]`` is
        ``label``. None if the file failed.
    notes : tuple of str
        What the user should be told about this file (rows read, columns dropped...).
    error : str or None
        The one-line message of the :class:`~rapstats.errors.RapstatsError` that stopped
        this file, naming the file first (as given); None if it was summarised.
    """

    path: str
    label: str
    summary: Summary | None
    notes: tuple[str, ...] = ()
    error: str | None = None


def expand_exports(inputs: Iterable[str | Path]) -> list[str]:
    """The exports named by ``inputs``: a file as given, a folder as every export in it.

    A folder gives its files whose names end in one of :data:`EXPORT_SUFFIXES` (any case),
    sorted by name, not those of its subfolders, nor hidden files or Office lock files
    (:data:`SKIPPED_PREFIXES`). A folder holding none (or that cannot be listed) is kept as
    given: :func:`batch_files` reports it as a failed input.

    Parameters
    ----------
    inputs : iterable of str or Path
        Export files and folders, in the order wanted.

    Returns
    -------
    list of str
        The export paths, each as given (a folder's files joined to the folder as given).
    """
    out: list[str] = []
    for given in map(str, inputs):
        if not os.path.isdir(given):
            out.append(given)
            continue
        try:
            names = sorted(os.listdir(given))
        except OSError:
            names = []
        found = [
            os.path.join(given, name)
            for name in names
            if name.casefold().endswith(EXPORT_SUFFIXES)
            and not name.startswith(SKIPPED_PREFIXES)
            and os.path.isfile(os.path.join(given, name))
        ]
        out += found or [given]
    return out


def batch_files(
    exports: Iterable[str | Path],
    spec: str | Path | Spec | None = None,
    *,
    by: tuple[str, ...] = (),
    read: ReadOptions | None = None,
    estimation: Estimation | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Iterator[BatchResult]:
    """Summarise and protect every export on its own, in parallel; results in input order.

    Parameters
    ----------
    exports : iterable of str or Path
        Export files and folders (see :func:`expand_exports`), in the order wanted.
    spec : str, Path or Spec, optional
        One spec for every export, parsed once here (a bad spec raises before any export is
        read). Default None infers a spec from each export, as ``summarize`` does.
    by : tuple of str
        Grouping variables, as ``summarize --by``.
    read : ReadOptions, optional
        How to read every export. Default None: ``ReadOptions()``.
    estimation : Estimation, optional
        Overrides of the spec's ``[defaults]``. Default None: none.
    jobs : int, optional
        Worker processes. Default None: the CPUs this process may use. Never more than the
        number of exports; 1 summarises them one after the other in this process.
    progress : callable, optional
        Called in this process as each export is done, with the number done, the number of
        exports and the path of the one just done (in the order the work finishes).

    Returns
    -------
    iterator of BatchResult
        One per export, in the order of ``exports`` (folders expanded in place), each
        given as soon as it and those before it are done. A file that fails gives its
        error; the others still run. The work starts when the iterator is first advanced.

    Raises
    ------
    RapstatsError
        If ``spec`` cannot be read.
    KeyboardInterrupt
        On Ctrl-C: the files not started are cancelled and the workers end.
    """
    from rapstats.spec import Spec, load_spec

    paths = expand_exports(exports)
    spec_obj = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    work = (spec_obj, by, read or ReadOptions(), estimation or Estimation())
    workers = min(usable_cpus() if jobs is None else jobs, len(paths))
    if workers <= 1 or not _can_fork():
        return _in_turn(paths, work, progress)
    return _pooled(paths, work, workers, progress)


def usable_cpus() -> int:
    """The number of CPUs this process may run on, at least 1: ``os.process_cpu_count()``
    (Python 3.13+), else the size of its affinity mask, else ``os.cpu_count()``."""
    counted = getattr(os, "process_cpu_count", None)
    if counted is not None:
        return counted() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def summarize_one(
    path: str,
    spec: Spec | None,
    by: tuple[str, ...],
    read: ReadOptions,
    estimation: Estimation,
) -> BatchResult:
    """One export of a batch, summarised as by ``summarize``; its error caught as a result."""
    from rapstats.personal import redact

    label = redact(path)
    try:
        if os.path.isdir(path):
            raise InputError(
                "the folder holds no survey export",
                path=path,
                hint="put the exports in it, named *" + ", *".join(EXPORT_SUFFIXES),
            )
        summary, notes = summarize_file(path, spec, by=by, read=read, estimation=estimation)
    except RapstatsError as exc:
        return BatchResult(path, label, None, error=_error_line(path, exc))
    summary = replace(summary, source={**summary.source, "path": label})
    if label != path:
        notes += (f"personal data in the file name redacted in the output: {label}",)
    return BatchResult(path, label, summary, notes)


def _in_turn(paths: Sequence[str], work: tuple, progress: Progress | None) -> Iterator[BatchResult]:
    """``summarize_one`` of every path, one after the other, in this process."""
    for done, path in enumerate(paths, start=1):
        result = summarize_one(path, *work)
        if progress is not None:
            progress(done, len(paths), path)
        yield result


def _can_fork() -> bool:
    import multiprocessing
    import sys

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon  # it cannot have children
    )


def _pooled(
    paths: Sequence[str], work: tuple, workers: int, progress: Progress | None
) -> Iterator[BatchResult]:
    """``summarize_one`` of every path in ``workers`` forked processes; results in order."""
    import signal
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    # Ctrl-C waits while the pool starts (the workers are forked at the first submit) and is
    # given the tasks: raised in there it could leave the pool's locks and threads half set
    # up, and a worker forked with Python's handler would print a traceback. A worker unblocks
    # it once its handler is the default one (it ends at once).
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pool = None
    try:
        pool = ProcessPoolExecutor(
            workers, mp_context=get_context("fork"), initializer=_worker, initargs=(os.getpid(),)
        )
        futures = [pool.submit(summarize_one, path, *work) for path in paths]
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        place = {future: i for i, future in enumerate(futures)}
        ready: dict[int, Future] = {}
        following = 0
        for done, future in enumerate(as_completed(futures), start=1):
            ready[place[future]] = future
            if progress is not None:
                progress(done, len(paths), paths[place[future]])
            while following in ready:
                yield _outcome(ready.pop(following), paths[following])
                following += 1
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if pool is not None:  # on Ctrl-C (or a caller that stops early): cancel the rest
            pool.shutdown(wait=True, cancel_futures=True)


def _outcome(future: Future, path: str) -> BatchResult:
    """The result of a finished worker task; a worker that died is this file's error."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        from rapstats.personal import redact

        died = InputError(
            "the process summarising it ended unexpectedly (out of memory?)",
            path=path,
            hint="run it again with --jobs 1",
        )
        return BatchResult(path, redact(path), None, error=_error_line(path, died))


def _error_line(path: str, exc: RapstatsError) -> str:
    """The error's one line, naming the export first as given (errors name their file)."""
    text = str(exc)
    return text if exc.path == Path(path) else f"{visible(path)}: {text}"


def _worker(parent: int) -> None:
    """Set up a worker process: Ctrl-C ends it at once (the caller cancels the rest), and
    it ends with its ``parent``, even one killed (Linux ``PR_SET_PDEATHSIG``)."""
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before that
        os._exit(0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by _pooled
