"""Estimate: turn counts into the results table that every output reads.

:func:`summarize` runs normalise -> aggregate -> estimate for one export and spec and returns a
:class:`Summary`: one row per question (x option, for multi-select) x cell, each with its base,
share, confidence interval and, where the spec gives a baseline, the difference from it with an
interval and a test, adjusted for multiplicity within the declared family.

The conventions (share and base, interval, baseline test, difference from a baseline,
multiplicity, weighted data) are set out in docs/estimate.md, and every output states them in
its methods note (:func:`rapstats.estimate.methods.methods_note`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats import __version__
from rapstats.aggregate import Counts, aggregate
from rapstats.errors import EstimationError, SpecError
from rapstats.estimate.columns import (
    FREQ_COLUMNS,
    ROW_COLUMNS,
    column_order,
    group_after,
    group_column,
    status_columns,
)
from rapstats.estimate.frequencies import frequencies
from rapstats.estimate.methods import methods_note
from rapstats.estimate.profile import PROFILE_COLUMNS, empty_profile, profile
from rapstats.estimate.wordings import source_of, wording_notes
from rapstats.io import Export
from rapstats.normalise import Responses, normalise
from rapstats.spec import Question, Spec
from rapstats.table import Table, positions

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class Summary:
    """The results of one export: what every renderer reads (see docs/estimate.md).

    Attributes
    ----------
    table : Table
        One row per question x option x cell, columns :data:`ROW_COLUMNS` (bar ``flag``)
        with one column :func:`group_column` per grouping variable after ``workstream``
        (None where a row is not split by it), then :data:`STATUS_COLUMNS`.
        :attr:`rows` gives it as a pandas DataFrame.
    frequency_table : Table
        Every answer label of every question (incl. excluded answers and blanks) per cell:
        ``question``, grouping columns, ``answer``, ``kind`` (``answer``, ``blank`` or
        ``not_answered``), ``count``, ``share_of_base``, ``in_base``, then
        :data:`STATUS_COLUMNS`. :attr:`frequencies` gives it as a DataFrame.
    by : tuple of str
        Grouping variable names.
    spec : Spec
        The spec as applied (with command-line overrides).
    source : dict
        ``path``, ``sha256``, ``rows_read``, ``platform`` of the export.
    methods : dict
        How the figures were made; ``methods["notes"]`` holds the methods-note sentences.
    disclosure : dict or None
        None until :func:`rapstats.protect.protect` has applied the disclosure rules.
    profile_table : Table
        Who responded (:func:`rapstats.estimate.profile.profile`): the respondents in each
        level of every grouping variable profiled; empty unless asked for.
    """

    table: Table
    frequency_table: Table
    by: tuple[str, ...]
    spec: Spec
    source: dict[str, Any]
    methods: dict[str, Any]
    disclosure: dict[str, Any] | None = None
    version: str = field(default=__version__)
    profile_table: Table = field(default_factory=empty_profile)

    @property
    def rows(self) -> pd.DataFrame:
        """The results table as a pandas DataFrame (built on each access)."""
        return self.table.to_pandas()

    @property
    def frequencies(self) -> pd.DataFrame:
        """The frequency table as a pandas DataFrame (built on each access)."""
        return self.frequency_table.to_pandas()

    def records(self) -> list[dict[str, Any]]:
        """Published rows as JSON-ready dicts, ``group`` an object of grouping name -> value."""
        return published_records(self.table, self.by, ROW_COLUMNS)

    def frequency_records(self) -> list[dict[str, Any]]:
        """Published frequency rows as JSON-ready dicts, with ``group`` as in :meth:`records`."""
        return published_records(self.frequency_table, self.by, FREQ_COLUMNS)

    def profile_records(self) -> list[dict[str, Any]]:
        """Published profile rows as JSON-ready dicts."""
        return [
            {k: _clean(v) for k, v in rec.items()} for rec in self.published_profile().records()
        ]

    def published_profile(self) -> Table:
        """The profile as every output prints it (see :func:`published`)."""
        t = self.profile_table
        return Table({k: t["symbol" if k == "flag" else k] for k in PROFILE_COLUMNS}, length=len(t))

    def published_table(self) -> Table:
        """The results as every output prints them (see :func:`published`)."""
        return published(self.table, self.by, ROW_COLUMNS)

    def published_frequencies(self) -> Table:
        """The frequency table as every output prints it (see :func:`published`)."""
        return published(self.frequency_table, self.by, FREQ_COLUMNS)


def summarize(
    export: Export,
    spec: Spec,
    *,
    by: tuple[str, ...] = (),
    method: str | None = None,
    test: str | None = None,
    confidence: float | None = None,
    adjust: str | None = None,
    with_frequencies: bool = True,
    wave: str | None = None,
    profiled: tuple[str, ...] = (),
) -> Summary:
    """Summarise an export: shares, intervals and baseline tests per question and group.

    Parameters
    ----------
    export : Export
        From :func:`rapstats.io.load_export`.
    spec : Spec
        From :func:`rapstats.spec.load_spec` or :func:`rapstats.spec.infer.infer_spec`.
    by : tuple of str
        Grouping variables (spec group names or export column names); default none.
    method, test, confidence, adjust : optional
        Override the spec's ``[defaults]`` (interval method, baseline test, confidence level,
        multiplicity adjustment). Default None keeps the spec's.
    with_frequencies : bool
        Also build the full frequency table (default True); False leaves it empty, for
        outputs that do not show it.
    wave : str, optional
        The export is this wave of several (default None: the only one): a question none of
        whose columns it has is not asked in it (its rows ``[z]``) rather than an error.
    profiled : tuple of str
        The groups whose respondents to count in ``profile_table`` (see
        :func:`rapstats.estimate.profile.profile_groups`); default none.

    Returns
    -------
    Summary
        Unprotected: apply :func:`rapstats.protect.protect` before publishing.
    """
    spec, names = applied_spec(
        spec, by, method=method, test=test, confidence=confidence, adjust=adjust
    )
    profiled = tuple(spec.group(g).name for g in profiled)
    grouped = tuple(dict.fromkeys((*names, *profiled)))
    responses = normalise(export, spec, by=grouped, not_asked=wave is not None)
    source = source_of(export, responses)
    notes = wording_notes(spec, [(wave, responses)])
    summary = summary_of(responses, names, source, notes, with_frequencies=with_frequencies)
    return replace(summary, profile_table=profile(responses, profiled)) if profiled else summary


def applied_spec(spec: Spec, by: tuple[str, ...], **overrides: Any) -> tuple[Spec, tuple[str, ...]]:
    """The spec with the command line's overrides, and the grouping variables' names; a
    spec :func:`summarize` cannot estimate is a SpecError."""
    spec = spec.with_methods(**overrides)
    names = tuple(spec.group(b).name for b in by)
    if len(set(names)) != len(names):
        raise SpecError("a grouping variable is named twice", hint="give each --by once")
    if _has_design(spec) and spec.methods.test == "exact_binomial":
        raise SpecError(
            "the exact binomial test needs whole counts, and weighted shares are tested on "
            "the design-effective sample size",
            hint='use test = "auto" or "score_z" in [defaults] (or --test score_z), which give '
            "the score test with the design effect",
        )
    return spec, names


def _has_design(spec: Spec) -> bool:
    """Whether shares are design-based: a weight column or a full design."""
    d = spec.design
    return bool(d.weight or d.strata or d.ids or d.fpc)


def summary_of(
    responses: Responses,
    names: tuple[str, ...],
    source: dict[str, Any],
    notes: list[str],
    *,
    with_frequencies: bool,
) -> Summary:
    """Aggregate and estimate coded responses: the unprotected summary."""
    counts = aggregate(responses, names)
    return summary_from_counts(
        counts, responses.spec, source, notes, with_frequencies=with_frequencies
    )


def summary_from_counts(
    counts: Counts,
    spec: Spec,
    source: dict[str, Any],
    notes: list[str],
    *,
    with_frequencies: bool,
) -> Summary:
    """Estimate counts (of one export, or merged from its batches): the unprotected summary."""
    names = counts.by
    if counts.design is not None:
        counts.design.check(spec.design, source.get("path"))
    elif counts.weighted and counts.n_total < 2:
        raise EstimationError(
            f"a weighted estimate needs at least 2 responses (its variance divides by n - 1);"
            f" the export has {counts.n_total}",
            path=source.get("path"),
            hint="leave out [survey] weight to publish the unweighted counts",
        )
    methods = methods_note(spec, weighted=counts.weighted)
    methods["notes"] += notes
    return Summary(
        table=estimate(counts, spec),
        frequency_table=frequencies(
            counts, spec if with_frequencies else replace(spec, questions=())
        ),
        by=names,
        spec=spec,
        source=source,
        methods=methods,
    )


def estimate(counts: Counts, spec: Spec) -> Table:
    """The results table (see :class:`Summary`) from counts, in one vectorised pass."""
    from rapstats import stats

    t = counts.table
    m = spec.methods
    questions = {q.id: q for q in spec.questions}
    n = t["n"].astype(float)
    x = t["x"].astype(float)
    ok = n > 0
    share = np.full(len(t), np.nan)
    low = np.full(len(t), np.nan)
    high = np.full(len(t), np.nan)
    eff_n = np.where(ok, n, np.nan)
    if counts.weighted:
        res = _design_based(counts, ok, m.weighted_method, m.confidence)
        share[ok] = res.estimate
        low[ok], high[ok] = res.ci.low, res.ci.high
        # Design-effective n = p(1-p)/var (Kish's n_eff where the variance is 0).
        with np.errstate(invalid="ignore", divide="ignore"):
            design_n = res.estimate * (1 - res.estimate) / np.square(res.se)
        eff_n[ok] = np.where(np.isfinite(design_n) & (res.se > 0), design_n, res.kish_n_eff)
    else:
        share[ok] = x[ok] / n[ok]
        ci = stats.proportion_ci(x[ok], n[ok], method=m.method, confidence=m.confidence)
        low[ok], high[ok] = ci.low, ci.high

    qids = t["question"]
    per_question = positions(qids)
    q_index = np.empty(len(t), dtype=np.int64)
    for i, idx in enumerate(per_question.values()):
        q_index[idx] = i
    ordered = [questions[qid] for qid in per_question]

    def by_question(values: list[Any]) -> np.ndarray:
        column = np.empty(len(values), dtype=object)
        column[:] = values
        return column[q_index]

    p0 = np.array([_baseline_p(q) for q in ordered], dtype=float)[q_index]
    has_base = ok & ~np.isnan(p0)
    # Tests use the counts, or when weighted the design-effective ones: share * n_eff.
    x_eff = np.where(has_base, share * eff_n if counts.weighted else x, 0.0)
    n_eff = np.where(has_base, eff_n, 1.0)
    test_name = _choose_tests(m.test, n_eff, p0, has_base, weighted=counts.weighted, spec=spec)
    p_value = np.full(len(t), np.nan)
    for name in ("score_z", "exact_binomial"):
        sel = test_name == name
        if sel.any():
            p_value[sel] = stats.baseline_test(x_eff[sel], n_eff[sel], p0[sel], test=name).p_value
    diff = np.where(has_base, share - p0, np.nan)
    diff_low = np.full(len(t), np.nan)
    diff_high = np.full(len(t), np.nan)
    for q, idx in zip(ordered, per_question.values(), strict=True):
        b = q.baseline
        sel = idx[has_base[idx]]
        if b is None or not len(sel):
            continue
        d = stats.baseline_diff_ci(
            x_eff[sel],
            n_eff[sel],
            b.p,
            baseline_n=b.n,
            baseline_ci=b.ci,
            baseline_ci_confidence=b.ci_confidence,
            confidence=m.confidence,
        )
        diff_low[sel], diff_high[sel] = d.low, d.high

    cell = t["cell"]
    columns: dict[str, Any] = {
        "question": qids,
        "option": t["option"],
        "text": by_question([q.text for q in ordered]),
        "workstream": by_question([q.workstream for q in ordered]),
    }
    for name in counts.by:
        columns[group_column(name)] = counts.cells[name][cell]
    p_adjusted = _adjust(columns, p_value, counts.by, m.adjust, m.family)
    alpha = 1.0 - m.confidence
    significant = np.empty(len(t), dtype=object)
    significant[:] = [None if p != p else bool(p < alpha) for p in p_adjusted.tolist()]
    test_column = np.empty(len(t), dtype=object)
    test_column[:] = [name or None for name in test_name.tolist()]
    values = columns | {
        "base": t["n"].astype(np.int64),
        "positive": t["x"].astype(np.int64),
        "share": share,
        "ci_low": low,
        "ci_high": high,
        "baseline": p0,
        "baseline_source": by_question([_baseline_source(q) for q in ordered]),
        "diff": diff,
        "diff_low": diff_low,
        "diff_high": diff_high,
        "test": test_column,
        "p_value": p_value,
        "p_adjusted": p_adjusted,
        "significant": significant,
        "effective_n": eff_n,
    }
    ordered = {k: values[k] for k in column_order(counts.by, ROW_COLUMNS[:-1])}
    asked = np.empty(len(t), dtype=np.int64)
    for qid, idx in per_question.items():
        asked[idx] = counts.asked_in(qid)[cell[idx]]
    return Table(ordered | status_columns(asked))


def _design_based(counts: Counts, ok: np.ndarray, method: str, confidence: float) -> Any:
    """The design-based shares of the rows ``ok`` (those with a base): weights only, or
    the full design of the spec's ``[survey]``."""
    from rapstats import stats

    t = counts.table
    d = counts.design
    if d is None:
        return stats.weighted_proportion_from_sums(
            t["n"][ok],
            t["sum_w"][ok],
            t["sum_wy"][ok],
            t["sum_w2"][ok],
            t["sum_w2y"][ok],
            n_total=counts.n_total,
            method=method,
            confidence=confidence,
        )
    strata = {k: v[ok] for k, v in d.per_stratum().items()}
    return stats.design_proportion_from_sums(
        t["n"][ok],
        strata,
        d.psus,
        d.fraction,
        t["sum_w2"][ok],
        method=method,
        confidence=confidence,
    )


def _baseline_p(q: Question) -> float:
    return np.nan if q.baseline is None else q.baseline.p


def _baseline_source(q: Question) -> str | None:
    return None if q.baseline is None else q.baseline.source or None


def _choose_tests(
    test: str, n: np.ndarray, p0: np.ndarray, has_base: np.ndarray, *, weighted: bool, spec: Spec
) -> np.ndarray:
    """The baseline test of each row: '' (none), 'score_z' or 'exact_binomial'.

    Weighted rows always use the score test on the design-effective n (summarize refuses an
    explicit exact test for weighted data), so each row names the test actually used.
    """
    names = np.full(len(n), "", dtype=object)
    if test == "auto" and not weighted:
        with np.errstate(invalid="ignore"):
            exact = (n < spec.methods.exact_below) | (n * p0 < 5) | (n * (1 - p0) < 5)
        names[has_base & exact] = "exact_binomial"
        names[has_base & ~exact] = "score_z"
    else:
        names[has_base] = "score_z" if weighted else test
    return names


def _adjust(
    columns: dict[str, np.ndarray], p: np.ndarray, by: tuple[str, ...], method: str, family: str
) -> np.ndarray:
    """Multiplicity-adjusted p-values within each family (see module notes)."""
    from rapstats.stats import p_adjust

    if method == "none":
        return p.copy()
    n = len(p)
    if family == "workstream":
        # the table layout of a row: which grouping variables split it
        split = [[v is not None for v in columns[group_column(name)].tolist()] for name in by]
        layouts = list(zip(*split, strict=True)) if by else [()] * n
        key = list(zip(columns["workstream"].tolist(), layouts, strict=True))
    elif family == "table":
        key = list(zip(columns["question"].tolist(), columns["option"].tolist(), strict=True))
    else:
        key = [None] * n
    keys = np.empty(n, dtype=object)
    keys[:] = key
    adjusted = np.full(n, np.nan)
    for idx in positions(keys).values():
        sel = idx[~np.isnan(p[idx])]
        if len(sel):
            adjusted[sel] = p_adjust(p[sel], method=method).adjusted
    return adjusted


def _clean(value: Any) -> Any:
    """A JSON-ready scalar: NaN -> None, numpy scalars -> Python."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def published(table: Table, by: tuple[str, ...], fields: tuple[str, ...]) -> Table:
    """The columns of ``table`` an output prints: ``fields`` in order, each grouping column
    after ``workstream`` (or ``question``), ``flag`` the status symbol and nothing else.

    Every writer prints this view, so no writer can print a status reason or a column that
    is not a result field. Withheld numbers are already missing in ``table``
    (:func:`rapstats.protect.protect` blanks them).
    """
    columns = {k: table["symbol" if k == "flag" else k] for k in column_order(by, fields)}
    return Table(columns, length=len(table))


def published_records(
    table: Table, by: tuple[str, ...], fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The rows of :func:`published` as JSON-ready dicts, the grouping columns gathered into
    one ``group`` object (``{}`` where no group splits the row)."""
    out = []
    groups = {group_column(b): b for b in by}
    after = group_after(fields)
    for rec in published(table, by, fields).records():
        ordered: dict[str, Any] = {}
        for k, v in rec.items():
            if k in groups:
                if v is not None:
                    ordered.setdefault("group", {})[groups[k]] = v
                continue
            ordered[k] = _clean(v)
            if k == after:
                ordered["group"] = {}
        out.append(ordered)
    return out
