"""Near-unique columns of a large text export are read as plain text and coded in one pass.

The CSV reader puts each column into a dictionary per block of the file, and the loader then
merges those dictionaries; for a column whose values are mostly distinct (respondent ids, free
text, times, weights) that merge costs as much again as the read. Such columns, judged from the
body's first block, are read as plain text and coded in one pass instead
(``rapstats.io._text``). Which columns go which way changes the speed, never the values: every
export here loads the same whichever way each column is read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from conftest import SAMPLE_CSV

import rapstats.io._text as text
from rapstats.io import load_export

DATA = Path(__file__).parent / "data"
EXPORTS = [
    SAMPLE_CSV,
    DATA / "bench_survey.csv",  # 400 rows: id, submitted time, weight and comment near-unique
    DATA / "surveymonkey.csv",  # two header rows, personal-data columns
    DATA / "qualtrics_text.csv",  # three header rows, previews dropped
    DATA / "handmade_cp1252.csv",  # Windows-1252, untidy spaces
    DATA / "enc_tab.tsv",
    DATA / "enc_utf16le.txt",
    DATA / "pii_comments_groups.csv",
]


def _expected(values: list[str | None]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes and categories as the loader's contract states them: trimmed values in order of
    first appearance, blank or empty ones missing (-1)."""
    categories: dict[str, int] = {}
    codes = []
    for v in values:
        v = (v or "").strip()
        codes.append(categories.setdefault(v, len(categories)) if v else -1)
    return np.array(codes, dtype=np.int32), tuple(categories)


def _load_all(path: Path) -> dict[str, object]:
    export = load_export(path)
    return {
        "columns": {c: (col.codes.tolist(), col.categories) for c, col in export.columns.items()},
        "rows": export.row_numbers.tolist(),
        "dropped": export.dropped,
        "notes": export.notes,
        "left_out": export.left_out,
    }


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_every_column_read_as_plain_text_loads_the_same(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usual = _load_all(path)
    chosen: list[set[str]] = []
    near_unique = text._near_unique

    def spy(*args: object) -> set[str]:
        chosen.append(near_unique(*args))  # type: ignore[arg-type]
        return chosen[-1]

    monkeypatch.setattr(text, "PLAIN_MIN_BYTES", 0)
    monkeypatch.setattr(text, "SAMPLE_VALUES", 1)
    monkeypatch.setattr(text, "NEAR_UNIQUE", 0.0)
    monkeypatch.setattr(text, "_near_unique", spy)
    assert _load_all(path) == usual
    assert chosen and chosen[-1]  # the plain path was taken


def test_near_unique_columns_are_the_id_time_weight_and_comment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # bench_survey.csv: 400 rows of 28 columns; 4 hold mostly distinct values
    path = DATA / "bench_survey.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    names = header.split(",")
    monkeypatch.setattr(text, "PLAIN_MIN_BYTES", 0)
    info = text.TextInfo("utf-8", 0, True, ",")
    keys = [f"c{i}" for i in range(len(names))]
    plain = text._near_unique(path, info, len(header) + 1, keys, keys)
    assert sorted(names[int(k[1:])] for k in plain) == [
        "comment",
        "respondent_id",
        "submitted_at",
        "weight",
    ]
    # a body of one or two blocks is read as before
    monkeypatch.setattr(text, "PLAIN_MIN_BYTES", 2 * text.BLOCK_SIZE)
    assert text._near_unique(path, info, len(header) + 1, keys, keys) == set()


def test_a_first_block_the_reader_refuses_reads_every_column_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a blank record with one field: the body reader handles it; the sample gives up
    path = DATA / "edge_blank_short_row.csv"
    usual = _load_all(path)
    monkeypatch.setattr(text, "PLAIN_MIN_BYTES", 0)
    monkeypatch.setattr(text, "SAMPLE_VALUES", 1)
    monkeypatch.setattr(text, "NEAR_UNIQUE", 0.0)
    keys = ["c0", "c1", "c2"]
    info = text.TextInfo("utf-8", 0, True, ",")
    assert text._near_unique(path, info, len("ID,Area,Q1\n"), keys, keys) == set()
    assert _load_all(path) == usual


@pytest.mark.parametrize("kind", ["plain", "dictionary per chunk"])
def test_a_column_of_many_chunks_is_coded_by_the_contract(kind: str) -> None:
    rng = np.random.default_rng(7)
    words = ["Agree", " Agree", "Agree ", "", "  ", None, "Disagree", "Don't know", "x y"]
    values = [words[i] for i in rng.integers(0, len(words), 3000)]
    values += [f"R{i:05d}" for i in range(2000)]  # near-unique tail
    rng.shuffle(values)
    chunks = [pa.array(values[i : i + 97], type=pa.string()) for i in range(0, len(values), 97)]
    if kind != "plain":
        chunks = [c.dictionary_encode() for c in chunks]
    coded = text.to_coded(pa.chunked_array(chunks))
    codes, categories = _expected(values)
    assert coded.categories == categories
    np.testing.assert_array_equal(coded.codes, codes)
    assert coded.codes.dtype == np.int32


@pytest.mark.parametrize("type_", [pa.string(), pa.large_string()], ids=str)
def test_tidy_values_are_told_from_their_first_and_last_bytes(type_: pa.DataType) -> None:
    # every white space Python's str.strip removes (Arrow's utf8_trim_whitespace removes the
    # same), at either end, among ASCII and wider characters, empty values, sliced arrays
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    letters = ["a", "Z", "é", "ł", "中", "😀", "x y", "\u200b", "\ufeff"]
    rng = np.random.default_rng(11)
    for _ in range(2000):
        values = []
        for _ in range(int(rng.integers(1, 6))):
            word = "".join(rng.choice(letters, int(rng.integers(0, 3))))
            if rng.random() < 0.15:
                word = str(rng.choice(spaces)) + word
            if rng.random() < 0.15:
                word += str(rng.choice(spaces))
            values.append(word)
        array = pa.array(["pad", *values], type=type_).slice(1)
        expected = all(v and v.strip() == v for v in values)
        assert text._tidy(array) == expected, values
