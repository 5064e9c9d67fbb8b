"""Who responded: the respondents in each level of every grouping variable.

The profile is a table kind of its own in :class:`rapstats.estimate.summary.Summary`
(``profile_table``), protected by :func:`rapstats.protect.protect` like a frequency table
(each group's levels partition the respondents) and printed by ``rapstats freq --profile``
and the report's "Who responded" section.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from rapstats.labels import BLANK_LABEL, fold_label
from rapstats.normalise import Responses
from rapstats.spec import Spec
from rapstats.table import Table

# The published columns of the profile, in order (``flag`` prints the status symbol).
PROFILE_COLUMNS = ("group", "level", "kind", "count", "share", "flag")


def profile_groups(
    spec: Spec,
    by: tuple[str, ...] = (),
    dropped: tuple[str, ...] = (),
    columns: Collection[str] | None = None,
) -> tuple[str, ...]:
    """The groups a profile shows: every spec group, then those of ``by``, bar any marked
    personal (``personal = true``) or whose column was dropped as personal data, and (given
    ``columns``) any whose column the export lacks.

    Parameters
    ----------
    spec : Spec
        The survey spec.
    by : tuple of str
        Grouping variables asked for besides (spec group names or export columns).
    dropped : tuple of str
        The export's columns dropped as personal data (:attr:`rapstats.io.Export.dropped`).
    columns : collection of str, optional
        The export's columns; default None: every group's column is taken to be there.
    """
    gone = {fold_label(c) for c in dropped}
    there = None if columns is None else {fold_label(c) for c in columns}
    groups = [spec.group(name) for name in (*(g.name for g in spec.groups), *by)]
    kept = (
        g.name
        for g in groups
        if not g.personal
        and fold_label(g.column) not in gone
        and (there is None or fold_label(g.column) in there)
    )
    return tuple(dict.fromkeys(kept))


def profile(responses: Responses, groups: tuple[str, ...]) -> Table:
    """The respondents in each level of each of ``groups``, and their share of all.

    A blank group value is a level of its own (:data:`rapstats.labels.BLANK_LABEL`, kind
    ``blank``); every other level is of kind ``answer``. Counts are unweighted respondents.

    Returns
    -------
    Table
        Columns ``group``, ``level``, ``kind``, ``count``, ``share``, ``in_base`` (always
        true: every level is part of the total), then the status columns as in the frequency
        table: ``respondents`` (all respondents, the total the levels add up to), ``symbol``
        and ``reason`` (None until protected).
    """
    parts: dict[str, list[np.ndarray]] = {k: [] for k in _COLUMNS}
    n = responses.n
    for name in groups:
        codes, levels = responses.groups[name]
        count = np.bincount(codes, minlength=len(levels)).astype(np.int64)
        k = len(levels)
        parts["group"].append(np.full(k, name, dtype=object))
        parts["level"].append(np.array(levels, dtype=object).reshape(k))
        parts["kind"].append(
            np.array(["blank" if v == BLANK_LABEL else "answer" for v in levels], dtype=object)
        )
        parts["count"].append(count)
        parts["share"].append(count / n if n else np.full(k, np.nan))
        parts["in_base"].append(np.ones(k, dtype=bool))
        parts["respondents"].append(np.full(k, n, dtype=np.int64))
        parts["symbol"].append(np.full(k, None, dtype=object))
        parts["reason"].append(np.full(k, None, dtype=object))
    return Table({c: np.concatenate(v) if v else _empty(c) for c, v in parts.items()})


_COLUMNS = {
    "group": object,
    "level": object,
    "kind": object,
    "count": np.int64,
    "share": float,
    "in_base": bool,
    "respondents": np.int64,
    "symbol": object,
    "reason": object,
}


def _empty(column: str) -> np.ndarray:
    return np.zeros(0, dtype=_COLUMNS[column])


def empty_profile() -> Table:
    """A profile of no group (what a summary carries when it publishes none)."""
    return Table({c: _empty(c) for c in _COLUMNS})
