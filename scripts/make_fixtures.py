#!/usr/bin/env python3
"""Write the loader test fixtures to tests/data/ (deterministic: same bytes on every run).

One small survey per platform layout and text encoding, laid out as each platform exports it
(see /work/shared/formats/EXPORTS.md), plus bad inputs. Alongside, ``fixtures_expected.json``
holds the true counts per column x answer taken from the generator's own records (after the
rows a loader must leave out: Qualtrics previews and tests, blank and totals rows), and the
personal-data columns that must not reach the frame.

Usage: python3 scripts/make_fixtures.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
CONFIDENT = ["Very confident", "Fairly confident", "Not very confident", "Not at all confident"]
SATISFIED = [
    "Very satisfied",
    "Fairly satisfied",
    "Neither satisfied nor dissatisfied",
    "Fairly dissatisfied",
    "Very dissatisfied",
]
QUALITY = ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor"]
AREAS = ["North", "South", "East", "West"]
TRANSPORT = ["Bus", "Train", "Car"]
REASONS = ["Work", "Family, friends or neighbours", "Health"]
TOPICS = ["Policing", "Housing", "Schools"]
COMMENTS = [
    "Staff were helpful, but the wait was long",
    'The "drop-in" session was useful',
    "Café was closed – please fix",
    "Could not find parking\nand the signs were unclear",
    "Won’t come again",
]
N = 60
START = dt.datetime(2024, 1, 3, 9, 0, 0)


class Recorder:
    """Collects each fixture's expected counts."""

    def __init__(self) -> None:
        self.data: dict[str, dict] = {}

    def add(self, name: str, columns: dict[str, list], dropped=(), platform="plain", **extra):
        counts = {}
        for col, values in columns.items():
            c = Counter(str(v).strip() for v in values if v is not None and str(v).strip())
            counts[col] = dict(sorted(c.items()))
        rows = len(next(iter(columns.values())))
        self.data[name] = {
            "platform": platform,
            "rows": rows,
            "columns": counts,
            "dropped": list(dropped),
            **extra,
        }


def pick(rng: random.Random, options, blank=0.05, dk=0.0):
    r = rng.random()
    if r < blank:
        return None
    if r < blank + dk:
        return "Don't know"
    return rng.choice(options)


def when(i: int) -> dt.datetime:
    return START + dt.timedelta(days=3 * i, minutes=37 * i)


def write_csv(path: Path, rows, *, encoding="utf-8", delimiter=",", newline="\n", quote_all=False):
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(path: Path, rows, sheet="Sheet1", extra_sheets=()) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    for name in extra_sheets:
        wb.create_sheet(name).append(["nothing here"])
    wb.save(path)
    _normalise_zip(path)


def _normalise_zip(path: Path) -> None:
    """Rewrite a zip with fixed timestamps so that the bytes are the same on every run."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    stamp = b"2024-01-01T00:00:00Z"
    items = [
        (n, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, d))
        for n, d in items
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# ---------------------------------------------------------------------------------------------


def qualtrics(out: Path, rec: Recorder) -> None:
    rng = random.Random(1)
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)"]
    meta += ["Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName"]
    meta += ["RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude"]
    meta += ["DistributionChannel", "UserLanguage"]
    qs = ["Q1", "Q2_1", "Q2_2", "Q5_1", "Q5_2", "Q5_3", "Q6", "Q7_TEXT", "area"]
    text = {
        "Q1": "How confident are you that the plan is working?",
        "Q2_1": "How far do you agree? - Staff treat people fairly",
        "Q2_2": "How far do you agree? - I trust the police",
        "Q5_1": "Which did you use? - Selected Choice - Bus",
        "Q5_2": "Which did you use? - Selected Choice - Train",
        "Q5_3": "Which did you use? - Selected Choice - Car",
        "Q6": "Which topics matter to you? - Selected Choice",
        "Q7_TEXT": "Any other comments?",
        "area": "area",
    }
    header = meta + qs
    row2 = [m for m in meta] + [text[q] for q in qs]
    row3 = [json.dumps({"ImportId": m.lower()}) for m in meta]
    row3 = [
        json.dumps({"ImportId": "startDate", "timeZone": "Europe/London"}),
        *row3[1:],
    ]
    row3 += [json.dumps({"ImportId": "QID" + q.split("_")[0][1:]}) for q in qs[:-1]]
    row3 += [json.dumps({"ImportId": "area"})]
    status_codes = {"IP Address": "0", "Survey Preview": "1", "Survey Test": "2"}
    conf_codes = {label: str(i + 1) for i, label in enumerate(CONFIDENT)}
    agree_codes = {label: str(5 - i) for i, label in enumerate(AGREE)}
    text_rows, value_rows, kept = [], [], []
    statuses = ["IP Address"] * N + ["Survey Preview"] * 3 + ["Survey Test"] * 2
    rng.shuffle(statuses)
    for i, status in enumerate(statuses):
        finished = rng.random() > 0.1
        t0 = when(i)
        t1 = t0 + dt.timedelta(minutes=7)
        q1 = pick(rng, CONFIDENT, dk=0.05)
        q2 = [pick(rng, AGREE, dk=0.05) for _ in range(2)]
        ticks = [rng.random() < 0.5 for _ in TRANSPORT]
        chosen = [t for t in TOPICS if rng.random() < 0.45]
        q7 = rng.choice(COMMENTS) if rng.random() < 0.5 else None
        area = rng.choice(AREAS)
        m = [
            t0.strftime("%Y-%m-%d %H:%M:%S"),
            t1.strftime("%Y-%m-%d %H:%M:%S"),
            status,
            f"10.0.{i}.1",
            "100" if finished else "40",
            "420",
            "True" if finished else "False",
            t1.strftime("%Y-%m-%d %H:%M:%S"),
            f"R_{i:04d}abc",
            "Smith",
            "Jo",
            f"jo{i}@example.org",
            "",
            "51.5",
            "-0.1",
            "anonymous",
            "EN",
        ]
        seen_unanswered = q1 is None and rng.random() < 0.5
        text_rows.append(
            m
            + [q1, *q2]
            + [t if tick else None for t, tick in zip(TRANSPORT, ticks, strict=True)]
            + [",".join(chosen) or None, q7, area]
        )
        mv = list(m)
        mv[2] = status_codes[status]
        mv[6] = "1" if finished else "0"
        q1v = "-99" if seen_unanswered else (None if q1 is None else conf_codes.get(q1, "8"))
        value_rows.append(
            mv
            + [q1v]
            + [None if a is None else agree_codes.get(a, "-1") for a in q2]
            + ["1" if tick else None for tick in ticks]
            + [",".join(str(TOPICS.index(c) + 1) for c in chosen) or None, q7, area]
        )
        kept.append(status == "IP Address")
    personal = [
        "IPAddress",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
    ]
    for name, rows in (("qualtrics_text", text_rows), ("qualtrics_values", value_rows)):
        good = [r for r, k in zip(rows, kept, strict=True) if k]
        cols = {h: [r[j] for r in good] for j, h in enumerate(header)}
        rec.add(
            name,
            {q: cols[q] for q in [*qs, "Finished"]},
            dropped=personal,
            platform="qualtrics",
            left_out=5,
            unfinished=sum(1 for r in good if r[6] in ("False", "0")),
        )
    write_csv(out / "qualtrics_text.csv", [header, row2, row3, *text_rows])
    write_csv(out / "qualtrics_values.csv", [header, row2, row3, *value_rows], encoding="utf-8-sig")
    write_xlsx(out / "qualtrics_text.xlsx", [header, row2, row3, *text_rows])
    rec.data["qualtrics_text_xlsx"] = dict(rec.data["qualtrics_text"])


def surveymonkey(out: Path, rec: Recorder) -> None:
    rng = random.Random(2)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    meta += ["Email Address", "First Name", "Last Name", "Custom Data 1"]
    q_sat = "How satisfied are you with the service, overall?"
    q_use = "Which of these did you use?\n(tick all that apply)"
    q_more = "Please tell us more"
    q_mat = "How far do you agree with each statement?"
    row1 = meta + [q_sat, q_use, "", "", "", q_more, q_mat, ""]
    row2 = [""] * 9 + ["Response", *TRANSPORT, "Other (please specify)"]
    row2 += ["Open-Ended Response", "The staff were helpful", "The venue was accessible"]
    rows = []
    for i in range(N):
        t0 = when(i)
        ticks = [rng.random() < 0.5 for _ in TRANSPORT]
        other = rng.choice(["Bike", "Walked", None, None, None])
        rows.append(
            [
                str(11400000000 + i),
                "4055",
                t0.strftime("%m/%d/%Y %I:%M:%S %p"),
                (t0 + dt.timedelta(minutes=5)).strftime("%m/%d/%Y %I:%M:%S %p"),
                f"192.168.0.{i}",
                f"a{i}@example.com",
                "Sam",
                "Jones",
                "",
                pick(rng, SATISFIED),
                *[t if tick else None for t, tick in zip(TRANSPORT, ticks, strict=True)],
                other,
                rng.choice(COMMENTS) if rng.random() < 0.4 else None,
                pick(rng, AGREE, dk=0.05),
                pick(rng, AGREE, dk=0.05),
            ]
        )
    q_use_name = " ".join(q_use.split())
    names = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "Custom Data 1",
        q_sat,
        *[f"{q_use_name} - {t}" for t in TRANSPORT],
        f"{q_use_name} - Other (please specify)",
        q_more,
        f"{q_mat} - The staff were helpful",
        f"{q_mat} - The venue was accessible",
    ]
    idx = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16]
    cols = {n: [r[j] for r in rows] for n, j in zip(names, idx, strict=True)}
    del cols["Custom Data 1"]
    names.remove("Custom Data 1")
    dropped = ["IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1"]
    rec.add("surveymonkey", {n: cols[n] for n in names[4:]}, dropped, "surveymonkey")
    rec.data["surveymonkey"]["names"] = names
    write_csv(out / "surveymonkey.csv", [row1, row2, *rows], newline="\r\n")
    write_xlsx(out / "surveymonkey.xlsx", [row1, row2, *rows])
    rec.data["surveymonkey_xlsx"] = dict(rec.data["surveymonkey"])


def msforms(out: Path, rec: Recorder) -> None:
    rng = random.Random(3)
    q_conf = "How confident are you that the plan is improving policing?"
    q_topics = "Which topics should we focus on?"
    header = ["ID", "Start time", "Completion time", "Email", "Name", q_conf, q_topics]
    header += ["Comments", "Area"]
    rows, times = [], []
    for i in range(N):
        t0 = when(i)
        chosen = [t for t in TOPICS if rng.random() < 0.5]
        rows.append(
            [
                i + 1,
                t0,
                t0 + dt.timedelta(minutes=4, seconds=i),
                "anonymous",
                None,
                pick(rng, CONFIDENT, dk=0.08),
                "".join(c + ";" for c in chosen) or None,
                rng.choice(COMMENTS) if rng.random() < 0.5 else None,
                rng.choice(AREAS),
            ]
        )
        times.append((t0 + dt.timedelta(minutes=4, seconds=i)).strftime("%Y-%m-%d %H:%M:%S"))
    cols = {h: [r[j] for r in rows] for j, h in enumerate(header)}
    cols["Completion time"] = times
    cols["ID"] = [str(i + 1) for i in range(N)]
    keep = ["ID", "Completion time", q_conf, q_topics, "Comments", "Area"]
    rec.add("msforms", {k: cols[k] for k in keep}, ["Email", "Name"], "msforms")
    write_xlsx(out / "msforms.xlsx", [header, *rows], sheet="Form1", extra_sheets=["Notes"])


def googleforms(out: Path, rec: Recorder) -> None:
    rng = random.Random(4)
    q_reason = "Why did you attend?"
    header = ["Timestamp", "Email address", "Overall, how satisfied were you?"]
    header += ["Rate the event [Staff]", "Rate the event [Venue]", q_reason, "Your area"]
    rows, options = [], Counter()
    for i in range(N):
        chosen = [t for t in REASONS if rng.random() < 0.45]
        options.update(chosen)
        rows.append(
            [
                when(i).strftime("%-m/%-d/%Y %H:%M:%S"),
                f"p{i}@example.net",
                pick(rng, SATISFIED),
                pick(rng, QUALITY),
                pick(rng, QUALITY),
                ", ".join(chosen) or None,
                rng.choice(AREAS),
            ]
        )
    cols = {h: [r[j] for r in rows] for j, h in enumerate(header)}
    del cols["Email address"]
    rec.add(
        "googleforms", cols, ["Email address"], "googleforms", options={q_reason: dict(options)}
    )
    write_csv(out / "googleforms.csv", [header, *rows], quote_all=True)


def handmade(out: Path, rec: Recorder) -> None:
    """A spreadsheet typed by hand: title, blank rows, odd labels, tick boxes, a totals row."""
    rng = random.Random(5)
    odd_agree = {
        "Strongly agree": "  strongly AGREE",
        "Agree": "Agree ",
        "Neither agree nor disagree": "neither agree  nor disagree",
        "Disagree": "DISAGREE",
        "Strongly disagree": "Strongly Disagree",
    }
    header = ["Ref", " Area ", "Q1  The council listens", "Q2 Do you feel safe?"]
    header += ["Used: Bus", "Used: Train", "Comments"]
    body = []
    for i in range(N):
        a = pick(rng, AGREE, dk=0.0)
        q1 = odd_agree[a] if a else None
        if rng.random() < 0.08:
            q1 = "Don’t know"
        body.append(
            [
                f"HM{i + 1:03d}",
                rng.choice(AREAS),
                q1,
                rng.choice(["Yes", "No", "yes", "Prefer not to say"]),
                rng.choice(["1", "x", "Y", None, None]),
                rng.choice(["1", "x", None]),
                rng.choice(COMMENTS[:3]) if rng.random() < 0.3 else None,
            ]
        )
    blank = [None] * len(header)
    totals = ["Total", None, None, None, "30", "25", None]
    rows = [["Community survey 2024"] + [None] * 6, blank, header, *body[:30], blank]
    rows += [*body[30:], totals, blank]
    names = [h.strip() for h in header]
    cols = {n: [r[j] for r in body] for j, n in enumerate(names)}
    for name in (
        "handmade_cp1252",
        "handmade_xlsx",
        "handmade_ods",
    ):
        rec.add(name, cols, [], "plain", header_row=3, first_data_row=4)
    write_csv(out / "handmade_cp1252.csv", rows, encoding="cp1252", newline="\r\n")
    write_xlsx(out / "handmade.xlsx", rows, sheet="Responses")
    import pandas as pd

    frame = pd.DataFrame(rows)
    frame.to_excel(out / "handmade.ods", engine="odf", header=False, index=False)
    _normalise_ods(out / "handmade.ods")


def _normalise_ods(path: Path) -> None:
    """odfpy stamps the creation time into meta.xml; fix it and the zip times."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    fixed = []
    for name, data in items:
        if name == "meta.xml":
            data = re.sub(rb"<meta:creation-date>[^<]*</meta:creation-date>", b"", data)
            data = re.sub(rb"<dc:date>[^<]*</dc:date>", b"", data)
        fixed.append((name, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in fixed:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def spss(out: Path, rec: Recorder) -> None:
    import pandas as pd
    import pyreadstat

    rng = random.Random(6)
    q1 = [rng.choice([1, 2, 3, 4, 5, 9, None]) for _ in range(N)]
    area = [rng.choice([1, 2, 3, 4]) for _ in range(N)]
    weight = [round(0.5 + rng.random(), 3) for _ in range(N)]
    frame = pd.DataFrame(
        {"id": [float(i + 1) for i in range(N)], "q1": q1, "area": area, "weight": weight}
    )
    labels = {1: "Strongly agree", 2: "Agree", 3: "Neither agree nor disagree"}
    labels |= {4: "Disagree", 5: "Strongly disagree", 9: "Don't know"}
    pyreadstat.write_sav(
        frame,
        str(out / "survey.sav"),
        column_labels=["Respondent", "The council listens to residents", "Area", "Weight"],
        variable_value_labels={"q1": labels, "area": dict(enumerate(AREAS, start=1))},
    )
    # the file header carries its creation date and time (bytes 92-108): fix them
    sav = bytearray((out / "survey.sav").read_bytes())
    sav[92:109] = b"01 Jan 2400:00:00"
    (out / "survey.sav").write_bytes(bytes(sav))
    cols = {
        "q1": [None if v is None else labels[v] for v in q1],
        "area": [AREAS[v - 1] for v in area],
        "weight": [repr(w) if not float(w).is_integer() else str(int(w)) for w in weight],
    }
    rec.add("spss", cols, [], "spss")


def encodings(out: Path, rec: Recorder) -> None:
    """One small survey in each text encoding, line ending and delimiter."""
    rng = random.Random(8)
    header = ["respondent_id", "area", "q1", "q2", "comment"]
    rows = []
    for i in range(N):
        rows.append(
            [
                f"E{i:03d}",
                rng.choice(AREAS),
                pick(rng, AGREE, dk=0.06),
                pick(rng, ["Yes", "No"]),
                rng.choice(["Café was good", "Won’t return", "Naïve question; really", None]),
            ]
        )
    cols = {h: [r[j] for r in rows] for j, h in enumerate(header)}
    variants = {
        "enc_utf8.csv": {},
        "enc_utf8_bom.csv": {"encoding": "utf-8-sig"},
        "enc_cp1252.csv": {"encoding": "cp1252"},
        "enc_utf16le.txt": {"encoding": "utf-16", "delimiter": "\t", "newline": "\r\n"},
        "enc_utf16be.txt": {"encoding": "utf-16-be", "delimiter": "\t", "bom": True},
        "enc_crlf.csv": {"newline": "\r\n"},
        "enc_cr.csv": {"newline": "\r"},
        "enc_semicolon.csv": {"delimiter": ";"},
        "enc_tab.tsv": {"delimiter": "\t"},
    }
    for name, kw in variants.items():
        bom = kw.pop("bom", False)
        write_csv(out / name, [header, *rows], **kw)
        if bom:
            path = out / name
            path.write_bytes(b"\xfe\xff" + path.read_bytes())
        rec.add(name, cols, [], "plain")


def bad(out: Path) -> None:
    """Inputs that must fail with one clear line."""
    (out / "bad_empty.csv").write_bytes(b"")
    (out / "bad_header_only.csv").write_bytes(b"id,area,q1\r\n")
    (out / "bad_duplicate_header.csv").write_bytes(b"id,q1,area,q1\n1,Agree,North,Agree\n")
    rng = random.Random(9)
    (out / "bad_junk.bin").write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    (out / "bad_undecodable.csv").write_bytes(b"id,q1\n1,Agree\n2,\x81\x8d\x8f\x90\n")
    (out / "bad_not_a_survey.txt").write_bytes(
        b"Minutes of the meeting\n\nWe discussed the budget. Nothing was agreed, sadly.\n"
        b"Action: Sam to write up; Jo to check the figures, costs and dates.\n"
        b"Next meeting: Tuesday\n"
    )
    good = out / "msforms.xlsx"
    data = good.read_bytes()
    (out / "bad_corrupt.xlsx").write_bytes(data[: len(data) // 2])
    # An encrypted OOXML workbook is an OLE compound file holding an "EncryptedPackage"
    # stream; this stand-in has the signature and the stream name (no real cipher text).
    cfb = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    cfb += "EncryptionInfo".encode("utf-16-le") + bytes(50)
    cfb += "EncryptedPackage".encode("utf-16-le") + bytes(2000)
    (out / "bad_password.xlsx").write_bytes(bytes(cfb))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "tests" / "data"
    out.mkdir(parents=True, exist_ok=True)
    rec = Recorder()
    qualtrics(out, rec)
    surveymonkey(out, rec)
    msforms(out, rec)
    googleforms(out, rec)
    handmade(out, rec)
    spss(out, rec)
    encodings(out, rec)
    bad(out)
    (out / "fixtures_expected.json").write_text(
        json.dumps(rec.data, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(rec.data)} fixtures and bad inputs to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
