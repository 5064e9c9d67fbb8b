"""Disclosure control on the bundled sample, by area x ethnicity, through every CLI format.

The sample's spec sets min_base = 10 and min_count = 5. The checks are independent of the
implementation: suppressed figures are looked for in the output bytes, and whether a
suppressed count can be derived from the published ones is decided by linear programming
(scipy linprog) over the published margins.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_CSV, SAMPLE_SPEC, run
from oracles import lp_ranges

from rapstats.protect import group_relations, protect

FORMATS = ("table", "csv", "json", "markdown")
BY = ("area", "ethnicity")


@pytest.fixture(scope="module")
def summaries():
    from rapstats.estimate.summary import summarize
    from rapstats.io import load_export
    from rapstats.spec import load_spec

    raw = summarize(load_export(SAMPLE_CSV), load_spec(SAMPLE_SPEC), by=BY)
    return raw, protect(raw, publish=("rows",))  # as `rapstats summarize` publishes


@pytest.fixture(scope="module")
def outputs():
    from click.testing import CliRunner

    out = {}
    for fmt in FORMATS:
        args = ["summarize", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--format", fmt]
        result = run(CliRunner(), *args, "--by", "area", "--by", "ethnicity")
        assert result.exit_code == 0, result.output
        out[fmt] = result.stdout
        out[f"{fmt} stderr"] = result.stderr  # a CSV's notes (it is plain CSV)
    return out


def _suppressed(protected):
    return (protected.rows["symbol"] == "[c]").to_numpy()


def test_sample_has_cells_below_thresholds_and_secondary_suppression(summaries):
    raw, protected = summaries
    reasons = protected.rows["reason"].fillna("")
    assert (reasons == "base below 10").sum() > 0
    assert (reasons == "count below 5").sum() > 0
    assert (reasons == "secondary suppression").sum() > 0
    hidden = _suppressed(protected)
    assert protected.rows.loc[hidden, ["base", "positive", "share", "ci_low"]].isna().all().all()
    # the thresholds hold on every published row
    pub = protected.rows[~hidden & (protected.rows["base"].fillna(0) > 0)]
    assert (pub["base"] >= 10).all()
    assert (pub["positive"] >= 5).all() and ((pub["base"] - pub["positive"]) >= 5).all()
    assert protected.disclosure["suppressed"]["exposed"] == 0


def _parse_cells(fmt: str, line: str) -> list[str]:
    if fmt == "markdown":  # cells split at unescaped pipes, then read as rendered (no escapes)
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        return [re.sub(r"\\(.)", r"\1", c).strip() for c in cells]
    return re.split(r"\s{2,}", line.strip())


@pytest.mark.parametrize("fmt", FORMATS)
def test_suppressed_values_appear_nowhere_and_rules_are_stated(fmt, summaries, outputs):
    raw, protected = summaries
    text = outputs[fmt]
    hidden = _suppressed(protected)
    _assert_no_unrounded_suppressed_number(fmt, text, raw.rows, protected, hidden)
    if fmt == "csv":
        _assert_csv_withholds(text, outputs["csv stderr"], raw.rows, protected, hidden)
        return
    flat = " ".join(text.split())
    for rule in protected.disclosure["rules"]:
        assert " ".join(rule.split()) in flat
    if fmt == "json":
        _assert_json_withholds(text, protected, hidden)
        return
    assert "[c] confidential" in flat
    _assert_lines_show_only_the_symbol(fmt, text, protected, hidden)


def _assert_no_unrounded_suppressed_number(fmt, text, rows, protected, hidden):
    published = set()
    # a hidden cell may share its x/n, and so its numbers, with a published one
    for col in ("share", "ci_low", "ci_high", "diff", "diff_low", "diff_high"):
        published |= {repr(float(v)) for v in protected.rows[col].dropna()}
    # unrounded suppressed numbers (6+ significant digits) never reach the bytes
    for col in ("share", "ci_low", "ci_high", "diff", "diff_low", "diff_high"):
        for v in rows.loc[hidden, col].dropna():
            r = repr(float(v))
            if len(r.strip("0.")) >= 6 and r not in published:
                assert r not in text, (fmt, col, r)


def _assert_csv_withholds(text, stderr, rows, protected, hidden):
    records = list(csv.DictReader(io.StringIO(text)))
    notes = " ".join(stderr.split())
    for rule in protected.disclosure["rules"]:
        assert " ".join(rule.split()) in notes
    assert len(records) == len(rows)
    for rec, h in zip(records, hidden, strict=True):
        if h:
            assert rec["flag"] == "[c]"
            for col in ("base", "positive", "share", "ci_low", "ci_high", "effective_n"):
                assert rec[col] == "", (col, rec[col])


def _assert_json_withholds(text, protected, hidden):
    doc = json.loads(text)
    assert doc["disclosure"]["rules"] == protected.disclosure["rules"]
    assert doc["disclosure"]["symbols"]["[c]"].startswith("confidential")
    for rec, h in zip(doc["rows"], hidden, strict=True):
        if h:
            assert rec["flag"] == "[c]"
            for col in ("base", "positive", "share", "ci_low", "ci_high", "p_value"):
                assert rec[col] is None, (col, rec)


def _assert_lines_show_only_the_symbol(fmt, text, protected, hidden):
    """table / markdown: the line of each suppressed cell shows [c] and no figure at all."""
    lines = {}
    for line in text.splitlines():
        cells = _parse_cells(fmt, line)
        if len(cells) >= 4:
            lines.setdefault(tuple(cells[:3]), []).append(line)
    checked = 0
    for _, r in protected.rows[hidden].iterrows():
        label = r["question"] if pd.isna(r["option"]) else f"{r['question']}: {r['option']}"
        key = (label, *("All" if pd.isna(r[f"group:{g}"]) else r[f"group:{g}"] for g in BY))
        assert key in lines, key
        public = f"{r['baseline'] * 100:.1f}%" if pd.notna(r["baseline"]) else "-"
        for line in lines[key]:
            assert "[c]" in line
            assert not re.search(r"\d", line.split(key[2], 1)[1].replace(public, "")), line
        checked += 1
    assert checked == hidden.sum()


@pytest.mark.parametrize("question", ["confident", "heard"])
def test_published_json_does_not_let_small_counts_be_derived(question, summaries, outputs):
    """From the published JSON alone, no count that was below a threshold can be pinned.

    Which counts are below a threshold comes from the raw counts and the sample spec's
    thresholds (min_base 10, min_count 5), not from rapstats' flags.
    """
    raw, _ = summaries
    doc = json.loads(outputs["json"])
    pub = pd.DataFrame(doc["rows"])
    for g in BY:  # the JSON nests the cell's group values under "group"
        pub[g] = [rec["group"].get(g) for rec in doc["rows"]]
    for option in pub.loc[pub["question"] == question, "option"].drop_duplicates():
        sel = (pub["question"] == question) & (
            pub["option"].isna() if option is None else pub["option"] == option
        )
        p = pub[sel].reset_index(drop=True)
        r = raw.rows[sel.to_numpy()].reset_index(drop=True)
        keys = [tuple(None if pd.isna(v) else v for v in t) for t in p[list(BY)].itertuples(False)]
        relations = group_relations(keys)
        hidden = (p["flag"] == "[c]").to_numpy()
        if not hidden.any():
            continue
        base = r["base"].to_numpy(float)
        pos = r["positive"].to_numpy(float)
        small_base = (base < 10) & ((base > 0) | (r["respondents"].to_numpy() < 10))
        small_count = ~small_base & ((pos < 5) | (base - pos < 5))
        for values, sensitive in (
            (base, small_base),
            (pos, small_base | (small_count & (pos < 5))),
            (base - pos, small_base | (small_count & (base - pos < 5))),
        ):
            ranges = lp_ranges(values, relations, hidden)
            for c in np.flatnonzero(sensitive):
                lo, hi = ranges[c]
                assert hi - lo > 1e-6, (question, option, keys[c], values[c], lo, hi)


def test_published_frequency_counts_of_real_answers_meet_min_count():
    """Every count `freq` publishes for an answer the spec lists is 0 or at least min_count.

    The answers and the threshold are read from the spec file itself, not from rapstats' flags:
    an independent check of primary suppression in frequency tables.
    """
    spec = tomllib.loads(SAMPLE_SPEC.read_text(encoding="utf-8"))
    min_count = spec["disclosure"]["min_count"]
    answers = {
        option
        for table in ("scales", "questions")
        for entry in spec[table].values()
        for option in entry.get("options", ())
    }
    rows = []
    for group in BY:  # one at a time: freq by area x ethnicity takes seconds
        args = ["freq", SAMPLE_CSV, "--spec", SAMPLE_SPEC, "--by", group, "--format", "csv"]
        result = run(CliRunner(), *args)
        assert result.exit_code == 0, result.output
        rows += [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["answer"] in answers]
    published = [int(r["count"]) for r in rows if r["count"] != ""]
    assert len(published) > 100 and len(published) < len(rows)  # some are suppressed
    assert all(count == 0 or count >= min_count for count in published)
