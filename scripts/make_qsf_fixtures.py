#!/usr/bin/env python3
"""Write a Qualtrics numeric export, its survey file and its label export to tests/data/qsf/.

One survey, answered by the same simulated respondents, exported twice as Qualtrics exports it
(three header rows; see /work/shared/formats/EXPORTS.md): ``numeric.csv`` ("Export values":
recode values, ``1`` in a ticked multi-select column, Status/Finished as numbers) and
``labels.csv`` ("Export labels": the choices' text). ``survey.qsf`` is the survey definition
(JSON, ``SurveyElements``) with the questions' choices and recode values: a single choice with
recode values that skip and go negative, a Likert matrix whose statement ids skip a deleted
one, a split multi-select, a multi-select exported as one column (codes joined by ``,``), a
dropdown without recode values, a free-text question and a descriptive text.
``survey.toml`` is a spec naming the codebook (``[survey] codebook``). ``expected.json`` holds
the true counts per column x label from the generator's own records.

Usage: python3 scripts/make_qsf_fixtures.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
from collections import Counter
from pathlib import Path

N = 48
START = dt.datetime(2025, 3, 3, 9, 0, 0)
SATISFIED = {  # choice id -> (label, recode value)
    "1": ("Very satisfied", "5"),
    "2": ("Fairly satisfied", "4"),
    "3": ("Neither satisfied nor dissatisfied", "3"),
    "4": ("Fairly dissatisfied", "2"),
    "5": ("Very dissatisfied", "1"),
    "7": ("Don't know", "-1"),
}
AGREE = {  # answer id -> (label, recode value)
    "1": ("Strongly agree", "1"),
    "2": ("Agree", "2"),
    "3": ("Neither agree nor disagree", "3"),
    "4": ("Disagree", "4"),
    "5": ("Strongly disagree", "5"),
    "6": ("Don't know", "9"),
}
STATEMENTS = {"1": "Staff treated me with respect", "2": "I was kept informed", "4": "It was fair"}
CHANNELS = {"1": "Phone", "2": "Online", "3": "In person", "4": "Letter"}
TOPICS = {"1": "Housing", "2": "Transport", "3": "Parks, libraries and leisure"}
AGES = {"1": "16-34", "2": "35-54", "3": "55 and over"}  # no recode values: the id is exported
AREAS = ["North", "South", "East"]
COMMENTS = ["Quick and helpful", "Phone queue too long", "Café at the hub was closed"]


def element(qid: str, payload: dict) -> dict:
    return {
        "SurveyID": "SV_0Ud3mPl3qSf",
        "Element": "SQ",
        "PrimaryAttribute": qid,
        "SecondaryAttribute": payload["QuestionText"][:50],
        "TertiaryAttribute": None,
        "Payload": {"QuestionID": qid, "Language": [], **payload},
    }


def choices(table: dict) -> dict:
    return {k: {"Display": v[0] if isinstance(v, tuple) else v} for k, v in table.items()}


def qsf() -> dict:
    q1 = {
        "QuestionText": "<p>Overall, how <b>satisfied</b> are you with the service?</p>",
        "DataExportTag": "Q1",
        "QuestionType": "MC",
        "Selector": "SAVR",
        "Choices": choices(SATISFIED),
        "ChoiceOrder": list(SATISFIED),
        "RecodeValues": {k: v[1] for k, v in SATISFIED.items()},
    }
    q2 = {
        "QuestionText": "How far do you agree or disagree?",
        "DataExportTag": "Q2",
        "QuestionType": "Matrix",
        "Selector": "Likert",
        "SubSelector": "SingleAnswer",
        "Choices": choices(STATEMENTS),
        "ChoiceOrder": [int(k) for k in STATEMENTS],
        "Answers": choices(AGREE),
        "AnswerOrder": [int(k) for k in AGREE],
        "RecodeValues": {k: v[1] for k, v in AGREE.items()},
        "ChoiceDataExportTags": False,
    }
    q3 = {
        "QuestionText": "How did you contact us? Tick all that apply.",
        "DataExportTag": "Q3",
        "QuestionType": "MC",
        "Selector": "MAVR",
        "Choices": choices(CHANNELS),
        "ChoiceOrder": list(CHANNELS),
    }
    q4 = {
        "QuestionText": "Which topics matter to you?",
        "DataExportTag": "Q4",
        "QuestionType": "MC",
        "Selector": "MACOL",
        "Choices": choices(TOPICS),
        "ChoiceOrder": list(TOPICS),
    }
    q5 = {
        "QuestionText": "Your age",
        "DataExportTag": "Q5",
        "QuestionType": "MC",
        "Selector": "DL",
        "Choices": choices(AGES),
        "ChoiceOrder": list(AGES),
    }
    q6 = {
        "QuestionText": "Any other comments?",
        "DataExportTag": "Q6",
        "QuestionType": "TE",
        "Selector": "ML",
    }
    q7 = {
        "QuestionText": "Thank you for taking part.",
        "DataExportTag": "Q7",
        "QuestionType": "DB",
        "Selector": "TB",
        "Choices": [],
    }
    questions = [("QID1", q1), ("QID2", q2), ("QID3", q3), ("QID4", q4), ("QID5", q5)]
    questions += [("QID6", q6), ("QID7", q7)]
    return {
        "SurveyEntry": {
            "SurveyID": "SV_0Ud3mPl3qSf",
            "SurveyName": "Service feedback 2025",
            "SurveyLanguage": "EN",
            "SurveyStatus": "Active",
        },
        "SurveyElements": [
            {
                "SurveyID": "SV_0Ud3mPl3qSf",
                "Element": "BL",
                "PrimaryAttribute": "Survey Blocks",
                "Payload": [{"Type": "Default", "Description": "Default Question Block"}],
            },
            *(element(qid, p) for qid, p in questions),
        ],
    }


SPEC = """# The survey of numeric.csv / labels.csv; the codebook labels numeric.csv's codes.
[survey]
title = "Service feedback 2025"
codebook = "survey.qsf"

[questions.Q1]
column = "Q1"
text = "Overall, how satisfied are you with the service?"
options = ["Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied",
  "Fairly dissatisfied", "Very dissatisfied", "Don't know"]
positive = ["Very satisfied", "Fairly satisfied"]

[questions.Q2_1]
column = "Q2_1"
text = "Staff treated me with respect"
options = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree",
  "Strongly disagree", "Don't know"]
positive = ["Strongly agree", "Agree"]

[questions.Q3]
columns = ["Q3_1", "Q3_2", "Q3_3", "Q3_4"]
text = "How did you contact us?"
type = "multi"
options = ["Phone", "Online", "In person", "Letter"]

[questions.Q4]
column = "Q4"
text = "Which topics matter to you?"
type = "multi"
separator = ","
options = ["Housing", "Transport", "Parks, libraries and leisure"]

[groups.age]
column = "Q5"

[groups.area]
column = "area"
"""


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(15)
    meta = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished"]
    meta += ["RecordedDate", "ResponseId", "RecipientEmail", "DistributionChannel"]
    tags = ["Q1", *(f"Q2_{k}" for k in STATEMENTS), *(f"Q3_{k}" for k in CHANNELS)]
    tags += ["Q4", "Q5", "Q6", "area"]
    texts = ["Overall, how satisfied are you with the service?"]
    texts += [f"How far do you agree or disagree? - {s}" for s in STATEMENTS.values()]
    texts += [f"How did you contact us? Tick all that apply. - {c}" for c in CHANNELS.values()]
    texts += ["Which topics matter to you? - Selected Choice", "Your age"]
    texts += ["Any other comments?", "area"]
    ids = ["QID1", *["QID2"] * len(STATEMENTS), *["QID3"] * len(CHANNELS)]
    ids += ["QID4", "QID5", "QID6_TEXT", "area"]
    header = [*meta, *tags]
    row2 = [*meta, *texts]
    row3 = [json.dumps({"ImportId": m.lower()}) for m in meta]
    row3 += [json.dumps({"ImportId": i}) for i in ids]
    numeric, labels = [], []
    for i in range(N):
        t0 = START + dt.timedelta(hours=7 * i)
        stamp = t0.strftime("%Y-%m-%d %H:%M:%S")
        end = (t0 + dt.timedelta(minutes=6)).strftime("%Y-%m-%d %H:%M:%S")
        m = [stamp, end, None, "100", "360", None, end, f"R_{i:04d}qsf", f"p{i}@example.org"]
        m += ["anonymous"]
        q1 = rng.choice([*SATISFIED, "1", "2", None])
        q2 = [rng.choice([*AGREE, "1", "2", None]) for _ in STATEMENTS]
        q3 = [rng.random() < 0.4 for _ in CHANNELS]
        q4 = [k for k in TOPICS if rng.random() < 0.45]
        q5 = rng.choice([*AGES, None])
        q6 = rng.choice(COMMENTS) if rng.random() < 0.3 else None
        area = rng.choice(AREAS)
        numeric.append(
            [*m[:2], "0", *m[3:5], "1", *m[6:]]
            + [SATISFIED[q1][1] if q1 else None]
            + [AGREE[a][1] if a else None for a in q2]
            + ["1" if tick else None for tick in q3]
            + [",".join(q4) or None, q5, q6, area]
        )
        labels.append(
            [*m[:2], "IP Address", *m[3:5], "True", *m[6:]]
            + [SATISFIED[q1][0] if q1 else None]
            + [AGREE[a][0] if a else None for a in q2]
            + [c if tick else None for c, tick in zip(CHANNELS.values(), q3, strict=True)]
            + [",".join(TOPICS[k] for k in q4) or None, AGES[q5] if q5 else None, q6, area]
        )
    for name, rows, bom in (("numeric.csv", numeric, True), ("labels.csv", labels, False)):
        with (out / name).open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            csv.writer(f, lineterminator="\r\n").writerows([header, row2, row3, *rows])
    (out / "survey.toml").write_text(SPEC, encoding="utf-8")
    (out / "survey.qsf").write_text(json.dumps(qsf(), indent=1) + "\n", encoding="utf-8")
    expected = {
        tag: dict(sorted(Counter(r[len(meta) + j] for r in labels if r[len(meta) + j]).items()))
        for j, tag in enumerate(tags)
        if tag not in ("Q6",)
    }
    expected["Q4"] = dict(
        sorted(Counter(t for r in labels for t in TOPICS.values() if r[-4] and t in r[-4]).items())
    )
    (out / "expected.json").write_text(
        json.dumps({"rows": N, "counts": expected}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/qsf"))
