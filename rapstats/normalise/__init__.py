"""Normalise a loaded export to tidy, coded responses using a survey spec.

Every answer cell is matched to its question's options by :func:`rapstats.spec.fold_label`
(case-, space- and apostrophe-insensitive). Matching works on each column's distinct values
(the Categorical's categories), never row by row, so a million-row export costs one small
lookup per column. An answer that matches no option is an :class:`~rapstats.errors.InputError`
naming the file, the spreadsheet row, the column, the value, the closest allowed label and the
allowed labels: nothing is dropped silently.

Codes
-----
* single-choice: ``answers[qid]`` is an int16 array, ``0 .. k-1`` indexing ``Question.options``,
  :data:`BLANK` (-1) for a blank or a declared missing value (``missing_values``, e.g. ``-99``).
* multi-select: ``ticked[qid]`` is a bool matrix (respondents x options) and
  ``answered[qid]`` a bool array: the respondent ticked at least one option (split columns) or
  the joined cell is not blank.
* groups: ``groups[name]`` is (int32 codes, labels); a blank group value is its own level,
  ``"(blank)"``, so group margins add up to the total.

The coding lives in private modules: ``_columns`` (find the spec's columns), ``_answers``
(single and multi-select), ``_groups`` and ``_periods`` (grouping variables, periods of
dates) and ``_weights``. See docs/normalise.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.labels import BLANK_LABEL, DEFAULT_SEPARATORS
from rapstats.normalise._answers import BLANK, code_multi_joined, code_multi_split, code_single
from rapstats.normalise._columns import ColumnFinder
from rapstats.normalise._groups import code_group
from rapstats.normalise._weights import parse_weights
from rapstats.spec import Spec


@dataclass(frozen=True, slots=True)
class Responses:
    """Tidy coded responses: the input of :func:`rapstats.aggregate.aggregate`."""

    spec: Spec
    n: int
    answers: dict[str, np.ndarray] = field(default_factory=dict)
    ticked: dict[str, np.ndarray] = field(default_factory=dict)
    answered: dict[str, np.ndarray] = field(default_factory=dict)
    groups: dict[str, tuple[np.ndarray, tuple[str, ...]]] = field(default_factory=dict)
    weights: np.ndarray | None = None
    text: dict[str, Coded] = field(default_factory=dict)


def normalise(export: Export, spec: Spec, *, by: tuple[str, ...] = ()) -> Responses:
    """Code every answer of ``export`` against ``spec``; derive the groups named in ``by``.

    Parameters
    ----------
    export : Export
        The loaded export.
    spec : Spec
        The survey spec (loaded or inferred).
    by : tuple of str
        Group names (spec ``[groups]``) or export column names to derive group codes for.

    Raises
    ------
    SpecError
        A column the spec names is not in the export.
    InputError
        An answer matches none of its question's options, or a weight is not a positive number.
    """
    frame = ColumnFinder(export, spec)
    answers: dict[str, np.ndarray] = {}
    ticked: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    text: dict[str, Coded] = {}
    try:
        for q in spec.questions:
            if q.type == "single":
                answers[q.id] = code_single(export, q, frame.get(q.column, q))
            elif q.type == "multi":
                if q.columns:
                    cols = [frame.get(c, q) for c in q.columns]
                    ticked[q.id], answered[q.id] = code_multi_split(export, q, cols)
                else:
                    sep = q.separator or DEFAULT_SEPARATORS.get(export.platform)
                    ticked[q.id], answered[q.id] = code_multi_joined(
                        export, q, frame.get(q.column, q), sep
                    )
            else:
                text[q.id] = frame.get(q.column, q)[1]
    except InputError as exc:
        if spec.source == "inferred":  # the fix names the spec: say how to get one
            exc.hint = (
                f"{exc.hint}; no --spec was given: write the inferred spec with `rapstats "
                f"init {export.path.name} -o spec.toml`, edit it and pass it with --spec"
            )
        raise
    groups = {}
    for name in by:
        g = spec.group(name)
        groups[g.name] = code_group(export, g, frame.get(g.column, g, spec))
    weights = None
    if spec.design.weight:
        weights = parse_weights(export, frame.get(spec.design.weight, "weight", spec))
    return Responses(
        spec=spec,
        n=export.rows_read,
        answers=answers,
        ticked=ticked,
        answered=answered,
        groups=groups,
        weights=weights,
        text=text,
    )


__all__ = ["BLANK", "BLANK_LABEL", "Responses", "normalise"]
