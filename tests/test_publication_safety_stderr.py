"""Publication safety of standard error: every note and error line of every command, over the
attack exports of tests/data/attack/ (see its README) read by every route (headers and part
names with personal data, a folder of parts named after a person, waves split by a column of
personal data, a batch folder, a check that fails), scanned with the patterns of
tests/test_publication_safety.py (independent of rapstats.personal). A value typed in an
export (label, header, group or wave value, a part's name found in a folder, a comment) never
shows personal data or control characters on stderr; the analyst's own paths, as given on the
command line (and the exports of a folder given to ``batch``), are shown as they are, so a log
names the file it is about. Everything is written here, from the attack CSVs (deterministic).
"""

from __future__ import annotations

import csv
import glob
import os
import shutil
from pathlib import Path

import pytest
from test_publication_safety import ATTACK, _control_hits, _invoke, _pii_hits

LABELS, SPEC = ATTACK / "labels.csv", ATTACK / "labels.toml"
PERSON = "from jo.bloggs@example.org on 07700 900123"
AREA_HEADER = "Area of jo.bloggs@example.org"
TEAM_HEADER = "Team \x1b[31m 07700 900127"


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    return path


def _headers(tmp: Path) -> Path:
    """labels.csv with its Area and Team headers holding personal data and an escape."""
    rows = _rows(LABELS)
    rows[0] = [{"Area": AREA_HEADER, "Team": TEAM_HEADER}.get(c, c) for c in rows[0]]
    return _write(tmp / "headers.csv", rows)


def _personal(tmp: Path) -> Path:
    """personal_columns.csv with the headers of its personal-data columns (left out, and
    named in a note) holding personal data themselves."""
    rows = _rows(ATTACK / "personal_columns.csv")
    new = {"Your email (optional)": "Email jo.bloggs@example.org", "Postcode": "SW1A 2AA"}
    rows[0] = [new.get(c, c) for c in rows[0]]
    return _write(tmp / "personal.csv", rows)


def _parts(tmp: Path, *, bad: bool = False) -> Path:
    """labels.csv in three parts named with personal data in a folder named after a person;
    ``bad``: the last part lacks a column (an error naming it)."""
    rows = _rows(LABELS)
    folder = tmp / (PERSON + (" bad" if bad else ""))
    folder.mkdir()
    for k, start in enumerate((1, 70, 139)):
        part = [rows[0], *rows[start : start + 69]]
        if bad and k == 2:
            part = [r[:-1] for r in part]
        _write(folder / f"part {k} =SUM(A1) pat.quinn@example.net 07700 90012{k}.csv", part)
    return folder


def _wave_spec(tmp: Path) -> Path:
    """labels.toml with its waves named by the Area column (values with personal data)."""
    text = SPEC.read_text(encoding="utf-8").replace("[survey]", '[survey]\nwave = "area"', 1)
    assert text != SPEC.read_text(encoding="utf-8")
    path = tmp / "waves.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _halves(tmp: Path) -> tuple[Path, Path]:
    """labels.csv as two waves, each named after a person."""
    rows = _rows(LABELS)
    return (
        _write(tmp / "wave 1 sam.taylor@example.net.csv", rows[:101]),
        _write(tmp / "wave 2 07700 900150.csv", [rows[0], *rows[101:]]),
    )


def _batch_folder(tmp: Path) -> Path:
    """A batch folder: labels.csv under a name with personal data, and one that fails."""
    folder = tmp / "batch"
    folder.mkdir()
    shutil.copy(LABELS, folder / f"{PERSON}.csv")
    (folder / "broken pat.quinn@example.net.csv").write_text("", encoding="utf-8")
    return folder


def _runs(tmp: Path) -> list[tuple[tuple[str, ...], int, str]]:
    headers, parts, bad = _headers(tmp), _parts(tmp), _parts(tmp, bad=True)
    wave_spec, (w1, w2) = _wave_spec(tmp), _halves(tmp)
    spec, out = str(SPEC), tmp / "out"
    glob_ = str(parts / "*.csv")
    calls: list[tuple[str, ...]] = []
    for export in (str(headers), str(parts), glob_, str(bad)):
        given = () if export == str(headers) else ("--spec", spec)
        by = ("--by", AREA_HEADER) if export == str(headers) else ("--by", "area")
        calls += [
            ("summarize", export, *given, *by, "--format", "csv"),
            ("freq", export, *given, *by, "--format", "csv"),
            ("comments", export, *given, *by, "--format", "csv"),
            ("check", export, *given),
            ("init", export),
            ("compare", export, *given, "--between", by[1]),
            ("report", export, *given, *by, "--formats", "md", "--out", str(out / "r")),
        ]
    calls += [
        ("compare", str(w1), str(w2), "--spec", spec, "--by", "area"),
        ("compare", str(LABELS), "--spec", str(wave_spec)),
        ("summarize", str(LABELS), "--spec", str(wave_spec), "--format", "csv"),
        ("report", str(LABELS), "--spec", spec, "--waves", str(w1), "--out", str(out / "w")),
        ("report", str(LABELS), "--spec", str(wave_spec), "--out", str(out / "s")),
        ("compare", str(parts), str(w2), "--spec", spec, "--between", "area"),
        ("batch", str(tmp / "batch"), "--spec", spec, "--by", "area", "--format", "csv"),
        ("batch", str(tmp / "batch"), "--by", "Area"),
        ("check", str(headers), "--spec", spec),
    ]
    personal = str(_personal(tmp))
    for command in ("summarize", "freq", "comments", "check", "init", "compare"):
        calls.append((command, personal, *(("--between", "Area") if command == "compare" else ())))
    calls.append(("report", personal, "--out", str(out / "p")))
    _batch_folder(tmp)
    return [(args, *_invoke(*args)[:2]) for args in calls]


def _given(args: tuple[str, ...]) -> list[str]:
    """The paths on the command line, as given, and (batch) the exports of a folder given."""
    paths = [a for a in args if os.path.exists(a) or glob.has_magic(a)]
    if args[0] == "batch":
        paths += [str(p) for a in paths if os.path.isdir(a) for p in Path(a).iterdir()]
    return sorted(paths, key=len, reverse=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[tuple[tuple[str, ...], int, str]]:
    return _runs(tmp_path_factory.mktemp("stderr"))


def _hits(runs, check) -> list[str]:
    hits = []
    for args, _, err in runs:
        for path in _given(args):
            err = err.replace(path, "<given>")
        hits += [f"{args[0]} {args[1][-30:]}: {h}" for h in check("stderr", err)]
    return hits


def test_every_route_ran_without_a_crash(runs):
    """Each command ends as it should: never a traceback; the part that lacks a column and
    the empty export of the batch are one error line naming their file."""
    crashed = [f"{a}: {err[-300:]}" for a, _, err in runs if "CRASH" in err or "Traceback" in err]
    assert not crashed, "\n".join(crashed)
    bad = [(a, code, err) for a, code, err in runs if "bad" in a[1] and a[0] != "init"]
    assert bad and all(code == 1 for _, code, _ in bad)
    for args, _, err in bad:
        (line,) = [x for x in err.splitlines() if x.startswith("Error:")]
        # the folder as given, the part by its name, its personal data redacted
        assert f"{args[1]}{os.sep}part 2 =SUM(A1) [redacted: email] [redacted: phone]" in line
    batch = [err for a, _, err in runs if a[0] == "batch"]
    assert all("broken pat.quinn@example.net.csv: " in err for err in batch)


def test_no_personal_data_on_stderr(runs):
    hits = _hits(runs, _pii_hits)
    assert not hits, "\n".join(hits[:30])


def test_no_control_characters_on_stderr(runs):
    hits = _hits(runs, _control_hits)
    assert not hits, "\n".join(hits[:30])


def test_a_given_path_is_kept_only_where_it_stands_as_a_path():
    """The analyst's path is shown as given; the same text inside a value (an address ending
    in it) or a value after it in the folder is redacted."""
    import click

    from rapstats.cli._shown import given, shown

    ctx = click.Context(click.Command("x"))
    given(ctx, "x.csv", "./jo@example.org")
    assert shown(ctx, "read x.csv (plain), from jo@x.csv") == (
        "read x.csv (plain), from [redacted: email]"
    )
    assert shown(ctx, "jo@example.org: 1 row") == "jo@example.org: 1 row"
    assert shown(ctx, "x.csv/07700 900123.csv: bad") == "x.csv/[redacted: phone].csv: bad"
    assert shown(ctx, "x.csv\x1b[31m") == "x.csv\\x1b[31m"
    given(ctx, f"by jo@example.net{os.sep}*.csv")  # a glob: its folder is the analyst's
    part = f"by jo@example.net{os.sep}07700 900123.csv"
    assert shown(ctx, f"{part}: bad") == f"by jo@example.net{os.sep}[redacted: phone].csv: bad"
