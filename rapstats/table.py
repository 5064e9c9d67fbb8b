"""A small column table: the results tables that flow from estimate to render, without pandas.

Importing pandas costs more than summarising a 10,000-row export, so the pipeline's tables are
plain numpy columns. A :class:`Table` is a mapping of column name to a 1-D numpy array, all of
one length, kept in order. Column conventions:

* ``float64``: numbers; NaN is missing.
* ``int64``: counts with no missing value.
* ``object``: text (``str``; None is missing), flags, and counts or booleans that may be
  missing (Python ``int``/``bool`` or None).

:meth:`Table.to_pandas` gives a pandas DataFrame for notebooks (an object column of ints with
missing values becomes the nullable ``Int64`` dtype); :meth:`Table.from_pandas` goes back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def _column(values: Any) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, list | tuple):
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    return np.asarray(values)


class Table:
    """Equal-length numpy columns, in order (see the module notes for the conventions).

    Parameters
    ----------
    columns : mapping of str to array-like
        Column name -> values; lists and tuples become object arrays.
    length : int, optional
        Number of rows; needed only for a table without columns. Default: the columns'.

    Examples
    --------
    >>> t = Table({"question": ["q1", "q2"], "base": np.array([10, 12])})
    >>> len(t), t.columns
    (2, ['question', 'base'])
    >>> t.take(np.array([1])).records()
    [{'question': 'q2', 'base': 12}]
    """

    __slots__ = ("_data", "_length")

    def __init__(self, columns: Mapping[str, Any], *, length: int | None = None) -> None:
        data = {str(k): _column(v) for k, v in columns.items()}
        lengths = {len(v) for v in data.values()} | ({length} if length is not None else set())
        if len(lengths) > 1:
            raise ValueError(f"columns differ in length: {sorted(lengths)}")
        self._data = data
        self._length = lengths.pop() if lengths else 0

    @property
    def columns(self) -> list[str]:
        """Column names, in order."""
        return list(self._data)

    def __len__(self) -> int:
        return self._length

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __getitem__(self, name: str) -> np.ndarray:
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self._data)})"

    def take(self, rows: np.ndarray) -> Table:
        """The rows at integer positions (or where a boolean mask is true), in that order."""
        n = int(rows.sum()) if rows.dtype == bool else len(rows)
        return Table({k: v[rows] for k, v in self._data.items()}, length=n)

    def assign(self, columns: Mapping[str, Any], *, after: str | None = None) -> Table:
        """A copy with columns replaced or added (new ones at the end, or after ``after``)."""
        new = {k: _column(v) for k, v in columns.items()}
        out: dict[str, np.ndarray] = {}
        for k, v in self._data.items():
            out[k] = new.pop(k, v)
            if k == after:
                out |= new
                new = {}
        return Table(out | new, length=len(self) if self._data else None)

    def select(self, names: list[str] | tuple[str, ...]) -> Table:
        """Only the named columns, in the order given."""
        return Table({k: self._data[k] for k in names}, length=len(self))

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of Python values (numpy scalars converted; NaN stays NaN)."""
        cols = [(k, v.tolist()) for k, v in self._data.items()]
        return [{k: v[i] for k, v in cols} for i in range(len(self))]

    def unique_first(self, name: str) -> np.ndarray:
        """Row positions of the first occurrence of each value of a column, in row order."""
        return np.array([idx[0] for idx in positions(self._data[name]).values()], dtype=np.int64)

    def to_pandas(self) -> pd.DataFrame:
        """The table as a pandas DataFrame.

        Object columns stay ``object`` (None for missing), except those of ints with None,
        which become the nullable ``Int64``.
        """
        import pandas as pd

        out = {}
        for k, v in self._data.items():
            if v.dtype == object and _nullable_ints(v):
                out[k] = pd.array(v.tolist(), dtype="Int64")
            elif v.dtype == object:  # keep None (pandas would infer its own string dtype)
                out[k] = pd.Series(v, dtype=object)
            else:
                out[k] = v
        return pd.DataFrame(out, columns=list(self._data), index=pd.RangeIndex(len(self)))

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame) -> Table:
        """A Table of a DataFrame's columns (pandas missing values become None or NaN)."""
        import pandas as pd

        out = {}
        for k in frame.columns:
            s = frame[k]
            if pd.api.types.is_extension_array_dtype(s.dtype) and s.hasnans:
                out[k] = _column([None if pd.isna(v) else v for v in s.tolist()])
            elif s.dtype == object:
                out[k] = _column([None if v is pd.NA else v for v in s.tolist()])
            else:
                out[k] = s.to_numpy()
        return cls(out)


def positions(values: np.ndarray) -> dict[Any, np.ndarray]:
    """Value -> the row positions holding it, in order of first appearance."""
    out: dict[Any, list[int]] = {}
    for i, v in enumerate(values.tolist()):
        out.setdefault(v, []).append(i)
    return {k: np.array(v, dtype=np.int64) for k, v in out.items()}


def _nullable_ints(values: np.ndarray) -> bool:
    """An object column holding only ints (not bools) and None, with at least one of each."""
    has_none = has_int = False
    for v in values.tolist():
        if v is None:
            has_none = True
        elif isinstance(v, int) and not isinstance(v, bool):
            has_int = True
        else:
            return False
    return has_none and has_int


__all__ = ["Table", "positions"]
