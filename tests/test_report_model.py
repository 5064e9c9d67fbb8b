"""The report model from a hand-made protected Summary: withheld rows stay withheld."""

from __future__ import annotations

import dataclasses

import pandas as pd

from rapstats.estimate.summary import Summary
from rapstats.render.report.model import build_model
from rapstats.spec import parse_spec
from rapstats.table import Table

SPEC = parse_spec(
    {
        "report": {"title": "Test report", "date": "2026-01-31"},
        "scales": {"yn": {"options": ["Yes", "No"], "positive": ["Yes"]}},
        "groups": {"area": {"column": "Area"}},
        "questions": {
            "q1": {
                "column": "Q1",
                "text": "Likes the service",
                "scale": "yn",
                "workstream": "Service",
                "baseline": {"p": 0.5, "source": "National survey"},
            },
            "q2": {
                "column": "Q2",
                "text": "Hidden question",
                "scale": "yn",
                "workstream": "Service",
            },
        },
    }
)


def row(question, area, base, positive, share, low, high, *, p=None, sig=None, symbol=None):
    has_baseline = question == "q1"
    return {
        "question": question,
        "option": None,
        "text": SPEC.question(question).text,
        "workstream": "Service",
        "group:area": area,
        "base": base,
        "positive": positive,
        "share": share,
        "ci_low": low,
        "ci_high": high,
        "baseline": 0.5 if has_baseline else None,
        "baseline_source": "National survey" if has_baseline else None,
        "diff": None if share is None or not has_baseline else share - 0.5,
        "diff_low": None,
        "diff_high": None,
        "test": "score_z" if has_baseline and share is not None else None,
        "p_value": p,
        "p_adjusted": p,
        "significant": sig,
        "effective_n": base,
        "symbol": symbol,
        "reason": "base below 10" if symbol else None,
    }


def summary():
    rows = pd.DataFrame(
        [
            row("q1", None, 200, 150, 0.75, 0.69, 0.80, p=1e-6, sig=True),
            row("q1", "North", 190, 145, 145 / 190, 0.70, 0.82, p=1e-6, sig=True),
            row("q1", "Tiny", None, None, None, None, None, symbol="[c]"),
            row("q2", None, None, None, None, None, None, symbol="[c]"),
        ]
    )
    freq = pd.DataFrame(
        {
            "question": ["q1", "q1", "q2", "q2"],
            "group:area": [None] * 4,
            "answer": ["Yes", "No", "Yes", "No"],
            "kind": ["answer"] * 4,
            "count": [150, 50, None, None],
            "share_of_base": [0.75, 0.25, None, None],
            "in_base": [True, True, True, True],
            "symbol": [None, None, "[c]", "[c]"],
            "reason": [None, None, "base below 10", "base below 10"],
        }
    )
    return Summary(
        table=Table.from_pandas(rows),
        frequency_table=Table.from_pandas(freq),
        by=("area",),
        spec=SPEC,
        source={"path": "x.csv", "sha256": "ab" * 32, "rows_read": 203, "platform": "plain"},
        methods={"notes": ["Base note.", "Wilson score interval."], "weighted": False},
        disclosure={
            "rules": ["Small bases are withheld [c]."],
            "symbols": {"[c]": "confidential", "[u]": "low reliability"},
        },
    )


def test_model_from_a_protected_summary():
    m = build_model(summary(), inputs=[{"role": "export", "name": "x.csv", "sha256": "ab" * 32}])
    assert m["title"] == "Test report" and m["date"] == "2026-01-31"
    assert m["key_findings"][0].startswith("75% of respondents (150 of 200; 95% confidence")
    assert "well above the national figure of 50%" in m["key_findings"][0]
    assert not any("Hidden question" in f for f in m["key_findings"])
    main = m["tables"][0]
    assert [c["t"] for c in main["rows"][1]][:5] == ["Hidden question", "[c]", "[c]", "[c]", "[c]"]
    assert main["rows"][1][5]["t"] == "[z]"  # no baseline: not applicable
    assert main["rows"][0][8]["t"] == "Yes"
    by_area = next(t for t in m["tables"] if t["id"].endswith("_by_area"))
    assert [r[1]["t"] for r in by_area["rows"]] == ["North", "Tiny"]
    assert by_area["rows"][1][3]["t"] == "[c]"
    assert all("Tiny" not in s for s in by_area["findings"])
    chart = next(c for c in m["charts"] if c["kind"] == "likert")
    assert [i["withheld"] for i in chart["data"]["items"]] == [False, True]
    assert "Hidden question: withheld" in chart["alt"]
    assert {"symbol": "[c]", "meaning": "confidential"} in m["symbols"]


def waves(low, high, text="Likes the service, similar to last year", significant=True):
    """This wave and the previous one (q1's text given), and their protected change rows
    (the schema of rapstats.pipeline.compare_files); q2's change is withheld."""
    spec = dataclasses.replace(
        SPEC,
        questions=tuple(
            dataclasses.replace(q, text=text) if q.id == "q1" else q for q in SPEC.questions
        ),
    )
    now = dataclasses.replace(summary(), spec=spec)
    n = 2
    changes = Table(
        {
            "kind": ["change"] * n,
            "comparison": ["previous"] * n,
            "question": ["q1", "q2"],
            "option": [None, None],
            "text": ["", ""],
            "wave_from": ["2025 Q4"] * n,
            "wave_to": ["2026 Q1"] * n,
            "level": [None] * n,
            "against": [None] * n,
            "share_from": [0.75 - (low + high) / 2, None],
            "share_to": [0.75, None],
            "base_from": [200, None],
            "base_to": [200, None],
            "change": [(low + high) / 2, None],
            "change_low": [low, None],
            "change_high": [high, None],
            "method": ["newcombe", "newcombe"],
            "test": ["chisq_nocc", None],
            "statistic": [5.0, None],
            "p_value": [0.01, None],
            "p_adjusted": [0.02 if significant else 0.2, None],
            "significant": [significant, None],
            "symbol": [None, "[c]"],
        },
        length=n,
    )
    return now, dataclasses.replace(now), changes


def test_key_findings_are_chosen_by_significance_not_wording():
    # The question's own text says "similar to": a significant change is still a key finding.
    now, before, changes = waves(0.05, 0.15)
    m = build_model(now, waves=("2025 Q4", "2026 Q1"), earlier=(before,), changes=changes)
    assert len(m["key_findings"]) == 2
    assert m["key_findings"][0].startswith("75% of respondents")
    assert m["key_findings"][1].startswith(
        "For “Likes the service, similar to last year”, the percentage rose from 65% in "
        "2025 Q4 to 75% in 2026 Q1: up 10 percentage points on the previous quarter (95% "
        "confidence interval +5 to +15; chi-square test, Holm-adjusted p = 0.02)."
    )
    change = next(t for t in m["tables"] if t["id"].endswith("_change"))
    assert [c["t"] for c in change["rows"][0][4:9]] == ["+10.0", "+5.0", "+15.0", "0.020", "Yes"]
    assert [c["t"] for c in change["rows"][1][4:9]] == ["[c]"] * 5
    assert change["columns"][7]["label"] == "p-value (Holm-adjusted)"
    assert m["methods"][-1]["heading"] == "Change between waves"
    assert m["methods"][-1]["paragraphs"][0].startswith("Change: the later export's share")
    # A change the adjusted test does not support is described in its workstream only.
    now, before, changes = waves(-0.05, 0.15, text="Likes the service", significant=False)
    m = build_model(now, waves=("2025 Q4", "2026 Q1"), earlier=(before,), changes=changes)
    assert len(m["key_findings"]) == 1
    assert any(
        f.startswith("For “Likes the service”, there was no clear change since 2025 Q4 (70% then")
        for f in m["workstreams"][0]["findings"]
    )
    assert not any("Hidden question" in f for f in m["workstreams"][0]["findings"])


def test_symbols_are_the_disclosure_legend_then_the_reports_own():
    m = build_model(summary())
    assert m["symbols"] == [
        {"symbol": "[c]", "meaning": "confidential"},
        {"symbol": "[u]", "meaning": "low reliability"},
        {"symbol": "[z]", "meaning": "not applicable (for example, no baseline for this question)"},
        {"symbol": "[x]", "meaning": "not available"},
    ]
