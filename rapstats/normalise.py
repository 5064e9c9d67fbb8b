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
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rapstats.errors import InputError, SpecError
from rapstats.io import Export
from rapstats.spec import Group, Question, Spec, fold_label

BLANK = -1
BLANK_LABEL = "(blank)"
TICKED = frozenset({"1", "x", "y", "yes", "true", "ticked", "selected", "\u2713", "\u2714"})
UNTICKED = frozenset({"0", "n", "no", "false", "not selected", "unticked"})
DEFAULT_SEPARATORS = {"googleforms": ", ", "msforms": ";", "qualtrics": ","}


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
    text: dict[str, pd.Series] = field(default_factory=dict)


def spec_columns(spec: Spec, by: tuple[str, ...] = ()) -> list[str]:
    """The export columns a spec (and grouping by ``by``) needs, in a stable order."""
    cols: list[str] = []
    for q in spec.questions:
        cols.extend(q.source_columns)
    for name in by:
        cols.append(spec.group(name).column)
    for c in (spec.design.weight, spec.design.strata, spec.design.ids, spec.design.fpc):
        if c:
            cols.append(c)
    return list(dict.fromkeys(cols))


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
    text: dict[str, pd.Series] = {}
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
            text[q.id] = frame.get(q.column, q)
    groups = {}
    for name in by:
        g = spec.group(name)
        groups[g.name] = _code_group(export, g, frame.get(g.column, g, spec))
    weights = None
    if spec.design.weight:
        weights = _weights(export, frame.get(spec.design.weight, "weight", spec))
    return Responses(
        spec=spec,
        n=len(export.frame),
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
        self.folded = {fold_label(c): c for c in export.frame.columns}

    def get(self, name: str | None, owner: object, spec: Spec | None = None) -> pd.Series:
        frame = self.export.frame
        col = name if name in frame.columns else self.folded.get(fold_label(name or ""))
        if col is None:
            where = (
                f"[questions.{owner.id}]"
                if isinstance(owner, Question)
                else f"[groups.{owner.name}]"
                if isinstance(owner, Group)
                else "[survey]"
            )
            close = difflib.get_close_matches(name or "", list(frame.columns), n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            raise SpecError(
                f'the spec names column "{name}" ({where}), which is not in the export',
                path=self.export.path,
                hint=hint + "correct the column name in the spec, or run `rapstats init` "
                "to see the export's columns",
            )
        return frame[col]


def _categories(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes (int64, -1 = missing) and category strings of a column."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    codes = np.asarray(series.cat.codes, dtype=np.int64)
    return codes, [str(c) for c in series.cat.categories]


def _unknown_label_error(
    export: Export, q: Question, column: str, codes: np.ndarray, bad: np.ndarray, cats: list[str]
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
    return InputError(
        f'"{value}" is not an option of {q.id}{more}; allowed: ' + ", ".join(allowed),
        path=export.path,
        row=int(export.row_numbers[i]),
        column=column,
        hint=suggestion + f"correct the export, or add the label to [questions.{q.id}].options",
    )


def _code_single(export: Export, q: Question, series: pd.Series) -> np.ndarray:
    codes, cats = _categories(series)
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
        raise _unknown_label_error(export, q, str(series.name), codes, bad, cats)
    return lookup[codes]


def _code_multi_split(
    export: Export, q: Question, columns: list[pd.Series]
) -> tuple[np.ndarray, np.ndarray]:
    n = len(export.frame)
    ticked = np.zeros((n, len(q.options)), dtype=bool)
    for j, series in enumerate(columns):
        codes, cats = _categories(series)
        option = fold_label(q.options[j])
        is_tick = np.zeros(len(cats) + 1, dtype=bool)
        bad = np.zeros(len(cats) + 1, dtype=bool)
        for k, cat in enumerate(cats):
            key = fold_label(cat)
            if key in TICKED or key == option:
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
                column=str(series.name),
                hint=f"check that [questions.{q.id}].columns are listed in options order",
            )
        ticked[:, j] = is_tick[codes]
    return ticked, ticked.any(axis=1)


def _split_joined(value: str, options: dict[str, int], sep: str | None) -> list[int] | None:
    """Option indices of a joined multi-select cell; None when a part matches no option.

    Parts are matched against the known options, longest first, so a label that contains the
    separator (``Yes, due to existing conditions (Diabetes, asthma)``) is kept whole.
    """
    key = fold_label(value)
    if key in options:
        return [options[key]]
    seps = [sep] if sep else [";", ",", "|"]
    for s in seps:
        parts = [p for p in re.split(re.escape(s.strip()), value) if p.strip() != ""]
        found: list[int] = []
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                cand = fold_label(s.strip().join(parts[i:j]))
                if cand in options:
                    found.append(options[cand])
                    i = j
                    break
            else:
                break
        else:
            return found
    return None


def _code_multi_joined(
    export: Export, q: Question, series: pd.Series, sep: str | None
) -> tuple[np.ndarray, np.ndarray]:
    codes, cats = _categories(series)
    options = {fold_label(o): i for i, o in enumerate(q.options)}
    for code, label in q.values.items():
        options.setdefault(fold_label(code), options[fold_label(label)])
    missing = {fold_label(m) for m in q.missing_values}
    matrix = np.zeros((len(cats) + 1, len(q.options)), dtype=bool)
    answered = np.zeros(len(cats) + 1, dtype=bool)
    bad = np.zeros(len(cats) + 1, dtype=bool)
    for k, cat in enumerate(cats):
        key = fold_label(cat)
        if key == "" or key in missing:
            continue
        found = _split_joined(cat, options, sep)
        if found is None:
            bad[k] = True
            continue
        matrix[k, found] = True
        answered[k] = True
    if bad.any():
        raise _unknown_label_error(export, q, str(series.name), codes, bad, cats)
    return matrix[codes], answered[codes]


def _periods(cats: pd.Index, derive: str, path: object, column: str) -> np.ndarray:
    """Period label (``2024 Q3``, ``2024-07``, ``2024``) of each timestamp category.

    Vectorised over the categories with Arrow kernels: ISO timestamps
    (``2024-07-18 08:28:09``) are cut to year and month; anything else is parsed as a date
    (day-first unless US order is evident).
    """
    text = pc.utf8_trim_whitespace(pa.array(cats, type=pa.string()))
    if pc.all(pc.match_substring_regex(text, r"^\d{4}-\d{2}")).as_py():
        year_month = pc.dictionary_encode(pc.utf8_slice_codeunits(text, 0, 7))
        uniq = year_month.dictionary.to_pylist()
        years = np.array([int(u[:4]) for u in uniq], dtype=np.int64)[year_month.indices]
        months = np.array([int(u[5:7]) for u in uniq], dtype=np.int64)[year_month.indices]
    else:
        stamps = _parse_dates(pd.Series(text.to_pylist(), dtype=object), path, column)
        years = stamps.dt.year.to_numpy(np.int64)
        months = stamps.dt.month.to_numpy(np.int64)
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
    return np.array(labels, dtype=object)[inverse]


def _parse_dates(values: pd.Series, path: object, column: str) -> pd.Series:
    """Parse non-ISO date strings; day-first (UK) unless a first field above 12 says US."""
    firsts = values.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]")
    a = pd.to_numeric(firsts[0], errors="coerce")
    b = pd.to_numeric(firsts[1], errors="coerce")
    dayfirst = not ((b > 12).any() and not (a > 12).any())
    parsed = pd.to_datetime(values, dayfirst=dayfirst, format="mixed", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        raise InputError(
            f'"{values[bad].iloc[0]}" is not a date',
            path=path,  # type: ignore[arg-type]
            column=column,
            hint="use a timestamp column (e.g. 2024-07-18 08:28:09) for derived periods",
        )
    return parsed


def _code_group(export: Export, g: Group, series: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    codes = np.asarray(series.cat.codes, dtype=np.int64)
    cats = series.cat.categories
    if g.derive:
        labels = _periods(cats, g.derive, export.path, str(series.name))
    else:
        text = pd.Series(cats, dtype=object).astype(str).str.split().str.join(" ")
        labels = text.where(text != "", BLANK_LABEL).to_numpy(object)
    labels = np.append(labels, BLANK_LABEL)  # code -1: a blank cell
    level_codes, levels = pd.factorize(labels)
    group_codes = level_codes[codes]
    used = np.bincount(group_codes, minlength=len(levels)) > 0
    present = [str(v) for v, u in zip(levels, used, strict=True) if u]
    ordered = sorted(present, key=_group_sort_key(g))
    position = {label: i for i, label in enumerate(ordered)}
    remap = np.array([position.get(str(v), -1) for v in levels], dtype=np.int32)
    return remap[group_codes], tuple(ordered)


def _group_sort_key(g: Group):  # noqa: ANN202 - a sort key
    order = {fold_label(o): i for i, o in enumerate(g.order)}

    def key(label: str) -> tuple[int, int, str]:
        blank = label == BLANK_LABEL
        return (int(blank), order.get(fold_label(label), len(order)), label.casefold())

    return key


def _weights(export: Export, series: pd.Series) -> np.ndarray:
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    codes = np.asarray(series.cat.codes, dtype=np.int64)
    cats = pa.array(series.cat.categories, type=pa.string())
    try:
        values = pc.cast(pc.utf8_trim_whitespace(cats), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(pd.Series(cats.to_pylist(), dtype=object), errors="coerce")
        values = values.to_numpy(float)
    w = np.append(values, np.nan)[codes]
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shown = "blank" if codes[i] < 0 else f'"{cats[codes[i]].as_py()}"'
        raise InputError(
            f"weight is {shown}, not a positive number ({int(bad.sum())} rows in all)",
            path=export.path,
            row=int(export.row_numbers[i]),
            column=str(series.name),
            hint="give every response a positive weight, or remove [survey].weight",
        )
    return w
