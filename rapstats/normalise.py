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
  the joined cell is not blank.
* groups: ``groups[name]`` is (int32 codes, labels); a blank group value is its own level,
  ``"(blank)"``, so group margins add up to the total.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np

from rapstats._arrow import to_numpy
from rapstats.errors import InputError, SpecError
from rapstats.io import Coded, Export
from rapstats.labels import BLANK_LABEL, DEFAULT_SEPARATORS, TICKED, UNTICKED
from rapstats.spec import Group, Question, Spec, fold_label, is_other_label

BLANK = -1


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


def normalise(export: Export, spec: Spec, *, by: tuple[str, ...] = ()) -> Responses:
    """Code every answer of ``export`` against ``spec``; derive the groups named in ``by``.

    Parameters
    ----------
    export : Export
        The loaded export.
    spec : Spec
        The survey spec (loaded or inferred).
    by : tuple of str
        Group names (spec ``[groups]``) or export column names to derive group codes for.

    Raises
    ------
    SpecError
        A column the spec names is not in the export.
    InputError
        An answer matches none of its question's options, or a weight is not a positive number.
    """
    frame = _ColumnFinder(export, spec)
    answers: dict[str, np.ndarray] = {}
    ticked: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    text: dict[str, Coded] = {}
    try:
        for q in spec.questions:
            if q.type == "single":
                answers[q.id] = _code_single(export, q, frame.get(q.column, q))
            elif q.type == "multi":
                if q.columns:
                    cols = [frame.get(c, q) for c in q.columns]
                    ticked[q.id], answered[q.id] = _code_multi_split(export, q, cols)
                else:
                    sep = q.separator or DEFAULT_SEPARATORS.get(export.platform)
                    ticked[q.id], answered[q.id] = _code_multi_joined(
                        export, q, frame.get(q.column, q), sep
                    )
            else:
                text[q.id] = frame.get(q.column, q)[1]
    except InputError as exc:
        if spec.source == "inferred":  # the fix names the spec: say how to get one
            exc.hint = (
                f"{exc.hint}; no --spec was given: write the inferred spec with `rapstats "
                f"init {export.path.name} -o spec.toml`, edit it and pass it with --spec"
            )
        raise
    groups = {}
    for name in by:
        g = spec.group(name)
        groups[g.name] = _code_group(export, g, frame.get(g.column, g, spec))
    weights = None
    if spec.design.weight:
        weights = _weights(export, frame.get(spec.design.weight, "weight", spec))
    return Responses(
        spec=spec,
        n=export.rows_read,
        answers=answers,
        ticked=ticked,
        answered=answered,
        groups=groups,
        weights=weights,
        text=text,
    )


class _ColumnFinder:
    """Find spec-named columns in an export: exact name first, then trimmed and case-folded."""

    def __init__(self, export: Export, spec: Spec) -> None:
        self.export = export
        self.folded = {fold_label(c): c for c in export.columns}

    def get(self, name: str | None, owner: object, spec: Spec | None = None) -> tuple[str, Coded]:
        """The export column a spec names: (its name in the export, its values)."""
        columns = self.export.columns
        col = name if name in columns else self.folded.get(fold_label(name or ""))
        dropped = {fold_label(c) for c in self.export.dropped} if col is None else set()
        personal = fold_label(name or "") in dropped  # left out at load as personal data
        if col is None and isinstance(owner, Group) and owner not in getattr(spec, "groups", ()):
            # not a spec group: a name given with --by
            if personal:
                raise SpecError(
                    f'--by "{name}" names a column that holds personal data and was left out '
                    "at load",
                    path=self.export.path,
                    hint="to break down by it, declare it in the spec as a group with "
                    "personal = true (its values are then published as group labels)",
                )
            groups = [g.name for g in spec.groups] if spec else []
            known = {fold_label(c): c for c in [*columns, *groups]}
            close = difflib.get_close_matches(fold_label(name or ""), known, n=1, cutoff=0.6)
            close = [known[c] for c in close]
            raise SpecError(
                f'--by "{name}" is neither a group of the spec nor a column of the export',
                hint=(f'did you mean "{close[0]}"? ' if close else "")
                + ("the groups are " + ", ".join(groups) if groups else "the spec has no groups")
                + "; --by also takes an export column's name",
            )
        if col is None:
            where = (
                f"[questions.{owner.id}]"
                if isinstance(owner, Question)
                else f"[groups.{owner.name}]"
                if isinstance(owner, Group)
                else "[survey]"
            )
            if personal:
                raise SpecError(
                    f'the spec names column "{name}" ({where}), which holds personal data and '
                    "was left out at load",
                    path=self.export.path,
                    hint="remove it from the spec, or keep it as a group with personal = true "
                    "(its values are then published as group labels)",
                )
            close = difflib.get_close_matches(name or "", list(columns), n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            raise SpecError(
                f'the spec names column "{name}" ({where}), which is not in the export',
                path=self.export.path,
                hint=hint + "correct the column name in the spec, or run `rapstats init` "
                "to see the export's columns",
            )
        return col, columns[col]


def _unknown_label_error(
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


def _code_single(export: Export, q: Question, found: tuple[str, Coded]) -> np.ndarray:
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
        raise _unknown_label_error(export, q, column, codes, bad, cats)
    return lookup[codes]


def _code_multi_split(
    export: Export, q: Question, columns: list[tuple[str, Coded]]
) -> tuple[np.ndarray, np.ndarray]:
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
        if bad.any():
            allowed = (q.options[j], "1", "x", "Y", "0", "(blank)")
            rows = np.flatnonzero(bad[codes] & (codes >= 0))
            i = int(rows[0])
            raise InputError(
                f'"{cats[codes[i]]}" is not a tick for option "{q.options[j]}" of {q.id}; '
                "allowed: " + ", ".join(allowed),
                path=export.path,
                row=int(export.row_numbers[i]),
                column=column,
                hint=f"check that [questions.{q.id}].columns are listed in options order",
            )
        ticked[:, j] = is_tick[codes]
    return ticked, ticked.any(axis=1)


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


def _code_multi_joined(
    export: Export, q: Question, found: tuple[str, Coded], sep: str | None
) -> tuple[np.ndarray, np.ndarray]:
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
    if bad.any():
        raise _unknown_label_error(export, q, column, codes, bad, cats)
    return matrix[codes], answered[codes]


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _periods(
    export: Export, coded: Coded, derive: str, column: str
) -> tuple[np.ndarray, list[str]]:
    """The period (``2024 Q3``, ``2024-07``, ``2024``) of each timestamp category.

    Returns the index of each category's period in the list of periods, and that list.

    Vectorised over the categories with Arrow kernels: ISO timestamps
    (``2024-07-18 08:28:09``) are cut to their date, and each distinct date is checked;
    anything else is parsed as a date (day-first unless US order is evident). A date that
    does not exist (month 13, 32 July) is an error naming its row.
    """
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(coded.arrow())
    if pc.all(pc.match_substring_regex(text, r"^\d{4}-\d{2}(-\d{2})?([T ]|$)")).as_py():
        dates = pc.dictionary_encode(pc.utf8_slice_codeunits(text, 0, 10))
        days = [_iso_year_month(u) for u in dates.dictionary.to_pylist()]
        indices = to_numpy(dates.indices)
        valid = np.array([d is not None for d in days], dtype=bool)[indices]
        if not valid.all():
            raise _not_a_date(export, coded, column, ~valid)
        years = np.array([d[0] for d in days], dtype=np.int64)[indices]
        months = np.array([d[1] for d in days], dtype=np.int64)[indices]
    else:
        years, months = _parse_dates(export, coded, column)
    key = years * 100 + months
    uniq_keys, inverse = np.unique(key, return_inverse=True)
    labels = []
    for k in uniq_keys:
        y, m = divmod(int(k), 100)
        if derive == "quarter":
            labels.append(f"{y:04d} Q{(m - 1) // 3 + 1}")
        elif derive == "month":
            labels.append(f"{y:04d}-{m:02d}")
        else:
            labels.append(f"{y:04d}")
    periods = list(dict.fromkeys(labels))  # months of one quarter share a label
    position = np.array([periods.index(label) for label in labels], dtype=np.int64)
    return position[inverse.reshape(-1)], periods


def _iso_year_month(text: str) -> tuple[int, int] | None:
    """Year and month of an ISO date (``2024-07-18`` or ``2024-07``); None if no such date."""
    import datetime as dt

    y, m, d = _ISO_DATE.match(text).groups()  # type: ignore[union-attr]
    try:
        dt.date(int(y), int(m), int(d or 1))
    except ValueError:
        return None
    return int(y), int(m)


def _not_a_date(export: Export, coded: Coded, column: str, bad: np.ndarray) -> InputError:
    """The error for timestamp categories marked in ``bad``, naming the first row."""
    rows = np.flatnonzero(np.append(bad, False)[coded.codes])
    i = int(rows[0])
    more = f" ({len(rows)} rows in all)" if len(rows) > 1 else ""
    return InputError(
        f'"{coded.label(int(coded.codes[i]))}" is not a date{more}',
        path=export.path,
        row=int(export.row_numbers[i]),
        column=column,
        hint="correct the date in the export (periods are derived from a timestamp such as "
        "2024-07-18 08:28:09)",
    )


def _parse_dates(export: Export, coded: Coded, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and months of non-ISO date strings; day-first (UK) unless a first field above 12
    says US order."""
    import pandas as pd

    texts = pd.Series(list(coded.categories), dtype=object)
    firsts = texts.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]")
    a = pd.to_numeric(firsts[0], errors="coerce")
    b = pd.to_numeric(firsts[1], errors="coerce")
    dayfirst = not ((b > 12).any() and not (a > 12).any())
    parsed = pd.to_datetime(texts, dayfirst=dayfirst, format="mixed", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        raise _not_a_date(export, coded, column, bad)
    return parsed.dt.year.to_numpy(np.int64), parsed.dt.month.to_numpy(np.int64)


def _code_group(
    export: Export, g: Group, found: tuple[str, Coded]
) -> tuple[np.ndarray, tuple[str, ...]]:
    column, coded = found
    if g.derive:
        per_category, levels = _periods(export, coded, g.derive, column)
        levels.append(BLANK_LABEL)  # code -1: a blank cell
        level_codes = np.append(per_category, len(levels) - 1)
    else:
        labels = [" ".join(c.split()) or BLANK_LABEL for c in coded.categories]
        labels.append(BLANK_LABEL)  # code -1: a blank cell
        levels = list(dict.fromkeys(labels))
        position = {v: i for i, v in enumerate(levels)}
        level_codes = np.array([position[v] for v in labels], dtype=np.int64)
    if g.combine:
        levels, merged = _combined(levels, g)
        level_codes = merged[level_codes]
    _check_order(g, levels, export, column)
    group_codes = level_codes[coded.codes]
    used = np.bincount(group_codes, minlength=len(levels)) > 0
    present = [str(v) for v, u in zip(levels, used, strict=True) if u]
    ordered = sorted(present, key=_group_sort_key(g))
    order = {label: i for i, label in enumerate(ordered)}
    remap = np.array([order.get(str(v), -1) for v in levels], dtype=np.int32)
    return remap[group_codes], tuple(ordered)


def _combined(levels: list[str], g: Group) -> tuple[list[str], np.ndarray]:
    """Levels after the spec's ``combine`` merges, and each old level's new index."""
    into = {fold_label(m): label for label, members in g.combine.items() for m in members}
    new = [into.get(fold_label(v), v) for v in levels]
    unique = list(dict.fromkeys(new))
    position = {v: i for i, v in enumerate(unique)}
    return unique, np.array([position[v] for v in new], dtype=np.int64)


def _check_order(g: Group, levels: list[str], export: Export, column: str) -> None:
    """Refuse a group ``order`` that names a label the column lacks while leaving out one it
    has: a typo ("Nrth") that would silently sort that group last. Labels of groups with no
    responses in this export (another wave's areas) are fine when every value is ordered."""
    folded = {fold_label(v): v for v in levels if v != BLANK_LABEL}
    ordered = {fold_label(o) for o in g.order}
    unknown = [o for o in g.order if fold_label(o) not in folded]
    left_out = [v for k, v in folded.items() if k not in ordered]
    if g.order and unknown and left_out:
        hit = difflib.get_close_matches(fold_label(unknown[0]), [fold_label(v) for v in left_out])
        suggestion = f'did you mean "{folded[hit[0]]}"? ' if hit else ""
        raise SpecError(
            f"groups.{g.name}.order names {unknown[0]!r}, which is not a value of the column, "
            f"and leaves out {left_out[0]!r}",
            path=export.path,
            column=column,
            hint=suggestion + f"correct [groups.{g.name}].order to list the column's values",
        )


def _group_sort_key(g: Group):  # noqa: ANN202 - a sort key
    order = {fold_label(o): i for i, o in enumerate(g.order)}

    def key(label: str) -> tuple[int, int, str]:
        blank = label == BLANK_LABEL
        return (int(blank), order.get(fold_label(label), len(order)), label.casefold())

    return key


def _weights(export: Export, found: tuple[str, Coded]) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    column, coded = found
    try:
        values = to_numpy(pc.cast(pc.utf8_trim_whitespace(coded.arrow()), pa.float64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # some are not numbers: say which
        values = np.array([_number(c) for c in coded.categories], dtype=float)
    w = np.append(values, np.nan)[coded.codes]
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        code = int(coded.codes[i])
        shown = "blank" if code < 0 else f'"{coded.categories[code]}"'
        raise InputError(
            f"weight is {shown}, not a positive number ({int(bad.sum())} rows in all)",
            path=export.path,
            row=int(export.row_numbers[i]),
            column=column,
            hint="give every response a positive weight, or remove [survey].weight",
        )
    return _scaled(w, export, column)


#: Largest ratio of the largest weight to the smallest that is estimated (10^15: beyond it
#: squared weights leave the range of floating point and the small weights count for nothing).
MAX_WEIGHT_RATIO = 1e15


def _scaled(w: np.ndarray, export: Export, column: str) -> np.ndarray:
    """Weights divided by a power of two near the largest (exact; shares and their variances
    do not depend on the scale of the weights), so that sums of w² neither overflow nor
    underflow. A spread wider than ``MAX_WEIGHT_RATIO`` is an error naming both rows."""
    if not len(w):
        return w
    hi, lo = int(np.argmax(w)), int(np.argmin(w))
    if w[hi] / MAX_WEIGHT_RATIO > w[lo]:
        raise InputError(
            f"weights range from {w[lo]:g} (row {int(export.row_numbers[lo])}) to {w[hi]:g} "
            f"(row {int(export.row_numbers[hi])}), a ratio above {MAX_WEIGHT_RATIO:g}",
            path=export.path,
            column=column,
            hint="check the weight column; survey weights differ by a few orders of magnitude",
        )
    return np.ldexp(w, -int(np.frexp(w[hi])[1]))


def _number(text: str) -> float:
    """A weight's text as a number; NaN when it is not one."""
    try:
        return float(text.strip())
    except ValueError:
        return np.nan
