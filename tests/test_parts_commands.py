"""A survey in parts read by every command, not only summarize and freq: report (every format,
and a wave in parts with --waves), compare, comments, check and init take a folder or glob of
CSV parts (or a Parquet dataset) as one export, pooled, with the same note on stderr.

The parts are tests/data/parts/ (scripts/make_parts_fixture.py): ``feedback/`` is
data/sample/feedback.csv split in three and ``feedback_2026q2/`` that wave split in two, so
that the parts joined are those exports. Copied here into folders named as the exports
(``feedback.csv/``), every output of the parts is the output of the exports byte for byte,
except the digest the manifest records of each input read (of the parts: their names and
contents, :func:`rapstats.io.parts.parts_digest`), and, where an output records the path
given, that path.
"""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from rapstats.io import file_sha256
from rapstats.io.parts import parts_digest
from tests.conftest import ROOT, SAMPLE_CSV, SAMPLE_REPORT, SAMPLE_SPEC, pdf_text, run

PARTS = ROOT / "tests" / "data" / "parts"
SAMPLE = ROOT / "data" / "sample"
Q2 = SAMPLE / "feedback_2026q2.csv"
POOLED = "of one survey (pooled, not waves)"


def named_as_export(tmp: Path, parts: str, export: Path) -> Path:
    """A copy of the parts in a folder named as the export they were split from."""
    folder = tmp / parts / export.name
    shutil.copytree(PARTS / parts, folder)
    return folder


def swapped(data: bytes, swaps: dict[str, str]) -> bytes:
    for new, old in swaps.items():
        data = data.replace(new.encode(), old.encode())
    return data


def contents(path: Path, swaps: dict[str, str]) -> object:
    """What a file holds, with ``swaps`` (the parts' digests and paths -> the exports'):
    a workbook member by member, a PDF as its text without blanks (its fonts are subset to
    the glyphs used and a digest is broken into lines where it falls, so another digest
    changes bytes and lines elsewhere), anything else as bytes."""
    if path.suffix in (".xlsx", ".ods"):
        with zipfile.ZipFile(path) as z:
            return [(n, swapped(z.read(n), swaps)) for n in z.namelist()]
    if path.suffix == ".pdf":
        return swapped("".join(pdf_text(path).replace("\u200b", "").split()).encode(), swaps)
    return swapped(path.read_bytes(), swaps)


def assert_same_files(got: Path, expected: Path, swaps: dict[str, str]) -> None:
    written = sorted(p.relative_to(got) for p in got.rglob("*") if p.is_file())
    assert {p.suffix for p in written} >= {".md", ".json", ".html", ".pdf", ".xlsx", ".ods"}
    for name in written:
        assert contents(got / name, swaps) == contents(expected / name, {}), name


def test_report_of_parts_and_a_wave_in_parts_is_the_sample_report(runner, tmp_path) -> None:
    """README's sample report with the export and its 2026 Q2 wave given as folders of parts:
    reports/sample/ in every format (the PDF's text), the digests aside."""
    export = named_as_export(tmp_path, "feedback", SAMPLE_CSV)
    wave = named_as_export(tmp_path, "feedback_2026q2", Q2)
    args = [export if a == str(SAMPLE_CSV) else wave if a == str(Q2) else a for a in SAMPLE_REPORT]
    assert export in args and wave in args
    result = run(runner, "report", *args, "--out", tmp_path / "report")
    assert result.exit_code == 0, result.output
    assert f"3 parts {POOLED}" in result.stderr and f"2 parts {POOLED}" in result.stderr
    swaps = {parts_digest(export): file_sha256(SAMPLE_CSV), parts_digest(wave): file_sha256(Q2)}
    assert_same_files(tmp_path / "report", ROOT / "reports" / "sample", swaps)
    manifest = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    recorded = {i["name"]: i["sha256"] for i in manifest["manifest"]["inputs"]}
    assert recorded["feedback.csv"] == parts_digest(export) != file_sha256(SAMPLE_CSV)
    assert recorded["feedback_2026q2.csv"] == parts_digest(wave)


def test_report_of_a_glob_and_a_parquet_dataset(runner, tmp_path) -> None:
    """A quoted glob of parts is the folder; a Parquet dataset is read as summarize reads it."""
    args = ("--spec", SAMPLE_SPEC, "--formats", "md")
    for name, export in (
        ("folder", PARTS / "feedback"),
        ("glob", PARTS / "feedback" / "part-*.csv"),
        ("parquet", PARTS / "design_parquet"),
    ):
        spec = () if name == "parquet" else args
        result = run(runner, "report", export, *spec, "--out", tmp_path / name)
        assert result.exit_code == 0, result.output
        assert POOLED in result.stderr, name
    folder, pattern = ((tmp_path / n / "report.md").read_text("utf-8") for n in ("folder", "glob"))
    assert pattern.replace("part-\\*.csv", "feedback") == folder  # the name given, escaped


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_compare_with_a_wave_in_parts(runner, tmp_path, fmt: str) -> None:
    earlier = named_as_export(tmp_path, "feedback_2026q2", Q2)
    later = named_as_export(tmp_path, "feedback", SAMPLE_CSV)
    args = ("--spec", SAMPLE_SPEC, "--by", "area", "--format", fmt)
    files = run(runner, "compare", Q2, SAMPLE_CSV, *args)
    parts = run(runner, "compare", earlier, later, *args)
    assert files.exit_code == parts.exit_code == 0, parts.output
    swaps = {parts_digest(earlier): file_sha256(Q2), parts_digest(later): file_sha256(SAMPLE_CSV)}
    swaps |= {str(earlier): str(Q2), str(later): str(SAMPLE_CSV)}
    assert swapped(parts.stdout.encode(), swaps) == files.stdout.encode()
    assert f"2 parts {POOLED}" in parts.stderr and f"3 parts {POOLED}" in parts.stderr


def test_waves_in_parts_for_summarize_and_compare_between(runner, tmp_path) -> None:
    """summarize of two waves, and compare --between within them, each wave in parts."""
    earlier = named_as_export(tmp_path, "feedback_2026q2", Q2)
    later = named_as_export(tmp_path, "feedback", SAMPLE_CSV)
    swaps = {parts_digest(earlier): file_sha256(Q2), parts_digest(later): file_sha256(SAMPLE_CSV)}
    swaps |= {str(earlier): str(Q2), str(later): str(SAMPLE_CSV)}
    spec = ("--spec", SAMPLE_SPEC, "--format", "json")
    for args in (("summarize", "--by", "area"), ("compare", "--between", "area")):
        files = run(runner, args[0], Q2, SAMPLE_CSV, *spec, *args[1:])
        parts = run(runner, args[0], earlier, later, *spec, *args[1:])
        assert files.exit_code == parts.exit_code == 0, parts.output
        assert swapped(parts.stdout.encode(), swaps) == files.stdout.encode(), args[0]
        assert f"2 parts {POOLED}" in parts.stderr and f"3 parts {POOLED}" in parts.stderr


@pytest.mark.parametrize("by", [(), ("--by", "area")])
def test_comments_of_parts(runner, tmp_path, by: tuple[str, ...]) -> None:
    folder = named_as_export(tmp_path, "feedback", SAMPLE_CSV)
    for fmt in ("table", "csv", "json", "markdown"):
        args = ("--spec", SAMPLE_SPEC, *by, "--format", fmt)
        export, parts = (
            run(runner, "comments", SAMPLE_CSV, *args),
            run(runner, "comments", folder, *args),
        )
        assert export.exit_code == parts.exit_code == 0, parts.output
        assert parts.stdout == export.stdout and POOLED in parts.stderr, fmt


def test_check_and_init_of_parts(runner, tmp_path) -> None:
    """check says what it read (the path given, and the parts pooled); init infers the spec
    of the export from its parts."""
    folder = named_as_export(tmp_path, "feedback", SAMPLE_CSV)
    export = run(runner, "check", SAMPLE_CSV, "--spec", SAMPLE_SPEC)
    parts = run(runner, "check", folder, "--spec", SAMPLE_SPEC)
    assert export.exit_code == parts.exit_code == 0, parts.output
    pooled = "Rows read: 321\nNote: read 3 parts of one survey (pooled, not waves)\n"
    expected = export.stdout.replace(str(SAMPLE_CSV), str(folder))
    assert parts.stdout == expected.replace("Rows read: 321\n", pooled, 1)
    export, parts = run(runner, "init", SAMPLE_CSV), run(runner, "init", folder)
    assert export.exit_code == parts.exit_code == 0, parts.output
    assert parts.stdout == export.stdout


# ---------------------------------------------------------------------------------------------
# Parts that cannot be one survey: one line naming the part (or the folder) and the fix, exit 1,
# whichever command reads them


def _commands(parts: Path, tmp: Path) -> dict[str, tuple[object, ...]]:
    """Every command that reads an export, given ``parts`` as the export (or a wave)."""
    spec = ("--spec", SAMPLE_SPEC)
    return {
        "summarize": ("summarize", parts, *spec),
        "summarize (no spec)": ("summarize", parts),
        "freq --profile": ("freq", parts, *spec, "--profile"),
        "comments": ("comments", parts, *spec),
        "report": ("report", parts, *spec, "--out", tmp / "out", "--formats", "md"),
        "report --waves": (
            "report",
            SAMPLE_CSV,
            *spec,
            "--waves",
            parts,
            "--out",
            tmp / "out",
            "--formats",
            "md",
        ),
        "compare": ("compare", parts, Q2, *spec),
        "compare --between": ("compare", parts, *spec, "--between", "area"),
        "check": ("check", parts, *spec),
        "init": ("init", parts),
    }


def _one_line_errors(runner, parts: Path, tmp: Path) -> dict[str, str]:
    lines = {}
    for name, args in _commands(parts, tmp).items():
        result = run(runner, *args)
        errors = result.stderr.strip().splitlines()
        assert result.exit_code == 1 and len(errors) == 1, (name, result.output)
        assert errors[0].startswith("Error: ") and "Traceback" not in result.output, name
        lines[name] = errors[0]
    return lines


def test_parts_whose_headers_differ(runner, tmp_path) -> None:
    folder = shutil.copytree(PARTS / "feedback", tmp_path / "parts")
    second = folder / "part-2.csv"
    second.write_text(second.read_text("utf-8").replace("Age band", "Age group", 1), "utf-8")
    for name, line in _one_line_errors(runner, folder, tmp_path).items():
        assert str(second) in line and '"Age band"' in line, (name, line)
        assert "Fix: give every part of the survey the same header row." in line, name


def test_a_folder_holding_no_export(runner, tmp_path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"not an export")
    for name, line in _one_line_errors(runner, folder, tmp_path).items():
        assert line.startswith(f"Error: {folder}: is a folder holding no CSV"), (name, line)
        assert "Fix: give the export file, or a folder or quoted glob" in line, name
    for name, line in _one_line_errors(runner, folder / "*.csv", tmp_path).items():
        assert "matches no CSV, TSV, Parquet or Arrow/Feather file" in line, (name, line)


def test_a_folder_of_parts_of_two_kinds(runner, tmp_path) -> None:
    folder = shutil.copytree(PARTS / "feedback", tmp_path / "mixed")
    shutil.copy(PARTS / "design_parquet" / "part=1" / "part-0.parquet", folder / "part-4.parquet")
    for name, line in _one_line_errors(runner, folder, tmp_path).items():
        assert str(folder) in line and "part-4.parquet" in line and "part-1.csv" in line, name
        assert "Fix: give the parts of one kind" in line, name


def test_unknown_label_read_whole_names_the_row_through_the_parts(runner, tmp_path) -> None:
    """Read whole (the report), the parts are one export: an answer no option matches in the
    third part is on the row the parts joined give it (header = row 1)."""
    folder = shutil.copytree(PARTS / "feedback", tmp_path / "parts")
    third = folder / "part-3.csv"
    lines = third.read_text("utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace(",Agree,", ",Perhaps,", 1)
    third.write_text("".join(lines), "utf-8")
    joined = tmp_path / "joined.csv"
    parts = sorted(folder.glob("*.csv"))
    body = [p.read_text("utf-8").splitlines(keepends=True) for p in parts]
    joined.write_text("".join(body[0] + [r for b in body[1:] for r in b[1:]]), "utf-8")
    args = ("--spec", SAMPLE_SPEC, "--out", tmp_path / "out", "--formats", "md")
    whole, split = run(runner, "report", joined, *args), run(runner, "report", folder, *args)
    assert whole.exit_code == split.exit_code == 1
    assert "row 226" in whole.stderr and "Perhaps" in whole.stderr, whole.stderr
    assert split.stderr == whole.stderr.replace(str(joined), str(folder))


def test_no_output_inside_the_folder_of_the_parts(runner, tmp_path) -> None:
    """An output written among the parts would be read as a part by the next run."""
    folder = shutil.copytree(PARTS / "feedback", tmp_path / "parts")
    spec = ("--spec", SAMPLE_SPEC)
    for export, args in (
        (folder, ("summarize", "-o", folder / "out.csv", "--format", "csv")),
        (folder / "*.csv", ("freq", "-o", folder / "out.csv")),
        (folder, ("comments", "--notes", folder / "sub" / "notes.txt")),
        (folder / "part-*.csv", ("report", "--out", folder / "report", "--formats", "md")),
    ):
        result = run(runner, args[0], export, *spec, *args[1:])
        assert result.exit_code == 1, result.output
        (line,) = result.stderr.strip().splitlines()
        assert f"is inside the folder the export {export} is read from" in line, line
        assert "Fix: write outside that folder." in line
    assert sorted(p.name for p in folder.iterdir()) == ["part-1.csv", "part-2.csv", "part-3.csv"]


def _joined(folder: Path, to: Path) -> Path:
    """The parts of ``folder`` joined into one export (the header rows after the first
    dropped)."""
    body = [p.read_text("utf-8").splitlines(keepends=True) for p in sorted(folder.glob("*.csv"))]
    to.write_text("".join(body[0] + [r for b in body[1:] for r in b[1:]]), "utf-8")
    return to


def _read(path: Path) -> tuple:
    from rapstats.io import load_export

    export = load_export(path)
    columns = {c: (col.categories, col.codes.tolist()) for c, col in export.columns.items()}
    kept = (export.platform, export.encoding, export.dropped, export.left_out)
    return columns, export.row_numbers.tolist(), kept, export.notes


def test_parts_read_whole_are_the_export_joined(tmp_path) -> None:
    """load_export of a folder of parts: the values, their order, the row numbers and what
    was left out of the parts joined; a column holding e-mail addresses in one part only is
    left out of every part, as of the joined export."""
    folder = shutil.copytree(PARTS / "feedback", tmp_path / "parts")
    for k, part in enumerate(sorted(folder.glob("*.csv"))):
        with part.open(newline="", encoding="utf-8") as f:
            header, *rows = list(csv.reader(f))
        rows = [[*r, f"person{i}@example.org" if k == 1 else ""] for i, r in enumerate(rows)]
        with part.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([[*header, "Contact"], *rows])
    for parts in (PARTS / "feedback", PARTS / "feedback_2026q2", folder):
        columns, rows, kept, notes = _read(parts)
        joined = _read(_joined(parts, tmp_path / f"{parts.name}.csv"))
        assert (columns, rows, kept) == joined[:3], parts
        assert notes[0].startswith("read ") and notes[1:] == joined[3]
    assert "Contact" not in columns and kept[2] == ("Contact",)


def test_an_output_beside_a_file_named_like_a_glob(runner, tmp_path) -> None:
    """A file whose name holds ``[`` is a file, not a glob: outputs beside it are fine."""
    export = tmp_path / "feedback [final].csv"
    shutil.copy(SAMPLE_CSV, export)
    out = tmp_path / "out.csv"
    result = run(runner, "summarize", export, "--spec", SAMPLE_SPEC, "-o", out, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert (
        out.read_text("utf-8")
        == run(runner, "summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--format", "csv").stdout
    )
