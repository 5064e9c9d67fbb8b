"""Frequency tables (``rapstats freq``) and who responded (``freq --profile``), in every
format of :mod:`rapstats.render.tables` and in pieces of a few thousand rows (see
:mod:`rapstats.render.stream`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rapstats.escape import markdown
from rapstats.estimate.columns import FREQ_COLUMNS, group_column
from rapstats.estimate.summary import Summary
from rapstats.render.stream import row_slices
from rapstats.render.tables import (
    _aligned_chunks,
    _banner,
    _csv_chunks,
    _footnotes,
    _json_doc,
    _markdown_rows,
    _missing,
    _rows_of,
    _terminal,
    pct,
)
from rapstats.table import Table


def frequency_chunks(summary: Summary, fmt: str) -> Iterator[str]:
    """:func:`render_frequencies`'s text in pieces of a few thousand rows."""
    freq = summary.published_frequencies()
    if fmt == "csv":
        return _csv_chunks(freq, summary)
    if fmt == "json":
        rows = _rows_of(summary.frequency_table, summary.by, FREQ_COLUMNS)
        return _json_doc(summary, len(freq), rows)
    header = ["Question", *[b.capitalize() for b in summary.by], "Answer", "Count", "Share"]
    header.append("In base")
    groups = [group_column(b) for b in summary.by]

    def line(rec: dict[str, Any]) -> list[str]:
        symbol = rec["flag"] or ""
        count = count_text(rec["count"], symbol)
        share = pct(rec["share_of_base"]) or symbol
        cells = [rec["question"], *[rec[g] or "All" for g in groups], rec["answer"], count]
        return [*cells, share, "yes" if rec["in_base"] else "no"]

    return _framed(summary, header, _lines(freq, line), 2 + len(summary.by), fmt)


def render_frequencies(summary: Summary, fmt: str) -> str:
    """Render the frequency table (every answer of every question) in ``fmt``."""
    return "".join(frequency_chunks(summary, fmt))


def _lines(table: Table, line: Callable[[dict[str, Any]], list[str]]) -> Iterator[list[list[str]]]:
    """``line`` of each row of ``table`` (a dict of Python values), in pieces."""
    for positions in row_slices(len(table)):
        yield [line(rec) for rec in table.take(positions).records()]


def profile_chunks(summary: Summary, fmt: str) -> Iterator[str]:
    """:func:`render_profile`'s text in pieces."""
    table = summary.published_profile()
    if fmt == "csv":
        return _csv_chunks(table, summary)
    if fmt == "json":
        records = summary.profile_records()
        return _json_doc(summary, len(records), lambda at: [records[i] for i in at])
    header = ["Group", "Level", "Respondents", "Share"]

    def line(rec: dict[str, Any]) -> list[str]:
        count = count_text(rec["count"], rec["flag"])
        return [rec["group"], rec["level"], count, pct(rec["share"]) or (rec["flag"] or "")]

    return _framed(summary, header, _lines(table, line), 2, fmt)


def render_profile(summary: Summary, fmt: str) -> str:
    """Render who responded (the profile: respondents in each level of every grouping
    variable) in ``fmt``, with the notes as :func:`render_frequencies`."""
    return "".join(profile_chunks(summary, fmt))


def count_text(value: Any, symbol: str | None) -> str:
    """A published count as text: its symbol where it is withheld."""
    return (symbol or "") if _missing(value) else str(int(value))


def _framed(
    summary: Summary,
    header: list[str],
    body: Iterable[list[list[str]]],
    n_left: int,
    fmt: str,
) -> Iterator[str]:
    """A table of cell texts (``body`` gives them in pieces) with the summary's banner and
    notes, as ``markdown`` or a terminal ``table``."""
    banner = _banner(summary)
    notes = _footnotes(summary)
    if fmt == "markdown":
        yield (f"**{banner}**\n\n" if banner else "") + _markdown_rows([header])
        yield "|" + "---|" * len(header) + "\n"
        yield from map(_markdown_rows, body)
        yield "\nNotes:\n\n" + "\n".join(f"{i}. {markdown(n)}" for i, n in enumerate(notes, 1))
        yield "\n"
        return
    yield _terminal([banner, ""] if banner else [])
    yield from map(_terminal, _aligned_chunks(header, body, n_left))
    yield _terminal(["", *[f"Note: {n}" for n in notes]])
