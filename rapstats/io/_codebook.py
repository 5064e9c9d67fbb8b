"""Value labels from a codebook: SPSS value labels and the Qualtrics survey file (``.qsf``).

A numeric export ("Export values" in Qualtrics, an SPSS file) holds codes (``1``, ``4``,
``-1``) where a label export holds the answers' text. :func:`apply_value_labels` is the one
place codes become labels, whichever codebook gave them: the SPSS reader passes the file's own
value labels, :func:`rapstats.io.load_export` those of a ``.qsf`` read by :func:`read_qsf`.

The ``.qsf`` (JSON) lists the survey's questions under ``SurveyElements`` (elements whose
``Element`` is ``"SQ"``); each ``Payload`` has the ``DataExportTag`` that heads its column(s),
its ``Choices`` (``{id: {"Display": text}}``), optional ``RecodeValues`` (``{id: value}``: the
number exported for that choice) and, for a matrix, its ``Answers`` (the scale; the choices
are the statements). The columns are named as Qualtrics names them:

=========================== ====================================== ==========================
question                    columns                                cell -> label
=========================== ====================================== ==========================
single choice (MC)          ``Tag``                                recode (else id) -> choice
multiple choice (MAVR...)   ``Tag_<id>`` (split) or ``Tag`` (one   ``1`` or recode -> choice;
                            column, codes joined by ``,``)         each code of a joined cell
matrix (Likert)             ``Tag_<id>`` (or the statement's       answer recode (else id)
                            ``ChoiceDataExportTags`` tag)          -> answer
=========================== ====================================== ==========================

Codes not in the codebook (``-99``, seen but unanswered) are left as they are: the spec's
``missing_values`` or the unknown-label check deals with them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded

_MULTI_SELECTORS = frozenset({"MAVR", "MAHR", "MACOL", "MSB"})
_TAG_RE = re.compile(r"<[^>]*>")
_QSF_HINT = (
    "export the survey definition again from Qualtrics (Survey > Tools > "
    "Import/Export > Export Survey) and give that .qsf file"
)


@dataclass(frozen=True, slots=True)
class Codebook:
    """Value labels for the columns of an export.

    Attributes
    ----------
    path : Path
        The codebook file.
    labels : dict
        Column name -> {code as exported: label}.
    joined : frozenset of str
        Columns whose cells may hold several codes joined by ``,`` (a multiple-choice
        question exported as one column).
    """

    path: Path
    labels: dict[str, dict[str, str]]
    joined: frozenset[str] = frozenset()


def apply_value_labels(
    columns: Mapping[str, Coded],
    labels: Mapping[str, Mapping[str, str]],
    joined: frozenset[str] = frozenset(),
) -> tuple[dict[str, Coded], int]:
    """``columns`` with their codes replaced by labels; and how many columns were labelled.

    Parameters
    ----------
    columns : mapping of str to Coded
        The export's columns.
    labels : mapping
        Column name -> {code: label}. A column is found by its exact name, else trimmed and
        case-folded. Codes without a label stay as they are.
    joined : frozenset of str
        Columns (as named in ``labels``) whose cells join several codes with ``,``.

    Notes
    -----
    Only the distinct values of a column are relabelled (its categories); two codes with one
    label become one category, in order of first appearance.
    """
    folded = {name.strip().casefold(): name for name in labels}
    out: dict[str, Coded] = {}
    n = 0
    for name, col in columns.items():
        key = name if name in labels else folded.get(name.strip().casefold())
        if key is None:
            out[name] = col
            continue
        table = labels[key]
        new = [_relabel(c, table, key in joined) for c in col.categories]
        out[name] = _merged(col.codes, new)
        n += new != list(col.categories)
    return out, n


def _relabel(value: str, table: Mapping[str, str], joined: bool) -> str:
    if value in table:
        return table[value]
    if joined and "," in value:
        parts = value.split(",")
        if all(p.strip() in table for p in parts):
            return ",".join(table[p.strip()] for p in parts)
    return value


def _merged(codes: np.ndarray, categories: list[str]) -> Coded:
    """A Coded of ``categories`` (which may repeat): repeated ones share their first code."""
    first: dict[str, int] = {}
    remap = np.empty(len(categories) + 1, dtype=np.int32)
    remap[-1] = -1  # code -1 (blank) picks the last slot
    for i, cat in enumerate(categories):
        remap[i] = first.setdefault(cat, len(first))
    if len(first) == len(categories):
        return Coded(codes, tuple(categories))
    return Coded(remap[codes], tuple(first))


def read_qsf(path: str | Path) -> Codebook:
    """Read the value labels of a Qualtrics survey file (``.qsf``).

    Raises
    ------
    InputError
        The file is missing or unreadable, is not JSON, has no ``SurveyElements``, or a
        question in it lacks its export tag or has malformed choices.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            "codebook not found",
            path=path,
            hint="check the --codebook path (or the spec's [survey] codebook)",
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read the codebook: {exc.strerror}", path=path) from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(
            "is not a Qualtrics survey file (.qsf): it is not UTF-8 text",
            path=path,
            hint=_QSF_HINT,
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not a Qualtrics survey file (.qsf): invalid JSON at line {exc.lineno}, "
            f"column {exc.colno} ({exc.msg})",
            path=path,
            hint=_QSF_HINT,
        ) from None
    elements = data.get("SurveyElements") if isinstance(data, dict) else None
    if not isinstance(elements, list):
        raise InputError(
            "is not a Qualtrics survey file (.qsf): it has no SurveyElements list",
            path=path,
            hint=_QSF_HINT,
        )
    labels: dict[str, dict[str, str]] = {}
    joined: set[str] = set()
    for element in elements:
        if isinstance(element, dict) and element.get("Element") == "SQ":
            _question(element, path, labels, joined)
    return Codebook(path, labels, frozenset(joined))


def _question(
    element: dict[str, Any], path: Path, labels: dict[str, dict[str, str]], joined: set[str]
) -> None:
    """Add the value labels of one question (an ``SQ`` element) to ``labels``."""
    payload = element.get("Payload")
    qid = str(element.get("PrimaryAttribute") or "?")
    if not isinstance(payload, dict):
        raise _malformed(path, qid, "has no Payload object")
    tag = payload.get("DataExportTag")
    if not isinstance(tag, str) or not tag.strip():
        raise _malformed(path, qid, "has no DataExportTag")
    tag = tag.strip()
    choices = _displays(payload.get("Choices"), path, qid, "Choices")
    if not choices:
        return  # text entry, slider, descriptive text: nothing to label
    recodes = _recodes(payload.get("RecodeValues"), path, qid)
    if payload.get("QuestionType") == "Matrix":
        answers = _displays(payload.get("Answers"), path, qid, "Answers")
        scale = {recodes.get(a, a): text for a, text in answers.items()}
        for column in _choice_columns(payload, tag, choices).values():
            labels[column] = scale
        return
    coded = {recodes.get(c, c): text for c, text in choices.items()}
    labels[tag] = coded
    if payload.get("Selector") in _MULTI_SELECTORS:
        joined.add(tag)
        for cid, column in _choice_columns(payload, tag, choices).items():
            labels[column] = {"1": choices[cid], recodes.get(cid, cid): choices[cid]}


def _choice_columns(payload: dict[str, Any], tag: str, choices: dict[str, str]) -> dict[str, str]:
    """Choice id -> the column it is exported in: ``Tag_<id>`` or its own export tag."""
    own = payload.get("ChoiceDataExportTags")
    own = own if isinstance(own, dict) else {}
    return {cid: str(own.get(cid) or f"{tag}_{cid}") for cid in choices}


def _displays(value: Any, path: Path, qid: str, key: str) -> dict[str, str]:
    """``{id: {"Display": text}}`` (or a list, ids 1, 2...) -> {id: text without HTML}."""
    if value is None or value == []:
        return {}
    if isinstance(value, list):
        value = {str(i + 1): v for i, v in enumerate(value)}
    if not isinstance(value, dict):
        raise _malformed(path, qid, f"has {key} that are not an object of {{id: {{Display}}}}")
    out = {}
    for cid, choice in value.items():
        text = choice.get("Display") if isinstance(choice, dict) else None
        if not isinstance(text, str):
            raise _malformed(path, qid, f"has {key} {cid!r} without a Display text")
        out[str(cid)] = " ".join(html.unescape(_TAG_RE.sub(" ", text)).split())
    return out


def _recodes(value: Any, path: Path, qid: str) -> dict[str, str]:
    if value is None or value == []:
        return {}
    if not isinstance(value, dict):
        raise _malformed(path, qid, "has RecodeValues that are not an object of {id: value}")
    return {str(k): str(v).strip() for k, v in value.items()}


def _malformed(path: Path, qid: str, what: str) -> InputError:
    return InputError(
        f"is not a valid Qualtrics survey file (.qsf): question {qid} {what}",
        path=path,
        hint=_QSF_HINT,
    )


__all__ = ["Codebook", "apply_value_labels", "read_qsf"]
