"""Multi-select answers as each platform lays them out, with their typed "Other" answers.

One mechanism, :class:`Choices`, knows a question's options (and which one is "Other",
:attr:`rapstats.spec.Question.other`) and the export's layout:

* **split columns**, one per option (Qualtrics ``Selected Choice`` columns, SurveyMonkey,
  hand-made tick columns): a cell ticks its option when it is a tick mark or the option's
  label. The column of the "Other" option may hold the typed text itself (SurveyMonkey's
  ``Other (please specify)``): any text ticks it and is the respondent's typed answer.
  Qualtrics keeps the text apart, in ``Qn_k_TEXT``: a text question of the spec.
* **joined choices** in one cell, separated by the question's ``separator``, else the
  platform's (:data:`rapstats.labels.DEFAULT_SEPARATORS`: Google Forms ``", "``, Microsoft
  Forms ``;`` with a trailing ``;``, Qualtrics ``,``), else ``;``, ``,`` or ``|``: the parts
  are matched against the known options, longest first, so that a label or a typed text
  holding the separator stays whole. Parts that match no option are the typed "Other" answer
  (Google Forms and Microsoft Forms put it among the choices; a hand-made sheet writes
  ``Other: ...``).

A typed answer ticks the "Other" option once, however many parts or commas it has; its text
(without a leading ``Other:``) goes to the free-text side, :attr:`MultiCoded.typed`, quoted
and redacted by ``rapstats comments``: it never becomes an option. Without an "Other" option,
a typed answer is an error saying how to count it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rapstats.io import Coded, Export
from rapstats.labels import DEFAULT_SEPARATORS, TICKED, UNTICKED, typed_other_text
from rapstats.normalise._answers import Unknowns, collect_unknown, label_error, tick_error
from rapstats.spec import Question, fold_label

#: Separators tried, in order, when neither the question nor the platform gives one.
FALLBACK_SEPARATORS = (";", ",", "|")


@dataclass(frozen=True, slots=True)
class MultiCoded:
    """The coded answers of one multi-select question.

    ``ticked`` is a bool matrix (respondents x options), ``answered`` a bool per respondent;
    ``typed`` is each respondent's typed "Other" text (blank where none), None when the
    question has no "Other" option.
    """

    ticked: np.ndarray
    answered: np.ndarray
    typed: Coded | None


class Choices:
    """A multi-select question's options, read as ``export``'s platform lays them out."""

    def __init__(self, export: Export, q: Question, unknown: Unknowns = None) -> None:
        self.export = export
        self.q = q
        self.unknown = unknown  # where unknown labels are collected (None: the first is an error)
        self.index = {fold_label(o): i for i, o in enumerate(q.options)}
        for code, label in q.values.items():
            self.index.setdefault(fold_label(code), self.index[fold_label(label)])
        self.other = q.other
        self.separator = q.separator or DEFAULT_SEPARATORS.get(export.platform)

    def split(self, cell: str) -> tuple[list[int], str] | None:
        """Option indices of a joined cell and its typed "Other" text ("" if none); None when
        a part matches no option and the question has no "Other" option.

        With no separator known, each fallback separator is tried; the one matching the most
        options wins (a typed text may hold any of them).
        """
        key = fold_label(cell)
        if key in self.index:
            return [self.index[key]], ""
        seps = [self.separator] if self.separator else FALLBACK_SEPARATORS
        best: tuple[int, list[int], str] | None = None  # (options matched, indices, text)
        for sep in seps:
            found = self._parts(cell, sep.strip())
            if found is None:
                continue
            indices, typed = found
            if not typed:
                return indices, ""
            matched = sum(1 for i in indices if i != self.other)
            if best is None or matched > best[0]:
                best = (matched, indices, typed)
        return None if best is None else (best[1], best[2])

    def _parts(self, cell: str, sep: str) -> tuple[list[int], str] | None:
        """Option indices of ``cell`` split at ``sep``, longest known label first, and the
        text of the parts that match none (joined back with ``sep``)."""
        parts = [p for p in re.split(re.escape(sep), cell) if p.strip() != ""]
        found: list[int] = []
        typed: list[str] = []
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                label = fold_label(sep.join(parts[i:j]))
                if label in self.index:
                    found.append(self.index[label])
                    i = j
                    break
            else:
                if self.other is None:
                    return None
                found.append(self.other)
                typed.append(parts[i])
                i += 1
        return found, typed_other_text(sep.join(typed)) if typed else ""

    def joined(self, found: tuple[str, Coded]) -> MultiCoded:
        """The answers of a question joined in one column (its name, its values)."""
        column, coded = found
        codes, cats = coded.codes, coded.categories
        missing = {fold_label(m) for m in self.q.missing_values}
        matrix = np.zeros((len(cats) + 1, len(self.q.options)), dtype=bool)
        answered = np.zeros(len(cats) + 1, dtype=bool)
        bad = np.zeros(len(cats) + 1, dtype=bool)
        texts: list[str] = [""] * len(cats)
        for k, cat in enumerate(cats):
            key = fold_label(cat)
            if key == "" or key in missing:
                continue
            split = self.split(cat)
            if split is None:
                bad[k] = True
                continue
            matrix[k, split[0]] = True
            answered[k] = True
            texts[k] = split[1]
        error = label_error(self.export, self.q)
        collect_unknown(self.export, self.q, found, bad, self.unknown, error)
        return MultiCoded(matrix[codes], answered[codes], self._typed(texts, codes))

    def columns(self, columns: list[tuple[str, Coded]]) -> MultiCoded:
        """The answers of a question split into one column per option (in options order)."""
        ticked = np.zeros((self.export.rows_read, len(self.q.options)), dtype=bool)
        typed = None
        for j, (column, coded) in enumerate(columns):
            is_tick, texts = self._ticks(j, column, coded)
            ticked[:, j] = is_tick[coded.codes]
            if j == self.other:
                typed = self._typed(texts, coded.codes)
        if self.other is not None and typed is None:
            typed = self._typed([], np.full(self.export.rows_read, -1, dtype=np.int32))
        return MultiCoded(ticked, ticked.any(axis=1), typed)

    def _ticks(self, j: int, column: str, coded: Coded) -> tuple[np.ndarray, list[str]]:
        """Per distinct value of option ``j``'s column: whether it ticks the option, and the
        typed text it holds (the "Other" option's column: any text ticks it)."""
        cats = coded.categories
        option = fold_label(self.q.options[j])
        is_tick = np.zeros(len(cats) + 1, dtype=bool)
        bad = np.zeros(len(cats) + 1, dtype=bool)
        texts = [""] * len(cats)
        for k, cat in enumerate(cats):
            key = fold_label(cat)
            if key in TICKED or key == option:
                is_tick[k] = True
            elif key in UNTICKED or key == "":
                continue
            elif j == self.other:
                is_tick[k] = True
                texts[k] = typed_other_text(cat)
            else:
                bad[k] = True
        error = tick_error(self.export, self.q, self.q.options[j])
        collect_unknown(self.export, self.q, (column, coded), bad, self.unknown, error)
        return is_tick, texts

    def _typed(self, texts: list[str], codes: np.ndarray) -> Coded | None:
        """Each respondent's typed "Other" text from the text of each distinct value (None
        when the question has no "Other" option)."""
        if self.other is None:
            return None
        distinct = tuple(dict.fromkeys(t for t in texts if t))
        position = {t: i for i, t in enumerate(distinct)}
        lookup = np.array([position.get(t, -1) for t in texts] + [-1], dtype=np.int32)
        return Coded(lookup[codes], distinct)
