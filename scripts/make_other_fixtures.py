#!/usr/bin/env python3
"""Write the fixtures of typed "Other" answers and of completed responses to tests/data/other/.

One multi-select question with an "Other (please specify)" choice, as each platform exports it
(see /work/shared/formats/EXPORTS.md): Google Forms joins the typed text into the checkbox cell
after ``", "`` (the text may hold commas); Microsoft Forms puts it inline among the
``;``-joined choices (trailing ``;``); SurveyMonkey gives the choice a column holding the text;
Qualtrics ticks ``Selected Choice - Other`` and keeps the text in ``Q5_4_TEXT``; a hand-made
sheet writes ``Other: ...``. A Qualtrics export with unfinished responses (``Finished``
False/0) and previews tests the completion filter. Each file has a spec beside it.

``expected.json`` holds the true counts from the generator's own records (what each simulated
respondent chose and typed), never from rapstats: per file, the rows, the respondents who
answered, each option's count (``Other`` = respondents who typed an answer), the typed texts in
row order, and for the completion fixtures the counts among all and completed responses.

Deterministic: same bytes on every run. Usage: python3 scripts/make_other_fixtures.py [OUT_DIR]
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import write_csv, write_xlsx  # noqa: E402

QUESTION = "How did you travel here today?"
CHOICES = ["Bus", "Train", "Car, van or taxi"]  # one label holds the Google Forms separator
# What respondents typed as "Other": commas, a semicolon, the word "other", personal data
# (redacted when quoted). None starts with a choice's label, and each is typed once.
TYPED = [
    "Walked",
    "Cycled, then walked the last mile",
    "Mobility scooter",
    "My daughter drove me; she waited outside",
    "Ferry",
    "Community transport (Dial-a-Ride)",
    "Tram",
    "Motorbike",
    "Lift from a neighbour, thanks to the other residents",
    "Email me at jo.bloggs@example.org about parking",
    "Call me on 07700 900123",
    "Wheelchair, pushed by my carer",
    "Ran here, it is close",
    "Park and ride",
    "Coach from the village",
    "Electric scooter",
    "Hospital transport",
    "Horse, honestly",
    "Canal boat",
    "Skateboard",
    "Taxi-bus, paid by the school",
    "Shuttle from the station",
    "On foot with a pram",
    "Pony and trap",
]
N = 60
AREAS = ["North", "South"]


def respondents(seed: int, n: int = N) -> list[dict]:
    """What each respondent chose and typed (the records the counts come from)."""
    rng = random.Random(seed)
    typed = iter(rng.sample(TYPED, len(TYPED)))
    people = []
    for i in range(n):
        chosen = [c for c in CHOICES if rng.random() < 0.45]
        text = next(typed, None) if rng.random() < 0.3 else None
        people.append({"chosen": chosen, "typed": text, "area": AREAS[i % 2]})
    return people


def expected(people: list[dict], **extra) -> dict:
    """The true counts of a fixture, from the records."""
    counts = Counter(c for p in people for c in p["chosen"])
    other = sum(1 for p in people if p["typed"])
    return {
        "rows": len(people),
        "answered": sum(1 for p in people if p["chosen"] or p["typed"]),
        "options": {**{c: counts[c] for c in CHOICES}, "Other": other},
        "typed": [p["typed"] for p in people if p["typed"]],
        **extra,
    }


def spec(column_lines: str, other: str, extra: str = "") -> str:
    """A spec naming the question's column(s) and its options, "Other" as ``other``."""
    options = ", ".join(json.dumps(o) for o in [*CHOICES, other])
    return (
        f'{extra}[groups.area]\ncolumn = "Area"\n\n[questions.travel]\n{column_lines}'
        f'text = "{QUESTION}"\ntype = "multi"\noptions = [{options}]\nexclude = []\n'
    )


def googleforms(out: Path, rec: dict) -> None:
    people = respondents(11)
    rows = [["Timestamp", QUESTION, "Area"]]
    for i, p in enumerate(people):
        cell = ", ".join(p["chosen"] + ([p["typed"]] if p["typed"] else []))
        rows.append([f"3/{i % 28 + 1}/2026 10:{i % 60:02d}:00", cell or None, p["area"]])
    write_csv(out / "googleforms_other.csv", rows, quote_all=True)
    sep = 'column = "How did you travel here today?"\nseparator = ", "\n'
    (out / "googleforms_other.toml").write_text(spec(sep, "Other"), encoding="utf-8")
    rec["googleforms_other.csv"] = expected(people, platform="googleforms", other="Other")


def msforms(out: Path, rec: dict) -> None:
    people = respondents(12)
    header = ["ID", "Start time", "Completion time", "Email", "Name", QUESTION, "Area"]
    rows = [header]
    for i, p in enumerate(people):
        parts = p["chosen"] + ([p["typed"]] if p["typed"] else [])
        cell = "".join(x + ";" for x in parts) or None
        t = f"2026-03-{i % 28 + 1:02d} 10:00:00"
        rows.append([i + 1, t, t, "anonymous", None, cell, p["area"]])
    write_xlsx(out / "msforms_other.xlsx", rows, sheet="Form1")
    col = 'column = "How did you travel here today?"\n'
    (out / "msforms_other.toml").write_text(spec(col, "Something else"), encoding="utf-8")
    rec["msforms_other.xlsx"] = expected(people, platform="msforms", other="Something else")


def surveymonkey(out: Path, rec: dict) -> None:
    people = respondents(13)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    meta += ["Email Address", "First Name", "Last Name", "Custom Data 1"]
    row1 = [*meta, QUESTION, "", "", "", "Area"]
    row2 = [""] * 9 + [*CHOICES, "Other (please specify)", "Response"]
    rows = [row1, row2]
    for i, p in enumerate(people):
        ticks = [c if c in p["chosen"] else None for c in CHOICES]
        rows.append(
            [str(11500000000 + i), "4056", "03/02/2026 10:00:00 AM", "03/02/2026 10:05:00 AM"]
            + [f"192.168.1.{i}", "", "", "", ""]
            + [*ticks, p["typed"], p["area"]]
        )
    write_csv(out / "surveymonkey_other.csv", rows, newline="\r\n")
    cols = [f"{QUESTION} - {c}" for c in [*CHOICES, "Other (please specify)"]]
    columns = "columns = [" + ", ".join(json.dumps(c) for c in cols) + "]\n"
    (out / "surveymonkey_other.toml").write_text(
        spec(columns, "Other (please specify)"), encoding="utf-8"
    )
    rec["surveymonkey_other.csv"] = expected(
        people, platform="surveymonkey", other="Other (please specify)"
    )


QUALTRICS_META = ["StartDate", "EndDate", "Status", "IPAddress", "Progress"]
QUALTRICS_META += ["Duration (in seconds)", "Finished", "RecordedDate", "ResponseId"]


def _qualtrics_head(questions: dict[str, str]) -> list[list[str]]:
    """The three header rows: tags, question texts, import ids."""
    tags = [*QUALTRICS_META, *questions]
    texts = [*QUALTRICS_META, *questions.values()]
    ids = [json.dumps({"ImportId": m.lower()}) for m in QUALTRICS_META]
    ids += [
        json.dumps({"ImportId": "QID" + q.split("_")[0][1:] if q.startswith("Q") else q})
        for q in questions
    ]  # embedded data (Area, Team) keep their name
    return [tags, texts, ids]


def _qualtrics_meta(i: int, status: str, finished: bool, values: bool) -> list[str]:
    t = f"2026-03-{i % 28 + 1:02d} 09:{i % 60:02d}:00"
    status_code = {"IP Address": "0", "Survey Preview": "1"}[status]
    done = ("1" if finished else "0") if values else ("True" if finished else "False")
    return [
        t,
        t,
        status_code if values else status,
        f"10.1.{i}.1",
        "100" if finished else "45",
        "300",
        done,
        t,
        f"R_{i:04d}xyz",
    ]


def qualtrics_other(out: Path, rec: dict) -> None:
    people = respondents(14)
    questions = {
        f"Q5_{k + 1}": f"{QUESTION} - Selected Choice - {c}" for k, c in enumerate(CHOICES)
    }
    questions["Q5_4"] = f"{QUESTION} - Selected Choice - Other"
    questions["Q5_4_TEXT"] = f"{QUESTION} - Other - Text"
    questions["Area"] = "Area"
    rows = _qualtrics_head(questions)
    for i, p in enumerate(people):
        ticks = [c if c in p["chosen"] else None for c in CHOICES]
        other = "Other" if p["typed"] else None
        meta = _qualtrics_meta(i, "IP Address", True, values=False)
        rows.append([*meta, *ticks, other, p["typed"], p["area"]])
    write_csv(out / "qualtrics_other.csv", rows)
    columns = "columns = [" + ", ".join(f'"Q5_{k}"' for k in range(1, 5)) + "]\n"
    text = '\n[questions.travel_other]\ncolumn = "Q5_4_TEXT"\ntext = "Other"\ntype = "text"\n'
    (out / "qualtrics_other.toml").write_text(spec(columns, "Other") + text, encoding="utf-8")
    rec["qualtrics_other.csv"] = expected(people, platform="qualtrics", other="Other")


def handmade(out: Path, rec: dict) -> None:
    people = respondents(15)
    rows = [["Ref", "Travelled by", "Area"]]
    for i, p in enumerate(people):
        parts = p["chosen"] + ([f"Other: {p['typed']}"] if p["typed"] else [])
        rows.append([f"HM{i + 1:03d}", "; ".join(parts) or None, p["area"]])
    write_csv(out / "handmade_other.csv", rows)
    col = 'column = "Travelled by"\nseparator = ";"\n'
    (out / "handmade_other.toml").write_text(spec(col, "Other"), encoding="utf-8")
    rec["handmade_other.csv"] = expected(people, platform="plain", other="Other")


PROUD = ["Yes", "No"]


def qualtrics_finished(out: Path, rec: dict) -> None:
    """A staff survey: completed responses, unfinished ones and previews, as text and values."""
    rng = random.Random(16)
    questions = {"Q1": "I am proud to work here", "Team": "Team"}
    people = []
    plan = ["done"] * 200 + ["partial"] * 12 + ["preview"] * 3
    rng.shuffle(plan)
    for i, kind in enumerate(plan):
        if kind == "partial" and rng.random() < 0.4:
            answer = None  # left before the question
        else:
            answer = "Yes" if rng.random() < (0.88 if kind == "done" else 0.6) else "No"
        people.append({"kind": kind, "answer": answer, "team": ["Ops", "Policy"][i % 2]})
    for name, values in (
        ("qualtrics_finished.csv", False),
        ("qualtrics_finished_values.csv", True),
    ):
        rows = _qualtrics_head(questions)
        for i, p in enumerate(people):
            status = "Survey Preview" if p["kind"] == "preview" else "IP Address"
            meta = _qualtrics_meta(i, status, p["kind"] != "partial", values)
            answer = p["answer"]
            if values and answer is not None:
                answer = str(PROUD.index(answer) + 1)
            rows.append([*meta, answer, p["team"]])
        write_csv(out / name, rows)
        responses = [p for p in people if p["kind"] != "preview"]
        completed = [p for p in responses if p["kind"] == "done"]
        rec[name] = {
            "platform": "qualtrics",
            "rows_read": len(responses),
            "completed": len(completed),
            "left_out": len(responses) - len(completed),
            "previews": len(people) - len(responses),
            "counts_all": dict(Counter(p["answer"] for p in responses if p["answer"])),
            "counts_completed": dict(Counter(p["answer"] for p in completed if p["answer"])),
        }
    body = (
        '[groups.team]\ncolumn = "Team"\n\n[questions.proud]\ncolumn = "Q1"\n'
        'text = "I am proud to work here"\noptions = ["Yes", "No"]\npositive = ["Yes"]\n'
        'exclude = []\nvalues = { "1" = "Yes", "2" = "No" }\n'
    )
    (out / "qualtrics_finished.toml").write_text(body, encoding="utf-8")
    include = '[survey]\ninclude = { Finished = ["True", "1"] }\n\n'
    (out / "qualtrics_finished_include.toml").write_text(include + body, encoding="utf-8")


def readme(rec: dict) -> str:
    """The folder's README: what each file is and its true counts (from the records)."""
    lines = [
        '# Typed "Other" answers and completed responses',
        "",
        "Written by `python3 scripts/make_other_fixtures.py` (deterministic); the counts below",
        "and in `expected.json` are the generator's records, not rapstats' output. Each export",
        "has a spec beside it (`NAME.toml`). Used by tests/test_other_answers.py and",
        "tests/test_completed.py.",
        "",
        f'Multi-select "{QUESTION}" ({", ".join(CHOICES)}, Other):',
        "",
        "| file | platform | rows | answered | " + " | ".join(CHOICES) + " | Other (typed) |",
        "| --- | --- | --- | --- | " + " | ".join("---" for _ in CHOICES) + " | --- |",
    ]
    for name, r in rec.items():
        if "options" in r:
            counts = " | ".join(str(r["options"][c]) for c in [*CHOICES, "Other"])
            lines.append(f"| {name} | {r['platform']} | {r['rows']} | {r['answered']} | {counts} |")
    lines += [
        "",
        'Completion (Qualtrics staff survey, "I am proud to work here"; `_values`: numeric',
        "codes, Finished 1/0; spec `qualtrics_finished_include.toml` has `[survey] include`):",
        "",
        "| file | previews (left out at load) | responses read | completed | unfinished | "
        "Yes/No, all | Yes/No, completed |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in rec.items():
        if "completed" in r:
            every, done = r["counts_all"], r["counts_completed"]
            lines.append(
                f"| {name} | {r['previews']} | {r['rows_read']} | {r['completed']} | "
                f"{r['left_out']} | {every['Yes']}/{every['No']} | {done['Yes']}/{done['No']} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parent.parent
    out = Path(argv[0]) if argv else root / "tests" / "data" / "other"
    out.mkdir(parents=True, exist_ok=True)
    rec: dict[str, dict] = {}
    for make in (googleforms, msforms, surveymonkey, qualtrics_other, handmade):
        make(out, rec)
    qualtrics_finished(out, rec)
    (out / "expected.json").write_text(
        json.dumps(rec, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    (out / "README.md").write_text(readme(rec), encoding="utf-8")
    print(f"wrote {len(rec)} fixtures to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
