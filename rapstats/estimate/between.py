"""Groups of one export compared with each other (``rapstats compare --between GROUP``).

:func:`compare_levels` gives, for every headline row (question x option) and every level of
the group, the difference between the level's share and the share of the rest of the
respondents (``comparison = "rest"``) or of a reference level (``"reference"``), and one
test of homogeneity per question across all levels; with ``by``, the same within each cell of
the grouping variable ``by`` (and overall).

Unweighted, a difference is estimated as between two independent samples
(:func:`rapstats.estimate.independent.two_sample_columns`: Newcombe interval, chi-square or
Fisher test) and homogeneity is Pearson's chi-square on the levels x (positive, not) table
(R ``chisq.test(correct = FALSE)``). Weighted, a difference uses the groups' design-based
(linearised) variances (:func:`rapstats.stats.groups.domain_difference`, as R ``svyby`` +
``svycontrast``; test ``wald_design``) and homogeneity the Rao-Scott F (R ``svychisq``,
``statistic = "F"``). p-values are adjusted (the spec's ``adjust``) across the differences,
and separately across the homogeneity tests. :func:`rapstats.protect.between.protect_levels`
then withholds what a protected table withholds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats.aggregate import Counts, aggregate
from rapstats.errors import RapstatsError, SpecError
from rapstats.estimate.columns import group_column
from rapstats.estimate.independent import tested, two_sample_columns
from rapstats.normalise import normalise
from rapstats.table import Table

if TYPE_CHECKING:
    from rapstats.io import Export
    from rapstats.spec import Spec

SUMS = ("n", "x", "sum_w", "sum_wy", "sum_w2", "sum_w2y")


def compare_levels(
    export: Export,
    spec: Spec,
    *,
    between: str,
    reference: str | None = None,
    by: tuple[str, ...] = (),
) -> Table:
    """Differences between the levels of ``between`` and their homogeneity tests.

    Parameters
    ----------
    export, spec : Export, Spec
        The export and its spec (with the methods to apply).
    between : str
        The grouping variable whose levels are compared.
    reference : str, optional
        Compare every other level with this one. Default: each level with the rest.
    by : tuple of str
        At most one grouping variable to compare the levels within (and overall).

    Returns
    -------
    Table
        ``kind`` (``difference`` rows, then ``homogeneity`` rows), ``comparison``,
        ``question``, ``option``, ``text``, a grouping column per ``by``, ``wave_from``,
        ``wave_to``, ``level``, ``against``, ``share_from`` (against), ``share_to``
        (level), ``change`` (level minus against), ``change_low``, ``change_high``,
        ``method``, ``test``, ``statistic``, ``p_value``, ``p_adjusted``, ``significant``.
        Unprotected.
    """
    names = check_groups(spec, between, by)
    responses = normalise(export, spec, by=names)
    levels = responses.groups[names[-1]][1]
    if reference is not None and reference not in levels:
        raise RapstatsError(
            f"--reference {reference!r} is not a level of {names[-1]!r}",
            hint="use one of " + ", ".join(repr(v) for v in levels),
        )
    counts = aggregate(responses, names)
    layout = _Cells(counts, names)
    m = spec.methods
    texts = {q.id: q.text for q in spec.questions}
    blocks = {
        "difference": _differences(layout, reference, m.confidence),
        "homogeneity": _homogeneity(layout),
    }
    comparison = {"difference": "rest" if reference is None else "reference", "homogeneity": None}
    tables = []
    for kind, (keys, values) in blocks.items():
        n = len(keys)
        values |= tested(np.asarray(values.pop("p_value"), dtype=float), m.adjust, m.confidence)
        columns: dict[str, Any] = {
            "kind": [kind] * n,
            "comparison": [comparison[kind]] * n,
            "question": [k["question"] for k in keys],
            "option": [k["option"] for k in keys],
            "text": [texts[k["question"]] for k in keys],
            **{group_column(b): [k["context"][0] for k in keys] for b in names[:-1]},
            "wave_from": [None] * n,
            "wave_to": [None] * n,
            "level": [k.get("level") for k in keys],
            "against": [k.get("against") for k in keys],
            **values,
        }
        tables.append(columns)
    return Table(
        {c: _concat([t[c] for t in tables]) for c in tables[0]},
        length=sum(len(t["kind"]) for t in tables),
    )


def check_groups(spec: Spec, between: str, by: tuple[str, ...]) -> tuple[str, ...]:
    """The group names of ``by`` then ``between``; an error unless ``by`` is at most one group
    other than ``between``."""
    names = tuple(spec.group(b).name for b in (*by, between))
    if len(by) > 1 or len(set(names)) != len(names):
        raise RapstatsError(
            "compare --between takes at most one --by, other than the --between group",
            hint="give one --by GROUP",
        )
    return names


def _concat(parts: list[Any]) -> np.ndarray:
    """One column from the blocks' columns (object unless every part is float)."""
    arrays = [np.asarray(p) if not isinstance(p, list) else _objects(p) for p in parts]
    if all(a.dtype.kind == "f" for a in arrays):
        return np.concatenate(arrays)
    return np.concatenate([a.astype(object) for a in arrays])


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class _Cells:
    """The layout's cells as contexts (overall, or a level of ``by``) and the levels of the
    compared group within each, with the sums of every question x option per cell."""

    def __init__(self, counts: Counts, names: tuple[str, ...]) -> None:
        if counts.design is not None:  # the difference of two domains needs its PSU sums
            raise SpecError(
                "group comparisons are estimated for weights-only designs; this spec has "
                "[survey] strata, ids or fpc",
                hint="compare the groups without the design keys (weights only), or use "
                "summarize, which estimates the full design",
            )
        self.weighted = counts.weighted
        self.n_total = counts.n_total
        group = names[-1]
        cells = [
            dict(zip(names, v, strict=True))
            for v in zip(*(counts.cells[b] for b in names), strict=True)
        ]
        self.contexts: list[tuple[Any, ...]] = []
        self.cell: dict[tuple[tuple[Any, ...], Any], int] = {}
        for c, row in enumerate(cells):
            context = tuple(row[b] for b in names[:-1])
            if any(v is None for v in context) and any(v is not None for v in context):
                continue
            self.cell[(context, row[group])] = c
            if row[group] is None:
                self.contexts.append(context)
        self.levels = {
            ctx: [lv for (c, lv) in self.cell if c == ctx and lv is not None]
            for ctx in self.contexts
        }
        t = counts.table
        self.keys = list(
            dict.fromkeys(zip(t["question"].tolist(), t["option"].tolist(), strict=True))
        )
        fields = [f for f in SUMS if f in t.columns]
        self.sums = np.zeros((len(self.keys), len(cells), len(SUMS)))
        where = {k: i for i, k in enumerate(self.keys)}
        rows = [where[k] for k in zip(t["question"].tolist(), t["option"].tolist(), strict=True)]
        for f in fields:
            self.sums[rows, t["cell"].astype(np.int64), SUMS.index(f)] = t[f].astype(float)

    def at(self, key: int, context: tuple[Any, ...], level: Any) -> np.ndarray:
        """The sums (``SUMS``) of a question x option in a cell (zeros where it is empty)."""
        c = self.cell.get((context, level))
        return np.zeros(len(SUMS)) if c is None else self.sums[key, c]


def _differences(
    cells: _Cells, reference: str | None, confidence: float
) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
    """Keys (context, question, option, level, against) and result columns of every
    difference: by context, then level, then question."""
    keys, level_sums, against_sums = [], [], []
    for ctx in cells.contexts:
        for level in cells.levels[ctx]:
            if level == reference:
                continue
            for k, (qid, option) in enumerate(cells.keys):
                here = cells.at(k, ctx, level)
                there = (
                    cells.at(k, ctx, reference)
                    if reference is not None
                    else cells.at(k, ctx, None) - here
                )
                keys.append(
                    {
                        "context": ctx,
                        "question": qid,
                        "option": option,
                        "level": level,
                        "against": reference if reference is not None else "rest",
                    }
                )
                level_sums.append(here)
                against_sums.append(there)
    one = np.array(level_sums).reshape(-1, len(SUMS))
    two = np.array(against_sums).reshape(-1, len(SUMS))
    if cells.weighted:
        return keys, _design_differences(one, two, cells.n_total, confidence)
    columns = two_sample_columns(
        one[:, 1],
        one[:, 0],
        two[:, 1],
        two[:, 0],
        weighted=False,
        confidence=confidence,
        adjust="none",
    )
    for k in ("p_adjusted", "significant"):
        columns.pop(k)
    return keys, columns


def _design_differences(
    one: np.ndarray, two: np.ndarray, n_total: int, confidence: float
) -> dict[str, np.ndarray]:
    """Weighted differences: shares with linearised standard errors, Wald interval and test."""
    from rapstats.stats import domain_difference, weighted_proportion_from_sums

    rows = len(one)
    share = np.full((2, rows), np.nan)
    se = np.full((2, rows), np.nan)
    ok = (one[:, 0] > 0) & (two[:, 0] > 0) & (one[:, 2] > 0) & (two[:, 2] > 0)
    for side, s in enumerate((one, two)):
        if ok.any():
            sums = s[ok]
            sw, sw2 = sums[:, 2], sums[:, 4]
            # sums made by subtraction (the rest) are clipped to their exact range
            r = weighted_proportion_from_sums(
                sums[:, 0],
                sw,
                np.clip(sums[:, 3], 0.0, sw),
                sw2,
                np.clip(sums[:, 5], 0.0, sw2),
                n_total=n_total,
            )
            share[side, ok], se[side, ok] = r.estimate, r.se
    d = domain_difference(share[0], se[0], share[1], se[1], confidence=confidence)
    test = _objects([("wald_design" if v else None) for v in ok.tolist()])
    return {
        "share_from": share[1],
        "share_to": share[0],
        "change": d.estimate,
        "change_low": d.ci.low,
        "change_high": d.ci.high,
        "method": test.copy(),
        "test": test,
        "statistic": np.full(rows, np.nan),
        "p_value": np.where(ok, d.p_value, np.nan),
    }


def _homogeneity(cells: _Cells) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
    """Keys (context, question, option) and results of the test of homogeneity across the
    levels, per context and question."""
    from rapstats.stats import homogeneity_test, rao_scott_test

    keys, tests, statistic, p = [], [], [], []
    for ctx in cells.contexts:
        for k, (qid, option) in enumerate(cells.keys):
            s = np.array([cells.at(k, ctx, lv) for lv in cells.levels[ctx]]).reshape(-1, len(SUMS))
            if cells.weighted:
                r = rao_scott_test(*s[:, [0, 2, 3, 4, 5]].T, n_total=cells.n_total)
            else:
                r = homogeneity_test(s[:, 1], s[:, 0])
            keys.append({"context": ctx, "question": qid, "option": option})
            tests.append(r.test if r.p_value == r.p_value else None)
            statistic.append(r.statistic)
            p.append(r.p_value)
    n = len(keys)
    nan = np.full(n, np.nan)
    return keys, {
        "share_from": nan,
        "share_to": nan,
        "change": nan,
        "change_low": nan,
        "change_high": nan,
        "method": _objects([None] * n),
        "test": _objects(tests),
        "statistic": np.array(statistic, dtype=float),
        "p_value": np.array(p, dtype=float),
    }
