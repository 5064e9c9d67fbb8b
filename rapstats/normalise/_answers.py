"""Code answers against their question's options: single choice, and multi-select split
into columns or joined in one cell (see :mod:`rapstats.normalise`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.labels import TICKED, UNTICKED
from rapstats.spec import Question, fold_label, is_other_label

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


def _unknown(
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


def _label_error(export: Export, q: Question) -> Callable[[UnknownLabel, str], InputError]:
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
    _unknown(export, q, found, bad, unknown, _label_error(export, q))
    return lookup[codes]


def code_multi_split(
    export: Export, q: Question, columns: list[tuple[str, Coded]], unknown: Unknowns = None
) -> tuple[np.ndarray, np.ndarray]:
    """Ticks (respondents x options) and answered flags of a multi-select split into one
    column per option (in options order)."""
    ticked = np.zeros((export.rows_read, len(q.options)), dtype=bool)
    for j, (column, coded) in enumerate(columns):
        codes, cats = coded.codes, coded.categories
        option = fold_label(q.options[j])
        other = is_other_label(q.options[j])  # its column holds typed text: any text ticks it
        is_tick = np.zeros(len(cats) + 1, dtype=bool)
        bad = np.zeros(len(cats) + 1, dtype=bool)
        for k, cat in enumerate(cats):
            key = fold_label(cat)
            if key in TICKED or key == option or (other and key not in UNTICKED and key):
                is_tick[k] = True
            elif key not in UNTICKED and key != "":
                bad[k] = True
        error = _tick_error(export, q, q.options[j])
        _unknown(export, q, (column, coded), bad, unknown, error)
        ticked[:, j] = is_tick[codes]
    return ticked, ticked.any(axis=1)


def _tick_error(
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


def _split_joined(
    value: str, options: dict[str, int], sep: str | None, other: int | None = None
) -> list[int] | None:
    """Option indices of a joined multi-select cell; None when a part matches no option.

    Parts are matched against the known options, longest first, so a label that contains the
    separator (``Yes, due to existing conditions (Diabetes, asthma)``) is kept whole. When the
    question has an "Other" option (index ``other``), parts that match no option are typed
    "Other" answers (Google Forms and Microsoft Forms put them among the choices, a hand-made
    sheet writes ``Other: ...``) and count as that option; their text is never a label.
    """
    key = fold_label(value)
    if key in options:
        return [options[key]]
    seps = [sep] if sep else [";", ",", "|"]
    best: tuple[int, list[int]] | None = None  # (options matched, indices) with typed parts
    for s in seps:
        parts = [p for p in re.split(re.escape(s.strip()), value) if p.strip() != ""]
        found: list[int] = []
        typed = 0
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                cand = fold_label(s.strip().join(parts[i:j]))
                if cand in options:
                    found.append(options[cand])
                    i = j
                    break
            else:
                if other is None:
                    break
                found.append(other)
                typed += 1
                i += 1
        else:
            if not typed:
                return found
            if best is None or len(found) - typed > best[0]:
                best = (len(found) - typed, found)
    return None if best is None else best[1]


def code_multi_joined(
    export: Export, q: Question, found: tuple[str, Coded], sep: str | None, unknown: Unknowns = None
) -> tuple[np.ndarray, np.ndarray]:
    """Ticks (respondents x options) and answered flags of a multi-select joined in one cell,
    its parts separated by ``sep`` (None: try ``;``, ``,`` and ``|``)."""
    column, coded = found
    codes, cats = coded.codes, coded.categories
    options = {fold_label(o): i for i, o in enumerate(q.options)}
    for code, label in q.values.items():
        options.setdefault(fold_label(code), options[fold_label(label)])
    other = next((i for i, o in enumerate(q.options) if is_other_label(o)), None)
    missing = {fold_label(m) for m in q.missing_values}
    matrix = np.zeros((len(cats) + 1, len(q.options)), dtype=bool)
    answered = np.zeros(len(cats) + 1, dtype=bool)
    bad = np.zeros(len(cats) + 1, dtype=bool)
    for k, cat in enumerate(cats):
        key = fold_label(cat)
        if key == "" or key in missing:
            continue
        found = _split_joined(cat, options, sep, other)
        if found is None:
            bad[k] = True
            continue
        matrix[k, found] = True
        answered[k] = True
    _unknown(export, q, (column, coded), bad, unknown, _label_error(export, q))
    return matrix[codes], answered[codes]
