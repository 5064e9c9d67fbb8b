"""Publish the most that is safe: the protect step's policies, through the CLI and the API.

Exports: tests/data/protect/ (written by scripts/make_protect_fixtures.py). Expected counts
are recounted here from the CSV files with the standard library.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from rapstats.cli import cli

DATA = Path(__file__).parent / "data" / "protect"
MULTI = DATA / "multi_select.csv"
ETHNIC = DATA / "ethnic_groups.csv"
# per-cell reasons (the rules in the methods note use other words)
REASONS = ("base below 10", "count below 10", "group below", "low reliability: effective")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def rows_json(*args: str) -> list[dict]:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)["rows"]


def raw(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_one_small_multi_select_option_withholds_only_itself():
    """Options of a multi-select question share a base but do not add up: a rare option is
    withheld alone; the others, and the shared base, stay published."""
    data = raw(MULTI)
    ticks = Counter(o for r in data for o in r["Heard"].split(";") if o)
    answered = sum(1 for r in data if r["Heard"])
    assert ticks["Newspaper"] == 3 and ticks["Radio"] >= 10
    rows = rows_json("summarize", MULTI, "--spec", DATA / "multi_select.toml", "--by", "area")
    overall = {r["option"]: r for r in rows if not r["group"]}
    assert overall["Newspaper"]["flag"] == "[c]" and overall["Newspaper"]["base"] is None
    for option in ("Radio", "Poster"):
        assert overall[option]["flag"] is None
        assert (overall[option]["positive"], overall[option]["base"]) == (ticks[option], answered)
        by_area = [r for r in rows if r["option"] == option and r["group"]]
        assert len(by_area) == 2 and all(r["flag"] is None for r in by_area)


def test_a_group_of_three_who_all_said_dont_know_publishes_nothing():
    data = raw(ETHNIC)
    isles = [r for r in data if r["Area"] == "Isles"]
    assert len(isles) == 3 and {r["Confident"] for r in isles} == {"Don't know"}
    rows = rows_json("summarize", ETHNIC, "--spec", DATA / "ethnic_groups.toml", "--by", "area")
    row = next(r for r in rows if r["group"] == {"area": "Isles"})
    assert row["flag"] == "[c]"
    derived = ("base", "positive", "share", "ci_low", "ci_high", "test", "p_value")
    assert all(row[k] is None for k in (*derived, "significant", "effective_n"))
    code, out, _ = run(
        "freq", ETHNIC, "--spec", DATA / "ethnic_groups.toml", "--by", "area", "--format", "csv"
    )
    assert code == 0
    isles_freq = [r for r in csv.DictReader(out.splitlines()) if r["group:area"] == "Isles"]
    assert isles_freq and all(r["flag"] == "[c]" and r["count"] == "" for r in isles_freq)


def test_publish_bases_policy_keeps_bases_of_withheld_shares(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        (DATA / "ethnic_groups.toml").read_text() + "\n[disclosure]\npublish_bases = true\n"
    )
    data = raw(ETHNIC)
    in_base = Counter(r["Ethnicity"] for r in data if r["Confident"] != "Don't know")
    respondents = Counter(r["Ethnicity"] for r in data)
    rows = rows_json("summarize", ETHNIC, "--spec", spec, "--by", "ethnicity")
    withheld = [r for r in rows if r["flag"] == "[c]"]
    assert withheld
    for r in withheld:
        group = r["group"]["ethnicity"]
        expected = in_base[group] if respondents[group] >= 10 else None
        assert r["base"] == expected, r
        assert r["share"] is None and r["positive"] is None and r["ci_low"] is None
    assert any(r["base"] is not None for r in withheld)  # the policy did something
    code, out, _ = run("summarize", ETHNIC, "--spec", spec, "--format", "markdown")
    assert "bases" in out.lower() and code == 0


def spec_combining(tmp_path: Path, combine: str) -> Path:
    """The ethnic-groups spec with ``combine = {combine}`` added to its ethnicity group."""
    spec = tmp_path / "spec.toml"
    group = '[groups.ethnicity]\ncolumn = "Ethnicity"'
    text = (DATA / "ethnic_groups.toml").read_text()
    spec.write_text(text.replace(group, f"{group}\ncombine = {combine}"))
    return spec


def test_combine_merges_small_groups_before_estimation(tmp_path):
    members = ["Mixed", "Arab", "Gypsy or Irish Traveller", "Any other"]
    spec = spec_combining(tmp_path, f'{{ "Other ethnic groups" = {json.dumps(members)} }}')
    data = raw(ETHNIC)
    merged = [r for r in data if r["Ethnicity"] in members and r["Confident"] != "Don't know"]
    rows = rows_json("summarize", ETHNIC, "--spec", spec, "--by", "ethnicity")
    groups = [r["group"].get("ethnicity") for r in rows if r["group"]]
    assert "Other ethnic groups" in groups and not set(members) & set(groups)
    other = next(r for r in rows if r["group"] == {"ethnicity": "Other ethnic groups"})
    assert other["flag"] in (None, "[u]")  # published
    assert other["base"] == len(merged)
    assert other["positive"] == sum(r["Confident"] == "Agree" for r in merged)


def test_combine_rejects_a_level_merged_twice(tmp_path):
    spec = spec_combining(tmp_path, '{ "A" = ["Arab"], "B" = ["arab"] }')
    code, _, err = run("summarize", ETHNIC, "--spec", spec)
    assert code == 1
    assert "groups.ethnicity.combine" in err and "merge each level into one label only" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_reasons_reach_only_the_explain_file(tmp_path, fmt):
    audit = tmp_path / "audit.csv"
    code, out, err = run(
        "summarize",
        ETHNIC,
        "--spec",
        DATA / "ethnic_groups.toml",
        "--by",
        "ethnicity",
        "--format",
        fmt,
        "--explain-suppression",
        audit,
    )
    assert code == 0
    assert not any(reason in out for reason in REASONS), out
    text = audit.read_text()
    audit_rows = list(csv.DictReader(io.StringIO(text)))  # plain CSV, marked in every row
    assert {r["warning"] for r in audit_rows} == {"NOT FOR PUBLICATION"}
    assert {r["symbol"] for r in audit_rows} >= {"[c]"}
    assert {r["reason"] for r in audit_rows} >= {"base below 10", "count below 10"}
    assert "NOT FOR PUBLICATION" in err


@pytest.mark.parametrize("name", ["flag", "workstream", "base", "share", "significant"])
def test_a_group_named_like_a_result_field_changes_nothing(tmp_path, name):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        (DATA / "ethnic_groups.toml").read_text().replace("[groups.area]", f"[groups.{name}]")
    )
    renamed = rows_json("summarize", ETHNIC, "--spec", spec, "--by", name)
    plain = rows_json("summarize", ETHNIC, "--spec", DATA / "ethnic_groups.toml", "--by", "area")
    for r in plain:
        r["group"] = {name: r["group"]["area"]} if r["group"] else {}
    assert renamed == plain
    code, out, _ = run("summarize", ETHNIC, "--spec", spec, "--by", name, "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert header.count(name) == 1 and header.count(f"group:{name}") == 1


def test_api_protect_publishes_what_the_summary_has():
    """protect() with no arguments constrains by the tables the summary carries: a summary
    built without frequencies protects its rows as `summarize` does."""
    from rapstats.estimate.summary import summarize
    from rapstats.io import load_export
    from rapstats.protect import protect
    from rapstats.spec import load_spec

    spec = load_spec(DATA / "ethnic_groups.toml")
    bare = summarize(load_export(ETHNIC), spec, by=("ethnicity",), with_frequencies=False)
    default = protect(bare)
    explicit = protect(bare, publish=("rows",))
    assert default.records() == explicit.records()
    assert len(default.frequency_table) == 0
    cli_rows = rows_json(
        "summarize", ETHNIC, "--spec", DATA / "ethnic_groups.toml", "--by", "ethnicity"
    )
    assert default.records() == cli_rows
