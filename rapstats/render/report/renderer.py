"""Where and when a report's charts are drawn: :class:`ChartRenderer`.

Drawing the sample's 8 charts takes about as long as reading and protecting its data, so the
``report`` command draws them in a worker process while it computes and writes the rest::

    with ChartRenderer() as charts:
        data = report_data(export, spec=spec, charts=charts)  # starts drawing the charts
        write_report(data.model(), out, charts=charts)  # uses them

Without a renderer (or with ``workers=0``) the charts are drawn in the calling process. The
bytes are the same either way.

The worker is forked, not spawned: a spawned worker re-imports the caller's main module, which
in a plain script without an ``if __name__ == "__main__"`` guard would run the caller's report
again. Where fork is unavailable or unsafe (not Linux, or a daemon process), the charts are
drawn here. The worker rasterises the PNGs (with Typst) too, unless Typst had been imported
here before it was forked: Typst's thread pool does not survive a fork (a worker forked after
its parent had run Typst deadlocked in it), so such a worker only runs matplotlib and the PNGs
are rasterised here. A worker that dies, fails or takes longer than the renderer's ``timeout``
is given up on, and its charts are drawn here.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from rapstats.render.report.charts import rasterise, render

Chart = dict[str, Any]
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ChartRenderer:
    """Draws report charts (SVG, and PNG), in worker processes where it can fork.

    A context manager. The workers start at once, so that they import matplotlib while the
    caller reads its data. Leaving the ``with`` block ends them; charts drawn after that are
    drawn here.

    Parameters
    ----------
    workers : int
        Worker processes. Default 1, which suits two cores: the caller works on the other,
        and each further worker imports matplotlib again. 0 draws in the calling process.
    timeout : float
        Seconds (finite) to wait for a batch of charts before drawing it here instead; a
        worker still drawing one batch after this long is ended. Default 60.

    Attributes
    ----------
    workers : int
        Worker processes running: 0 where the charts are drawn in the calling process.
    """

    def __init__(self, workers: int = 1, *, timeout: float = 60.0) -> None:
        import multiprocessing
        import sys

        can_fork = (
            sys.platform.startswith("linux")
            and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon  # it cannot have children
        )
        if not 0 < timeout < math.inf:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self.workers = max(workers, 0) if can_fork else 0
        self.timeout = timeout
        self._typst_in_worker = False
        self._pool = self._start()
        self._prefetched: dict[str, tuple[Future, int]] = {}

    def __enter__(self) -> ChartRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the workers (after the batch they are drawing); later charts are drawn here."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        self._pool = None
        self._prefetched = {}
        self.workers = 0

    def prefetch(self, charts: list[Chart]) -> None:
        """Start drawing ``charts`` in a worker (without workers, do nothing).

        :meth:`draw` then uses them for the same charts. Used by
        :func:`rapstats.pipeline.report_data`, which knows the charts (from the headline
        summary) well before its breakdowns are protected and the model is complete.
        """
        future = self._submit(_svgs, charts)
        if future is not None:
            self._prefetched.update((_key(c), (future, i)) for i, c in enumerate(charts))

    def draw(self, charts: list[Chart]) -> Drawing:
        """Start drawing ``charts`` (in this process now, without workers); see :class:`Drawing`.

        Charts started by :meth:`prefetch` (the same chart) are not drawn again.
        """
        fetched, self._prefetched = self._prefetched, {}
        missing = [c for c in charts if _key(c) not in fetched]
        future = self._submit(_svgs, missing) if missing else None
        if future is None:  # no worker: draw them here, now
            future = Future()
            future.set_result(_svgs(missing))
        batch = iter(range(len(missing)))
        parts = [fetched.get(_key(c)) or (future, next(batch)) for c in charts]
        return Drawing(self, charts, parts)

    def _start(self) -> ProcessPoolExecutor | None:
        if not self.workers:
            return None
        import sys
        from multiprocessing import get_context

        # Typst's thread pool does not survive a fork: it may run in a worker forked before
        # Typst was imported here, never in one forked after.
        self._typst_in_worker = "typst" not in sys.modules
        try:
            pool = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context("fork"),
                initializer=_warm,
                initargs=(os.getpid(),),
            )
            pool.submit(int)  # with fork, the first task starts every worker
        except OSError:  # no processes or pipes left: draw here
            self.workers = 0
            return None
        return pool

    def _submit(self, func: Callable[[Any], list[bytes]], arg: Any) -> Future | None:
        """``func(arg)`` run in a worker; None without a worker.

        A worker that died is replaced for the next task (this one is run here).
        """
        if self._pool is None:
            return None
        try:
            return self._pool.submit(_run, self.timeout, func, arg)
        except BrokenProcessPool:
            self._pool.shutdown(wait=False)
            self._pool = self._start()
            return None

    def _rasterise(self, svgs: list[bytes]) -> Future | None:
        """``svgs`` rasterised in a worker, if it can run Typst (see the module's notes)."""
        return self._submit(rasterise, svgs) if self._typst_in_worker else None


class Drawing:
    """Charts being drawn; :meth:`svgs` and :meth:`pngs` wait for them (from any thread).

    A chart whose worker failed, died or took longer than the renderer's ``timeout`` is drawn
    in this process instead, so waiting always gives every chart (or raises the error that
    drawing it raises here).
    """

    def __init__(
        self, renderer: ChartRenderer, charts: list[Chart], parts: list[tuple[Future, int]]
    ) -> None:
        self._renderer = renderer
        self._charts = charts
        self._parts = parts  # per chart: its batch's future, and its place in the batch
        self._lock = threading.Lock()
        self._done: dict[str, dict[str, bytes]] = {}

    def svgs(self) -> dict[str, bytes]:
        """Every chart as SVG, by chart id."""
        with self._lock:
            if "svg" not in self._done:
                batches = {future: self._wait(future) for future, _ in self._parts}
                svgs = {}
                for chart, (future, i) in zip(self._charts, self._parts, strict=True):
                    got = batches[future]
                    svgs[chart["id"]] = render(chart)["svg"] if got is None else got[i]
                self._done["svg"] = svgs
            return self._done["svg"]

    def pngs(self) -> dict[str, bytes]:
        """Every chart as PNG, by chart id: its SVG rasterised (:func:`rasterise`)."""
        svgs = self.svgs()
        with self._lock:
            if "png" not in self._done:
                drawn = list(svgs.values())
                pngs = self._wait(self._renderer._rasterise(drawn))
                pngs = rasterise(drawn) if pngs is None else pngs
                self._done["png"] = dict(zip(svgs, pngs, strict=True))
            return self._done["png"]

    def _wait(self, future: Future | None) -> list[bytes] | None:
        if future is None:
            return None
        try:
            return future.result(self._renderer.timeout)
        except (Exception, CancelledError):  # failed, died, hangs or closed: draw here
            return None


def _key(chart: Chart) -> str:
    import json

    return json.dumps(chart, sort_keys=True)


def _svgs(charts: list[Chart]) -> list[bytes]:
    return [render(chart)["svg"] for chart in charts]


def _run(timeout: float, func: Callable[[Any], list[bytes]], arg: Any) -> list[bytes]:
    """A worker's task, ``func(arg)``; the worker ends if it takes over ``timeout`` seconds.

    Ending it (SIGALRM's default action) fails the task at once, and a stuck worker can then
    hold up neither the caller's wait nor its exit.
    """
    import signal

    signal.alarm(math.ceil(timeout))
    try:
        return func(arg)
    finally:
        signal.alarm(0)


def _warm(parent: int) -> None:
    """Set up a worker: signals, and matplotlib imported before it is given a chart.

    The worker ends with its ``parent`` process, even one killed (which runs no exit
    handler to end it): Linux sends it SIGKILL when the thread that started it ends
    (``PR_SET_PDEATHSIG``).
    """
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # _run's alarm ends the worker
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before that
        os._exit(0)
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot  # noqa: F401
