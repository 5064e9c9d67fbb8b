"""The survey spec as data: frozen dataclasses, each field with its default and its range.

A field's range or choices live in its metadata (``field(default=10, metadata=_range(1))``,
``_choice("wilson", CI_METHODS)``); the parser (:mod:`rapstats.spec.parse`) reads them, so the
model states once what a valid value is and what the default is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

from rapstats.errors import SpecError
from rapstats.labels import fold_label, is_other_label
from rapstats.vocab import (
    ADJUST_CHOICES,
    ADJUST_FAMILIES,
    BASELINE_TEST_CHOICES,
    CI_METHODS,
    MAX_CONFIDENCE,
    WEIGHTED_METHODS,
)

QuestionType = Literal["single", "multi", "text"]
QUESTION_TYPES: tuple[str, ...] = ("single", "multi", "text")
Derive = Literal["quarter", "month", "year"]
DERIVES: tuple[str, ...] = ("quarter", "month", "year")
Family = Literal["workstream", "table", "all"]
DEFAULT_EXCLUDE: tuple[str, ...] = ("Don't know", "Prefer not to say")


@dataclass(frozen=True, slots=True)
class Range:
    """The interval a numeric spec value must lie in, and the fix to give when it does not.

    ``high=None`` is unbounded above; ``low_open``/``high_open`` exclude the end itself.
    """

    low: float
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    hint: str = ""

    def __contains__(self, value: float) -> bool:
        below = value <= self.low if self.low_open else value < self.low
        above = self.high is not None and (
            value >= self.high if self.high_open else value > self.high
        )
        return not (below or above)

    def __str__(self) -> str:
        """``"in [0, 1]"``, ``"in (0, 0.9999]"``, ``"at least 1"``, ``"above 0"``."""
        if self.high is None:
            return f"{'above' if self.low_open else 'at least'} {self.low:g}"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"in {left}{self.low:g}, {self.high:g}{right}"


def _range(
    low: float,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> dict[str, Any]:
    """Field metadata: the range a spec value must lie in (checked by the parser)."""
    return {"range": Range(low, high, low_open, high_open, hint)}


def _choice(default: str, choices: tuple[str, ...]) -> Any:
    """A field whose value is one of ``choices`` (checked by the parser)."""
    return field(default=default, metadata={"choices": choices})


_PROPORTION = "give a proportion between 0 and 1, e.g. 0.30 for 30%"
_SAMPLE_SIZE = "give the baseline survey's sample size, at least 1"
_THRESHOLD = "give a count of at least 1 (to publish unsuppressed, use --unsafe-no-suppression)"
#: A confidence level: in (0, MAX_CONFIDENCE], where normal and t quantiles stay accurate.
_LEVEL = _range(
    0.0, MAX_CONFIDENCE, low_open=True, hint=f"give a level such as 0.95 (at most {MAX_CONFIDENCE})"
)


@dataclass(frozen=True, slots=True)
class Baseline:
    """An external (e.g. national) figure a question's share is compared with.

    ``p`` is the baseline share (0-1). ``n`` (its sample size) or ``ci`` (its published
    interval at ``ci_confidence``) give the baseline's own uncertainty; with neither, the
    baseline is treated as fixed.
    """

    p: float = field(metadata=_range(0.0, 1.0, hint=_PROPORTION))
    source: str = ""
    n: float | None = field(default=None, metadata=_range(1.0, hint=_SAMPLE_SIZE))
    ci: tuple[float, float] | None = None
    ci_confidence: float = field(default=0.95, metadata=_LEVEL)


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the survey, as the spec defines it.

    ``options`` are the answer labels in scale order (most positive first by convention);
    ``positive`` the ones that count as a positive answer; ``exclude`` the ones left out of the
    base. For ``type="multi"`` either ``columns`` (one column per option, in ``options``
    order; a ticked cell holds the label, ``1``, ``x``, ``y``/``yes`` or ``true``) or
    ``column`` with a ``separator`` between the chosen labels. ``reworded`` are other wordings
    of ``column`` (a question reworded between waves: ``column = ["new", "old"]`` in the
    spec), tried in order when ``column`` is not in an export.
    """

    id: str
    column: str | None
    text: str
    type: QuestionType = "single"
    workstream: str | None = None
    options: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    exclude_blank: bool = True
    columns: tuple[str, ...] = ()
    separator: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    missing_values: tuple[str, ...] = ()
    baseline: Baseline | None = None
    scale: str | None = field(default=None, compare=False)
    reworded: tuple[str, ...] = ()

    @property
    def wordings(self) -> tuple[str, ...]:
        """The names of its one column, first choice first: ``column``, then ``reworded``."""
        return (self.column, *self.reworded) if self.column else ()

    @property
    def source_columns(self) -> tuple[str, ...]:
        """The export columns this question may read (every wording of its column)."""
        return self.columns if self.columns else self.wordings

    @property
    def other(self) -> int | None:
        """Index of the option that takes typed answers (a multi-select's first option
        :func:`~rapstats.labels.is_other_label` calls "Other"), or None if it has none."""
        if self.type != "multi":
            return None
        return next((i for i, o in enumerate(self.options) if is_other_label(o)), None)


@dataclass(frozen=True, slots=True)
class Group:
    """A grouping variable: a column, optionally a period derived from a timestamp column."""

    name: str
    column: str
    derive: Derive | None = None
    order: tuple[str, ...] = ()
    personal: bool = False
    # published label -> the levels merged into it, before estimation (small groups)
    combine: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Design:
    """Sampling design columns for design-based (weighted) estimation."""

    weight: str | None = None
    strata: str | None = None
    ids: str | None = None
    fpc: str | None = None


@dataclass(frozen=True, slots=True)
class Methods:
    """Estimation choices: interval method, baseline test, confidence, multiplicity.

    Each name is one of its family in :mod:`rapstats.vocab`.
    """

    method: str = _choice("wilson", CI_METHODS)
    weighted_method: str = _choice("logit", WEIGHTED_METHODS)
    test: str = _choice("auto", BASELINE_TEST_CHOICES)
    confidence: float = field(default=0.95, metadata=_LEVEL)
    adjust: str = _choice("holm", ADJUST_CHOICES)
    family: Family = _choice("workstream", ADJUST_FAMILIES)
    exact_below: int = field(default=30, metadata=_range(0, hint="give a base size, e.g. 30"))


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Statistical disclosure control and reliability settings (see rapstats.protect)."""

    min_base: int = field(default=10, metadata=_range(1, hint=_THRESHOLD))
    min_count: int = field(default=10, metadata=_range(1, hint=_THRESHOLD))
    secondary: bool = True
    min_effective_n: float = field(default=30.0, metadata=_range(0.0, hint="e.g. 30"))
    max_abs_ci_width: float = field(
        default=0.30,
        metadata=_range(0.0, 1.0, low_open=True, hint="it is a proportion: 0.30 is 30 points"),
    )
    max_rel_ci_width: float = field(
        default=1.30,
        metadata=_range(0.0, 10.0, low_open=True, hint="it is a ratio: 1.30 is 130% of the share"),
    )
    withhold_unreliable: bool = False
    publish_bases: bool = False


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """The spec's ``[report]`` table: the title block, the order of the workstream sections
    and the groups each is broken down by."""

    title: str = "Survey results"
    organisation: str = ""
    period: str = ""
    contact: str = ""
    date: str = ""
    # The order of the workstream sections (names used by questions; the others follow).
    workstreams: tuple[str, ...] = ()
    # The groups every workstream is broken down by; None: every group that suits.
    breakdowns: tuple[str, ...] | None = None
    # A workstream's own breakdowns, in place of ``breakdowns``.
    breakdowns_by_workstream: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def breakdowns_for(self, workstream: str, default: Sequence[str]) -> tuple[str, ...]:
        """The groups ``workstream`` is broken down by: its own list, else ``breakdowns``,
        else ``default`` (every group that suits)."""
        if workstream in self.breakdowns_by_workstream:
            return self.breakdowns_by_workstream[workstream]
        return tuple(default) if self.breakdowns is None else self.breakdowns


class LoadColumns(NamedTuple):
    """What to read of an export for a spec: :meth:`Spec.load_columns`."""

    read: list[str]  # the columns the questions, the groups used and the design need
    keep: tuple[str, ...]  # personal-data columns to keep rather than drop at load


@dataclass(frozen=True, slots=True)
class Spec:
    """A validated survey spec. Build with :func:`load_spec`, :func:`parse_spec` or inference."""

    questions: tuple[Question, ...]
    groups: tuple[Group, ...] = ()
    title: str = ""
    timestamp: str | None = None
    id_column: str | None = None
    design: Design = field(default_factory=Design)
    methods: Methods = field(default_factory=Methods)
    disclosure: Disclosure = field(default_factory=Disclosure)
    report: ReportInfo = field(default_factory=ReportInfo)
    keep_columns: tuple[str, ...] = ()
    # [survey] include: column -> the values a response must hold to be counted
    include: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "spec"
    codebook: str | None = None  # [survey] codebook: a .qsf, as a path from the working folder
    # [survey] wave: the group (or export column) whose value names each export's wave
    wave: str | None = None

    def question(self, qid: str) -> Question:
        """Return the question with id ``qid``."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise SpecError(f"no question {qid!r} in the spec", hint="use one of " + self._ids())

    def group(self, name: str) -> Group:
        """Return the group named ``name``, or matching a column of that name.

        A column that is not a declared group becomes an ad-hoc group of the same name. A
        free-text question (``type = "text"``) is never a group: naming one is a SpecError.
        """
        found = next((g for g in self.groups if g.name == name), None) or next(
            (g for g in self.groups if fold_label(g.column) == fold_label(name) and not g.derive),
            Group(name=name, column=name),
        )
        for q in self.questions:
            text_column = fold_label(q.column or "") == fold_label(found.column)
            if q.type == "text" and not found.derive and (q.id == name or text_column):
                raise SpecError(
                    f'"{name}" is the free-text question {q.id}, which cannot be a group',
                    hint="group by a column of categories; free text is quoted, redacted, "
                    "by `rapstats comments`",
                )
        return found

    def load_columns(self, by: tuple[str, ...] = ()) -> LoadColumns:
        """The export columns to read for this spec and grouping by ``by``, and to keep.

        ``read`` lists, in a stable order without repeats, each question's columns, the
        column of each group in ``by``, the ``include`` columns and the design columns.
        ``keep`` names the personal-data columns the spec keeps (``keep_columns`` and the
        groups marked ``personal``).
        """
        cols = [c for q in self.questions for c in q.source_columns]
        cols += [self.group(name).column for name in by]
        cols += list(self.include)
        d = self.design
        cols += [c for c in (d.weight, d.strata, d.ids, d.fpc) if c]
        keep = self.keep_columns + tuple(g.column for g in self.groups if g.personal)
        return LoadColumns(list(dict.fromkeys(cols)), keep)

    @property
    def estimated_questions(self) -> tuple[Question, ...]:
        """Questions that yield shares (single and multi; not open text)."""
        return tuple(q for q in self.questions if q.type != "text")

    def with_methods(self, **changes: Any) -> Spec:
        """Return a copy whose :class:`Methods` has ``changes`` applied (None values ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return replace(self, methods=replace(self.methods, **changes)) if changes else self

    def _ids(self) -> str:
        return ", ".join(q.id for q in self.questions)
