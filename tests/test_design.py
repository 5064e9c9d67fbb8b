"""Full survey designs in summarize ([survey] strata, ids, fpc) against R `survey`.

The export is tests/data/design/design.csv (scripts/make_design_fixture.py; counts in
tests/data/design/README.md): 101 respondents in 12 schools (PSUs) of 3 regions (strata).
Expected values are R's svyciprop / svyby(..., svyciprop, method = "logit") / degf on the same
file (tests/data/reference/r/design.R -> design.json), never numbers rapstats printed.
"""

from __future__ import annotations

import json
import math
import tomllib

import pytest
from conftest import REFERENCE, ROOT, run
from scipy.stats import t as student_t

from rapstats import stats, summarize
from rapstats.aggregate import aggregate
from rapstats.io import load_export
from rapstats.normalise import normalise
from rapstats.spec import parse_spec

DATA = ROOT / "tests" / "data" / "design"
EXPORT = DATA / "design.csv"
R = json.loads((REFERENCE / "r" / "design.json").read_text(encoding="utf-8"))
QUESTIONS = (DATA / "design.toml").read_text(encoding="utf-8").split("[groups.sex]")[1]
# design.json's designs, as [survey] tables
DESIGNS = {
    "nofpc": {"weight": "weight", "strata": "region", "ids": "school"},
    "fpc": {"weight": "weight", "strata": "region", "ids": "school", "fpc": "pop_schools"},
    "strata_only": {"weight": "weight", "strata": "region"},
    "fpc_noweight": {"strata": "region", "ids": "school", "fpc": "pop_schools"},
}


def _spec_text(survey: dict[str, str], extra: str = "") -> str:
    keys = "".join(f'{k} = "{v}"\n' for k, v in survey.items())
    return f"[survey]\n{keys}{extra}\n[groups.sex]{QUESTIONS}"


def _expected(design: str) -> dict[tuple[str, str | None], dict]:
    return {(c["question"], c["level"]): c for c in R["cases"] if c["design"] == design}


def _se_from_logit_interval(row: dict, df: int) -> float:
    """The standard error behind a logit interval: its half-width on the logit scale is
    t(df) se / (p (1 - p))."""
    logit = [math.log(v / (1 - v)) for v in (row["ci_low"], row["ci_high"])]
    p = row["share"]
    return (logit[1] - logit[0]) / 2 * p * (1 - p) / student_t.ppf(0.975, df)


def _key(row: dict) -> tuple[str, str | None]:
    """A row's case in design.json: question (``q3: Email`` for an option), sex level."""
    question = row["question"] + (f": {row['option']}" if row["option"] else "")
    return question, row["group"].get("sex")


def _check(rows: list[dict], expected: dict) -> None:
    assert len(rows) == len(expected) == 12
    for row in rows:
        r = expected[_key(row)]
        assert row["base"] == r["n"]
        assert row["share"] == pytest.approx(r["share"], abs=1e-9)
        assert row["share"] == pytest.approx(r["mean"], abs=1e-9)  # svymean agrees
        assert [row["ci_low"], row["ci_high"]] == pytest.approx(
            [r["ci_low"], r["ci_high"]], abs=1e-8
        )
        assert _se_from_logit_interval(row, r["df"]) == pytest.approx(r["se"], rel=1e-7)
        assert r["se"] == pytest.approx(r["mean_se"], rel=1e-9)
        # the design-effective n is p(1 - p) / se² with R's se
        assert row["effective_n"] == pytest.approx(
            r["share"] * (1 - r["share"]) / r["se"] ** 2, rel=1e-6
        )


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_cli_summarize_with_a_design_equals_r(runner, tmp_path, design):
    spec = tmp_path / "spec.toml"
    spec.write_text(_spec_text(DESIGNS[design]), encoding="utf-8")
    result = run(
        runner,
        "summarize",
        EXPORT,
        "--spec",
        spec,
        "--by",
        "sex",
        "--format",
        "json",
        "--unsafe-no-suppression",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    _check(out["rows"], _expected(design))
    note = out["methods"]["notes"][-1]
    assert note.startswith("Survey design: strata 'region'") and "PSUs minus strata" in note


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_api_summarize_with_a_design_equals_r_with_its_df(design):
    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS[design])))
    export = load_export(EXPORT)
    _check(summarize(export, spec, by=("sex",)).records(), _expected(design))
    # The degrees of freedom and standard errors themselves, from the design sums.
    counts = aggregate(normalise(export, spec, by=("sex",)), ("sex",))
    res = stats.design_proportion_from_sums(
        counts.table["n"],
        counts.design.per_stratum(),
        counts.design.psus,
        counts.design.fraction,
        counts.table["sum_w2"],
    )
    expected = _expected(design)
    levels = counts.cells["sex"]
    table = counts.table
    for i, cell in enumerate(table["cell"]):
        r = expected[
            _key(
                {
                    "question": table["question"][i],
                    "option": table["option"][i],
                    "group": {"sex": levels[cell]},
                }
            )
        ]
        assert int(res.df[i]) == r["df"]
        assert float(res.se[i]) == pytest.approx(r["se"], rel=1e-9)
        assert float(res.ci.low[i]) == pytest.approx(r["ci_low"], abs=1e-8)


def test_design_sums_are_per_psu_and_add_up_to_the_cell_sums():
    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS["fpc"])))
    counts = aggregate(normalise(load_export(EXPORT), spec, by=("sex",)), ("sex",))
    d = counts.design
    assert d.by_psu and len(d.units) == 12 and d.strata == ("East", "North", "South")
    assert d.psus.tolist() == [5, 4, 3]
    assert d.fraction.tolist() == pytest.approx([5 / 40, 4 / 20, 3 / 12])
    assert d.sums["w"].sum(axis=1) == pytest.approx(counts.table["sum_w"])
    assert d.sums["wy"].sum(axis=1) == pytest.approx(counts.table["sum_wy"])
    assert d.sums["n"].sum(axis=1).tolist() == counts.table["n"].tolist()


def _with(tmp_path, edit) -> object:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    for row in rows:
        edit(row)
    path = tmp_path / "design.csv"
    path.write_text(
        "\n".join([lines[0], *(",".join(r[h] for h in header) for r in rows)]) + "\n",
        encoding="utf-8",
    )
    return path


def _lonely(row: dict) -> None:
    if row["region"] == "North" and row["school"] == "S1":
        row["region"] = "West"


def _small_fpc(row: dict) -> None:
    if row["region"] == "North":
        row["pop_schools"] = "3"


def _mixed_fpc(row: dict) -> None:
    if row["region"] == "South" and row["school"] == "S2":
        row["pop_schools"] = "13"


def _blank_school(row: dict) -> None:
    if row["id"] == "7":
        row["school"] = ""


@pytest.mark.parametrize(
    ("edit", "survey", "says"),
    [
        (None, {**DESIGNS["fpc"], "strata": "regoin"}, "regoin"),
        (None, {**DESIGNS["fpc"], "ids": "schol"}, "schol"),
        (_lonely, DESIGNS["fpc"], 'stratum "West" has only one PSU'),
        (
            _small_fpc,
            DESIGNS["fpc"],
            "at least the 4 sampled in it (or one sampling fraction, at most 1); it gives 3",
        ),
        (_mixed_fpc, DESIGNS["fpc"], "one population of PSUs"),
        (_blank_school, DESIGNS["fpc"], "design column is blank"),
    ],
)
def test_bad_design_is_a_one_line_error(runner, tmp_path, edit, survey, says):
    export = EXPORT if edit is None else _with(tmp_path, edit)
    spec = tmp_path / "spec.toml"
    spec.write_text(_spec_text(survey), encoding="utf-8")
    result = run(runner, "summarize", export, "--spec", spec, "--format", "json")
    assert result.exit_code == 1, result.output
    assert says in result.stderr and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and says in errors[0], result.stderr


def test_waves_with_a_design_are_independent_samples_each_equal_to_r():
    """Two waves pooled (report/compare --waves): each wave's strata are strata of the pool, so
    each wave's shares, intervals and df are those of the wave alone (R on the file)."""
    from rapstats.estimate.pooled import summarize_waves

    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS["fpc"])))
    export = load_export(EXPORT)
    pooled = summarize_waves([export, export], ["Spring", "Autumn"], spec, by=("sex",))
    expected = _expected("fpc")
    rows = [r for r in pooled.records() if "wave" in r["group"]]
    assert len(rows) == 24
    for wave in ("Spring", "Autumn"):
        _check([r | {"group": {}} | _sex(r) for r in rows if r["group"]["wave"] == wave], expected)


def _sex(row: dict) -> dict:
    return {"group": {"sex": row["group"]["sex"]}} if "sex" in row["group"] else {}


def test_group_comparison_with_a_design_is_refused_not_estimated_weights_only(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(_spec_text(DESIGNS["fpc"]), encoding="utf-8")
    result = run(runner, "compare", EXPORT, "--spec", spec, "--between", "sex")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "weights-only designs" in errors[0], result.stderr


@pytest.mark.parametrize("design", ["fpc", "strata_only"])
def test_design_sums_of_two_parts_add_up_to_the_whole_samples(tmp_path, design):
    """The sums are additive: an export read in two parts (school S5 of East split between
    them; the second part holds only that PSU, alone in its stratum there), merged, gives R's
    values."""
    spec = parse_spec(tomllib.loads(_spec_text(DESIGNS[design])))
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    parts = []
    for name, rows in (("a", lines[1:95]), ("b", lines[95:])):
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
        parts.append(aggregate(normalise(load_export(path), spec, by=("sex",)), ("sex",)))
    a, b = parts
    assert b.design.strata == ("East",) and b.design.psus.tolist() == [1 if design == "fpc" else 7]
    for key in ("question", "option", "cell"):
        assert a.table[key].tolist() == b.table[key].tolist()
    merged = a.design.merged(b.design)
    whole = aggregate(normalise(load_export(EXPORT), spec, by=("sex",)), ("sex",)).design
    assert merged.strata == whole.strata and merged.units == whole.units
    assert merged.psus.tolist() == whole.psus.tolist()
    assert merged.fraction == pytest.approx(whole.fraction)
    for key, value in whole.sums.items():
        assert merged.sums[key] == pytest.approx(value, rel=1e-12)
    res = stats.design_proportion_from_sums(
        a.table["n"] + b.table["n"],
        merged.per_stratum(),
        merged.psus,
        merged.fraction,
        a.table["sum_w2"] + b.table["sum_w2"],
    )
    expected = _expected(design)
    for i, cell in enumerate(a.table["cell"]):
        row = {"question": a.table["question"][i], "option": a.table["option"][i]}
        r = expected[_key(row | {"group": {"sex": a.cells["sex"][cell]}})]
        assert float(res.estimate[i]) == pytest.approx(r["share"], abs=1e-9)
        assert float(res.se[i]) == pytest.approx(r["se"], rel=1e-9)
        assert int(res.df[i]) == r["df"]


def test_exact_binomial_test_with_a_design_but_no_weight_column_is_refused(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    extra = '\n[defaults]\ntest = "exact_binomial"\n'
    spec.write_text(_spec_text(DESIGNS["fpc_noweight"], extra), encoding="utf-8")
    result = run(runner, "summarize", EXPORT, "--spec", spec)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "exact binomial test" in errors[0], result.stderr
