"""Platform detection and header layout, from the first rows of an export (any file type).

Every reader turns its first rows into lists of strings and asks :func:`detect_layout` where
the header is, how many rows it spans, what each column is called and which platform wrote
it. The readers then load only the body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapstats.errors import InputError
from rapstats.headers import MSFORMS_STARTS, PERSONAL, TIMESTAMPS, header_key
from rapstats.labels import fold_label

# Whole-name patterns only: a question that mentions e-mail ("Would you like our e-mail
# newsletter?") is not an e-mail address column.
_PERSONAL_RE = re.compile(
    r"(recipient\w*|(your|respondent|contact|work|home)?e-?mail(address)?(\d)?"
    r"|(your|contact|home|work|mobile)?(phone|telephone|mobile)(number|no)?"
    r"|customdata\d*|ipaddress|(postal|home)address|(your|respondent)?(full)?name)"
)
QUALTRICS_DROP_STATUS = frozenset(
    {
        "1",
        "2",
        "8",
        "9",
        "17",
        "survey preview",
        "survey test",
        "spam",
        "preview spam",
        "offline preview",
    }
)


def column_key(name: str) -> str:
    """A column name folded for matching: case, spaces and separators ignored."""
    return re.sub(r"[\s_\-.]+", "", fold_label(name))


def is_personal(name: str) -> bool:
    """Whether a column name is a known personal-data field (e-mail, name, IP, ...), in any
    language of :mod:`rapstats.headers`."""
    return header_key(name) in PERSONAL or bool(_PERSONAL_RE.fullmatch(column_key(name)))


@dataclass(frozen=True, slots=True)
class Layout:
    """Where an export's header is and what its columns are called."""

    platform: str
    header_row: int  # 0-based index of the first header row
    n_header: int  # header rows
    names: tuple[str, ...]  # one per column position ("" where a plain header cell is blank)
    question_text: dict[str, str] = field(default_factory=dict)
    header_parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def data_row(self) -> int:
        """0-based index of the first data row."""
        return self.header_row + self.n_header


def _cells(row: list[str]) -> list[str]:
    return [c.strip() for c in row]


def _first_keys(row: list[str], n: int) -> list[str]:
    return [fold_label(c) for c in _cells(row)[:n]]


def detect_platform(rows: list[list[str]]) -> str:
    """The platform whose signature the first rows carry; ``plain`` when none does."""
    if not rows:
        return "plain"
    first = _cells(rows[0])
    keys = _first_keys(rows[0], 3)
    if keys[:3] == ["startdate", "enddate", "status"] or _has_import_ids(rows):
        return "qualtrics"
    if (
        keys[:2] == ["v1", "v2"]
        and len(rows) > 1
        and _first_keys(rows[1], 2)
        == [
            "responseid",
            "responseset",
        ]
    ):
        return "qualtrics"
    if keys[:2] == ["respondent id", "collector id"]:
        return "surveymonkey"
    if tuple(header_key(c) for c in first[:3]) in MSFORMS_STARTS:
        return "msforms"
    if header_key(first[0]) in TIMESTAMPS and len(first) > 1:
        return "googleforms"
    return "plain"


def _has_import_ids(rows: list[list[str]]) -> bool:
    if len(rows) < 3:
        return False
    return any(_import_id(c) for c in rows[2][:20])


def _import_id(cell: str) -> bool:
    cell = cell.strip()
    if not cell.startswith("{"):
        return False
    try:
        value = json.loads(cell)
    except ValueError:
        return False
    return isinstance(value, dict) and "ImportId" in value


def detect_layout(
    rows: list[list[str]],
    *,
    platform: str,
    path: Path,
    columns: list[str] | None,
) -> Layout:
    """Find the header of an export from its first rows (strings, as in the file).

    ``platform`` is the caller's choice or ``"auto"``. Raises InputError when no header row
    with column names can be found, or a plain header names a column twice.
    """
    if platform == "auto":
        platform = detect_platform(rows)
    if platform == "qualtrics":
        return _qualtrics(rows, path)
    if platform == "surveymonkey":
        return _surveymonkey(rows, path)
    header = 0 if platform in ("msforms", "googleforms") else _find_header(rows, columns, path)
    if header >= len(rows):
        raise InputError("has no header row", path=path, hint="export the survey again")
    names = tuple(_cells(rows[header]))
    _check_unique(names, path, header + 1)
    return Layout(platform, header, 1, names)


def _find_header(rows: list[list[str]], columns: list[str] | None, path: Path) -> int:
    """The header row of a hand-made sheet: below any title and blank rows.

    With the expected column names, the row matching most of them; otherwise the first row
    that fills most of the table's width with distinct names.
    """
    widths = [sum(1 for c in r if c.strip()) for r in rows]
    if columns:
        wanted = {column_key(c) for c in columns}
        hits = [sum(1 for c in r if column_key(c) in wanted) for r in rows]
        if hits and max(hits) >= min(2, len(wanted)):
            return hits.index(max(hits))
    if not widths or max(widths) < 2:
        raise InputError(
            "is not a survey export: no row of column names was found",
            path=path,
            hint="the file needs a header row naming at least two columns",
        )
    full = max(widths)
    for i, w in enumerate(widths):
        if w >= max(2, 0.6 * full):
            cells = [c.strip() for c in rows[i] if c.strip()]
            if len(set(cells)) >= 0.6 * len(cells) or i == len(rows) - 1:
                return i
    return 0


def _check_unique(names: tuple[str, ...], path: Path, row: int | None) -> None:
    seen: set[str] = set()
    for name in names:
        if not name:
            continue
        if name in seen:
            raise InputError(
                "the header names this column twice",
                path=path,
                row=row,
                column=name,
                hint="rename one of the two columns so that each name is unique",
            )
        seen.add(name)


def _qualtrics(rows: list[list[str]], path: Path) -> Layout:
    legacy = len(rows) > 1 and _first_keys(rows[0], 1) == ["v1"]
    n_header = 2 if legacy or not _has_import_ids(rows) else 3
    if len(rows) < n_header:
        n_header = len(rows)
    tags = _cells(rows[0])
    if legacy:
        labels = _cells(rows[1]) + [""] * len(tags)
        tags = [
            (t2 or t1) if re.fullmatch(r"V\d+", t1) else t1
            for t1, t2 in zip(tags, labels, strict=False)
        ]
    width = len(tags)
    texts = (_cells(rows[1]) + [""] * width)[:width] if n_header >= 2 else [""] * width
    ids = (_cells(rows[2]) + [""] * width)[:width] if n_header >= 3 else [""] * width
    _check_unique(tuple(tags), path, 1)
    question_text = {t: x for t, x in zip(tags, texts, strict=True) if t and x and x != t}
    parts = {t: (t, x, i) for t, x, i in zip(tags, texts, ids, strict=True) if t and (x or i)}
    return Layout("qualtrics", 0, n_header, tuple(tags), question_text, parts)


def _surveymonkey(rows: list[list[str]], path: Path) -> Layout:
    """SurveyMonkey, in either column layout: *expanded* (two header rows: the question over
    its first column, then ``Response`` or each choice) or *condensed* (one header row: the
    question, or ``question - choice`` over each choice's column). Both give the same names."""
    top = _cells(rows[0])
    width = len(top)
    # expanded: row 2 is the sub-header, blank over the metadata; condensed: row 2 is data
    condensed = len(rows) < 2 or bool(_cells(rows[1])[:1] != [""])
    pairs = _condensed_pairs(top) if condensed else _expanded_pairs(top, rows[1], width)
    names: list[str] = []
    question_text: dict[str, str] = {}
    parts: dict[str, tuple[str, ...]] = {}
    seen: dict[str, int] = {}
    for i, (question, s) in enumerate(pairs):
        if not question and not s:
            names.append("")
            continue
        if i < _SM_METADATA and top[i]:
            name = top[i]  # metadata: Respondent ID, Collector ID, ...
        elif fold_label(s) in ("", "response", "open-ended response"):
            name = question
        else:
            name = f"{question} - {s}"
        name = " ".join(name.split())
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
        if question and name != question:
            question_text[name] = question
        if s:
            parts[name] = (question, s)
    return Layout("surveymonkey", 0, 1 if condensed else 2, tuple(names), question_text, parts)


_SM_METADATA = 9  # Respondent ID ... Custom Data 1


def _expanded_pairs(top: list[str], second: list[str], width: int) -> list[tuple[str, str]]:
    """(question, choice) per column: row 1 filled forward over row 2."""
    sub = (_cells(second) + [""] * width)[:width]
    pairs, current = [], ""
    for q, s in zip(top, sub, strict=True):
        current = q or current
        pairs.append((q or current, s))
    return pairs


def _condensed_pairs(top: list[str]) -> list[tuple[str, str]]:
    """(question, choice) per column of a one-row header: ``question - choice`` is split where
    the question is shared with a neighbouring column; a column alone is one ``Response``."""
    pairs = []
    for i, name in enumerate(top):
        if i < _SM_METADATA or not name:
            pairs.append((name, ""))
            continue
        near = {top[j] for j in (i - 1, i + 1) if _SM_METADATA <= j < len(top)}
        cuts = [m.start() for m in re.finditer(" - ", name)]
        shared = [c for c in cuts if any(n.startswith(name[: c + 3]) for n in near)]
        if shared:
            cut = max(shared)
            pairs.append((name[:cut], name[cut + 3 :]))
        else:
            pairs.append((name, "Response"))
    return pairs


__all__ = [
    "Layout",
    "QUALTRICS_DROP_STATUS",
    "column_key",
    "detect_layout",
    "detect_platform",
    "is_personal",
]
