"""Infer a survey spec from an export: which columns are questions, scales, groups, weights.

:func:`infer_spec` looks only at each column's distinct values and their counts (the
codes of the loaded :class:`~rapstats.io.Coded` columns), never at rows and without
pandas, so it takes milliseconds on a million-row export. What it recognises:

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

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rapstats.errors import SpecError
from rapstats.labels import DEFAULT_SEPARATORS, TICKED, fold_label, is_other_label
from rapstats.spec.infer.profile import (
    Profile,
    is_date,
    is_open,
    is_text,
    is_ticks,
    numbers,
    profile,
    scale_of,
    split_joined,
)
from rapstats.spec.infer.vocabulary import (
    EXCLUDED,
    ID_NAMES,
    MAX_INFERRED_GROUP_LEVELS,
    METADATA_NAMES,
    SCALES,
    TIME_NAMES,
    WEIGHT_NAMES,
    label_key,
    name_key,
)
from rapstats.spec.model import Spec
from rapstats.spec.parse import parse_spec

if TYPE_CHECKING:
    from rapstats.io import Export

#: A question found: (position of its first column, its text, its spec table).
_Entry = tuple[int, str, dict[str, Any]]


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
    names = list(export.columns)
    profiles = {c: profile(c, export.columns[c]) for c in names}
    survey, used = _design_columns(names, profiles)
    runs = _column_runs(names, used, profiles, export.header_parts)
    entries = [e for cols in runs for e in _multi_select_run(export, cols, names, profiles)]
    used |= {c for cols in runs for c in cols}
    single, group_columns = _single_columns(export, names, profiles, used)
    entries += single
    if not entries:
        raise SpecError(
            "no question columns recognised in the export",
            path=export.path,
            hint="write a spec naming the question columns and their options",
        )
    data: dict[str, Any] = {"questions": _questions(entries)}
    if survey:
        data["survey"] = survey
    groups = _groups(group_columns, survey.get("timestamp"))
    if groups:
        data["groups"] = groups
    return replace(parse_spec(data), source="inferred")


def _design_columns(
    names: list[str], profiles: dict[str, Profile]
) -> tuple[dict[str, str], set[str]]:
    """The ``[survey]`` table (timestamp, id and weight columns found), and the columns that
    are no question or group: those, other dates and times, and platform metadata."""
    used: set[str] = set()
    id_column = _find_id(names, profiles)
    if id_column:
        used.add(id_column)
    used |= {c for c in names if name_key(c) in METADATA_NAMES}
    timestamp = _find_timestamp([c for c in names if c not in used], profiles)
    used |= {c for c in names if c not in used and _is_time_name(c) and is_date(profiles[c])}
    if timestamp:
        used.add(timestamp)
    weight = _find_weight([c for c in names if c not in used], profiles)
    if weight:
        used.add(weight)
    survey = {"timestamp": timestamp, "id": id_column, "weight": weight}
    return {k: v for k, v in survey.items() if v}, used


def _find_id(names: list[str], profiles: dict[str, Profile]) -> str | None:
    for c in names:
        if name_key(c) in ID_NAMES:
            return c
    for c in names:
        p = profiles[c]
        key = name_key(c)
        if key.endswith("id") and p.n == p.n_rows and p.n_distinct == p.n:
            return c
    return None


def _is_time_name(c: str) -> bool:
    key = name_key(c)
    return key in TIME_NAMES or any(w in key.split() for w in ("date", "time", "timestamp"))


def _find_timestamp(names: list[str], profiles: dict[str, Profile]) -> str | None:
    candidates = [c for c in names if _is_time_name(c) and is_date(profiles[c])]
    if not candidates:
        return None

    def rank(c: str) -> int:
        key = name_key(c)
        return TIME_NAMES.index(key) if key in TIME_NAMES else len(TIME_NAMES)

    return min(candidates, key=rank)


def _find_weight(names: list[str], profiles: dict[str, Profile]) -> str | None:
    """The first column named as a weight whose values are all positive numbers."""
    for c in names:
        if name_key(c) in WEIGHT_NAMES:
            values = numbers(profiles[c])
            if values is not None and len(values) and (values > 0).all():
                return c
    return None


def _column_runs(
    names: list[str],
    used: set[str],
    profiles: dict[str, Profile],
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
        if c in used or p.many or (len(p.labels) > 1 and not is_ticks(p)):
            return None
        if p.labels and label_key(p.labels[0]) in EXCLUDED:
            return None
        if hp and len(hp) == 2:  # SurveyMonkey: (question, choice)
            return "sm:" + hp[0]
        m = re.fullmatch(r"(Q[\w.]*?)_\d+", c)
        if hp and m:
            return "q:" + m.group(1)
        if p.labels and not is_ticks(p) and not hp:
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


def _multi_select_run(
    export: Export, cols: list[str], names: list[str], profiles: dict[str, Profile]
) -> list[_Entry]:
    """The multi-select question of a run of choice columns (:func:`_column_runs`), and a
    text question for each column of typed "Other" answers."""
    parts = export.header_parts
    stem = _common_stem(cols)
    first = cols[0]
    question = parts.get(first, (first,))
    if len(question) >= 2 and export.platform == "qualtrics":
        text = question[1].split(" - ")[0]
    elif len(question) >= 2 and export.platform == "surveymonkey":
        text = question[0]
    else:
        text = stem or first
    entries: list[_Entry] = []
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
    return entries


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


def _single_columns(
    export: Export, names: list[str], profiles: dict[str, Profile], used: set[str]
) -> tuple[list[_Entry], list[str]]:
    """The question of each column not ``used`` that holds one (an answer scale, joined
    choices, open text), and the columns that are grouping variables."""
    if export.platform in DEFAULT_SEPARATORS:
        separators: tuple[str, ...] = (DEFAULT_SEPARATORS[export.platform],)
    else:
        separators = tuple(DEFAULT_SEPARATORS.values())
    entries: list[_Entry] = []
    groups: list[str] = []
    for pos, c in enumerate(names):
        p = profiles[c]
        if c in used or not p.labels:
            continue
        table = _question_table(c, p, separators)
        if table is not None:
            entries.append((pos, export.question_text.get(c, c), table))
        elif _is_group(p, export.platform):
            groups.append(c)
    return entries, groups


def _question_table(c: str, p: Profile, separators: tuple[str, ...]) -> dict[str, Any] | None:
    """The spec table of the question column ``c`` holds, or None if it holds none."""
    scale = scale_of(p)
    if scale is not None:
        return {"column": c, **scale}
    joined = _joined_table(c, p, separators)
    if joined is not None:
        return joined
    if is_text(p) or is_open(p):  # free text is never a group
        return {"column": c, "type": "text"}
    return None


def _joined_table(c: str, p: Profile, separators: tuple[str, ...]) -> dict[str, Any] | None:
    """The multi-select table of a column of joined choices, split at the first separator
    that gives choices; None if none does, or if it is free text with many "choices"."""
    for sep in separators:
        joined = split_joined(p, sep)
        if joined is not None:
            break
    else:
        return None
    if is_text(p) and len(joined) > 12:
        return None
    if all(re.fullmatch(r"-?\d+", o) for o in joined):  # numeric codes: in order
        options = sorted(joined, key=int)
    else:  # most chosen first, "Other" last
        options = sorted(joined, key=lambda o: (is_other_label(o), -joined[o], o))
    return {"column": c, "type": "multi", "separator": sep, "options": options}


def _is_group(p: Profile, platform: str) -> bool:
    """Whether a column that holds no question is a grouping variable: categories that
    repeat, not a measurement or numeric answer codes."""
    if p.many:
        return False
    if numbers(p) is not None and (p.n_distinct > 20 or platform == "qualtrics"):
        return False
    return p.n_distinct <= MAX_INFERRED_GROUP_LEVELS and (
        p.n_distinct <= 20 or p.n_distinct < p.n / 2
    )


def _questions(entries: list[_Entry]) -> dict[str, Any]:
    """The ``[questions]`` tables in column order, each under an id made from its column."""
    taken: set[str] = set()
    questions: dict[str, Any] = {}
    for _, text, table in sorted(entries, key=lambda e: e[0]):
        source = table.get("column") or _common_stem(table["columns"]) or table["columns"][0]
        qid = _slug(source if len(source) <= 24 else text, taken)
        questions[qid] = {"text": text, **table}
    return questions


def _groups(columns: list[str], timestamp: str | None) -> dict[str, Any]:
    """The ``[groups]`` tables: one per grouping column, and ``quarter`` of the timestamp."""
    tables: dict[str, Any] = {}
    ids: set[str] = {"quarter"} if timestamp else set()
    for c in columns:
        tables[_slug(c, ids)] = {"column": c}
    if timestamp:
        tables["quarter"] = {"column": timestamp, "derive": "quarter"}
    return tables


def _slug(text: str, taken: set[str]) -> str:
    """An identifier for a question or group from its header or text, unused in ``taken``;
    personal data in it (an e-mail address, a phone number) redacted first, so that the
    identifier never spells it (``did_redacted_email_reply``)."""
    from rapstats.personal import redact

    text = redact(text)
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


__all__ = ["EXCLUDED", "SCALES", "infer_spec"]
