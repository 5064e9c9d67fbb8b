"""The report model as the PDF lays it out (``document_model(compact=True)``), on a small
hand-made model: what a breakdown's rows show is not said again, and short headings are
spelt out in a note."""

from __future__ import annotations

from rapstats.render.report.layout import UNTESTED, UNTESTED_ANYWHERE, document_model


def cell(t: str) -> dict:
    return {"v": t, "t": t}


def breakdown(tid: str, *, compact: list[str] | None, findings: list[str]) -> dict:
    """A breakdown of one question by age: 16-24 published, 65+ withheld throughout."""
    columns = [
        {"label": "Question", "kind": "text"},
        {"label": "Age", "kind": "text"},
        {"label": "Share (%)", "kind": "pct"},
        {"label": "Difference from baseline (percentage points)", "kind": "pp"},
        {
            "label": "Difference from the rest (percentage points)",
            "kind": "pp",
            "short": "Diff. from rest (pp)",
        },
        {"label": "Flag", "kind": "text"},
    ]
    rows = [
        [cell("Q1"), cell("16-24"), cell("30.0"), cell("[z]"), cell("+2.0"), cell("")],
        [cell("Q1"), cell("65+"), cell("[c]"), cell("[z]"), cell("[c]"), cell("[c]")],
        [cell("Q1"), cell("Prefer not to say"), *[cell("[c]")] * 4],
        [cell("Q2"), cell("16-24"), cell("[c]"), cell("[z]"), cell("+1.0"), cell("[c]")],
        [cell("Q2"), cell("65+"), cell("41.0"), cell("[z]"), cell("-1.0"), cell("")],
    ]
    table = {
        "id": tid,
        "title": f"Table: {tid}",
        "notes": "[note 1]",
        "columns": columns,
        "rows": rows,
        "findings": findings,
        "row_findings": [],
        "source": "Source: x.csv",
    }
    if compact is not None:
        table["compact_findings"] = compact
    return table


def model(*tables: dict) -> dict:
    return {
        "key_findings": [],
        "tables": list(tables),
        "charts": [],
        "workstreams": [
            {
                "id": "ws1",
                "name": "One",
                "findings": [],
                "sections": [{"kind": "table", "table": t["id"]} for t in tables],
            }
        ],
        "methods": [],
        "notes": [{"number": 1, "text": "Shares are of the base."}],
    }


LONG = "“Q1”: By age, the percentage ranged from 30% (16-24) to 41% (65+); no clear difference."


def test_the_pdf_says_the_compact_findings_and_names_rows_withheld_throughout():
    m = model(breakdown("t1", compact=["“Q1”: No clear difference (p = 0.50)."], findings=[LONG]))
    (t,) = document_model(m, compact=True)["tables"]
    q1, q2 = t["groups"]
    assert (
        q1["finding"] == "No clear difference (p = 0.50). Withheld [c]: 65+ and Prefer not to say."
    )
    assert [r[0]["t"] for r in q1["rows"]] == ["16-24"]
    assert q2["finding"] is None and len(q2["rows"]) == 2  # a row with a published number stays
    assert t["findings"] == []
    # Markdown and HTML keep the whole sentence and every row
    (full,) = document_model(m)["tables"]
    assert full["findings"] == [LONG] and len(full["groups"][0]["rows"]) == 3


def test_empty_compact_findings_say_nothing_and_none_keeps_the_findings():
    quiet = document_model(model(breakdown("t1", compact=[], findings=[LONG])), compact=True)
    assert quiet["tables"][0]["groups"][0]["finding"] == "Withheld [c]: 65+ and Prefer not to say."
    plain = document_model(model(breakdown("t1", compact=None, findings=[LONG])), compact=True)
    assert plain["tables"][0]["groups"][0]["finding"].startswith("By age, the percentage ranged")


def test_short_headings_are_shown_and_spelt_out_in_a_note_the_tables_cite():
    m = model(breakdown("t1", compact=[], findings=[]), breakdown("t2", compact=[], findings=[]))
    doc = document_model(m, compact=True)
    for t in doc["tables"]:
        assert [c["label"] for c in t["columns"]][-2:] == ["Diff. from rest (pp)", "Flag"]
        assert t["notes"] == "[note 1] [note 2]"
    assert doc["notes"][-1] == {
        "number": 2,
        "text": "Column headings shortened in this PDF: “Diff. from rest (pp)”: Difference from "
        "the rest (percentage points).",
    }
    full = document_model(m)
    assert full["notes"] == m["notes"]
    assert full["tables"][0]["columns"][-2]["label"].startswith("Difference from the rest")


def test_untested_groups_are_said_once_in_the_pdf():
    untested = "“Q1”: By age, the percentage ranged from 30% to 41%; differences between groups"
    m = model(
        breakdown("t1", compact=None, findings=[untested + " were not tested."]),
        breakdown("t2", compact=None, findings=[untested + " were not tested."]),
    )
    first, second = document_model(m, compact=True)["tables"]
    assert first["findings"] == [UNTESTED_ANYWHERE] and UNTESTED not in second["findings"]
    assert second["findings"] == []
