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
  the joined cell is not blank. A typed "Other" answer, wherever the platform puts it, ticks
  the question's "Other" option once; its text is free text, ``text[other_text_key(q)]``
  (:mod:`rapstats.normalise._choices`).
* groups: ``groups[name]`` is (int32 codes, labels); a blank group value is its own level,
  ``"(blank)"``, so group margins add up to the total.
* included: only the responses the spec's ``[survey] include`` accepts are coded
  (``Responses.n`` counts them); ``included`` says how many were left out
  (:mod:`rapstats.normalise._include`).
* not asked (one wave of several, :func:`normalise` with ``not_asked=True``): ``asked[qid]``
  is a bool array, False for a respondent who was not asked the question (its columns are
  not in their wave's export); a question asked of everyone has no entry. Such a
  respondent's answers are blank and never in a base. ``columns[qid]`` names the export
  column each question was read from (the first of its wordings present; None: not asked).

The coding lives in private modules: ``_columns`` (find the spec's columns), ``_answers``
(single and multi-select), ``_groups`` and ``_periods`` (grouping variables, periods of
dates) and ``_weights``. See docs/normalise.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.labels import BLANK_LABEL
from rapstats.normalise._answers import BLANK, ROWS_SHOWN, UnknownLabel, Unknowns, code_single
from rapstats.normalise._choices import Choices, MultiCoded
from rapstats.normalise._columns import ColumnFinder
from rapstats.normalise._design import DesignCodes, parse_design
from rapstats.normalise._groups import code_group, group_sort_key
from rapstats.normalise._include import (
    Included,
    completed_only,
    completion_columns,
    include_rows,
    included_of,
)
from rapstats.normalise._waves import WAVE, check_asked, pool_waves
from rapstats.normalise._weights import MAX_WEIGHT_RATIO, parse_weights
from rapstats.spec import Question, Spec, fold_label


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
    asked: dict[str, np.ndarray] = field(default_factory=dict)
    columns: dict[str, str | None] = field(default_factory=dict)
    included: Included | None = None
    design: DesignCodes | None = None  # [survey] strata / ids / fpc, when the spec has them
    weight_scale: int = 0  # the weights are the weight column's divided by 2**weight_scale


def normalise(
    export: Export,
    spec: Spec,
    *,
    by: tuple[str, ...] = (),
    not_asked: bool = False,
    unknown: Unknowns = None,
) -> Responses:
    """Code every answer of ``export`` against ``spec``; derive the groups named in ``by``.

    Parameters
    ----------
    export : Export
        The loaded export.
    spec : Spec
        The survey spec (loaded or inferred).
    by : tuple of str
        Group names (spec ``[groups]``) or export column names to derive group codes for.
    not_asked : bool
        The export is one wave of several (default False): a question none of whose
        columns is in it was not asked in it (``Responses.asked``) rather than an error.
    unknown : list of UnknownLabel, optional
        Collect every answer that matches no option here (as :class:`UnknownLabel`: value,
        count, first rows) and code it blank, rather than stop at the first with an
        InputError (default None). ``rapstats check`` lists them so.

    Only the responses ``spec.include`` accepts are coded (``Responses.included`` says how
    many were left out).

    Raises
    ------
    SpecError
        A column the spec names is not in the export.
    InputError
        An answer matches none of its question's options, or a weight is not a positive number.
    """
    export, included = include_rows(export, spec)
    frame = ColumnFinder(export, spec)
    coded = _Coded(export.rows_read, spec)
    try:
        for q in spec.questions:
            coded.add(export, q, frame, not_asked=not_asked, unknown=unknown)
    except InputError as exc:
        if spec.source == "inferred":  # the fix names the spec: say how to get one
            exc.hint = (
                f"{exc.hint}; no --spec was given: write the inferred spec with `rapstats "
                f"init {export.path} -o spec.toml`, edit it and pass it with --spec"
            )
        raise
    groups = {}
    for name in by:
        g = spec.group(name)
        groups[g.name] = code_group(export, g, frame.get(g.column, g, spec))
    weights, scale = None, 0
    if spec.design.weight:
        weights, scale = parse_weights(export, frame.get(spec.design.weight, "weight", spec))
    design = _design(export, spec, frame)
    if design is not None and weights is None:
        weights = design.weights
    return Responses(
        spec=spec,
        n=export.rows_read,
        answers=coded.answers,
        ticked=coded.ticked,
        answered=coded.answered,
        groups=groups,
        weights=weights,
        text=coded.text,
        asked=coded.asked,
        columns=coded.columns,
        included=included,
        design=design,
        weight_scale=scale,
    )


def _design(export: Export, spec: Spec, frame: ColumnFinder) -> DesignCodes | None:
    """The coded strata, clusters and fpc of the spec's ``[survey]`` (None: weights only)."""
    d = spec.design
    named = {"strata": d.strata, "ids": d.ids, "fpc": d.fpc}
    if not any(named.values()):
        return None
    found = {key: frame.get(column, key, spec) for key, column in named.items() if column}
    return parse_design(export, found)


def other_text_key(q: Question) -> str:
    """The key of a multi-select's typed "Other" answers in ``Responses.text``: the question
    id and its "Other" option (``travel: Other``), never a question id (ids have no ``:``)."""
    return f"{q.id}: {q.options[q.other]}" if q.other is not None else q.id


class _Coded:
    """The coded answers of an export, question by question (see :func:`normalise`)."""

    def __init__(self, n: int, spec: Spec) -> None:
        self.n = n
        # columns a text question of the spec quotes already (SurveyMonkey's typed Other)
        self.quoted = {
            fold_label(c) for q in spec.questions if q.type == "text" for c in q.wordings
        }
        self.answers: dict[str, np.ndarray] = {}
        self.ticked: dict[str, np.ndarray] = {}
        self.answered: dict[str, np.ndarray] = {}
        self.text: dict[str, Coded] = {}
        self.asked: dict[str, np.ndarray] = {}
        self.columns: dict[str, str | None] = {}

    def add(
        self,
        export: Export,
        q: Question,
        frame: ColumnFinder,
        *,
        not_asked: bool,
        unknown: Unknowns,
    ) -> None:
        """Code question ``q``: from its columns, or as not asked (every answer blank);
        unknown labels collected in ``unknown`` (None: the first is an error)."""
        if q.columns:  # a multi-select question split into one column per option
            present = [c for c in q.columns if frame.find(c) is not None]
            if present or not not_asked:
                cols = [frame.get(c, q) for c in q.columns]
                self._multi(q, Choices(export, q, unknown).columns(cols))
                return
            found = None
        else:
            found = frame.question(q, not_asked=not_asked)
            self.columns[q.id] = None if found is None else found[0]
        if found is None:
            self._not_asked(q)
        elif q.type == "single":
            self.answers[q.id] = code_single(export, q, found, unknown)
        elif q.type == "multi":
            self._multi(q, Choices(export, q, unknown).joined(found))
        else:
            self.text[q.id] = found[1]

    def _multi(self, q: Question, coded: MultiCoded) -> None:
        """Keep a multi-select's ticks, and its typed "Other" answers as free text unless a
        text question quotes the "Other" column already."""
        self.ticked[q.id], self.answered[q.id] = coded.ticked, coded.answered
        other_column = q.columns[q.other] if q.columns and q.other is not None else None
        if coded.typed is not None and fold_label(other_column or "") not in self.quoted:
            self.text[other_text_key(q)] = coded.typed

    def _not_asked(self, q: Question) -> None:
        """Question ``q`` was not asked: no answers, no one asked."""
        self.asked[q.id] = np.zeros(self.n, dtype=bool)
        blank = Coded(np.full(self.n, -1, dtype=np.int32), ())
        if q.type == "single":
            self.answers[q.id] = np.full(self.n, BLANK, dtype=np.int16)
        elif q.type == "multi":
            none = np.zeros((self.n, len(q.options)), dtype=bool)
            self._multi(
                q, MultiCoded(none, none.any(axis=1), blank if q.other is not None else None)
            )
        else:
            self.text[q.id] = blank


__all__ = [
    "BLANK",
    "BLANK_LABEL",
    "ColumnFinder",
    "DesignCodes",
    "MAX_WEIGHT_RATIO",
    "ROWS_SHOWN",
    "WAVE",
    "Included",
    "Responses",
    "UnknownLabel",
    "check_asked",
    "completed_only",
    "completion_columns",
    "group_sort_key",
    "included_of",
    "normalise",
    "other_text_key",
    "pool_waves",
]
