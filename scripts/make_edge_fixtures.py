#!/usr/bin/env python3
"""Write the edge-case fixtures to tests/data/edge_* (deterministic: same bytes on every run).

Each file is a small, real input for one hard edge of issue 12 (the tests in
``tests/test_edges_input.py`` say what each must give):

* ``edge_formula.xlsx``: a workbook written by openpyxl whose "Score" column holds formulas
  that were never calculated (openpyxl saves no value); ``edge_formula_saved.xlsx`` is the
  same workbook as a calculating program saves it (a value in every formula cell and no
  request to recalculate on load).
* ``edge_zip_bomb.xlsx``: a workbook whose sheet declares that it unpacks to 4 GB (the sizes
  in its ZIP headers are patched; the data are those of a tiny sheet).
* ``edge_*.csv`` and ``edge_*.toml``: short text files written out below, each with its case.

Usage: python3 scripts/make_edge_fixtures.py [OUT_DIR]
"""

from __future__ import annotations

import random
import re
import struct
import sys
import zipfile
from pathlib import Path

AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]


def _zip_items(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def _write_zip(path: Path, items: list[tuple[str, bytes]]) -> None:
    """A ZIP with fixed timestamps, so that the bytes are the same on every run."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            data = re.sub(
                rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data
            )
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)


def formulas(out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(["ID", "Area", "Q1 The service met my needs", "Score"])
    rng = random.Random(4)
    for i in range(12):
        ws.append([i + 1, rng.choice(["North", "South"]), rng.choice(AGREE), f"=A{i + 2}*2"])
    path = out / "edge_formula.xlsx"
    wb.save(path)
    items = _zip_items(path)
    _write_zip(path, items)
    # as Excel or LibreOffice save it: the value of each formula, no fullCalcOnLoad
    saved = []
    for name, data in items:
        if name == "xl/worksheets/sheet1.xml":
            data = re.sub(
                rb"<f>A(\d+)\*2</f><v\s*/>",
                lambda m: b"<f>A%s*2</f><v>%d</v>" % (m.group(1), 2 * (int(m.group(1)) - 1)),
                data,
            )
        if name == "xl/workbook.xml":
            data = data.replace(b' fullCalcOnLoad="1"', b"")
        saved.append((name, data))
    _write_zip(out / "edge_formula_saved.xlsx", saved)


def zip_bomb(out: Path) -> None:
    """A tiny workbook whose sheet part declares 4 GB unpacked (both ZIP headers patched)."""
    src = out / "edge_formula_saved.xlsx"
    data = bytearray(src.read_bytes())
    target = b"xl/worksheets/sheet1.xml"
    size = 0xFFFFFFFE  # 4 GB, the most a 32-bit size field holds (0xFFFFFFFF means ZIP64)
    # local file header: signature PK\3\4, uncompressed size at offset 22
    i = data.find(b"PK\x03\x04")
    while i >= 0:
        name_len = struct.unpack_from("<H", data, i + 26)[0]
        if data[i + 30 : i + 30 + name_len] == target:
            struct.pack_into("<I", data, i + 22, size)
        i = data.find(b"PK\x03\x04", i + 4)
    # central directory header: signature PK\1\2, uncompressed size at offset 24
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        name_len = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46 : i + 46 + name_len] == target:
            struct.pack_into("<I", data, i + 24, size)
        i = data.find(b"PK\x01\x02", i + 4)
    (out / "edge_zip_bomb.xlsx").write_bytes(bytes(data))


TEXT = {
    # month 13 and day 32 (and month 00) in an ISO timestamp column
    "edge_impossible_dates.csv": (
        "Submitted,Q1\n"
        "2026-01-05 10:00:00,Yes\n"
        "2026-13-05 10:00:00,No\n"
        "2026-02-32 10:00:00,Yes\n"
        "2026-00-10 10:00:00,Yes\n"
    ),
    "edge_impossible_dates.toml": (
        "[survey]\n"
        'timestamp = "Submitted"\n\n'
        "[groups.quarter]\n"
        'column = "Submitted"\n'
        'derive = "quarter"\n\n'
        "[questions.q1]\n"
        'column = "Q1"\n'
        'options = ["Yes", "No"]\n'
        'positive = ["Yes"]\n'
    ),
    # a spec naming a column that no export has
    "edge_missing_column.toml": (
        "[questions.q1]\n"
        'column = "Q9 Not in this export"\n'
        'options = ["Yes", "No"]\n'
        'positive = ["Yes"]\n'
    ),
    # hand-made sheet: the spec reads neither the "Ref" column holding "Total" nor Comments
    "edge_handmade.toml": (
        "[questions.bus]\n"
        'columns = ["Used: Bus", "Used: Train"]\n'
        'type = "multi"\n'
        'options = ["Bus", "Train"]\n\n'
        "[questions.safe]\n"
        'column = "Q2 Do you feel safe?"\n'
        'options = ["Yes", "No", "Prefer not to say"]\n'
        'positive = ["Yes"]\n'
        'exclude = ["Prefer not to say"]\n'
    ),
    # a short blank record (row 3) before an unknown label (row 4): rows keep their numbers
    "edge_blank_short_row.csv": "ID,Area,Q1\n1,North,Yes\n,\n3,South,Maybe\n4,North,No\n",
    "edge_yes_no.toml": (
        '[questions.q1]\ncolumn = "Q1"\noptions = ["Yes", "No"]\npositive = ["Yes"]\n'
    ),
    # a personal-data column asked for with --by
    "edge_personal.csv": "ID,Email,Area,Q1\n1,a@example.org,North,Yes\n2,b@example.org,South,No\n",
    # ragged rows: one long (row 5), one short (row 4); and one with an unclosed quote
    "edge_ragged_long.csv": "ID,Area,Q1\n1,North,Yes\n2,South,No\n3,East,Yes\n4,West,No,extra\n",
    "edge_ragged_short.csv": "ID,Area,Q1\n1,North,Yes\n2,South,No\n3,East\n4,West,No\n",
    "edge_unclosed_quote.csv": (
        "ID,Area,Q1\n"
        + "".join(f"{i},North,Yes\n" for i in range(1, 30))
        + '30,"South,No\n'
        + "".join(f"{i},South,No\n" for i in range(31, 60))
    ),
}


def weight_and_typos(out: Path) -> None:
    """ "Weight (kg)" is a question, not the survey weight; three typos in the headline scale;
    tick boxes marked "Checked"."""
    rng = random.Random(12)
    rows = ["ID,Area,Weight (kg),The service met my needs"]
    for i in range(60):
        answer = rng.choice(AGREE)
        answer = {10: "Stongly agree", 20: "Agre", 30: "Disagre"}.get(i, answer)
        rows.append(f"{i + 1},{rng.choice(['North', 'South'])},{rng.randint(50, 110)},{answer}")
    TEXT["edge_weight_typos.csv"] = "\n".join(rows) + "\n"
    rows = ["ID,Area,Weight (kg),The service met my needs"]
    for i in range(60):
        answer = rng.choice(AGREE)
        rows.append(f"{i + 1},{rng.choice(['North', 'South'])},{rng.randint(50, 110)},{answer}")
    TEXT["edge_weight_kg.csv"] = "\n".join(rows) + "\n"
    rows = ["ID,Heard - Radio,Heard - Poster,Heard - Friend"]
    for i in range(40):
        rows.append(f"{i + 1}," + ",".join(rng.choice(["Checked", ""]) for _ in range(3)))
    TEXT["edge_checked_ticks.csv"] = "\n".join(rows) + "\n"


def qualtrics_ragged(out: Path) -> None:
    """The Qualtrics fixture with one extra field on its second response (row 5)."""
    lines = (out / "qualtrics_text.csv").read_bytes().split(b"\n")
    lines[4] += b",extra"
    (out / "edge_qualtrics_ragged.csv").write_bytes(b"\n".join(lines[:12]) + b"\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "tests" / "data"
    formulas(out)
    zip_bomb(out)
    weight_and_typos(out)
    qualtrics_ragged(out)
    for name, text in TEXT.items():
        (out / name).write_bytes(text.encode("utf-8"))
    print(f"wrote the edge fixtures to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
