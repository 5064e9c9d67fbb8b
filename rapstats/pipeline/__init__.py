"""The one place where the layers are wired: load -> spec -> summarise -> protect -> model.

Every CLI command and the report call these functions, so an export is read, a spec inferred,
columns kept and disclosure control applied the same way whatever the output:

* :func:`open_survey`: load the export with the columns its spec needs (inferring a spec when
  none is given) and collect the notes for stderr;
* :func:`protected_summary` / :func:`summarize_file`: summarise and protect, publishing
  exactly the tables named (only they constrain secondary suppression);
* :func:`comments_file`: quotable, redacted free text;
* :func:`starter_spec`: the spec ``rapstats init`` infers, as TOML;
* :func:`build_report`: the report model (headline, breakdowns, previous wave);
* :func:`compare_files`: the change of every headline share between waves;
* :func:`batch_files`: many exports, each summarised on its own, in worker processes.

Notes are returned, never printed: the CLI shows them only when every step succeeded.
"""

from __future__ import annotations

from rapstats.pipeline.batch import BatchResult, batch_files, expand_exports
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
)

__all__ = [
    "AGAINST",
    "MAX_GROUP_LEVELS",
    "BatchResult",
    "batch_files",
    "expand_exports",
    "Comparison",
    "compare_files",
    "Estimation",
    "Opened",
    "ReadOptions",
    "ReportData",
    "build_report",
    "comments_file",
    "open_survey",
    "protected_summary",
    "redaction_notes",
    "report_data",
    "starter_spec",
    "summarise",
    "summarize_file",
]
