"""``rapstats compare EXPORT EXPORT [EXPORT...]``: the change of every share between waves, tested.

Files: tests/data/waves/compare_*.csv (see its README). Expected values come from the
reference corpus (tests/data/reference/proportions.json): R ``prop.test(correct = FALSE)`` for
23/380 vs 40/400, the published Fisher p (Lydersen 2009) and Newcombe interval (Fagerland 2015)
for 7/34 vs 1/34. Holm's adjustment of two p-values is written out here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run

DATA = Path(__file__).parent / "data" / "waves"
REFERENCE = Path(__file__).parent / "data" / "reference" / "proportions.json"
ARGS = (DATA / "compare_earlier.csv", DATA / "compare_later.csv", "--spec", DATA / "compare.toml")


def reference(case_id: str) -> dict:
    return next(r for r in json.loads(REFERENCE.read_text()) if r["id"] == case_id)


def rows(runner, *extra: str) -> dict[str, dict]:
    result = run(runner, "compare", *ARGS, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return {r["question"]: r for r in json.loads(result.stdout)["rows"]}


def test_changes_tests_and_holm_match_r(runner):
    got = rows(runner)
    r_chisq = reference("two_sample_test.r.40of400_vs_23of380.chisq_nocc")["expected"]
    chisq, chisq_stat = r_chisq["p_value"], r_chisq["chisq"]
    fisher = reference("two_sample_test.pub.lydersen2009.1of34_vs_7of34.fisher")
    newcombe = reference("diff_ci.pub.fagerland2015.7of34_vs_1of34.newcombe")["expected"]
    qa, qb = got["qa"], got["qb"]
    assert (qa["share_from"], qa["share_to"]) == pytest.approx((23 / 380, 40 / 400))
    assert qa["change"] == pytest.approx(40 / 400 - 23 / 380, abs=1e-12)
    assert qa["test"] == "chisq_nocc" and qa["p_value"] == pytest.approx(chisq, abs=1e-12)
    assert qa["statistic"] == pytest.approx(chisq_stat, abs=1e-10)
    assert (qa["kind"], qa["comparison"], qa["group"]) == ("change", "previous", {})
    assert (qa["base_from"], qa["base_to"]) == (380, 400)
    assert (qa["level"], qa["against"]) == (None, None)
    # 1/34 vs 7/34: an expected count of 4 < 5, so Fisher's exact test (R fisher.test)
    assert qb["test"] == "fisher" and qb["statistic"] is None
    assert qb["p_value"] == pytest.approx(fisher["expected"]["p_value"], abs=1e-4)
    # the change is later minus earlier: the published 7/34 - 1/34 interval, negated
    assert (qb["change_low"], qb["change_high"]) == pytest.approx(
        (-newcombe[1], -newcombe[0]), abs=0.005
    )
    holm = min(1.0, 2 * min(qa["p_value"], qb["p_value"]))
    holm_second = max(holm, max(qa["p_value"], qb["p_value"]))
    assert sorted([qa["p_adjusted"], qb["p_adjusted"]]) == pytest.approx([holm, holm_second])
    assert qa["significant"] is False and qb["significant"] is False  # 0.086 > 0.05
    none = rows(runner, "--adjust", "none")
    assert none["qa"]["p_adjusted"] == none["qa"]["p_value"] and none["qa"]["significant"]


def test_a_change_is_withheld_where_either_wave_is(runner):
    """The default min_count (10) withholds QB's counts of 7 and 1, and with them the change."""
    spec = DATA / "waves.toml"
    result = run(
        runner, "compare", DATA / "wave1.csv", DATA / "wave2.csv", "--spec", spec, "--format", "csv"
    )
    assert result.exit_code == 0, result.stderr
    records = {r["question"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    q2 = records["q2"]
    assert q2["flag"] == "[c]"
    derived = ("share_from", "share_to", "base_from", "base_to", "change", "change_low")
    derived += ("change_high", "test", "statistic")
    assert all(q2[k] == "" for k in (*derived, "p_value", "p_adjusted", "significant"))
    assert records["q1"]["flag"] == "" and records["q1"]["change"] != ""


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_readable_formats_show_changes_and_notes(runner, fmt):
    result = run(runner, "compare", *ARGS, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "+3.9 pp" in result.stdout and "-17.6 pp" in result.stdout
    assert "Newcombe" in result.stdout and "fisher" in result.stdout


def test_output_over_an_input_is_refused(runner):
    result = run(runner, "compare", *ARGS, "-o", str(DATA / "compare_later.csv"))
    assert result.exit_code == 1
    assert "--output is the same file as the export 2" in result.stderr


def test_waves_are_named_and_paired_against_previous_or_first(runner):
    early, late = DATA / "compare_earlier.csv", DATA / "compare_later.csv"
    spec = ("--spec", DATA / "compare.toml", "--format", "json")
    result = run(runner, "compare", early, late, early, *spec, "--wave-names", "Q1,Q2,Q3")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    pairs = [(r["kind"], r["wave_from"], r["wave_to"], r["question"]) for r in doc["rows"]]
    changes = [("change", "Q1", "Q2", "qa"), ("change", "Q1", "Q2", "qb")]
    changes += [("change", "Q2", "Q3", "qa"), ("change", "Q2", "Q3", "qb")]
    assert pairs == [*changes, ("trend", "Q1", "Q3", "qa"), ("trend", "Q1", "Q3", "qb")]
    assert list(doc["inputs"]) == ["Q1", "Q2", "Q3"]
    back = {r["question"]: r for r in doc["rows"] if r["wave_from"] == "Q2"}
    assert back["qa"]["change"] == pytest.approx(23 / 380 - 40 / 400, abs=1e-12)
    first = run(runner, "compare", early, late, early, *spec, "--against", "first")
    assert first.exit_code == 0, first.stderr
    rows_first = [r for r in json.loads(first.stdout)["rows"] if r["kind"] == "change"]
    # default names are the file names; against the first wave, Q1 -> Q3 is no change
    assert {(r["wave_from"], r["wave_to"]) for r in rows_first} == {
        ("compare_earlier (1)", "compare_later"),
        ("compare_earlier (1)", "compare_earlier (3)"),
    }
    same = [r for r in rows_first if r["wave_to"] == "compare_earlier (3)"]
    assert all(r["change"] == 0 and r["p_value"] == pytest.approx(1.0) for r in same)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--wave-names", "A,B,C"), "3 wave names for 2 exports"),
        (("--wave-names", "A,A"), "the wave name 'A' is given twice"),
    ],
)
def test_wave_names_must_match_the_exports(runner, args, message):
    result = run(runner, "compare", *ARGS, *args)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_one_export_is_a_usage_error(runner):
    result = run(runner, "compare", DATA / "compare_later.csv")
    assert result.exit_code == 2
    assert "give two or more exports, oldest first" in result.stderr


def test_wave_names_from_file_names_are_redacted(runner, tmp_path):
    """A file named after a person (an e-mail address) names its wave without it; two such
    waves stay apart."""
    early = tmp_path / "jane.doe@example.org.csv"
    late = tmp_path / "john.roe@example.org.csv"
    early.write_bytes((DATA / "compare_earlier.csv").read_bytes())
    late.write_bytes((DATA / "compare_later.csv").read_bytes())
    result = run(
        runner, "compare", early, late, "--spec", DATA / "compare.toml", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert "@example.org" not in json.dumps(doc["rows"])  # inputs keep the paths as given
    pairs = {(r["wave_from"], r["wave_to"]) for r in doc["rows"]}
    assert len(pairs) == 1
    ((earlier, later),) = pairs
    assert earlier != later and "redacted" in earlier and "redacted" in later


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_an_input_named_after_a_person_is_redacted(runner, tmp_path, fmt):
    """Every output names its inputs: a file named after whoever sent it is redacted (the
    wave name taken from the file name, and the input path)."""
    earlier = tmp_path / "from jo.bloggs@example.org.csv"
    earlier.write_bytes((DATA / "compare_earlier.csv").read_bytes())
    result = run(runner, "compare", earlier, *ARGS[1:], "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "jo.bloggs" not in result.stdout and "example.org" not in result.stdout
    assert "[redacted: email]" in result.stdout
