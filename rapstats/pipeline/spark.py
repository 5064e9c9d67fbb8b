"""The Spark engine: count a survey on Spark, estimate, protect and render it here.

:func:`summarize_spark` takes a Spark DataFrame (``rapstats summarize --engine spark`` reads
one with :func:`summarize_dataset`). Spark computes only aggregated cells, in one job
(:func:`rapstats.io.spark.count_frame`): for every question, each distinct combination of
raw group values and raw answers with the rows holding it. Only those come back. Each
question's combinations are labelled and normalised by the local code
(:func:`rapstats.normalise.normalise`, which matches labels on distinct values here as on a
whole export) and counted with their frequencies (:func:`rapstats.aggregate.aggregate`); the
counts of all questions are the :class:`~rapstats.aggregate.Counts` the local engine makes,
and estimation, protection and rendering run on them as they do there. The output is the
same bytes.

Errors are the local engine's: every question's labels are checked before any group's values,
in spec order, and an unknown label (or a date that does not exist) is looked up again on
Spark with the row it first appears in (:func:`rapstats.io.spark.first_rows`).

Weights and full designs (``[survey] weight``, ``strata``, ``ids``, ``fpc``) are counted too,
with the same bytes: every published sum of weights is the exactly rounded sum of its terms
(:mod:`rapstats.aggregate`), whatever the order Spark adds them in. The design columns are
counted with the groups; the weight is read on Spark as the local engine reads it, and each
combination's sums of the scaled weights and of their squares come back as exact integer
limbs (:mod:`rapstats.io._spark_weights`, :mod:`rapstats.pipeline._spark_weights`): one job
for the weights' range (their scale), one for the cells. ``[survey] include``, waves and
codebooks need the local engine and are refused.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapstats.errors import RapstatsError, SpecError
from rapstats.pipeline.survey import Estimation

if TYPE_CHECKING:
    from rapstats.aggregate import Counts
    from rapstats.estimate.summary import Summary
    from rapstats.io.spark import Counted, FramePlan
    from rapstats.normalise import Responses
    from rapstats.spec import Spec

DEFAULT_MASTER = "local[*]"
_LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
_JVM_NOISE = ("WARNING: Using incubator modules",)
_SPEC_METHODS = Estimation()  # no overrides: the spec's methods


def summarize_spark(
    dataframe: Any,
    spec: str | Path | Spec,
    *,
    by: tuple[str, ...] = (),
    estimation: Estimation = _SPEC_METHODS,
    publish: tuple[str, ...] = ("rows",),
    unsafe_no_suppression: bool = False,
    path: str | Path | None = None,
) -> tuple[Summary, tuple[str, ...]]:
    """Summarise and protect a survey held in a Spark DataFrame, counted on Spark.

    The same summary as :func:`rapstats.pipeline.summarize_file` gives of the same responses
    read from a file (see the module notes for what runs where).

    Parameters
    ----------
    dataframe : pyspark.sql.DataFrame
        One row per response, one column per export column (any type: values are read as
        text, as from a CSV).
    spec : str, Path or Spec
        The survey spec (a spec is needed: inference reads every value).
    by : tuple of str
        Grouping variables (default none).
    estimation : Estimation
        Overrides of the spec's methods (default none).
    publish : tuple of str
        ``"rows"`` and/or ``"frequencies"`` (default ``("rows",)``).
    unsafe_no_suppression : bool
        Do not suppress small cells (default False).
    path : str or Path, optional
        The dataset the DataFrame was read from, named in the input block with its sha256 (a
        local file or folder); default None names it "Spark DataFrame", without a digest.

    Returns
    -------
    summary : Summary
        Protected; publish it through :mod:`rapstats.render`.
    notes : tuple of str
        What the user should be told (responses read, columns left out, where it was counted).

    Raises
    ------
    RapstatsError
        As the local engine; also for a spec the Spark engine does not count (``[survey]
        include``, waves, codebooks).
    """
    from rapstats.aggregate import aggregate
    from rapstats.estimate.summary import applied_spec, summary_from_counts
    from rapstats.estimate.wordings import source_of, wording_notes
    from rapstats.io.spark import count_frame, dataset_sha256, plan_frame
    from rapstats.pipeline._spark_weights import row_sums, weight_limbs
    from rapstats.pipeline.survey import redaction_notes
    from rapstats.protect import protect
    from rapstats.spec import Spec, load_spec

    spec = spec if isinstance(spec, Spec) else load_spec(spec)
    _refuse(spec, publish)
    applied, names = applied_spec(spec, by, **asdict(estimation))
    columns, keep = applied.load_columns(names)
    name = str(path) if path is not None else "Spark DataFrame"
    plan = plan_frame(dataframe, columns, keep, name)
    keys, dates = _keys(applied, names)
    units = tuple(q.source_columns for q in applied.estimated_questions)
    if not units:
        raise SpecError("the spec has no question to estimate", hint="add a question to it")
    limbs, bad = weight_limbs(plan, applied.design.weight)
    counted = count_frame(plan, keys, dates, units, limbs)
    if counted.rows == 0:
        from rapstats.errors import InputError

        raise InputError("has no responses", path=name, hint="check the dataset holds responses")
    bad = bad or counted.blank_weights > 0  # a blank weight is found with the cells
    responses = _normalised(plan, counted, applied, names, keys, bad)
    counts = _merged(
        [
            aggregate(r, names, frequency=f, sums=row_sums(r, f, part, limbs))
            for r, f, part in zip(responses, counted.frequency, _limbs(counted), strict=True)
        ]
    )
    first = replace(responses[0], columns={k: v for r in responses for k, v in r.columns.items()})
    export = replace(counted.parts[0], sha256=dataset_sha256(path) if path is not None else "")
    source = source_of(export, first) | {"rows_read": counted.rows}
    notes = wording_notes(applied, [(None, first)])
    raw = summary_from_counts(
        counts, applied, source, notes, with_frequencies="frequencies" in publish
    )
    summary = protect(raw, unsafe_no_suppression=unsafe_no_suppression, publish=publish)
    master = dataframe.sparkSession.sparkContext.master
    told = [f"read {counted.rows} responses from {name} ({export.platform})"]
    if export.dropped:
        told.append("dropped personal-data columns: " + ", ".join(export.dropped))
    told += [*export.notes, f"counted on Spark ({master})"]
    return summary, (*told, *redaction_notes(summary))


def summarize_dataset(
    path: str | Path,
    spec: str | Path | Spec | None,
    *,
    master: str = DEFAULT_MASTER,
    **options: Any,
) -> tuple[Summary, tuple[str, ...]]:
    """Read a dataset with Spark and :func:`summarize_spark` it: the body of ``rapstats
    summarize --engine spark``.

    Parameters
    ----------
    path : str or Path
        A CSV/TSV or Parquet file or folder, or a URL Spark reads
        (:func:`rapstats.io.spark.read_dataset`). A CSV is read split at line breaks, and
        again a record at a time if a quoted line break splits a record.
    spec : str, Path or Spec
        The survey spec; None is a SpecError (a spec is not inferred on Spark).
    master : str
        The Spark master (default ``local[*]``), for a session started here and stopped at
        the end (:func:`spark_session`).
    **options
        Keyword arguments of :func:`summarize_spark`.
    """
    from rapstats.io.spark import read_dataset, split_record, unreadable

    if spec is None:
        raise SpecError(
            "the Spark engine needs a spec (inferring one reads every value)",
            hint="give --spec (write one with `rapstats init` on a sample of the export)",
        )
    with spark_session(master) as spark, unreadable(path):
        try:
            return summarize_spark(read_dataset(spark, path), spec, path=path, **options)
        except Exception as exc:  # a quoted line break: read again, a record at a time
            if not split_record(exc):
                raise
        frame = read_dataset(spark, path, whole_records=True)
        return summarize_spark(frame, spec, path=path, **options)


@contextmanager
def spark_session(master: str = DEFAULT_MASTER) -> Iterator[Any]:
    """A quiet SparkSession on ``master`` (logging only fatal errors, no progress bars, no files in
    the working folder), stopped at the end; a session already active in this process is
    used as it is, and left running."""
    try:
        with warnings.catch_warnings():  # pyspark warns about pandas versions it has not tried
            warnings.simplefilter("ignore", FutureWarning)
            from pyspark import SparkConf, SparkContext
            from pyspark.sql import SparkSession
    except ImportError:
        from rapstats.io.spark import SPARK_EXTRA

        raise RapstatsError(
            "--engine spark needs pyspark, which is not installed", hint=SPARK_EXTRA
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rapstats-spark-") as scratch:
        conf = (
            SparkConf()
            .setMaster(master)
            .setAppName("rapstats")
            .set("spark.ui.enabled", "false")
            .set("spark.ui.showConsoleProgress", "false")
            .set("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
            .set("spark.local.dir", scratch)
            .set("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG_CONFIG}")
        )
        gateway = _started(master, lambda: _quiet_gateway(conf))
        with warnings.catch_warnings():  # pyspark warns about pandas versions it has not tried
            warnings.simplefilter("ignore", FutureWarning)
            context = _started(master, lambda: SparkContext(conf=conf, gateway=gateway), gateway)
            context.setLogLevel("FATAL")
            session = SparkSession(context)
        try:
            yield session
        finally:
            context.stop()
            gateway.shutdown()
            gateway.proc.stdin.close()  # Spark's JVM exits when its stdin closes
            gateway.proc.wait()
            SparkContext._gateway = None  # the next session launches its own JVM
            SparkContext._jvm = None


def _started(master: str, start: Callable[[], Any], gateway: Any = None) -> Any:
    """``start()``, or a one-line error when Spark cannot start (no Java, a bad master URL);
    the JVM of ``gateway`` is ended then."""
    try:
        return start()
    except Exception as exc:  # pyspark and py4j raise their own kinds
        if gateway is not None:
            gateway.proc.kill()
            from pyspark import SparkContext

            SparkContext._gateway = SparkContext._jvm = None
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise RapstatsError(
            f"Spark could not start on master {master} ({first.strip()[:200]})",
            hint="check --master, and that Java 17 or later is installed (Debian: apt-get "
            "install default-jre-headless)",
        ) from None


def _quiet_gateway(conf: Any) -> Any:
    """Launch Spark's JVM with its start-up notices left out of stderr (the rest passes); its
    stderr is read from the start, so that it never fills and blocks."""
    from pyspark.java_gateway import launch_gateway

    read, write = os.pipe()

    def forward() -> None:
        with os.fdopen(read, "rb") as lines:
            for line in lines:
                text = line.decode(errors="replace")
                if not text.startswith(_JVM_NOISE):
                    sys.__stderr__.write(text)

    threading.Thread(target=forward, daemon=True).start()
    try:
        return launch_gateway(conf, popen_kwargs={"stderr": write})
    finally:
        os.close(write)  # the JVM holds its own end


def _refuse(spec: Spec, publish: tuple[str, ...]) -> None:
    """A one-line error for what the Spark engine does not count."""
    refused = [
        ("[survey] include", bool(spec.include)),
        ("waves ([survey] wave)", spec.wave is not None),
        ("a codebook ([survey] codebook)", spec.codebook is not None),
        ("who responded (--profile)", "profile" in publish),
    ]
    for what, found in refused:
        if found:
            raise SpecError(
                f"the Spark engine counts specs without {what}",
                hint="use the local engine (leave out --engine spark)",
            )


def _keys(spec: Spec, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The export columns of the groups ``names`` and of the design (strata, ids, fpc), and
    those counted as dates (every group reading them derives a period)."""
    groups = [spec.group(n) for n in names]
    d = spec.design
    design = [c for c in (d.strata, d.ids, d.fpc) if c]
    keys = tuple(dict.fromkeys([*(g.column for g in groups), *design]))
    raw = {g.column for g in groups if not g.derive} | set(design)
    dates = tuple(c for c in keys if c not in raw)
    return keys, dates


def _limbs(counted: Counted) -> Iterator[Any]:
    """Each unit's sums of weight limbs (None each when Spark summed no weights)."""
    yield from counted.limbs or [None] * len(counted.parts)


def _normalised(
    plan: FramePlan,
    counted: Counted,
    spec: Spec,
    names: tuple[str, ...],
    keys: tuple[str, ...],
    bad_weights: bool,
) -> list[Responses]:
    """Each question's combinations normalised, with the local engine's first error: every
    question in spec order (its columns, then its labels), then the groups, the weights and
    the design. A question whose columns were not read (or hold personal data) fails on the
    columns the local loader would have read; a label, date, weight or design error is raised
    again over every row, looked up on Spark (:func:`rapstats.io.spark.first_rows`), to name
    its first row and count its rows. The weight is not read here (Spark summed it): the
    design is coded from the combinations (:func:`rapstats.pipeline._spark_weights.design_of`)."""
    from rapstats.io.spark import first_rows
    from rapstats.normalise import normalise
    from rapstats.pipeline._spark_weights import design_of, weight_error
    from rapstats.spec import Design

    loaded = plan.empty(counted.by_content)  # the columns the local loader keeps
    bare = replace(spec, design=Design())  # questions first, as the local engine codes them
    for q, part in zip(spec.estimated_questions, counted.parts, strict=True):
        one = replace(bare, questions=(q,))
        normalise(loaded, one)
        try:
            normalise(part, one)
        except RapstatsError:
            normalise(first_rows(plan, keys, q.source_columns), one)
            raise
    normalise(loaded, spec, by=names)  # the groups', weight's and design's columns
    if bad_weights:  # the groups' values first (each part holds every row's)
        try:
            normalise(counted.parts[0], replace(bare, questions=()), by=names)
        except RapstatsError:
            normalise(first_rows(plan, keys, ()), replace(bare, questions=()), by=names)
            raise
        weight_error(plan, spec)
    unweighted = replace(spec, design=replace(spec.design, weight=None))
    out = []
    for q, part, f in zip(spec.estimated_questions, counted.parts, counted.frequency, strict=True):
        one = replace(unweighted, questions=(q,))
        try:
            out.append(design_of(normalise(part, one, by=names), f))
        except RapstatsError:
            normalise(first_rows(plan, keys, q.source_columns), one, by=names)
            raise
    return out


def _merged(parts: list[Counts]) -> Counts:
    """The counts of every question, each counted on its own over the same cells."""
    import numpy as np

    from rapstats.table import Table

    first = parts[0]
    for other in parts[1:]:  # every question's combinations hold every response once
        assert np.array_equal(other.respondents, first.respondents)
    table = {c: np.concatenate([p.table[c] for p in parts]) for c in first.table.columns}
    answers = {q: a for p in parts for q, a in p.answers.items()}
    design = first.design
    if design is not None:  # every question's combinations hold every unit: the same units
        sums = {k: np.concatenate([p.design.sums[k] for p in parts]) for k in design.sums}
        design = replace(design, sums=sums)
    return replace(first, table=Table(table), answers=answers, design=design)


__all__ = ["DEFAULT_MASTER", "spark_session", "summarize_dataset", "summarize_spark"]
