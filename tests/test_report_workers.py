"""Charts drawn in a worker process: the API works from a plain script (no ``__main__``
guard), gives the bytes drawing in-process gives, and falls back to drawing in-process when
there is no worker (no fork) or the worker dies."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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

    - ``rapstats report`` runs from a plain script with its chart worker, and the script ends
      with a worker alive;
    - drawing in-process (``workers=0``) gives the worker's bytes, and the API called with the
      command's options gives the command's bytes;
    - without fork (as on Windows; the worker gone) charts are drawn in-process, same bytes;
    - load, summaries, disclosure, model and every writer never import pandas (its import
      alone is a sizeable part of the report's time budget).
    """
    done = run_script(
        tmp_path,
        f"""
        import multiprocessing
        import sys

        from rapstats.cli import cli
        from rapstats.pipeline import build_report
        from rapstats.render.report import FORMATS, charts, write_report

        export, spec = {str(EXPORT)!r}, {str(SPEC)!r}
        try:
            cli.main(["-q", "report", export, "--spec", spec, "--out", "with_worker"])
        except SystemExit as e:
            assert e.code == 0, e.code
        assert [w.alive() for w in charts._WORKERS] == [True], "Linux forks a chart worker"

        for worker in charts._WORKERS:
            worker.process.kill()
            worker.process.join()
        start_methods = multiprocessing.get_all_start_methods
        multiprocessing.get_all_start_methods = lambda: ["spawn"]  # as on Windows
        model = build_report(export, spec=spec, options={{"formats": ",".join(FORMATS)}})
        write_report(model, "no_fork", ["md", "html"])
        assert not charts._WORKERS and not multiprocessing.active_children()

        write_report(model, "in_process", workers=0)
        print("pandas" in sys.modules)
        multiprocessing.get_all_start_methods = start_methods
        charts.prewarm()  # the script ends with a worker alive: it must still exit
        assert [w.alive() for w in charts._WORKERS] == [True]
        """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"], "pandas was imported"
    worker, here = digests(tmp_path / "with_worker"), digests(tmp_path / "in_process")
    assert len(worker) == 6 + 8 and worker == here
    no_fork = digests(tmp_path / "no_fork")
    assert len([name for name in no_fork if name.endswith(".png")]) == 8
    assert no_fork == {name: here[name] for name in no_fork}


def test_a_dead_worker_is_replaced_by_drawing_here():
    from rapstats.render.report import charts

    model = json.loads(MODEL.read_text(encoding="utf-8"))
    chart = model["charts"][0]
    want = charts.render(chart, ("svg", "png"))
    charts.prewarm()
    assert charts._WORKERS, "Linux forks a chart worker"
    worker = charts._WORKERS[0]
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(10)
    pending = charts.Pending([chart], ("svg", "png"), [worker.submit(chart, ("svg", "png"))])
    assert pending("svg") == {(chart["id"], "svg"): want["svg"]}
    assert pending("png") == {(chart["id"], "png"): want["png"]}
    # The next report starts a new worker.
    got = charts.render_many([chart], ("svg",), workers=1)
    assert got == {(chart["id"], "svg"): want["svg"]}
    assert charts._WORKERS and charts._WORKERS[0] is not worker
