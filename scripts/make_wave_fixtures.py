#!/usr/bin/env python3
"""Write four quarterly waves of one survey to tests/data/waves/quarterly/ (deterministic).

A residents' pulse survey run in 2025 Q1, Q3 and Q4 and 2026 Q1 (Q2 2025 was not run, so
2026Q1 has a year-ago wave, 2025Q1). Between the waves:

* ``satisfied`` (a five-point Likert scale, plus Don't know) keeps its header; it is never
  blank, so no response is blank in every question (a loader leaves such rows out);
* ``trust`` (yes/no) is reworded from 2025Q4 on: the earlier exports have the old header;
* ``online`` (yes/no) is added in 2025Q4: the first two exports do not have it;
* 2025Q3 is a Microsoft Forms workbook (ID, Start time, Completion time, Email, Name, then
  the questions); the others are plain CSV with a response id and a submission time.

Every export has an ``Area`` column. Alongside, ``counts.json`` holds the generator's own
records: per wave the file, platform, rows, and per question the header it was written under
(null: not asked) and the count of every answer label (blank cells as ``""``).

Usage: python3 scripts/make_wave_fixtures.py [OUT_DIR]
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import AREAS, write_csv, write_xlsx  # noqa: E402 - the loader fixtures' writers
from make_fixtures import SATISFIED as SCALE  # noqa: E402

SATISFIED = [*SCALE, "Don't know"]
Q_SATISFIED = "Overall, how satisfied are you with the services the council provides?"
Q_TRUST_OLD = "Do you trust the council to act in your interest?"
Q_TRUST_NEW = "How far do you trust the council to act in the interests of residents?"
Q_ONLINE = "Have you used the council's online services in the last three months?"

#: (wave, file, rows, chance of a positive answer for satisfied / trust / online, reworded,
#: online asked, first day)
WAVES = [
    ("2025Q1", "pulse_2025Q1.csv", 240, 0.52, 0.40, None, False, dt.date(2025, 2, 3)),
    ("2025Q3", "pulse_2025Q3.xlsx", 190, 0.55, 0.44, None, False, dt.date(2025, 8, 4)),
    ("2025Q4", "pulse_2025Q4.csv", 260, 0.57, 0.47, 0.35, True, dt.date(2025, 11, 3)),
    ("2026Q1", "pulse_2026Q1.csv", 310, 0.60, 0.55, 0.46, True, dt.date(2026, 2, 2)),
]


def _answer(
    rng: random.Random, p_positive: float, positive: list[str], rest: list[str], blank: bool = True
) -> str:
    """One answer: blank (3%, if ``blank``), Don't know (6%), else positive with
    ``p_positive``."""
    u = rng.random()
    if u < 0.03:
        return "" if blank else rng.choice(rest)
    if u < 0.09:
        return "Don't know"
    return rng.choice(positive) if rng.random() < p_positive else rng.choice(rest)


def _wave_rows(spec: tuple, seed: int) -> tuple[list[str], list[list], dict[str, list[str]]]:
    """Header, rows and each question's answers (as written) of one wave."""
    wave, name, n, p_sat, p_trust, p_online, reworded, first_day = spec
    rng = random.Random(seed)
    trust_header = Q_TRUST_NEW if reworded else Q_TRUST_OLD
    questions = [Q_SATISFIED, trust_header] + ([Q_ONLINE] if p_online is not None else [])
    answers: dict[str, list[str]] = {"satisfied": [], "trust": [], "online": []}
    rows = []
    for i in range(n):
        sat = _answer(rng, p_sat, SATISFIED[:2], SATISFIED[2:5], blank=False)
        trust = _answer(rng, p_trust, ["Yes"], ["No"])
        online = _answer(rng, p_online, ["Yes"], ["No"]) if p_online is not None else None
        area = AREAS[rng.randrange(4)] if rng.random() < 0.97 else ""
        answers["satisfied"].append(sat)
        answers["trust"].append(trust)
        if online is not None:
            answers["online"].append(online)
        when = dt.datetime.combine(first_day, dt.time(9)) + dt.timedelta(minutes=97 * i)
        cells = [sat, trust] + ([online] if online is not None else [])
        rows.append([i + 1, when, *cells, area])
        answers.setdefault("area", []).append(area)
    header = ["Response ID", "Submitted", *questions, "Area"]
    return header, rows, answers


def _msforms(header: list[str], rows: list[list]) -> tuple[list[str], list[list]]:
    """The same responses laid out as Microsoft Forms' "Open results in Excel" workbook."""
    ms_header = ["ID", "Start time", "Completion time", "Email", "Name", *header[2:]]
    ms_rows = []
    for r in rows:
        done = r[1] + dt.timedelta(minutes=3, seconds=r[0] % 60)
        cells = [v or None for v in r[2:]]
        ms_rows.append([r[0], r[1], done, "anonymous", None, *cells])
    return ms_header, ms_rows


def _text(value: object) -> object:
    """A cell as a CSV export writes it (times as ``YYYY-MM-DD HH:MM:SS``)."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, dt.datetime) else value


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    record = []
    for k, spec in enumerate(WAVES):
        wave, name, n, *_ = spec
        header, rows, answers = _wave_rows(spec, seed=2025 + k)
        platform = "plain"
        if name.endswith(".xlsx"):
            ms_header, ms_rows = _msforms(header, rows)
            write_xlsx(out / name, [ms_header, *ms_rows], sheet="Form1")
            platform = "msforms"
        else:
            stamped = [[_text(v) for v in r] for r in rows]
            write_csv(out / name, [header, *stamped])
        columns = {
            "satisfied": Q_SATISFIED,
            "trust": header[3],
            "online": Q_ONLINE if answers["online"] else None,
        }
        record.append(
            {
                "wave": wave,
                "file": name,
                "platform": platform,
                "rows": n,
                "columns": columns,
                "answers": {q: dict(sorted(Counter(a).items())) for q, a in answers.items() if a},
            }
        )
    text = json.dumps({"waves": record}, indent=2, ensure_ascii=False) + "\n"
    (out / "counts.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "tests/data/waves/quarterly")
