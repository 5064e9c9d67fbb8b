"""Read and validate a survey spec: every key, its type, its range or choices.

An unknown key, a wrong type or a value outside its range (the field metadata of
:mod:`rapstats.spec.model`; NaN and infinity anywhere) is a :class:`~rapstats.errors.SpecError`
naming the TOML path and the fix.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapstats.errors import SpecError
from rapstats.labels import fold_label
from rapstats.spec._questions import check_distinct, parse_questions
from rapstats.spec._tomltable import TOO_DEEP_HINT, TomlTable, check_values
from rapstats.spec.model import (
    DEFAULT_EXCLUDE,
    DERIVES,
    Design,
    Disclosure,
    Group,
    Methods,
    Question,
    ReportInfo,
    Spec,
)


def load_spec(path: str | Path) -> Spec:
    """Read and validate a TOML survey spec (:func:`read_spec` without the digest).

    Raises
    ------
    SpecError
        If the file is missing, is not valid TOML, or any key is unknown or invalid.
    """
    return read_spec(path).spec


@dataclass(frozen=True, slots=True)
class SpecFile:
    """A spec as read from its file: the validated spec and the sha256 of the bytes parsed."""

    spec: Spec
    sha256: str


def read_spec(path: str | Path) -> SpecFile:
    """Read and validate a TOML survey spec, and hash the bytes read (one read of the file,
    for a manifest naming the spec a publication was made with).

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
    return SpecFile(parse_spec(data, path=path), hashlib.sha256(raw).hexdigest())


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
    questions = parse_questions(top.sub("questions"), scales, default_exclude, path)
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
        check_distinct(scales[name]["options"], s.key_path("options"), path)
        s.done()
    return scales


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
        check_distinct(order, g.key_path("order"), path)
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
