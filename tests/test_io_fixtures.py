"""Each fixture export loads with the true counts per column x answer.

The fixtures and their expected counts come from scripts/make_fixtures.py (the generator's
own records, written to tests/data/fixtures_expected.json before the files were laid out).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rapstats.io import load_export

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "fixtures_expected.json").read_text(encoding="utf-8"))
FILES = {
    "qualtrics_text": "qualtrics_text.csv",
    "qualtrics_values": "qualtrics_values.csv",
    "qualtrics_text_xlsx": "qualtrics_text.xlsx",
    "surveymonkey": "surveymonkey.csv",
    "surveymonkey_xlsx": "surveymonkey.xlsx",
    "msforms": "msforms.xlsx",
    "googleforms": "googleforms.csv",
    "handmade_cp1252": "handmade_cp1252.csv",
    "handmade_xlsx": "handmade.xlsx",
    "handmade_ods": "handmade.ods",
    "spss": "survey.sav",
}


def _file(name: str) -> Path:
    return DATA / FILES.get(name, name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_match_generator(name: str) -> None:
    expected = EXPECTED[name]
    export = load_export(_file(name))
    assert export.platform == expected["platform"]
    assert export.rows_read == expected["rows"]
    for column, counts in expected["columns"].items():
        assert column in export.frame.columns, column
        series = export.frame[column]
        assert isinstance(series.dtype, pd.CategoricalDtype)
        got = {str(k): int(v) for k, v in series.value_counts().items() if v}
        assert got == counts, column


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_personal_data_never_reaches_the_frame(name: str) -> None:
    expected = EXPECTED[name]
    export = load_export(_file(name))
    assert set(export.dropped) == set(expected["dropped"])
    assert not set(export.dropped) & set(export.frame.columns)
    if export.dropped:
        assert any("personal data" in n for n in export.notes)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loaded_frame_contract(name: str) -> None:
    export = load_export(_file(name))
    frame = export.frame
    assert frame.columns.is_unique
    assert len(export.row_numbers) == len(frame)
    assert (pd.Series(export.row_numbers).diff().dropna() > 0).all()
    assert len(export.sha256) == 64
    for c in frame.columns:
        cats = frame[c].cat.categories
        assert all(isinstance(v, str) and v == v.strip() and v for v in cats), c


def test_keep_names_a_personal_column() -> None:
    export = load_export(DATA / "msforms.xlsx", keep=("Email",))
    assert "Email" in export.frame.columns
    assert export.dropped == ("Name",)


def test_qualtrics_previews_dropped_and_unfinished_noted() -> None:
    export = load_export(DATA / "qualtrics_text.csv")
    assert "Status" not in export.frame.columns
    assert any("left out 5 survey preview" in n for n in export.notes)
    unfinished = EXPECTED["qualtrics_text"]["unfinished"]
    assert any(f"kept {unfinished} unfinished" in n for n in export.notes)
    assert export.question_text["Q1"].startswith("How confident")
    assert export.header_parts["Q5_1"][0] == "Q5_1"
    # rows 2-3 are header rows; the first data row is spreadsheet row 4 or later
    assert export.row_numbers[0] >= 4


def test_qualtrics_numeric_values_kept_as_codes() -> None:
    export = load_export(DATA / "qualtrics_values.csv")
    assert set(export.frame["Q1"].cat.categories) <= {"1", "2", "3", "4", "8", "-99"}
    assert export.encoding == "utf-8"


def test_surveymonkey_names_from_two_header_rows() -> None:
    export = load_export(DATA / "surveymonkey.csv")
    assert list(export.frame.columns) == EXPECTED["surveymonkey"]["names"]
    name = "Which of these did you use? (tick all that apply) - Bus"
    assert export.header_parts[name][1] == "Bus"
    assert export.question_text[name].startswith("Which of these")


def test_handmade_title_blank_and_totals_rows() -> None:
    export = load_export(DATA / "handmade_cp1252.csv")
    assert export.encoding == "cp1252"
    assert export.row_numbers[0] == 4  # title, blank, header
    assert export.row_numbers[-1] == 4 + 60  # one blank row inside the data
    assert any("totals" in n for n in export.notes)
    assert "Don’t know" in set(export.frame["Q1  The council listens"].cat.categories)


def test_msforms_datetimes_and_integers_as_text() -> None:
    export = load_export(DATA / "msforms.xlsx")
    assert export.sheet == "Form1"
    assert export.frame["Start time"].iloc[0] == "2024-01-03 09:00:00"
    assert export.frame["ID"].iloc[0] == "1"


def test_sheet_selection() -> None:
    export = load_export(DATA / "msforms.xlsx", sheet="form1")
    assert export.sheet == "Form1"


def test_columns_argument_loads_only_those() -> None:
    export = load_export(DATA / "enc_utf8.csv", columns=["Q1", " area "])
    assert list(export.frame.columns) == ["area", "q1"]


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("enc_utf8.csv", "utf-8"),
        ("enc_utf8_bom.csv", "utf-8"),
        ("enc_cp1252.csv", "cp1252"),
        ("enc_utf16le.txt", "utf-16-le"),
        ("enc_utf16be.txt", "utf-16-be"),
    ],
)
def test_encoding_detected(name: str, encoding: str) -> None:
    export = load_export(DATA / name)
    assert export.encoding == encoding
    assert "Won’t return" in set(export.frame["comment"].cat.categories)
    assert export.frame.columns[0] == "respondent_id"


def test_encoding_override() -> None:
    export = load_export(DATA / "enc_cp1252.csv", encoding="cp1252")
    assert "Café was good" in set(export.frame["comment"].cat.categories)


def test_platform_forced() -> None:
    export = load_export(DATA / "googleforms.csv", platform="plain")
    assert export.platform == "plain"
    assert "Email address" not in export.frame.columns


def test_input_not_modified(tmp_path: Path) -> None:
    for name in ("qualtrics_text.csv", "msforms.xlsx", "survey.sav"):
        before = (DATA / name).read_bytes()
        load_export(DATA / name)
        assert (DATA / name).read_bytes() == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_categories_are_the_values_present(name: str) -> None:
    frame = load_export(_file(name)).frame
    for c in frame.columns:
        assert (frame[c].value_counts() > 0).all(), c


def test_qualtrics_legacy_two_row_header(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_text(
        "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1\n"
        "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,"
        "StartDate,EndDate,Finished,How satisfied are you?\n"
        "R_1,Default,Ann,,a@x.org,1.2.3.4,0,2016-01-01 10:00:00,2016-01-01 10:05:00,1,"
        "Very satisfied\n"
        "R_2,Default,Bo,,b@x.org,1.2.3.5,1,2016-01-01 10:00:00,2016-01-01 10:05:00,1,"
        "Very dissatisfied\n",
        encoding="utf-8",
    )
    export = load_export(path)
    assert export.platform == "qualtrics"
    assert export.frame["Q1"].tolist() == ["Very satisfied"]  # the preview (Status 1) left out
    assert export.question_text["Q1"] == "How satisfied are you?"
    assert {"Name", "EmailAddress", "IPAddress", "ExternalDataReference"} <= set(export.dropped)
    assert export.row_numbers.tolist() == [3]


def test_blank_header_cells_named_by_position(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("id,,q1,\n1,a,Agree,\n2,b,Disagree,\n", encoding="utf-8")
    export = load_export(path)
    assert list(export.frame.columns) == ["id", "column 2", "q1"]  # empty 4th column dropped


def test_empty_lines_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_bytes(b"id,q1\r\n1,Agree\r\n\r\n2,Disagree\r\n\r\n\r\n3,Agree\r\n\r\n")
    export = load_export(path)
    assert export.frame["id"].tolist() == ["1", "2", "3"]
    assert export.row_numbers.tolist() == [2, 4, 7]


@pytest.mark.parametrize(
    "name, personal",
    [
        ("Email", True),
        ("Email Address", True),
        ("RecipientFirstName", True),
        ("IP Address", True),
        ("LocationLongitude", True),
        ("ExternalReference", True),
        ("Custom Data 1", True),
        ("Phone number", True),
        ("Last Name", True),
        ("Name", True),
        ("Would you like our email newsletter?", False),
        ("Event name", False),
        ("Area", False),
    ],
)
def test_personal_column_names(name: str, personal: bool, tmp_path: Path) -> None:
    """A column is personal data by its header alone: its values here give nothing away."""
    path = tmp_path / "named.csv"
    path.write_text(f'"{name}",Answer\nx,Agree\ny,Disagree\n', encoding="utf-8")
    export = load_export(path, platform="plain")
    assert (export.dropped == (name,)) is personal
    assert list(export.columns) == (["Answer"] if personal else [name, "Answer"])


def test_qualtrics_columns_argument_still_filters_previews() -> None:
    export = load_export(DATA / "qualtrics_text.csv", columns=["Q1"])
    assert list(export.frame.columns) == ["Q1"]
    assert export.rows_read == EXPECTED["qualtrics_text"]["rows"]
    assert any("unfinished" in n for n in export.notes)
