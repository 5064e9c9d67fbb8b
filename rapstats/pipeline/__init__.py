"""The one place where the layers are wired: load -> spec -> summarise -> protect -> model.

Every CLI command and the report call these functions, so an export is read, a spec inferred,
columns kept and disclosure control applied the same way whatever the output:

* :func:`open_survey`: load the export with the columns its spec needs (inferring a spec when
  none is given) and collect the notes for stderr;
* :func:`protected_summary` / :func:`summarize_file`: summarise and protect, publishing
  exactly the tables named (only they constrain secondary suppression);
  :func:`summarize_files`: the same for several exports as waves (:func:`open_waves`,
  named by :func:`wave_names` or the spec's ``[survey] wave``, which also splits one
  export into waves: :func:`opened_waves`), pooled and grouped by ``wave``;
* :func:`comments_file`: quotable, redacted free text;
* :func:`starter_spec`: the spec ``rapstats init`` infers, as TOML;
* :func:`check_file`: the dry run of ``rapstats check`` (a :class:`CheckReport`);
* :func:`build_report`: the report model (headline, breakdowns, earlier waves via compare_files);
* :func:`compare_files`: the change of every share between waves (by group too), and trends;
* :func:`compare_groups`: the differences between the levels of a group of one export, and
  :func:`compare_groups_in_waves` the same in each of several waves
  (:func:`compare_opened` on an export already opened, as the report does).
* :func:`batch_files`: many exports, each summarised on its own, in worker processes.
* :func:`rapstats.pipeline.spark.summarize_spark`: a survey in a Spark DataFrame, counted on
  Spark and estimated here (not imported here: it is loaded with pyspark's engine only).

Each input is read once: the report's export is opened with every column it needs and given
to :func:`compare_files` as the last wave as it was read (an :class:`Opened` in place of a
path), its spec parsed and hashed from one read (:func:`rapstats.spec.read_spec`).

Notes are returned, never printed: the CLI shows them only when every step succeeded.
"""

from __future__ import annotations

from rapstats.pipeline.batch import BatchResult, batch_files, expand_exports
from rapstats.pipeline.between import compare_groups, compare_groups_in_waves, compare_opened
from rapstats.pipeline.check import CheckReport, check_file
from rapstats.pipeline.compare import AGAINST, Comparison, compare_files
from rapstats.pipeline.report import MAX_GROUP_LEVELS, ReportData, build_report, report_data
from rapstats.pipeline.survey import (
    Estimation,
    Opened,
    ReadOptions,
    comments_file,
    open_survey,
    protected_summary,
    redaction_notes,
    starter_spec,
    summarise,
    summarize_file,
    summarize_files,
)
from rapstats.pipeline.waves import open_waves, opened_waves, wave_names

__all__ = [
    "AGAINST",
    "MAX_GROUP_LEVELS",
    "BatchResult",
    "batch_files",
    "expand_exports",
    "CheckReport",
    "Comparison",
    "compare_files",
    "compare_groups",
    "compare_groups_in_waves",
    "compare_opened",
    "Estimation",
    "Opened",
    "ReadOptions",
    "ReportData",
    "build_report",
    "check_file",
    "comments_file",
    "open_survey",
    "open_waves",
    "opened_waves",
    "protected_summary",
    "redaction_notes",
    "report_data",
    "starter_spec",
    "summarise",
    "summarize_file",
    "summarize_files",
    "wave_names",
]
