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


def test_plain_script_finishes_and_workers_match_in_process(tmp_path):
    done = run_script(
        tmp_path,
        f"""
        from rapstats.report import build_report, write_report

        model = build_report({str(EXPORT)!r}, spec={str(SPEC)!r})
        write_report(model, "with_worker")
        write_report(model, "in_process", workers=0)
        print("done")
        """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["done"]
    worker, here = digests(tmp_path / "with_worker"), digests(tmp_path / "in_process")
    assert len(worker) == 6 + 8 and worker == here


def test_without_fork_charts_are_drawn_in_process(tmp_path):
    done = run_script(
        tmp_path,
        f"""
        import multiprocessing

        multiprocessing.get_all_start_methods = lambda: ["spawn"]  # as on Windows
        from rapstats.report import build_report, write_report
        from rapstats.report import charts

        model = build_report({str(EXPORT)!r}, spec={str(SPEC)!r})
        write_report(model, "out", ["md", "html"])
        assert not charts._WORKERS and not multiprocessing.active_children()
        print("done")
        """,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["done"]
    assert len(list((tmp_path / "out" / "charts").glob("*.png"))) == 8


def test_a_dead_worker_is_replaced_by_drawing_here():
    from rapstats.report import charts

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
