"""What every reader shares: which columns to load, and the tidy-up that makes an Export.

Whatever the reader: personal-data columns are left out (by header here, by content in
:func:`finish`), values are trimmed with blanks made missing, blank rows and a totals row at the
bottom are dropped, Qualtrics previews and tests are dropped, and every step that changes what
is counted is written to ``Export.notes``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Coded, Export
from rapstats.io._layout import QUALTRICS_DROP_STATUS, Layout, column_key, is_personal
from rapstats.io._personal import personal_columns

HEAD_ROWS = 40
TAIL_ROWS = 5  # totals and notes rows looked for at the bottom
# A totals row starts with the word alone ("Total", "Grand total:"); a notes row with "Note:".
_TOTALS_RE = re.compile(
    r"^((grand |sub-?)?(total|totals|sum|count|base|average|mean)\s*:?|(notes?|source)\s*:.*)$",
    re.I | re.S,
)
_QUALTRICS_STATE = frozenset({"status", "finished"})


class NoResponses(InputError):
    """An export with a header row but no responses: none at all (a part of a survey in parts
    may have none: :mod:`rapstats.io.parts` leaves it out), or (``left_out``) every row left
    out (previews, totals), which the rows left out of the survey must count."""

    def __init__(self, path: Path, *, left_out: bool = False) -> None:
        self.left_out = left_out
        super().__init__(
            "has a header but no responses",
            path=path,
            hint="export the survey again once responses have been recorded",
        )


def widen(layout: Layout, width: int) -> Layout:
    """``layout`` with unnamed columns ("") added up to ``width`` columns."""
    return replace(layout, names=(*layout.names, *[""] * (width - len(layout.names))))


def choose_columns(
    layout: Layout, columns: list[str] | None, keep: tuple[str, ...]
) -> tuple[list[int], list[str], list[str]]:
    """Column positions to load, the names to give them and the personal columns dropped.

    Qualtrics' Status and Finished columns are always loaded (to drop previews and count
    unfinished responses); :func:`finish` removes them afterwards if they were not asked for.
    """
    wanted = None if columns is None else {column_key(c) for c in columns}
    kept = {column_key(k) for k in keep}
    include: list[int] = []
    names: list[str] = []
    dropped: list[str] = []
    for i, name in enumerate(layout.names):
        key = column_key(name)
        if not name:
            if wanted is None:
                include.append(i)
                names.append(f"column {i + 1}")
            continue
        if is_personal(name) and key not in kept:
            dropped.append(name)
            continue
        status = layout.platform == "qualtrics" and key in _QUALTRICS_STATE
        if wanted is None or key in wanted or status:
            include.append(i)
            names.append(name)
    return include, names, dropped


def finish(
    path: Path,
    layout: Layout,
    columns_read: dict[str, Coded],
    row_numbers: np.ndarray,
    *,
    dropped: list[str],
    keep: tuple[str, ...],
    columns: list[str] | None,
    encoding: str | None = None,
    sheet: str | None = None,
    notes: list[str] | None = None,
    tail: list[tuple[int, str]] | None = None,
    personal: dict[str, bool] | None = None,
) -> Export:
    """Tidy values and rows, apply the platform's rules, check it is a survey, build Export.

    ``tail`` gives, bottom first, the last rows of the file that are not blank (counting every
    column of the file, loaded or not): (index of the response, its first non-blank cell).
    ``personal`` gives, for columns already looked at as read, whether their content is
    personal data (:func:`rapstats.io._personal.is_personal`); the answers hold unless rows
    that are not blank are left out (totals rows, Qualtrics previews).
    """
    notes = list(notes or [])
    data = dict(columns_read)
    for c in [c for c in data if c.startswith("column ") and c not in layout.names]:
        if not data[c].categories:  # an unnamed column with nothing in it
            del data[c]
    if not data and columns is None:
        raise InputError(
            "is not a survey export: it has no named columns",
            path=path,
            hint="the file needs a header row naming its columns",
        )

    n = len(row_numbers)
    left: list[dict[str, Any]] = []  # Export.left_out
    # when no column asked for is in the file, the caller names the missing ones
    keep_rows = _nonblank_rows(data, n) if data else np.ones(n, dtype=bool)
    nonblank = keep_rows.copy()
    if layout.platform == "plain":  # counted on the whole row, as the note counts them
        totals = _drop_totals(tail or [], np.ones(n, dtype=bool), notes)
        _left_rows(left, int((~totals).sum()), "totals or notes rows at the bottom")
        keep_rows &= totals
    if layout.platform == "qualtrics":
        before = int(keep_rows.sum())
        keep_rows = _qualtrics_rows(data, keep_rows, notes)
        _left_rows(left, before - int(keep_rows.sum()), "survey previews, tests or spam (Status)")
    if not keep_rows.all():
        # a dropped totals row must not leave its labels behind
        data = {c: col.take(keep_rows) for c, col in data.items()}
        row_numbers = row_numbers[keep_rows]
    if layout.platform == "qualtrics":
        asked = set() if columns is None else {column_key(c) for c in columns}
        state = _QUALTRICS_STATE - asked if columns is not None else {"status"}
        data = {c: col for c, col in data.items() if column_key(c) not in state}
    if len(row_numbers) == 0:
        raise NoResponses(path, left_out=bool(left))
    # personal data by content, whatever the header ("Your email (optional)", "Respondent")
    kept = {column_key(k) for k in keep}
    # leaving out blank rows changes no column's values or their counts: the answers hold
    known = personal if personal and (keep_rows == nonblank).all() else None
    checked = {c: v for c, v in data.items() if column_key(c) not in kept}
    by_content = personal_columns(checked, known=known)
    by_header = list(dropped)
    if by_content:
        dropped = [*dropped, *by_content]
        data = {c: v for c, v in data.items() if c not in by_content}
    if dropped:
        notes.append("left out personal data: " + ", ".join(dropped))
    for names, found in ((by_header, "header"), (by_content, "contents")):
        if names:
            reason = f"personal data (by {found})"
            left.append({"what": "columns", "columns": list(names), "reason": reason})
    return Export(
        path=path,
        platform=layout.platform,
        columns=data,
        row_numbers=np.asarray(row_numbers, dtype=np.int64),
        sha256="",
        encoding=encoding,
        sheet=sheet,
        question_text={k: v for k, v in layout.question_text.items() if k in data},
        dropped=tuple(dropped),
        notes=tuple(notes),
        left_out=tuple(left),
        header_parts={k: v for k, v in layout.header_parts.items() if k in data},
        file_columns=tuple(n for n in layout.names if n and n not in by_header),
    )


def _left_rows(left: list[dict[str, Any]], count: int, reason: str) -> None:
    """Record ``count`` rows left out for ``reason`` (none: nothing) in ``left``."""
    if count:
        left.append({"what": "rows", "count": count, "reason": reason})


def _nonblank_rows(data: dict[str, Coded], n: int) -> np.ndarray:
    blank = np.ones(n, dtype=bool)
    for col in data.values():
        blank &= col.codes < 0
        if not blank.any():
            break
    return ~blank


def _drop_totals(tail: list[tuple[int, str]], keep: np.ndarray, notes: list[str]) -> np.ndarray:
    """Leave out totals and notes rows at the bottom of a hand-made sheet.

    ``tail`` is the file's last non-blank rows, bottom first, as (response index, first
    non-blank cell in any column): the same rows are found whichever columns were loaded.
    """
    dropped = 0
    for i, first in tail[:TAIL_ROWS]:
        if not _TOTALS_RE.match(first.strip()):
            break
        keep[i] = False
        dropped += 1
    if dropped:
        notes.append(f"left out {dropped} totals/notes row(s) at the bottom")
    return keep


def first_cell(cells: list[str | None]) -> str | None:
    """The first non-blank cell of a row (trimmed); None when the row is blank."""
    return next((c.strip() for c in cells if c is not None and c.strip()), None)


def _folded_in(col: Coded, values: frozenset[str] | set[str]) -> np.ndarray:
    """Per row: the trimmed, case-folded value is one of ``values`` (blank counts as '')."""
    hit = [c.strip().casefold() in values for c in col.categories] + ["" in values]
    return np.asarray(hit, dtype=bool)[col.codes]


def _qualtrics_rows(data: dict[str, Coded], keep: np.ndarray, notes: list[str]) -> np.ndarray:
    if "Status" in data:
        drop = _folded_in(data["Status"], QUALTRICS_DROP_STATUS) & keep
        if drop.any():
            keep = keep & ~drop
            notes.append(f"left out {int(drop.sum())} survey preview, test or spam response(s)")
    if "Finished" in data:
        unfinished = int((_folded_in(data["Finished"], {"0", "false"}) & keep).sum())
        if unfinished:
            notes.append(
                f"kept {unfinished} unfinished (partial) response(s); --completed-only "
                "leaves them out"
            )
    return keep
