"""Several exports as waves: ``rapstats summarize Q1 Q3 Q4 Q1' --spec S`` and ``compare`` on them.

Files: tests/data/waves/quarterly/ (written by scripts/make_wave_fixtures.py; see its README):
four quarterly exports of one survey, one of them a Microsoft Forms workbook, ``trust``
reworded from 2025Q4 on, ``online`` added in 2025Q4. Expected values come from the
generator's own records (counts.json) or are computed here from the raw files with the
standard csv module and openpyxl, never with rapstats.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from conftest import run

DATA = Path(__file__).parent / "data" / "waves" / "quarterly"
SPEC = DATA / "pulse.toml"
WAVES = ("2025Q1", "2025Q3", "2025Q4", "2026Q1")
FILES = [DATA / f for f in ("pulse_2025Q1.csv", "pulse_2025Q3.xlsx", "pulse_2025Q4.csv")]
FILES.append(DATA / "pulse_2026Q1.csv")
COUNTS = {w["wave"]: w for w in json.loads((DATA / "counts.json").read_text())["waves"]}
POSITIVE = {
    "satisfied": {"Very satisfied", "Fairly satisfied"},
    "trust": {"Yes"},
    "online": {"Yes"},
}
HEADERS = {
    "satisfied": ["Overall, how satisfied are you with the services the council provides?"],
    "trust": [
        "How far do you trust the council to act in the interests of residents?",
        "Do you trust the council to act in your interest?",
    ],
    "online": ["Have you used the council's online services in the last three months?"],
}
NAMES = ("--wave-names", ",".join(WAVES))


def raw_columns(path: Path) -> dict[str, list[str]]:
    """Every column of a raw export as text ("" for a blank cell), read without rapstats."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).active
        header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        with path.open(encoding="utf-8", newline="") as f:
            header, *body = list(csv.reader(f))
    return {h: ["" if r[i] is None else str(r[i]) for r in body] for i, h in enumerate(header)}


def raw_share(path: Path, question: str) -> tuple[int, int] | None:
    """(positives, base) of a question in a raw export, from the first of its headers there;
    None if the export has none of them (not asked)."""
    columns = raw_columns(path)
    header = next((h for h in HEADERS[question] if h in columns), None)
    if header is None:
        return None
    answers = [a for a in columns[header] if a not in ("", "Don't know")]
    return sum(a in POSITIVE[question] for a in answers), len(answers)


def generated(wave: str, question: str) -> tuple[int, int]:
    """(positives, base) of a question in a wave, from the generator's records."""
    answers = COUNTS[wave]["answers"][question]
    base = sum(n for a, n in answers.items() if a not in ("", "Don't know"))
    return sum(n for a, n in answers.items() if a in POSITIVE[question]), base


def summarize(runner, *extra: object, fmt: str = "json"):
    result = run(runner, "summarize", *FILES, "--spec", SPEC, "--format", fmt, *extra)
    assert result.exit_code == 0, result.stderr
    return result


def test_rows_per_wave_have_the_generated_bases_and_positives(runner):
    doc = json.loads(summarize(runner, *NAMES).stdout)
    by_wave = {(r["question"], r["group"].get("wave")): r for r in doc["rows"]}
    for question in ("satisfied", "trust", "online"):
        pooled = [0, 0]
        for wave in WAVES:
            row = by_wave[(question, wave)]
            if question not in COUNTS[wave]["answers"]:
                continue
            x, n = generated(wave, question)
            assert (row["positive"], row["base"], row["flag"]) == (x, n, None)
            assert row["share"] == pytest.approx(x / n, abs=1e-12)
            pooled = [pooled[0] + x, pooled[1] + n]
        overall = by_wave[(question, None)]
        assert [overall["positive"], overall["base"]] == pooled  # waves that asked it
    assert [r["group"] for r in doc["rows"][:5]] == [{}] + [{"wave": w} for w in WAVES]


def test_input_block_lists_every_wave_and_the_column_read(runner):
    doc = json.loads(summarize(runner, *NAMES).stdout)
    block = doc["input"]
    assert block["rows_read"] == sum(COUNTS[w]["rows"] for w in WAVES)
    for entry, wave, path in zip(block["waves"], WAVES, FILES, strict=True):
        rec = COUNTS[wave]
        assert entry["wave"] == wave and entry["path"] == str(path)
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (entry["rows_read"], entry["platform"]) == (rec["rows"], rec["platform"])
        # the column named only where an earlier wording was read; not-asked questions listed
        old = {q: c for q, c in rec["columns"].items() if c and c != HEADERS[q][0]}
        assert entry.get("columns", {}) == old
        assert entry.get("not_asked", []) == [q for q, c in rec["columns"].items() if c is None]
    assert block["waves"][0]["columns"] == {"trust": HEADERS["trust"][1]}
    notes = doc["methods"]["notes"]
    assert (
        f'trust was read from the column "{HEADERS["trust"][1]}" in 2025Q1 and 2025Q3 (an '
        "earlier wording)." in notes
    )
    assert "online was not asked in 2025Q1 and 2025Q3 [z]." in notes


def test_reworded_question_is_read_from_the_right_column_each_wave(runner):
    doc = json.loads(summarize(runner, *NAMES).stdout)
    got = {r["group"].get("wave"): r for r in doc["rows"] if r["question"] == "trust"}
    for wave, path in zip(WAVES, FILES, strict=True):
        x, n = raw_share(path, "trust")
        assert (got[wave]["positive"], got[wave]["base"]) == (x, n)
    # the old header is in the first two exports only, the new one in the last two
    assert [HEADERS["trust"][1] in raw_columns(p) for p in FILES] == [True, True, False, False]


def test_added_question_is_z_in_the_waves_that_did_not_ask_it(runner):
    doc = json.loads(summarize(runner, *NAMES).stdout)
    online = {r["group"].get("wave"): r for r in doc["rows"] if r["question"] == "online"}
    for wave in ("2025Q1", "2025Q3"):
        row = online[wave]
        assert row["flag"] == "[z]"
        data = ("base", "positive", "share", "ci_low", "ci_high", "p_value", "effective_n")
        assert all(row[k] is None for k in data)
    assert online["2025Q4"]["flag"] is None and online["2025Q4"]["base"] > 0
    assert doc["disclosure"]["symbols"]["[z]"].startswith("not applicable")
    # every format explains [z]
    for fmt in ("table", "markdown"):
        assert "[z] not applicable" in summarize(runner, *NAMES, fmt=fmt).stdout
    assert "rapstats: note: [z] not applicable" in summarize(runner, *NAMES, fmt="csv").stderr


def test_breakdown_by_wave_and_area(runner):
    doc = json.loads(summarize(runner, *NAMES, "--by", "area").stdout)
    cells = {
        (r["question"], r["group"].get("wave"), r["group"].get("area")): r for r in doc["rows"]
    }
    columns = raw_columns(FILES[2])
    for area in ("North", "East"):
        row = cells[("satisfied", "2025Q4", area)]
        answers = [
            a
            for a, g in zip(columns[HEADERS["satisfied"][0]], columns["Area"], strict=True)
            if g == area and a not in ("", "Don't know")
        ]
        if row["flag"] != "[c]":
            assert row["base"] == len(answers)
    assert cells[("online", "2025Q1", "North")]["flag"] == "[z]"
    assert list(doc["rows"][0]["group"]) == [] and "wave" in doc["rows"][1]["group"]


def raw_changes(pairs: list[tuple[int, int]]) -> dict[tuple[str, str, str], float | None]:
    """The change of each question's share between the waves of each pair, from raw files."""
    out = {}
    for i, j in pairs:
        for question in ("satisfied", "trust", "online"):
            a, b = raw_share(FILES[i], question), raw_share(FILES[j], question)
            change = None if a is None or b is None else b[0] / b[1] - a[0] / a[1]
            out[(WAVES[i], WAVES[j], question)] = change
    return out


@pytest.mark.parametrize(
    ("against", "pairs"),
    [("previous", [(0, 1), (1, 2), (2, 3)]), ("first", [(0, 1), (0, 2), (0, 3)])],
)
def test_compare_changes_from_the_raw_files(runner, against, pairs):
    result = run(runner, "compare", *FILES, "--spec", SPEC, *NAMES, "--against", against,
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    rows = [r for r in doc["rows"] if r["kind"] == "change" and r["group"] == {}]
    # quarter on quarter (or against the first), and 2026Q1 on the year-ago 2025Q1
    for comparison, expected in ((against, raw_changes(pairs)), ("year", raw_changes([(0, 3)]))):
        got = {
            (r["wave_from"], r["wave_to"], r["question"]): r
            for r in rows
            if r["comparison"] == comparison
        }
        assert set(got) == set(expected)
        for key, change in expected.items():
            check_change(got[key], key, change)
    assert doc["disclosure"]["symbols"]["[z]"].startswith("not applicable")


def check_change(row: dict, key: tuple[str, str, str], change: float | None) -> None:
    """A compare row against the change computed from the raw files (None: not asked)."""
    if change is None:  # not asked in one wave of the pair
        assert row["flag"] == "[z]"
        assert all(row[k] is None for k in ("share_from", "base_to", "change", "p_value", "test"))
        return
    assert row["flag"] is None
    assert row["change"] == pytest.approx(change, abs=1e-12)
    x, n = raw_share(FILES[WAVES.index(key[1])], key[2])
    assert (row["share_to"], row["base_to"]) == (pytest.approx(x / n, abs=1e-12), n)
    assert row["change_low"] <= row["change"] <= row["change_high"]


def test_compare_trend_is_z_for_a_question_not_always_asked(runner):
    result = run(runner, "compare", *FILES, "--spec", SPEC, *NAMES, "--format", "json")
    trend = {r["question"]: r for r in json.loads(result.stdout)["rows"] if r["kind"] == "trend"}
    assert trend["online"]["flag"] == "[z]" and trend["online"]["p_value"] is None
    assert trend["trust"]["flag"] is None and trend["trust"]["p_value"] is not None


def test_one_export_still_needs_every_column(runner, tmp_path):
    # in a single-export command a question not in the export stays an error
    result = run(runner, "summarize", FILES[0], "--spec", SPEC)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and HEADERS["online"][0] in result.stderr
    # across waves it is an error only when no export has the question
    spec = tmp_path / "spec.toml"
    spec.write_text(
        SPEC.read_text() + '\n[questions.never]\ncolumn = ["Nowhere", "Not here"]\n'
        'options = ["Yes", "No"]\npositive = ["Yes"]\n',
        encoding="utf-8",
    )
    result = run(runner, "summarize", *FILES, "--spec", spec)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert '"Nowhere", "Not here" ([questions.never]), none of which is in the export' in (
        result.stderr
    )


@pytest.mark.parametrize(("value", "shown"), [("[]", "[]"), ('["A", 3]', '["A", 3]')])
def test_bad_column_lists_are_one_line_spec_errors(runner, tmp_path, value, shown):
    spec = tmp_path / "spec.toml"
    spec.write_text(f'[questions.q]\ncolumn = {value}\noptions = ["Yes"]\npositive = ["Yes"]\n')
    result = run(runner, "summarize", FILES[0], "--spec", spec)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "questions.q.column must be a column name or a non-empty list of names" in (
        result.stderr
    )


def test_wave_names_are_escaped_and_redacted(runner):
    names = ("--wave-names", "flag,<b>Q3</b>,jo.bloggs@example.com,| 2026 |")
    outputs = {
        fmt: summarize(runner, *names, fmt=fmt).stdout
        for fmt in ("json", "csv", "markdown", "table")
    }
    for text in outputs.values():
        assert "jo.bloggs@example.com" not in text
    doc = json.loads(outputs["json"])
    waves = [r["group"]["wave"] for r in doc["rows"] if list(r["group"]) == ["wave"]][:4]
    assert waves == ["flag", "<b>Q3</b>", "[redacted: email]", "| 2026 |"]
    assert [w["wave"] for w in doc["input"]["waves"]][2] == "[redacted: email]"
    assert all(r["flag"] in (None, "[z]", "[c]", "[u]", "[x]") for r in doc["rows"])
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert {r["group:wave"] for r in rows} >= {"flag", "<b>Q3</b>"}
    assert "<b>Q3</b>" not in outputs["markdown"] and "\\| 2026 \\|" in outputs["markdown"]


def test_default_wave_names_are_the_file_stems(runner):
    doc = json.loads(summarize(runner).stdout)
    assert [w["wave"] for w in doc["input"]["waves"]] == [p.stem for p in FILES]


def test_reworded_column_round_trips_through_the_toml_writer(tmp_path):
    from rapstats.spec import load_spec, spec_to_toml

    spec = load_spec(SPEC)
    trust = spec.question("trust")
    assert (trust.column, trust.reworded) == (HEADERS["trust"][0], (HEADERS["trust"][1],))
    assert spec.question("online").reworded == ()
    written = tmp_path / "spec.toml"
    written.write_text(spec_to_toml(spec), encoding="utf-8")
    assert load_spec(written) == spec
    assert f'column = ["{HEADERS["trust"][0]}", "{HEADERS["trust"][1]}"]' in written.read_text()


def test_api_pools_the_waves_once():
    from rapstats.pipeline import summarize_files

    summary, notes = summarize_files(FILES, SPEC, wave_names=WAVES)
    assert summary.by == ("wave",)
    assert [n for n in notes if n.startswith("read ")] == [
        f"read {COUNTS[w]['rows']} responses from {p} ({COUNTS[w]['platform']})"
        for w, p in zip(WAVES, FILES, strict=True)
    ]
    reasons = {r["reason"] for r in summary.table.records() if r["symbol"] == "[z]"}
    assert reasons == {"not asked in this wave"}


def test_one_export_read_from_an_earlier_wording_says_so(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    text = SPEC.read_text(encoding="utf-8")
    spec.write_text(text[: text.index("[questions.online]")], encoding="utf-8")
    doc = json.loads(run(runner, "summarize", FILES[0], "--spec", spec, "--format", "json").stdout)
    assert doc["input"]["columns"] == {"trust": HEADERS["trust"][1]}
    assert "waves" not in doc["input"] and "not_asked" not in doc["input"]
    note = f'trust was read from the column "{HEADERS["trust"][1]}" (an earlier wording).'
    assert note in doc["methods"]["notes"]
    x, n = raw_share(FILES[0], "trust")
    trust = next(r for r in doc["rows"] if r["question"] == "trust")
    assert (trust["positive"], trust["base"]) == (x, n)
