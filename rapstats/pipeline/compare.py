"""Compare waves of a survey: the change of every share (overall and by group) between pairs
of waves, and its trend across them, tested and protected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rapstats.errors import RapstatsError
from rapstats.pipeline.survey import Estimation, ReadOptions, redaction_notes, summarise
from rapstats.pipeline.waves import Source, opened_waves, source_path
from rapstats.table import Table
from rapstats.vocab import COMPARE_AGAINST, NOT_ASKED, SYMBOLS

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary
    from rapstats.io import Export
    from rapstats.spec import Spec

AGAINST = COMPARE_AGAINST
# The tables of each wave protected together (as the report publishes a wave).
PUBLISH = ("rows", "frequencies")


@dataclass(frozen=True, slots=True)
class Comparison:
    """The protected comparison rows (``CHANGE_COLUMNS`` of :mod:`rapstats.estimate.columns`,
    plus ``symbol`` and the grouping columns of ``by``): for waves, the changes of
    :func:`rapstats.estimate.waves.compare_waves`, one block per pair, named in ``wave_from``
    and ``wave_to``, then the trend rows of :func:`rapstats.estimate.series.trend_rows`; the
    wave names; each wave's protected summary (split by ``by``); the grouping variables the
    rows are split by."""

    changes: Table
    waves: tuple[str, ...]
    summaries: tuple[Summary, ...]
    by: tuple[str, ...] = ()


def compare_files(
    exports: Sequence[Source],
    spec: str | Path | Spec | None = None,
    *,
    wave_names: Sequence[str] | None = None,
    against: str = "previous",
    by: Sequence[str] = (),
    read: ReadOptions | None = None,
    estimation: Estimation | None = None,
    unsafe_no_suppression: bool = False,
) -> tuple[Comparison, tuple[str, ...]]:
    """The change of every share between waves, given oldest first, and their trend.

    Every export is read with one spec (given, else inferred from the latest export) and the
    same ``read`` options; ``estimation`` overrides the spec's defaults (default: none). Each
    wave is compared with the one before it (``against="previous"``), with the first
    (``"first"``) or with every later wave (``"all"``); with four or more waves whose names
    are all quarters (:func:`rapstats.estimate.series.quarter_of`), each wave is also compared
    with the same quarter a year earlier where that is a wave (``comparison`` ``"year"``, even
    where ``against`` already gives the pair). With three or more waves, each row also gets a
    test for linear trend across all the waves (``kind`` ``"trend"``). A question an export
    lacks was not asked in that wave: its changes with that wave (and its trend) are ``[z]``
    (a question no export has is an error). A group cell of ``by`` absent from a wave is left
    out of its pairs and of the trend.

    Each wave is summarised once (split by ``by``) and protected as a publication of its
    own; a change or trend is withheld where any of its waves' shares is. p-values are
    adjusted across the changes of each pair, and across the trend rows.

    Parameters
    ----------
    exports : sequence of str, Path or Opened
        Two or more exports, oldest first; or one export holding several waves of the spec's
        ``[survey] wave`` (a group such as a quarter derived from a timestamp), split into
        them (:func:`rapstats.pipeline.waves.split_waves`). An export already opened and
        hashed (with ``spec``, ``read`` and the columns of ``by`` and of ``[survey] wave``) is
        used as it was read, not read again (as :func:`rapstats.pipeline.report_data` gives
        its own).
    wave_names : sequence of str, optional
        One name per export. Default: each export's value of ``[survey] wave`` if the spec
        has one, else the file names without their extension (made unique;
        :func:`rapstats.pipeline.waves.opened_waves`).
    against : {"previous", "first", "all"}
        Which pairs of waves are compared. Default ``"previous"``.
    by : sequence of str
        Grouping variables (spec groups or export columns; several are crossed): the changes
        within each group cell as well as the headline ones. Default none.

    Returns
    -------
    comparison : Comparison
    notes : tuple of str
        What the user should be told (rows read from each export, columns dropped, group
        cells not in every wave...).
    """
    from rapstats.estimate.series import wave_pairs, year_pairs
    from rapstats.protect import protect
    from rapstats.spec import Spec, load_spec

    spec = spec if isinstance(spec, Spec) or spec is None else load_spec(spec)
    if len(exports) < 2 and (spec is None or spec.wave is None or wave_names is not None):
        raise RapstatsError(
            "compare needs at least two exports",
            hint="give two or more, or one export and a spec whose [survey] wave splits it "
            "into waves",
        )
    if against not in AGAINST:
        raise RapstatsError(f"against is {against!r}", hint="use one of " + ", ".join(AGAINST))
    read, estimation = read or ReadOptions(), estimation or Estimation()
    group = tuple(by)
    names, raw, notes, last = [], [], [], None
    # one export in memory at a time: each wave is summarised as soon as it is read
    for last in opened_waves(exports, spec, wave_names, by=group, read=read):
        names.append(str(last.wave))
        raw.append(summarise(last, group, estimation, PUBLISH))
        notes += last.notes
    spec_used = last.spec
    if len(names) < 2:
        raise RapstatsError(
            f'compare needs at least two waves: the export holds one, "{names[0]}" ([survey] '
            f'wave = "{spec_used.wave}")',
            path=source_path(exports[0]),
            hint="give the exports of the other waves too",
        )
    raw = tuple(raw)
    _check_asked(raw, last.export, spec_used)
    del last  # the last wave's export is no longer needed
    protected = tuple(
        protect(s, unsafe_no_suppression=unsafe_no_suppression, publish=PUBLISH) for s in raw
    )
    pairs = [(i, j, against) for i, j in wave_pairs(len(names), against)]
    pairs += [(i, j, "year") for i, j in year_pairs(names)]
    blocks = [_pair_rows(raw, protected, names, i, j, kind) for i, j, kind in pairs]
    if len(names) >= 3:
        blocks.append(_trend(raw, protected, names))
    notes = tuple(notes)
    notes += tuple(n for s in protected for n in redaction_notes(s))
    notes += _partial_cells(protected, names)
    changes = _stack(blocks)
    if NOT_ASKED in changes["symbol"].tolist():  # the legend the outputs print explains it
        legend = protected[-1].disclosure or {}
        legend = {**legend, "symbols": {**legend.get("symbols", {}), NOT_ASKED: SYMBOLS[NOT_ASKED]}}
        protected = (*protected[:-1], replace(protected[-1], disclosure=legend))
    comparison = Comparison(
        changes=changes, waves=tuple(names), summaries=protected, by=protected[-1].by
    )
    return comparison, notes


def _check_asked(raw: tuple[Summary, ...], last: Export, spec: Spec) -> None:
    """A question no wave asked is an error, as for one export: the last wave's export (as
    it was read) gives the error naming the missing column."""
    from rapstats.normalise import check_asked

    absent = [set(s.source.get("not_asked", ())) for s in raw]
    if any(all(q.id in a for a in absent) for q in spec.questions):
        check_asked([last], spec)


def _pair_rows(
    raw: tuple[Summary, ...],
    protected: tuple[Summary, ...],
    names: list[str],
    i: int,
    j: int,
    comparison: str,
) -> Table:
    """The protected changes from wave ``i`` to wave ``j``, with the pair's columns."""
    from rapstats.estimate.waves import compare_waves
    from rapstats.protect import protect_changes

    confidence = raw[j].spec.methods.confidence
    changes = protect_changes(
        compare_waves(raw[j], raw[i], confidence=confidence), protected[j], protected[i]
    )
    n = len(changes)
    pair = {
        "kind": ["change"] * n,
        "comparison": [comparison] * n,
        "wave_from": [names[i]] * n,
        "wave_to": [names[j]] * n,
        "level": [None] * n,
        "against": [None] * n,
    }
    return Table({**pair, **{c: changes[c] for c in changes.columns}}, length=n)


def _trend(raw: tuple[Summary, ...], protected: tuple[Summary, ...], names: list[str]) -> Table:
    """The protected trend rows across every wave."""
    from rapstats.estimate.series import trend_rows
    from rapstats.protect import protect_trend

    confidence = raw[-1].spec.methods.confidence
    return protect_trend(trend_rows(raw, names, confidence=confidence), protected)


def _stack(blocks: list[Table]) -> Table:
    """The blocks one under another, with the first block's columns; a column a block lacks
    (a trend row has no shares or change) is missing there."""
    columns = blocks[0].columns
    out = {}
    for c in columns:
        parts = [b[c] if c in b.columns else np.full(len(b), None, dtype=object) for b in blocks]
        out[c] = np.concatenate(parts)
    return Table(out, length=sum(len(b) for b in blocks))


def _partial_cells(waves: tuple[Summary, ...], names: list[str]) -> tuple[str, ...]:
    """A note for each group cell (as published) not in every wave: its changes are given only
    between the waves that have it, and it has no trend row."""
    from rapstats.estimate.columns import group_column

    by = waves[-1].by
    if not by:
        return ()
    present: dict[tuple, list[str]] = {}
    for name, summary in zip(names, waves, strict=True):
        t = summary.table
        cells = zip(*(t[group_column(b)].tolist() for b in by), strict=True)
        for cell in dict.fromkeys(cells):
            if any(v is not None for v in cell):
                present.setdefault(cell, []).append(name)
    return tuple(
        f"{_cell_text(by, cell)} is only in wave(s) {', '.join(waves)}: its changes are given "
        "only between waves that both have it, and it has no trend row"
        for cell, waves in present.items()
        if len(waves) < len(names)
    )


def _cell_text(by: tuple[str, ...], cell: tuple) -> str:
    """A group cell as ``area = North, sex = F``."""
    return ", ".join(f"{b} = {v}" for b, v in zip(by, cell, strict=True) if v is not None)
