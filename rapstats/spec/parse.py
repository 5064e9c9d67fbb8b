"""Read and validate a survey spec: every key, its type, its range or choices.

An unknown key, a wrong type or a value outside its range (the field metadata of
:mod:`rapstats.spec.model`; NaN and infinity anywhere) is a :class:`~rapstats.errors.SpecError`
naming the TOML path and the fix.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from rapstats.errors import SpecError
from rapstats.labels import fold_label
from rapstats.spec._tomltable import TOO_DEEP_HINT, TomlTable, check_values
from rapstats.spec.model import (
    DEFAULT_EXCLUDE,
    DERIVES,
    QUESTION_TYPES,
    Baseline,
    Design,
    Disclosure,
    Group,
    Methods,
    Question,
    ReportInfo,
    Spec,
)


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
            "spec nests arrays or tables too deeply", path=path, hint=TOO_DEEP_HINT
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
            f"{path} --spec SPEC.toml (`rapstats init` writes a spec to start from)",
        )


def parse_spec(data: Mapping[str, Any], *, path: Path | None = None) -> Spec:
    """Validate a spec given as the dict :func:`tomllib.loads` returns."""
    check_values(data, path)
    top = TomlTable(data, "", path)
    survey = _parse_survey(top.sub("survey"), path)
    methods, default_exclude = _parse_defaults(top.sub("defaults"))
    scales = _parse_scales(top.sub("scales"), path)
    questions = _parse_questions(top.sub("questions"), scales, default_exclude, path)
    groups = _parse_groups(top.sub("groups"), path)
    disclosure = _parse_dataclass(top.sub("disclosure"), Disclosure)
    report = _parse_report(top.sub("report"), questions, groups)
    top.done()
    return Spec(
        questions=questions,
        groups=groups,
        methods=methods,
        disclosure=disclosure,
        report=report,
        **survey,
    )


def _parse_survey(t: TomlTable | None, path: Path | None) -> dict[str, Any]:
    """The ``[survey]`` table as :class:`Spec` keyword arguments."""
    if t is None:
        return {}
    survey = {
        "title": t.get("title", str, ""),
        "timestamp": t.get("timestamp", str),
        "id_column": t.get("id", str),
        "design": Design(
            weight=t.get("weight", str),
            strata=t.get("strata", str),
            ids=t.get("ids", str),
            fpc=t.get("fpc", str),
        ),
        "keep_columns": t.strings("keep_columns"),
        "include": _parse_include(t.sub("include")),
        "codebook": _beside(t.get("codebook", str), path),
        "wave": t.get("wave", str) or None,
    }
    t.done()
    return survey


def _parse_include(t: TomlTable | None) -> dict[str, tuple[str, ...]]:
    """``include = { Finished = ["True", "1"] }``: only responses whose column holds one of
    its values are counted (matched as labels are, by :func:`fold_label`)."""
    if t is None:
        return {}
    include = {}
    for column in t.data:
        values = t.strings(column)
        if not values:
            raise t.error(column, "is empty", 'list the values to count, e.g. ["True", "1"]')
        include[column] = values
    t.done()
    return include


def _beside(name: str | None, spec_path: Path | None) -> str | None:
    """A file named in the spec, relative to the spec's folder (as given when absolute)."""
    if not name or spec_path is None:
        return name or None
    return str(spec_path.parent / name)


def _parse_defaults(t: TomlTable | None) -> tuple[Methods, tuple[str, ...]]:
    if t is None:
        return Methods(), DEFAULT_EXCLUDE
    exclude = t.strings("exclude", DEFAULT_EXCLUDE)
    return _parse_dataclass(t, Methods), exclude


def _parse_scales(t: TomlTable | None, path: Path | None) -> dict[str, dict[str, Any]]:
    scales: dict[str, dict[str, Any]] = {}
    if t is None:
        return scales
    for name, s in t.subs():
        scales[name] = {
            "options": s.strings("options"),
            "positive": s.strings("positive"),
            "exclude": s.strings("exclude", None),  # type: ignore[arg-type]
        }
        if not scales[name]["options"]:
            raise s.error("options", "is missing", "list the answer labels in scale order")
        _check_distinct(scales[name]["options"], s.key_path("options"), path)
        s.done()
    return scales


def _parse_questions(
    t: TomlTable | None,
    scales: Mapping[str, Mapping[str, Any]],
    default_exclude: tuple[str, ...],
    path: Path | None,
) -> tuple[Question, ...]:
    if t is None or not t.data:
        raise SpecError(
            "the spec has no [questions]",
            path=path,
            hint="add a [questions.ID] table per question, or run `rapstats init EXPORT`",
        )
    return tuple(_parse_question(qid, q, scales, default_exclude) for qid, q in t.subs())


def _parse_question(
    qid: str,
    t: TomlTable,
    scales: Mapping[str, Mapping[str, Any]],
    default_exclude: tuple[str, ...],
) -> Question:
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", qid):
        raise SpecError(
            f"question id {qid!r} has characters other than letters, digits, _ . -",
            path=t.path,
            hint="rename the [questions.ID] table",
        )
    qtype = t.choice("type", QUESTION_TYPES, "single")
    wordings, columns = _question_columns(t, qtype)
    column = wordings[0] if wordings else None
    scale_name = t.get("scale", str)
    answers = _answers(t, scale_name, scales, default_exclude)
    _check_answers(t, qtype, columns, answers)
    values = _parse_values(t.sub("values"), answers.options)
    baseline = _parse_baseline(t.sub("baseline"))
    q = Question(
        id=qid,
        column=column,
        text=t.get("text", str, column or qid),
        type=qtype,
        workstream=t.get("workstream", str),
        options=answers.options,
        positive=answers.positive,
        exclude=answers.exclude,
        exclude_blank=t.get("exclude_blank", bool, True),
        columns=columns,
        separator=t.get("separator", str),
        values=values,
        missing_values=t.strings("missing_values"),
        baseline=baseline,
        scale=scale_name,
        reworded=wordings[1:],
    )
    t.done()
    return q


def _question_columns(t: TomlTable, qtype: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A question's ``column`` (its wordings: one name, or a list of names first choice first)
    or ``columns`` (one of them, ``columns`` only for multi)."""
    raw = t.get("column", object)
    column = [raw] if isinstance(raw, str) else raw
    if column is not None and not (
        isinstance(column, list) and column and all(isinstance(c, str) for c in column)
    ):
        raise t.error(
            "column",
            "must be a column name or a non-empty list of names",
            'give column = "Name", or for a reworded question column = ["New wording", '
            '"Old wording"]',
        )
    columns = t.strings("columns")
    if column is None and not columns:
        raise t.error("column", "is missing", "name the export column that holds the answers")
    if column is not None and columns:
        raise t.error("columns", "is given with column", "give one of column or columns")
    if columns and qtype != "multi":
        raise t.error("columns", "is only for multi-select questions", 'add type = "multi"')
    return tuple(dict.fromkeys(column or ())), columns


class _Answers(NamedTuple):
    """A question's answer labels, and the TOML path each list comes from (``origin``)."""

    options: tuple[str, ...]
    positive: tuple[str, ...]
    exclude: tuple[str, ...]
    origin: dict[str, str]


def _answers(
    t: TomlTable,
    scale_name: str | None,
    scales: Mapping[str, Mapping[str, Any]],
    default_exclude: tuple[str, ...],
) -> _Answers:
    """A question's options, positive and excluded labels, from its table, its scale or the
    defaults; and the TOML path each list comes from, for errors that name two of them."""
    options = t.strings("options")
    positive = t.strings("positive")
    exclude = t.strings("exclude", None)  # type: ignore[arg-type]
    origin = {key: t.key_path(key) for key in ("options", "positive", "exclude")}
    if scale_name is not None:
        if scale_name not in scales:
            raise t.error(
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
    return _Answers(options, positive, tuple(exclude), origin)


def _check_answers(t: TomlTable, qtype: str, columns: tuple[str, ...], answers: _Answers) -> None:
    """Options are distinct and present; positive and excluded labels are options, not both."""
    options, positive, exclude, origin = answers
    _check_distinct(options, origin["options"], t.path)
    if qtype == "single" and not options:
        raise t.error("options", "is missing", "give options = [...] or scale = NAME")
    if qtype == "multi" and not options:
        raise t.error("options", "is missing", "list the choices of the multi-select question")
    if columns and len(columns) != len(options):
        raise t.error(
            "columns",
            f"has {len(columns)} columns for {len(options)} options",
            "give one column per option, in the same order",
        )
    folded = {fold_label(o) for o in options}
    for key, labels in (("positive", positive), ("exclude", exclude)):
        for label in labels:
            if fold_label(label) not in folded:
                raise t.error(
                    key,
                    f"names {label!r}, which is not an option",
                    "use labels from options: " + ", ".join(options),
                )
    if qtype == "single" and not positive:
        raise t.error("positive", "is missing", "list the answers that count as positive")
    both = [e for e in exclude if fold_label(e) in {fold_label(p) for p in positive}]
    if both:
        raise SpecError(
            f"{both[0]!r} is listed in both {origin['positive']} and {origin['exclude']}",
            path=t.path,
            hint="an answer is either positive (counted in the base) or excluded from the "
            "base: remove it from one list",
        )


def _parse_values(t: TomlTable | None, options: tuple[str, ...]) -> dict[str, str]:
    """``values = { "1" = "Yes" }``: codes in the export mapped to option labels."""
    values: dict[str, str] = {}
    if t is None:
        return values
    folded = {fold_label(o): o for o in options}
    for code in t.data:
        label = t.get(code, str)
        if fold_label(label) not in folded:
            raise t.error(code, f"maps to {label!r}, not an option", "fix the label")
        if fold_label(code) in folded and fold_label(code) != fold_label(label):
            raise t.error(
                code,
                f"maps the option {folded[fold_label(code)]!r} to another option, {label!r}",
                'values maps codes (e.g. "1" = "Yes") to option labels; remove this '
                "entry, or recode the data",
            )
        values[code] = label
    t.done()
    return values


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


def _parse_baseline(t: TomlTable | None) -> Baseline | None:
    if t is None:
        return None
    if "p" not in t.data:
        raise t.error("p", "is missing", "give the baseline share as a proportion, e.g. p = 0.30")
    p = t.field("p", Baseline, float)
    n = t.field("n", Baseline, (int, float))
    ci = t.get("ci", list)
    if ci is not None:
        if (
            len(ci) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in ci)
            or not (0 <= ci[0] <= p <= ci[1] <= 1)
        ):
            raise t.error("ci", f"is {ci!r}", "give [low, high] around p, e.g. ci = [0.28, 0.32]")
        ci = (float(ci[0]), float(ci[1]))
    if n is not None and ci is not None:
        raise t.error("ci", "is given with n", "give the baseline's n or its ci, not both")
    b = Baseline(
        p=p,
        source=t.get("source", str, ""),
        n=None if n is None else float(n),
        ci=ci,
        ci_confidence=t.field("ci_confidence", Baseline),
    )
    t.done()
    return b


def _parse_groups(t: TomlTable | None, path: Path | None) -> tuple[Group, ...]:
    if t is None:
        return ()
    groups = []
    for name, g in t.subs():
        column = g.get("column", str)
        if column is None:
            raise g.error("column", "is missing", "name the export column to group by")
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
    return tuple(groups)


def _parse_combine(t: TomlTable | None) -> dict[str, tuple[str, ...]]:
    """``combine = { "Other ethnic groups" = ["Arab", "Any other"] }``: levels merged into one
    published label; each level in one merged label at most."""
    if t is None:
        return {}
    combine: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for label in t.data:
        members = t.strings(label)
        if not members:
            raise t.error(label, "is empty", "list the levels to merge into it")
        for member in members:
            other = seen.setdefault(fold_label(member), label)
            if other != label:
                raise t.error(
                    label,
                    f'merges "{member}", which "{other}" merges too',
                    "merge each level into one label only",
                )
        combine[label] = members
    t.used.update(t.data)
    t.done()
    return combine


def _parse_report(
    t: TomlTable | None, questions: tuple[Question, ...], groups: tuple[Group, ...]
) -> ReportInfo:
    """``[report]``: the title block (strings), ``workstreams`` (the order of the sections),
    ``breakdowns`` and ``[report.breakdowns_by_workstream]`` (group names)."""
    if t is None:
        return ReportInfo()
    used = tuple(dict.fromkeys(q.workstream for q in questions if q.workstream))
    names = tuple(g.name for g in groups)
    title = {
        f: t.field(f, ReportInfo)
        for f, spec in ReportInfo.__dataclass_fields__.items()
        if isinstance(spec.default, str)
    }
    by_workstream: dict[str, tuple[str, ...]] = {}
    per = t.sub("breakdowns_by_workstream")
    if per is not None:
        for name in per.data:
            _check_names(per, name, (name,), used, "workstream")
            by_workstream[name] = _check_names(per, name, per.strings(name), names, "group")
        per.done()
    info = ReportInfo(
        **title,
        workstreams=_check_names(t, "workstreams", t.strings("workstreams"), used, "workstream"),
        breakdowns=None
        if "breakdowns" not in t.data
        else _check_names(t, "breakdowns", t.strings("breakdowns"), names, "group"),
        breakdowns_by_workstream=by_workstream,
    )
    t.done()
    return info


def _check_names(
    t: TomlTable, key: str, given: tuple[str, ...], known: tuple[str, ...], kind: str
) -> tuple[str, ...]:
    """``given`` (at ``key``) if each is one of ``known`` and none is repeated; else the error
    naming the first that is not and listing ``known``."""
    where = "the questions' workstreams" if kind == "workstream" else "the spec's groups"
    for i, name in enumerate(given):
        if name in given[:i]:
            raise t.error(key, f"lists {name!r} twice", "list each name once")
        if name not in known:
            hint = f"use {where}: " + ", ".join(known)
            if not known:  # the spec has none to name
                hint = (
                    f"declare it as [groups.{name}] with its column"
                    if kind == "group"
                    else f'give its questions workstream = "{name}"'
                )
            raise t.error(key, f"names {name!r}, which is not a {kind} of the spec", hint)
    return given


def _parse_dataclass(t: TomlTable | None, cls: type) -> Any:
    """A dataclass read from its table: each field's type, default, and range or choices."""
    if t is None:
        return cls()
    values = {name: t.field(name, cls) for name in cls.__dataclass_fields__}
    t.done()
    return cls(**values)
