"""Every input is read once: ``report`` with earlier waves, ``compare``, and their error paths.

A read is counted where it happens, whatever code does it: every file opened from Python (the
``open`` audit event, which ``open``, ``Path.open``, ``Path.read_bytes`` and ``os.open`` raise)
while a command runs, by path. A command has read an export once when it opened each of its
files as often as one :func:`rapstats.io.load_export` of it does (a text export is opened to
sniff its encoding, read and hashed in one go, and looked at for its last rows: the same files,
the same number of times, whatever columns are read). The spec is opened once: parsed and
hashed from the same bytes.

The audit hook is added once per test process (Python cannot remove one) and counts only
inside :func:`opened_files`.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SAMPLE_CSV, SAMPLE_REPORT, SAMPLE_SPEC, run

from rapstats.io import load_export

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "tests" / "data" / "parts"
WAVECOL = ROOT / "tests" / "data" / "wavecol"
QUARTERS = ("2025q1", "2025q2", "2025q3", "2025q4", "2026q1")
QUARTER_FILES = [WAVECOL / f"all_{q}.csv" for q in QUARTERS]
Q2 = ROOT / "data" / "sample" / "feedback_2026q2.csv"

_counting: list[Counter[Path]] = []


def _count_open(event: str, args: tuple) -> None:
    if _counting and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _counting[-1][Path(os.fsdecode(args[0])).resolve()] += 1


@contextmanager
def opened_files() -> Iterator[Counter[Path]]:
    """The files opened from Python while the block runs, each with how many times."""
    if not getattr(sys, "_rapstats_read_once_hook", False):
        sys.addaudithook(_count_open)
        sys._rapstats_read_once_hook = True
    counts: Counter[Path] = Counter()
    _counting.append(counts)
    try:
        yield counts
    finally:
        _counting.pop()


def files_of(export: Path) -> list[Path]:
    """The files of an export: itself, or the parts in its folder."""
    return sorted(export.glob("*.csv")) if export.is_dir() else [export]


def one_read(export: Path) -> Counter[Path]:
    """How often each file of ``export`` is opened by one read of it."""
    load_export(export)  # the modules it imports are imported, and opened, before counting
    with opened_files() as counts:
        load_export(export)
    return Counter({f.resolve(): counts[f.resolve()] for f in files_of(export)})


def assert_read_once(counts: Counter[Path], *exports: Path) -> None:
    """Each file of every export opened as often as one read of it opens it (never 0)."""
    for export in exports:
        once = one_read(export)
        assert min(once.values()) > 0, export  # the counter sees the reads
        got = Counter({f: counts[f] for f in once})
        assert got == once, f"{export}: opened {dict(got)}, one read opens {dict(once)}"


def assert_not_read(counts: Counter[Path], *exports: Path) -> None:
    for export in exports:
        assert not any(counts[f.resolve()] for f in files_of(export)), export


def spec_with(tmp_path: Path, old: str, new: str) -> Path:
    """The [survey] wave fixture's spec with ``old`` replaced by ``new``."""
    text = (WAVECOL / "wavecol.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "spec.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_report_with_waves_reads_the_export_the_waves_and_the_spec_once(runner, tmp_path):
    """README's sample report: the export is read once (not again as the last wave), each
    earlier wave once, the spec once."""
    waves = [Path(a) for a in SAMPLE_REPORT if a.endswith(".csv") and Path(a) != SAMPLE_CSV]
    with opened_files() as counts:
        result = run(runner, "report", *SAMPLE_REPORT, "--formats", "md", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert_read_once(counts, SAMPLE_CSV, *waves)
    assert counts[SAMPLE_SPEC.resolve()] == 1


def test_report_of_parts_with_previous_reads_every_part_once(runner, tmp_path):
    """An export in parts and --previous: each part once, as one read of the folder."""
    export, previous = PARTS / "feedback", PARTS / "feedback_2026q2"
    args = ("--spec", SAMPLE_SPEC, "--previous", previous, "--formats", "md")
    with opened_files() as counts:
        result = run(runner, "report", export, *args, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert_read_once(counts, export, previous)
    assert counts[SAMPLE_SPEC.resolve()] == 1


def test_report_with_an_inferred_spec_reads_the_export_once(runner, tmp_path):
    with opened_files() as counts:
        result = run(runner, "report", SAMPLE_CSV, "--previous", Q2, "--formats", "md",
                     "--out", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert_read_once(counts, SAMPLE_CSV, Q2)


def test_report_with_waves_named_by_a_column_reads_each_once(runner, tmp_path):
    """[survey] wave names the waves: the export is read with its column, once."""
    spec = WAVECOL / "wavecol.toml"
    *earlier, export = QUARTER_FILES
    with opened_files() as counts:
        result = run(runner, "report", export, "--spec", spec, "--waves", *earlier,
                     "--formats", "md", "--out", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert_read_once(counts, *QUARTER_FILES)
    assert counts[spec.resolve()] == 1
    assert "2025 Q1" in (tmp_path / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("exports", [QUARTER_FILES, [WAVECOL / "all_responses.csv"]])
def test_compare_reads_each_export_once(runner, exports):
    """Waves in files, or one export split by [survey] wave."""
    with opened_files() as counts:
        result = run(runner, "compare", *exports, "--spec", WAVECOL / "wavecol.toml")
    assert result.exit_code == 0, result.output
    assert_read_once(counts, *exports)


def test_a_question_no_wave_asked_is_named_without_a_read_again(runner, tmp_path):
    """The error naming the column is found in the last wave as it was read."""
    spec = spec_with(tmp_path, '"I trust the police"', '"I trust the polise"')
    with opened_files() as counts:
        result = run(runner, "compare", *QUARTER_FILES, "--spec", spec)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f'Error: {QUARTER_FILES[-1]}: the spec names column "I trust the polise" '
        "([questions.trust]), which is not in the export."
    )
    assert_read_once(counts, *QUARTER_FILES)


@pytest.mark.parametrize(
    ("old", "new", "suggested"),
    [
        ('wave = "quarter"', 'wave = "Aera"', "Area"),  # neither a group nor a column
        ('column = "Timestamp"', 'column = "Timestamps"', "Timestamp"),  # a group's column
    ],
)
def test_a_wave_column_not_in_the_export_is_suggested_without_a_read_again(
    runner, tmp_path, old, new, suggested
):
    """The closest header, of every column of the file, though only the spec's were read."""
    spec = spec_with(tmp_path, old, new)
    export = WAVECOL / "all_responses.csv"
    with opened_files() as counts:
        result = run(runner, "compare", export, "--spec", spec)
    assert result.exit_code == 1
    assert f'did you mean "{suggested}"?' in result.stderr
    assert_read_once(counts, export)


def test_report_stops_at_the_first_wave_without_its_column(runner, tmp_path):
    """report --waves with [survey] wave naming no column: the export and the first earlier
    wave read once, the error raised there; the later waves never read."""
    spec = spec_with(tmp_path, 'wave = "quarter"', 'wave = "Aera"')
    first, *later, export = QUARTER_FILES
    with opened_files() as counts:
        result = run(runner, "report", export, "--spec", spec, "--waves", first, *later,
                     "--formats", "md", "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(f'Error: {first}: [survey] wave = "Aera" is neither')
    assert_read_once(counts, export, first)
    assert_not_read(counts, *later)


def test_compare_files_uses_an_export_already_opened(tmp_path):
    """The API: an Opened given as a wave is used as it was read, and gives what its path
    would."""
    from rapstats.pipeline import compare_files
    from rapstats.pipeline.survey import open_survey

    spec = WAVECOL / "wavecol.toml"
    *earlier, last = QUARTER_FILES
    opened = open_survey(last, spec, by=("quarter",))
    with opened_files() as counts:
        given, _ = compare_files([*earlier, opened], spec)
    assert_not_read(counts, last)
    read, _ = compare_files(QUARTER_FILES, spec)
    assert given.waves == read.waves
    assert repr(given.changes.records()) == repr(read.changes.records())
    assert given.summaries[-1].source == read.summaries[-1].source


def test_read_spec_hashes_the_bytes_it_parses(tmp_path):
    import hashlib

    from rapstats.spec import load_spec, read_spec

    with opened_files() as counts:
        spec_file = read_spec(SAMPLE_SPEC)
    assert counts[SAMPLE_SPEC.resolve()] == 1
    assert spec_file.sha256 == hashlib.sha256(SAMPLE_SPEC.read_bytes()).hexdigest()
    assert spec_file.spec == load_spec(SAMPLE_SPEC)
