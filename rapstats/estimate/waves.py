"""Change between two waves of the same survey: estimated like any other table.

:func:`compare_waves` gives, for every row (question x option x group cell: the headline
cells, and with ``--by`` each group level's) present in both waves, the shares of both waves and
the change (this wave minus the previous one, proportion units) with

* a Newcombe hybrid-score interval for the difference of two independent proportions
  (Newcombe 1998, method 10);
* a two-sided test that the shares are equal: Pearson's chi-square without continuity
  correction (R ``prop.test(correct = FALSE)``), or Fisher's exact test (R ``fisher.test``)
  where an expected count of the 2x2 table is below 5; p-values adjusted (Holm by default, as
  the spec's ``[defaults].adjust``) across the changes of the comparison; ``significant`` is
  the adjusted p below 1 - confidence.

Weighted shares use their design-effective sample sizes (x = share * n_eff) and always the
chi-square test. :func:`rapstats.protect.protect_changes` then withholds the change of a row
withheld in either wave, so outputs only read finished, protected numbers.
"""

from __future__ import annotations

import numpy as np

from rapstats.estimate.columns import group_column
from rapstats.estimate.summary import Summary
from rapstats.table import Table


def compare_waves(now: Summary, previous: Summary, *, confidence: float) -> Table:
    """The change of each share from ``previous`` to ``now`` (see module notes); both are
    split by the same groups, and a cell in one wave only is left out.

    Returns
    -------
    Table
        ``question``, ``option``, ``text``, the grouping columns (``group:NAME``, one per
        ``now.by``; None where a row is not split by it), ``share_from`` (``previous``),
        ``share_to`` (``now``), ``change``, ``change_low``, ``change_high``, ``method``, ``test``,
        ``statistic`` (Pearson's X-squared; missing for Fisher's test), ``p_value``,
        ``p_adjusted``, ``significant``.
    """
    from rapstats.estimate.independent import two_sample_columns

    a, b = _cells(now), _cells(previous)
    keys = [k for k in a if k in b]
    i = np.array([a[k] for k in keys], dtype=np.int64)
    j = np.array([b[k] for k in keys], dtype=np.int64)
    x1, n1 = _counts(now.table, i)
    x2, n2 = _counts(previous.table, j)
    columns = two_sample_columns(
        x1,
        n1,
        x2,
        n2,
        weighted=bool(now.methods.get("weighted")),
        confidence=confidence,
        adjust=now.spec.methods.adjust,
    )
    return Table(
        {
            "question": [k[0] for k in keys],
            "option": [k[1] for k in keys],
            "text": now.table["text"][i] if len(keys) else np.zeros(0, dtype=object),
            **{group_column(g): now.table[group_column(g)][i] for g in now.by},
            **columns,
        },
        length=len(keys),
    )


def _cells(summary: Summary) -> dict[tuple[str, str | None, tuple], int]:
    """Row index of each (question, option, group cell); the cell is the tuple of the row's
    grouping values in ``summary.by`` order (all None for a headline row)."""
    t = summary.table
    groups = [t[group_column(b)].tolist() for b in summary.by]
    cell = zip(*groups, strict=True) if groups else ((),) * len(t)
    keys = zip(t["question"].tolist(), t["option"].tolist(), map(tuple, cell), strict=True)
    return {k: r for r, k in enumerate(keys)}


def _counts(table: Table, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positives and bases as the interval and test use them: the counts themselves, or for
    weighted shares share * effective n out of the effective n."""
    share = table["share"][rows].astype(float)
    n_eff = table["effective_n"][rows].astype(float)
    base = np.array([np.nan if v is None else float(v) for v in table["base"][rows]], float)
    positive = np.array([np.nan if v is None else float(v) for v in table["positive"][rows]])
    design = ~np.isnan(n_eff) & (n_eff != base)
    n = np.where(design, n_eff, base)
    return np.where(design, share * n_eff, positive), n
