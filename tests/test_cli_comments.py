"""`rapstats comments`: personal data redacted and small groups withheld, in every format."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import run

PERSONAL = [
    "jo.bloggs@example.org",
    "07700 900123",
    "+44 20 7946 0000",
    "RG1 1AA",
    "QQ 12 34 56 C",
    "192.168.0.12",
    "https://example.org/me",
]
SPEC = """
[disclosure]
min_base = 10

[groups.area]
column = "Area"

[questions.q]
column = "Q"
options = ["Yes", "No"]
positive = ["Yes"]

[questions.comment]
column = "Comment"
type = "text"
"""


@pytest.fixture
def export(tmp_path):
    rows = []
    for i in range(12):  # North: 12 respondents, each comment carries personal data
        rows.append(["North", "Yes", f"Please reply to {PERSONAL[i % len(PERSONAL)]} soon"])
    for _ in range(3):  # Small: 3 respondents, below min_base: withheld
        rows.append(["Small", "No", "Only three of us here at the Riverside hall"])
    path = tmp_path / "comments.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Area", "Q", "Comment"])
        writer.writerows(rows)
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    return path, spec


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_personal_data_is_redacted_and_small_groups_withheld(runner, export, fmt):
    path, spec = export
    result = run(runner, "comments", path, "--spec", spec, "--by", "area", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "markdown":  # read as rendered: Markdown escapes (ni\_number) removed
        out = re.sub(r"\\(.)", r"\1", out)
    for value in PERSONAL:
        assert value not in out
    assert "Riverside" not in out
    for kind in ("email", "phone", "postcode", "ni_number", "ip_address", "url"):
        assert f"[redacted: {kind}]" in out
    assert out.count("Please reply to") == 12
    notes = result.stderr if fmt == "csv" else out  # CSV is plain: its notes go to stderr
    for value in PERSONAL:
        assert value not in notes
    assert "withheld" in notes and "Small" in notes
    assert "at least 10 respondents" in " ".join(notes.split())
