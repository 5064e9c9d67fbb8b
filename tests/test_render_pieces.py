"""Tables written in pieces (rapstats.render.stream) are the bytes of the one-string path.

The export is generated here (``_write_export``): 420 events of 12 respondents each (5,040
rows), five agree/disagree questions, so ``--by event`` gives 5 x 421 = 2,105 summary rows,
more than one piece of :data:`rapstats.render.stream.CHUNK_ROWS` (2,048). Event names hold
text each format escapes (quotes, commas, a pipe, a formula, DEL, a bidi override); the last
event's name is the longest, so the terminal table's widths come from the last piece.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import SAMPLE_CSV, SAMPLE_SPEC, run

from rapstats.escape import json_text
from rapstats.files import write_atomic
from rapstats.pipeline import summarize_files
from rapstats.render import render_frequencies, render_summary, stream
from rapstats.render.tables import _banner, _json_head

N_EVENTS, PER_EVENT, QUESTIONS = 420, 12, 5
ODD = ['"quoted" name', "comma, name", "pipe | name", "=1+1", "del\x7fname", "bidi\u202ename"]
SPEC = """\
[survey]
title = "Many cells"

[disclosure]
min_base = 3
min_count = 1

[scales.agree]
options = ["Agree", "Disagree"]
positive = ["Agree"]

[groups.event]
column = "event"
""" + "".join(
    f'\n[questions.q{k}]\ncolumn = "q{k}"\nscale = "agree"\n' for k in range(1, QUESTIONS + 1)
)


def _event(i: int) -> str:
    if i == N_EVENTS - 1:
        return "the last event, whose name is longer than any other in this export"
    return f"event {i:03d} {ODD[i % len(ODD)]}" if i % 7 == 0 else f"event {i:03d}"


def _write_export(folder: Path) -> tuple[Path, Path]:
    export, spec = folder / "events.csv", folder / "events.toml"
    with export.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["event", *[f"q{k}" for k in range(1, QUESTIONS + 1)]])
        for i in range(N_EVENTS):
            for r in range(PER_EVENT):
                answers = ["Agree" if (i * r + k) % 3 else "Disagree" for k in range(QUESTIONS)]
                out.writerow([_event(i), *answers])
    spec.write_text(SPEC, encoding="utf-8")
    return export, spec


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _write_export(tmp_path_factory.mktemp("events"))


def _one_string_json(summary, rows: list[dict]) -> str:
    """The JSON document as it was built before pieces: one dict, one ``json.dumps``."""
    doc = {**_json_head(summary), "rows": rows}
    if _banner(summary):
        doc = {"warning": _banner(summary), **doc}
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def _cli(runner, command: list[str], *args: object, out: Path | None = None) -> str:
    result = run(runner, *command, *args, *(["-o", out] if out else []))
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8") if out else result.stdout


@pytest.mark.parametrize("unsafe", [False, True], ids=["protected", "unsuppressed"])
@pytest.mark.parametrize("command", [["summarize"], ["freq"]])
def test_json_of_many_cells_is_the_one_string_document(
    runner, events, summaries, tmp_path, command, unsafe
):
    export, spec = events
    extra = ["--unsafe-no-suppression"] if unsafe else []
    args = [export, "--spec", spec, "--by", "event", "--format", "json", *extra]
    text = _cli(runner, command, *args, out=tmp_path / "out.json")
    what = "rows" if command == ["summarize"] else "frequencies"
    if unsafe:
        publish = ("rows",) if what == "rows" else ("rows", "frequencies")
        summary, _ = summarize_files(
            [str(export)], spec, by=("event",), publish=publish, unsafe_no_suppression=True
        )
    else:  # the protected summary of these options, made once for the module
        summary = summaries[what]
    rows = summary.records() if command == ["summarize"] else summary.frequency_records()
    assert len(rows) > stream.CHUNK_ROWS  # more than one piece
    expected = _one_string_json(summary, rows)
    assert json.loads(text) == json.loads(expected)
    assert text == expected
    assert _cli(runner, command, *args) == expected  # standard output: the same text


def test_profile_json_is_the_one_string_document(runner, events, tmp_path, monkeypatch):
    export, spec = events
    monkeypatch.setattr(stream, "CHUNK_ROWS", 50)
    args = [export, "--spec", spec, "--by", "event", "--format", "json"]
    text = _cli(runner, ["freq", "--profile"], *args)
    summary, _ = summarize_files([str(export)], spec, by=("event",), publish=("profile",))
    assert text == _one_string_json(summary, summary.profile_records())


@pytest.fixture(scope="module")
def summaries(events: tuple[Path, Path]) -> dict:
    export, spec = events
    by = {"by": ("event",)}
    return {
        "rows": summarize_files([str(export)], spec, **by)[0],
        "frequencies": summarize_files([str(export)], spec, **by, publish=("rows", "frequencies"))[
            0
        ],
    }


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "table"])
@pytest.mark.parametrize("what", ["rows", "frequencies"])
def test_piece_size_never_changes_the_bytes(summaries, monkeypatch, what, fmt):
    summary = summaries[what]
    render = render_summary if what == "rows" else render_frequencies
    whole = render(summary, fmt)
    assert "the last event, whose name is longer" in whole
    for size in (1, 7, 2104, 2105):
        monkeypatch.setattr(stream, "CHUNK_ROWS", size)
        assert render(summary, fmt) == whole, size


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "table"])
def test_sample_in_pieces_of_one_row(runner, tmp_path, monkeypatch, fmt):
    args = [SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", "area", "--format", fmt]
    whole = _cli(runner, ["summarize"], *args)
    monkeypatch.setattr(stream, "CHUNK_ROWS", 1)
    assert _cli(runner, ["summarize"], *args) == whole
    assert _cli(runner, ["summarize"], *args, out=tmp_path / "out") == whole


def test_pieces_written_whole_or_not_at_all(tmp_path):
    target = tmp_path / "out.json"
    write_atomic(target, ["{\n", '  "a": "é"\n', "}\n"])
    assert target.read_text(encoding="utf-8") == '{\n  "a": "é"\n}\n'

    def failing():
        yield "half a document"
        raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError, match="rendering failed"):
        write_atomic(target, failing())
    assert target.read_text(encoding="utf-8") == '{\n  "a": "é"\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
