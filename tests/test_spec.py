"""The survey spec: validation errors name the TOML path and the fix; TOML round trip."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from conftest import SAMPLE_SPEC

from rapstats import stats, vocab
from rapstats.errors import RapstatsError, SpecError
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


@pytest.mark.parametrize("family", vocab.FAMILIES, ids=lambda f: f.names[0])
def test_every_name_of_every_family_is_described(family: vocab.Family):
    assert family.names and len(set(family.names)) == len(family.names)
    assert tuple(family.descriptions) == family.names
    assert all(d.strip() and "\n" not in d for d in family.descriptions.values())
    assert family.reference.strip()
    assert not family.labels or tuple(family.labels) == family.names
    assert tuple(vocab.MULTIPLICITY_IN_REPORT) == vocab.MULTIPLICITY.names


def _refused(call) -> str:
    from rapstats.stats import ArgumentError

    with pytest.raises((ArgumentError, SpecError, RapstatsError)) as info:
        call("not-a-name")
    return str(info.value)


def _listed(names: tuple[str, ...], quote=repr) -> str:
    return ", ".join(quote(n) for n in names)


STATS_CALLS = {
    "method": (
        vocab.INTERVAL,
        lambda m: stats.proportion_ci(1, 3, method=m),
    ),
    "weighted method": (
        vocab.WEIGHTED_INTERVAL,
        lambda m: stats.weighted_proportion_from_sums(3, 3.0, 1.0, 3.0, 1.0, n_total=3, method=m),
    ),
    "test": (vocab.BASELINE_TEST, lambda t: stats.baseline_test(1, 3, 0.5, test=t)),
    "alternative": (vocab.ALTERNATIVE, lambda a: stats.baseline_test(1, 3, 0.5, alternative=a)),
    "difference": (vocab.DIFFERENCE, lambda m: stats.diff_ci(1, 3, 2, 5, method=m)),
    "two-sample test": (vocab.TWO_SAMPLE_TEST, lambda t: stats.two_sample_test(1, 3, 2, 5, test=t)),
    "adjustment": (vocab.ADJUSTMENT, lambda m: stats.p_adjust([0.01, 0.5], method=m)),
}


@pytest.mark.parametrize("what", STATS_CALLS)
def test_stats_accept_exactly_the_vocab_names(what: str):
    family, call = STATS_CALLS[what]
    for name in family.names:
        call(name)
    assert f"must be one of {_listed(family.names)}; got 'not-a-name'" in _refused(call)


def test_baseline_diff_ci_names_its_method_from_the_vocab():
    made = (
        stats.baseline_diff_ci(40, 400, 0.06).method,
        stats.baseline_diff_ci(40, 400, 0.06, baseline_n=380).method,
        stats.baseline_diff_ci(40, 400, 0.06, baseline_ci=(0.041, 0.085)).method,
    )
    assert made == vocab.BASELINE_DIFF_METHODS == stats.BASELINE_DIFF_METHODS
    # One name, one construction: baseline_diff_ci's newcombe is diff_ci's, with the baseline
    # as the second sample (p0 * baseline_n out of baseline_n).
    x, n, p0, n0 = np.array([0, 40, 9, 56]), np.array([20, 400, 12, 70]), 0.06, 380
    ours = stats.baseline_diff_ci(x, n, p0, baseline_n=n0)
    theirs = stats.diff_ci(x, n, p0 * n0, n0, method="newcombe")
    assert ours.low == pytest.approx(theirs.low, abs=1e-15)
    assert ours.high == pytest.approx(theirs.high, abs=1e-15)


@pytest.mark.parametrize(
    ("key", "names"),
    [
        ("method", vocab.CI_METHODS),
        ("weighted_method", vocab.WEIGHTED_METHODS),
        ("test", vocab.BASELINE_TEST_CHOICES),
        ("adjust", vocab.ADJUST_CHOICES),
        ("family", vocab.ADJUST_FAMILIES),
    ],
)
def test_spec_accepts_exactly_the_vocab_names(key: str, names: tuple[str, ...]):
    def call(name: str) -> None:
        parse_spec({**MINIMAL, "defaults": {key: name}})

    for name in names:
        call(name)
    assert f"use one of {_listed(names, str)}." in _refused(call)


def test_loader_refuses_any_platform_not_in_the_vocab(tmp_path):
    from rapstats.io import load_export

    path = tmp_path / "x.csv"
    path.write_text("Q1,Q2\nYes,No\n", encoding="utf-8")
    assert load_export(path, platform="auto").platform == "plain"
    refused = _refused(lambda p: load_export(path, platform=p))
    assert f"use one of {_listed(vocab.PLATFORMS, str)}." in refused


def test_cli_offers_exactly_the_vocab_names():
    import click

    from rapstats.cli import cli

    oneoff_methods = (*vocab.CI_METHODS, *(m for m in vocab.DIFF_METHODS if m != "wald"))
    expected = {
        "method": vocab.CI_METHODS,
        "test": vocab.BASELINE_TEST_CHOICES,
        "adjust": vocab.ADJUST_CHOICES,
        "platform": vocab.PLATFORMS,
        "ci method": oneoff_methods,
        "ci test": (*vocab.BASELINE_TESTS, *vocab.TWO_SAMPLE_TESTS),
    }
    seen = set()
    for name, command in cli.commands.items():
        for param in command.params:
            key = f"ci {param.name}" if name == "ci" else param.name
            if isinstance(param.type, click.Choice) and key in expected:
                assert tuple(param.type.choices) == expected[key], (name, param.name)
                seen.add(key)
    assert seen == set(expected)


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
