"""The report model: every number, sentence, table and chart of a report as plain data.

:func:`build_model` reads protected summaries (after :func:`rapstats.protect.protect`) and
returns a JSON-ready dict. Renderers (Markdown, HTML, PDF, XLSX, ODS) only format it, so they
show the same numbers and the same withheld cells.

Table cells are ``{"v": value, "t": text}``: ``v`` is the number written to spreadsheets
(rounded as displayed, or None) and ``t`` the text shown in documents. A cell with no number
holds a GSS symbol in both: ``[c]`` (withheld by disclosure control), ``[z]`` (not
applicable), ``[x]`` (not available).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from rapstats.escape import visible_all
from rapstats.estimate.summary import group_column
from rapstats.render.report.findings import (
    ADJUST_NAMES,
    Estimate,
    change_sentence,
    group_sentence,
    level,
    round_half_up,
    share_sentence,
)
from rapstats.table import Table
from rapstats.vocab import MULTIPLICITY_IN_REPORT

SCHEMA = 1
# GSS shorthand used by the report itself (disclosure symbols come from the summary).
OWN_SYMBOLS = {
    "[z]": "not applicable (for example, no baseline for this question)",
    "[x]": "not available",
}
CAVEAT = (
    "Respondents chose to take part: a consultation is a self-selected sample, not a random "
    "sample of the population. Confidence intervals and tests describe sampling variability "
    "only; they cannot correct for who chose to respond, so results may not represent the "
    "wider population."
)
KEY_FINDINGS_MIN = 3
KEY_FINDINGS_MAX = 6


def build_model(
    summary: Any,
    *,
    breakdowns: tuple[Any, ...] | list[Any] = (),
    previous: Any = None,
    changes: Table | None = None,
    date: str | None = None,
    inputs: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
    single_level: tuple[str, ...] | list[str] = (),
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the report model from a protected summary.

    Parameters
    ----------
    summary : rapstats.estimate.summary.Summary
        Results after disclosure control (``summary.disclosure`` set). Its overall rows
        give the headline figures; the margins of its grouping variables give breakdowns.
    breakdowns : sequence of Summary
        More protected summaries (usually one per grouping variable) whose margins give
        further breakdowns. Default none.
    previous : Summary, optional
        The previous wave, summarised with the same spec and protected. Default None.
    changes : Table, optional
        The protected change of each headline share since ``previous``
        (:func:`rapstats.estimate.waves.compare_waves`, then
        :func:`rapstats.protect.protect_changes`); needed with ``previous``.
    date : str, optional
        Publication date shown in the report; default the spec's ``[report].date``.
    inputs : sequence of dict
        Input files for the audit manifest: ``role``, ``name``, ``sha256``. Default none.
    single_level : sequence of str
        Grouping variables not broken down because they have a single value; the methods
        say so. Default none.
    options : dict, optional
        Options as given (for the audit manifest). Default None.

    Returns
    -------
    dict
        JSON-ready report model (see the module docstring).
    """
    model = _Builder(
        summary,
        tuple(breakdowns),
        previous,
        changes,
        date,
        list(inputs),
        tuple(single_level),
        dict(options or {}),
    ).build()
    # Every string of every format (and chart) comes from here: control and bidi characters
    # in user text are shown as escapes, so none can stop or steer a writer or a terminal.
    return visible_all(model)


def _changes(table: Table | None) -> dict[tuple[str, str | None], tuple[Any, Any, Any]]:
    """(question, option) -> (change, low, high) of the protected wave change; None withheld."""
    if table is None:
        return {}
    return {
        (r["question"], r["option"]): tuple(
            _num(r[k]) for k in ("change", "change_low", "change_high")
        )
        for r in table.records()
    }


def _num(value: Any) -> float | None:
    """A JSON-ready float: None for None, NaN or anything that is not a number."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(value: Any) -> int | None:
    f = _num(value)
    return None if f is None else int(round(f))


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _symbol(flag: str | None) -> str | None:
    m = re.match(r"\s*(\[[a-z]\])", flag or "")
    return m.group(1) if m else None


def cell(value: Any, kind: str, *, missing: str = "[x]") -> dict[str, Any]:
    """A table cell of ``kind`` {'text', 'int', 'pct', 'pp', 'p', 'yesno'}.

    ``pct`` and ``pp`` take proportion units and show percentages to one decimal place;
    ``p`` keeps three significant figures and shows ``<0.001`` below 0.001.
    """
    if kind == "text":
        return {"v": value, "t": "" if value is None else str(value)}
    if kind == "yesno":
        if value is None:
            return {"v": missing, "t": missing}
        return {"v": "Yes" if value else "No", "t": "Yes" if value else "No"}
    number = _num(value)
    if number is None:
        return {"v": missing, "t": missing}
    if kind == "int":
        return {"v": int(number), "t": f"{int(number):,}"}
    if kind in ("pct", "pp"):
        v = round_half_up(number * 100, 1)
        v = 0.0 if v == 0 else v
        return {"v": v, "t": f"{v:.1f}"}
    if kind == "p":
        v = float(f"{number:.3g}")
        return {"v": v, "t": "<0.001" if number < 0.001 else f"{round_half_up(number, 3):.3f}"}
    raise ValueError(f"unknown cell kind {kind!r}; use text, int, pct, pp, p or yesno")


def _col(label: str, kind: str) -> dict[str, str]:
    return {"label": label, "kind": kind}


class _Notes:
    """Numbered notes ([note n]) in order of first use."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._keys: dict[str, int] = {}

    def ref(self, key: str, text: str) -> str:
        if key not in self._keys:
            self._keys[key] = len(self.items) + 1
            self.items.append({"number": self._keys[key], "text": text})
        return f"[note {self._keys[key]}]"


class _Builder:
    def __init__(
        self,
        summary: Any,
        breakdowns: tuple[Any, ...],
        previous: Any,
        changes: Table | None,
        date: str | None,
        inputs: list[dict[str, Any]],
        single_level: tuple[str, ...],
        options: dict[str, Any],
    ) -> None:
        self.s = summary
        self.prev = previous
        self.spec = summary.spec
        self.m = self.spec.methods
        self.conf = float(self.m.confidence)
        self.level = level(self.conf)
        self.methods = dict(summary.methods or {})
        self.weighted = bool(self.methods.get("weighted", False))
        self.disclosure = dict(summary.disclosure or {})
        self.date = date or self.spec.report.date
        self.inputs = inputs
        self.single_level = single_level
        self.options = options
        by: list[str] = []
        for part in (summary, *breakdowns):
            by += [g for g in part.by if g not in by]
        self.by = tuple(by)
        self.notes = _Notes()
        self.tables: list[dict[str, Any]] = []
        self.charts: list[dict[str, Any]] = []
        self.questions = {q.id: q for q in self.spec.estimated_questions}
        self.records: dict[tuple, dict[str, Any]] = {}
        for part in (summary, *breakdowns):
            for key, rec in self._records(part).items():
                self.records.setdefault(key, rec)
        self.prev_records = self._records(previous) if previous is not None else None
        self.changes = _changes(changes)

    # -- data access ---------------------------------------------------------------------

    def _records(self, summary: Any) -> dict[tuple, dict[str, Any]]:
        """Rows keyed by (question, option, ((group, value), ...)) for the groups split."""
        by = tuple(summary.by)
        out: dict[tuple, dict[str, Any]] = {}
        for rec in summary.published_table().records():
            split = tuple(
                (g, _text(rec.get(group_column(g))))
                for g in by
                if _text(rec.get(group_column(g))) is not None
            )
            out[(rec["question"], _text(rec.get("option")), split)] = rec
        return out

    def _row(self, records: dict, qid: str, option: str | None) -> dict[str, Any] | None:
        return records.get((qid, option, ()))

    def _items(self, q: Any) -> list[str | None]:
        return list(q.options) if q.type == "multi" else [None]

    def _label(self, q: Any, option: str | None) -> str:
        return q.text if option is None else f"{q.text}: {option}"

    def _estimate(self, q: Any, option: str | None, rec: dict | None) -> Estimate:
        rec = rec or {}
        flag = _text(rec.get("flag"))
        b = q.baseline
        sig = rec.get("significant")
        sig = None if sig is None or _num(sig) is None else bool(sig)
        p = _num(rec.get("p_adjusted"))
        if p is None:
            p = _num(rec.get("p_value"))
        return Estimate(
            label=q.text,
            answer=" or ".join(q.positive) if q.positive else "positively",
            share=_num(rec.get("share")),
            positive=_int(rec.get("positive")),
            base=_int(rec.get("base")),
            low=_num(rec.get("ci_low")),
            high=_num(rec.get("ci_high")),
            baseline=None if b is None else float(b.p),
            baseline_name=self._baseline_name(b),
            test=_text(rec.get("test")),
            p=p,
            significant=sig,
            flag=flag,
            option=option,
            weighted=self.weighted,
            confidence=self.conf,
            adjust=self.m.adjust,
        )

    def _baseline_name(self, b: Any) -> str:
        if b is not None and "national" in (b.source or "").lower():
            return "the national figure"
        return "the baseline figure"

    def _value_cell(self, rec: dict, key: str, kind: str, *, needs_baseline: bool, q: Any):
        if needs_baseline and q.baseline is None:
            return cell(None, kind, missing="[z]")
        symbol = _symbol(_text(rec.get("flag")))
        missing = symbol if symbol and symbol != "[u]" else "[x]"
        return cell(rec.get(key), kind, missing=missing)

    # -- sections ------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        report = self.spec.report
        self._base_note = self.notes.ref("base", self._base_definition())
        self._caveat_note = self.notes.ref("caveat", CAVEAT)
        if self.m.adjust != "none":
            self._adjust_note = self.notes.ref("adjust", self._adjust_text())
        else:
            self._adjust_note = ""
        rules = [str(r) for r in self.disclosure.get("rules", [])]
        self._disclosure_note = self.notes.ref("disclosure", " ".join(rules)) if rules else ""
        workstreams = []
        key_findings: list[str] = []
        baseline_findings: list[str] = []
        other_findings: list[str] = []
        change_findings: list[str] = []
        for index, (name, questions) in enumerate(self._workstreams(), start=1):
            ws = self._workstream(index, name, questions)
            workstreams.append(ws)
            baseline_findings += ws["_baseline_findings"]
            other_findings += ws["_other_findings"]
            change_findings += ws["_change_findings"]
        for ws in workstreams:
            for k in ("_baseline_findings", "_other_findings", "_change_findings"):
                ws.pop(k)
        key_findings = baseline_findings + change_findings
        for sentence in other_findings:
            if len(key_findings) >= KEY_FINDINGS_MIN:
                break
            key_findings.append(sentence)
        key_findings = key_findings[:KEY_FINDINGS_MAX]
        symbols = self._symbols()
        manifest = self._manifest()
        return {
            "schema": SCHEMA,
            "title": report.title or self.spec.title or "Survey results",
            "organisation": report.organisation,
            "period": report.period,
            "contact": report.contact,
            "date": self.date,
            "banner": _text(self.disclosure.get("banner")),
            "overview": self._overview(),
            "key_findings": key_findings,
            "workstreams": workstreams,
            "tables": self.tables,
            "charts": self.charts,
            "methods": self._methods(),
            "notes": self.notes.items,
            "symbols": symbols,
            "manifest": manifest,
        }

    def _workstreams(self) -> list[tuple[str, list[Any]]]:
        order: dict[str, list[Any]] = {}
        for q in self.spec.estimated_questions:
            order.setdefault(q.workstream or "Other questions", []).append(q)
        return list(order.items())

    def _overview(self) -> str:
        n = _int(self.s.source.get("rows_read")) if self.s.source else None
        name = self.spec.title or "the survey"
        parts = [
            f"This report summarises {n:,} responses to {name}"
            if n is not None
            else f"This report summarises responses to {name}"
        ]
        if self.spec.report.period:
            parts.append(f" ({self.spec.report.period})")
        return "".join(parts) + (
            ". Percentages are of respondents who answered each question, excluding answers "
            f"such as Don't know {self._base_note}. Respondents chose to take part, so results "
            f"describe them, not the wider population {self._caveat_note}."
        )

    def _workstream(self, index: int, name: str, questions: list[Any]) -> dict[str, Any]:
        wid = f"ws{index}"
        baseline_f: list[str] = []
        other_f: list[str] = []
        change_f: list[str] = []
        rows = []
        chart_items = []
        for q in questions:
            for option in self._items(q):
                rec = self._row(self.records, q.id, option) or {}
                e = self._estimate(q, option, rec)
                sentence = share_sentence(e)
                if sentence:
                    (baseline_f if q.baseline is not None else other_f).append(sentence)
                rows.append(self._main_row(q, option, rec))
                chart_items.append(self._share_item(q, option, rec, e))
        findings = baseline_f + other_f
        sections: list[dict[str, Any]] = []
        share_chart = self._share_chart(wid, name, chart_items)
        main = self._table(
            f"{wid}_shares",
            f"{name}: percentage giving a positive answer, by question",
            self._main_columns(),
            rows,
            notes=[self._base_note, self._adjust_note, self._disclosure_note],
        )
        sections.append({"kind": "chart", "chart": share_chart["id"]})
        sections.append({"kind": "table", "table": main["id"]})
        likert = self._likert(wid, name, questions)
        if likert is not None:
            chart, table = likert
            sections.append({"kind": "chart", "chart": chart["id"]})
            sections.append({"kind": "table", "table": table["id"]})
        for group in self.by:
            table = self._breakdown(wid, name, questions, group)
            if table is not None:
                sections.append({"kind": "table", "table": table["id"]})
        if self.prev_records is not None:
            table, sentences = self._change(wid, name, questions)
            change_f += sentences
            findings += sentences
            sections.append({"kind": "table", "table": table["id"]})
        return {
            "id": wid,
            "name": name,
            "findings": findings,
            "sections": sections,
            "_baseline_findings": baseline_f,
            "_other_findings": other_f,
            "_change_findings": [s for s in change_f if "similar to" not in s],
        }

    def _main_columns(self) -> list[dict[str, str]]:
        adj = ADJUST_NAMES.get(self.m.adjust)
        sig = f"Significant after {adj} adjustment" if adj else "Significant"
        return [
            _col("Question", "text"),
            _col("Base (respondents)", "int"),
            _col("Share (%)", "pct"),
            _col(f"{self.level} CI lower (%)", "pct"),
            _col(f"{self.level} CI upper (%)", "pct"),
            _col("Baseline (%)", "pct"),
            _col("Difference (percentage points)", "pp"),
            _col("p-value", "p"),
            _col(sig, "yesno"),
            _col("Flag", "text"),
        ]

    def _main_row(self, q: Any, option: str | None, rec: dict) -> list[dict[str, Any]]:
        vc = self._value_cell
        return [
            cell(self._label(q, option), "text"),
            vc(rec, "base", "int", needs_baseline=False, q=q),
            vc(rec, "share", "pct", needs_baseline=False, q=q),
            vc(rec, "ci_low", "pct", needs_baseline=False, q=q),
            vc(rec, "ci_high", "pct", needs_baseline=False, q=q),
            cell(None if q.baseline is None else q.baseline.p, "pct", missing="[z]"),
            vc(rec, "diff", "pp", needs_baseline=True, q=q),
            vc(
                rec,
                "p_adjusted" if self.m.adjust != "none" else "p_value",
                "p",
                needs_baseline=True,
                q=q,
            ),
            self._sig_cell(rec, q),
            cell(_text(rec.get("flag")) or "", "text"),
        ]

    def _sig_cell(self, rec: dict, q: Any) -> dict[str, Any]:
        if q.baseline is None:
            return cell(None, "yesno", missing="[z]")
        sig = rec.get("significant")
        if sig is None or _num(sig) is None:
            symbol = _symbol(_text(rec.get("flag")))
            return cell(None, "yesno", missing=symbol if symbol and symbol != "[u]" else "[x]")
        return cell(bool(sig), "yesno")

    def _table(
        self,
        tid: str,
        title: str,
        columns: list[dict[str, str]],
        rows: list[list[dict[str, Any]]],
        *,
        notes: list[str] = (),  # type: ignore[assignment]
        summary: list[str] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        number = len(self.tables) + 1
        refs = " ".join(n for n in notes if n)
        table = {
            "id": tid,
            "number": number,
            "sheet": f"Table_{number}",
            "title": f"Table {number}: {title}",
            "notes": refs,
            "columns": columns,
            "rows": rows,
            "findings": list(summary),
            "source": self._source_line(),
        }
        self.tables.append(table)
        return table

    def _source_line(self) -> str:
        name = self.s.source.get("path", "") if self.s.source else ""
        from pathlib import PurePath

        return f"Source: {PurePath(str(name)).name or 'survey export'}, analysed with rapstats"

    # -- charts --------------------------------------------------------------------------

    def _chart(self, cid: str, kind: str, title: str, alt: str, caption: str, data: dict):
        chart = {
            "id": cid,
            "kind": kind,
            "title": title,
            "alt": alt,
            "caption": caption,
            "svg": f"charts/{cid}.svg",
            "png": f"charts/{cid}.png",
            "data": data,
        }
        self.charts.append(chart)
        return chart

    def _share_item(self, q: Any, option: str | None, rec: dict, e: Estimate) -> dict[str, Any]:
        from rapstats.render.report.findings import withheld

        hidden = withheld(e)

        def pct(v: float | None) -> float | None:
            return None if v is None or hidden else round_half_up(v * 100, 1)

        return {
            "label": self._label(q, option),
            "share": pct(e.share),
            "low": pct(e.low),
            "high": pct(e.high),
            "baseline": None if e.baseline is None else round_half_up(e.baseline * 100, 1),
            "withheld": hidden,
            "symbol": _symbol(e.flag) if e.flag else None,
        }

    def _share_chart(self, wid: str, name: str, items: list[dict[str, Any]]) -> dict:
        parts = []
        for it in items:
            if it["withheld"]:
                parts.append(f"{it['label']}: withheld {it['symbol'] or '[c]'}")
                continue
            ci = (
                "interval not available"
                if it["low"] is None or it["high"] is None
                else f"{it['low']:.1f}% to {it['high']:.1f}%"
            )
            text = f"{it['label']}: {it['share']:.1f}% ({ci})"
            if it["symbol"] == "[u]":
                text += ", low reliability [u]"
            if it["baseline"] is not None:
                text += f", baseline {it['baseline']:.1f}%"
            parts.append(text)
        has_baseline = any(it["baseline"] is not None for it in items)
        alt = (
            f"Dot chart of the percentage of respondents giving a positive answer to each of "
            f"{len(items)} questions in the {name} workstream, with {self.level} confidence "
            "intervals"
            + (" and baseline figures" if has_baseline else "")
            + ". "
            + "; ".join(parts)
            + "."
        )
        interval = self.methods.get("interval_name", self.m.method)
        caption = (
            f"Dots show the percentage giving a positive answer; lines show {self.level} "
            f"confidence intervals ({interval})"
            + ("; diamonds mark the baseline figure" if has_baseline else "")
            + ". Withheld figures are not shown."
        )
        return self._chart(
            f"{wid}-shares",
            "shares",
            f"{name}: percentage giving a positive answer",
            alt,
            caption,
            {"items": items, "xlabel": "Percentage of respondents giving a positive answer"},
        )

    # -- answer distributions ------------------------------------------------------------

    def _likert(self, wid: str, name: str, questions: list[Any]):
        freq = self.s.published_frequencies()
        if not len(freq):
            return None
        singles = [q for q in questions if q.type == "single"]
        if not singles:
            return None
        overall = np.ones(len(freq), dtype=bool)
        for g in self.by:
            if group_column(g) in freq:
                column = freq[group_column(g)].tolist()
                overall &= np.array([v is None for v in column], dtype=bool)
        rows = []
        items = []
        for q in singles:
            sub = freq.take(overall & (freq["question"] == q.id))
            positive = set(q.positive)
            segments = []
            hidden = False
            for rec in sub.records():
                count = _int(rec.get("count"))
                share = _num(rec.get("share_of_base"))
                in_base = bool(rec.get("in_base"))
                flag = _text(rec.get("flag"))
                symbol = _symbol(flag) or "[c]"
                rows.append(
                    [
                        cell(q.text, "text"),
                        cell(str(rec["answer"]), "text"),
                        cell(count, "int", missing=symbol),
                        cell(share, "pct", missing=symbol if count is None else "[z]"),
                        cell(in_base, "yesno"),
                    ]
                )
                if in_base:
                    if count is None or share is None:
                        hidden = True
                    else:
                        segments.append(
                            {
                                "answer": str(rec["answer"]),
                                "pct": round_half_up(share * 100, 1),
                                "positive": rec["answer"] in positive,
                            }
                        )
            items.append(
                {"label": q.text, "segments": [] if hidden else segments, "withheld": hidden}
            )
        answers = []
        for q in singles:
            for seg in next(i for i in items if i["label"] == q.text)["segments"]:
                if seg["answer"] not in [a["answer"] for a in answers]:
                    answers.append({"answer": seg["answer"], "positive": seg["positive"]})
        parts = []
        for it in items:
            if it["withheld"]:
                parts.append(f"{it['label']}: withheld")
            else:
                segs = ", ".join(f"{s['answer']} {s['pct']:.1f}%" for s in it["segments"])
                parts.append(f"{it['label']}: {segs}")
        alt = (
            f"Diverging stacked bar chart of the full answer distribution for {len(items)} "
            f"questions in the {name} workstream; positive answers extend right of the zero "
            "line and other answers left. " + "; ".join(parts) + "."
        )
        caption = (
            "Percentages of the base (excluded answers such as Don't know are not shown; see "
            "the table). Positive answers are to the right of the zero line, the others to the "
            "left; each answer has its own shade and pattern."
        )
        chart = self._chart(
            f"{wid}-answers",
            "likert",
            f"{name}: full answer distribution",
            alt,
            caption,
            {"items": items, "answers": answers, "xlabel": "Percentage of the base"},
        )
        table = self._table(
            f"{wid}_answers",
            f"{name}: answers to each question (all respondents)",
            [
                _col("Question", "text"),
                _col("Answer", "text"),
                _col("Count", "int"),
                _col("Share of base (%)", "pct"),
                _col("In base", "yesno"),
            ],
            rows,
            notes=[self._base_note, self._disclosure_note],
        )
        return chart, table

    # -- breakdowns ----------------------------------------------------------------------

    def _group_label(self, group: str) -> str:
        return group.replace("_", " ").capitalize()

    def _breakdown(self, wid: str, name: str, questions: list[Any], group: str):
        label = self._group_label(group)
        rows = []
        sentences = []
        for q in questions:
            for option in self._items(q):
                recs = [
                    (key[2][0][1], rec)
                    for key, rec in self.records.items()
                    if key[0] == q.id
                    and key[1] == option
                    and len(key[2]) == 1
                    and key[2][0][0] == group
                ]
                estimates = []
                for value, rec in recs:
                    e = self._estimate(q, option, rec)
                    estimates.append((value, e))
                    vc = self._value_cell
                    rows.append(
                        [
                            cell(self._label(q, option), "text"),
                            cell(value, "text"),
                            vc(rec, "base", "int", needs_baseline=False, q=q),
                            vc(rec, "share", "pct", needs_baseline=False, q=q),
                            vc(rec, "ci_low", "pct", needs_baseline=False, q=q),
                            vc(rec, "ci_high", "pct", needs_baseline=False, q=q),
                            vc(rec, "diff", "pp", needs_baseline=True, q=q),
                            self._sig_cell(rec, q),
                            cell(_text(rec.get("flag")) or "", "text"),
                        ]
                    )
                sentence = group_sentence(label, estimates)
                if sentence:
                    what = self._label(q, option)
                    sentences.append(f"“{what}”: {sentence}")
        if not rows:
            return None
        adj = ADJUST_NAMES.get(self.m.adjust)
        results = [
            _col("Base (respondents)", "int"),
            _col("Share (%)", "pct"),
            _col(f"{self.level} CI lower (%)", "pct"),
            _col(f"{self.level} CI upper (%)", "pct"),
            _col("Difference from baseline (percentage points)", "pp"),
            _col(f"Significant after {adj} adjustment" if adj else "Significant", "yesno"),
            _col("Flag", "text"),
        ]
        taken = {c["label"].casefold() for c in results} | {"question"}
        # a group named like a result column (flag, question...) keeps its own column
        heading = f"{label} (group)" if label.casefold() in taken else label
        return self._table(
            f"{wid}_by_{group}",
            f"{name}: percentage giving a positive answer, by {label.lower()}",
            [
                _col("Question", "text"),
                _col(heading, "text"),
                *results,
            ],
            rows,
            notes=[self._base_note, self._adjust_note, self._disclosure_note],
            summary=sentences,
        )

    # -- change since the previous wave -------------------------------------------------

    def _change(self, wid: str, name: str, questions: list[Any]):
        rows = []
        sentences = []
        for q in questions:
            for option in self._items(q):
                now_rec = self._row(self.records, q.id, option) or {}
                prev_rec = self._row(self.prev_records, q.id, option) or {}
                now = self._estimate(q, option, now_rec)
                before = self._estimate(q, option, prev_rec)
                change, low, high = self.changes.get((q.id, option), (None, None, None))
                sentence = change_sentence(now, before, change, low, high)
                if sentence:
                    sentences.append(sentence)
                flag = " ".join(
                    f for f in (_text(now_rec.get("flag")), _text(prev_rec.get("flag"))) if f
                )
                hidden = _symbol(flag) if change is None else None
                missing = hidden if hidden and hidden != "[u]" else "[x]"
                rows.append(
                    [
                        cell(self._label(q, option), "text"),
                        self._value_cell(prev_rec, "share", "pct", needs_baseline=False, q=q),
                        self._value_cell(now_rec, "share", "pct", needs_baseline=False, q=q),
                        cell(change, "pp", missing=missing),
                        cell(low, "pp", missing=missing),
                        cell(high, "pp", missing=missing),
                        cell(flag, "text"),
                    ]
                )
        self._change_note = self.notes.ref(
            "change",
            "Change since the previous wave: the difference between the two waves' shares, in "
            f"percentage points, with a {self.level} Newcombe (hybrid score) interval for the "
            "difference of two independent proportions (Newcombe 1998, method 10). A change is "
            "called a rise or fall only when its interval excludes zero; changes are not "
            "adjusted for multiple comparisons. The two waves are treated as independent "
            "samples.",
        )
        table = self._table(
            f"{wid}_change",
            f"{name}: change since the previous wave",
            [
                _col("Question", "text"),
                _col("Previous wave share (%)", "pct"),
                _col("This wave share (%)", "pct"),
                _col("Change (percentage points)", "pp"),
                _col(f"{self.level} CI lower (percentage points)", "pp"),
                _col(f"{self.level} CI upper (percentage points)", "pp"),
                _col("Flag", "text"),
            ],
            rows,
            notes=[self._base_note, self._change_note, self._disclosure_note],
            summary=sentences,
        )
        return table, sentences

    # -- methods, symbols, manifest -----------------------------------------------------

    def _base_definition(self) -> str:
        notes = self.methods.get("notes") or []
        if notes:
            return str(notes[0])
        return (
            "Shares are the positive answers as a share of the base: respondents whose answer "
            "is on the question's scale, excluding answers listed as excluded and blanks."
        )

    def _adjust_text(self) -> str:
        adj = ADJUST_NAMES.get(self.m.adjust, self.m.adjust)
        family = MULTIPLICITY_IN_REPORT.get(self.m.family, self.m.family)
        return (
            f"p-values and significance are adjusted for multiple comparisons with the {adj} "
            f"method within {family}; significant means an adjusted p-value below "
            f"{round_half_up(1 - self.conf, 3):g}."
        )

    def _methods(self) -> list[dict[str, Any]]:
        notes = [str(n) for n in self.methods.get("notes", [])]
        if self.single_level:
            names = ", ".join(self.single_level)
            notes.append(
                f"Not broken down because every response has the same value: {names}. "
                "Such a breakdown would only repeat the overall figures."
            )
        sections = [
            {"heading": "How the figures were made", "paragraphs": notes, "list": False},
            {
                "heading": "Weighting",
                "paragraphs": [
                    f"Responses are weighted by the column '{self.methods.get('weight')}'."
                    if self.weighted
                    else "No weighting: every response counts equally."
                ],
                "list": False,
            },
            {
                "heading": "Disclosure control and reliability",
                "paragraphs": [str(r) for r in self.disclosure.get("rules", [])]
                or ["No disclosure control was applied."],
                "list": True,
            },
            {"heading": "Self-selected sample", "paragraphs": [CAVEAT], "list": False},
        ]
        if self.prev_records is not None:
            sections.append(
                {
                    "heading": "Change since the previous wave",
                    "paragraphs": [
                        n["text"] for n in self.notes.items if n["text"].startswith("Change since")
                    ],
                    "list": False,
                }
            )
        return sections

    def _symbols(self) -> list[dict[str, str]]:
        raw = self.disclosure.get("symbols") or {}
        items = (
            list(raw.items())
            if isinstance(raw, dict)
            else [
                (s.get("symbol"), s.get("meaning")) if isinstance(s, dict) else tuple(s)
                for s in raw
            ]
        )
        out = [{"symbol": str(k), "meaning": str(v)} for k, v in items]
        seen = {s["symbol"] for s in out}
        for k, v in OWN_SYMBOLS.items():
            if k not in seen:
                out.append({"symbol": k, "meaning": v})
        return out

    def _manifest(self) -> dict[str, Any]:
        from rapstats import __version__
        from rapstats.spec import spec_to_dict

        spec = spec_to_dict(self.spec)
        rows = [[cell("rapstats version", "text"), cell(__version__, "text")]]
        for inp in self.inputs:
            role = inp.get("role", "input")
            rows.append([cell(f"{role} file", "text"), cell(str(inp.get("name", "")), "text")])
            rows.append([cell(f"{role} sha256", "text"), cell(str(inp.get("sha256", "")), "text")])
        for key, value in sorted(self.options.items()):
            rows.append([cell(f"option {key}", "text"), cell(_plain(value), "text")])
        for key, value in _flatten(spec):
            rows.append([cell(f"spec {key}", "text"), cell(_plain(value), "text")])
        table = {
            "id": "manifest",
            "number": None,
            "sheet": "Audit",
            "title": "Audit manifest: software version, inputs, options and the spec as applied",
            "notes": "",
            "columns": [_col("Item", "text"), _col("Value", "text")],
            "rows": rows,
            "findings": [],
            "source": self._source_line(),
        }
        return {
            "rapstats_version": __version__,
            "inputs": list(self.inputs),
            "options": dict(self.options),
            "spec": spec,
            "table": table,
        }


def _plain(value: Any) -> str:
    """A manifest value as text; symbol-only text is quoted, empty text is "(none)"."""
    text = _plain_text(value)
    if not text:
        return "(none)"
    return text if any(ch.isascii() and ch.isalnum() for ch in text) else f'"{text}" (symbols)'


def _plain_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(_plain_text(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out += _flatten(value, path)
        else:
            out.append((path, value))
    return out
