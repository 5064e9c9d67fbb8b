"""Read the ``[questions]`` of a spec: each question's type, columns (a reworded question's
wordings), answers (its own options or a shared scale; positive and excluded answers), value
recodes and baseline, checked as :mod:`rapstats.spec.parse` checks the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from rapstats.errors import SpecError
from rapstats.labels import fold_label
from rapstats.spec._tomltable import TomlTable
from rapstats.spec.model import QUESTION_TYPES, Baseline, Question


def parse_questions(
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
    check_distinct(options, origin["options"], t.path)
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


def check_distinct(labels: tuple[str, ...], where: str, path: Path | None) -> None:
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
