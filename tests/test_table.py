"""rapstats.table.Table: the pandas-free column table between estimate and render."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rapstats.table import Table


def _table() -> Table:
    return Table(
        {
            "question": ["q1", "q1", "q2"],
            "area": [None, "North", None],
            "base": np.array([30, 12, 40]),
            "share": np.array([0.5, np.nan, 0.25]),
            "significant": [True, None, False],
        }
    )


def test_columns_rows_and_selection():
    t = _table()
    assert len(t) == 3 and t.columns == ["question", "area", "base", "share", "significant"]
    assert t.take(np.array([2, 0]))["question"].tolist() == ["q2", "q1"]
    assert t.take(t["question"] == "q1")["base"].tolist() == [30, 12]
    assert t.unique_first("question").tolist() == [0, 2]
    assert t.select(["base"]).columns == ["base"]
    assert t.assign({"flag": [None] * 3}, after="area").columns[2] == "flag"
    assert len(Table({}, length=4)) == 4 and len(Table({}, length=4).take(np.array([1]))) == 1
    with pytest.raises(ValueError, match="differ in length"):
        Table({"a": [1], "b": [1, 2]})


def test_to_pandas_keeps_none_and_makes_missing_counts_nullable_ints():
    t = _table().assign({"base": [30, None, 40]})
    df = t.to_pandas()
    assert str(df["base"].dtype) == "Int64" and df["base"].isna().tolist() == [False, True, False]
    assert df["area"].dtype == object and df.loc[0, "area"] is None
    assert df["significant"].tolist() == [True, None, False]
    assert df["share"].dtype == float


def test_pandas_round_trip():
    t = _table().assign({"base": [30, None, 40]})
    back = Table.from_pandas(t.to_pandas())
    assert back.columns == t.columns
    for c in t.columns:
        assert back[c].tolist() == t[c].tolist() or c == "share"
    assert np.isnan(back["share"][1])
    frame = pd.DataFrame({"x": pd.array([1, None], dtype="Int64"), "s": ["a", None]})
    assert Table.from_pandas(frame).records() == [{"x": 1, "s": "a"}, {"x": None, "s": None}]
