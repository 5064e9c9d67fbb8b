"""Column profiles: a column's distinct values and their counts, and what they look like.

A :class:`Profile` is built from a loaded :class:`~rapstats.io.Coded` column (integer codes
into its distinct values), never from rows and without pandas, so profiling a million-row
column costs one ``bincount`` (:meth:`~rapstats.io.Coded.counts`, which the text reader
counts while it codes); only the most frequent :data:`MAX_LABELS` values are turned into
Python strings. The recognisers (:func:`scale_of`, :func:`split_joined`,
:func:`is_text`, ...) each answer one question about a profile.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats.labels import TICKED, fold_label, is_other_label
from rapstats.spec.infer.values import as_number, surely_date
from rapstats.spec.infer.vocabulary import (
    DATE_RE,
    EXCLUDED,
    MAX_LABELS,
    MAX_MULTI_OPTIONS,
    MAX_ODD_LABELS,
    OPEN_NAME_RE,
    SCALE_INDEX,
    SCALES,
    TEXT_NAME_RE,
    TYPED_OTHER_RE,
    label_key,
    name_key,
)

if TYPE_CHECKING:
    from rapstats.io import Coded


@dataclass(frozen=True, slots=True)
class Profile:
    """What inference knows about one column: distinct values and their counts.

    Only the most frequent :data:`MAX_LABELS` values are kept as labels; ``n`` and
    ``n_distinct`` count them all.
    """

    name: str
    labels: tuple[str, ...]  # distinct non-blank values, most frequent first
    counts: np.ndarray  # count of each label
    n_rows: int
    n: int  # non-blank cells
    n_distinct: int

    @property
    def many(self) -> bool:
        """Too many distinct values to be an answer scale, a choice list or a group."""
        return self.n_distinct > MAX_LABELS

    @property
    def keys(self) -> list[str]:
        """The matching key (:func:`label_key`) of each label."""
        return [label_key(v) for v in self.labels]

    def mean_length(self) -> float:
        """The mean length of the non-blank cells, in characters."""
        if not self.labels:
            return 0.0
        lengths = np.fromiter((len(v) for v in self.labels), dtype=float, count=len(self.labels))
        return float((lengths * self.counts).sum() / max(int(self.counts.sum()), 1))


def profile(name: str, column: Coded) -> Profile:
    """The profile of the column ``name``: its categories counted, most frequent first."""
    counts = column.counts()
    present = np.flatnonzero(counts > 0)
    n_distinct = len(present)
    if n_distinct > MAX_LABELS:
        top = present[np.argpartition(-counts[present], MAX_LABELS)[:MAX_LABELS]]
    else:
        top = present
    labels = [v.strip() for v in column.labels_at(top)]
    kept = np.array([bool(v) for v in labels], dtype=bool)
    labels_arr = np.asarray(labels, dtype=object)[kept] if labels else np.array([], dtype=object)
    top_counts = counts[top][kept]
    order = np.lexsort((np.arange(len(labels_arr)), -top_counts))
    return Profile(
        name,
        tuple(labels_arr[order]),
        top_counts[order],
        len(column.codes),
        int(counts.sum()),
        n_distinct,
    )


def scale_of(p: Profile) -> dict[str, Any] | None:
    """The question table for a column whose answers lie on one known scale, else None.

    A few labels off the scale (at most :data:`MAX_ODD_LABELS`: a second wording of one of
    its answers, or a typo close to one of its labels) do not make it something else: they
    are left out of the options, so that normalising the export names their rows.
    """
    if p.many:
        return None
    seen: dict[int, str] = {}
    excluded: list[str] = []
    odd: list[str] = []
    scale_name = None
    for label, key in zip(p.labels, p.keys, strict=True):
        if key in EXCLUDED:
            # one spelling per answer: "Don’t Know" matches "Don't know" (fold_label)
            if all(label_key(e) != key for e in excluded):
                excluded.append(label)
            continue
        hit = SCALE_INDEX.get(key)
        if scale_name is None and hit is not None:
            scale_name = hit[0]  # the scale of the most frequent label on any scale
        if (
            hit is None
            or hit[0] != scale_name
            or (hit[1] in seen and label_key(seen[hit[1]]) != key)
        ):
            odd.append(key)  # off the scale, on another one, or a second wording of an answer
        elif hit[1] not in seen:
            seen[hit[1]] = label
    if scale_name is None or len(seen) < 2:
        return None
    if odd:
        own = [label for labels, _, _ in SCALES[scale_name] for label in labels]
        near = [*own, *EXCLUDED]
        if len(odd) > MAX_ODD_LABELS or not all(
            k in own or difflib.get_close_matches(k, near, n=1, cutoff=0.8) for k in odd
        ):
            return None
    options: list[str] = []
    positive: list[str] = []
    for tier, (labels, is_positive, core) in enumerate(SCALES[scale_name]):
        if tier in seen or core:
            label = seen.get(tier) or labels[0].capitalize()
            options.append(label)
            if is_positive:
                positive.append(label)
    options += excluded
    return {"options": options, "positive": positive, "exclude": excluded}


def is_ticks(p: Profile) -> bool:
    """Whether every value is a tick mark (:data:`~rapstats.labels.TICKED`)."""
    return bool(p.labels) and all(fold_label(v) in TICKED for v in p.labels)


def is_text(p: Profile) -> bool:
    """Whether the column is open text: named as such, or long answers mostly different."""
    if not p.labels:
        return False
    distinct_ratio = p.n_distinct / max(p.n, 1)
    if OPEN_NAME_RE.search(fold_label(p.name)):
        return True
    if TEXT_NAME_RE.search(name_key(p.name)) and p.mean_length() >= 8:
        return True
    return p.mean_length() >= 20 and distinct_ratio > 0.5 and p.n_distinct > 3


def is_open(p: Profile) -> bool:
    """Open text that :func:`is_text` leaves (short or often-repeated answers): such a column
    is never a grouping variable. Either nearly every answer is its own, in words ("Too cold",
    "Parking was hard"), or most answers are given once and many are sentences."""
    if p.n_distinct < 3 or not p.labels:
        return False
    words = np.array([len(v.split()) for v in p.labels])
    lower = np.array([any(ch.islower() for ch in v) for v in p.labels])
    if p.n_distinct >= 0.8 * p.n and words.mean() >= 2 and lower.mean() >= 0.5:
        return True
    sentences = (words >= 4) | ((words >= 2) & np.array([v[-1] in ".!?" for v in p.labels]))
    return bool((p.counts == 1).mean() >= 0.5 and sentences.mean() >= 0.3)


def is_date(p: Profile) -> bool:
    """Whether 90% of the 200 most frequent values are dates (or dates and times).

    Dates in the usual spellings are checked here (:func:`surely_date`); only when those
    are too few is the sample given to ``pandas.to_datetime(format="mixed")``, which reads
    odder ones ("5 January 2024", a time zone).
    """
    sample = list(p.labels[:200])
    if not sample or sum(bool(DATE_RE.match(v)) for v in sample) < 0.9 * len(sample):
        return False
    if sum(surely_date(v) for v in sample) >= 0.9 * len(sample):
        return True
    import pandas as pd

    parsed = pd.to_datetime(pd.Series(sample), errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def numbers(p: Profile) -> np.ndarray | None:
    """The values as numbers, or None if any value is not a number (:func:`as_number`)."""
    values = [as_number(v) for v in p.labels]
    if any(v is None or v != v for v in values):  # v != v: NaN
        return None
    return np.array(values, dtype=float)


def split_joined(p: Profile, sep: str) -> dict[str, int] | None:
    """Options of a column of joined labels with their cell counts, or None if it is not one.

    A part given only once, or written ``Other: ...``, is a typed "Other" answer (Google
    Forms and Microsoft Forms put typed text among the choices): it never becomes an option;
    such parts are counted together as the option "Other". Two parts that always come
    together (:func:`_glued`) are one label holding the separator (``Car, van or taxi``).
    """
    if p.many:
        return None
    if not any(sep in v for v in p.labels):
        return None
    cells = [v.strip().removesuffix(sep.strip()).strip() for v in p.labels]  # "A;B;" -> "A;B"
    raw = [label.split(sep) for label in cells]
    split = [[x.strip() for x in parts] for parts in raw]
    glued = _glued(split)
    atoms: dict[str, int] = {}
    joined = 0  # cells holding two or more choices
    for parts, unstripped, count in zip(split, raw, p.counts, strict=True):
        chosen: list[str] = []
        for k, part in enumerate(parts):
            if k and (parts[k - 1], part) in glued:  # the label as written, spaces and all
                chosen[-1] += sep + unstripped[k]
            else:
                chosen.append(unstripped[k])
        chosen = list(dict.fromkeys(a.strip() for a in chosen if a.strip()))
        joined += int(count) if len(chosen) >= 2 else 0
        for atom in chosen:
            atoms[atom] = atoms.get(atom, 0) + int(count)
    if joined < max(2, 0.02 * p.n):
        return None
    typed = {a for a, c in atoms.items() if c < 2 or TYPED_OTHER_RE.match(fold_label(a))}
    choices = {a: c for a, c in atoms.items() if a not in typed}
    if not 2 <= len(choices) <= MAX_MULTI_OPTIONS:
        return None
    # choices recur in several combinations; the clauses of free text do not
    recurring = sum(1 for a in choices if sum(1 for v in p.labels if a in v) >= 2)
    if recurring < 0.5 * len(choices):
        return None
    if sum(choices.values()) < 0.6 * sum(atoms.values()):
        return None
    if typed:
        other = next((a for a in choices if is_other_label(a)), "Other")
        choices[other] = choices.get(other, 0) + sum(atoms[a] for a in typed)
    return choices


def _glued(split: list[list[str]]) -> set[tuple[str, str]]:
    """Pairs of adjacent parts ``(a, b)`` where ``a`` is always followed by ``b`` and ``b``
    always follows ``a``: fragments of one label that holds the separator. Two choices are
    never glued once either is seen without the other next to it."""
    after: dict[str, set[str | None]] = {}
    before: dict[str, set[str | None]] = {}
    for parts in split:
        for k, part in enumerate(parts):
            after.setdefault(part, set()).add(parts[k + 1] if k + 1 < len(parts) else None)
            before.setdefault(part, set()).add(parts[k - 1] if k else None)
    return {
        (a, b)
        for a, nxt in after.items()
        if len(nxt) == 1 and (b := next(iter(nxt))) is not None and before[b] == {a}
    }
