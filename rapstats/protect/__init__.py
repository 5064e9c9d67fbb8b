"""The protect layer: disclosure control, reliability flags and label redaction.

:func:`protect` is the one place where the rules of the spec's ``[disclosure]`` table
(:class:`rapstats.spec.Disclosure`) are applied: every renderer reads a protected
:class:`~rapstats.estimate.summary.Summary`, so every format obeys the same rules.
:func:`protect_changes` withholds the change since the previous wave wherever either wave is
withheld, :func:`protect_trend` the trend test across waves wherever any wave is (matched on
question, option and group cell). The rules, the typed status a protected table carries, the
guarantee of secondary suppression and its limits are the layer's contract:
``docs/disclosure.md``.

The package, in the order a summary meets it:

* :mod:`~rapstats.protect.relations`: one question's tables as cells, units and relations;
* :mod:`~rapstats.protect.engine`: secondary suppression on arrays
  (:func:`secondary_suppression`, :func:`group_relations`), repeating the exact audit of
  :mod:`~rapstats.protect.audit` (linear algebra and the simplex of
  :mod:`~rapstats.protect._simplex`, no scipy);
* :mod:`~rapstats.protect.reliability`: the NCHS reliability criteria
  (:func:`reliability_reasons`);
* :mod:`~rapstats.protect.rules`: the rules in force as sentences (:func:`disclosure_rules`),
  and :data:`UNSAFE_BANNER` (the symbols' legend is :data:`rapstats.vocab.SYMBOLS`);
* :mod:`~rapstats.protect.redact`: quotable comments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.estimate.summary import Summary, group_column
from rapstats.protect.engine import Suppression, group_relations, secondary_suppression
from rapstats.protect.relations import cell_keys, protect_question
from rapstats.protect.reliability import NCHS_RELATIVE_FROM, reliability_reasons
from rapstats.protect.rules import (
    UNSAFE_BANNER,
    bases_kept,
    disclosure_rules,
    primary_frequencies,
    primary_rows,
)
from rapstats.spec import Disclosure, Question
from rapstats.table import Table, positions
from rapstats.vocab import NOT_ASKED, SYMBOLS

__all__ = [
    "NCHS_RELATIVE_FROM",
    "SYMBOLS",
    "UNSAFE_BANNER",
    "Suppression",
    "disclosure_rules",
    "group_relations",
    "protect",
    "protect_changes",
    "protect_trend",
    "reliability_reasons",
    "secondary_suppression",
]

# What a withheld row still shows: the question, its grouping values (columns group:NAME) and
# the public baseline. Every other column is data-derived and is blanked.
PUBLIC_ROW_COLUMNS = ("question", "option", "text", "workstream", "baseline", "baseline_source")
PUBLIC_FREQ_COLUMNS = ("question", "answer", "kind", "in_base")
_STATUS = ("symbol", "reason")


def protect(
    summary: Summary,
    *,
    unsafe_no_suppression: bool = False,
    settings: Disclosure | None = None,
    publish: tuple[str, ...] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Apply disclosure control, reliability flags and label redaction to a Summary.

    Parameters
    ----------
    summary : rapstats.estimate.summary.Summary
        An unprotected summary (``disclosure`` is None).
    unsafe_no_suppression : bool, default False
        Internal working files only: suppress nothing, keep ``[u]`` marks, and set
        ``disclosure["banner"]`` to ``"UNSUPPRESSED – NOT FOR PUBLICATION"``, which every
        renderer writes at the top and in its metadata.
    settings : Disclosure, optional
        Default: ``summary.spec.disclosure``.
    publish : tuple of str, optional
        The tables that will be published, of ``("rows", "frequencies", "profile")``. Only
        they constrain secondary suppression; a table not published is dropped (emptied) from
        the result. Default: the rows, and the frequencies and profile when the summary has
        them (a summary built with ``with_frequencies=False`` publishes rows only).
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after each question's secondary suppression
        (``total`` questions), e.g. to draw a progress bar (the pipeline draws one on a
        terminal). Default: None, nothing is called.

    Returns
    -------
    Summary
        A copy whose tables carry the typed status: ``symbol`` (None, ``"[c]"``, ``"[u]"``
        or ``"[x]"``) and ``reason`` (for the analyst; no output prints it), with every
        data-derived value of a withheld row missing, and labels holding personal data
        redacted. ``disclosure`` is a dict: ``rules`` (sentences for the methods note),
        ``symbols`` (legend), ``unsafe``, ``banner``, ``settings``, ``suppressed`` (counts)
        and ``redacted_labels``. In unsafe mode ``suppressed`` counts what would have been
        suppressed.

    Notes
    -----
    The rules, what a withheld row carries and the guarantee of secondary suppression are
    the protect layer's contract, ``docs/disclosure.md``.
    """
    s = settings or summary.spec.disclosure
    by = tuple(summary.by)
    rows, freq = _published_tables(summary, publish)
    # not asked ([z]): structurally empty, known to all; they take no part in suppression
    rows, not_asked_rows = _NotAsked.split(rows)
    freq, not_asked_freq = _NotAsked.split(freq)
    kept_bases = bases_kept(rows, s)
    row_supp, fr_supp, exposed = _suppress(summary, rows, freq, s, kept_bases, on_progress)
    row_symbol, row_reason, unreliable, withhold = _row_status(
        rows, row_supp, s, unsafe=unsafe_no_suppression
    )
    fr_symbol, fr_reason = _freq_status(fr_supp, unsafe=unsafe_no_suppression)
    counts = {
        "rows_primary": int(row_supp.primary.sum()),
        "rows_secondary": int(row_supp.secondary.sum()),
        "rows_unreliable": int(unreliable.sum()),
        "rows_withheld_unreliable": int(withhold.sum()),
        "frequencies_primary": int(fr_supp.primary.sum()),
        "frequencies_secondary": int(fr_supp.secondary.sum()),
        "exposed": int(exposed),
    }
    profile = summary.profile_table
    if publish is None or "profile" in publish:
        profile, counts["profile_primary"], counts["profile_secondary"] = _protect_profile(
            profile, s, unsafe=unsafe_no_suppression
        )
    else:
        profile = profile.take(np.zeros(0, dtype=np.int64))
    if not unsafe_no_suppression:
        rows, freq = _withhold_suppressed(rows, freq, by, row_supp, fr_supp, kept_bases, withhold)
    rows = not_asked_rows.rejoin(_set_status(rows, row_symbol, row_reason), by)
    freq = not_asked_freq.rejoin(_set_status(freq, fr_symbol, fr_reason), by)
    redacted_parts, redacted = _redact_labels(summary, rows, freq, profile)
    shown = not_asked_rows.mask.any() or not_asked_freq.mask.any()
    disclosure = {
        "rules": disclosure_rules(s, unsafe=unsafe_no_suppression),
        "symbols": {k: v for k, v in SYMBOLS.items() if k != NOT_ASKED or shown},
        "unsafe": bool(unsafe_no_suppression),
        "banner": UNSAFE_BANNER if unsafe_no_suppression else None,
        "settings": {k: getattr(s, k) for k in Disclosure.__dataclass_fields__},
        "suppressed": counts,
        "redacted_labels": redacted,
    }
    return dataclasses.replace(summary, **redacted_parts, disclosure=disclosure)


@dataclass(frozen=True, slots=True)
class _NotAsked:
    """The rows of a table that are not asked (``[z]``, set at estimation), taken out of it
    before suppression and put back after, every data-derived value withheld."""

    table: Table
    mask: np.ndarray

    @classmethod
    def split(cls, table: Table) -> tuple[Table, _NotAsked]:
        """The table without its not-asked rows, and those rows."""
        mask = np.array([v == NOT_ASKED for v in table["symbol"].tolist()], dtype=bool)
        return (table.take(~mask) if mask.any() else table), cls(table.take(mask), mask)

    def rejoin(self, protected: Table, by: tuple[str, ...]) -> Table:
        """``protected`` (the other rows, status set) with the not-asked rows back in their
        places, carrying only their public columns and their status."""
        if not self.mask.any():
            return protected
        public = (*PUBLIC_ROW_COLUMNS, *PUBLIC_FREQ_COLUMNS, *map(group_column, by), *_STATUS)
        held = _withhold(self.table, np.ones(len(self.table), dtype=bool), keep=public)
        held = _set_status(held, held["symbol"], held["reason"])
        out = {}
        for c in protected.columns:
            a, b = protected[c], held[c]
            column = np.empty(len(self.mask), dtype=a.dtype if a.dtype == b.dtype else object)
            column[~self.mask], column[self.mask] = a, b
            out[c] = column
        return Table(out, length=len(self.mask))


@dataclass(frozen=True, slots=True)
class _Suppressed:
    """One table's suppression: by a threshold rule (and the analyst's reason), and in all."""

    primary: np.ndarray
    reason: np.ndarray
    suppressed: np.ndarray

    @property
    def secondary(self) -> np.ndarray:
        """Suppressed only to protect other numbers."""
        return self.suppressed & ~self.primary

    def status(self) -> tuple[np.ndarray, np.ndarray]:
        """Symbol (``[c]`` or None) and reason of each row."""
        symbol = np.where(self.suppressed, "[c]", None)
        reason = np.where(self.secondary, "secondary suppression", self.reason)
        return symbol, reason


def _published_tables(summary: Summary, publish: tuple[str, ...] | None) -> tuple[Table, Table]:
    """The rows and frequencies to protect: only the published tables (an unpublished one is
    emptied), and no open-text question (open text never reaches an output through them)."""
    rows: Table = summary.table
    freq: Table = summary.frequency_table
    if publish is None:
        publish = ("rows", "frequencies") if len(freq) else ("rows",)
    if "rows" not in publish:
        rows = rows.take(np.zeros(0, dtype=np.int64))
    if "frequencies" not in publish:
        freq = freq.take(np.zeros(0, dtype=np.int64))
    text_q = [q.id for q in summary.spec.questions if q.type == "text"]
    if text_q:
        rows = rows.take(~np.isin(rows["question"], text_q))
        freq = freq.take(~np.isin(freq["question"], text_q))
    return rows, freq


def _suppress(
    summary: Summary,
    rows: Table,
    freq: Table,
    s: Disclosure,
    kept_bases: np.ndarray,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[_Suppressed, _Suppressed, int]:
    """Primary suppression of rows and frequencies, then (``s.secondary``) secondary
    suppression question by question, calling ``on_progress(done, total)`` after each; and
    the number of cells left exposed."""
    row_primary, row_reason = primary_rows(rows, s)
    fr_primary, fr_reason = primary_frequencies(freq, s)
    row_supp, fr_supp = row_primary.copy(), fr_primary.copy()
    exposed = 0
    if s.secondary:
        questions = {q.id: q for q in summary.spec.questions}
        fpos = positions(freq["question"]) if len(freq) else {}
        by_question = positions(rows["question"])
        for done, (qid, rsel) in enumerate(by_question.items(), start=1):
            fsel = fpos.get(qid, np.zeros(0, dtype=np.int64))
            res, n_exp = protect_question(
                rows,
                rsel,
                freq,
                fsel,
                tuple(summary.by),
                questions.get(qid),
                s,
                (row_primary, fr_primary),
                kept_bases,
            )
            row_supp[rsel] = res[: rsel.size]
            fr_supp[fsel] = res[rsel.size :]
            exposed += n_exp
            if on_progress is not None:
                on_progress(done, len(by_question))
    return (
        _Suppressed(row_primary, row_reason, row_supp),
        _Suppressed(fr_primary, fr_reason, fr_supp),
        exposed,
    )


def _protect_profile(profile: Table, s: Disclosure, *, unsafe: bool) -> tuple[Table, int, int]:
    """The profile (who responded) protected as a frequency table, and the numbers of its
    counts withheld by a threshold rule and to protect them.

    Each group is one table whose levels partition all respondents (a known total): the
    threshold rules of :func:`primary_frequencies`, a level of fewer than ``min_base``
    respondents withheld as any group that small is, and the secondary suppression of
    :func:`protect_question`, as for a single-choice question's answers overall, so that a
    withheld level cannot be worked out from the total and the other levels.
    """
    primary, reason = primary_frequencies(profile, s)
    # a level is a group: nothing is published of a group of fewer than min_base respondents
    count = profile["count"].astype(float) if len(profile) else np.zeros(0)
    small_level = (profile["kind"] == "answer") & (count < s.min_base) & ~primary
    reason[small_level] = f"group below {s.min_base}"
    primary = primary | small_level
    suppressed = primary.copy()
    if s.secondary and len(profile):
        as_answers = profile.assign({"question": profile["group"], "answer": profile["level"]})
        none = np.zeros(0, dtype=np.int64)
        no_rows = Table({c: np.zeros(0) for c in ("option", "base", "positive", "respondents")})
        for group, fsel in positions(profile["group"]).items():
            levels = Question(id=group, column=None, text=group, type="single")
            res, _ = protect_question(
                no_rows, none, as_answers, fsel, (), levels, s, (none, primary), none
            )
            suppressed[fsel] = res
    supp = _Suppressed(primary, reason, suppressed)
    symbol, why = _freq_status(supp, unsafe=unsafe)
    if not unsafe:
        keep = ("group", "level", "kind", "in_base", *_STATUS)
        profile = _withhold(profile, suppressed, keep=keep)
    return _set_status(profile, symbol, why), int(primary.sum()), int(supp.secondary.sum())


def _row_status(
    rows: Table, supp: _Suppressed, s: Disclosure, *, unsafe: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Symbol and reason of each row, which rows are unreliable, and which of those are
    withheld (``withhold_unreliable``).

    ``[c]`` for a suppressed row, ``[x]`` for an empty base, then ``[u]`` (or ``[x]`` when
    withheld) for an unreliable published share. In unsafe mode only ``[u]`` is kept.
    """
    symbol, reason = supp.status()
    nothing = ~supp.suppressed & (rows["base"] <= 0)
    symbol[nothing] = "[x]"
    reason[nothing] = "no respondents in the base"
    reasons = reliability_reasons(
        rows["share"], rows["ci_low"], rows["ci_high"], rows["effective_n"], s
    )
    unreliable = np.array(
        [r is not None and sym is None for r, sym in zip(reasons, symbol, strict=True)],
        dtype=bool,
    )
    withhold = unreliable & s.withhold_unreliable & (not unsafe)
    for i in np.flatnonzero(unreliable):
        symbol[i] = "[x]" if withhold[i] else "[u]"
        reason[i] = "low reliability: " + str(reasons[i])
    if unsafe:
        symbol = np.where(symbol == "[u]", "[u]", None)
        reason = np.where(symbol == "[u]", reason, None)
    return symbol, reason, unreliable, withhold


def _freq_status(supp: _Suppressed, *, unsafe: bool) -> tuple[np.ndarray, np.ndarray]:
    """Symbol and reason of each frequency; none at all in unsafe mode."""
    if unsafe:
        n = len(supp.suppressed)
        return np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    return supp.status()


def _withhold_suppressed(
    rows: Table,
    freq: Table,
    by: tuple[str, ...],
    row_supp: _Suppressed,
    fr_supp: _Suppressed,
    kept_bases: np.ndarray,
    withhold: np.ndarray,
) -> tuple[Table, Table]:
    """Blank every data-derived value of a withheld row or frequency.

    A suppressed row keeps its base where ``publish_bases`` keeps it; a share withheld as
    unreliable keeps its base and effective n; a share of the base is blanked where the base
    is not published (:func:`_hide_hidden_bases`).
    """
    groups = tuple(group_column(b) for b in by)
    public_rows = PUBLIC_ROW_COLUMNS + groups + _STATUS
    rows = _withhold(rows, row_supp.suppressed & kept_bases, keep=(*public_rows, "base"))
    rows = _withhold(rows, row_supp.suppressed & ~kept_bases, keep=public_rows)
    rows = _withhold(rows, withhold, keep=(*public_rows, "base", "effective_n"))
    freq = _withhold(freq, fr_supp.suppressed, keep=PUBLIC_FREQ_COLUMNS + groups + _STATUS)
    return rows, _hide_hidden_bases(rows, freq, by)


def _withhold(table: Table, mask: np.ndarray, keep: tuple[str, ...]) -> Table:
    """Set every column but ``keep`` to missing where ``mask``: by construction, a withheld
    row carries nothing derived from the data (a new result column is withheld too).

    Float columns get NaN; any other column becomes an object column with None.
    """
    if not mask.any():
        return table
    out: dict[str, np.ndarray] = {}
    for col in table.columns:
        if col in keep:
            continue
        values = table[col]
        if values.dtype.kind == "f":
            out[col] = np.where(mask, np.nan, values)
        else:
            withheld = values.astype(object)
            withheld[mask] = None
            out[col] = withheld
    return table.assign(out)


def _hide_hidden_bases(rows: Table, freq: Table, by: tuple[str, ...]) -> Table:
    """Blank ``share_of_base`` in the cells whose base is withheld.

    A published count and its share of the base give the base (count / share), so a share of
    the base is published only where the base itself is: in a cell with a published row of
    the same question. Otherwise a withheld base could be read off any published answer.
    """
    if not len(freq):
        return freq
    shown = ~np.array([v is None or v != v for v in rows["base"].tolist()], dtype=bool)
    published = set(
        zip(
            rows["question"][shown].tolist(),
            cell_keys(rows, np.flatnonzero(shown), by),
            strict=True,
        )
    )
    keys = zip(freq["question"].tolist(), cell_keys(freq, np.arange(len(freq)), by), strict=True)
    hidden = np.array([k not in published for k in keys], dtype=bool)
    return freq.assign({"share_of_base": np.where(hidden, np.nan, freq["share_of_base"])})


def _set_status(table: Table, symbol: np.ndarray, reason: np.ndarray) -> Table:
    """The protected table: typed status set, the cells' respondents (an input) dropped."""
    out = {c: table[c] for c in table.columns if c not in ("respondents", *_STATUS)}
    out["symbol"] = np.asarray(symbol, dtype=object)
    out["reason"] = np.asarray(reason, dtype=object)
    return Table(out, length=len(table))


def protect_changes(changes: Table, now: Summary, previous: Summary) -> Table:
    """Withhold the change of every row that either protected wave withholds.

    Parameters
    ----------
    changes : Table
        From :func:`rapstats.estimate.waves.compare_waves` on the unprotected summaries
        (split by the waves' groups: each row is matched on its question, option and group
        cell).
    now, previous : Summary
        The two waves, protected (:func:`protect`).

    Returns
    -------
    Table
        ``changes`` with ``base_from`` and ``base_to`` (each wave's published base; missing
        where the change is withheld), ``symbol`` (``[z]`` where a wave did not ask the
        question, else the withheld row's symbol, ``[c]`` first) and every data-derived field
        missing where a wave's share is not published.
    """
    changes = _redact_rows(changes, now.by)
    found = _published_status(changes, (now, previous))
    out = _symbols(found)
    bases = np.full((2, len(changes)), None, dtype=object)
    for k, (later, earlier) in enumerate(found):
        bases[0, k], bases[1, k] = earlier[1], later[1]
    held = np.array([v is not None for v in out], dtype=bool)
    bases[:, held] = None
    keep = ("question", "option", "text", "method", *(group_column(b) for b in now.by))
    table = _withhold(changes, held, keep=keep)
    return table.assign({"base_from": bases[0], "base_to": bases[1], "symbol": out})


def protect_trend(trend: Table, waves: tuple[Summary, ...]) -> Table:
    """Withhold the trend test of every row that any protected wave withholds.

    Parameters
    ----------
    trend : Table
        From :func:`rapstats.estimate.series.trend_rows` on the unprotected summaries.
    waves : tuple of Summary
        Every wave of the trend, protected (:func:`protect`).

    Returns
    -------
    Table
        ``trend`` with ``symbol`` (``[c]`` where a wave's share of the row is withheld, else
        ``[x]`` where one is unreliable) and the test's fields missing there.
    """
    trend = _redact_rows(trend, waves[0].by)
    found = _published_status(trend, waves)
    out = _symbols(found)
    held = np.array([v is not None for v in out], dtype=bool)
    keep = ("kind", "question", "option", "text", "wave_from", "wave_to")
    keep += tuple(group_column(b) for b in waves[0].by)
    return _withhold(trend, held, keep=keep).assign({"symbol": out})


def _symbols(found: list[tuple[tuple[Any, Any], ...]]) -> np.ndarray:
    """The symbol of each comparison of the waves' cells ``found`` ((symbol, base) each):
    ``[z]`` if a wave did not ask the question, else ``[c]`` if any is withheld, else ``[x]``
    if any is unreliable or missing, else None."""
    out = np.full(len(found), None, dtype=object)
    for k, cells in enumerate(found):
        symbols = [symbol for symbol, _ in cells]
        out[k] = next((f for f in (NOT_ASKED, "[c]", "[x]") if f in symbols), None)
    return out


def _published_status(
    table: Table, waves: tuple[Summary, ...]
) -> list[tuple[tuple[Any, Any], ...]]:
    """For each row of a comparison ``table``, each protected wave's (symbol, published base)
    of the same question, option and group cell (a missing share or cell: ``[x]``)."""
    by = waves[0].by
    published = [_cells_published(w) for w in waves]
    keys = zip(
        table["question"].tolist(),
        table["option"].tolist(),
        cell_keys(table, np.arange(len(table)), by),
        strict=True,
    )
    return [tuple(p.get(k, ("[x]", None)) for p in published) for k in keys]


def _cells_published(summary: Summary) -> dict[tuple[Any, Any, Any], tuple[Any, Any]]:
    """(question, option, group cell) -> (symbol, published base) of every row (a missing
    share: [x])."""
    t = summary.table
    cells = cell_keys(t, np.arange(len(t)), summary.by)
    out = {}
    for rec, cell in zip(t.records(), cells, strict=True):
        symbol = rec["symbol"] or (None if rec["share"] == rec["share"] else "[x]")
        out[(rec["question"], rec["option"], cell)] = (symbol, rec["base"])
    return out


def _redact_labels(
    summary: Summary, rows: Table, freq: Table, profile: Table
) -> tuple[dict[str, Any], int]:
    """Text that came from the export (question texts, options, answers, group values, column
    headers in the spec) with personal data in it is redacted
    (:func:`rapstats.protect.redact.redact`) in the spec and both tables alike, so that labels still
    match; so is the user's text in the input block (wave names, columns read) and the methods
    notes. Identifiers (question ids, group names) are kept: they key the tables; so is the
    spec's ``[report]`` title block, the publisher's own words (its contact address is meant
    to be published), and the input's digest and platform. The input's path is redacted
    too: a file may be named after the person who sent it.

    Returns the redacted ``spec``, ``table``, ``frequency_table``, ``profile_table``,
    ``source`` and ``methods``
    (as :func:`dataclasses.replace` takes them), and the number of labels redacted."""
    from rapstats.personal import redact

    cache: dict[str, str] = {}

    def text(value: str) -> str:
        return cache.setdefault(value, redact(value)) if value not in cache else cache[value]

    def clean(values: np.ndarray) -> np.ndarray:
        return _clean_labels(values, text)

    def deep(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, tuple | list):
            return type(value)(deep(v) for v in value)  # notes: a list
        if isinstance(value, Mapping):
            return {deep(k): deep(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(
                value,
                **{
                    f.name: deep(getattr(value, f.name))
                    for f in dataclasses.fields(value)
                    if f.name not in ("id", "name", "report") and f.init
                },
            )
        return value

    def source(value: Any) -> Any:  # the input block: not its digests, platforms
        if isinstance(value, Mapping):
            fixed = ("sha256", "platform")
            return {k: v if k in fixed else source(v) for k, v in value.items()}
        return [source(v) for v in value] if isinstance(value, list) else deep(value)

    groups = [group_column(b) for b in summary.by]
    parts = {
        "spec": deep(summary.spec),
        "table": rows.assign({c: clean(rows[c]) for c in ("text", "option", *groups)}),
        "frequency_table": freq.assign({c: clean(freq[c]) for c in ("answer", *groups)}),
        "profile_table": profile.assign({"level": clean(profile["level"])}),
        "source": source(summary.source),
        "methods": {k: deep(v) if k == "notes" else v for k, v in summary.methods.items()},
    }
    return parts, sum(1 for k, v in cache.items() if k != v)


def _clean_labels(values: np.ndarray, text: Callable[[str], str]) -> np.ndarray:
    """``values`` with every string passed through ``text`` (the redaction)."""
    out = np.empty(len(values), dtype=object)
    out[:] = [text(v) if isinstance(v, str) else v for v in values.tolist()]
    return out


def _redact_rows(table: Table, by: tuple[str, ...]) -> Table:
    """A comparison's labels from the export (text, option, group values) redacted as
    :func:`protect` redacts the waves' tables, so that they match the protected waves."""
    from rapstats.personal import redact

    columns = ("text", "option", *(group_column(b) for b in by))
    return table.assign({c: _clean_labels(table[c], redact) for c in columns})
