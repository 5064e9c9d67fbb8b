"""The survey spec: which columns are questions, how answers are scored, how to group.

A spec is a TOML file (read with :mod:`tomllib`) or is inferred from an export by
:func:`rapstats.spec.infer.infer_spec`. Every key is validated: an unknown key, a wrong type or a
value outside its range (field metadata, see ``_range``; NaN and infinity anywhere) is a
:class:`~rapstats.errors.SpecError` naming the TOML path and the fix.

Example
-------
.. code-block:: toml

    [survey]
    title = "Race Action Plan: community feedback"
    timestamp = "Submitted"          # optional: derives quarter/month/year groups
    weight = "weight"                # optional: a weight column

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

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from rapstats.errors import SpecError
from rapstats.labels import fold_label
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
DEFAULT_EXCLUDE: tuple[str, ...] = ("Don't know", "Prefer not to say")


def _range(
    low: float,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> dict[str, Any]:
    """Field metadata: the range a spec value must lie in (checked by the parser)."""
    return {"range": (low, high, low_open, high_open, hint)}


_PROPORTION = "give a proportion between 0 and 1, e.g. 0.30 for 30%"
_SAMPLE_SIZE = "give the baseline survey's sample size, at least 1"
_THRESHOLD = "give a count of at least 1 (to publish unsuppressed, use --unsafe-no-suppression)"
#: A confidence level: in (0, MAX_CONFIDENCE], where normal and t quantiles stay accurate.
_LEVEL = _range(
    0.0, MAX_CONFIDENCE, low_open=True, hint=f"give a level such as 0.95 (at most {MAX_CONFIDENCE})"
)


_OTHER_RE = re.compile(r"(other|others|something else)\s*($|[(:\-,]|please\b)")


def is_other_label(label: str) -> bool:
    """Whether a multi-select label is the "Other" choice: ``Other``, ``Other (please
    specify)``, ``Other: cycling`` (typed text after it), ``Something else``; not ``Other
    ethnic group``. Typed answers that match no option count as this option."""
    return bool(_OTHER_RE.match(fold_label(label)))


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
    ``column`` with a ``separator`` between the chosen labels.
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

    @property
    def source_columns(self) -> tuple[str, ...]:
        """The export columns this question reads."""
        return self.columns if self.columns else ((self.column,) if self.column else ())


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
    """Estimation choices: interval method, baseline test, confidence, multiplicity."""

    method: str = "wilson"
    weighted_method: str = "logit"
    test: str = "auto"
    confidence: float = field(default=0.95, metadata=_LEVEL)
    adjust: str = "holm"
    family: str = "workstream"
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
    """Title block of a report (the spec's ``[report]`` table)."""

    title: str = "Survey results"
    organisation: str = ""
    period: str = ""
    contact: str = ""
    date: str = ""


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
    source: str = "spec"

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


# ---------------------------------------------------------------------------------------------
# Parsing and validation


class _Table:
    """A TOML table being validated: typed getters that name the TOML path on error."""

    def __init__(self, data: Mapping[str, Any], where: str, path: Path | None) -> None:
        if not isinstance(data, Mapping):
            raise SpecError(f"[{where}] must be a table", path=path, hint=f"write it as [{where}]")
        self.data = data
        self.where = where  # the TOML path of this table; "" for the whole spec
        self.path = path
        self.used: set[str] = set()

    def key_path(self, key: str) -> str:
        """The TOML path of ``key`` in this table (``questions.q2.positive``)."""
        return f"{self.where}.{key}" if self.where else key

    def _err(self, key: str, what: str, hint: str) -> SpecError:
        return SpecError(f"{self.key_path(key)} {what}", path=self.path, hint=hint)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and kind in (int, float):
            raise self._err(key, "must be a number", "write a number without quotes")
        if not isinstance(value, kind):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self._err(key, f"must be {_article(names)}, not {value!r}", f"give a {names}")
        return value

    def field(self, key: str, cls: type, kind: type | tuple[type, ...] | None = None) -> Any:
        """The value of the dataclass field ``key`` of ``cls``: its type, default and range."""
        f = cls.__dataclass_fields__[key]
        default = None if f.default is MISSING else f.default
        if kind is None:
            kind = float if isinstance(default, float) else type(default)
        value = self.get(key, kind, default)
        if key in self.data and "range" in f.metadata:
            low, high, low_open, high_open, hint = f.metadata["range"]
            below = value <= low if low_open else value < low
            above = high is not None and (value >= high if high_open else value > high)
            if below or above:
                if high is None:
                    want = f"{'above' if low_open else 'at least'} {low:g}"
                else:
                    want = (
                        f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
                    )
                raise self._err(key, f"is {value!r}; it must be {want}", hint)
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.get(key, list, None)
        if value is None:
            return default
        if not all(isinstance(v, str) for v in value):
            raise self._err(key, "must be a list of strings", 'quote each label: ["A", "B"]')
        return tuple(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> Any:
        value = self.get(key, str, default)
        if value is not None and value not in choices:
            raise self._err(key, f"is {value!r}", "use one of " + ", ".join(choices))
        return value

    def sub(self, key: str) -> _Table | None:
        self.used.add(key)
        if key not in self.data:
            return None
        return _Table(self.data[key], self.key_path(key), self.path)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise SpecError(
                f"unknown key {self.key_path(unknown[0])}",
                path=self.path,
                hint="remove it or correct its spelling (see README, Survey spec)",
            )


def _article(names: str) -> str:
    return ("an " if names[0] in "aeiou" else "a ") + names


def load_spec(path: str | Path) -> Spec:
    """Read and validate a TOML survey spec.

    Raises
    ------
    SpecError
        If the file is missing, is not valid TOML, or any key is unknown or invalid.
    """
    path = Path(path)
    if path.exists() and not path.is_file():  # a pipe or device: reading would hang
        raise SpecError("spec is not a regular file", path=path, hint="give the spec's file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError("spec file not found", path=path, hint="check the --spec path") from None
    except OSError as exc:
        raise SpecError(f"cannot read spec: {exc.strerror}", path=path) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        _refuse_export(path, raw)
        raise SpecError("spec is not UTF-8 text", path=path, hint="save it as UTF-8") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise SpecError(
            "spec nests arrays or tables too deeply", path=path, hint=_TOO_DEEP_HINT
        ) from None
    except tomllib.TOMLDecodeError as exc:
        _refuse_export(path, raw)
        raise SpecError(
            f"invalid TOML: {exc}", path=path, hint="correct the TOML syntax at that line"
        ) from None
    return parse_spec(data, path=path)


def _refuse_export(path: Path, raw: bytes) -> None:
    """Raise if a file that is not a TOML spec is a spreadsheet, SPSS file or delimited text."""
    first = raw.split(b"\n", 1)[0]
    spreadsheet = raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"$FL2", b"$FL3"))
    if spreadsheet or (b"=" not in first and any(d in first for d in (b",", b"\t", b";"))):
        raise SpecError(
            "is a survey export, not a spec",
            path=path,
            hint=f"give the export first and the spec with --spec, as in rapstats summarize "
            f"{path.name} --spec SPEC.toml (`rapstats init` writes a spec to start from)",
        )


def parse_spec(data: Mapping[str, Any], *, path: Path | None = None) -> Spec:
    """Validate a spec given as the dict :func:`tomllib.loads` returns."""
    _check_values(data, path)
    top = _Table(data, "", path)
    survey = top.sub("survey")
    title, timestamp, id_column = "", None, None
    design = Design()
    keep: tuple[str, ...] = ()
    if survey is not None:
        title = survey.get("title", str, "")
        timestamp = survey.get("timestamp", str)
        id_column = survey.get("id", str)
        design = Design(
            weight=survey.get("weight", str),
            strata=survey.get("strata", str),
            ids=survey.get("ids", str),
            fpc=survey.get("fpc", str),
        )
        keep = survey.strings("keep_columns")
        survey.done()

    methods, default_exclude = _parse_defaults(top.sub("defaults"))
    scales = _parse_scales(top.sub("scales"), path)

    questions_t = top.sub("questions")
    if questions_t is None or not questions_t.data:
        raise SpecError(
            "the spec has no [questions]",
            path=path,
            hint="add a [questions.ID] table per question, or run `rapstats init EXPORT`",
        )
    questions = tuple(
        _parse_question(qid, questions_t.sub(qid), scales, default_exclude)
        for qid in questions_t.data
    )
    questions_t.used.update(questions_t.data)

    groups: list[Group] = []
    groups_t = top.sub("groups")
    if groups_t is not None:
        for name in groups_t.data:
            g = groups_t.sub(name)
            assert g is not None
            column = g.get("column", str)
            if column is None:
                raise g._err("column", "is missing", "name the export column to group by")
            derive = g.choice("derive", DERIVES, None)
            order = g.strings("order")
            _check_distinct(order, g.key_path("order"), path)
            groups.append(
                Group(
                    name=name,
                    column=column,
                    derive=derive,
                    order=order,
                    personal=g.get("personal", bool, False),
                    combine=_parse_combine(g.sub("combine")),
                )
            )
            g.done()

    disclosure = _parse_dataclass(top.sub("disclosure"), Disclosure)
    report = _parse_dataclass(top.sub("report"), ReportInfo)
    top.done()
    return Spec(
        questions=questions,
        groups=tuple(groups),
        title=title,
        timestamp=timestamp,
        id_column=id_column,
        design=design,
        methods=methods,
        disclosure=disclosure,
        report=report,
        keep_columns=keep,
    )


#: Deepest nesting of tables and arrays a spec may have (a real spec needs 4).
_MAX_DEPTH = 16
_TOO_DEEP_HINT = "a spec needs at most a few levels: [questions.ID] with inline tables"


def _check_values(data: Mapping[str, Any], path: Path | None) -> None:
    """Reject NaN and infinite numbers anywhere, and nesting deeper than ``_MAX_DEPTH``.

    Walks the parsed TOML without recursion, so no input can raise ``RecursionError``.
    """
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise SpecError(
                f"{where} nests arrays or tables too deeply", path=path, hint=_TOO_DEEP_HINT
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise SpecError(
                f"{where} is {value}", path=path, hint="give a finite number (not nan or inf)"
            )
        if isinstance(value, Mapping):
            stack += [(f"{where}.{k}" if where else str(k), v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list | tuple):
            stack += [(f"{where}[{i}]", v, depth + 1) for i, v in enumerate(value)]


def _parse_defaults(t: _Table | None) -> tuple[Methods, tuple[str, ...]]:
    if t is None:
        return Methods(), DEFAULT_EXCLUDE
    exclude = t.strings("exclude", DEFAULT_EXCLUDE)
    m = Methods(
        method=t.choice("method", CI_METHODS, "wilson"),
        weighted_method=t.choice("weighted_method", WEIGHTED_METHODS, "logit"),
        test=t.choice("test", BASELINE_TEST_CHOICES, "auto"),
        confidence=t.field("confidence", Methods),
        adjust=t.choice("adjust", ADJUST_CHOICES, "holm"),
        family=t.choice("family", ADJUST_FAMILIES, "workstream"),
        exact_below=t.field("exact_below", Methods),
    )
    t.done()
    return m, exclude


def _parse_scales(t: _Table | None, path: Path | None) -> dict[str, dict[str, Any]]:
    scales: dict[str, dict[str, Any]] = {}
    if t is None:
        return scales
    for name in t.data:
        s = t.sub(name)
        assert s is not None
        scales[name] = {
            "options": s.strings("options"),
            "positive": s.strings("positive"),
            "exclude": s.strings("exclude", None),  # type: ignore[arg-type]
        }
        if not scales[name]["options"]:
            raise s._err("options", "is missing", "list the answer labels in scale order")
        _check_distinct(scales[name]["options"], s.key_path("options"), path)
        s.done()
    t.done()
    return scales


def _parse_question(
    qid: str,
    t: _Table | None,
    scales: Mapping[str, Mapping[str, Any]],
    default_exclude: tuple[str, ...],
) -> Question:
    assert t is not None
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", qid):
        raise SpecError(
            f"question id {qid!r} has characters other than letters, digits, _ . -",
            path=t.path,
            hint="rename the [questions.ID] table",
        )
    qtype = t.choice("type", QUESTION_TYPES, "single")
    column = t.get("column", str)
    columns = t.strings("columns")
    if column is None and not columns:
        raise t._err("column", "is missing", "name the export column that holds the answers")
    if column is not None and columns:
        raise t._err("columns", "is given with column", "give one of column or columns")
    if columns and qtype != "multi":
        raise t._err("columns", "is only for multi-select questions", 'add type = "multi"')
    scale_name = t.get("scale", str)
    options = t.strings("options")
    positive = t.strings("positive")
    exclude = t.strings("exclude", None)  # type: ignore[arg-type]
    # the TOML path each list comes from, for errors that name two of them
    origin = {key: t.key_path(key) for key in ("options", "positive", "exclude")}
    if scale_name is not None:
        if scale_name not in scales:
            raise t._err(
                "scale",
                f"names an unknown scale {scale_name!r}",
                "define [scales." + scale_name + "] or use one of " + ", ".join(scales),
            )
        sc = scales[scale_name]
        for key, own in (("options", options), ("positive", positive), ("exclude", exclude)):
            if not own and (key != "exclude" or sc["exclude"] is not None):
                origin[key] = f"scales.{scale_name}.{key}"
        options = options or sc["options"]
        positive = positive or sc["positive"]
        exclude = sc["exclude"] if exclude is None else exclude
    if exclude is None:
        folded_opts = {fold_label(o) for o in options}
        exclude = tuple(e for e in default_exclude if fold_label(e) in folded_opts)
        origin["exclude"] = "defaults.exclude"
    _check_distinct(options, origin["options"], t.path)
    if qtype == "single" and not options:
        raise t._err("options", "is missing", "give options = [...] or scale = NAME")
    if qtype == "multi" and not options:
        raise t._err("options", "is missing", "list the choices of the multi-select question")
    if columns and len(columns) != len(options):
        raise t._err(
            "columns",
            f"has {len(columns)} columns for {len(options)} options",
            "give one column per option, in the same order",
        )
    folded = {fold_label(o): o for o in options}
    for key, labels in (("positive", positive), ("exclude", exclude)):
        for label in labels:
            if fold_label(label) not in folded:
                raise t._err(
                    key,
                    f"names {label!r}, which is not an option",
                    "use labels from options: " + ", ".join(options),
                )
    if qtype == "single" and not positive:
        raise t._err("positive", "is missing", "list the answers that count as positive")
    both = [e for e in exclude if fold_label(e) in {fold_label(p) for p in positive}]
    if both:
        raise SpecError(
            f"{both[0]!r} is listed in both {origin['positive']} and {origin['exclude']}",
            path=t.path,
            hint="an answer is either positive (counted in the base) or excluded from the "
            "base: remove it from one list",
        )
    values_t = t.sub("values")
    values: dict[str, str] = {}
    if values_t is not None:
        for code in values_t.data:
            label = values_t.get(code, str)
            if fold_label(label) not in folded:
                raise values_t._err(code, f"maps to {label!r}, not an option", "fix the label")
            if fold_label(code) in folded and fold_label(code) != fold_label(label):
                raise values_t._err(
                    code,
                    f"maps the option {folded[fold_label(code)]!r} to another option, {label!r}",
                    'values maps codes (e.g. "1" = "Yes") to option labels; remove this '
                    "entry, or recode the data",
                )
            values[code] = label
        values_t.done()
    baseline = _parse_baseline(t.sub("baseline"))
    q = Question(
        id=qid,
        column=column,
        text=t.get("text", str, column or qid),
        type=qtype,
        workstream=t.get("workstream", str),
        options=options,
        positive=positive,
        exclude=tuple(exclude),
        exclude_blank=t.get("exclude_blank", bool, True),
        columns=columns,
        separator=t.get("separator", str),
        values=values,
        missing_values=t.strings("missing_values"),
        baseline=baseline,
        scale=scale_name,
    )
    t.done()
    return q


def _check_distinct(labels: tuple[str, ...], where: str, path: Path | None) -> None:
    """Labels are matched folded (case, spaces, curly quotes): two that fold alike clash."""
    seen: dict[str, str] = {}
    for label in labels:
        key = fold_label(label)
        if key in seen:
            raise SpecError(
                f"{where} lists {seen[key]!r} and {label!r}, which are the same label once "
                "case and spaces are ignored",
                path=path,
                hint="list each label once",
            )
        seen[key] = label


def _parse_baseline(t: _Table | None) -> Baseline | None:
    if t is None:
        return None
    if "p" not in t.data:
        raise t._err("p", "is missing", "give the baseline share as a proportion, e.g. p = 0.30")
    p = t.field("p", Baseline, float)
    n = t.field("n", Baseline, (int, float))
    ci = t.get("ci", list)
    if ci is not None:
        if (
            len(ci) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in ci)
            or not (0 <= ci[0] <= p <= ci[1] <= 1)
        ):
            raise t._err("ci", f"is {ci!r}", "give [low, high] around p, e.g. ci = [0.28, 0.32]")
        ci = (float(ci[0]), float(ci[1]))
    if n is not None and ci is not None:
        raise t._err("ci", "is given with n", "give the baseline's n or its ci, not both")
    b = Baseline(
        p=p,
        source=t.get("source", str, ""),
        n=None if n is None else float(n),
        ci=ci,
        ci_confidence=t.field("ci_confidence", Baseline),
    )
    t.done()
    return b


def _parse_combine(t: _Table | None) -> dict[str, tuple[str, ...]]:
    """``combine = { "Other ethnic groups" = ["Arab", "Any other"] }``: levels merged into one
    published label; each level in one merged label at most."""
    if t is None:
        return {}
    combine: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for label in t.data:
        members = t.strings(label)
        if not members:
            raise t._err(label, "is empty", "list the levels to merge into it")
        for member in members:
            other = seen.setdefault(fold_label(member), label)
            if other != label:
                raise t._err(
                    label,
                    f'merges "{member}", which "{other}" merges too',
                    "merge each level into one label only",
                )
        combine[label] = members
    t.used.update(t.data)
    t.done()
    return combine


def _parse_dataclass(t: _Table | None, cls: type) -> Any:
    if t is None:
        return cls()
    values = {name: t.field(name, cls) for name in cls.__dataclass_fields__}
    t.done()
    return cls(**values)


# ---------------------------------------------------------------------------------------------
# Writing


def spec_to_dict(spec: Spec) -> dict[str, Any]:
    """The spec as applied, as plain data (for JSON metadata and :func:`spec_to_toml`)."""
    out: dict[str, Any] = {}
    survey = {
        "title": spec.title,
        "timestamp": spec.timestamp,
        "id": spec.id_column,
        "weight": spec.design.weight,
        "strata": spec.design.strata,
        "ids": spec.design.ids,
        "fpc": spec.design.fpc,
        "keep_columns": list(spec.keep_columns) or None,
    }
    out["survey"] = {k: v for k, v in survey.items() if v not in (None, "")}
    out["defaults"] = {
        "method": spec.methods.method,
        "weighted_method": spec.methods.weighted_method,
        "test": spec.methods.test,
        "confidence": spec.methods.confidence,
        "adjust": spec.methods.adjust,
        "family": spec.methods.family,
        "exact_below": spec.methods.exact_below,
    }
    questions: dict[str, Any] = {}
    for q in spec.questions:
        d: dict[str, Any] = {"column": q.column} if q.column else {"columns": list(q.columns)}
        d["text"] = q.text
        if q.type != "single":
            d["type"] = q.type
        if q.workstream:
            d["workstream"] = q.workstream
        if q.options:
            d["options"] = list(q.options)
        if q.positive:
            d["positive"] = list(q.positive)
        if q.type != "text":
            d["exclude"] = list(q.exclude)
        if not q.exclude_blank:
            d["exclude_blank"] = False
        if q.separator is not None:
            d["separator"] = q.separator
        if q.missing_values:
            d["missing_values"] = list(q.missing_values)
        if q.values:
            d["values"] = dict(q.values)
        if q.baseline is not None:
            b = q.baseline
            bd: dict[str, Any] = {"p": b.p}
            if b.source:
                bd["source"] = b.source
            if b.n is not None:
                bd["n"] = b.n
            if b.ci is not None:
                bd["ci"] = list(b.ci)
                bd["ci_confidence"] = b.ci_confidence
            d["baseline"] = bd
        questions[q.id] = d
    out["questions"] = questions
    if spec.groups:
        groups = {}
        for g in spec.groups:
            gd: dict[str, Any] = {"column": g.column}
            if g.derive:
                gd["derive"] = g.derive
            if g.order:
                gd["order"] = list(g.order)
            if g.personal:
                gd["personal"] = True
            if g.combine:
                gd["combine"] = {k: list(v) for k, v in g.combine.items()}
            groups[g.name] = gd
        out["groups"] = groups
    out["disclosure"] = {k: getattr(spec.disclosure, k) for k in Disclosure.__dataclass_fields__}
    report = {k: getattr(spec.report, k) for k in ReportInfo.__dataclass_fields__}
    out["report"] = {k: v for k, v in report.items() if v}
    return out


def spec_to_toml(spec: Spec, *, header: str = "") -> str:
    """Render a spec as TOML text that :func:`load_spec` reads back to an equal spec."""
    data = spec_to_dict(spec)
    lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    for section in ("survey", "defaults", "disclosure", "report"):
        if data.get(section):
            lines.append(f"[{section}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in data[section].items()]
            lines.append("")
    for section in ("groups", "questions"):
        for key, table in data.get(section, {}).items():
            lines.append(f"[{section}.{_toml_key(key)}]")
            for k, v in table.items():
                lines.append(f"{k} = {_toml_value(v)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else _toml_value(key)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")
