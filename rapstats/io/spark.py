"""Read a survey held in Spark and count its answers there: the load step of the Spark
engine (:mod:`rapstats.pipeline.spark`).

Spark computes only aggregated cells. :func:`plan_frame` chooses the columns as the local
loader does (personal-data columns by header are never selected), each read as text;
:func:`count_frame` then runs one job: the non-blank rows are unpivoted into one row per
question (``explode`` of an array of (question, its columns' values)) and counted with one
``groupBy(group keys, question, values).count()``. What comes back is, per question, each
distinct combination of raw group values and raw answers with the number of rows holding it:
an :class:`~rapstats.io.Export` of those combinations and their frequencies, which the local
code labels, normalises and counts as it would the whole export (labels are matched on
distinct values there too). No Python runs on Spark's side.

As the local loader: values are trimmed (with Arrow's notion of white space, written out in
:data:`SPACE` for Spark), blanks are missing, and rows blank in every column read are left
out. A group derived from a timestamp is counted by year and month (``2024-07``), what its
period depends on, when the value is an ISO date; other values are counted as they are.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np

from rapstats.io import Coded, Export
from rapstats.io._layout import Layout, column_key
from rapstats.io._personal import personal_columns
from rapstats.io._spark_checks import refuse_nested_frame
from rapstats.io._spark_read import dataset_sha256, read_dataset, split_record, unreadable
from rapstats.io._spark_weights import ODD_LIMIT, Limbs, WeightRange, limb_columns, weight_range
from rapstats.io._text import to_coded
from rapstats.io._tidy import choose_columns

SPARK_EXTRA = 'pip install "rapstats[spark]"'
"""How to install the Spark engine's dependency (pyspark)."""

SPACE = (
    r"\t\n\x0B\f\r\x1C-\x1F \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}"
    r"\x{205F}\x{3000}"
)
"""The characters Arrow's ``utf8_trim_whitespace`` trims, as a Java regex character class
body (what the local loader trims from every value)."""

_ISO = rf"(?s)^[{SPACE}]*(\d{{4}})-(\d{{2}})(?:-(\d{{2}}))?(?:[T ].*|[{SPACE}]*)$"


@dataclass(frozen=True, slots=True)
class FramePlan:
    """The columns of a DataFrame to count (see :func:`plan_frame`).

    Attributes
    ----------
    frame : pyspark.sql.DataFrame
        The columns read, as text, named ``c0``, ``c1``...
    names : tuple of str
        Their export names (the DataFrame's, trimmed), in the same order.
    dropped : tuple of str
        Personal-data columns left out by header.
    path : str
        The dataset, as errors and the input block name it.
    kept : frozenset of str
        The personal-data columns the spec keeps (as :func:`rapstats.io._layout.column_key`).
    """

    frame: Any
    names: tuple[str, ...]
    dropped: tuple[str, ...]
    path: str
    kept: frozenset[str] = frozenset()

    def nonblank(self) -> Any:
        """The frame's rows not blank in every column read."""
        return _nonblank(self)

    def alias(self, column: str) -> str | None:
        """The frame's name (``c3``) of an export column, matched as the loader matches
        headers; None if it was not read."""
        key = column_key(column)
        return next((f"c{i}" for i, n in enumerate(self.names) if column_key(n) == key), None)

    def empty(self, leave_out: tuple[str, ...] = ()) -> Export:
        """An export of no responses with the columns read (but ``leave_out``): to check a
        spec's columns before anything is counted."""
        none = Coded(np.zeros(0, dtype=np.int32), ())
        data = {n: none for n in self.names if n not in leave_out}
        return self.export(data, np.zeros(0), by_content=leave_out)

    def export(
        self, columns: dict[str, Coded], row_numbers: np.ndarray, by_content: tuple[str, ...] = ()
    ) -> Export:
        """An Export of the dataset with these columns and rows (and, as the loader says,
        the personal-data columns left out by header and ``by_content``)."""
        dropped = (*self.dropped, *by_content)
        left = tuple(
            {"what": "columns", "columns": list(names), "reason": f"personal data (by {how})"}
            for names, how in ((self.dropped, "header"), (by_content, "contents"))
            if names
        )
        return Export(
            path=Path(self.path),
            platform="plain",
            columns=columns,
            row_numbers=np.asarray(row_numbers, dtype=np.int64),
            sha256="",
            dropped=dropped,
            notes=("left out personal data: " + ", ".join(dropped),) if dropped else (),
            left_out=left,
        )


def plan_frame(frame: Any, columns: list[str], keep: tuple[str, ...], path: str) -> FramePlan:
    """The columns of ``frame`` to read for a spec's ``columns`` (as
    :func:`rapstats.io.load_export` chooses them: personal-data columns by header are left
    out unless named in ``keep``), each cast to text. Runs no Spark job."""
    names = tuple(str(n).lstrip("\ufeff").strip() for n in frame.columns)
    layout = Layout("plain", 0, 1, names, {})
    include, out_names, dropped = choose_columns(layout, columns, keep)
    refuse_nested_frame(frame, include, names, path)
    # by position: a name holding dots, brackets or backticks is not a path into the frame
    positional = frame.toDF(*[f"p{i}" for i in range(len(names))])
    selected = positional.select(
        [positional[f"p{i}"].cast("string").alias(f"c{k}") for k, i in enumerate(include)]
    )
    kept = frozenset(column_key(k) for k in keep)
    return FramePlan(selected, tuple(out_names), tuple(dropped), path, kept)


@dataclass(frozen=True, slots=True)
class Counted:
    """What Spark counted: per unit (a question's columns), an Export of the distinct
    combinations of the key columns and the unit's columns, and the rows holding each."""

    parts: tuple[Export, ...]
    frequency: tuple[np.ndarray, ...]
    rows: int
    by_content: tuple[str, ...]  # columns counted that hold personal data by their contents
    # per unit, each combination's sums of weight limbs, and its blank weights last
    limbs: tuple[np.ndarray, ...] = ()

    @property
    def blank_weights(self) -> int:
        """Responses whose weight is blank (every unit counts every response)."""
        return int(self.limbs[0][:, -1].sum()) if self.limbs else 0


def count_frame(
    plan: FramePlan,
    keys: tuple[str, ...],
    dates: tuple[str, ...],
    units: tuple[tuple[str, ...], ...],
    limbs: Limbs | None = None,
) -> Counted:
    """Count, in one Spark job, the distinct combinations of the ``keys`` columns (groups;
    those in ``dates`` counted by month, see the module notes) with each unit's columns,
    over the rows not blank in every column read; with ``limbs``, also sum the limbs of
    their weights (:mod:`rapstats.io._spark_weights`).

    Parameters
    ----------
    plan : FramePlan
        The columns read.
    keys : tuple of str
        Export columns counted with every unit (grouping variables).
    dates : tuple of str
        Those of ``keys`` a group derives a period from.
    units : tuple of tuple of str
        Export columns counted together (one question's), one tuple per question.
    limbs : Limbs, optional
        The weight column and the limbs of it to sum (default None: counts only).
    """
    from pyspark.sql import functions as F

    key_cols = [c for c in keys if plan.alias(c) is not None]
    groups = [f"k{i}" for i in range(len(key_cols))]
    present = [tuple(c for c in u if plan.alias(c) is not None) for u in units] or [()]
    values = [F.col(plan.alias(c)) for c in _columns(present)]
    # the keys once a row, before the rows are multiplied (a date's reads its parts first)
    read = [_parts(F.col(plan.alias(c)), f"k{i}", c in dates) for i, c in enumerate(key_cols)]
    sums = limb_columns(plan, limbs, SPACE) if limbs is not None else []
    named = limbs.names() if limbs is not None else []
    split = _nonblank(plan).select(*[p for key in read for p in key], *values, *sums)
    keyed = split.select(
        *[_key(F, f"k{i}", c in dates) for i, c in enumerate(key_cols)], *values, *named
    )
    structs = [
        F.struct(F.lit(j).alias("q"), F.array(*[F.col(plan.alias(c)) for c in u]).alias("v"))
        for j, u in enumerate(present)
    ]
    rows = keyed.select(*groups, *named, F.explode(F.array(*structs)).alias("u"))
    grouped = rows.groupBy(*groups, F.col("u.q").alias("q"), F.col("u.v").alias("v")).agg(
        F.count("*").alias("count"), *[F.sum(n).alias(n) for n in named]
    )
    # one partition, sorted there: the same order every run, without a sampling job
    table = collect_arrow(grouped.coalesce(1).sortWithinPartitions("q", *groups, "v"))
    import pyarrow.compute as pc

    parts, freqs, sums = [], [], []
    for j, unit in enumerate(present):
        mine = table.filter(pc.equal(table["q"], j))
        data = _coded(mine, key_cols, unit)
        parts.append(plan.export(data, np.arange(2, mine.num_rows + 2)))
        freqs.append(mine["count"].to_numpy().astype(np.int64))
        if named:  # null sums: the combination's weights are blank (the error path)
            columns = [mine[n].fill_null(0).to_numpy() for n in named]
            sums.append(np.column_stack(columns).astype(np.int64))
    total = int(freqs[0].sum()) if freqs else 0
    # personal data by contents, as the loader looks for it: in the distinct combinations,
    # each weighted by the rows it stands for (every unit counts every row)
    checked, rows = {}, {}
    for part, freq in zip(parts, freqs, strict=True):
        for c, col in part.columns.items():
            if column_key(c) not in plan.kept:
                checked[c], rows[c] = col, freq
    by_content = tuple(personal_columns(checked, rows))
    return Counted(tuple(parts), tuple(freqs), total, by_content, tuple(sums))


def first_rows(plan: FramePlan, keys: tuple[str, ...], unit: tuple[str, ...]) -> Export:
    """The responses of ``keys`` and ``unit`` as an export of every row, as the local loader
    reads them for an error: each distinct combination at its first spreadsheet row (the
    header is row 1, as for a Parquet file), in that order, then its other rows (with the
    same number). Memory grows with the rows: only for an error."""
    from pyspark.sql import functions as F

    cols = [c for c in dict.fromkeys((*keys, *unit)) if plan.alias(c) is not None]
    ided = plan.frame.select("*", F.monotonically_increasing_id().alias("_id"))
    part = F.shiftright(F.col("_id"), 33)
    sizes = collect_arrow(ided.groupBy(part.alias("p")).count()).to_pydict()
    offset = dict.fromkeys(sizes["p"], 0)
    at = 0
    for p, n in sorted(zip(sizes["p"], sizes["count"], strict=True)):
        offset[p] = at
        at += n
    found = _nonblank(plan, ided).groupBy(*[F.col(plan.alias(c)) for c in cols])
    table = collect_arrow(found.agg(F.count("*").alias("count"), F.min("_id").alias("first")))
    first = table["first"].to_numpy()
    rank = np.array([offset[p] for p in (first >> 33).tolist()], dtype=np.int64)
    rank += first & ((1 << 33) - 1)
    order = np.argsort(rank, kind="stable")
    freq = table["count"].to_numpy()[order]
    rows = np.repeat(order, freq)  # each combination's rows, the first of them first
    lead = np.cumsum(freq) - freq
    rows = np.concatenate([rows[lead], np.delete(rows, lead)])
    data = {c: _coded_column(table[plan.alias(c)]) for c in cols}
    data = {c: Coded(col.codes[rows], col.categories) for c, col in data.items()}
    return plan.export(data, rank[rows] + 2)


def _columns(units: list[tuple[str, ...]]) -> list[str]:
    """The columns of every unit, once each."""
    return list(dict.fromkeys(c for u in units for c in u))


def collect_arrow(frame: Any) -> Any:
    """A (small) Spark DataFrame as a pyarrow Table, through Arrow."""
    import pyarrow as pa

    with warnings.catch_warnings():  # pyspark warns about pandas versions it has not tried
        warnings.simplefilter("ignore", FutureWarning)
        if hasattr(frame, "toArrow"):  # pyspark 4
            return frame.toArrow()
        frame.sparkSession.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
        return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)


def _nonblank(plan: FramePlan, frame: Any = None) -> Any:
    """The rows of ``frame`` (default the plan's) not blank in every column read."""
    from pyspark.sql import functions as F

    frame = plan.frame if frame is None else frame
    if not plan.names:
        return frame
    filled = [F.col(f"c{i}").rlike(f"[^{SPACE}]") for i in range(len(plan.names))]
    return frame.filter(reduce(lambda a, b: a | b, filled))


def _parts(column: Any, name: str, date: bool) -> list[Any]:
    """A group's column, and for a date its ISO year, month and day (empty if it is none)."""
    from pyspark.sql import functions as F

    if not date:
        return [column.alias(name)]
    parts = [F.regexp_extract(column, _ISO, i).alias(f"{name}_{i}") for i in (1, 2, 3)]
    return [column.alias(name), *parts]


def _key(F: Any, name: str, date: bool) -> Any:  # noqa: N803 - pyspark's functions
    """A group's column as counted (from :func:`_parts`): a date's year and month when it is
    a valid ISO date (its period depends on nothing else), else the value as it is."""
    column = F.col(name)
    if not date:
        return column
    y, m, d = (F.col(f"{name}_{i}") for i in (1, 2, 3))
    year, month, day = (_int(part) for part in (y, m, d))
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = (
        F.when(month == 2, F.when(leap, 29).otherwise(28))
        .when(month.isin(4, 6, 9, 11), 30)
        .otherwise(31)
    )
    valid = (year >= 1) & month.between(1, 12) & ((d == "") | day.between(1, days))
    part = F.concat(y, F.lit("-"), m, F.when(d == "", "").otherwise(F.concat(F.lit("-"), d)))
    month_key = F.concat(y, F.lit("-"), m)
    key = F.when(y == "", column).when(valid, month_key).otherwise(part)
    return key.alias(name)


def _int(text: Any) -> Any:
    """A string column of digits as an int (null when empty), in any ANSI mode."""
    from pyspark.sql import functions as F

    return F.when(text == "", F.lit(None)).otherwise(text).cast("long")


def _coded(table: Any, keys: list[str], unit: tuple[str, ...]) -> dict[str, Coded]:
    """The key columns (``k0``...) and the unit's values (list column ``v``) as Coded."""
    import pyarrow.compute as pc

    data = {c: _coded_column(table[f"k{i}"]) for i, c in enumerate(keys)}
    for i, c in enumerate(unit):
        data.setdefault(c, _coded_column(pc.list_element(table["v"], i)))
    return data


def _coded_column(values: Any) -> Coded:
    """A string column as the loader codes it (trimmed; blank = missing)."""
    import pyarrow as pa

    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if len(values) == 0:
        return Coded(np.zeros(0, dtype=np.int32), ())
    return to_coded(values)


__all__ = [
    "ODD_LIMIT",
    "SPACE",
    "SPARK_EXTRA",
    "Counted",
    "FramePlan",
    "Limbs",
    "WeightRange",
    "collect_arrow",
    "count_frame",
    "dataset_sha256",
    "first_rows",
    "plan_frame",
    "read_dataset",
    "split_record",
    "unreadable",
    "weight_range",
]
