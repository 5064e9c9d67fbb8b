"""The sample report's PDF, as laid out: at most 12 pages, and no two words of a line (table
headers above all) printed over each other, read back with poppler's `pdftotext -bbox`."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import pdf_text, requires_tool

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>'
)

pytestmark = requires_tool(shutil.which("pdftotext") is not None, "poppler-utils")


@pytest.fixture(scope="module")
def sample(sample_report: Path) -> Path:
    """The sample report, made as `reports/sample/` is (conftest's, made once per run)."""
    return sample_report


def words(pdf: Path) -> dict[int, list[tuple[float, float, float, float, str]]]:
    """Each page's words as (x0, y0, x1, y1, text), in PDF points from the top left."""
    done = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    pages: dict[int, list] = defaultdict(list)
    page = 0
    for line in done.stdout.splitlines():
        page += "<page " in line
        found = WORD.search(line)
        if found:
            x0, y0, x1, y1 = map(float, found.groups()[:4])
            pages[page].append((x0, y0, x1, y1, html.unescape(found.group(5))))
    return pages


def overlapping(pages: dict[int, list]) -> list[tuple[int, str, str]]:
    """Pairs of words on one line (their heights overlap by half) whose boxes overlap."""
    found = []
    for page, boxes in pages.items():
        boxes = sorted(boxes)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if b[0] >= a[2] - 0.5:  # sorted by left edge: no later word reaches a
                    break
                shared = min(a[3], b[3]) - max(a[1], b[1])
                if shared > 0.5 * min(a[3] - a[1], b[3] - b[1]):
                    found.append((page, a[4], b[4]))
    return found


def test_sample_pdf_has_at_most_12_pages(sample):
    info = subprocess.run(
        ["pdfinfo", str(sample / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages <= 12


def test_no_two_words_overlap_on_a_line(sample):
    pages = words(sample / "report.pdf")
    assert sum(len(p) for p in pages.values()) > 1000  # the text was read
    assert overlapping(pages) == []


def test_every_header_word_stands_alone(sample):
    """Header words are separate words in the PDF: none runs into its neighbour's column
    ("p-valueSignificant" would be read back as one word)."""
    model = json.loads((sample / "report.json").read_text(encoding="utf-8"))
    found = {w[4] for page in words(sample / "report.pdf").values() for w in page}
    # A grouped table shows its first column as row headings, so its label may not be shown;
    # a column with a short heading is headed by it in the PDF.
    wanted = {
        w
        for t in model["tables"]
        for c in t["columns"][1:]
        for w in c.get("short", c["label"]).split()
    }
    assert {"Compared", "2026", "Earlier"} <= wanted  # the change tables' headers among them
    assert {"Diff.", "Sig.", "vs", "(pp)"} <= wanted  # and the breakdowns' short ones
    assert wanted - found == set()


def test_overlap_check_finds_overlapping_words():
    pages = {1: [(10.0, 10.0, 60.0, 18.0, "(percentage"), (55.0, 10.5, 90.0, 18.5, "adjustment")]}
    assert overlapping(pages) == [(1, "(percentage", "adjustment")]
    pages[1][1] = (61.0, 10.5, 90.0, 18.5, "adjustment")  # side by side
    assert overlapping(pages) == []
    pages[1][1] = (20.0, 30.0, 50.0, 38.0, "points)")  # the next line
    assert overlapping(pages) == []


def test_pdf_says_the_common_source_once(sample):
    model = json.loads((sample / "report.json").read_text(encoding="utf-8"))
    text = pdf_text(sample / "report.pdf")
    (source,) = {t["source"] for t in model["tables"]}
    assert source.startswith("Source: ")
    assert text.count(source.removeprefix("Source: ")) == 1
    assert f"Source of every table: {source.removeprefix('Source: ')}" in " ".join(text.split())


def flat_text(pdf: Path) -> str:
    """The PDF's text, its lines joined by single spaces."""
    return " ".join(pdf_text(pdf).split())


def test_pdf_says_each_thing_once(sample):
    """No "no clear change" sentence (the change table's rows say it); every breakdown was
    tested, so none says it was not; each way of reading a chart said in full once."""
    model = json.loads((sample / "report.json").read_text(encoding="utf-8"))
    text = flat_text(sample / "report.pdf")
    assert "no clear change since" not in text
    assert "not tested" not in text
    for caption in {c["caption"] for c in model["charts"]}:
        assert text.count(" ".join(caption.split())) == 1, caption
    assert text.count("Drawn as Figure ") == len(model["charts"]) - len(
        {c["caption"] for c in model["charts"]}
    )


def test_pdf_breakdowns_leave_to_their_rows_what_the_rows_show(sample):
    """A breakdown's question says only what its rows do not: the test of homogeneity when no
    group differs, nothing on withheld groups but their names (their rows of [c] are not
    printed); the short headings are spelt out in a note the breakdowns cite."""
    model = json.loads((sample / "report.json").read_text(encoding="utf-8"))
    text = flat_text(sample / "report.pdf").replace("- ", "-")  # lines broken at a hyphen
    by = [t for t in model["tables"] if "compact_findings" in t]
    assert len(by) == 16
    for t in by:
        for sentence in t["findings"]:
            assert " ".join(sentence.split()) not in text  # the whole sentences: report.json
        for brief in t["compact_findings"]:
            question, said = brief.split("”: ")
            assert f"{question.removeprefix('“')} {said}" in text
    assert "ranged from" not in text and "as some figures are withheld" not in text
    assert (
        "The police workforce reflects the community it serves No clear difference between "
        "groups (homogeneity test, Holm-adjusted p = 0.65)." in text
    )
    assert text.count("Withheld [c]: 65+ and Prefer not to say.") >= 10
    assert not re.search(r"65\+( \[c\]){5}", text)  # no row of symbols only
    note = len(model["notes"]) + 1
    assert (
        f"[note {note}] Column headings shortened in this PDF: “Diff. from rest (pp)”: "
        "Difference from the rest (percentage points); “Sig. vs rest”: Different from the rest "
        "after Holm adjustment." in text
    )
    assert text.count(f"[note {note}]") == len(by) + 1
