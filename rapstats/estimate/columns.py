"""The columns of the estimate tables: result fields, grouping columns and status columns.

Shared by :mod:`rapstats.estimate.summary` (the results table and its published views) and
:mod:`rapstats.estimate.frequencies`; the order of the published columns is set here once.
"""

from __future__ import annotations

import numpy as np

from rapstats.vocab import NOT_ASKED

GROUP_PREFIX = "group:"
# The published columns of the results table, in order: the results table is built in this
# order (bar ``flag``, which prints the status symbol) and every output prints it.
ROW_COLUMNS = (
    "question",
    "option",
    "text",
    "workstream",
    # grouping columns (``group:NAME``) go here
    "base",
    "positive",
    "share",
    "ci_low",
    "ci_high",
    "baseline",
    "baseline_source",
    "diff",
    "diff_low",
    "diff_high",
    "test",
    "p_value",
    "p_adjusted",
    "significant",
    "effective_n",
    "flag",
)
# The published columns of the frequency table, in the same way.
FREQ_COLUMNS = ("question", "answer", "kind", "count", "share_of_base", "in_base", "flag")
# The published columns of a comparison (``rapstats compare``; docs/CONTRACTS.md): one schema
# for changes between waves, differences between groups, trends and homogeneity tests.
CHANGE_COLUMNS = (
    "kind",
    "comparison",
    "question",
    "option",
    "text",
    # grouping columns (``group:NAME``) go here
    "wave_from",
    "wave_to",
    "level",
    "against",
    "share_from",
    "share_to",
    "base_from",
    "base_to",
    "change",
    "change_low",
    "change_high",
    "method",
    "test",
    "statistic",
    "p_value",
    "p_adjusted",
    "significant",
    "flag",
)
# Columns of the unprotected tables that no output prints: the cell's respondents (those asked
# the question, for the disclosure rules) and the typed status (``symbol``, and the
# analyst-only ``reason``) that :func:`rapstats.protect.protect` sets and ``flag`` publishes.
# Estimation sets one status itself: ``[z]`` where no respondent of the cell was asked the
# question (a wave that did not ask it), a fact of the survey's design, not of its answers.
STATUS_COLUMNS = ("respondents", "symbol", "reason")


def group_column(name: str) -> str:
    """The table column of grouping variable ``name``.

    Grouping variables live in their own namespace (``group:area``), so a group named like a
    result field (``flag``, ``base``, ``workstream``) never overwrites or shadows one.
    """
    return GROUP_PREFIX + name


def group_after(fields: tuple[str, ...]) -> str:
    """The field the grouping columns follow: ``workstream``, else ``text``, else
    ``question``."""
    return next(f for f in ("workstream", "text", "question") if f in fields)


def column_order(by: tuple[str, ...], fields: tuple[str, ...]) -> list[str]:
    """``fields`` with the grouping column of each of ``by`` after :func:`group_after`."""
    after = fields.index(group_after(fields)) + 1
    return [*fields[:after], *map(group_column, by), *fields[after:]]


def status_columns(respondents: np.ndarray) -> dict[str, np.ndarray]:
    """The status columns of an unprotected table: respondents asked the question per cell;
    no symbol yet, but ``[z]`` where none was asked it (:data:`NOT_ASKED`)."""
    not_asked = respondents == 0  # a cell has respondents: none of them was asked
    return {
        "respondents": respondents.astype(np.int64),
        "symbol": np.where(not_asked, NOT_ASKED, None).astype(object),
        "reason": np.where(not_asked, "not asked in this wave", None).astype(object),
    }
