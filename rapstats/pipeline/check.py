"""``rapstats check``: a dry run of an export against its spec, before a batch.

:func:`check_file` reads the export as ``summarize`` would (every column, so that a misspelt
column can be matched against all the headers), then codes each question and group on its
own with :func:`rapstats.normalise.normalise`, collecting every unknown label rather than
stopping at the first. Its :class:`CheckReport` says what was read and left out, what each
question and group matched, and every problem that would stop ``summarize``, each as the one
line ``summarize`` would print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from rapstats.errors import RapstatsError
from rapstats.pipeline.survey import ReadOptions, _chosen_responses, load_options

T = TypeVar("T")

if TYPE_CHECKING:
    from rapstats.io import Export
    from rapstats.normalise import ColumnFinder, Responses, UnknownLabel
    from rapstats.spec import Group, Question, Spec


_READ = ReadOptions()


@dataclass(frozen=True, slots=True)
class Match:
    """A column the spec names: the export column it matched (None: not found) and, when
    not found, the closest export header (None: none close)."""

    name: str
    found: str | None
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionCheck:
    """One spec question: its columns matched and every unknown label in them."""

    id: str
    type: str
    columns: tuple[Match, ...]
    unknown: tuple[UnknownLabel, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupCheck:
    """One spec group: its column matched and its levels with their counts, in the group's
    order (as ``--by`` shows them: the spec's ``order``, then by label; blank last)."""

    name: str
    column: Match
    levels: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What :func:`check_file` found.

    Attributes
    ----------
    path : str
        The export, as given.
    platform, encoding, sheet : str or None
        The layout and text encoding detected (``encoding`` None for binary formats), the
        worksheet read.
    rows_read : int
        Responses read (after what was left out).
    left_out : tuple of dict
        Rows and columns left out, and why (as the JSON ``input`` block's ``left_out``).
    notes : tuple of str
        The loader's notes (encoding, rows kept...).
    spec : str
        The spec's path as given, or ``"inferred"``.
    questions, groups : tuple
        :class:`QuestionCheck` and :class:`GroupCheck` per spec question and group.
    problems : tuple of str
        Everything that would stop ``summarize`` (or ``summarize --by`` a group), one line
        each as ``summarize`` would print it. Empty: it would run.
    """

    path: str
    platform: str
    encoding: str | None
    sheet: str | None
    rows_read: int
    left_out: tuple[dict[str, Any], ...]
    notes: tuple[str, ...]
    spec: str
    questions: tuple[QuestionCheck, ...]
    groups: tuple[GroupCheck, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing would stop ``summarize``."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``ok`` added, tuples as lists)."""
        return {"ok": self.ok, **asdict(self)}


def check_file(
    export: str | Path, spec: str | Path | Spec | None = None, *, read: ReadOptions = _READ
) -> CheckReport:
    """Dry-run ``summarize`` on an export: what is read and left out, what each spec question
    and group matches, every unknown label (with its count and first rows) and group level.

    Parameters
    ----------
    export : str or Path
        The survey export.
    spec : str, Path or Spec, optional
        The spec; default None infers one as ``summarize`` does.
    read : ReadOptions
        Platform, encoding and sheet of the export.

    Raises
    ------
    RapstatsError
        The export or the spec cannot be read at all (then nothing else can be checked).
    """
    from rapstats.io import load_export
    from rapstats.normalise import ColumnFinder
    from rapstats.spec import Spec, load_spec
    from rapstats.spec.infer import infer_spec

    spec_obj = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    keep = () if spec_obj is None else spec_obj.load_columns().keep
    loaded = load_export(export, keep=keep, **load_options(read, spec_obj))
    shown = "inferred" if spec is None else "given" if isinstance(spec, Spec) else str(spec)
    if spec_obj is None:
        spec_obj = infer_spec(loaded)
    problems: list[str] = []
    notes, left_out = loaded.notes, loaded.left_out
    chosen = _run(lambda: _chosen_responses(spec_obj, loaded, read.completed_only), problems)
    if chosen is not None:  # the responses counted ([survey] include, --completed-only)
        spec_obj, said = chosen
        notes += tuple(said)
        left_out += _included(loaded, spec_obj)
    bare = replace(spec_obj, questions=(), groups=())
    finder = ColumnFinder(loaded, spec_obj)
    questions = tuple(_question(loaded, bare, q, finder, problems) for q in spec_obj.questions)
    groups = tuple(_group(loaded, spec_obj, g, finder, problems) for g in spec_obj.groups)
    if spec_obj.design.weight:
        _run(lambda: _normalise(loaded, bare), problems)
    return CheckReport(
        path=str(export),
        platform=loaded.platform,
        encoding=loaded.encoding,
        sheet=loaded.sheet,
        rows_read=loaded.rows_read,
        left_out=left_out,
        notes=notes,
        spec=shown,
        questions=questions,
        groups=groups,
        problems=tuple(dict.fromkeys(problems)),  # an include error stops every question
    )


def _included(export: Export, spec: Spec) -> tuple[dict[str, Any], ...]:
    """The responses ``[survey] include`` leaves out, as a ``left_out`` entry (or none)."""
    from rapstats.normalise import included_of

    included = included_of(export, spec)
    return (included.left_out_item(),) if included is not None and included.left_out else ()


def _normalise(export: Export, spec: Spec, **options: Any) -> Responses:
    """:func:`rapstats.normalise.normalise` (imported when first needed)."""
    from rapstats.normalise import normalise

    return normalise(export, spec, **options)


def _run(step: Callable[[], T], problems: list[str]) -> T | None:
    """``step()``, or None with its error's line added to ``problems``."""
    try:
        return step()
    except RapstatsError as exc:
        problems.append(str(exc))
        return None


def _question(
    export: Export, bare: Spec, q: Question, finder: ColumnFinder, problems: list[str]
) -> QuestionCheck:
    """Match question ``q``'s columns and code it alone, collecting its unknown labels."""
    from rapstats.spec import Design

    names = q.columns or q.wordings
    found = [finder.find(c) for c in names]
    pairs = list(zip(names, found, strict=True))
    if q.columns:  # split multi-select: every option's column
        matches = [Match(c, f, None if f else finder.suggest(c)) for c, f in pairs]
    else:  # one column: the first of its wordings present
        hit = next(((c, f) for c, f in pairs if f), None)
        matches = [Match(*hit) if hit else Match(names[0], None, finder.suggest(names[0]))]
    unknown: list[UnknownLabel] = []
    alone = replace(bare, questions=(q,), design=Design())
    if _run(lambda: _normalise(export, alone, unknown=unknown), problems) is not None:
        problems += [u.message for u in unknown]
    return QuestionCheck(q.id, q.type, tuple(matches), tuple(unknown))


def _group(
    export: Export, spec: Spec, g: Group, finder: ColumnFinder, problems: list[str]
) -> GroupCheck:
    """Match group ``g``'s column and count its levels (as ``--by`` would code them)."""
    from rapstats.spec import Design

    found = finder.find(g.column)
    match = Match(g.column, found, None if found else finder.suggest(g.column))
    alone = replace(spec, questions=(), design=Design())
    responses = _run(lambda: _normalise(export, alone, by=(g.name,)), problems)
    if responses is None:
        return GroupCheck(g.name, match)
    codes, labels = responses.groups[g.name]
    counts = np.bincount(codes[codes >= 0], minlength=len(labels)).tolist()
    return GroupCheck(g.name, match, tuple(zip(labels, counts, strict=True)))
