"""The survey spec: which columns are questions, how answers are scored, how to group.

A spec is a TOML file (read with :mod:`tomllib`) or is inferred from an export by
:func:`rapstats.spec.infer.infer_spec`. Every key is validated: an unknown key, a wrong type or a
value outside its range (field metadata in :mod:`~rapstats.spec.model`; NaN and infinity
anywhere) is a :class:`~rapstats.errors.SpecError` naming the TOML path and the fix.

The package: :mod:`~rapstats.spec.model` (the dataclasses), :mod:`~rapstats.spec.parse`
(:func:`load_spec`, :func:`read_spec`, :func:`parse_spec`), :mod:`~rapstats.spec.toml`
(:func:`spec_to_toml`, :func:`spec_to_dict`) and :mod:`~rapstats.spec.infer`
(:func:`~rapstats.spec.infer.infer_spec`).

Example
-------
.. code-block:: toml

    [survey]
    title = "Race Action Plan: community feedback"
    timestamp = "Submitted"          # optional: derives quarter/month/year groups
    weight = "weight"                # optional: a weight column
    strata = "region"                # optional full design: strata, clusters (PSUs) and
    ids = "school"                   #   the population of PSUs per stratum (or sampling
    fpc = "pop_schools"              #   fraction): estimated as R survey does

    [scales.confidence]
    options = ["Very confident", "Fairly confident", "Not very confident",
               "Not at all confident", "Don't know"]
    positive = ["Very confident", "Fairly confident"]
    exclude = ["Don't know"]

    [questions.confident]
    column = "How confident are you that the plan is improving policing?"
    text = "Confident the plan is improving policing for Black and ethnic minority people"
    workstream = "Respected"
    scale = "confidence"
    baseline = { p = 0.30, source = "National survey 2024" }

    [groups.area]
    column = "Area"

    [groups.quarter]
    column = "Submitted"
    derive = "quarter"

Conventions
-----------
* The **base** of a question is the respondents whose answer is on its scale and not excluded.
  Blank answers are excluded unless ``exclude_blank = false`` (then a blank counts in the base
  as not positive). Excluded answers default to the scale's ``exclude`` list, or the survey's
  ``[defaults].exclude``.
* Labels are matched case- and whitespace-insensitively, with curly apostrophes and dashes
  folded (``Don’t  KNOW`` matches ``Don't know``).
"""

from __future__ import annotations

from rapstats.labels import fold_label, is_other_label
from rapstats.spec.model import (
    ADJUST_FAMILIES,
    DEFAULT_EXCLUDE,
    DERIVES,
    QUESTION_TYPES,
    Baseline,
    Derive,
    Design,
    Disclosure,
    Group,
    LoadColumns,
    Methods,
    Question,
    QuestionType,
    ReportInfo,
    Spec,
)
from rapstats.spec.parse import SpecFile, load_spec, parse_spec, read_spec
from rapstats.spec.toml import spec_to_dict, spec_to_toml

__all__ = [
    "ADJUST_FAMILIES",
    "DEFAULT_EXCLUDE",
    "DERIVES",
    "QUESTION_TYPES",
    "Baseline",
    "Derive",
    "Design",
    "Disclosure",
    "Group",
    "LoadColumns",
    "Methods",
    "Question",
    "QuestionType",
    "ReportInfo",
    "Spec",
    "SpecFile",
    "fold_label",
    "is_other_label",
    "load_spec",
    "parse_spec",
    "read_spec",
    "spec_to_dict",
    "spec_to_toml",
]
