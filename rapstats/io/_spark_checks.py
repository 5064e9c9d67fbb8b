"""The inputs the local columnar reader refuses, refused on Spark too with the same one-line
errors (:mod:`rapstats.io._columnar_checks`): nested columns, and hive folders named after a
column of the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rapstats.io._columnar_checks import refuse_nested, refuse_shadowed


def refuse_nested_frame(frame: Any, include: list[int], names: tuple[str, ...], path: str) -> None:
    """Refuse a column to read (``include``: positions in ``frame``, named ``names``) whose
    values are arrays, maps or structs, with their Arrow type as the local reader names it."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_type
    from pyspark.sql.types import ArrayType, MapType, StructType

    fields = frame.schema.fields
    kinds = (ArrayType, MapType, StructType)
    nested = [i for i in include if isinstance(fields[i].dataType, kinds)]
    schema = pa.schema([pa.field(names[i], to_arrow_type(fields[i].dataType)) for i in nested])
    refuse_nested(Path(path), schema, [names[i] for i in nested])


def refuse_shadowed_folder(path: Path) -> None:
    """Refuse a local folder of Parquet parts with hive folders (``area=North/``) named after
    a column of the files: Spark would read one of the two."""
    from rapstats.io.columnar import _base, _dataset, _files

    files = _files(path)
    if files:
        refuse_shadowed(path, _dataset(path, files, "parquet", _base(path, files), None))
