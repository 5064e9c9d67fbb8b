"""Machine-clean output: every ``--format csv`` is plain RFC 4180 that pandas, R and the
standard ``csv`` module read as it is (no comment handling); the notes go to stderr as
``rapstats: note: ...`` lines or to ``--notes FILE``; an unsuppressed CSV is marked in its data;
paths are named as given."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SAMPLE_CSV, SAMPLE_SPEC, requires_tool, run

DATA = Path(__file__).parent / "data"
WAVES = DATA / "waves"
BETWEEN = DATA / "between"
NOTE = "rapstats: note: "

# command line (without --format) -> JSON key of its rows (None: batch, JSON Lines)
COMMANDS = {
    "summarize": (
        ["summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area", "--by", "ethnicity"],
        "rows",
    ),
    "freq": (["freq", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area"], "rows"),
    "summarize waves": (
        ["summarize", WAVES / "wave1.csv", WAVES / "wave2.csv", "--spec", WAVES / "waves.toml"],
        "rows",
    ),
    "comments": (["comments", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area"], "comments"),
    "compare": (
        ["compare", WAVES / "wave1.csv", WAVES / "wave2.csv", "--spec", WAVES / "waves.toml"],
        "rows",
    ),
    "batch": (
        ["batch", SAMPLE_CSV, ROOT / "data" / "sample" / "feedback_2026q2.csv"]
        + ["--spec", SAMPLE_SPEC, "--by", "area"],
        None,
    ),
    "compare between": (
        ["compare", BETWEEN / "between.csv", "--spec", BETWEEN / "between.toml"]
        + ["--between", "area"],
        "rows",
    ),
}


def _csv(runner, args, *extra):
    result = run(runner, *args, "--format", "csv", *extra)
    assert result.exit_code == 0, result.stderr
    return result


def _n_rows(runner, args, key) -> int:
    """The rows of the command's JSON output (JSON Lines: the lines that are rows)."""
    if key is None:
        lines = run(runner, *args, "--format", "jsonl").stdout.splitlines()
        return sum("kind" not in json.loads(line) for line in lines)
    return len(json.loads(run(runner, *args, "--format", "json").stdout)[key])


def _notes(stderr: str) -> list[str]:
    return [line[len(NOTE) :] for line in stderr.splitlines() if line.startswith(NOTE)]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_csv_reads_as_is_with_pandas_and_csv(runner, name):
    args, key = COMMANDS[name]
    out = _csv(runner, args).stdout
    n_rows = _n_rows(runner, args, key)
    records = list(csv.reader(io.StringIO(out)))
    assert len({len(r) for r in records}) == 1  # one header, rows of its width
    assert len(records) - 1 == n_rows  # every record is a row: no note line
    frame = pd.read_csv(io.StringIO(out))  # no comment= handling needed
    assert frame.shape == (n_rows, len(records[0]))
    assert "warning" not in frame.columns  # a protected output carries no warning column


@pytest.mark.parametrize("name", ["summarize", "freq", "compare", "compare between", "batch"])
def test_csv_notes_go_to_stderr_and_stay_in_the_other_formats(runner, name):
    args, key = COMMANDS[name]
    notes = _notes(_csv(runner, args).stderr)
    if key is None:  # batch: JSON Lines, the notes in each export's input line
        doc = json.loads(run(runner, *args).stdout.splitlines()[0])
    else:
        doc = json.loads(run(runner, *args, "--format", "json").stdout)
        table = " ".join(run(runner, *args).stdout.split())
        methods = doc["methods"]["notes"] + doc["methods"].get("comparison", [])
        assert all(" ".join(n.split()) in table for n in methods)  # still in the text formats
    methods = doc["methods"]["notes"] + doc["methods"].get("comparison", [])
    assert methods and set(methods) <= set(notes)
    assert set(doc["disclosure"]["rules"]) <= set(notes)


def test_notes_file_takes_the_notes_instead_of_stderr(runner, tmp_path):
    args, _ = COMMANDS["summarize"]
    plain = _csv(runner, args)
    path = tmp_path / "notes.txt"
    result = _csv(runner, args, "--notes", path)
    assert result.stdout == plain.stdout
    assert _notes(result.stderr) == []
    assert path.read_text(encoding="utf-8").splitlines() == _notes(plain.stderr)
    assert f"rapstats: wrote the notes to {path}" in result.stderr.splitlines()
    table = run(runner, *args, "--notes", tmp_path / "t.txt")  # other formats: a copy
    assert (tmp_path / "t.txt").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    assert "Note: " in table.stdout


def test_notes_file_is_never_an_input_nor_the_output(runner, tmp_path):
    args, _ = COMMANDS["summarize"]
    spec = tmp_path / "spec.toml"
    shutil.copy(SAMPLE_SPEC, spec)
    result = run(runner, "summarize", SAMPLE_CSV, "--spec", spec, "--notes", spec)
    assert result.exit_code == 1
    assert "--notes is the same file as the spec" in result.stderr
    assert spec.read_bytes() == SAMPLE_SPEC.read_bytes()
    same = tmp_path / "out.csv"
    result = run(runner, *args, "--format", "csv", "-o", same, "--notes", same)
    assert result.exit_code == 2 and "--notes and --output name the same file" in result.stderr
    assert not same.exists()


def test_unsuppressed_csv_is_marked_in_every_row(runner):
    args, _ = COMMANDS["summarize"]
    result = _csv(runner, args, "--unsafe-no-suppression")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns)[0] == "warning"
    assert set(frame["warning"]) == {"UNSUPPRESSED – NOT FOR PUBLICATION"}
    assert _notes(result.stderr)[0] == "UNSUPPRESSED – NOT FOR PUBLICATION"
    compare = COMMANDS["compare"][0]
    rows = list(
        csv.DictReader(io.StringIO(_csv(runner, compare, "--unsafe-no-suppression").stdout))
    )
    assert rows and {r["warning"] for r in rows} == {"UNSUPPRESSED – NOT FOR PUBLICATION"}


def test_suppression_audit_is_plain_csv_marked_not_for_publication(runner, tmp_path):
    audit = tmp_path / "audit.csv"
    args, _ = COMMANDS["summarize"]
    _csv(runner, args, "--explain-suppression", audit)
    frame = pd.read_csv(audit)
    assert len(frame) > 0 and set(frame["warning"]) == {"NOT FOR PUBLICATION"}


def test_paths_are_named_as_given(runner, tmp_path, monkeypatch):
    """Batch logs hold many export.csv: notes and errors name the path as given."""
    for area in ("north", "south"):
        (tmp_path / "batch" / area).mkdir(parents=True)
    shutil.copy(SAMPLE_CSV, tmp_path / "batch" / "north" / "export.csv")
    (tmp_path / "batch" / "south" / "export.csv").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    good = run(runner, "summarize", "batch/north/export.csv", "--spec", SAMPLE_SPEC)
    assert "rapstats: read 321 responses from batch/north/export.csv (plain)" in good.stderr
    bad = run(runner, "summarize", "batch/south/export.csv", "--spec", SAMPLE_SPEC)
    assert (
        bad.stderr
        == "Error: batch/south/export.csv: the file is empty. Fix: export the survey again.\n"
    )


@pytest.mark.slow
@requires_tool(shutil.which("Rscript") is not None, "R (Rscript)")
@pytest.mark.parametrize("name", COMMANDS)
def test_r_read_csv_reads_every_csv(runner, tmp_path, name):
    args, key = COMMANDS[name]
    path = tmp_path / "out.csv"
    _csv(runner, args, "-o", path)
    n_rows = _n_rows(runner, args, key)
    n_cols = len(next(csv.reader(io.StringIO(path.read_text(encoding="utf-8")))))
    code = 'x <- read.csv(commandArgs(TRUE)[1], encoding = "UTF-8"); cat(nrow(x), ncol(x))'
    out = subprocess.run(
        ["Rscript", "-e", code, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == [str(n_rows), str(n_cols)]


def test_json_input_block_lists_what_was_left_out_and_why(runner):
    """Previews, partial responses (--completed-only), totals rows and personal-data columns,
    with the generator's own counts."""
    expected = json.loads((DATA / "fixtures_expected.json").read_text(encoding="utf-8"))
    q = expected["qualtrics_text"]
    args = ["summarize", DATA / "qualtrics_text.csv", "--completed-only", "--format", "json"]
    result = run(runner, *args)
    assert result.exit_code == 0, result.stderr
    previews, personal, partials = json.loads(result.stdout)["input"]["left_out"]
    assert previews == {"what": "rows", "count": q["left_out"], "reason": previews["reason"]}
    assert personal["what"] == "columns" and personal["columns"] == q["dropped"]
    assert partials["count"] == q["unfinished"] and "Finished" in partials["reason"]
    check = DATA / "check"  # a totals row at the bottom of a hand-made sheet
    fixed = ["summarize", check / "broken.csv", "--spec", check / "fixed.toml", "--format", "json"]
    doc = json.loads(run(runner, *fixed).stdout)
    assert doc["input"]["left_out"][0] == {
        "what": "rows",
        "count": 1,
        "reason": "totals or notes rows at the bottom",
    }
