"""Publication safety of this session's input routes: the scans of
tests/test_publication_safety.py (every byte of every format: personal data, control
characters, formulas, markup) over the attack exports read as Parquet (personal data, a
formula and control characters in column names), as hive partition folders (values with
personal data, formulas, control characters and result field names, under a folder named
after a person), as CSV parts in a folder and a glob named with personal data, with a
streamed weighted spec, and on the Spark engine; and the inputs that must give a one-line
error naming the file, never a traceback.

Every Parquet file and folder is written here, from the attack CSVs of tests/data/attack/
(deterministic): their planted values are what the scans look for.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from test_publication_safety import (
    ATTACK,
    FORMATS,
    PII_PATTERNS,
    REPORT_FORMATS,
    Run,
    _control_hits,
    _invoke,
    _pii_hits,
    _publishable_files,
    _report,
    _text_hits,
    executable_hits,
    failures,
    run_everything,
    texts,
)

LABELS, SPEC = ATTACK / "labels.csv", ATTACK / "labels.toml"
PERSON = "from jo.bloggs@example.org on 07700 900123"
AREA_HEADER = "Area of jo.bloggs@example.org"
TEAM_HEADER = '=HYPERLINK("http://evil.example/h","Team")\x07\x1b[31m'
# the values of a hive field named like a result field: a formula, control characters, and
# the names of result fields; 40 respondents each
FLAG_VALUES = ['=HYPERLINK("http://evil.example/p","x")', "a\x1b[31mred\x07", "share", "flag"]


def _text_table(path: Path):  # noqa: ANN202 - a pyarrow Table of strings
    """A CSV export as a table of text, as a CSV is read (blank cells null)."""
    import pyarrow as pa

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    columns = [pa.array([r[i] or None for r in rows[1:]], pa.string()) for i in range(len(rows[0]))]
    return pa.Table.from_arrays(columns, rows[0])


def _spec(tmp: Path, name: str, replace: dict[str, str], extra: str = "") -> Path:
    """labels.toml with its column names replaced (as TOML strings) and ``extra`` added."""
    text = SPEC.read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(f"column = {json.dumps(old)}", f"column = {json.dumps(new)}")
    path = tmp / f"{name}.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def _parquet(tmp: Path) -> tuple[Path, Path]:
    """labels.csv as Parquet, its Area and Team columns renamed with personal data, a
    formula and control characters."""
    import pyarrow.parquet as pq

    table = _text_table(LABELS)
    names = [{"Area": AREA_HEADER, "Team": TEAM_HEADER}.get(n, n) for n in table.column_names]
    path = tmp / f"{PERSON}.parquet"
    pq.write_table(table.rename_columns(names), path)
    return path, _spec(tmp, "parquet", {"Area": AREA_HEADER, "Team": TEAM_HEADER})


def _hive(tmp: Path) -> tuple[Path, Path]:
    """labels.csv in hive folders ``Area=<value>/flag=<value>/`` (URI-quoted, as Arrow and
    Spark write them, so that every planted value comes back as typed) under a folder
    named after a person: ``flag`` is a column named like a result field, holding formulas,
    control characters and result field names."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = _text_table(LABELS)
    flag = [FLAG_VALUES[i % len(FLAG_VALUES)] for i in range(table.num_rows)]
    table = table.append_column("flag", pa.array(flag, pa.string()))
    root = tmp / f"{PERSON} hive"
    for area in sorted(set(table.column("Area").to_pylist())):
        for value in FLAG_VALUES:
            rows = table.filter(
                pc.and_(pc.equal(table["Area"], area), pc.equal(table["flag"], value))
            )
            if rows.num_rows:
                folder = root / f"Area={quote(area, safe=' ')}" / f"flag={quote(value, safe='')}"
                folder.mkdir(parents=True)
                pq.write_table(rows.drop_columns(["Area", "flag"]), folder / "part-0.parquet")
    return root, _spec(tmp, "hive", {}, '\n[groups.flag]\ncolumn = "flag"\n')


def _csv_parts(tmp: Path) -> Path:
    """labels.csv in three CSV parts named with personal data, in a folder named so."""
    lines = LABELS.read_text(encoding="utf-8").splitlines(keepends=True)
    folder = tmp / PERSON
    folder.mkdir()
    for k, start in enumerate((1, 70, 140)):
        part = folder / f"part {k} =SUM(A1) 07700 90012{k}.csv"
        part.write_text(lines[0] + "".join(lines[start : start + 69]), encoding="utf-8")
    return folder


def _weighted(tmp: Path) -> tuple[Path, Path]:
    """labels.csv with a weight column (1, 1.5, 2, 1, ...) and a spec that weights by it."""
    with open(LABELS, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[0].append("Weight")
    for i, row in enumerate(rows[1:]):
        row.append(str(1 + (i % 3) / 2))
    path = tmp / "weighted.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    text = SPEC.read_text(encoding="utf-8").replace(
        'id = "Response ID"', 'id = "Response ID"\nweight = "Weight"'
    )
    spec = tmp / "weighted.toml"
    spec.write_text(text, encoding="utf-8")
    return path, spec


AREA_TEAM = [(), ("area",), ("team",)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, list[Run]]:
    """Every command in every format on each new route."""
    made = tmp_path_factory.mktemp("inputs")
    parquet, parquet_spec = _parquet(made)
    hive, hive_spec = _hive(made)
    parts = _csv_parts(made)
    weighted, weighted_spec = _weighted(made)
    cases = {
        "parquet": (parquet, parquet_spec, AREA_TEAM, [None, "area"]),
        "parquet-inferred": (parquet, None, [(AREA_HEADER,), (TEAM_HEADER,)], [None]),
        "hive": (hive, hive_spec, [("area",), ("flag",), ("area", "team")], [None, "flag"]),
        "csv-parts": (parts, SPEC, AREA_TEAM, [None, "area"]),
        "csv-parts-glob": (parts / "*.csv", SPEC, [("area",)], [None]),
        "weighted": (weighted, weighted_spec, AREA_TEAM, [None]),
    }
    return {
        name: run_everything(tmp_path_factory.mktemp(name), export, spec, bys, comment_bys)
        for name, (export, spec, bys, comment_bys) in cases.items()
    }


@pytest.mark.slow  # every command and format on each route (~30 s)
def test_every_route_writes_every_output(runs):
    bad = failures(runs)
    assert not bad, "\n".join(bad)


@pytest.mark.slow  # every command and format on each route (~30 s)
def test_no_personal_data_from_any_route(runs):
    hits = _text_hits(runs, _pii_hits)
    assert not hits, _report(hits)


@pytest.mark.slow  # every command and format on each route (~30 s)
def test_no_control_characters_from_any_route(runs):
    hits = _text_hits(runs, _control_hits)
    assert not hits, _report(hits)


@pytest.mark.slow  # every command and format on each route (~30 s)
def test_nothing_executable_from_any_route(runs):
    hits = [h for _, path in _publishable_files(runs) for h in executable_hits(path)]
    assert not hits, _report(hits)


@pytest.mark.slow  # every command and format on each route (~30 s)
def test_hive_values_are_the_groups(runs):
    """The hive fields are read as typed: every flag value is a group of summarize --by, and
    every Area of labels.csv one (redacted, never lost or merged)."""
    docs = {
        r.args[5]: json.loads(r.files[0].read_text(encoding="utf-8"))
        for r in runs["hive"]
        if r.command == "summarize" and r.fmt == "json" and len(r.args) == 10
    }
    flags = {r["group"]["flag"] for r in docs["flag"]["rows"] if r["group"]}
    assert flags == {'=HYPERLINK("[redacted: url]","x")', *FLAG_VALUES[1:]}
    areas = [r for r in docs["area"]["rows"] if r["group"] and r["question"] == "rate"]
    with open(LABELS, encoding="utf-8", newline="") as f:
        assert len(areas) == len({row["Area"] for row in csv.DictReader(f)}) == 15
    assert docs["flag"]["input"]["rows_read"] == 200


# ---------------------------------------------------------------------------------------------
# Inputs that are an error: one line naming the file, exit 1


def _one_line_error(*args: object) -> str:
    code, err, out = _invoke(*args)
    assert code == 1, (code, err, out[:300])
    assert "CRASH" not in err and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


def _typed_parquet(path: Path, **columns: object) -> None:
    """labels.csv as Parquet with the ``columns`` (pyarrow arrays of 200 values) added."""
    import pyarrow.parquet as pq

    table = _text_table(LABELS)
    for name, values in columns.items():
        table = table.append_column(name, values)
    pq.write_table(table, path)


def _group_spec(tmp: Path, column: str) -> Path:
    return _spec(tmp, f"by-{column}", {}, f'\n[groups.g]\ncolumn = "{column}"\n')


@pytest.mark.parametrize("kind", ["list", "struct"])
def test_nested_column_is_a_one_line_error(tmp_path, kind):
    """A list or struct column asked for (as a group, or read whole without a spec) is an
    error naming the file and the column, not a traceback."""
    import pyarrow as pa

    values = (
        pa.array([["a", "b"] if i % 2 else ["c"] for i in range(200)])
        if kind == "list"
        else pa.array([{"x": i % 2} for i in range(200)])
    )
    path = tmp_path / "nested.parquet"
    _typed_parquet(path, Nested=values)
    for args in (("--spec", _group_spec(tmp_path, "Nested"), "--by", "g"), ()):
        line = _one_line_error("summarize", path, *args)
        assert str(path) in line and 'column "Nested"' in line, line


def test_duplicate_parquet_column_names_are_a_one_line_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = _text_table(LABELS)
    table = pa.Table.from_arrays([*table.columns, table["Area"]], [*table.column_names, "Area"])
    path = tmp_path / "duplicate.parquet"
    pq.write_table(table, path)
    for args in (("--spec", SPEC, "--by", "area"), ("--spec", SPEC), ()):
        line = _one_line_error("summarize", path, *args)
        assert str(path) in line and 'column "Area"' in line and "twice" in line, line


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty", "the file is empty"),
        ("zero-rows", "no responses"),
        ("unreadable-part", "cannot be read as Parquet"),
        ("no-match", "matches no CSV, TSV, Parquet or Arrow/Feather file"),
        ("mixed-kinds", "parts of two kinds"),  # one kind was read, the other left out
        ("shadowed", 'column "Area": is both the name of hive folders'),
    ],
)
def test_broken_columnar_input_is_a_one_line_error(tmp_path, name, message):
    import pyarrow.parquet as pq

    table = _text_table(LABELS)
    path = tmp_path / f"{name}.parquet"
    if name == "empty":
        path.write_bytes(b"")
    elif name == "zero-rows":
        pq.write_table(table.slice(0, 0), path)
    elif name == "unreadable-part":
        path.mkdir()
        pq.write_table(table, path / "a.parquet")
        (path / "b.parquet").write_bytes(b"PAR1 not parquet PAR1")
    elif name == "shadowed":  # area=North/ over files with an Area column
        for k, area in enumerate(("North", "South")):
            (path / f"Area={area}").mkdir(parents=True)
            pq.write_table(table.slice(100 * k, 100), path / f"Area={area}" / "p.parquet")
    elif name == "mixed-kinds":
        path.mkdir()
        pq.write_table(table.slice(100), path / "b.parquet")
        lines = LABELS.read_text(encoding="utf-8").splitlines(keepends=True)
        (path / "a.csv").write_text("".join(lines[:101]), encoding="utf-8")
    else:
        path = tmp_path / "nothing" / "*.parquet"
    line = _one_line_error("summarize", path, "--spec", SPEC, "--by", "area")
    assert str(path) in line and message in line, line


def test_csv_parts_with_an_unreadable_part_is_a_one_line_error(tmp_path):
    folder = _csv_parts(tmp_path)
    bad = folder / "part 3.csv"
    bad.write_bytes(b"\xff\xfe\x00\x00garbage\x00\x01")
    line = _one_line_error("summarize", folder, "--spec", SPEC, "--by", "area")
    assert str(bad) in line, line


EMAIL_FOLDER = "jo.bloggs@example.org"


@pytest.mark.parametrize("glob", [False, True])
def test_csv_parts_in_a_folder_named_after_an_email_address(tmp_path, glob):
    """The report and comments of parts in a folder named after an e-mail address (or a glob
    in it): the name is published redacted, as a file's name is, in every file and format."""
    folder = _csv_parts(tmp_path).rename(tmp_path / EMAIL_FOLDER)
    export = folder / "*.csv" if glob else folder
    out = tmp_path / "report"
    args = ("--spec", SPEC, "--out", out, "--formats", REPORT_FORMATS)
    code, err, _ = _invoke("report", export, *args)
    assert code == 0, err
    files = [p for p in out.rglob("*") if p.is_file()]
    for fmt in ("table", "csv", "json", "markdown"):
        path = tmp_path / f"comments.{fmt}"
        code, err, _ = _invoke("comments", export, "--spec", SPEC, "--format", fmt, "-o", path)
        assert code == 0, err
        files.append(path)
    hits = [h for path in files for where, text in texts(path) for h in _pii_hits(where, text)]
    assert not hits, _report(hits)
    published = "\n".join(text for path in files for _, text in texts(path))
    assert "jo.bloggs" not in published and "900123" not in published
    manifest = json.loads((out / "report.json").read_text(encoding="utf-8"))["manifest"]
    name = manifest["inputs"][0]["name"]
    assert name == ("*.csv" if glob else "[redacted: email]")


def _groups(path: Path, spec: Path, by: str = "g") -> dict[str, int]:
    """The base of the question ``rate`` (every respondent answered it) by group."""
    code, err, out = _invoke("summarize", path, "--spec", spec, "--by", by, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    return {
        r["group"][by]: r["base"] for r in doc["rows"] if r.get("group") and r["question"] == "rate"
    }


def test_hive_folders_that_look_like_numbers_stay_apart(tmp_path):
    """area=01 and area=1 are two groups, named as their folders (Arrow would read both as
    the number 1 and pool them)."""
    import pyarrow.parquet as pq

    table = _text_table(LABELS).drop_columns(["Area"])
    for i, area in enumerate(("01", "1", "001", "10")):
        (tmp_path / f"Area={area}").mkdir()
        pq.write_table(table.slice(50 * i, 50), tmp_path / f"Area={area}" / "p.parquet")
    assert _groups(tmp_path, SPEC, "area") == {"01": 50, "1": 50, "001": 50, "10": 50}


def test_typed_parquet_columns_are_groups_as_written(tmp_path):
    """Timestamps, floats (with nulls) and binary values as groups: their text, nulls
    blank, control characters never printed."""
    import datetime

    import pyarrow as pa

    when = [datetime.datetime(2026, 1, 1 + i % 2, 12) for i in range(200)]
    path = tmp_path / "typed.parquet"
    _typed_parquet(
        path,
        When=pa.array(when, pa.timestamp("us")),
        Score=pa.array([(0.1, 1 / 3, None)[i % 3] for i in range(200)], pa.float64()),
        Blob=pa.array([(b"ab", b"\x1b[2J=x")[i % 2] for i in range(200)], pa.binary()),
    )
    assert _groups(path, _group_spec(tmp_path, "When")) == {
        "2026-01-01 12:00:00.000000": 100,
        "2026-01-02 12:00:00.000000": 100,
    }
    score = _groups(path, _group_spec(tmp_path, "Score"))
    assert score == {"0.1": 67, "0.3333333333333333": 67, "(blank)": 66}, score
    for fmt in FORMATS:
        code, err, out = _invoke(
            "summarize", path, "--spec", _group_spec(tmp_path, "Blob"), "--by", "g", "--format", fmt
        )
        assert code == 0, err
        assert "\x1b" not in out and not PII_PATTERNS["email"].search(out), fmt


@pytest.mark.slow  # several batch sizes of a weighted spec
def test_streamed_weighted_spec_gives_the_same_bytes_in_any_batches(tmp_path):
    from rapstats.pipeline.survey import summarize_files
    from rapstats.render import render_summary

    path, spec = _weighted(tmp_path)
    outputs = set()
    for batch_rows in (7, 64, None):
        summary, _ = summarize_files([path], spec, by=("area",), batch_rows=batch_rows)
        outputs.add(render_summary(summary, "csv"))
    assert len(outputs) == 1


def test_input_path_with_personal_data_is_redacted(tmp_path):
    folder = _csv_parts(tmp_path)
    for path in (folder, folder / "*.csv"):
        code, err, out = _invoke("summarize", path, "--spec", SPEC, "--format", "json")
        assert code == 0, err
        recorded = json.loads(out)["input"]["path"]
        assert "jo.bloggs" not in recorded and "900123" not in recorded, recorded


# ---------------------------------------------------------------------------------------------
# The Spark engine: the local engine's bytes, and the same scans


@pytest.fixture(scope="module")
def spark():
    """One quiet local[2] session for this module's Spark tests (the CLI uses it)."""
    from rapstats.pipeline.spark import spark_session

    with spark_session("local[2]") as session:
        yield session


def _numbered_hive(tmp: Path) -> tuple[Path, Path]:
    """labels.csv in folders Area=01/, Area=1/, Area=001/, Area=10/ (50 respondents each)."""
    import pyarrow.parquet as pq

    table = _text_table(LABELS).drop_columns(["Area"])
    for i, area in enumerate(("01", "1", "001", "10")):
        (tmp / f"Area={area}").mkdir(parents=True)
        pq.write_table(table.slice(50 * i, 50), tmp / f"Area={area}" / "p.parquet")
    return tmp, SPEC


@pytest.mark.slow  # Spark's start-up and a job a run (~60 s)
def test_spark_engine_on_attack_exports(spark, tmp_path):
    """summarize --engine spark on labels.csv, the hive folders of personal data, formulas
    and result field names, folders named like numbers and CSV parts in a folder named after
    a person: the local engine's bytes in every format, and nothing personal, no control
    character, nothing executable."""
    hive, hive_spec = _hive(tmp_path)
    numbered, _ = _numbered_hive(tmp_path / "numbered")
    cases = [(LABELS, SPEC, "area"), (LABELS, SPEC, "team"), (hive, hive_spec, "flag")]
    cases += [(numbered, SPEC, "area"), (_csv_parts(tmp_path), SPEC, "team")]
    done: list[Run] = []
    for k, (export, spec, by) in enumerate(cases):
        for fmt in FORMATS:
            args = ("summarize", export, "--spec", spec, "--by", by, "--format", fmt)
            local = _invoke(*args)
            path = tmp_path / f"spark-{k}-{by}.{fmt}"
            code, err, out = _invoke(*args, "--engine", "spark", "-o", path)
            assert code == 0 and local[0] == 0, (export, by, err)
            assert path.read_text(encoding="utf-8") == local[2], (export, by, fmt)
            done.append(Run(tuple(map(str, args)), code, err, out, [path], fmt, "summarize"))
    runs = {"spark": done}
    hits = _text_hits(runs, _pii_hits) + _text_hits(runs, _control_hits)
    hits += [h for _, path in _publishable_files(runs) for h in executable_hits(path)]
    assert not hits, _report(hits)


# ---------------------------------------------------------------------------------------------
# Shared mechanisms the routes above found wanting


def test_identifiers_made_from_headers_never_spell_personal_data(tmp_path):
    """Without a spec, question and group identifiers are made from the headers: a header
    holding an e-mail address gives ``did_redacted_email_reply``, not ``did_sam_taylor...``
    (published in every format as the question and the group column)."""
    path, _ = _parquet(tmp_path)
    outs = {}
    for fmt in FORMATS:
        code, err, outs[fmt] = _invoke("summarize", path, "--by", AREA_HEADER, "--format", fmt)
        assert code == 0, err
        folded = outs[fmt].casefold().replace("_", "").replace(".", "")
        assert "samtaylor" not in folded and "jobloggs" not in folded, fmt
    header = outs["csv"].splitlines()[0].split(",")
    assert "group:area_redacted_email" in header
    assert "did_redacted_email_reply" in outs["csv"]


def test_personal_data_by_contents_counts_rows_not_combinations():
    """Spark hands the check distinct combinations with the rows each stands for: a column is
    personal data when most rows (not most combinations) hold contact details."""
    import numpy as np
    import pyarrow as pa

    from rapstats.io._personal import personal_columns
    from rapstats.io._text import to_coded

    def column(values: list[str]):  # noqa: ANN202 - a Coded
        return to_coded(pa.chunked_array([pa.array(values)]))

    few = column(["North", "jo@example.org", "sam@example.net", "07700 900123"])
    many = column(["North", "South", "East", "West", "jo@example.org", "sam@example.net"])
    assert personal_columns({"few": few, "many": many}) == ["few"]  # one row a record
    rows = {"few": np.array([100, 1, 1, 1]), "many": np.array([1, 1, 1, 1, 40, 40])}
    assert personal_columns({"few": few, "many": many}, rows) == ["many"]


@pytest.mark.parametrize(
    "typed",
    ["(1) 07700 900123", "Flat 12 07700 900123", "no. 5 020 7946 0000", "[2] +44 7700 900125"],
)
def test_phone_number_after_other_digits_is_redacted(typed):
    """libphonenumber's matcher reads "12 07700 900123" as one candidate that is no number,
    and kept nothing: the number is looked for again from where it may start."""
    from rapstats.personal import redact

    assert redact(typed).endswith(" [redacted: phone]"), redact(typed)
    assert redact(f"Q1 2026, 25-34, 0.5 0.25 0.125, {typed}").startswith("Q1 2026, 25-34, 0.5")


def test_waves_named_after_files_with_personal_data(tmp_path):
    """compare names each wave after its file: "=HYPERLINK(1) 07700 900123.parquet" is
    published as a redacted, neutralised wave name in every format."""
    import pyarrow.parquet as pq

    table = _text_table(LABELS)
    paths = [tmp_path / f"{PERSON}.parquet", tmp_path / "=HYPERLINK(1) 07700 900124.parquet"]
    for path in paths:
        pq.write_table(table, path)
    for fmt in FORMATS:
        code, err, out = _invoke("compare", *paths, "--spec", SPEC, "--format", fmt)
        assert code == 0, err
        assert not _pii_hits(f"compare.{fmt}", out), (fmt, _pii_hits(f"compare.{fmt}", out))
        assert "900124" not in out and "jo.bloggs" not in out, fmt


@pytest.mark.slow  # Spark (the session of the test above)
def test_spark_engine_on_broken_inputs(spark, tmp_path):
    """An empty Parquet file, a part that is no Parquet and a column named twice: a one-line
    error naming the dataset and Spark's reason, as locally, not a Java traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = _text_table(LABELS)
    empty, broken = tmp_path / "empty.parquet", tmp_path / "broken"
    empty.write_bytes(b"")
    broken.mkdir()
    pq.write_table(table, broken / "a.parquet")
    (broken / "b.parquet").write_bytes(b"PAR1 not parquet PAR1")
    twice = tmp_path / "twice.parquet"
    pq.write_table(
        pa.Table.from_arrays([*table.columns, table["Area"]], [*table.column_names, "area"]), twice
    )
    for path in (empty, broken, twice):
        line = _one_line_error("summarize", path, "--spec", SPEC, "--engine", "spark")
        assert str(path) in line and "Spark cannot read it ([" in line, line
