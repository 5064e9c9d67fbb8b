"""Outputs through the CLI: an input is never written over, only regular files are written,
``-o -`` is standard output, a report folder is replaced as a whole, a full disk leaves the
previous output intact, and labels of symbols alone reach every report format."""

from __future__ import annotations

import csv
import errno
import hashlib
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE_CSV, SAMPLE_SPEC, pdf_text, requires_tool, run

DATA = Path(__file__).parent / "data"
SYMBOLS_CSV = DATA / "groups_symbols.csv"  # areas North, "-", "?" and "…"


def one_line_error(result, *needles: str, code: int = 1) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the sample export and spec, with their bytes to compare against."""
    export, spec = tmp_path / "feedback.csv", tmp_path / "feedback.toml"
    shutil.copy(SAMPLE_CSV, export)
    shutil.copy(SAMPLE_SPEC, spec)
    return export, spec


# -- never write over an input ------------------------------------------------------------


@pytest.mark.parametrize("command", ["summarize", "freq", "comments", "init"])
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_output_naming_the_export_is_refused(runner, inputs, command, how):
    export, spec = inputs
    before = export.read_bytes()
    target = export
    if how == "symlink":
        target = export.with_name("link.csv")
        target.symlink_to(export)
    elif how == "hardlink":
        target = export.with_name("hard.csv")
        os.link(export, target)
    extra = () if command == "init" else ("--spec", spec)
    result = run(runner, command, export, *extra, "-o", target)
    one_line_error(result, f"{target.name}: --output is the same file as the export {export};")
    assert export.read_bytes() == before
    assert sorted(p.name for p in export.parent.iterdir()) == sorted(
        {"feedback.csv", "feedback.toml", target.name}
    )


def test_output_naming_the_spec_is_refused(runner, inputs):
    export, spec = inputs
    before = spec.read_bytes()
    result = run(runner, "summarize", export, "--spec", spec, "--output", spec)
    one_line_error(result, f"feedback.toml: --output is the same file as the spec {spec};")
    assert spec.read_bytes() == before


@pytest.mark.parametrize("role", ["export", "spec", "previous"])
def test_report_folder_holding_an_input_is_refused(runner, inputs, tmp_path, role):
    export, spec = inputs
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    source = spec if role == "spec" else export
    moved = out / "sub" / source.name
    shutil.copy(source, moved)
    args = {
        "export": (moved, "--spec", spec),
        "spec": (export, "--spec", moved),
        "previous": (export, "--spec", spec, "--previous", moved),
    }[role]
    result = run(runner, "report", *args, "--out", out, "--formats", "xlsx")
    shown = {"export": "export", "spec": "spec", "previous": "earlier wave 1"}[role]
    one_line_error(result, f"out: --out holds the {shown} {moved}", "would delete it")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "sub",
        f"sub/{moved.name}",
    ]


def test_report_folder_through_a_symlink_holding_the_export_is_refused(runner, inputs, tmp_path):
    export, spec = inputs
    link = tmp_path / "reports"
    link.symlink_to(tmp_path)  # the folder holding the export
    result = run(runner, "report", export, "--spec", spec, "--out", link)
    one_line_error(result, "reports: --out holds the export")
    assert export.read_bytes() == SAMPLE_CSV.read_bytes()


def test_report_into_the_current_folder_is_refused(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "report", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--out", ".")
    one_line_error(result, f"{tmp_path.name}: --out holds the current folder")
    assert list(tmp_path.iterdir()) == []


# -- only regular files ---------------------------------------------------------------------


def test_output_fifo_device_or_folder_is_refused_without_opening_it(runner, inputs, tmp_path):
    export, spec = inputs
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # opening it for writing would block until a reader comes
    for target, kind in ((fifo, "a FIFO (named pipe)"), (Path(os.devnull), "a character device")):
        result = run(runner, "summarize", export, "--spec", spec, "-o", target)
        one_line_error(
            result,
            f"--output is {kind}; rapstats writes regular files only",
            "Fix: give a file name, or - for standard output",
        )
    result = run(runner, "summarize", export, "--spec", spec, "-o", tmp_path)
    one_line_error(result, "--output is a folder")
    result = run(runner, "report", export, "--spec", spec, "--out", fifo)
    one_line_error(result, "pipe: --out is a FIFO (named pipe); it must be a folder")
    result = run(runner, "report", export, "--spec", spec, "--out", export)
    one_line_error(result, "feedback.csv: --out is a file; it must be a folder")
    assert fifo.exists() and not fifo.is_file()


def test_dash_is_standard_output(runner, inputs):
    export, spec = inputs
    plain = run(runner, "summarize", export, "--spec", spec, "--format", "csv")
    dash = run(runner, "summarize", export, "--spec", spec, "--format", "csv", "-o", "-")
    assert plain.exit_code == dash.exit_code == 0, dash.stderr
    assert dash.stdout == plain.stdout and dash.stdout.startswith("question,")
    init = run(runner, "init", export, "-o", "-")
    assert init.exit_code == 0 and "[questions." in init.stdout
    assert sorted(p.name for p in export.parent.iterdir()) == ["feedback.csv", "feedback.toml"]


def test_output_through_a_symlink_replaces_its_target(runner, inputs, tmp_path):
    export, spec = inputs
    target = tmp_path / "runs" / "summary.csv"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    result = run(runner, "summarize", export, "--spec", spec, "--format", "csv", "-o", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("question,")
    assert sorted(p.name for p in target.parent.iterdir()) == ["summary.csv"]


# -- a full disk ----------------------------------------------------------------------------


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_leaves_the_previous_file_intact(runner, inputs, tmp_path, monkeypatch):
    export, spec = inputs
    out = tmp_path / "summary.csv"
    out.write_text("previous run\n", encoding="utf-8")
    monkeypatch.setattr(os, "write", no_space)
    result = run(runner, "--quiet", "summarize", export, "--spec", spec, "-o", out)
    monkeypatch.undo()
    one_line_error(
        result, "summary.csv: cannot write: No space left on device", "previous file is unchanged"
    )
    assert "Fix: free some disk space" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["feedback.csv", "feedback.toml", "summary.csv"]
    )


# -- the report folder is replaced as a whole -------------------------------------------------


def report(runner, out: Path, formats: str):
    return run(runner, "report", SYMBOLS_CSV, "--out", out, "--formats", formats, "--quiet")


def test_report_folder_is_replaced_as_a_whole(runner, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"stale PDF of an earlier run")
    (out / "page1.png").write_bytes(b"the user's own file")
    assert report(runner, out, "xlsx,ods").exit_code == 0
    # The earlier run's PDF is gone (not written again); the user's file is kept.
    assert sorted(digests(out)) == ["page1.png", "report.json", "report.ods", "report.xlsx"]
    assert (out / "page1.png").read_bytes() == b"the user's own file"
    assert report(runner, out, "md").exit_code == 0
    charts = [n for n in digests(out) if n.startswith("charts/")]
    assert charts and all(n.endswith(".png") for n in charts)
    assert sorted(set(digests(out)) - set(charts)) == ["page1.png", "report.json", "report.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folders


def test_a_failing_format_leaves_the_previous_report_intact(runner, tmp_path, monkeypatch):
    from rapstats.errors import RapstatsError
    from rapstats.render.report import pdf

    out = tmp_path / "out"
    assert report(runner, out, "xlsx,ods").exit_code == 0
    before = digests(out)

    def broken(*args, **kwargs):
        raise RapstatsError("typst failed")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    one_line_error(report(runner, out, "md,html,pdf,xlsx,ods"), "typst failed")
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_os_error_in_the_api_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    import json

    from rapstats.render.report import pdf, write_report

    out = tmp_path / "out"
    sample = Path(__file__).parents[1] / "reports" / "sample" / "report.json"
    model = json.loads(sample.read_text(encoding="utf-8"))
    write_report(model, out, ["xlsx"])
    before = digests(out)
    monkeypatch.setattr(pdf, "render_pdf", no_space)
    with pytest.raises(OSError, match="No space left"):
        write_report(model, out, ["xlsx", "pdf"])
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_disk_full_while_writing_a_report_leaves_the_previous_one(runner, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert report(runner, out, "xlsx").exit_code == 0
    before = digests(out)
    monkeypatch.setattr(os, "write", no_space)
    result = report(runner, out, "xlsx,ods")
    monkeypatch.undo()
    one_line_error(result, "report.json: cannot write: No space left on device")
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_report_folder_holding_a_folder_it_did_not_write_is_refused(runner, tmp_path):
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    (out / "data" / "keep.csv").write_text("x\n", encoding="utf-8")
    result = report(runner, out, "xlsx")
    one_line_error(result, "out: --out holds 'data', which rapstats did not write")
    assert sorted(digests(out)) == ["data/keep.csv"]
    (out / "charts").mkdir()
    (out / "charts" / "notes.txt").write_text("mine\n", encoding="utf-8")
    (out / "data" / "keep.csv").rename(out / "keep.csv")
    (out / "data").rmdir()
    one_line_error(report(runner, out, "xlsx"), "holds 'charts/notes.txt'")


# -- labels of symbols alone (probe B6) -----------------------------------------------------


def area_counts() -> dict[str, tuple[int, int]]:
    """(base, positive answers) per area, counted from the raw file."""
    counts: dict[str, list[int]] = {}
    with SYMBOLS_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            c = counts.setdefault(row["Area"], [0, 0])
            c[0] += 1
            c[1] += row["The service was helpful"] in ("Strongly agree", "Agree")
    return {k: (b, x) for k, (b, x) in counts.items()}


def test_group_labels_of_symbols_alone_reach_every_format(runner, tmp_path):
    import openpyxl

    out = tmp_path / "out"
    result = report(runner, out, "md,html,xlsx,ods")
    assert result.exit_code == 0, result.stderr + repr(result.exception)
    counts = area_counts()
    # shown: North 12 of 24 and "-" 11 of 22; "…" (9 of 18) is below min_count 10, and "?"
    # (20) is then the smallest complement in the overall = sum of areas relation: [c]
    assert counts["North"] == (24, 12) and counts["-"] == (22, 11)
    assert counts["…"] == (18, 9) and counts["?"] == (20, 10)
    # XLSX and ODS: a cell of symbols alone reads as a shorthand, so the label is marked.
    wb = openpyxl.load_workbook(out / "report.xlsx")
    rows = [r for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
    by_area = {r[1]: r for r in rows if r[0] == "The service was helpful" and len(r) > 8}
    assert {"- (as given)", "? (as given)", "… (as given)", "North"} <= set(by_area)
    assert by_area["North"][2:4] == (24, 50.0)
    assert by_area["- (as given)"][2:4] == (22, 50.0)
    assert all(by_area[f"{s} (as given)"][2] == "[c]" for s in ("?", "…"))
    with zipfile.ZipFile(out / "report.ods") as z:
        content = z.read("content.xml").decode("utf-8")
    for label in ("-", "?", "…"):
        assert f"<text:p>{label} (as given)</text:p>" in content
    # HTML and Markdown show the label as it is.
    html = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    # (the question is the heading of its group of rows; the label heads its row)
    assert "| **The service was helpful** |" in md
    for label in ("-", "?", "…"):
        assert f'<th scope="row">{label}</th>' in html
        assert f"\n| {label} |" in md


@requires_tool(shutil.which("pdftotext") is not None, "poppler-utils")
def test_group_labels_of_symbols_alone_in_the_pdf(runner, tmp_path):
    out = tmp_path / "out"
    result = report(runner, out, "pdf")
    assert result.exit_code == 0, result.stderr + repr(result.exception)
    text = pdf_text(out / "report.pdf")
    assert "\nThe service was helpful" in text  # the heading of its group of rows
    assert "\nNorth 24 50.0 " in text
    assert "\n- 22 50.0 " in text
    # groups withheld in every cell are named in that heading, not printed as rows of [c]
    assert "\nThe service was helpful Withheld [c]: ? and ….\n" in text


def test_api_refuses_to_replace_the_current_folder(tmp_path, monkeypatch):
    from rapstats.errors import OutputError
    from rapstats.render.report import write_report

    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match="holds the current folder"):
        write_report({"charts": []}, ".", ["xlsx"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
