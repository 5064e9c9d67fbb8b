"""Reading a dataset with Spark for the Spark engine (:mod:`rapstats.io.spark`): every
column as text, hive folders as text, Spark's errors as one-line InputErrors, and the digest
the local loader gives the same dataset."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rapstats.errors import InputError
from rapstats.io import file_sha256
from rapstats.io._spark_checks import refuse_shadowed_folder

_CSV_TAB = (".tsv", ".tab")


def read_dataset(spark: Any, path: str | Path, *, whole_records: bool = False) -> Any:
    """A CSV/TSV file or folder, or a Parquet file or folder, as a Spark DataFrame whose
    columns are all text, as a CSV export is read (a header row; a doubled quote is a quote).

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session to read with.
    path : str or Path
        A local path, or a URL Spark can read (``hdfs://``, ``s3a://``...).
    whole_records : bool
        Read a CSV as records that may hold line breaks in quoted fields (Spark's
        ``multiLine``: one task a file). Default False splits files at line breaks, in
        parallel, and fails (:func:`split_record`) on a record of another number of fields,
        as a quoted line break makes: read it again with True.
    """
    text = str(path)
    local = "://" not in text
    if local and not Path(text).exists():
        raise InputError("does not exist", path=text, hint="check the path of the dataset")
    parquet = text.casefold().endswith((".parquet", ".pq"))
    if local and not parquet:
        from rapstats.io.columnar import columnar_format

        parquet = columnar_format(Path(text)) == "parquet"
    if local and parquet and Path(text).is_dir():
        refuse_shadowed_folder(Path(text))
    files = _local_parts(Path(text), parquet) if local else None
    reader = spark.read if files is None else spark.read.option("basePath", text)
    source = text if files is None else [str(f) for f in files]
    with _text_partitions(spark):
        if parquet:
            return reader.parquet(*([source] if files is None else source))
        tab = all(str(f).casefold().endswith(_CSV_TAB) for f in (files or [text]))
        return reader.csv(
            source,
            header=True,
            inferSchema=False,
            enforceSchema=False,  # every file's header row checked against the first's
            multiLine=whole_records,
            mode="PERMISSIVE" if whole_records else "FAILFAST",
            escape='"',
            sep="\t" if tab else ",",
        )


def _local_parts(path: Path, parquet: bool) -> list[Path] | None:
    """The parts of a local folder Spark is to read: the files the local loader reads, in
    its order (not Spark's own listing, which takes any file not named ``_*`` or ``.*``);
    CSV parts with the local loader's check of their header rows, a part with a header row
    only left out. None for a file."""
    from rapstats.io.columnar import _files
    from rapstats.io.parts import _check_headers, no_responses, text_parts

    if not path.is_dir():
        return None
    if parquet:
        return _files(path)
    headers = _check_headers(text_parts(path) or [], "plain", None)
    if not headers:
        raise no_responses(path)
    parts = list(headers)
    for part in parts[1:]:  # the same columns (checked): in the same order?
        if list(headers[part]) != list(headers[parts[0]]):
            raise InputError(
                f"orders its columns otherwise than the first part, {parts[0].name}: Spark "
                "reads the columns of CSV parts by position",
                path=part,
                hint="give every part the same header row in the same order, or leave out "
                "--engine spark (the local engine matches columns by name)",
            )
    if len({f.suffix.casefold() in _CSV_TAB for f in parts}) > 1:
        raise InputError(
            "mixes tab- and comma-separated parts",
            path=path,
            hint="give every part of the survey the same format",
        )
    return parts


_INFER_PARTITIONS = "spark.sql.sources.partitionColumnTypeInference.enabled"


@contextmanager
def _text_partitions(spark: Any) -> Iterator[None]:
    """Read hive folders (``area=01/``) as text while a dataset is opened, as the local
    reader does: ``area=01`` and ``area=1`` stay two labels, never the number 1 (the
    session's own setting is restored after)."""
    before = spark.conf.get(_INFER_PARTITIONS, None)
    spark.conf.set(_INFER_PARTITIONS, "false")
    try:
        yield
    finally:
        if before is None:
            spark.conf.unset(_INFER_PARTITIONS)
        else:
            spark.conf.set(_INFER_PARTITIONS, before)


@contextmanager
def unreadable(path: str | Path) -> Iterator[None]:
    """Make a dataset Spark cannot read (an empty or corrupt file, two columns of one name)
    a one-line :class:`InputError` naming it, with Spark's own reason, not a traceback."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        yield
    except (PySparkException, Py4JJavaError) as exc:
        reasons, cause = [str(exc).splitlines()[0]], getattr(exc, "java_exception", None)
        while cause is not None:  # Java's chain of causes: Spark's error class, if any
            reasons.append(str(cause.getMessage() or ""))
            cause = cause.getCause()
        reason = next((r for r in reasons if r.startswith("[")), reasons[-1])
        raise InputError(
            f"Spark cannot read it ({' '.join(reason.split())[:160]})",
            path=str(path),
            hint="check the files were written whole by Arrow, pandas or Spark",
        ) from None


def split_record(exc: Exception) -> bool:
    """Whether a Spark error is a CSV record of another number of fields (see
    :func:`read_dataset`)."""
    return "MALFORMED_RECORD" in str(exc) or "Malformed records" in str(exc)


def dataset_sha256(path: str | Path) -> str:
    """The sha256 of a local dataset as the local loader gives it: of the file, or of a
    folder's parts (their names and digests); empty for a URL."""
    from rapstats.io.columnar import columnar_digest, columnar_format
    from rapstats.io.parts import parts_digest

    p = Path(path)
    if "://" in str(path) or not p.exists():
        return ""
    if p.is_file():
        return file_sha256(p)
    return columnar_digest(p) if columnar_format(p) else parts_digest(p)
