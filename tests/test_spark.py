"""The Spark engine (``summarize --engine spark``, :func:`rapstats.summarize_spark`) gives the
local engine's bytes: the same JSON and CSV, the same errors.

One SparkSession in ``local[2]`` serves the module (the CLI uses a session already active).
Every expected output is the local engine's on the same file, so these tests check the
engine, not the estimates (those are checked against R elsewhere). pyspark is in the test
extra: without it these tests fail rather than skip. Slow (Spark's start-up alone takes
seconds): CI runs them.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, run

import rapstats
from rapstats.errors import RapstatsError
from rapstats.pipeline import summarize_file
from rapstats.render import render_summary

pytestmark = pytest.mark.slow

DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "data" / "sample"
# (export, spec, --by): single-choice with a withheld small team (C, 4 respondents), Likert
# scales with a joined multi-select and periods derived from timestamps, the benchmark
# workload's shape, a joined multi-select, a checkbox grid (one column per option), an
# export with personal-data columns and one whose comments hold quoted line breaks.
GROUPS = DATA / "report_groups"
CASES = [
    (GROUPS / "groups.csv", GROUPS / "groups.toml", ("area", "team")),
    (SAMPLE / "feedback.csv", SAMPLE / "feedback.toml", ("quarter", "Age band")),
    (DATA / "bench_survey.csv", ROOT / "scripts" / "bench_spec.toml", ("area", "quarter")),
    (DATA / "protect" / "multi_select.csv", DATA / "protect" / "multi_select.toml", ("area",)),
    (DATA / "edge_checked_ticks.csv", DATA / "spark" / "ticks.toml", ()),
    (DATA / "pii_columns.csv", DATA / "spark" / "pii.toml", ("area",)),
    (DATA / "spark" / "linebreaks.csv", DATA / "spark" / "linebreaks.toml", ("area",)),
]
IDS = ["groups", "likert", "bench", "multi", "grid", "personal", "linebreaks"]
BROKEN = DATA / "check" / "broken.csv"


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory):
    """One quiet local[2] session, and the empty folder it was started in (to see that it
    leaves no files there)."""
    from rapstats.pipeline.spark import spark_session

    folder = tmp_path_factory.mktemp("spark-cwd")
    here = os.getcwd()
    os.chdir(folder)
    try:
        with spark_session("local[2]") as session:
            yield session, folder
    finally:
        os.chdir(here)


@pytest.fixture
def spark(started):
    return started[0]


def _by(by: tuple[str, ...]) -> list[str]:
    return [a for b in by for a in ("--by", b)]


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(("export", "spec", "by"), CASES, ids=IDS)
def test_cli_spark_gives_the_local_bytes(runner, spark, export, spec, by, fmt) -> None:
    args = ["summarize", export, "--spec", spec, *_by(by), "--format", fmt]
    local = run(runner, *args)
    counted = run(runner, *args, "--engine", "spark", "--master", "local[2]")
    assert local.exit_code == 0, local.output
    assert counted.exit_code == 0, counted.output
    assert counted.stdout == local.stdout
    assert "counted on Spark (local[2])" in counted.stderr


@pytest.mark.parametrize(("export", "spec", "by"), CASES[:3], ids=IDS[:3])
def test_api_spark_gives_the_local_summary(spark, export, spec, by) -> None:
    frame = spark.read.csv(str(export), header=True, multiLine=True, escape='"')
    summary, notes = rapstats.summarize_spark(frame, spec, by=by, path=export)
    local, _ = summarize_file(export, spec, by=by)
    for fmt in ("json", "csv"):
        assert render_summary(summary, fmt) == render_summary(local, fmt)
    assert notes[0] == f"read {local.source['rows_read']} responses from {export} (plain)"


def test_api_names_a_dataframe_without_a_path(spark) -> None:
    export, spec, by = CASES[0]
    frame = spark.read.csv(str(export), header=True)
    summary, _ = rapstats.summarize_spark(frame, spec, by=by)
    assert summary.source["path"] == "Spark DataFrame"
    assert summary.source["sha256"] == ""
    assert summary.source["rows_read"] == 240


def test_withheld_cell_stays_withheld(runner, spark) -> None:
    """Team C (4 respondents, below min_base = 10) is withheld on Spark as locally."""
    export, spec, _ = CASES[0]
    result = run(runner, "summarize", export, "--spec", spec, "--by", "team", "--format", "csv")
    counted = run(
        runner, "summarize", export, "--spec", spec, "--by", "team", "--format", "csv",
        "--engine", "spark",
    )  # fmt: skip
    rows = [line.split(",") for line in counted.stdout.splitlines()]
    team_c = [r for r in rows if "C" in r]
    assert team_c and all("[c]" in r for r in team_c)
    assert counted.stdout == result.stdout


def test_parquet_dataset(runner, spark, tmp_path: Path) -> None:
    """A Parquet file (text columns) read by Spark gives the local engine's bytes."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    export, spec, by = CASES[0]
    table = pacsv.read_csv(export)
    table = table.cast(_text_schema(table))
    path = tmp_path / "groups.parquet"
    pq.write_table(table, path)
    args = ["summarize", path, "--spec", spec, *_by(by), "--format", "json"]
    local = run(runner, *args)
    counted = run(runner, *args, "--engine", "spark")
    assert local.exit_code == 0, local.output
    assert counted.stdout == local.stdout


def test_partitioned_parquet_folder(runner, spark, tmp_path: Path) -> None:
    """Hive folders (area=North/) of two parts each: a column, as the local reader has it."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    export, spec, by = CASES[0]
    table = pacsv.read_csv(export)
    table = table.cast(_text_schema(table))
    for area in ("North", "South", "East", "West"):
        part = table.filter(pc.equal(table["area"], area)).drop_columns(["area"])
        (tmp_path / f"area={area}").mkdir()
        pq.write_table(part.slice(0, 20), tmp_path / f"area={area}" / "part-0.parquet")
        pq.write_table(part.slice(20), tmp_path / f"area={area}" / "part-1.parquet")
    args = ["summarize", tmp_path, "--spec", spec, *_by(by), "--format", "json"]
    local = run(runner, *args)
    counted = run(runner, *args, "--engine", "spark")
    assert local.exit_code == 0, local.output
    assert '"rows_read": 240' in counted.stdout
    assert counted.stdout == local.stdout


def _text_schema(table):  # noqa: ANN001, ANN202 - a pyarrow schema of strings
    import pyarrow as pa

    return pa.schema([pa.field(n, pa.string()) for n in table.column_names])


def test_unknown_label_is_the_local_error(runner, spark) -> None:
    """The first unknown label, its first row and how many rows hold it, as locally."""
    spec = DATA / "check" / "broken.toml"
    local = run(runner, "summarize", BROKEN, "--spec", spec)
    counted = run(runner, "summarize", BROKEN, "--spec", spec, "--engine", "spark")
    assert local.exit_code == counted.exit_code == 1
    assert counted.stderr == local.stderr
    assert 'row 3, column "Overall I am satisfied": "Maybe" is not an option' in counted.stderr
    frame = spark.read.csv(str(BROKEN), header=True)
    with pytest.raises(RapstatsError) as raised:
        rapstats.summarize_spark(frame, spec, path=BROKEN)
    assert f"Error: {raised.value}\n" == local.stderr


def test_impossible_date_is_the_local_error(runner, spark) -> None:
    """A date that does not exist, in a group derived from timestamps: its first row and
    count, with the value as the export holds it."""
    export, spec = DATA / "edge_impossible_dates.csv", DATA / "edge_impossible_dates.toml"
    args = ["summarize", export, "--spec", spec, "--by", "quarter"]
    local = run(runner, *args)
    counted = run(runner, *args, "--engine", "spark")
    assert local.exit_code == counted.exit_code == 1
    assert '"2026-13-05 10:00:00" is not a date (3 rows in all)' in local.stderr
    assert counted.stderr == local.stderr


def test_missing_column_after_good_questions(runner, spark, tmp_path: Path) -> None:
    """Every question's labels and columns are checked in spec order: the misspelt column."""
    spec = tmp_path / "spec.toml"
    text = (DATA / "check" / "broken.toml").read_text(encoding="utf-8")
    spec.write_text(text.replace('"Disagree"]', '"Disagree", "Maybe", "Agreee"]'), "utf-8")
    local = run(runner, "summarize", BROKEN, "--spec", spec)
    counted = run(runner, "summarize", BROKEN, "--spec", spec, "--engine", "spark")
    assert local.exit_code == counted.exit_code == 1
    assert "recomend" in local.stderr
    assert counted.stderr == local.stderr


def test_personal_data_by_contents_is_left_out(runner, spark) -> None:
    """A column of people's names (by its contents) asked for with --by: the local error."""
    export, spec, _ = CASES[5]
    local = run(runner, *_by_respondent(export, spec))
    counted = run(runner, *_by_respondent(export, spec), "--engine", "spark")
    assert local.exit_code == counted.exit_code == 1
    assert "holds personal data" in local.stderr
    assert counted.stderr == local.stderr


def _by_respondent(export: Path, spec: Path) -> list[object]:
    return ["summarize", export, "--spec", spec, "--by", "Respondent"]


def test_usage_errors(runner) -> None:
    export, spec, _ = CASES[0]
    no_spec = run(runner, "summarize", export, "--engine", "spark")
    assert no_spec.exit_code == 2
    assert "--engine spark needs --spec" in no_spec.stderr
    master = run(runner, "summarize", export, "--spec", spec, "--master", "local[2]")
    assert master.exit_code == 2
    assert "--master is for --engine spark" in master.stderr


def test_without_pyspark(runner, monkeypatch) -> None:
    export, spec, _ = CASES[0]
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if it were not installed
    result = run(runner, "summarize", export, "--spec", spec, "--engine", "spark")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --engine spark needs pyspark, which is not installed. "
        'Fix: pip install "rapstats[spark]".\n'
    )


def test_import_leaves_pyspark_out() -> None:
    code = (
        "import sys, rapstats; rapstats.summarize_spark; import rapstats.io.spark; "
        "print('pyspark' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout == "False\n"


def test_session_left_no_files(started) -> None:
    """Run last: after every query above, the folder the session started in is empty."""
    assert list(started[1].iterdir()) == []


# Weights and designs: every sum of weights is exactly rounded, so Spark's order of addition
# does not matter (rapstats/io/_spark_weights.py).
BETWEEN = DATA / "between"
DESIGN = DATA / "design"


def test_limb_sums_are_the_exact_sums(spark) -> None:
    """Spark's sums of each combination's weight limbs are the exact sums (as fractions) of
    the scaled weights and of their squares, and round to math.fsum of them."""
    from rapstats.aggregate._exact import rounded
    from rapstats.io.spark import count_frame, plan_frame
    from rapstats.pipeline._spark_weights import weight_limbs

    rng = np.random.default_rng(16)
    w = rng.uniform(1, 2, 4000) * 10.0 ** rng.integers(-7, 7, 4000)  # spread 10^14
    g, a = rng.integers(0, 5, 4000), rng.choice(["Yes", "No", ""], 4000)
    texts = [repr(x) if i % 2 else f"{x:.30e}" for i, x in enumerate(w.tolist())]  # same numbers
    rows = [(str(gi), str(ai), t) for gi, ai, t in zip(g, a, texts, strict=True)]
    plan = plan_frame(spark.createDataFrame(rows, ["g", "a", "w"]), ["g", "a", "w"], (), "x")
    limbs, bad = weight_limbs(plan, "w")
    assert limbs is not None and not bad
    assert limbs.scale == math.frexp(w.max())[1]
    counted = count_frame(plan, ("g",), (), (("a",),), limbs)
    part, sums = counted.parts[0], counted.limbs[0]
    keys = [tuple(_text(part.columns[c], i) for c in ("g", "a")) for i in range(part.rows_read)]
    assert len(set(keys)) == len(keys) == 15
    scaled = np.ldexp(w, -limbs.scale)
    for i, (gi, ai) in enumerate(keys):
        mine = scaled[(g == int(gi)) & (a == ai)]
        assert counted.frequency[0][i] == len(mine)
        for values, low, limb in (
            (mine, limbs.low_w, sums[i, : limbs.width_w]),
            (mine * mine, limbs.low_w2, sums[i, limbs.width_w :]),
        ):
            exact = sum(int(x) * Fraction(2) ** (32 * (low + j)) for j, x in enumerate(limb))
            assert exact == sum(map(Fraction, values.tolist()))
            assert rounded(limb[None, :], low)[0] == math.fsum(values.tolist())


def _text(col, i: int) -> str:  # noqa: ANN001 - a Coded column
    code = int(col.codes[i])
    return col.categories[code] if code >= 0 else ""
