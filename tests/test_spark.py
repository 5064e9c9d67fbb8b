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
            (mine * mine, limbs.low_w2, sums[i, limbs.width_w : limbs.width_w + limbs.width_w2]),
        ):
            exact = sum(int(x) * Fraction(2) ** (32 * (low + j)) for j, x in enumerate(limb))
            assert exact == sum(map(Fraction, values.tolist()))
            assert rounded(limb[None, :], low)[0] == math.fsum(values.tolist())


def _text(col, i: int) -> str:  # noqa: ANN001 - a Coded column
    code = int(col.codes[i])
    return col.categories[code] if code >= 0 else ""


def _weighted_sample(folder: Path) -> tuple[Path, Path]:
    """The sample export with a weight column of awkward floats (many digits, spread 10^4),
    and its spec weighted by it."""
    import csv

    rng = np.random.default_rng(6)
    with open(SAMPLE / "feedback.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    weights = rng.uniform(0.1, 1000.0, len(rows) - 1)
    export = folder / "weighted.csv"
    with open(export, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([*rows[0], "Weight"])
        out.writerows([*r, repr(float(w))] for r, w in zip(rows[1:], weights, strict=True))
    spec = folder / "weighted.toml"
    text = (SAMPLE / "feedback.toml").read_text(encoding="utf-8")
    spec.write_text(text.replace("[survey]\n", '[survey]\nweight = "Weight"\n', 1), "utf-8")
    return export, spec


def _same_bytes(runner, args: list[object]) -> str:  # noqa: ANN001 - a CliRunner
    """The output of ``args`` in JSON and CSV, the same bytes on Spark as locally (the
    JSON returned)."""
    out = {}
    for fmt in ("csv", "json"):
        local = run(runner, *args, "--format", fmt)
        counted = run(runner, *args, "--format", fmt, "--engine", "spark")
        assert local.exit_code == 0, local.output
        assert counted.exit_code == 0, counted.output
        assert counted.stdout == local.stdout
        out[fmt] = local.stdout
    return out["json"]


def test_weighted_sample_gives_the_local_bytes(runner, spark, tmp_path: Path) -> None:
    export, spec = _weighted_sample(tmp_path)
    out = _same_bytes(runner, ["summarize", export, "--spec", spec, "--by", "Age band"])
    assert '"weighted": true' in out


def test_weighted_partitioned_parquet(runner, spark, tmp_path: Path) -> None:
    """Hive folders (area=North/) of a weighted export, parts in no particular order."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pacsv.read_csv(BETWEEN / "between_weighted.csv")
    table = table.cast(_text_schema(table))
    for area in pc.unique(table["area"]).to_pylist():
        part = table.filter(pc.equal(table["area"], area)).drop_columns(["area"])
        (tmp_path / f"area={area}").mkdir()
        half = part.num_rows // 2
        pq.write_table(part.slice(half), tmp_path / f"area={area}" / "part-0.parquet")
        pq.write_table(part.slice(0, half), tmp_path / f"area={area}" / "part-1.parquet")
    spec = BETWEEN / "between_weighted.toml"
    _same_bytes(runner, ["summarize", tmp_path, "--spec", spec, "--by", "area", "--by", "team"])


# tests/test_design.py's designs of tests/data/design/design.csv (checked there against R
# survey), and strata with a sampling fraction but no weight or ids (each response a PSU).
DESIGNS = {
    "full": {"weight": "weight", "strata": "region", "ids": "school", "fpc": "pop_schools"},
    "strata_only": {"weight": "weight", "strata": "region"},
    "fpc_noweight": {"strata": "region", "ids": "school", "fpc": "pop_schools"},
    "fraction_noids": {"strata": "region", "fpc": "fraction"},
    "size_noids": {"strata": "region", "fpc": "population"},
}


def _design_spec(folder: Path, survey: dict[str, str]) -> Path:
    keys = "".join(f'{k} = "{v}"\n' for k, v in survey.items())
    text = (DESIGN / "design.toml").read_text(encoding="utf-8")
    spec = folder / "design.toml"
    spec.write_text(f"[survey]\n{keys}\n[groups.sex]" + text.split("[groups.sex]")[1], "utf-8")
    return spec


def _design_export(folder: Path, blank: int | None = None) -> Path:
    """design.csv with a sampling fraction and a population of respondents per region
    (``fraction``, ``population``); the region of data row ``blank`` left blank."""
    lines = (DESIGN / "design.csv").read_text(encoding="utf-8").splitlines()
    extra = {"East": "0.25,90", "North": "0.5,100", "South": "0.125,44"}
    out = [lines[0] + ",fraction,population"]
    out += [f"{x},{extra[x.split(',')[1]]}" for x in lines[1:]]
    if blank is not None:
        cells = out[1 + blank].split(",")
        out[1 + blank] = ",".join([cells[0], "", *cells[2:]])
    export = folder / "design.csv"
    export.write_text("\n".join(out) + "\n", encoding="utf-8")
    return export


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_design_gives_the_local_bytes(runner, spark, tmp_path: Path, design: str) -> None:
    spec = _design_spec(tmp_path, DESIGNS[design])
    out = _same_bytes(
        runner, ["summarize", _design_export(tmp_path), "--spec", spec, "--by", "sex"]
    )
    assert "Survey design: strata 'region'" in out


def test_api_design_gives_the_local_summary(spark, tmp_path: Path) -> None:
    spec = _design_spec(tmp_path, DESIGNS["full"])
    export = DESIGN / "design.csv"
    frame = spark.read.csv(str(export), header=True)
    summary, _ = rapstats.summarize_spark(frame, spec, by=("sex",), path=export)
    local, _ = summarize_file(export, spec, by=("sex",))
    for fmt in ("json", "csv"):
        assert render_summary(summary, fmt) == render_summary(local, fmt)


def _one_weight(folder: Path, row: int, text: str) -> Path:
    """between_weighted.csv with the weight of data row ``row`` (0 the first) written
    ``text``."""
    import csv

    with open(BETWEEN / "between_weighted.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[1 + row][-1] = text
    export = folder / "weights.csv"
    with open(export, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return export


# Weights as the local engine reads them: Arrow's cast of the trimmed text, or Python's float
# of every weight when Arrow refuses one ("1_000" is then 1000); errors name the first bad row.
WEIGHTS = [
    " 1.5 ", "1e3", "1,5", "inf", "nan", "", "-1", "0", "0.10000000000000000555111512312578",
    "0x10", "1_000", "Infinity", "\u0661\u0662", "1e-20", "+.5", "1e400",
]  # fmt: skip


@pytest.mark.parametrize("text", WEIGHTS)
def test_weight_text_is_read_as_locally(runner, spark, tmp_path: Path, text: str) -> None:
    export = _one_weight(tmp_path, 7, text)
    args = ["summarize", export, "--spec", BETWEEN / "between_weighted.toml", "--by", "team"]
    local = run(runner, *args, "--format", "json")
    counted = run(runner, *args, "--format", "json", "--engine", "spark")
    assert counted.exit_code == local.exit_code
    assert counted.stdout == local.stdout
    assert counted.stderr.startswith("Error:") == (local.exit_code == 1)
    if local.exit_code:
        assert counted.stderr == local.stderr
        assert "row 9" in local.stderr  # the header is row 1


@pytest.mark.parametrize(
    ("survey", "blank"),
    [
        ({"strata": "region", "fpc": "pop_schools"}, None),  # 45 responses, 40 PSUs: too few
        (DESIGNS["full"], 30),
        (DESIGNS["strata_only"], 30),
    ],
    ids=["fpc-below-responses", "blank-stratum", "blank-stratum-no-ids"],
)
def test_design_error_is_the_local_error(runner, spark, tmp_path, survey, blank) -> None:
    spec = _design_spec(tmp_path, survey)
    args = ["summarize", _design_export(tmp_path, blank), "--spec", spec, "--by", "sex"]
    local = run(runner, *args)
    counted = run(runner, *args, "--engine", "spark")
    assert local.exit_code == counted.exit_code == 1
    assert counted.stderr == local.stderr
    assert " row " in local.stderr


def _parquet_input(folder: Path, name: str) -> Path:
    """A Parquet input of groups.csv the local reader refuses (``nested``: q1 a list column;
    ``shadowed``: hive folders area=.../ over files that hold an area column) or, for
    ``corrupt``, cannot read (a part that is no Parquet)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pacsv.read_csv(CASES[0][0])
    table = table.cast(_text_schema(table))
    path = folder / name
    if name == "nested":
        q1 = pa.array([[v] for v in table["q1"].to_pylist()])
        pq.write_table(table.set_column(table.column_names.index("q1"), "q1", q1), path)
    elif name == "shadowed":
        for k, area in enumerate(("North", "South")):
            (path / f"area={area}").mkdir(parents=True)
            pq.write_table(table.slice(100 * k, 100), path / f"area={area}" / "p.parquet")
    else:
        path.mkdir()
        pq.write_table(table, path / "a.parquet")
        (path / "b.parquet").write_bytes(b"PAR1 not parquet PAR1")
    return path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nested", 'column "q1": holds nested values (list<element: string>)'),
        ("shadowed", 'column "area": is both the name of hive folders (area=...)'),
    ],
)
def test_refused_parquet_is_the_local_error(runner, spark, tmp_path, name, message) -> None:
    export, spec, by = CASES[0]
    args = ["summarize", _parquet_input(tmp_path, name), "--spec", spec, *_by(by)]
    local = run(runner, *args)
    counted = run(runner, *args, "--engine", "spark")
    assert local.exit_code == counted.exit_code == 1
    assert message in local.stderr
    assert counted.stderr == local.stderr


def test_corrupt_part_is_one_line(runner, spark, tmp_path, capfd) -> None:
    """Spark's own log of the failed task stays out of stderr: rapstats' one line only."""
    import time

    export, spec, by = CASES[0]
    path = _parquet_input(tmp_path, "corrupt")
    result = run(runner, "summarize", path, "--spec", spec, *_by(by), "--engine", "spark")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: Spark cannot read it (")
    assert result.stderr.count("\n") == 1
    time.sleep(1)  # the JVM's stderr is forwarded by a thread
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(("export", "spec", "by"), [CASES[0], CASES[3]], ids=["groups", "multi"])
def test_freq_on_spark_gives_the_local_bytes(runner, spark, export, spec, by) -> None:
    """Frequency tables (every answer, blanks and excluded ones) counted on Spark."""
    out = _same_bytes(runner, ["freq", export, "--spec", spec, *_by(by)])
    assert '"share_of_base"' in out and '"answer"' in out


def test_weighted_freq_on_spark_gives_the_local_bytes(runner, spark, tmp_path: Path) -> None:
    export, spec = _weighted_sample(tmp_path)
    _same_bytes(runner, ["freq", export, "--spec", spec, "--by", "Age band"])


def test_freq_profile_is_refused_on_spark(runner, spark) -> None:
    export, spec, _ = CASES[0]
    result = run(runner, "freq", export, "--spec", spec, "--profile", "--engine", "spark")
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "--profile" in result.stderr


def _csv_parts(export: Path, folder: Path, columns_of_second: list[str] | None = None) -> Path:
    """``export`` split into two CSV parts in ``folder`` (the second part's columns in the
    order ``columns_of_second``, or as they are), beside files no part is: an Office lock
    file, a hidden file and notes."""
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(export)
    table = table.cast(_text_schema(table))
    folder.mkdir()
    pacsv.write_csv(table.slice(0, 150), folder / "part-1.csv")
    second = table.slice(150)
    if columns_of_second is not None:
        second = second.select(columns_of_second)
    pacsv.write_csv(second, folder / "part-2.csv")
    lock = chr(126) + "$part-1.csv"  # Office's lock file (a "~" string reads as home)
    (folder / lock).write_bytes(b"\x00lock")
    (folder / ".hidden.csv").write_text("not,a,part\n1,2,3\n", encoding="utf-8")
    (folder / "notes.md").write_text("read me\n", encoding="utf-8")
    return folder


def test_csv_parts_are_the_files_the_local_engine_reads(runner, spark, tmp_path: Path) -> None:
    """Spark reads the parts the local loader lists (no lock, hidden or other files), with
    the same digest in the output."""
    export, spec, by = CASES[0]
    folder = _csv_parts(export, tmp_path / "parts")
    out = _same_bytes(runner, ["summarize", folder, "--spec", spec, *_by(by)])
    assert f'"rows_read": {len(export.read_text(encoding="utf-8").splitlines()) - 1}' in out


def test_csv_part_with_its_columns_in_another_order_is_refused(runner, spark, tmp_path) -> None:
    """Spark reads CSV columns by position: a part whose header row orders them otherwise
    would put answers under the wrong question, so it is refused (one line), never counted."""
    import pyarrow.csv as pacsv

    export, spec, _ = CASES[1]  # the sample
    names = pacsv.read_csv(export).column_names
    swapped = list(names)
    swapped[6], swapped[7] = names[7], names[6]  # two agree-scale questions: labels fit both
    folder = _csv_parts(export, tmp_path / "parts", swapped)
    assert run(runner, "summarize", folder, "--spec", spec).exit_code == 0  # local: by name
    result = run(runner, "summarize", folder, "--spec", spec, "--engine", "spark")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "part-2.csv: orders its columns otherwise than the first part" in result.stderr


def test_csv_part_lacking_a_column_is_the_local_error(runner, spark, tmp_path: Path) -> None:
    import pyarrow.csv as pacsv

    export, spec, _ = CASES[0]
    names = pacsv.read_csv(export).column_names
    folder = _csv_parts(export, tmp_path / "parts", names[:-1])
    args = ["summarize", folder, "--spec", spec]
    local = run(runner, *args)
    counted = run(runner, *args, "--engine", "spark")
    assert local.exit_code == counted.exit_code == 1
    assert "part-2.csv" in counted.stderr and counted.stderr == local.stderr
