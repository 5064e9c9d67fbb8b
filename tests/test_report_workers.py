"""Charts drawn in a worker process (a ChartRenderer): the API works from a plain script (no
``__main__`` guard), gives the bytes drawing in-process gives, and falls back to drawing
in-process when there is no worker (no fork), the worker dies or it is stuck."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rapstats.render.report.charts import render
from rapstats.render.report.renderer import ChartRenderer

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "data" / "sample" / "feedback.csv"
SPEC = ROOT / "data" / "sample" / "feedback.toml"
MODEL = ROOT / "reports" / "sample" / "report.json"


def run_script(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    """Run ``body`` as a plain script file (no ``if __name__ == "__main__"`` guard)."""
    script = tmp_path / "make_report.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_plain_script_worker_bytes_no_fork_and_no_pandas(tmp_path):
    """One subprocess checks what needs a fresh process (a full report takes seconds each):

    - ``rapstats report`` runs from a plain script with its chart worker, and leaves no
      process behind;
    - drawing in-process (no renderer) gives the worker's bytes, and the API called with the
      command's options gives the command's bytes;
    - without fork (as on Windows) a renderer draws in-process, same bytes;
    - load, summaries, disclosure, model and every writer never import pandas (its import
      alone is a sizeable part of the report's time budget);
    - a script that ends with a worker alive still exits.
    """
    done = run_script(
        tmp_path,
        f"""
        import multiprocessing
        import sys

        from rapstats.cli import cli
        from rapstats.pipeline import build_report
        from rapstats.render.report import FORMATS, write_report
        from rapstats.render.report.renderer import ChartRenderer

        export, spec = {str(EXPORT)!r}, {str(SPEC)!r}
        try:
            cli.main(["-q", "report", export, "--spec", spec, "--out", "with_worker"])
        except SystemExit as e:
            assert e.code == 0, e.code
        assert not multiprocessing.active_children(), "the command ends its worker"
        with ChartRenderer() as renderer:
            assert renderer.workers == 1, "Linux forks a chart worker"

        start_methods = multiprocessing.get_all_start_methods
        multiprocessing.get_all_start_methods = lambda: ["spawn"]  # as on Windows
        with ChartRenderer() as renderer:
            assert renderer.workers == 0 and not multiprocessing.active_children()
            options = {{"formats": ",".join(FORMATS)}}
            model = build_report(export, spec=spec, options=options, charts=renderer)
            write_report(model, "no_fork", ["md", "html"], charts=renderer)
            assert not multiprocessing.active_children()

        write_report(model, "in_process")
        print("pandas" in sys.modules)
        multiprocessing.get_all_start_methods = start_methods
        renderer = ChartRenderer()  # the script ends with a worker alive: it must still exit
        assert renderer.workers == 1 and multiprocessing.active_children()
        """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"], "pandas was imported"
    worker, here = digests(tmp_path / "with_worker"), digests(tmp_path / "in_process")
    assert len(worker) == 6 + 9 and worker == here  # 6 files, 9 chart PNGs
    no_fork = digests(tmp_path / "no_fork")
    assert len([name for name in no_fork if name.endswith(".png")]) == 9
    assert no_fork == {name: here[name] for name in no_fork}


def started(renderer: ChartRenderer, before: set) -> set:
    """The worker processes ``renderer`` started (children of this process not in ``before``)."""
    assert renderer.workers == 1, "Linux forks a chart worker"
    return set(multiprocessing.active_children()) - before


def test_a_dead_worker_is_replaced_by_drawing_here():
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    chart = model["charts"][0]
    want = render(chart, ("svg", "png"))  # Typst has run here: a later fork must not hang
    before = set(multiprocessing.active_children())
    with ChartRenderer() as renderer:
        (worker,) = started(renderer, before)
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
        drawing = renderer.draw([chart])
        assert drawing.svgs() == {chart["id"]: want["svg"]}
        assert drawing.pngs() == {chart["id"]: want["png"]}
        # The next report starts a new worker.
        assert renderer.draw([chart]).svgs() == {chart["id"]: want["svg"]}
        new = started(renderer, before)
        assert new and worker not in new
        assert renderer.draw([chart]).pngs() == {chart["id"]: want["png"]}
    assert not set(multiprocessing.active_children()) - before, "leaving the block ends it"


def test_a_stuck_worker_is_given_up_after_the_timeout():
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    chart = model["charts"][0]
    want = render(chart)
    before = set(multiprocessing.active_children())
    with ChartRenderer(timeout=1) as renderer:
        (worker,) = started(renderer, before)
        os.kill(worker.pid, signal.SIGSTOP)
        try:
            renderer.prefetch([chart])
            waited = time.monotonic()
            assert renderer.draw([chart]).svgs() == {chart["id"]: want["svg"]}
            assert time.monotonic() - waited < 30
        finally:
            os.kill(worker.pid, signal.SIGCONT)
