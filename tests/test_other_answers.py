"""Typed "Other (please specify)" answers of a multi-select, on every platform (issue 15.1).

The fixtures in tests/data/other/ are written by scripts/make_other_fixtures.py; the true
counts (each option's, the respondents who typed an "Other" answer, the typed texts in row
order) are the generator's own records, in expected.json. Each platform puts the typed text
elsewhere: Google Forms in the checkbox cell after ", " (texts hold commas), Microsoft Forms
inline among the ";"-joined choices, SurveyMonkey in the "Other (please specify)" column,
Qualtrics in Q5_4_TEXT, a hand-made sheet as "Other: ...".
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import ROOT, run

from rapstats.io import load_export
from rapstats.normalise import normalise, other_text_key
from rapstats.normalise._choices import Choices
from rapstats.spec import load_spec, parse_spec

OTHER = ROOT / "tests" / "data" / "other"
EXPECTED = json.loads((OTHER / "expected.json").read_text(encoding="utf-8"))
FILES = [
    "googleforms_other.csv",
    "msforms_other.xlsx",
    "surveymonkey_other.csv",
    "qualtrics_other.csv",
    "handmade_other.csv",
]
# the typed texts holding personal data, and what `comments` quotes in their place
PERSONAL = {"jo.bloggs@example.org": "[redacted: email]", "07700 900123": "[redacted: phone]"}


def _spec(name: str):
    return OTHER / (name.rsplit(".", 1)[0] + ".toml")


def _counts(result) -> dict[str, int]:
    """answer -> count of the one multi-select question of a ``freq --format json``."""
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert {r["question"] for r in rows} == {rows[0]["question"]}
    return {r["answer"]: r["count"] for r in rows if r["kind"] == "answer"}


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("with_spec", [True, False], ids=["spec", "inferred"])
def test_typed_answers_count_once_as_other_never_as_options(runner, name, with_spec):
    expected = EXPECTED[name]
    spec = ("--spec", _spec(name)) if with_spec else ()
    out = run(runner, "freq", OTHER / name, *spec, "--format", "json", "--unsafe-no-suppression")
    counts = _counts(out)
    other = expected["other"] if with_spec else "Other"
    want = {("Other" if k == "Other" else k): v for k, v in expected["options"].items()}
    want[other] = want.pop("Other")
    assert counts == want  # exactly the options: no typed text became one
    for text in expected["typed"]:
        assert text not in out.stdout
    # protected: every option is published, none withheld to protect a one-respondent "option"
    published = run(runner, "freq", OTHER / name, *spec, "--format", "json")
    rows = json.loads(published.stdout)["rows"]
    assert all(r["flag"] in ("", None) for r in rows if r["kind"] == "answer"), rows


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("with_spec", [True, False], ids=["spec", "inferred"])
def test_typed_texts_are_quoted_once_by_comments_redacted(runner, name, with_spec):
    spec = ("--spec", _spec(name)) if with_spec else ()
    out = run(runner, "comments", OTHER / name, *spec, "--format", "json")
    assert out.exit_code == 0, out.output
    quoted = [c["comment"] for c in json.loads(out.stdout)["comments"]]
    typed = EXPECTED[name]["typed"]
    assert len(quoted) == len(typed)  # each once, never twice (SurveyMonkey, Qualtrics)
    for text in typed:
        hidden = [p for p in PERSONAL if p in text]
        if hidden:
            assert all(p not in out.stdout for p in hidden)
            assert any(PERSONAL[hidden[0]] in q for q in quoted)
        else:
            assert text in quoted


@pytest.mark.parametrize("name", FILES)
def test_api_ticks_and_typed_texts_match_the_records(name):
    expected = EXPECTED[name]
    spec = load_spec(_spec(name))
    responses = normalise(load_export(OTHER / name), spec)
    q = spec.question("travel")
    ticks = responses.ticked["travel"].sum(axis=0).tolist()
    want = [expected["options"][o] for o in q.options[:-1]] + [expected["options"]["Other"]]
    assert ticks == want
    assert int(responses.answered["travel"].sum()) == expected["answered"]
    key = "travel_other" if name.startswith("qualtrics") else other_text_key(q)
    typed = [v for v in responses.text[key].values() if v]
    assert typed == expected["typed"]  # raw in the API; redacted when quoted


def test_the_other_text_key_is_the_question_and_its_option():
    spec = load_spec(_spec("surveymonkey_other.csv"))
    assert other_text_key(spec.question("travel")) == "travel: Other (please specify)"


OPTIONS = ["Bus", "Train", "Car, van or taxi", "Other"]


def _choices(platform: str, options: list[str] = OPTIONS) -> Choices:
    """The Choices of a multi-select with ``options`` read from a ``platform`` export."""
    table = {"column": "Q", "type": "multi", "options": options, "exclude": []}
    spec = parse_spec({"questions": {"q": table}})
    export = replace(load_export(OTHER / "handmade_other.csv"), platform=platform)
    return Choices(export, spec.question("q"))


@pytest.mark.parametrize(
    ("cell", "platform", "ticked", "text"),
    [
        (
            "Bus, Car, van or taxi, Cycled, then walked",
            "googleforms",
            [0, 2, 3],
            "Cycled, then walked",
        ),
        ("Train;Rode; slowly;", "msforms", [1, 3], "Rode; slowly"),
        ("Bus; Other: a lift", "plain", [0, 3], "a lift"),  # no separator known: ";" fits
        ("Bus, Other: I walk, sometimes cycle", "plain", [0, 3], "I walk, sometimes cycle"),
        ("Other - on foot", "plain", [3], "on foot"),
        ("Other", "plain", [3], ""),
        ("Train,Bus", "qualtrics", [0, 1], ""),
    ],
)
def test_split_knows_the_options_and_the_platform(cell, platform, ticked, text):
    indices, typed = _choices(platform).split(cell)
    assert sorted(set(indices)) == ticked
    assert typed == text


def test_split_without_an_other_option_refuses_typed_text():
    choices = _choices("googleforms", OPTIONS[:-1])
    assert choices.split("Bus, Walked") is None
    assert choices.split("Bus, Car, van or taxi") == ([0, 2], "")


def test_a_typed_answer_without_an_other_option_is_an_error_naming_the_fix(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    text = _spec("googleforms_other.csv").read_text(encoding="utf-8")
    spec.write_text(text.replace(', "Other"]', "]"), encoding="utf-8")
    out = run(runner, "freq", OTHER / "googleforms_other.csv", "--spec", spec)
    assert out.exit_code == 1
    assert 'add "Other" to [questions.travel].options' in out.output
    assert len(out.output.strip().splitlines()) == 1


def test_waves_with_typed_answers_pool(runner):
    # the typed texts of two waves are stacked like any free text; the counts add up
    name = "googleforms_other.csv"
    out = run(
        runner,
        "freq",
        OTHER / name,
        OTHER / name,
        "--spec",
        _spec(name),
        "--wave-names",
        "A,B",
        "--format",
        "json",
        "--unsafe-no-suppression",
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["rows"]
    other = {r["group"].get("wave"): r["count"] for r in rows if r["answer"] == "Other"}
    n = EXPECTED[name]["options"]["Other"]
    assert other == {None: 2 * n, "A": n, "B": n}


def test_the_generator_writes_the_same_fixtures(tmp_path):
    # the fixtures and their records are the script's output, byte for byte
    script = ROOT / "scripts" / "make_other_fixtures.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, capture_output=True)
    for path in sorted(OTHER.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
