"""``rapstats batch``: many exports at once, one stream (JSON Lines or CSV), in input order.

Files: the bundled sample (data/sample/feedback.csv, its spec), tests/data/numbers/ (see its
README: 15 Yes of 22, and 40 answers all Yes, both with an Area column), tests/data/waves/
compare_earlier.csv (an export without the sample's columns: a spec mismatch) and
tests/data/bad_empty.csv (an empty file). Each file's rows must be exactly what ``rapstats
summarize`` prints for it alone, so the expected values are ``summarize``'s own outputs (its
numbers are checked against R in the tests of summarize); the counts checked directly (15 of
22, 7 North / 8 South) are those the numbers README states.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SAMPLE_CSV, SAMPLE_SPEC, run

NUMBERS = ROOT / "tests" / "data" / "numbers"
YES15 = NUMBERS / "yes15of22.csv"
ALL_YES = NUMBERS / "weighted_all_yes.csv"
SPEC15 = NUMBERS / "yes15of22.toml"
MISMATCH = ROOT / "tests" / "data" / "waves" / "compare_earlier.csv"
EMPTY = ROOT / "tests" / "data" / "bad_empty.csv"


def _ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _summarize(runner, export: Path, spec: Path, fmt: str, *by: str) -> str:
    by_args = [a for g in by for a in ("--by", g)]
    return _ok(run(runner, "-q", "summarize", export, "--spec", spec, *by_args, "--format", fmt))


def _jsonl(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def _csv_rows(text: str) -> list[dict]:
    """Rows of a CSV, read by the csv module (the '#' note lines of summarize left out)."""
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))


# ---------------------------------------------------------------------------------------------
# The stream: each file's rows exactly as summarize gives them, in the order given


def test_jsonl_rows_are_the_summarize_rows_in_input_order(runner):
    # the numbers files do not fit the sample's spec: they fail, the others run
    exports = (SAMPLE_CSV, ALL_YES, YES15, SAMPLE_CSV)
    result = run(runner, "batch", *exports, "--spec", SAMPLE_SPEC, "--by", "area")
    lines = _jsonl(result.stdout)
    assert result.exit_code == 1
    alone = json.loads(_summarize(runner, SAMPLE_CSV, SAMPLE_SPEC, "json", "area"))
    files = [line["file"] for line in lines]
    n = len(alone["rows"])
    assert files == [str(SAMPLE_CSV)] * (n + 1) * 2
    for start in (0, n + 1):
        head, rows = lines[start], lines[start + 1 : start + 1 + n]
        assert head["kind"] == "input"
        assert {k: v for k, v in head.items() if k not in ("file", "kind")} == {
            k: v for k, v in alone.items() if k != "rows"
        }
        assert [list(r)[0] for r in rows] == ["file"] * n
        assert [{k: v for k, v in r.items() if k != "file"} for r in rows] == alone["rows"]
        assert all("kind" not in r for r in rows)
    # the failures: one line each on stderr, naming the path as given and the reason
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2
    assert errors[0].startswith(f"Error: {ALL_YES}: ") and "not in the export" in errors[0]
    assert errors[1].startswith(f"Error: {YES15}: ")


def test_csv_has_one_header_and_the_summarize_columns_after_file(runner):
    args = ("--spec", SPEC15, "--by", "Area", "--format", "csv")
    text = _ok(run(runner, "batch", YES15, ALL_YES, *args))
    assert "#" not in text and text.count("\nfile,") == 0 and text.startswith("file,question,")
    rows = _csv_rows(text)
    for export in (YES15, ALL_YES):
        alone = _csv_rows(_summarize(runner, export, SPEC15, "csv", "Area"))
        mine = [r for r in rows if r["file"] == str(export)]
        assert [{k: v for k, v in r.items() if k != "file"} for r in mine] == alone
    # 15 of 22 overall, 7 of 11 North, 8 of 11 South (tests/data/numbers/README.md)
    counts = [(r["group:Area"], r["base"], r["positive"]) for r in rows if r["file"] == str(YES15)]
    assert counts == [("", "22", "15"), ("North", "11", "7"), ("South", "11", "8")]
    # pandas reads it as it is: one row per summary row, numbers as numbers
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == list(rows[0]) and len(frame) == len(rows) == 6
    assert frame["share"].dtype == float and frame.loc[0, "share"] == pytest.approx(15 / 22)
    assert frame["share"].iloc[3:].isna().all()  # every answer Yes: withheld [c]


def test_group_columns_are_the_union_across_files():
    """Files split by different groups share one header: each group column once, in order
    of first appearance, empty where a file has no such group."""
    from rapstats.pipeline import summarize_file
    from rapstats.render.batch import render_batch

    plain, _ = summarize_file(YES15, SPEC15)
    split, _ = summarize_file(YES15, SPEC15, by=("Area",))
    text = render_batch([("a.csv", plain), ("b.csv", split)], "csv")
    rows = _csv_rows(text)
    assert list(rows[0])[:6] == ["file", "question", "option", "text", "workstream", "group:Area"]
    assert [(r["file"], r["group:Area"]) for r in rows] == [
        ("a.csv", ""),
        ("b.csv", ""),
        ("b.csv", "North"),
        ("b.csv", "South"),
    ]


def test_one_and_two_jobs_give_the_same_bytes(runner):
    exports = (SAMPLE_CSV, MISMATCH, SAMPLE_CSV, EMPTY, SAMPLE_CSV)
    for fmt in ("jsonl", "csv"):
        outputs = [
            run(runner, "batch", *exports, "--spec", SAMPLE_SPEC, "--by", "age",
                "--format", fmt, "--jobs", jobs)
            for jobs in ("1", "2")
        ]  # fmt: skip
        assert [r.exit_code for r in outputs] == [1, 1]
        assert outputs[0].stdout == outputs[1].stdout and outputs[0].stdout
        assert outputs[0].stderr == outputs[1].stderr


def test_every_export_failing_gives_an_empty_stream_and_exit_1(runner):
    result = run(runner, "batch", EMPTY, MISMATCH, "--spec", SAMPLE_SPEC)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("Error:") == 2 and "2 of 2 exports failed" in result.stderr
    header = run(runner, "batch", EMPTY, "--spec", SAMPLE_SPEC, "--format", "csv").stdout
    assert header.startswith("file,question,option,") and header.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# Inputs and outputs


def test_a_folder_gives_its_exports_sorted_by_name(runner, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    from rapstats.pipeline.batch import SKIPPED_PREFIXES

    for name in ("b.csv", "A.CSV", *(f"{prefix}lock.csv" for prefix in SKIPPED_PREFIXES)):
        shutil.copy(YES15, folder / name)
    (folder / "notes.txt").write_text("not an export\n")
    (folder / "sub.csv").mkdir()
    result = run(runner, "batch", folder, "--spec", SPEC15, "--format", "csv")
    files = [r["file"] for r in _csv_rows(_ok(result))]
    assert files == [str(folder / "A.CSV"), str(folder / "b.csv")]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(runner, "batch", empty, YES15, "--spec", SPEC15)
    assert result.exit_code == 1 and f"Error: {empty}: the folder holds no" in result.stderr
    assert {line["file"] for line in _jsonl(result.stdout)} == {str(YES15)}


def test_output_is_written_whole_and_never_over_an_input(runner, tmp_path):
    out = tmp_path / "all.jsonl"
    result = run(runner, "batch", YES15, ALL_YES, "--spec", SPEC15, "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text() == _ok(run(runner, "batch", YES15, ALL_YES, "--spec", SPEC15))
    assert [p.name for p in tmp_path.iterdir()] == ["all.jsonl"]  # no temporary file left
    copy = tmp_path / "copy.csv"
    shutil.copy(YES15, copy)
    result = run(runner, "batch", YES15, copy, "--spec", SPEC15, "-o", copy)
    assert result.exit_code == 1 and "same file as the export 2" in result.stderr
    assert copy.read_bytes() == YES15.read_bytes()


def test_a_bad_spec_stops_everything_and_bad_options_are_usage_errors(runner, tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text("[questions.q1]\ncolumn = 3\n")
    result = run(runner, "batch", YES15, ALL_YES, "--spec", spec)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {spec}: ")
    for bad in (("--jobs", "0"), ("--format", "json"), ()):
        result = run(runner, "batch", *((YES15,) if bad else ()), *bad)
        assert result.exit_code == 2, bad


def test_notes_go_to_stderr(runner):
    result = run(runner, "batch", YES15, ALL_YES, "--spec", SPEC15, "--format", "csv")
    lines = result.stderr.splitlines()
    assert f"rapstats: {YES15}: read 22 responses from {YES15} (plain)" in lines
    # the methods notes both files share are given once; the progress bar is not shown
    shared = [line for line in lines if "Confidence intervals: Wilson" in line]
    assert len(shared) == 1 and "Summarising" not in result.stderr
    assert run(runner, "-q", "batch", YES15, "--spec", SPEC15, "--format", "csv").stderr == ""


def test_help_has_examples(runner):
    text = _ok(run(runner, "batch", "--help"))
    assert "rapstats batch exports/ --spec pulse.toml" in text and "--jobs" in text


# ---------------------------------------------------------------------------------------------
# Publication safety: the file name is user text like a group value


def test_file_names_are_escaped_and_redacted_like_group_values(runner, tmp_path, monkeypatch):
    """A formula or an e-mail address in a file name: the CSV cell gets the leading ' that a
    group value gets, the address is redacted in every output line, JSON shows it as text."""
    name = "=HYPERLINK(1) jo.bloggs@example.org.csv"
    shutil.copy(ROOT / "tests" / "data" / "attack_markup.csv", tmp_path / name)
    monkeypatch.chdir(tmp_path)
    spec = ROOT / "tests" / "data" / "attack_markup.toml"
    args = ("batch", name, "--spec", spec, "--by", "area")
    result = run(runner, *args, "--format", "csv")
    rows = _csv_rows(_ok(result))
    assert f"{name}: personal data in the file name redacted in the output" in result.stderr
    groups = {r["group:area"] for r in rows} - {""}
    assert any(g.startswith("'=") for g in groups)  # the group values' own escaping
    assert {r["file"] for r in rows} == {"'=HYPERLINK(1) [redacted: email]"}
    lines = _jsonl(_ok(run(runner, *args)))
    assert "jo.bloggs" not in json.dumps(lines)
    assert {line["file"] for line in lines} == {"=HYPERLINK(1) [redacted: email]"}
    assert lines[0]["input"]["path"] == lines[0]["file"]


# ---------------------------------------------------------------------------------------------
# The API


def test_batch_files_gives_results_in_order_and_reports_progress():
    from rapstats.pipeline import batch_files

    seen = []
    exports = [YES15, EMPTY, ALL_YES, YES15]
    results = list(
        batch_files(exports, SPEC15, by=("Area",), jobs=2, progress=lambda *a: seen.append(a))
    )
    assert [r.path for r in results] == [str(p) for p in exports]
    assert [r.error is None for r in results] == [True, False, True, True]
    assert results[1].summary is None and "the file is empty" in results[1].error
    assert [s[:2] for s in seen] == [(i, 4) for i in range(1, 5)]
    assert sorted(s[2] for s in seen) == sorted(str(p) for p in exports)
    first = results[0].summary.published_table()
    assert first["positive"].tolist() == [15, 7, 8]
    assert results[0].notes[0] == f"read 22 responses from {YES15} (plain)"


def test_expand_exports_keeps_files_and_expands_folders(tmp_path):
    from rapstats.pipeline import expand_exports

    for name in ("q2.xlsx", "q1.csv", "q3.sav", "readme.md"):
        (tmp_path / name).write_text("x")
    missing = str(tmp_path / "missing.csv")
    assert expand_exports([missing, tmp_path]) == [
        missing,
        *(str(tmp_path / n) for n in ("q1.csv", "q2.xlsx", "q3.sav")),
    ]


# ---------------------------------------------------------------------------------------------
# Processes: a progress bar on a terminal, Ctrl-C


class Terminal:
    """``rapstats ARGS`` in its own process group, its stderr a pseudo-terminal."""

    def __init__(self, *args: object) -> None:
        import pty

        self.leader, follower = pty.openpty()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "rapstats", *map(str, args)]
        self.process = subprocess.Popen(command, env=env, stderr=follower, process_group=0)
        os.close(follower)
        self.shown = ""

    def read_until(self, text: str | None, timeout: float = 60) -> str:
        """What it has shown until ``text`` appears (None: until it closes its stderr)."""
        deadline = time.monotonic() + timeout
        while (text is None or text not in self.shown) and time.monotonic() < deadline:
            try:
                chunk = os.read(self.leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            self.shown += chunk.decode(errors="replace")
        return self.shown


def test_progress_bar_is_shown_on_a_terminal(tmp_path):
    out = tmp_path / "all.csv"
    terminal = Terminal("batch", YES15, ALL_YES, "--spec", SPEC15, "--format", "csv", "-o", out)
    shown = terminal.read_until(None)
    assert terminal.process.wait(timeout=60) == 0
    assert "Summarising" in shown and "2/2" in shown and str(ALL_YES) in shown
    assert out.read_text().startswith("file,")


def test_ctrl_c_stops_the_workers_and_writes_nothing(tmp_path):
    """Ctrl-C in a terminal signals the whole process group: the workers end at once, the
    command says "Aborted!", exits 1 and leaves no output file."""
    big = tmp_path / "big.csv"
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    big.write_text(lines[0] + "".join(lines[1:]) * 400, encoding="utf-8")  # 128,400 responses
    out = tmp_path / "all.jsonl"
    # 24 files: far more work than the signal takes to arrive, even when a loaded machine
    # starves this test (with 6, all could be done before it read the bar, and exit 0)
    terminal = Terminal("batch", *[big] * 24, "--spec", SAMPLE_SPEC, "--jobs", "2", "-o", out)
    terminal.read_until("Summarising")  # the bar is up: the pool is starting or working
    group = terminal.process.pid
    os.killpg(group, signal.SIGINT)
    shown = terminal.read_until(None, timeout=30)
    assert terminal.process.wait(timeout=30) == 1
    assert "Aborted!" in shown and "Traceback" not in shown
    done = [int(k) for k in re.findall(r"(\d+)/24", shown)]
    assert done and max(done) < 24  # stopped, not finished
    deadline = time.monotonic() + 10
    with pytest.raises(ProcessLookupError):  # no worker is left in the group
        while time.monotonic() < deadline:
            os.killpg(group, 0)
            time.sleep(0.05)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


def test_jobs_default_to_the_cpus_this_process_may_use():
    from rapstats.pipeline.batch import usable_cpus

    assert usable_cpus() == len(os.sched_getaffinity(0))
