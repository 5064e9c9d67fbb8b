#!/usr/bin/env python3
"""Benchmark rapstats as whole processes, interleaved, against baselines run in the same session.

The standard workload is made by ``../shared/bench/make_survey.py`` (deterministic): a
1,000,000-row x 20-Likert-item CSV (~432 MB), a 10,000-row CSV and a 100,000-row XLSX, cached in
``bench-data/``. Each case is a separate process; the cases are run round-robin ``--repeat``
times so that machine noise hits them alike, and the report gives each case's median wall time,
its peak RSS (from ``wait4``), and its ratio to the baseline named for it:

* ``summarize`` of the 1M-row file by area and by quarter, all 20 items, unweighted and
  weighted (design-based), and with no spec (``summarize_1m_nospec``: the spec inferred
  from the export, which then reads every column), against a process that only reads the
  same file with ``pyarrow.csv.read_csv``; and of the same file as Parquet
  (``survey_1m.parquet``, written by pyarrow from the CSV) against the CSV run;
* ``summarize`` of a 10,000,000-row file made the same way (~4.3 GB, written once by
  ``scripts/make_large_survey.py``: ~8 minutes and ~8 GB of memory; ``summarize_10m``,
  streamed in batches) against a process iterating the file's record batches with
  ``pyarrow.csv.open_csv`` and discarding them (``pyarrow_stream_10m``; also
  ``pyarrow_stream_1m``): time per row and memory flat in the file's size;
* ``compare`` of two 1M-row waves (the second made with ``--seed 2``), all 20 items, against
  a process that reads both files with ``pyarrow.csv.read_csv``;
* ``--help`` start-up, against ``python -c "import click"`` (itself against ``python -c pass``):
  the floor of any click command line;
* ``summarize`` of the 10k-row file;
* reading the 100k-row XLSX with ``rapstats.io.load_export`` against ``pandas.read_excel
  (engine="calamine")``;
* 100,000 Wilson intervals in one vectorised call (in-process time printed by the child);
* the full report of the bundled sample in every format, and with its four earlier waves
  (``report_sample_waves``); a report (Markdown) of the 1M-row file with ``--previous`` the
  second wave (``report_1m_previous``), against reading both files with pyarrow;
* ``batch`` of 8 copies of a 100,000-row CSV with ``--jobs 2`` against ``--jobs 1`` (one
  process after the other file by file): what the second core gives;
* many-level tables: ``summarize`` of the 100,000-row CSV by event (``event_id``, 800 levels;
  ``scripts/bench_spec_events.toml``) and quarter (6,400 cells per question), and by event and
  area, all 20 items: disclosure control's cost as the number of cells grows; and ``freq``
  by event and quarter (every answer count of the 6,400 cells protected with the rows),
  against that ``summarize``.

Run it with the Python of a virtual environment holding a regular (not editable) install, as
a user has: an editable install adds an import hook to every start-up, and the interpreter
must be able to cache byte code. The report names the interpreter, where rapstats is imported
from and the load average before and after, so that a noisy run shows itself.

Usage::

    python -m venv .venv && .venv/bin/pip install .
    .venv/bin/python scripts/bench.py                 # everything, 5 rounds
    .venv/bin/python scripts/bench.py --repeat 3 --only summarize_1m,pyarrow_read
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
DATA = ROOT / "bench-data"
PY = sys.executable
# Children run outside the checkout (so `python -m rapstats` imports the installed package) and
# may cache byte code, as on a user's machine, whatever this shell says.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def workload() -> dict[str, Path]:
    """The benchmark files, by name (made by :func:`ensure_workload`)."""
    return {
        "csv_1m": DATA / "survey_1m.csv",
        "parquet_1m": DATA / "survey_1m.parquet",
        "csv_1m_wave2": DATA / "survey_1m_wave2.csv",
        "csv_10m": DATA / "survey_10m.csv",
        "csv_10k": DATA / "survey_10k.csv",
        "xlsx_100k": DATA / "survey_100k.xlsx",
        "csv_100k": DATA / "survey_100k.csv",
        "batch_8x100k": DATA / "batch_8x100k",
    }


def ensure_workload(files: dict[str, Path], commands: list[list[str]]) -> None:
    """Generate the benchmark files the ``commands`` read, once (deterministic; cached in
    bench-data/)."""
    DATA.mkdir(exist_ok=True)
    used = {arg for cmd in commands for arg in cmd}
    needed = {p for p in files.values() if any(str(p) in arg for arg in used)}
    make = [PY, str(SHARED / "bench" / "make_survey.py")]
    # the same bytes as make_survey.py, written in slices: it holds ~2 GB per million rows
    make_large = [PY, str(ROOT / "scripts" / "make_large_survey.py")]
    jobs = [
        (files["csv_1m"], [*make, "--rows", "1000000", "--out"]),
        (files["csv_1m_wave2"], [*make, "--rows", "1000000", "--seed", "2", "--out"]),
        (files["csv_10m"], [*make_large, "--rows", "10000000", "--out"]),
        (files["csv_10k"], [*make, "--rows", "10000", "--out"]),
        (files["xlsx_100k"], [*make, "--rows", "100000", "--xlsx"]),
        (files["csv_100k"], [*make, "--rows", "100000", "--out"]),
    ]
    batch = files["batch_8x100k"]  # eight links to the same 100k-row CSV
    if any(str(batch) in arg for arg in used):
        needed.add(files["csv_100k"])
    if files["parquet_1m"] in needed:
        needed.add(files["csv_1m"])
    for path, args in jobs:
        if path in needed and not path.exists():
            print(f"generating {path.name} ...", file=sys.stderr)
            subprocess.run([*args, str(path)], check=True)
    parquet = files["parquet_1m"]  # the 1M-row CSV as pyarrow reads and writes it
    if parquet in needed and not parquet.exists():
        print(f"generating {parquet.name} ...", file=sys.stderr)
        write = "import sys, pyarrow.csv as c, pyarrow.parquet as p; "
        write += "p.write_table(c.read_csv(sys.argv[1]), sys.argv[2])"
        subprocess.run([PY, "-c", write, str(files["csv_1m"]), str(parquet)], check=True)
    if files["csv_100k"] in needed:
        batch.mkdir(exist_ok=True)
        for k in range(1, 9):
            copy = batch / f"survey_{k}.csv"
            if not copy.exists():
                os.link(files["csv_100k"], copy)


def cases(files: dict[str, Path]) -> dict[str, tuple[list[str], str | None]]:
    """name -> (command, baseline case name)."""
    spec = str(ROOT / "scripts" / "bench_spec.toml")
    spec_weighted = str(ROOT / "scripts" / "bench_spec_weighted.toml")
    spec_events = str(ROOT / "scripts" / "bench_spec_events.toml")
    sample = ROOT / "data" / "sample"
    rap = [PY, "-m", "rapstats"]
    out = str(DATA / "out")

    def summarize(data: str, spec_path: str | None, suffix: str) -> list[str]:
        """summarize of a workload file by area and by quarter, all 20 items, CSV to a file
        (no ``spec_path``: with the spec inferred from the export)."""
        spec_args = ["--spec", spec_path] if spec_path else []
        return [*rap, "-q", "summarize", str(files[data]), *spec_args, "--by", "area",
                "--by", "quarter", "--format", "csv", "-o", out + suffix]  # fmt: skip

    def stream_read(data: str) -> list[str]:
        """A process iterating the record batches of ``pyarrow.csv.open_csv`` and discarding
        them."""
        code = f"import pyarrow.csv as c\nfor b in c.open_csv({str(files[data])!r}): pass"
        return [PY, "-c", code]

    def events(by: str, command: str = "summarize") -> list[str]:
        """``command`` (summarize, or freq: every answer count) of the 100k-row file by event
        (800 levels) and ``by``, all 20 items."""
        return [*rap, "-q", command, str(files["csv_100k"]), "--spec", spec_events,
                "--by", "event", "--by", by, "--format", "csv",
                "-o", f"{out}_events_{by}{'' if command == 'summarize' else '_' + command}.csv",
                ]  # fmt: skip

    def batch(jobs: str) -> list[str]:
        """batch of the eight 100k-row files, as summarize above, with ``jobs`` processes."""
        return [*rap, "-q", "batch", str(files["batch_8x100k"]), "--spec", spec, "--by", "area",
                "--by", "quarter", "--format", "csv", "-o", f"{out}_batch{jobs}.csv",
                "--jobs", jobs]  # fmt: skip

    return {
        "python_start": ([PY, "-c", "pass"], None),
        # the floor of any click CLI: the interpreter, click and the stdlib modules it loads
        "click_import": ([PY, "-c", "import click"], "python_start"),
        "help": ([*rap, "--help"], "click_import"),
        "summarize_help": ([*rap, "summarize", "--help"], "click_import"),
        "pyarrow_read": (
            [PY, "-c", f"import pyarrow.csv as c; c.read_csv({str(files['csv_1m'])!r})"],
            None,
        ),
        "summarize_1m": (summarize("csv_1m", spec, "_1m.csv"), "pyarrow_read"),
        # Arrow's streaming reader over every column, batches discarded: the floor of any
        # streamed read, in memory flat in the file's size
        "pyarrow_stream_1m": (stream_read("csv_1m"), None),
        "pyarrow_stream_10m": (stream_read("csv_10m"), None),
        "summarize_10m": (summarize("csv_10m", spec, "_10m.csv"), "pyarrow_stream_10m"),
        "summarize_1m_nospec": (summarize("csv_1m", None, "_1m_nospec.csv"), "pyarrow_read"),
        "summarize_1m_parquet": (summarize("parquet_1m", spec, "_1m_parquet.csv"), "summarize_1m"),
        # the Spark engine on this machine (2 cores), against the local engine
        "summarize_1m_spark": (
            [
                *summarize("csv_1m", spec, "_1m_spark.csv"),
                "--engine",
                "spark",
                "--master",
                "local[2]",
            ],
            "summarize_1m",
        ),  # fmt: skip
        "summarize_1m_weighted_spark": (
            [
                *summarize("csv_1m", spec_weighted, "_1m_w_spark.csv"),
                "--engine",
                "spark",
                "--master",
                "local[2]",
            ],
            "summarize_1m_weighted",
        ),  # fmt: skip
        "summarize_1m_weighted": (
            summarize("csv_1m", spec_weighted, "_1m_w.csv"),
            "pyarrow_read",
        ),
        "pyarrow_read_two": (
            [
                PY,
                "-c",
                "import pyarrow.csv as c; "
                f"c.read_csv({str(files['csv_1m'])!r}); c.read_csv({str(files['csv_1m_wave2'])!r})",
            ],
            None,
        ),  # fmt: skip
        "compare_1m": (
            [
                *rap,
                "-q",
                "compare",
                str(files["csv_1m"]),
                str(files["csv_1m_wave2"]),
                "--spec",
                spec,
                "--format",
                "csv",
                "-o",
                out + "_compare.csv",
            ],
            "pyarrow_read_two",
        ),  # fmt: skip
        "summarize_10k": (summarize("csv_10k", spec, "_10k.csv"), "python_start"),
        "calamine_read": (
            [
                PY,
                "-c",
                "import pandas as pd; pd.read_excel("
                f"{str(files['xlsx_100k'])!r}, engine='calamine', dtype=str)",
            ],
            None,
        ),  # fmt: skip
        "load_xlsx_100k": (
            [
                PY,
                "-c",
                f"from rapstats.io import load_export; load_export({str(files['xlsx_100k'])!r})",
            ],
            "calamine_read",
        ),
        "wilson_100k": (
            [
                PY,
                "-c",
                "import time, numpy as np; from rapstats.stats import proportion_ci;"
                "r=np.random.default_rng(1); n=r.integers(1,5000,100000); x=r.integers(0,n+1);"
                "t=time.perf_counter(); proportion_ci(x,n); print(time.perf_counter()-t)",
            ],
            "python_start",
        ),  # fmt: skip
        "report_sample": (
            [
                *rap,
                "-q",
                "report",
                str(sample / "feedback.csv"),
                "--spec",
                str(sample / "feedback.toml"),
                "--out",
                out + "_report",
            ],
            "python_start",
        ),  # fmt: skip
        # README's sample report with its four earlier waves: what comparing waves adds
        "report_sample_waves": (
            [
                *rap,
                "-q",
                "report",
                str(sample / "feedback.csv"),
                "--spec",
                str(sample / "feedback.toml"),
                "--waves",
                *(
                    str(sample / f"feedback_{q}.csv")
                    for q in ("2025q3", "2025q4", "2026q1", "2026q2")
                ),
                "--wave-names",
                "2025 Q3,2025 Q4,2026 Q1,2026 Q2,2026 Q3",
                "--out",
                out + "_report_waves",
            ],
            "report_sample",
        ),  # fmt: skip
        # a report of the 1M-row file against the second wave (Markdown): each file read once
        "report_1m_previous": (
            [
                *rap,
                "-q",
                "report",
                str(files["csv_1m"]),
                "--spec",
                spec,
                "--previous",
                str(files["csv_1m_wave2"]),
                "--formats",
                "md",
                "--out",
                out + "_report_1m",
            ],
            "pyarrow_read_two",
        ),  # fmt: skip
        "batch_8x100k_jobs1": (batch("1"), None),
        "batch_8x100k_jobs2": (batch("2"), "batch_8x100k_jobs1"),
        "summarize_100k_event_quarter": (events("quarter"), "python_start"),
        "summarize_100k_event_area": (events("area"), "python_start"),
        "freq_100k_event_quarter": (events("quarter", "freq"), "summarize_100k_event_quarter"),
    }


def run_once(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=DATA, env=CHILD_ENV
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{stderr}")
    return wall, usage.ru_maxrss / 1024, stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--only", help="comma-separated case names (baselines are added)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)

    files = workload()
    all_cases = cases(files)
    names = list(all_cases)
    if args.only:
        wanted = set(args.only.split(","))
        while extra := {all_cases[n][1] for n in wanted if all_cases[n][1]} - wanted:
            wanted |= extra  # baselines, and theirs
        names = [n for n in names if n in wanted]
    ensure_workload(files, [all_cases[n][0] for n in names])
    load_before = os.getloadavg()[0]
    results: dict[str, list[tuple[float, float, str]]] = {n: [] for n in names}
    for r in range(args.repeat):
        for name in names:
            results[name].append(run_once(all_cases[name][0]))
        print(f"round {r + 1}/{args.repeat} done", file=sys.stderr)

    summary = {}
    for name in names:
        walls = [w for w, _, _ in results[name]]
        rss = max(m for _, m, _ in results[name])
        inproc = [float(o) for _, _, o in results[name] if o.replace(".", "", 1).isdigit()]
        summary[name] = {
            "median_s": statistics.median(walls),
            "peak_rss_mb": rss,
            "in_process_s": statistics.median(inproc) if inproc else None,
        }
    for name in names:
        base = all_cases[name][1]
        if base and base in summary:
            summary[name]["baseline"] = base
            summary[name]["ratio"] = summary[name]["median_s"] / summary[base]["median_s"]

    where = subprocess.run(
        [PY, "-c", "import rapstats; print(rapstats.__file__)"],
        capture_output=True,
        text=True,
        cwd=DATA,
        env=CHILD_ENV,
    ).stdout.strip()
    print(
        f"\nrapstats benchmark: {args.repeat} interleaved rounds, medians, {os.cpu_count()} cores"
        f"\npython {PY} ({sys.version.split()[0]}); rapstats from {where or '?'}"
        f"\nload average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print(f"{'case':<22} {'median s':>9} {'peak MB':>8} {'ratio':>6}  baseline")
    for name, s in summary.items():
        ratio = f"{s['ratio']:.2f}" if "ratio" in s else ""
        extra = f"  (in-process {s['in_process_s'] * 1000:.1f} ms)" if s["in_process_s"] else ""
        print(
            f"{name:<22} {s['median_s']:>9.3f} {s['peak_rss_mb']:>8.0f} {ratio:>6}  "
            f"{s.get('baseline', '')}{extra}"
        )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
