"""Waves named by a column: the spec's ``[survey] wave`` (compare, summarize, report --waves).

Files: tests/data/wavecol/ (written by scripts/make_wavecol_fixtures.py; see its README): one
continuous export over five quarters (``all_responses.csv``, two responses with no timestamp),
the same responses written one file per quarter, and an export with no timestamp at all.
Expected shares are counted here from the raw files with the csv module, never with rapstats.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import run

DATA = Path(__file__).parent / "data" / "wavecol"
SPEC = DATA / "wavecol.toml"
ALL = DATA / "all_responses.csv"
QUARTERS = ("2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4", "2026 Q1")
FILES = [DATA / f"all_{q.replace(' Q', 'q')}.csv" for q in QUARTERS]
SAFE = "I feel safe in my area"
TRUST = "I trust the police"


def raw_counts(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """(positives, base) per (quarter of the timestamp, question), from the raw file: the
    quarter is cut from the ISO timestamp by hand; a blank timestamp is in no quarter and a
    blank answer in no base."""
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            stamp = row["Timestamp"]
            if not stamp:
                continue
            quarter = f"{stamp[:4]} Q{(int(stamp[5:7]) - 1) // 3 + 1}"
            for question, header, positive in (("safe", SAFE, "Yes"), ("trust", TRUST, "Agree")):
                if row[header]:
                    x, n = counts.get((quarter, question), (0, 0))
                    counts[(quarter, question)] = (x + (row[header] == positive), n + 1)
    return counts


def rows_of(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["rows"]


def spec_with(tmp_path: Path, wave: str) -> Path:
    """The fixture's spec with ``[survey] wave`` set to ``wave``."""
    text = SPEC.read_text(encoding="utf-8").replace('wave = "quarter"', f'wave = "{wave}"')
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_splits_one_export_into_its_quarters(runner):
    split = rows_of(run(runner, "compare", ALL, "--spec", SPEC, "--format", "json"))
    files = rows_of(run(runner, "compare", *FILES, "--spec", SPEC, "--format", "json"))
    # the same rows as the quarters' exports written separately (named by their quarter too)
    assert split == files
    changes = [r for r in split if r["kind"] == "change"]
    pairs = [(r["wave_from"], r["wave_to"], r["comparison"]) for r in changes[::2]]
    assert pairs == [
        *((a, b, "previous") for a, b in zip(QUARTERS, QUARTERS[1:], strict=False)),
        ("2025 Q1", "2026 Q1", "year"),  # the names are quarters: year-on-year pairs are found
    ]
    counts = raw_counts(ALL)
    for r in changes:
        x0, n0 = counts[(r["wave_from"], r["question"])]
        x1, n1 = counts[(r["wave_to"], r["question"])]
        assert (r["base_from"], r["base_to"]) == (n0, n1)
        assert r["share_from"] == pytest.approx(x0 / n0, abs=1e-12)
        assert r["share_to"] == pytest.approx(x1 / n1, abs=1e-12)
    trend = [r for r in split if r["kind"] == "trend"]
    assert [(r["wave_from"], r["wave_to"]) for r in trend] == [("2025 Q1", "2026 Q1")] * 2


def test_split_notes_say_how_and_what_was_left_out(runner):
    result = run(runner, "compare", ALL, "--spec", SPEC, "--format", "csv")
    assert result.exit_code == 0
    where = 'column "Timestamp" ([survey] wave = "quarter")'
    sizes = ", ".join(f"{q} ({len(_rows(q))})" for q in QUARTERS)
    assert f"rapstats: split all_responses.csv into 5 waves by {where}: {sizes}" in result.stderr
    assert f"rapstats: left out 2 responses with no value in {where}" in result.stderr


def _rows(quarter: str) -> list[dict[str, str]]:
    """The raw rows of a quarter's own file."""
    path = FILES[QUARTERS.index(quarter)]
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_summarize_names_the_waves_from_the_column(runner):
    rows = rows_of(run(runner, "summarize", FILES[3], FILES[4], "--spec", SPEC, "--format", "json"))
    safe = {r["group"].get("wave"): r for r in rows if r["question"] == "safe"}
    assert list(safe) == [None, "2025 Q4", "2026 Q1"]
    counts = raw_counts(ALL)
    for q in ("2025 Q4", "2026 Q1"):
        x, n = counts[(q, "safe")]
        assert (safe[q]["base"], safe[q]["share"]) == (n, pytest.approx(x / n, abs=1e-12))


def test_summarize_splits_one_export(runner):
    rows = rows_of(run(runner, "summarize", ALL, "--spec", SPEC, "--format", "json"))
    waves = [r["group"].get("wave") for r in rows if r["question"] == "trust"]
    assert waves == [None, *QUARTERS]


def test_wave_names_win_over_the_column(runner):
    result = run(runner, "summarize", FILES[3], FILES[4], "--spec", SPEC,
                 "--wave-names", "autumn,winter", "--format", "json")  # fmt: skip
    waves = {r["group"].get("wave") for r in rows_of(result)}
    assert waves == {None, "autumn", "winter"}
    note = '--wave-names names the waves: [survey] wave = "quarter" is not used'
    assert f"rapstats: {note}" in result.stderr


def test_a_plain_column_names_the_waves_in_its_order(runner, tmp_path):
    rows = rows_of(run(runner, "compare", ALL, "--spec", spec_with(tmp_path, "Area"),
                       "--format", "json"))  # fmt: skip
    assert {(r["wave_from"], r["wave_to"]) for r in rows} == {("North", "South")}


def test_report_waves_are_named_from_the_column():
    from rapstats.pipeline import report_data

    data = report_data(FILES[-1], spec=SPEC, waves=FILES[:-1], formats=())
    assert data.comparison is not None and data.comparison.waves == QUARTERS
    year = [r for r in data.comparison.changes.records() if r["comparison"] == "year"]
    assert {(r["wave_from"], r["wave_to"]) for r in year} == {("2025 Q1", "2026 Q1")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [ALL, FILES[4]],
            'all_responses.csv: holds several waves in column "Timestamp" ([survey] wave = '
            '"quarter"): 2025 Q1, 2025 Q2, 2025 Q3, 2025 Q4, 2026 Q1. Fix: give that export '
            "alone to split it into waves, or name the waves with --wave-names.",
        ),
        (
            [FILES[4], FILES[4]],
            'all_2026q1.csv: is wave "2026 Q1" ([survey] wave = "quarter"), as all_2026q1.csv '
            "is. Fix: give each wave's export once, or name the waves with --wave-names.",
        ),
        (
            [DATA / "no_wave.csv", FILES[4]],
            'no_wave.csv: has no value in column "Timestamp" ([survey] wave = "quarter"). Fix: '
            "fill in the column in the export, or name the waves with --wave-names.",
        ),
        (
            [FILES[4]],
            'all_2026q1.csv: compare needs at least two waves: the export holds one, "2026 Q1" '
            '([survey] wave = "quarter"). Fix: give the exports of the other waves too.',
        ),
    ],
)
def test_wave_errors(runner, monkeypatch, args, message):
    """Errors name the exports as given: here by their names, from their folder."""
    monkeypatch.chdir(DATA)
    result = run(runner, "compare", *(a.relative_to(DATA) for a in args), "--spec", SPEC)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {message}\n"


@pytest.mark.parametrize(
    ("wave", "message"),
    [
        (
            "quartre",
            'all_responses.csv: [survey] wave = "quartre" is neither a group of the spec nor a '
            'column of the export. Fix: did you mean "quarter"? name a [groups] table or an '
            "export column in [survey] wave.",
        ),
        (
            "Aera",
            'all_responses.csv: [survey] wave = "Aera" is neither a group of the spec nor a '
            'column of the export. Fix: did you mean "Area"? name a [groups] table or an '
            "export column in [survey] wave.",
        ),
    ],
)
def test_unknown_wave_group(runner, tmp_path, monkeypatch, wave, message):
    spec = spec_with(tmp_path, wave)
    monkeypatch.chdir(DATA)  # errors name the export as given
    for command in ("compare", "summarize"):
        result = run(runner, command, ALL.name, "--spec", spec)
        assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")


def test_a_group_whose_column_is_missing(runner, tmp_path, monkeypatch):
    spec = spec_with(tmp_path, "quarter")
    spec.write_text(spec.read_text().replace('"Timestamp"', '"Timestamps"'), encoding="utf-8")
    monkeypatch.chdir(DATA)  # errors name the export as given
    result = run(runner, "compare", ALL.name, "--spec", spec)
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: all_responses.csv: [survey] wave = "quarter": its column "Timestamps" is not '
        'in the export. Fix: did you mean "Timestamp"? name a [groups] table or an export '
        "column in [survey] wave.\n"
    )


def test_one_export_without_a_wave_column(runner):
    spec = DATA.parent / "waves" / "quarterly" / "pulse.toml"
    result = run(runner, "compare", ALL, "--spec", spec)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: compare needs at least two exports. Fix: give two or more, or one export and "
        "a spec whose [survey] wave splits it into waves.\n"
    )


def test_the_spec_keeps_its_wave():
    import tomllib

    from rapstats.spec import load_spec, parse_spec, spec_to_toml

    spec = load_spec(SPEC)
    assert spec.wave == "quarter"
    assert parse_spec(tomllib.loads(spec_to_toml(spec))).wave == "quarter"


def test_between_in_waves_names_them_from_the_column(runner):
    rows = rows_of(run(runner, "compare", FILES[3], FILES[4], "--spec", SPEC,
                       "--between", "area", "--format", "json"))  # fmt: skip
    assert {(r["wave_from"], r["wave_to"]) for r in rows} == {
        ("2025 Q4", "2025 Q4"),
        ("2026 Q1", "2026 Q1"),
    }


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "table"])
def test_wave_names_from_values_are_redacted_and_escaped(runner, tmp_path, fmt):
    # between_escape.csv's areas: a formula holding a URL, an e-mail address, North
    source = DATA.parent / "between" / "between_escape.toml"
    spec = tmp_path / "spec.toml"
    spec.write_text(source.read_text().replace("[survey]", '[survey]\nwave = "area"'))
    export = DATA.parent / "between" / "between_escape.csv"
    result = run(runner, "compare", export, "--spec", spec, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    out = result.stdout + result.stderr
    assert "jo.bloggs" not in out and "x.test" not in out
    assert out.count("[redacted: email]") >= 2
    if fmt == "csv":
        assert "\n" + "change,previous,q1,,Would recommend the service,\"'=HYPERLINK(" in out
