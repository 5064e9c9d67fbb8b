#!/usr/bin/env python3
"""Write exports with localised headers, and SurveyMonkey's condensed layout, to tests/data/locale/.

The same simulated responses are exported as each platform exports them in six languages
(English, Welsh, French, German, Spanish, Polish): the platform's metadata headers and the
personal-data columns are in the language of the organisation's account, the questions (the
organisation's own words) are the same. ``msforms_LANG.xlsx`` (ID, Start time, Completion
time, Email, Name, questions), ``googleforms_LANG.csv`` (Timestamp, Email address, a name
question, a phone question, questions). The personal columns hold what content detection
alone would not catch (``anonymous`` e-mails, single first names, a few real addresses), so
they must be dropped by their header. ``surveymonkey_expanded.csv`` and
``surveymonkey_condensed.csv`` are one SurveyMonkey survey in its two column layouts.

``expected.json`` gives, per file, the platform, the personal columns (to be dropped), the
personal values (never to appear in any output) and the true counts per question x answer
from the generator's own records.

Usage: python3 scripts/make_locale_fixtures.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import random
import sys
from collections import Counter
from pathlib import Path

N = 40
START = dt.datetime(2025, 5, 6, 9, 30, 0)
AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
TOPICS = ["Housing", "Transport", "Schools"]
AREAS = ["North", "South", "East", "West"]
FIRST = ["Sam", "Priya", "Gareth", "Zofia", "Lucía", "Jürgen", "Amélie", "Rhys"]
Q_AGREE = "The council listens to residents"
Q_TOPICS = "Which topics matter most?"
Q_AREA = "Area"
# Per language: Microsoft Forms' metadata, e-mail and name headers; Google Forms' timestamp,
# e-mail address, and the form's own name and phone questions.
HEADERS = {
    "en": (["ID", "Start time", "Completion time", "Email", "Name"],
           ["Timestamp", "Email address", "Name", "Phone number"]),
    "cy": (["ID", "Amser dechrau", "Amser cwblhau", "E-bost", "Enw"],
           ["Stamp amser", "Cyfeiriad e-bost", "Enw", "Rhif ffôn"]),
    "fr": (["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom"],
           ["Horodateur", "Adresse e-mail", "Prénom", "Numéro de téléphone"]),
    "de": (["ID", "Startzeit", "Fertigstellungszeit", "E-Mail", "Name"],
           ["Zeitstempel", "E-Mail-Adresse", "Vorname", "Telefonnummer"]),
    "es": (["Id.", "Hora de inicio", "Hora de finalización", "Correo electrónico", "Nombre"],
           ["Marca temporal", "Dirección de correo electrónico", "Nombre", "Teléfono"]),
    "pl": (["Identyfikator", "Godzina rozpoczęcia", "Godzina ukończenia", "Adres e-mail",
            "Nazwa"],
           ["Sygnatura czasowa", "Adres e-mail", "Imię", "Numer telefonu"]),
}  # fmt: skip


SPEC = f"""# One spec for every export in this folder: the questions are the organisation's own
# words, the same in every language; each platform's separator is its default.
[questions.agree]
column = "{Q_AGREE}"
options = {json.dumps(AGREE)}
positive = ["Strongly agree", "Agree"]

[questions.topics]
column = "{Q_TOPICS}"
type = "multi"
options = {json.dumps(TOPICS)}

[groups.area]
column = "{Q_AREA}"
"""


def _write_xlsx():
    """make_fixtures.write_xlsx: a deterministic workbook (fixed timestamps in the ZIP)."""
    spec = importlib.util.spec_from_file_location(
        "make_fixtures", Path(__file__).with_name("make_fixtures.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_xlsx


def responses(rng: random.Random) -> list[dict]:
    out = []
    for i in range(N):
        named = rng.random() < 0.25
        out.append(
            {
                "start": START + dt.timedelta(hours=9 * i),
                "end": START + dt.timedelta(hours=9 * i, minutes=3, seconds=i),
                "email": f"{FIRST[i % 8].casefold()}{i}@example.org" if named else "anonymous",
                "name": FIRST[i % 8] if named else None,
                "phone": f"07700 900{i:03d}" if rng.random() < 0.2 else None,
                "agree": rng.choice([*AGREE, None]),
                "topics": [t for t in TOPICS if rng.random() < 0.5],
                "area": rng.choice(AREAS),
            }
        )
    return out


def write_csv(path: Path, rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_xlsx = _write_xlsx()
    people = responses(random.Random(7))
    expected: dict[str, dict] = {}
    counts = {
        Q_AGREE: dict(Counter(p["agree"] for p in people if p["agree"])),
        Q_TOPICS: dict(Counter(t for p in people for t in p["topics"])),
        Q_AREA: dict(Counter(p["area"] for p in people)),
    }
    personal_values = sorted(
        {v for p in people for v in (p["name"], p["phone"]) if v}
        | {p["email"] for p in people if "@" in p["email"]}
    )
    for lang, (ms, gf) in HEADERS.items():
        ms_rows = [[*ms, Q_AGREE, Q_TOPICS, Q_AREA]]
        gf_rows = [[gf[0], gf[1], Q_AGREE, Q_TOPICS, gf[2], gf[3], Q_AREA]]
        for i, p in enumerate(people):
            topics = p["topics"]
            ms_rows.append(
                [i + 1, p["start"], p["end"], p["email"], p["name"], p["agree"]]
                + ["".join(t + ";" for t in topics) or None, p["area"]]
            )
            gf_rows.append(
                [p["end"].strftime("%d/%m/%Y %H:%M:%S"), p["email"], p["agree"] or ""]
                + [", ".join(topics), p["name"] or "", p["phone"] or "", p["area"]]
            )
        write_xlsx(out / f"msforms_{lang}.xlsx", ms_rows, sheet="Form1")
        write_csv(out / f"googleforms_{lang}.csv", gf_rows)
        expected[f"msforms_{lang}.xlsx"] = {"platform": "msforms", "personal": ms[3:5]}
        expected[f"googleforms_{lang}.csv"] = {"platform": "googleforms", "personal": gf[1:4]}
    surveymonkey(out, people)
    for name in ("surveymonkey_expanded.csv", "surveymonkey_condensed.csv"):
        personal = ["IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1"]
        expected[name] = {"platform": "surveymonkey", "personal": personal}
    (out / "locale.toml").write_text(SPEC, encoding="utf-8")
    record = {"rows": N, "counts": counts, "personal_values": personal_values, "files": expected}
    (out / "expected.json").write_text(
        json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def surveymonkey(out: Path, people: list[dict]) -> None:
    """The responses as a SurveyMonkey export, expanded (two header rows) and condensed (one
    header row: a question's text, and ``question - choice`` over each choice's column)."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    meta += ["Email Address", "First Name", "Last Name", "Custom Data 1"]
    top = [*meta, Q_AGREE, Q_TOPICS, "", "", Q_AREA]
    sub = [""] * len(meta) + ["Response", *TOPICS, "Response"]
    condensed = [*meta, Q_AGREE, *(f"{Q_TOPICS} - {t}" for t in TOPICS), Q_AREA]
    rows = []
    for i, p in enumerate(people):
        rows.append(
            [str(11400000000 + i), "4055", p["start"].strftime("%m/%d/%Y %I:%M:%S %p")]
            + [p["end"].strftime("%m/%d/%Y %I:%M:%S %p"), f"192.0.2.{i}"]
            + [p["email"] if "@" in p["email"] else "", p["name"] or "", "", ""]
            + [p["agree"] or ""]
            + [t if t in p["topics"] else "" for t in TOPICS]
            + [p["area"]]
        )
    write_csv(out / "surveymonkey_expanded.csv", [top, sub, *rows])
    write_csv(out / "surveymonkey_condensed.csv", [condensed, *rows])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/locale"))
