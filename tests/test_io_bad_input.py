"""Bad input: each case is an InputError whose message is one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapstats.errors import InputError
from rapstats.io import load_export

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "name, words",
    [
        ("bad_empty.csv", "empty"),
        ("bad_header_only.csv", "no responses"),
        ("bad_duplicate_header.csv", 'row 1, column "q1"'),
        ("bad_junk.bin", "binary"),
        ("bad_undecodable.csv", "cannot be decoded"),
        ("bad_not_a_survey.txt", "not a survey"),
        ("bad_corrupt.xlsx", "cannot be read as a spreadsheet"),
        ("bad_password.xlsx", "password-protected"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(name: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        load_export(DATA / name)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{DATA / name}: ") or message.startswith(f"{DATA / name},")
    assert words in message
    assert "Fix:" in message


def test_unknown_sheet_lists_the_sheets() -> None:
    with pytest.raises(InputError, match="Form1.*Notes"):
        load_export(DATA / "msforms.xlsx", sheet="Responses")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_export(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        load_export(tmp_path)


def test_unknown_encoding_and_platform() -> None:
    with pytest.raises(InputError, match="unknown encoding"):
        load_export(DATA / "enc_utf8.csv", encoding="klingon")
    with pytest.raises(InputError, match="unknown platform"):
        load_export(DATA / "enc_utf8.csv", platform="typeform")


def test_wrong_encoding_given_is_an_error_not_mojibake() -> None:
    with pytest.raises(InputError, match="cannot be decoded as utf-8"):
        load_export(DATA / "enc_cp1252.csv", encoding="utf-8")


def test_very_large_field_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "big_field.csv"
    big = "x" * (6 * 1024 * 1024)
    rows = ["id,q1,comment"] + [f"{i},Agree,short" for i in range(50)]
    rows.insert(20, f'999,Disagree,"{big}"')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    export = load_export(path)
    assert export.rows_read == 51
    assert export.frame["comment"].str.len().max() == len(big)
    assert export.frame["q1"].value_counts()["Disagree"] == 1


def test_body_bytes_undecodable_after_a_utf8_head(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    good = "".join(f"{i},Agree\n" for i in range(5000)).encode()
    path.write_bytes(b"id,q1\n" + good + b"5001,Caf\xe9\n")
    export = load_export(path)  # not UTF-8 after all: read as Windows-1252, and said so
    assert export.encoding == "cp1252"
    assert "Café" in set(export.frame["q1"].cat.categories)


def test_quoted_line_breaks_across_blocks(tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    rows = ["id,q1,comment"]
    for i in range(60000):
        comment = f'"line one\nline two {i}"' if i % 7 == 0 else "plain"
        rows.append(f"{i},Agree,{comment}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    export = load_export(path)
    assert export.rows_read == 60000
    assert export.frame["q1"].value_counts()["Agree"] == 60000
