"""Infer a survey spec from an export: which columns are questions, scales, groups, weights.

:func:`infer_spec` looks only at each column's distinct values and their counts (the
categories of the loaded Categoricals), never at rows, so it takes milliseconds on a
million-row export. What it recognises:

* **Answer scales** from their labels in any case or spacing: agree/disagree (5 and 7 points,
  "Tend to agree"), confidence, satisfaction, good/poor, frequency and yes/no. Options are
  ordered most positive first; the positive answers are the top two boxes (``Yes`` for
  yes/no); "Don't know", "Prefer not to say" and their variants are excluded options.
* **Multi-select questions** in each platform's layout: one column per choice (Qualtrics
  ``Q5_1``..., SurveyMonkey choice columns, tick-box columns marked ``1``/``x``/``Y``) or one
  column of joined labels (``,`` Qualtrics, ``, `` Google Forms, ``;`` Microsoft Forms).
* **Open-text** questions: many distinct, long values, or a name such as "Comments"; also
  short answers that are nearly all different, or mostly given once and often sentences.
  Open text is never a grouping variable.
* The **respondent id**, the **timestamp** (which also gives a ``quarter`` group), the survey
  **weight** (a positive numeric column named as a weight: ``weight``, ``wt``, ``design
  weight``..., never a measurement such as "Weight (kg)"), and platform metadata (Status,
  Progress, ...), which is skipped.
* Every other categorical column with repeated values is a **grouping variable**.

The result validates like a hand-written spec (it is built through
:func:`rapstats.spec.parse_spec`), so ``load_spec`` of ``spec_to_toml(infer_spec(e))`` gives
the same spec back.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rapstats.errors import SpecError
from rapstats.labels import TICKED
from rapstats.spec import Spec, fold_label, is_other_label, parse_spec

if TYPE_CHECKING:
    from rapstats.io import Export

# ---------------------------------------------------------------------------------------------
# Vocabulary (folded with fold_label, then stripped of trailing punctuation)

# Each scale: tiers most positive first; a tier is (labels, positive, core). Core tiers are
# always listed as options (the first label when unseen); optional tiers only when seen.
_Tier = tuple[tuple[str, ...], bool, bool]
SCALES: dict[str, tuple[_Tier, ...]] = {
    "agree": (
        (("strongly agree", "agree strongly", "completely agree"), True, True),
        (("agree", "tend to agree", "mostly agree"), True, True),
        (("somewhat agree", "slightly agree"), False, False),
        (
            (
                "neither agree nor disagree",
                "neither agree or disagree",
                "neither agree/disagree",
                "neutral",
            ),
            False,
            True,
        ),
        (("somewhat disagree", "slightly disagree"), False, False),
        (("disagree", "tend to disagree", "mostly disagree"), False, True),
        (("strongly disagree", "disagree strongly", "completely disagree"), False, True),
    ),
    "confidence": (
        (("very confident", "extremely confident", "completely confident"), True, True),
        (("fairly confident", "quite confident", "somewhat confident", "confident"), True, True),
        (("not very confident", "slightly confident", "not confident"), False, True),
        (("not at all confident", "not confident at all"), False, True),
    ),
    "satisfaction": (
        (("very satisfied", "extremely satisfied", "completely satisfied"), True, True),
        (("fairly satisfied", "quite satisfied", "somewhat satisfied", "satisfied"), True, True),
        (
            ("neither satisfied nor dissatisfied", "neither satisfied or dissatisfied"),
            False,
            True,
        ),
        (
            ("fairly dissatisfied", "quite dissatisfied", "somewhat dissatisfied", "dissatisfied"),
            False,
            True,
        ),
        (("very dissatisfied", "extremely dissatisfied", "completely dissatisfied"), False, True),
    ),
    "quality": (
        (("very good", "excellent"), True, True),
        (("good", "fairly good", "quite good"), True, True),
        (("neither good nor poor", "neither good nor bad", "fair", "average"), False, True),
        (("poor", "fairly poor", "bad", "fairly bad"), False, True),
        (("very poor", "very bad"), False, True),
    ),
    "frequency": (
        (("always", "all of the time"), True, True),
        (("often", "usually", "most of the time", "very often"), True, True),
        (("sometimes", "some of the time"), False, True),
        (("rarely", "occasionally", "hardly ever", "seldom"), False, True),
        (("never", "none of the time"), False, True),
    ),
    "yes_no": (
        (("yes",), True, True),
        (("no",), False, True),
    ),
}
# Answers left out of the base; the first of each set is the canonical label.
EXCLUDED: frozenset[str] = frozenset(
    {
        "don't know",
        "dont know",
        "do not know",
        "don't know / not sure",
        "don't know/not sure",
        "not sure",
        "unsure",
        "prefer not to say",
        "prefer not to answer",
        "rather not say",
        "would rather not say",
        "i'd rather not say",
        "not applicable",
        "n/a",
        "na",
        "can't say",
        "cannot say",
        "no opinion",
    }
)
_ID_NAMES = frozenset(
    {
        "id",
        "respondent id",
        "respondentid",
        "response id",
        "responseid",
        "record id",
        "submission id",
        "reference",
        "ref",
        "respondent ref",
        "case id",
        "respondent",
        "uuid",
    }
)
# Timestamp names, best first (completion beats start).
_TIME_NAMES = (
    "submitted at",
    "submitted",
    "submission date",
    "completion time",
    "timestamp",
    "recordeddate",
    "recorded date",
    "enddate",
    "end date",
    "end time",
    "date submitted",
    "created at",
    "startdate",
    "start date",
    "start time",
    "date",
)
_METADATA = frozenset(
    {
        "status",
        "progress",
        "duration (in seconds)",
        "duration",
        "finished",
        "distributionchannel",
        "userlanguage",
        "collector id",
        "last modified time",
        "total points",
        "quiz feedback",
        "q recaptchascore",
        "q relevantidduplicate",
        "q relevantidduplicatescore",
        "q relevantidfraudscore",
        "q relevantidlaststartdate",
        "responseset",
    }
)
# A survey weight is inferred only from a column named as one (a question such as "Weight (kg)"
# or "Birth weight" is not): names as folded by _name_key.
_WEIGHT_NAMES = frozenset(
    {
        "weight",
        "weights",
        "wt",
        "wgt",
        "weighting",
        "weighting factor",
        "weight factor",
        "design weight",
        "final weight",
        "survey weight",
        "sampling weight",
        "sample weight",
        "calibration weight",
        "final wt",
    }
)
_TEXT_NAME_RE = re.compile(r"\b(comment|comments|feedback|please explain|anything else|tell us)\b")
_OPEN_NAME_RE = re.compile(r"(please specify|open-ended response|[_ ]text$|other.*text)")
_TYPED_OTHER_RE = re.compile(r"(other|something else)\s*[:\-]\s*\S")  # "Other: cycling"
_DATE_RE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?.*)?$")
_NUMBERED_RE = re.compile(r"^\(?\d{1,2}\s*[-.=:)]\s*")
_SEPARATORS = {"msforms": (";",), "googleforms": (", ",), "qualtrics": (",",)}
_MAX_GROUP_LEVELS = 1000
_MAX_MULTI_OPTIONS = 40
_MAX_LABELS = 2000
_MAX_ODD_LABELS = 3  # labels off an answer scale that still leave it a scale


def _key(label: str) -> str:
    """Matching key of a label: folded, leading "1 - " numbering and end punctuation gone."""
    key = _NUMBERED_RE.sub("", fold_label(label))
    return key.strip(" .!")


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[_\-.]+", " ", fold_label(name)).split())


_SCALE_INDEX: dict[str, tuple[str, int]] = {
    label: (scale, tier)
    for scale, tiers in SCALES.items()
    for tier, (labels, _, _) in enumerate(tiers)
    for label in labels
}


@dataclass(frozen=True, slots=True)
class _Profile:
    """What inference knows about one column: distinct values and their counts.

    Only the most frequent :data:`_MAX_LABELS` values are kept as labels; ``n`` and
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
        return self.n_distinct > _MAX_LABELS

    @property
    def keys(self) -> list[str]:
        return [_key(v) for v in self.labels]

    def mean_length(self) -> float:
        if not self.labels:
            return 0.0
        lengths = np.fromiter((len(v) for v in self.labels), dtype=float, count=len(self.labels))
        return float((lengths * self.counts).sum() / max(int(self.counts.sum()), 1))


def _profile(name: str, series: pd.Series) -> _Profile:
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("string").astype("category")
    codes = series.cat.codes.to_numpy()
    cats = series.cat.categories
    counts = np.bincount(codes[codes >= 0], minlength=len(cats))
    present = np.flatnonzero(counts > 0)
    n_distinct = len(present)
    if n_distinct > _MAX_LABELS:
        top = present[np.argpartition(-counts[present], _MAX_LABELS)[:_MAX_LABELS]]
    else:
        top = present
    labels = [str(cats[i]).strip() for i in top]
    kept = np.array([bool(v) for v in labels], dtype=bool)
    labels_arr = np.asarray(labels, dtype=object)[kept] if labels else np.array([], dtype=object)
    top_counts = counts[top][kept]
    order = np.lexsort((np.arange(len(labels_arr)), -top_counts))
    return _Profile(
        name,
        tuple(labels_arr[order]),
        top_counts[order],
        len(series),
        int(counts.sum()),
        n_distinct,
    )


# ---------------------------------------------------------------------------------------------
# Recognisers


def _scale_of(p: _Profile) -> dict[str, Any] | None:
    """The question table for a column whose answers lie on one known scale, else None.

    A few labels off the scale (at most :data:`_MAX_ODD_LABELS`: a second wording of one of
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
            if all(_key(e) != key for e in excluded):
                excluded.append(label)
            continue
        hit = _SCALE_INDEX.get(key)
        if scale_name is None and hit is not None:
            scale_name = hit[0]  # the scale of the most frequent label on any scale
        if hit is None or hit[0] != scale_name or (hit[1] in seen and _key(seen[hit[1]]) != key):
            odd.append(key)  # off the scale, on another one, or a second wording of an answer
        elif hit[1] not in seen:
            seen[hit[1]] = label
    if scale_name is None or len(seen) < 2:
        return None
    if odd:
        own = [label for labels, _, _ in SCALES[scale_name] for label in labels]
        near = [*own, *EXCLUDED]
        if len(odd) > _MAX_ODD_LABELS or not all(
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


def _is_ticks(p: _Profile) -> bool:
    return bool(p.labels) and all(fold_label(v) in TICKED for v in p.labels)


def _is_text(p: _Profile) -> bool:
    if not p.labels:
        return False
    distinct_ratio = p.n_distinct / max(p.n, 1)
    if _OPEN_NAME_RE.search(fold_label(p.name)):
        return True
    if _TEXT_NAME_RE.search(_name_key(p.name)) and p.mean_length() >= 8:
        return True
    return p.mean_length() >= 20 and distinct_ratio > 0.5 and p.n_distinct > 3


def _is_open(p: _Profile) -> bool:
    """Open text that :func:`_is_text` leaves (short or often-repeated answers): such a column
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


def _is_date(p: _Profile) -> bool:
    sample = list(p.labels[:200])
    if not sample or sum(bool(_DATE_RE.match(v)) for v in sample) < 0.9 * len(sample):
        return False
    parsed = pd.to_datetime(pd.Series(sample), errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def _numbers(p: _Profile) -> np.ndarray | None:
    values = pd.to_numeric(pd.Series(p.labels, dtype=object), errors="coerce").to_numpy(float)
    return None if np.isnan(values).any() else values


def _split_joined(p: _Profile, sep: str) -> dict[str, int] | None:
    """Options of a column of joined labels with their cell counts, or None if it is not one.

    A part given only once, or written ``Other: ...``, is a typed "Other" answer (Google
    Forms and Microsoft Forms put typed text among the choices): it never becomes an option;
    such parts are counted together as the option "Other".
    """
    if p.many:
        return None
    if not any(sep in v for v in p.labels):
        return None
    cells = [v.strip().removesuffix(sep.strip()).strip() for v in p.labels]  # "A;B;" -> "A;B"
    whole = set(cells)
    atoms: dict[str, int] = {}
    joined = 0  # cells holding two or more choices
    for label, count in zip(cells, p.counts, strict=True):
        parts = [x.strip() for x in label.split(sep)]
        i = 0
        chosen: list[str] = []
        while i < len(parts):
            # a part that is never a whole cell is a fragment of a label holding the
            # separator ("Family, friends or neighbours"): extend it to the shortest whole cell
            j = i + 1
            if parts[i] not in whole:
                k = next(
                    (k for k in range(i + 2, len(parts) + 1) if sep.join(parts[i:k]) in whole),
                    None,
                )
                j = k if k is not None else i + 1
            chosen.append(sep.join(parts[i:j]))
            i = j
        chosen = list(dict.fromkeys(a for a in chosen if a))
        joined += int(count) if len(chosen) >= 2 else 0
        for atom in chosen:
            atoms[atom] = atoms.get(atom, 0) + int(count)
    if joined < max(2, 0.02 * p.n):
        return None
    typed = {a for a, c in atoms.items() if c < 2 or _TYPED_OTHER_RE.match(fold_label(a))}
    choices = {a: c for a, c in atoms.items() if a not in typed}
    if not 2 <= len(choices) <= _MAX_MULTI_OPTIONS:
        return None
    # choices recur in several combinations; the clauses of free text do not
    recurring = sum(1 for a in choices if sum(1 for v in p.labels if a in v) >= 2)
    if recurring < 0.5 * len(choices):
        return None
    if sum(choices.values()) < 0.8 * sum(atoms.values()):
        return None
    if typed:
        other = next((a for a in choices if is_other_label(a)), "Other")
        choices[other] = choices.get(other, 0) + sum(atoms[a] for a in typed)
    return choices


def _common_stem(names: list[str]) -> str:
    """The question part shared by split columns (``Q5 - A``, ``Q5_A``, ``Q5 [A]``)."""
    for sep in (" - ", ": ", " [", "_", ".", " "):
        stems = {n.rsplit(sep, 1)[0] for n in names if sep in n}
        if len(stems) == 1 and all(sep in n for n in names):
            return stems.pop()
    return ""


def _choice_label(name: str, stem: str, parts: tuple[str, ...]) -> str:
    if len(parts) >= 2 and parts[-1] and not parts[-1].lstrip("{").startswith('"'):
        text = parts[-1]
    elif len(parts) >= 2 and parts[1]:
        text = parts[1]
    else:
        text = name
    if " - " in text:
        text = text.rsplit(" - ", 1)[1]
    if text == name and stem and name.startswith(stem):
        text = name[len(stem) :].strip(" -:[]_.")
    return text or name


# ---------------------------------------------------------------------------------------------
# Ids


def _slug(text: str, taken: set[str]) -> str:
    if re.fullmatch(r"[A-Za-z0-9_.\-]{1,24}", text):
        base = text
    else:
        stop = {"the", "a", "an", "of", "to", "and", "or", "in", "on", "you", "your", "are", "is"}
        stop |= {"how", "what", "do", "does", "with", "for", "that", "this", "be", "by", "at"}
        words = [w for w in re.findall(r"[a-z0-9]+", fold_label(text)) if w not in stop]
        base = "_".join(words[:4])[:32].strip("_") or "q"
    slug, k = base, 2
    while slug in taken:
        slug = f"{base}_{k}"
        k += 1
    taken.add(slug)
    return slug


# ---------------------------------------------------------------------------------------------


def infer_spec(export: Export) -> Spec:
    """Infer a survey spec from a loaded export.

    Parameters
    ----------
    export : Export
        As returned by :func:`rapstats.io.load_export`.

    Returns
    -------
    Spec
        A validated spec with ``source = "inferred"``: one question per answer-scale column,
        multi-select question or open-text column, a group per categorical column that is not
        an answer scale (plus ``quarter`` derived from the timestamp), the id, timestamp and
        weight columns.

    Raises
    ------
    SpecError
        If no column holds answers on a recognisable scale, multi-select or open text.

    Notes
    -----
    Numeric answer codes (Qualtrics' numeric-value export) carry no labels, so they are not
    turned into questions: write their ``values`` in a spec. Columns whose categories match no
    rule (for example unique codes or numbers) are left out.

    Example
    -------
    >>> spec = infer_spec(load_export("survey.csv"))  # doctest: +SKIP
    >>> [q.id for q in spec.questions][:3]  # doctest: +SKIP
    ['q01', 'q02', 'q03']
    """
    frame = export.frame
    names = [str(c) for c in frame.columns]
    profiles = {c: _profile(c, frame[c]) for c in names}
    parts = export.header_parts
    used: set[str] = set()
    entries: list[tuple[int, str, dict[str, Any]]] = []  # (position, text, question table)

    id_column = _find_id(names, profiles)
    if id_column:
        used.add(id_column)
    used |= {c for c in names if _name_key(c) in _METADATA}

    timestamp = _find_timestamp([c for c in names if c not in used], profiles)
    used |= {c for c in names if c not in used and _is_time_name(c) and _is_date(profiles[c])}
    if timestamp:
        used.add(timestamp)

    weight = None
    for c in names:
        if c not in used and _name_key(c) in _WEIGHT_NAMES:
            values = _numbers(profiles[c])
            if values is not None and len(values) and (values > 0).all():
                weight = c
                used.add(c)
                break

    # Multi-select over several columns: grouped by header parts, else by name stem.
    for cols in _column_runs(names, used, profiles, parts):
        stem = _common_stem(cols)
        first = cols[0]
        question = parts.get(first, (first,))
        if len(question) >= 2 and export.platform == "qualtrics":
            text = question[1].split(" - ")[0]
        elif len(question) >= 2 and export.platform == "surveymonkey":
            text = question[0]
        else:
            text = stem or first
        options = []
        for c in cols:
            p = profiles[c]
            value = p.labels[0] if p.labels else ""
            if not value or fold_label(value) in TICKED:
                value = _choice_label(c, stem, parts.get(c, ()))
            if is_other_label(parts.get(c, ("", ""))[-1]):
                # typed "Other" answers: the option "Other"; the text is a text question
                value = "Other"
                entries.append((names.index(c), question[0], {"column": c, "type": "text"}))
            options.append(value)
        if len({fold_label(o) for o in options}) != len(options):
            options = list(cols)
        entries.append(
            (names.index(first), text, {"type": "multi", "columns": cols, "options": options})
        )
        used.update(cols)

    groups: list[tuple[int, str]] = []
    separators = _SEPARATORS.get(export.platform, (";", ", ", ","))
    for pos, c in enumerate(names):
        if c in used:
            continue
        p = profiles[c]
        if not p.labels:
            continue
        text = export.question_text.get(c, c)
        scale = _scale_of(p)
        if scale is not None:
            entries.append((pos, text, {"column": c, **scale}))
            continue
        joined = None
        for sep in separators:
            joined = _split_joined(p, sep)
            if joined is not None:
                break
        if joined is not None and not (_is_text(p) and len(joined) > 12):
            if all(re.fullmatch(r"-?\d+", o) for o in joined):  # numeric codes: in order
                options = sorted(joined, key=int)
            else:  # most chosen first, "Other" last
                options = sorted(joined, key=lambda o: (is_other_label(o), -joined[o], o))
            table = {"column": c, "type": "multi", "separator": sep, "options": options}
            entries.append((pos, text, table))
            continue
        if _is_text(p) or _is_open(p):  # free text is never a group
            entries.append((pos, text, {"column": c, "type": "text"}))
            continue
        if p.many:
            continue
        if _numbers(p) is not None and (p.n_distinct > 20 or export.platform == "qualtrics"):
            continue  # a measurement or numeric answer codes: not a grouping variable
        if p.n_distinct <= _MAX_GROUP_LEVELS and (p.n_distinct <= 20 or p.n_distinct < p.n / 2):
            groups.append((pos, c))

    if not entries:
        raise SpecError(
            "no question columns recognised in the export",
            path=export.path,
            hint="write a spec naming the question columns and their options",
        )
    entries.sort(key=lambda e: e[0])
    taken: set[str] = set()
    questions: dict[str, Any] = {}
    for _, text, table in entries:
        source = table.get("column") or _common_stem(table["columns"]) or table["columns"][0]
        qid = _slug(source if len(source) <= 24 else text, taken)
        questions[qid] = {"text": text, **table}
    group_tables: dict[str, Any] = {}
    group_ids: set[str] = {"quarter"} if timestamp else set()
    for _, c in groups:
        group_tables[_slug(c, group_ids)] = {"column": c}
    if timestamp:
        group_tables["quarter"] = {"column": timestamp, "derive": "quarter"}
    survey: dict[str, Any] = {}
    if timestamp:
        survey["timestamp"] = timestamp
    if id_column:
        survey["id"] = id_column
    if weight:
        survey["weight"] = weight
    data: dict[str, Any] = {"questions": questions}
    if survey:
        data["survey"] = survey
    if group_tables:
        data["groups"] = group_tables
    return replace(parse_spec(data), source="inferred")


def _find_id(names: list[str], profiles: dict[str, _Profile]) -> str | None:
    for c in names:
        if _name_key(c) in _ID_NAMES:
            return c
    for c in names:
        p = profiles[c]
        key = _name_key(c)
        if key.endswith("id") and p.n == p.n_rows and p.n_distinct == p.n:
            return c
    return None


def _is_time_name(c: str) -> bool:
    key = _name_key(c)
    return key in _TIME_NAMES or any(w in key.split() for w in ("date", "time", "timestamp"))


def _find_timestamp(names: list[str], profiles: dict[str, _Profile]) -> str | None:
    candidates = [c for c in names if _is_time_name(c) and _is_date(profiles[c])]
    if not candidates:
        return None

    def rank(c: str) -> int:
        key = _name_key(c)
        return _TIME_NAMES.index(key) if key in _TIME_NAMES else len(_TIME_NAMES)

    return min(candidates, key=rank)


def _column_runs(
    names: list[str],
    used: set[str],
    profiles: dict[str, _Profile],
    parts: dict[str, tuple[str, ...]],
) -> list[list[str]]:
    """Runs of adjacent columns that are the choices of one multi-select question.

    A run shares its question (header row 1 for SurveyMonkey, the tag stem for Qualtrics, the
    name stem otherwise) and each of its columns holds at most one distinct value: the
    choice's label or a tick mark.
    """

    def question_of(c: str) -> str | None:
        p = profiles[c]
        hp = parts.get(c)
        if c not in used and hp and len(hp) == 2 and is_other_label(hp[1]):
            return "sm:" + hp[0]  # SurveyMonkey's "Other (please specify)": typed text
        if c in used or p.many or (len(p.labels) > 1 and not _is_ticks(p)):
            return None
        if p.labels and _key(p.labels[0]) in EXCLUDED:
            return None
        if hp and len(hp) == 2:  # SurveyMonkey: (question, choice)
            return "sm:" + hp[0]
        m = re.fullmatch(r"(Q[\w.]*?)_\d+", c)
        if hp and m:
            return "q:" + m.group(1)
        if p.labels and not _is_ticks(p) and not hp:
            return None
        stem = _common_stem([c])
        return "n:" + stem if stem else None

    runs: list[list[str]] = []
    current: list[str] = []
    current_q: str | None = None
    for c in [*names, None]:
        q = None if c is None else question_of(c)
        if q is not None and q == current_q:
            current.append(c)  # type: ignore[arg-type]
            continue
        if current_q is not None and len(current) >= 2:
            if any(profiles[x].labels for x in current):
                runs.append(current)
        current, current_q = ([c] if q is not None else []), q  # type: ignore[list-item]
    return runs


__all__ = ["infer_spec", "SCALES", "EXCLUDED"]
