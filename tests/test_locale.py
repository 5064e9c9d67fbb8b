"""Localised headers: Microsoft Forms and Google Forms exports in English, Welsh, French, German,
Spanish and Polish are detected, their personal-data columns dropped (by header: their content
alone would not give them away) and summarised as the English export is; SurveyMonkey's
condensed layout reads as its expanded one. Fixtures and true counts:
scripts/make_locale_fixtures.py (tests/data/locale/expected.json)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rapstats.headers import LANGUAGES, header_key
from rapstats.io import load_export
from rapstats.io._layout import detect_platform, is_personal
from rapstats.pipeline import summarize_file
from tests.conftest import run

LOCALE = Path(__file__).parent / "data" / "locale"
SPEC = LOCALE / "locale.toml"
EXPECTED = json.loads((LOCALE / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(EXPECTED["files"])
LANGS = sorted(LANGUAGES)
# a personal value as a whole word ("Sam", not "Sample")
PERSONAL_RE = re.compile(
    "|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v in EXPECTED["personal_values"])
)
PUBLISH = ("rows", "frequencies")


def test_every_language_has_a_table_and_the_fixtures_cover_them() -> None:
    assert {"en", "cy", "fr", "de", "es", "pl"} <= set(LANGS)
    assert {f"msforms_{lang}.xlsx" for lang in LANGS} <= set(FILES)
    assert {f"googleforms_{lang}.csv" for lang in LANGS} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_platform_detected_and_personal_columns_dropped(name: str) -> None:
    export = load_export(LOCALE / name)
    want = EXPECTED["files"][name]
    assert export.platform == want["platform"]
    assert set(want["personal"]) <= set(export.dropped)
    assert not set(want["personal"]) & set(export.columns)
    assert export.rows_read == EXPECTED["rows"]


@pytest.mark.parametrize(
    "header",
    ["Heure de début", "Amser dechrau", "Hora de inicio", "Startzeit", "Godzina rozpoczęcia"],
)
def test_a_translated_start_time_header_marks_microsoft_forms(header: str) -> None:
    words = next(w for w in LANGUAGES.values() if w.msforms[1] == header)
    assert detect_platform([[*words.msforms, "Q1"]]) == "msforms"
    # accents lost by a re-save, case and spacing changed: still found
    plain = [c.upper().replace("é", "e").replace("ę", "e") for c in words.msforms]
    assert detect_platform([[*plain, "Q1"]]) == "msforms"


@pytest.mark.parametrize(
    ("header", "personal"),
    [
        ("E-Mail-Adresse", True),
        ("Dirección de correo electrónico", True),
        ("Adres e-mail", True),
        ("Cyfeiriad e-bost", True),
        ("Imię i nazwisko", True),
        ("Numéro de téléphone", True),
        ("Código postal", True),
        ("Would you like our e-mail newsletter?", False),
        ("Nom de l'établissement", False),
        ("Área", False),
    ],
)
def test_personal_headers_in_every_language(header: str, personal: bool) -> None:
    assert is_personal(header) is personal


def test_header_key_folds_accents_case_and_separators() -> None:
    assert header_key("Godzina rozpoczęcia") == header_key("GODZINA_ROZPOCZECIA")
    assert header_key("Łączna liczba punktów") == "lacznaliczbapunktow"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("platform", ["msforms", "googleforms"])
def test_summary_equals_the_english_exports(platform: str, lang: str) -> None:
    suffix = ".xlsx" if platform == "msforms" else ".csv"
    for spec in (SPEC, None):
        ours, _ = summarize_file(LOCALE / f"{platform}_{lang}{suffix}", spec, publish=PUBLISH)
        english, _ = summarize_file(LOCALE / f"{platform}_en{suffix}", spec, publish=PUBLISH)
        assert ours.rows.equals(english.rows)
        assert ours.frequencies.equals(english.frequencies)


@pytest.mark.parametrize("name", [f for f in FILES if not f.startswith("surveymonkey")])
def test_counts_are_the_generators(name: str) -> None:
    summary, _ = summarize_file(LOCALE / name, SPEC, publish=PUBLISH, unsafe_no_suppression=True)
    freq = summary.frequencies
    answers = freq[freq["kind"] == "answer"].set_index(["question", "answer"])["count"]
    counts = EXPECTED["counts"]
    assert answers["topics"].to_dict() == counts["Which topics matter most?"]
    assert answers["agree"].to_dict() == counts["The council listens to residents"]


def test_surveymonkey_condensed_reads_as_expanded(runner) -> None:
    expanded = load_export(LOCALE / "surveymonkey_expanded.csv")
    condensed = load_export(LOCALE / "surveymonkey_condensed.csv")
    assert list(condensed.columns) == list(expanded.columns)
    assert condensed.header_parts == expanded.header_parts
    assert condensed.question_text == expanded.question_text
    out = [
        run(runner, "summarize", LOCALE / f"surveymonkey_{layout}.csv", "--format", "csv")
        for layout in ("expanded", "condensed")
    ]
    assert out[0].exit_code == 0, out[0].stderr
    assert out[0].stdout == out[1].stdout
    assert "Schools" in out[0].stdout


@pytest.mark.parametrize("name", FILES)
def test_no_personal_value_reaches_any_output(runner, tmp_path: Path, name: str) -> None:
    export = LOCALE / name
    specs = [()] if name.startswith("surveymonkey") else [(), ("--spec", SPEC)]
    texts = []
    for spec in specs:  # inferred (every column read) and from the spec
        for command, fmt in (("summarize", "json"), ("freq", "csv"), ("comments", "markdown")):
            result = run(runner, command, export, *spec, "--format", fmt)
            assert result.exit_code == 0, result.stderr
            texts += [result.stdout, result.stderr]
    for text in texts:
        assert not PERSONAL_RE.search(text), PERSONAL_RE.search(text)


@pytest.mark.parametrize(
    "name", ["msforms_fr.xlsx", "msforms_pl.xlsx", "googleforms_cy.csv", "googleforms_es.csv"]
)
def test_no_personal_value_reaches_the_report(runner, tmp_path: Path, name: str) -> None:
    # inferred: a name column left in would be a group, broken down in the report
    out = tmp_path / "report"
    result = run(runner, "report", LOCALE / name, "--out", out, "--formats", "md")
    assert result.exit_code == 0, result.stderr
    texts = [p for p in out.rglob("*") if p.suffix in (".md", ".json", ".svg", ".txt")]
    assert {"report.md", "report.json"} <= {p.name for p in texts}
    for path in texts:
        assert not PERSONAL_RE.search(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("lang", LANGS)
def test_inference_reads_translated_metadata_as_english(lang: str) -> None:
    from rapstats.spec.infer import infer_spec

    ms_id, _, ms_end = LANGUAGES[lang].msforms
    ms = infer_spec(load_export(LOCALE / f"msforms_{lang}.xlsx"))
    assert (ms.timestamp, ms.id_column) == (ms_end, ms_id)
    gf = infer_spec(load_export(LOCALE / f"googleforms_{lang}.csv"))
    assert gf.timestamp == LANGUAGES[lang].timestamp[0]
    # the quarter derived from the translated timestamp breaks the summary down as in English
    for platform, suffix in (("msforms", ".xlsx"), ("googleforms", ".csv")):
        ours, _ = summarize_file(LOCALE / f"{platform}_{lang}{suffix}", by=("quarter",))
        english, _ = summarize_file(LOCALE / f"{platform}_en{suffix}", by=("quarter",))
        assert ours.rows.equals(english.rows)
        assert set(ours.rows["group:quarter"].dropna()) == {"2025 Q2"}  # 6-21 May 2025
