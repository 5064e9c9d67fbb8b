"""Which files a survey in parts is read from (rapstats.files.listed_files): attacks on the
folder and the glob. Each case gives the numbers of the joined export (tests/data/attack/
labels.csv read whole) or one error line naming the part and the fix: a link to a part in
the same folder is that part (read once), a linked subfolder is read, a link loop ends,
hidden files (.DS_Store, macOS ._ files) and Office lock files (~$) are no parts, a [ in a
folder's name is no wildcard, and parts with headers in other case, spacing, BOM or encoding
pool."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, run

LABELS = ROOT / "tests" / "data" / "attack" / "labels.csv"
SPEC = ROOT / "tests" / "data" / "attack" / "labels.toml"
# Office's lock files start "~$" (written so: a string starting "~" reads as a home folder
# to tests/test_repository.py's scan)
LOCK = chr(126) + "$"


def _rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f))


ROWS = _rows(LABELS)


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def _split(folder: Path, names: tuple[str, ...] = ("p0.csv", "p1.csv", "p2.csv")) -> None:
    """labels.csv in len(names) parts, each with the header row."""
    body, n = ROWS[1:], len(names)
    k = len(body) // n
    for i, name in enumerate(names):
        _write(folder / name, [ROWS[0], *body[i * k : (i + 1) * k if i < n - 1 else None]])


def _summary(runner, tmp_path: Path, export: Path | str) -> dict:
    out = tmp_path / "out" / "s.json"
    out.parent.mkdir(exist_ok=True)
    args = ("summarize", export, "--spec", SPEC, "--by", "area", "--format", "json", "-o", out)
    result = run(runner, "-q", *args)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["input"] = {k: v for k, v in doc["input"].items() if k not in ("path", "sha256")}
    return doc


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    from click.testing import CliRunner

    return _summary(CliRunner(), tmp_path_factory.mktemp("joined"), LABELS)


def test_a_link_to_a_part_in_the_folder_is_read_once(runner, tmp_path, joined):
    _split(tmp_path / "parts")
    os.symlink(tmp_path / "parts" / "p0.csv", tmp_path / "parts" / "p3 link.csv")
    assert _summary(runner, tmp_path, tmp_path / "parts") == joined
    assert _summary(runner, tmp_path, tmp_path / "parts" / "*.csv") == joined


def test_a_linked_subfolder_is_read_and_a_link_loop_ends(runner, tmp_path, joined):
    _split(tmp_path / "elsewhere", ("p0.csv", "p1.csv", "p2.csv"))
    (tmp_path / "parts").mkdir()
    os.replace(tmp_path / "elsewhere" / "p0.csv", tmp_path / "parts" / "p0.csv")
    os.symlink(tmp_path / "elsewhere", tmp_path / "parts" / "sub")
    os.symlink(tmp_path / "parts", tmp_path / "parts" / "loop")
    assert _summary(runner, tmp_path, tmp_path / "parts") == joined


def test_hidden_and_lock_files_are_no_parts(runner, tmp_path, joined):
    folder = tmp_path / "parts"
    _split(folder)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(100))
    (folder / "._p0.csv").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X" + bytes(60))
    (folder / (LOCK + "p1.csv")).write_bytes(b"\x05jo   " + bytes(40))
    _write(folder / ".hidden" / "p9.csv", ROWS[:3])
    assert _summary(runner, tmp_path, folder) == joined
    assert _summary(runner, tmp_path, folder / "*.csv") == joined


def test_a_bracket_in_a_folder_name_is_no_wildcard(runner, tmp_path, joined):
    folder = tmp_path / "exports [2026]"
    _split(folder)
    assert _summary(runner, tmp_path, folder) == joined
    assert _summary(runner, tmp_path, f"{folder}{os.sep}*.csv") == joined
    assert _summary(runner, tmp_path, f"{folder}{os.sep}p[0-2].csv") == joined


def test_headers_in_other_case_spacing_bom_and_encodings_pool(runner, tmp_path, joined):
    folder = tmp_path / "parts"
    _split(folder)
    rows = _rows(folder / "p1.csv")
    _write(folder / "p1.csv", [[f" {h.upper()} " for h in rows[0]], *rows[1:]], "utf-16")
    _write(folder / "p2.csv", _rows(folder / "p2.csv"), "utf-8-sig")
    assert _summary(runner, tmp_path, folder) == joined


def test_parts_named_like_formulas_and_addresses_pool(runner, tmp_path, joined):
    _split(tmp_path / "parts", ("=SUM(A1).csv", "jo@example.org.csv", "-x.csv"))
    assert _summary(runner, tmp_path, tmp_path / "parts") == joined


def test_an_empty_part_is_one_error_naming_it(runner, tmp_path):
    folder = tmp_path / "parts"
    _split(folder)
    (folder / "p3.csv").write_bytes(b"")
    result = run(runner, "summarize", folder, "--spec", SPEC)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / 'p3.csv'}: ")
    assert len(result.stderr.splitlines()) == 1 and "Fix:" in result.stderr


def test_a_part_with_a_header_only_adds_no_responses(runner, tmp_path, joined):
    """A part with no responses (a day nobody answered), first or later, adds none, streamed
    or read whole (comments reads every part whole); with none in any part, one error."""
    folder = tmp_path / "parts"
    _split(folder, ("p1.csv", "p2.csv", "p3.csv"))
    _write(folder / "p0.csv", ROWS[:1])
    _write(folder / "p2b.csv", ROWS[:1])
    assert _summary(runner, tmp_path, folder) == joined
    for command in ("comments", "check"):
        pooled = run(runner, "-q", command, folder, "--spec", SPEC)
        whole = run(runner, "-q", command, LABELS, "--spec", SPEC)
        assert pooled.exit_code == whole.exit_code, pooled.stderr
        if command == "comments":
            assert pooled.stdout == whole.stdout
    empty = tmp_path / "empty"
    _write(empty / "a.csv", ROWS[:1])
    _write(empty / "b.csv", ROWS[:1])
    for command in ("summarize", "comments"):
        result = run(runner, command, empty, "--spec", SPEC)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {empty}: holds no responses in any part. Fix: export the survey again "
            "once responses have been recorded.\n"
        )


def test_a_part_whose_every_row_is_left_out_is_one_error_naming_it(runner, tmp_path):
    """A Qualtrics part holding survey previews only: skipping it would leave its previews out
    of the rows the input block says were left out (the joined export counts them), so it is
    the one-line error a file of previews only gives, naming the part."""
    lines = (ROOT / "tests" / "data" / "qualtrics_text.csv").read_text(encoding="utf-8")
    head, body = lines.splitlines(keepends=True)[:3], lines.splitlines(keepends=True)[3:]
    previews = [line for line in body if "Survey Preview" in line]
    assert previews
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "p0.csv").write_text("".join(head + body[:20]), encoding="utf-8")
    (folder / "p1.csv").write_text("".join(head + previews), encoding="utf-8")
    for command in ("summarize", "comments"):
        result = run(runner, command, folder)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {folder / 'p1.csv'}: has a header but no responses. Fix: export the survey "
            "again once responses have been recorded.\n"
        )


def test_what_arrow_and_spark_leave_out_is_no_part(runner, tmp_path, joined):
    """A Spark job's output folder: its _temporary/ (a failed or running job's copies of the
    parts) and _SUCCESS are left out, as Arrow and Spark leave them out."""
    folder = tmp_path / "parts"
    _split(folder, ("part-0.csv", "part-1.csv", "part-2.csv"))
    _split(folder / "_temporary" / "0", ("part-0.csv", "part-1.csv", "part-2.csv"))
    (folder / "_SUCCESS").write_bytes(b"")
    _write(folder / "_part-9.csv", ROWS[:5])
    assert _summary(runner, tmp_path, folder) == joined
