"""infer_spec on the benchmark-shaped export and on each platform's fixture."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rapstats.errors import SpecError
from rapstats.io import Coded, Export, load_export
from rapstats.spec import load_spec, spec_to_toml
from rapstats.spec.infer import infer_spec

DATA = Path(__file__).parent / "data"
AGREE = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree")


@pytest.fixture(scope="module")
def bench_export() -> Export:
    """400 rows of the benchmark workload (how it was made: tests/data/PROVENANCE.md)."""
    return load_export(DATA / "bench_survey.csv")


def _round_trip(spec, tmp_path: Path):
    path = tmp_path / "spec.toml"
    path.write_text(spec_to_toml(spec, header="inferred"), encoding="utf-8")
    return load_spec(path)


def test_benchmark_export(bench_export: Export, tmp_path: Path) -> None:
    spec = infer_spec(bench_export)
    assert spec.source == "inferred"
    singles = [q for q in spec.questions if q.type == "single"]
    assert [q.id for q in singles] == [f"q{i:02d}" for i in range(1, 21)]
    for q in singles:
        assert q.options == (*AGREE, "Don't know")
        assert q.positive == ("Strongly agree", "Agree")
        assert q.exclude == ("Don't know",)
    texts = [q for q in spec.questions if q.type == "text"]
    assert [q.column for q in texts] == ["comment"]
    groups = {g.name: (g.column, g.derive) for g in spec.groups}
    assert groups["quarter"] == ("submitted_at", "quarter")
    for name in ("area", "ethnicity", "age_band", "event_id"):
        assert groups[name] == (name, None)
    assert spec.design.weight == "weight"
    assert spec.id_column == "respondent_id"
    assert spec.timestamp == "submitted_at"
    assert replace(_round_trip(spec, tmp_path), source="inferred") == spec


@pytest.mark.parametrize(
    "name",
    [
        "qualtrics_text.csv",
        "qualtrics_text.xlsx",
        "qualtrics_values.csv",
        "surveymonkey.csv",
        "surveymonkey.xlsx",
        "msforms.xlsx",
        "googleforms.csv",
        "handmade_cp1252.csv",
        "handmade.xlsx",
        "handmade.ods",
        "survey.sav",
        "enc_utf8.csv",
        "enc_utf16le.txt",
    ],
)
def test_round_trip_on_every_platform(name: str, tmp_path: Path) -> None:
    spec = infer_spec(load_export(DATA / name))
    assert spec.questions
    assert replace(_round_trip(spec, tmp_path), source="inferred") == spec


def _q(spec, column=None, columns=None):
    for q in spec.questions:
        if (column and q.column == column) or (columns and q.columns == tuple(columns)):
            return q
    raise AssertionError(f"no question for {column or columns}")


def test_qualtrics_layouts() -> None:
    spec = infer_spec(load_export(DATA / "qualtrics_text.csv"))
    q1 = _q(spec, "Q1")
    assert q1.options[:4] == (
        "Very confident",
        "Fairly confident",
        "Not very confident",
        "Not at all confident",
    )
    assert q1.positive == ("Very confident", "Fairly confident")
    assert q1.text.startswith("How confident")
    split = _q(spec, columns=["Q5_1", "Q5_2", "Q5_3"])
    assert split.type == "multi" and split.options == ("Bus", "Train", "Car")
    joined = _q(spec, "Q6")
    assert joined.type == "multi" and joined.separator == ","
    assert set(joined.options) == {"Policing", "Housing", "Schools"}
    assert _q(spec, "Q7_TEXT").type == "text"
    assert spec.id_column == "ResponseId"
    assert {g.column for g in spec.groups} == {"area", spec.timestamp}


def test_surveymonkey_choice_columns() -> None:
    export = load_export(DATA / "surveymonkey.csv")
    spec = infer_spec(export)
    stem = "Which of these did you use? (tick all that apply)"
    choices = ("Bus", "Train", "Car", "Other (please specify)")
    multi = _q(spec, columns=[f"{stem} - {t}" for t in choices])
    # typed "Other (please specify)" answers count as "Other"; their text is a text question
    assert multi.options == ("Bus", "Train", "Car", "Other")
    assert _q(spec, f"{stem} - Other (please specify)").type == "text"
    sat = _q(spec, "How satisfied are you with the service, overall?")
    assert sat.positive == ("Very satisfied", "Fairly satisfied")


def test_msforms_and_google_joined_cells() -> None:
    ms = infer_spec(load_export(DATA / "msforms.xlsx"))
    topics = _q(ms, "Which topics should we focus on?")
    assert topics.separator == ";" and set(topics.options) == {"Policing", "Housing", "Schools"}
    g = infer_spec(load_export(DATA / "googleforms.csv"))
    reasons = _q(g, "Why did you attend?")
    assert reasons.separator == ", "
    assert set(reasons.options) == {"Work", "Family, friends or neighbours", "Health"}
    grid = _q(g, "Rate the event [Staff]")
    assert grid.positive == ("Very good", "Good")


def test_handmade_odd_labels_and_ticks() -> None:
    spec = infer_spec(load_export(DATA / "handmade_cp1252.csv"))
    q1 = _q(spec, "Q1  The council listens")
    assert q1.positive == ("strongly AGREE", "Agree")
    assert q1.exclude == ("Don’t know",)
    q2 = _q(spec, "Q2 Do you feel safe?")
    assert q2.positive == ("Yes",) and "Prefer not to say" in q2.exclude
    ticks = _q(spec, columns=["Used: Bus", "Used: Train"])
    assert ticks.type == "multi" and ticks.options == ("Bus", "Train")
    assert spec.id_column == "Ref"


def test_spss_value_labels_and_weight() -> None:
    spec = infer_spec(load_export(DATA / "survey.sav"))
    q1 = _q(spec, "q1")
    assert q1.text == "The council listens to residents"
    assert q1.positive == ("Strongly agree", "Agree")
    assert spec.design.weight == "weight"


def test_no_questions_is_a_spec_error(tmp_path: Path) -> None:
    path = tmp_path / "groups_only.csv"
    path.write_text("id,area\n1,North\n2,South\n3,North\n", encoding="utf-8")
    with pytest.raises(SpecError, match="no question columns"):
        infer_spec(load_export(path))


def test_many_rows_and_high_cardinality_columns() -> None:
    """A million responses with an id and a free-text column of many distinct values: the
    Likert items become questions, the id is recognised and the comment is open text.
    (Its speed is measured by scripts/bench.py, not here.)"""
    n = 1_000_000
    rows = np.arange(n)
    likert = Coded((rows % 6).astype(np.int32), (*AGREE, "Don't know"))
    columns = {f"q{i}": likert for i in range(20)}
    columns["respondent_id"] = Coded(rows.astype(np.int32), tuple(f"R{i:07d}" for i in range(n)))
    columns["comment"] = Coded(
        (rows % 400_000).astype(np.int32),
        tuple(f"A long free-text comment, number {i}" for i in range(400_000)),
    )
    export = Export(
        path=Path("big.csv"),
        platform="plain",
        columns=columns,
        row_numbers=rows + 2,
        sha256="0" * 64,
    )
    spec = infer_spec(export)
    assert len(spec.questions) == 21
    assert spec.id_column == "respondent_id"
    assert spec.questions[-1].type == "text"


def test_spellings_of_dont_know_are_one_option(tmp_path: Path) -> None:
    path = tmp_path / "dk.csv"
    rows = ["id,q1"] + [
        f"{i},{v}"
        for i, v in enumerate(
            ["Agree", "Disagree", "Don't know", "Don’t know", "don't KNOW", "Strongly agree"] * 3
        )
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    q = infer_spec(load_export(path)).questions[0]
    assert q.exclude == ("Don't know",)
    assert q.options == (*AGREE, "Don't know")
