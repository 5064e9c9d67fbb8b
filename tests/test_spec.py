"""The survey spec: validation errors name the TOML path and the fix; TOML round trip."""

from __future__ import annotations

import tomllib

import pytest
from conftest import SAMPLE_SPEC

from rapstats.errors import SpecError
from rapstats.spec import fold_label, load_spec, parse_spec, spec_to_toml

MINIMAL = {
    "questions": {
        "q1": {"column": "Q1", "options": ["Yes", "No", "Don't know"], "positive": ["Yes"]}
    }
}


def _err(data: dict) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec(data)
    return str(info.value)


def test_sample_spec_loads_with_scales_baselines_and_groups():
    spec = load_spec(SAMPLE_SPEC)
    confident = spec.question("confident")
    assert confident.positive == ("Very confident", "Fairly confident")
    assert confident.exclude == ("Don't know",)
    assert confident.baseline.p == 0.30 and confident.baseline.n == 1500
    assert spec.group("quarter").derive == "quarter"
    assert spec.question("heard").type == "multi"
    assert spec.disclosure.min_count == 5


def test_default_exclusions_apply_only_to_options_present():
    spec = parse_spec(MINIMAL)
    assert spec.question("q1").exclude == ("Don't know",)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"colour": "x"}, "questions.q1.colour"),
        ({"positive": ["Maybe"]}, "questions.q1.positive names 'Maybe'"),
        ({"baseline": {"p": 1.3}}, "questions.q1.baseline.p"),
        ({"baseline": {"p": 0.3, "ci": [0.4, 0.5]}}, "questions.q1.baseline.ci"),
        ({"scale": "nope"}, "unknown scale 'nope'"),
        ({"type": "grid"}, "questions.q1.type"),
        ({"options": "Yes"}, "questions.q1.options must be a list"),
    ],
)
def test_invalid_question_keys_name_the_toml_path(change, needle):
    q = {**MINIMAL["questions"]["q1"], **change}
    message = _err({"questions": {"q1": q}})
    assert needle in message
    assert "Fix:" in message


def test_missing_questions_and_bad_confidence():
    assert "no [questions]" in _err({"survey": {"title": "x"}})
    assert "defaults.confidence" in _err({**MINIMAL, "defaults": {"confidence": 95}})
    assert "unknown key surveys." in _err({**MINIMAL, "surveys": {}})


def test_toml_round_trip_of_the_sample_spec(tmp_path):
    spec = load_spec(SAMPLE_SPEC)
    text = spec_to_toml(spec, header="written by a test")
    tomllib.loads(text)
    path = tmp_path / "again.toml"
    path.write_text(text, encoding="utf-8")
    again = load_spec(path)
    assert again.questions == spec.questions
    assert again.groups == spec.groups
    assert again.disclosure == spec.disclosure
    assert again.methods == spec.methods


def test_fold_label_matches_curly_apostrophes_case_and_spaces():
    assert fold_label("  Don\u2019t   KNOW ") == fold_label("Don't know")
    assert fold_label("Strongly agree") != fold_label("Agree")


def test_spec_method_names_are_the_stats_engines():
    from rapstats import spec, stats

    assert spec.CI_METHODS == stats.CI_METHODS
    assert spec.WEIGHTED_METHODS == stats.WEIGHTED_METHODS
    assert set(spec.BASELINE_TESTS) == {"auto", *stats.BASELINE_TESTS}
    assert set(spec.ADJUST_METHODS) == {"none", *stats.ADJUST_METHODS}


def test_cli_ci_offers_every_stats_method():
    from rapstats import stats
    from rapstats.cli import ci_command

    method = next(p for p in ci_command.params if p.name == "method")
    extra = tuple(m for m in stats.DIFF_METHODS if m not in stats.CI_METHODS)  # wald is in both
    assert tuple(method.type.choices) == (*stats.CI_METHODS, *extra)


def test_load_columns_reads_what_the_spec_and_grouping_need_and_keeps_personal_columns():
    data = {
        "survey": {"weight": "wt", "keep_columns": ["Email"]},
        "questions": {
            **MINIMAL["questions"],
            "q2": {"column": "Q1", "options": ["A", "B"], "positive": ["A"]},
            "m": {"type": "multi", "columns": ["M1", "M2"], "options": ["A", "B"]},
        },
        "groups": {"pc": {"column": "Postcode", "personal": True}, "area": {"column": "Area"}},
    }
    spec = parse_spec(data)
    read, keep = spec.load_columns(("area", "Age"))
    assert read == ["Q1", "M1", "M2", "Area", "Age", "wt"]  # in order, each once
    assert keep == ("Email", "Postcode")
    assert spec.load_columns().read == ["Q1", "M1", "M2", "wt"]


def test_defaults_take_their_choices_and_defaults_from_the_model():
    spec = parse_spec({**MINIMAL, "defaults": {"confidence": 0.9}})
    assert (spec.methods.method, spec.methods.family, spec.methods.exact_below) == (
        "wilson",
        "workstream",
        30,
    )
    message = _err({**MINIMAL, "defaults": {"family": "survey"}})
    assert message.startswith("defaults.family is 'survey'")
    assert "Fix: use one of workstream, table, all" in message
