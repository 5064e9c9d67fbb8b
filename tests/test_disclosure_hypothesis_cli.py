"""Issue 11 acceptance, by Hypothesis through the CLI: random exports with small groups, group
columns and question ids named like result fields, random --by sets of one or two variables.

For `summarize --format json` and `freq --format json`:

(a) a withheld ([c]) row has every data-derived field null, and every cell below a threshold
    (computed here from the generated rows) is withheld;
(b) no count below a threshold can be worked out from what is published: the independent LP
    oracle (``lp_ranges``, scipy linprog over non-negative reals) gives each such hidden base,
    positive, non-positive or answer count a range wider than a point, given the published
    cells and the additive relations that really hold for the published tables (every
    respondent has a value of every group, so a margin is the sum of its cells; a base is the
    sum of its in-base answers; positive + non-positive = base; the answers of the whole export
    sum to ``input.rows_read``; a base is published wherever a count and its share of the base
    are).
"""

from __future__ import annotations

import itertools
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import run
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from oracles import FREQ_DATA, ROW_DATA, lp_ranges

RESULT_NAMES = (
    "flag",
    "workstream",
    "share",
    "base",
    "question",
    "text",
    "option",
    "group",
    "significant",
    "positive",
    "p_value",
    "count",
    "answer",
    "kind",
)
AGREE = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree")
# question column -> (options, positive, excluded)
QUESTIONS = {
    "How safe do you feel": (AGREE + ("Don't know",), AGREE[:2], ("Don't know",)),
    "Did you contact us": (("Yes", "No"), ("Yes",), ()),
}
MIN_BASE = 10


@st.composite
def surveys(draw) -> dict[str, Any]:
    """A small export: two group columns named like result fields (one with a small level),
    two questions whose ids are result-field names too."""
    names = draw(st.permutations(RESULT_NAMES))
    groups, qids = names[:2], names[2:4]
    small = draw(st.integers(1, MIN_BASE - 1))
    sizes = [small, draw(st.integers(20, 70))] + draw(st.lists(st.integers(1, 70), max_size=2))
    n_second = draw(st.integers(2, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    min_count = draw(st.sampled_from([3, 5]))
    rng = random.Random(seed)
    first = [f"L{i}" for i, size in enumerate(sizes) for _ in range(size)]
    weights = [rng.random() + 0.1 for _ in range(n_second)]
    second = rng.choices([f"M{j}" for j in range(n_second)], weights=weights, k=len(first))
    answers = {}
    for column, (options, _, _) in QUESTIONS.items():
        w = [rng.random() for _ in options] + [rng.random() * 0.3]  # last: blank
        answers[column] = rng.choices([*options, ""], weights=w, k=len(first))
    by = draw(st.sampled_from([(groups[0],), (groups[1],), groups, groups[::-1]]))
    return {
        "groups": groups,
        "qids": qids,
        "values": {groups[0]: first, groups[1]: second},
        "answers": answers,
        "by": by,
        "min_count": min_count,
    }


def _write(folder: Path, s: dict[str, Any]) -> tuple[Path, Path]:
    import csv

    data = folder / "export.csv"
    columns = [*s["groups"], *QUESTIONS]
    with open(data, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Response ID", *columns])
        cols = [s["values"][g] for g in s["groups"]] + [s["answers"][q] for q in QUESTIONS]
        for i, row in enumerate(zip(*cols, strict=True)):
            w.writerow([f"R{i:04d}", *row])
    lines = [
        '[survey]\nid = "Response ID"\n',
        f"[disclosure]\nmin_base = {MIN_BASE}\nmin_count = {s['min_count']}\n",
    ]
    lines += [f'[groups.{g}]\ncolumn = "{g}"\n' for g in s["groups"]]
    for qid, (column, (options, positive, exclude)) in zip(
        s["qids"], QUESTIONS.items(), strict=True
    ):
        lines.append(
            f'[questions.{qid}]\ncolumn = "{column}"\ntext = "{column}"\n'
            f"options = {json.dumps(list(options))}\npositive = {json.dumps(list(positive))}\n"
            f"exclude = {json.dumps(list(exclude))}\n"
        )
    spec = folder / "spec.toml"
    spec.write_text("\n".join(lines), encoding="utf-8")
    return data, spec


def _json(*args: object) -> dict[str, Any]:
    result = run(CliRunner(), *args, "--format", "json")
    assert result.exit_code == 0, result.stderr + str(result.exception)
    return json.loads(result.stdout)


def _cells(s: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every cell of the published table: margins (None) and crossings of the --by groups."""
    levels = [sorted(set(s["values"][g])) for g in s["by"]]
    return list(itertools.product(*[[None, *lv] for lv in levels]))


def _members(s: dict[str, Any], cell: tuple[Any, ...]) -> np.ndarray:
    mask = np.ones(len(s["values"][s["groups"][0]]), dtype=bool)
    for g, v in zip(s["by"], cell, strict=True):
        if v is not None:
            mask &= np.asarray(s["values"][g]) == v
    return mask


def _relations(cells: list[tuple[Any, ...]]) -> list[tuple[tuple, list[tuple]]]:
    """margin = sum of its cells, along each --by variable (written here, not rapstats')."""
    out = []
    for cell in cells:
        for j, v in enumerate(cell):
            if v is None:
                members = [
                    c
                    for c in cells
                    if c[j] is not None and all(c[i] == cell[i] for i in range(len(c)) if i != j)
                ]
                out.append((cell, members))
    return out


class _System:
    """Named non-negative variables with their true values, what is published, and relations."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.values: list[float] = []
        self.published: list[bool] = []
        self.relations: list[tuple[int, list[int]]] = []

    def var(self, name: Any, value: float) -> int:
        if name not in self.index:
            self.index[name] = len(self.values)
            self.values.append(float(value))
            self.published.append(False)
        return self.index[name]

    def publish(self, name: Any, value: float) -> None:
        i = self.index[name]
        assert abs(self.values[i] - float(value)) < 1e-6, (name, value, self.values[i])
        self.published[i] = True

    def relate(self, total: Any, members: list[Any]) -> None:
        self.relations.append((self.index[total], [self.index[m] for m in members]))

    def ranges(self, names: list[Any]) -> dict[Any, tuple[float, float]]:
        hidden = ~np.array(self.published)
        if not any(hidden[self.index[n]] for n in names):
            return {n: (self.values[self.index[n]],) * 2 for n in names}
        got = lp_ranges(np.array(self.values), self.relations, hidden)
        return {n: got.get(self.index[n], (self.values[self.index[n]],) * 2) for n in names}


def _truth(s: dict[str, Any], column: str, cell: tuple[Any, ...]) -> dict[str, int]:
    """Counts of one question in one cell, from the generated rows."""
    options, positive, exclude = QUESTIONS[column]
    answers = np.asarray(s["answers"][column], dtype=object)[_members(s, cell)]
    counts = {a: int((answers == a).sum()) for a in options}
    counts["(blank)"] = int((answers == "").sum())
    base = sum(counts[a] for a in options if a not in exclude)
    pos = sum(counts[a] for a in positive)
    return {"counts": counts, "base": base, "positive": pos, "respondents": len(answers)}


def _key(s: dict[str, Any], rec: dict[str, Any]) -> tuple[Any, ...]:
    assert "group" in rec, f"JSON row without a 'group' object (CONTRACT11): {sorted(rec)}"
    group = rec["group"]
    assert set(group) <= set(s["by"]), group
    return tuple(group.get(g) for g in s["by"])


def _withheld(rec: dict[str, Any]) -> bool:
    return str(rec.get("flag") or "").startswith("[c]")


class _Question:
    """One question of a generated survey: its true counts per cell and what was published."""

    def __init__(self, s: dict[str, Any], qid: str, column: str, summary: dict, freq: dict):
        self.s, self.qid = s, qid
        self.options, self.positive, self.exclude = QUESTIONS[column]
        self.answers = [*self.options, "(blank)"]
        self.cells = _cells(s)
        self.relations = _relations(self.cells)
        self.truth = {c: _truth(s, column, c) for c in self.cells}
        self.rows = {_key(s, r): r for r in summary["rows"] if r["question"] == qid}
        self.freqs = {(_key(s, r), r["answer"]): r for r in freq["rows"] if r["question"] == qid}
        self.rows_read = freq["input"]["rows_read"]

    def sensitive(self) -> tuple[list[Any], list[Any]]:
        """Row variables and answer counts below a threshold (from the generated rows)."""
        min_count = self.s["min_count"]
        rows, counts = [], []
        for c in self.cells:
            t = self.truth[c]
            if not t["respondents"]:
                continue
            base, pos = t["base"], t["positive"]
            small_base = base < MIN_BASE
            if small_base and base > 0:
                rows.append(("base", c))
                counts.append(("base", c))  # freq's share of the base would show it
            if small_base or pos < min_count:
                rows.append(("pos", c))
            if small_base or base - pos < min_count:
                rows.append(("neg", c))
            # answers only: how small counts of blanks are shown is not fixed by the contract
            counts += [(a, c) for a in self.options if 0 < t["counts"][a] < min_count]
        return rows, counts

    def add_rows(self, system: _System) -> None:
        """summarize: base = positive + non-positive in each cell, additive across cells."""
        for c in self.cells:
            t = self.truth[c]
            system.var(("base", c), t["base"])
            system.var(("pos", c), t["positive"])
            system.var(("neg", c), t["base"] - t["positive"])
            system.relate(("base", c), [("pos", c), ("neg", c)])
            rec = self.rows.get(c)
            if rec is not None and not _withheld(rec) and rec["base"] is not None:
                system.publish(("base", c), rec["base"])
                system.publish(("pos", c), rec["positive"])
                system.publish(("neg", c), rec["base"] - rec["positive"])
            elif not t["respondents"] and (rec is None or not _withheld(rec)):
                for v in ("base", "pos", "neg"):  # an empty crossing, left out or [x]
                    system.publish((v, c), 0)
        for v in ("base", "pos", "neg"):
            for total, members in self.relations:
                system.relate((v, total), [(v, m) for m in members])

    def add_frequencies(self, system: _System) -> None:
        """freq: base = sum of in-base answers; answers of the export sum to rows_read."""
        for c in self.cells:
            t = self.truth[c]
            system.var(("base", c), t["base"])
            for a in self.answers:
                system.var((a, c), t["counts"][a])
            system.relate(("base", c), [(a, c) for a in self.options if a not in self.exclude])
            for a in self.answers:
                f = self.freqs.get((c, a))
                if f is None and t["counts"][a] == 0:
                    system.publish((a, c), 0)  # an answer nobody gave may be left out
                elif f is not None and not _withheld(f) and f["count"] is not None:
                    system.publish((a, c), f["count"])
                    if f.get("share_of_base"):  # count / share of base = the base
                        system.publish(("base", c), round(f["count"] / f["share_of_base"]))
        whole = (None,) * len(self.s["by"])
        system.var(("respondents", whole), self.rows_read)
        system.publish(("respondents", whole), len(self.s["values"][self.s["groups"][0]]))
        system.relate(("respondents", whole), [(a, whole) for a in self.answers])
        for a in [*self.answers, "base"]:
            for total, members in self.relations:
                system.relate((a, total), [(a, m) for m in members])

    def link(self, system: _System) -> None:
        """Both published: positive = sum of the positive answers."""
        for c in self.cells:
            system.relate(("pos", c), [(a, c) for a in self.positive])


def _questions(s: dict[str, Any], summary: dict, freq: dict) -> list[_Question]:
    return [
        _Question(s, qid, column, summary, freq)
        for qid, column in zip(s["qids"], QUESTIONS, strict=True)
    ]


def _assert_protected(system: _System, names: list[Any], what: str) -> None:
    for name, (lo, hi) in system.ranges(names).items():
        assert hi - lo > 1e-6, (what, name, system.values[system.index[name]], lo, hi)


def _check(s: dict[str, Any], summary: dict[str, Any], freq: dict[str, Any]) -> None:
    # (a) withheld rows carry nothing derived from the data
    for rec in summary["rows"]:
        if _withheld(rec):
            assert all(rec[k] is None for k in ROW_DATA), rec
    for rec in freq["rows"]:
        if _withheld(rec):
            assert all(rec[k] is None for k in FREQ_DATA), rec
    for q in _questions(s, summary, freq):
        rows, counts = q.sensitive()
        # every cell below a threshold is withheld: a group with respondents but a base below
        # min_base too (never "base 0")
        for _, c in rows:
            assert c in q.rows and _withheld(q.rows[c]), (q.qid, c, q.truth[c], q.rows.get(c))
        for a, c in counts:
            if a == "base":
                continue
            f = q.freqs.get((c, a))
            assert f is not None and _withheld(f), (q.qid, c, a, q.truth[c]["counts"][a], f)
        # (b) nothing below a threshold can be worked out from summarize, or from freq
        system = _System()
        q.add_rows(system)
        _assert_protected(system, rows, f"summarize {q.qid}")
        system = _System()
        q.add_frequencies(system)
        _assert_protected(system, counts, f"freq {q.qid}")


def _run(s: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        data, spec = _write(Path(tmp), s)
        by = [a for g in s["by"] for a in ("--by", g)]
        return (
            _json("summarize", data, "--spec", spec, *by),
            _json("freq", data, "--spec", spec, *by),
        )


_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    # no shrinking: each example runs the CLI twice, and shrinking a failure took minutes
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@_SETTINGS
@given(surveys())
def test_random_exports_withhold_and_protect_through_the_cli(s):
    _check(s, *_run(s))
