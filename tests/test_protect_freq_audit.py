"""The audit of frequency tables (answer counts by two groups) against the dense reference.

``rapstats freq --by G --by H`` protects every answer count of every cell of a two-way table
with its margins, the rows' bases and positive counts, and the cells' respondents in one
system per question: the many-level shape (``--by event --by quarter``) for which the audit
keeps its matrices sparse, pins zero counts by residual rows of one sign and eliminates each
block once (``rapstats/protect/audit.py``). Every audit the command makes on a small random
export is checked here against the whole system decided at once, dense, by numpy's rank and
scipy's linear programming (``oracles.determined_cells``).
"""

from __future__ import annotations

import csv
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracles import determined_cells

from rapstats.protect import engine

AGREE = ("Strongly agree", "Agree", "Neither", "Disagree", "Strongly disagree", "Don't know")


def _write(folder: Path, rows: list[tuple[str, str, str, str]], min_count: int) -> tuple:
    data = folder / "export.csv"
    with open(data, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "event", "quarter", "q1", "q2"])
        for i, row in enumerate(rows):
            w.writerow([f"R{i}", *row])
    spec = folder / "spec.toml"
    spec.write_text(
        '[survey]\nid = "id"\n\n'
        f"[disclosure]\nmin_base = 10\nmin_count = {min_count}\n\n"
        '[groups.event]\ncolumn = "event"\n\n[groups.quarter]\ncolumn = "quarter"\n\n'
        f'[questions.q1]\ncolumn = "q1"\noptions = {json.dumps(list(AGREE))}\n'
        'positive = ["Strongly agree", "Agree"]\nexclude = ["Don\'t know"]\n\n'
        '[questions.q2]\ncolumn = "q2"\noptions = ["Yes", "No"]\npositive = ["Yes"]\n',
        encoding="utf-8",
    )
    return data, spec


@st.composite
def exports(draw: st.DrawFn) -> dict[str, Any]:
    """Events of 1 to 40 respondents over 2 or 3 quarters, answers skewed so that many
    counts are zero or small."""
    sizes = draw(st.lists(st.integers(1, 40), min_size=2, max_size=6))
    n_quarters = draw(st.integers(2, 3))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    w1 = [rng.random() ** 3 for _ in AGREE] + [rng.random() * 0.2]  # last: blank
    w2 = [rng.random(), rng.random() ** 2, rng.random() * 0.2]
    rows = [
        (
            f"E{e}",
            f"Q{rng.randrange(n_quarters)}",
            rng.choices([*AGREE, ""], weights=w1)[0],
            rng.choices(["Yes", "No", ""], weights=w2)[0],
        )
        for e, size in enumerate(sizes)
        for _ in range(size)
    ]
    return {"rows": rows, "min_count": draw(st.sampled_from([3, 5]))}


def _audits(export: dict[str, Any]) -> list[tuple[set[int], set[int], int]]:
    """Run ``freq --by event --by quarter`` on the export; per audit the command made: the
    cells it found determined, those the dense reference finds, and the hidden zero cells."""
    seen = []
    real = engine._determined_cells

    def spy(values: np.ndarray, rels: list, hidden: np.ndarray) -> np.ndarray:
        got = real(values, rels, hidden)
        want = determined_cells(values, rels, hidden)
        seen.append((set(got.tolist()), want, int((hidden & (values <= 0)).sum())))
        return got

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "_determined_cells", spy)
        data, spec = _write(Path(tmp), export["rows"], export["min_count"])
        args = ("freq", data, "--spec", spec, "--by", "event", "--by", "quarter")
        result = run(CliRunner(), *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return seen


@pytest.mark.slow  # ~40 commands, each audit decided again dense (a minute or more)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_every_audit_of_a_frequency_table_matches_the_dense_reference(export):
    audits = _audits(export)
    assert audits  # secondary suppression ran
    for got, want, _ in audits:
        assert got == want


def test_the_random_frequency_tables_pin_cells_and_hold_zeros():
    # non-vacuity: on seeded exports of the same shape, audits find determined cells (so the
    # engine adds complements) with hidden zero counts in the system
    rng = np.random.default_rng(11)
    pinned = zeros = 0
    for k in range(4):
        sizes = rng.integers(1, 40, size=5).tolist()
        rows = [
            (f"E{e}", f"Q{rng.integers(3)}", AGREE[rng.integers(6) ** 2 % 6], ["Yes", "No"][k % 2])
            for e, size in enumerate(sizes)
            for _ in range(size)
        ]
        for got, want, n_zero in _audits({"rows": rows, "min_count": 5}):
            assert got == want
            pinned += len(got)
            zeros += n_zero
    assert pinned >= 20 and zeros >= 100, (pinned, zeros)
