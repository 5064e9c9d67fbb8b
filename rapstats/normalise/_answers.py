"""Code single-choice answers against their question's options (see :mod:`rapstats.normalise`);
multi-select answers are coded by :mod:`rapstats.normalise._choices`."""

from __future__ import annotations

import difflib

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.spec import Question, fold_label

BLANK = -1


def unknown_label_error(
    export: Export,
    q: Question,
    column: str,
    codes: np.ndarray,
    bad: np.ndarray,
    cats: tuple[str, ...],
) -> InputError:
    rows = np.flatnonzero(bad[codes] & (codes >= 0))
    i = int(rows[0])
    value = cats[codes[i]]
    allowed = list(q.options) + list(q.values)
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if not close:
        folded = {fold_label(a): a for a in allowed}
        hit = difflib.get_close_matches(fold_label(value), list(folded), n=1, cutoff=0.6)
        close = [folded[hit[0]]] if hit else []
    suggestion = f'did you mean "{close[0]}"? ' if close else ""
    more = f" ({len(rows)} rows in all)" if len(rows) > 1 else ""
    fix = f"add the label to [questions.{q.id}].options"
    if q.type == "multi":  # typed answers are never labels: they count as "Other"
        fix = f'add "Other" to [questions.{q.id}].options (typed answers count as Other)'
    return InputError(
        f'"{value}" is not an option of {q.id}{more}; allowed: ' + ", ".join(allowed),
        path=export.path,
        row=int(export.row_numbers[i]),
        column=column,
        hint=suggestion + f"correct the export, or {fix}",
    )


def code_single(export: Export, q: Question, found: tuple[str, Coded]) -> np.ndarray:
    """Codes of a single-choice column: option index, :data:`BLANK` for blank or missing."""
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
    if bad.any():
        raise unknown_label_error(export, q, column, codes, bad, cats)
    return lookup[codes]
