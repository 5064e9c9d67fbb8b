"""Code single-choice answers against their question's options (see :mod:`rapstats.normalise`);
multi-select answers are coded by :mod:`rapstats.normalise._choices`. Both report an answer
that is no option through :func:`collect_unknown`: the first is an error, or every one is
collected (``rapstats check``)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.spec import Question, fold_label

BLANK = -1


ROWS_SHOWN = 5  # first rows of an unknown label listed by `rapstats check`


@dataclass(frozen=True, slots=True)
class UnknownLabel:
    """An answer that matches none of its question's options (or, in a multi-select split
    into columns, is not a tick of its option): the value, how many rows hold it and the
    first :data:`ROWS_SHOWN` of them (spreadsheet row numbers, as in the file)."""

    question: str
    column: str
    value: str
    count: int
    rows: tuple[int, ...]
    message: str = ""  # the error summarize stops with, had this been the first


Unknowns = list[UnknownLabel] | None  # where to collect them; None: the first is an error


def _unknown_labels(
    export: Export, q: Question, column: tuple[str, Coded], bad: np.ndarray
) -> list[UnknownLabel]:
    """Every value of the ``column`` (name, values) whose category is ``bad``, in order of
    first row."""
    name, coded = column
    rows = np.flatnonzero(bad[coded.codes] & (coded.codes >= 0))
    found: dict[int, list[int]] = {}
    for i in rows.tolist():
        found.setdefault(int(coded.codes[i]), []).append(i)
    out = []
    for code, at in found.items():
        numbers = tuple(int(export.row_numbers[i]) for i in at[:ROWS_SHOWN])
        out.append(UnknownLabel(q.id, name, coded.label(code), len(at), numbers))
    return out


def collect_unknown(
    export: Export,
    q: Question,
    column: tuple[str, Coded],
    bad: np.ndarray,
    unknown: Unknowns,
    error: Callable[[UnknownLabel, str], InputError],
) -> None:
    """Collect the unknown labels of ``column`` in ``unknown``, or (None) raise ``error`` of
    the first one (saying how many rows hold it, and any): one mechanism for ``normalise``, which
    stops at the first, and ``rapstats check``, which lists them all."""
    if not bad.any():
        return
    found = _unknown_labels(export, q, column, bad)
    if unknown is None:
        raise error(found[0], _how_many(found[0], found))
    unknown.extend(replace(u, message=str(error(u, _how_many(u, [u])))) for u in found)


def _how_many(label: UnknownLabel, found: list[UnknownLabel]) -> str:
    """`` (7 rows)``: the rows holding ``label``, and those holding any of ``found``."""
    own = f"{label.count} rows" if label.count > 1 else ""
    if len(found) > 1:
        n = sum(u.count for u in found)
        own += f"{'; ' if own else ''}{n} rows in all hold {len(found)} unknown labels, listed "
        own += "by `rapstats check`"
    return f" ({own})" if own else ""


def label_error(export: Export, q: Question) -> Callable[[UnknownLabel, str], InputError]:
    """The error of an answer that is not an option of ``q`` (naming the closest)."""

    def error(first: UnknownLabel, more: str) -> InputError:
        value = first.value
        allowed = list(q.options) + list(q.values)
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
        if not close:
            folded = {fold_label(a): a for a in allowed}
            hit = difflib.get_close_matches(fold_label(value), list(folded), n=1, cutoff=0.6)
            close = [folded[hit[0]]] if hit else []
        suggestion = f'did you mean "{close[0]}"? ' if close else ""
        fix = f"add the label to [questions.{q.id}].options"
        if q.type == "multi":  # typed answers are never labels: they count as "Other"
            fix = f'add "Other" to [questions.{q.id}].options (typed answers count as Other)'
        return InputError(
            f'"{value}" is not an option of {q.id}{more}; allowed: ' + ", ".join(allowed),
            path=export.path,
            row=first.rows[0],
            column=first.column,
            hint=suggestion + f"correct the export, or {fix}",
        )

    return error


def code_single(
    export: Export, q: Question, found: tuple[str, Coded], unknown: Unknowns = None
) -> np.ndarray:
    """Codes of a single-choice column: option index, :data:`BLANK` for blank or missing
    (and, when collected in ``unknown``, for an unknown label)."""
    column, coded = found
    codes, cats = coded.codes, coded.categories
    index = {fold_label(o): i for i, o in enumerate(q.options)}
    for code, label in q.values.items():
        index.setdefault(fold_label(code), index[fold_label(label)])
    missing = {fold_label(m) for m in q.missing_values}
    lookup = np.empty(len(cats) + 1, dtype=np.int16)
    lookup[-1] = BLANK  # code -1 (missing) indexes the last slot
    bad = np.zeros(len(cats) + 1, dtype=bool)
    for j, cat in enumerate(cats):
        key = fold_label(cat)
        if key == "" or key in missing:
            lookup[j] = BLANK
        elif key in index:
            lookup[j] = index[key]
        else:
            bad[j] = True
            lookup[j] = BLANK
    collect_unknown(export, q, found, bad, unknown, label_error(export, q))
    return lookup[codes]


def tick_error(
    export: Export, q: Question, option: str
) -> Callable[[UnknownLabel, str], InputError]:
    """The error of a cell that is not a tick of ``option``'s column of ``q``."""

    def error(first: UnknownLabel, more: str) -> InputError:
        allowed = (option, "1", "x", "Y", "0", "(blank)")
        return InputError(
            f'"{first.value}" is not a tick for option "{option}" of {q.id}{more}; '
            "allowed: " + ", ".join(allowed),
            path=export.path,
            row=first.rows[0],
            column=first.column,
            hint=f"check that [questions.{q.id}].columns are listed in options order",
        )

    return error
