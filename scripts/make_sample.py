#!/usr/bin/env python3
"""Write the bundled sample: a synthetic Race Action Plan community-feedback export, and the
same survey's four earlier quarterly waves.

321 feedback forms from 41 community events (July to September 2026) in four areas of a
police force, with questions in four workstreams (Represented, Respected, Involved, Protected),
a confidence question compared with a national figure of 30%, "Don't know" answers (some typed
with a curly apostrophe or odd case, as exports have them), a few blanks, a multi-select
question joined with "; ", and an open comment column in which a few people left contact
details. Every person and comment is invented.

The earlier waves (``feedback_2025q3.csv`` ... ``feedback_2026q2.csv``, 262 to 305 forms each)
are the same survey a quarter (to a year) earlier, drawn the same way with their own seed and
with answers shifted as a programme's might move (``EARLIER``): willingness to encourage
someone to join rises steadily over the year (no one quarter-on-quarter step is large), the
chance to have one's say dips in 2026 Q2, the rest drift a little.

Deterministic: the same script writes the same bytes. Usage::

    python scripts/make_sample.py    # writes data/sample/feedback.csv and feedback_*.csv
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
OUT = SAMPLE / "feedback.csv"
N = 321
N_EVENTS = 41
AREAS = ["North", "South", "East", "West"]
AREA_P = [0.34, 0.29, 0.22, 0.15]
ETHNICITY = [
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Mixed or Multiple ethnic groups",
    "White",
    "Other ethnic group",
    "Prefer not to say",
]
ETHNICITY_P = [0.24, 0.38, 0.09, 0.20, 0.05, 0.04]
AGE = ["16-24", "25-34", "35-44", "45-54", "55-64", "65+", "Prefer not to say"]
AGE_P = [0.14, 0.19, 0.2, 0.18, 0.14, 0.12, 0.03]
AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
CONFIDENT = ["Very confident", "Fairly confident", "Not very confident", "Not at all confident"]
DONT_KNOW = ["Don't know", "Don\u2019t know", "don't know", "Don't Know "]
HEARD = [
    "Community group",
    "Social media",
    "Word of mouth",
    "Police website",
    "Poster or leaflet",
    "Faith group, mosque, church or temple",
]
# column header, scale, latent location (higher = more positive), Don't know rate
QUESTIONS = [
    ("The police workforce in my area reflects the community it serves", AGREE, -0.9, 0.08),
    ("I would encourage someone from my community to join the police", AGREE, -0.3, 0.06),
    (
        "How confident are you that the Police Race Action Plan is improving policing for "
        "Black and ethnic minority people?",
        CONFIDENT,
        0.3,
        0.07,
    ),
    ("Police officers treat people from my community with respect", AGREE, 0.1, 0.05),
    ("I feel I can influence decisions about policing in my area", AGREE, -0.4, 0.07),
    ("The event gave me a real chance to have my say", AGREE, 1.4, 0.02),
    ("I would feel comfortable reporting a crime to the police", AGREE, 0.5, 0.03),
    ("I am confident that stop and search is used fairly in my area", CONFIDENT, -0.6, 0.12),
    ("I feel safe in my local area", AGREE, 0.6, 0.02),
]
COMMENTS = [
    "More events like this please, especially in the evenings.",
    "Officers listened, but I want to see what changes as a result.",
    "Good to meet the neighbourhood team. Parking was difficult.",
    "Please come back to our community centre - call me on 07700 900123 to arrange.",
    "I still do not feel stop and search is fair for young Black men.",
    "Would like feedback on what happened after the last event.",
    "Contact me at jo.bloggs@example.org about the youth panel.",
    "The translation support made a real difference for my mother.",
    "Hard to hear the speakers at the back of the hall.",
    "Our group meets at RG1 1AA every Tuesday, you are welcome.",
    "Recruitment stall was useful, my son has applied.",
    "Trust takes time. This is a start.",
]


def _scale_answers(
    rng: np.random.Generator, theta: np.ndarray, scale: list[str], loc: float, dk: float
) -> list[str]:
    k = len(scale)
    z = theta + loc + rng.logistic(0.0, 0.7, size=theta.size)
    cuts = np.linspace(-1.4, 1.0, k - 1) if k == 5 else np.array([-1.3, -0.3, 0.9])
    category = (k - 1) - np.searchsorted(cuts, z)  # 0 = most positive
    out = [scale[c] for c in category]
    for i in np.flatnonzero(rng.random(theta.size) < dk):
        out[i] = DONT_KNOW[rng.integers(len(DONT_KNOW))] if rng.random() < 0.3 else DONT_KNOW[0]
    for i in np.flatnonzero(rng.random(theta.size) < 0.012):
        out[i] = ""
    return out


# The earlier waves: file, seed, first day, days, forms, events, and the shift of each
# question's latent location (in QUESTIONS order) from this quarter's.
EARLIER = [
    (
        "feedback_2025q3.csv",
        20250930,
        dt.date(2025, 7, 1),
        92,
        262,
        35,
        (-0.10, -0.45, -0.30, -0.05, -0.10, 0.00, -0.10, -0.05, 0.00),
    ),
    (
        "feedback_2025q4.csv",
        20251231,
        dt.date(2025, 10, 1),
        92,
        281,
        37,
        (-0.05, -0.33, -0.25, 0.00, -0.05, 0.05, -0.05, -0.10, 0.05),
    ),
    (
        "feedback_2026q1.csv",
        20260331,
        dt.date(2026, 1, 1),
        90,
        305,
        39,
        (-0.05, -0.22, -0.15, -0.05, 0.00, 0.00, 0.00, -0.05, 0.00),
    ),
    (
        "feedback_2026q2.csv",
        20260630,
        dt.date(2026, 4, 1),
        91,
        296,
        38,
        (0.00, -0.11, -0.10, 0.00, 0.00, -0.35, 0.00, 0.00, -0.05),
    ),
]


def main() -> None:
    wave(OUT, 20260930, dt.date(2026, 7, 1), 92, N, N_EVENTS, (0.0,) * len(QUESTIONS))
    for name, seed, first, days, n, n_events, shift in EARLIER:
        wave(SAMPLE / name, seed, first, days, n, n_events, shift)


def wave(
    out: Path,
    seed: int,
    first: dt.date,
    days: int,
    n: int,
    n_events: int,
    shift: tuple[float, ...],
) -> None:
    """Write one wave: ``n`` forms from ``n_events`` events in the ``days`` from ``first``,
    each question's latent location moved by its ``shift``."""
    rng = np.random.default_rng(seed)
    event = np.sort(rng.integers(1, n_events + 1, size=n))
    event[:n_events] = np.arange(1, n_events + 1)  # every event has a form
    event = np.sort(event)
    start = dt.datetime.combine(first, dt.time(9, 0, 0))
    day_of_event = np.sort(rng.integers(0, days, size=n_events))
    area_of_event = rng.choice(len(AREAS), size=n_events, p=AREA_P)
    times = [
        start
        + dt.timedelta(
            days=int(day_of_event[e - 1]), seconds=int(rng.integers(8 * 3600, 12 * 3600))
        )
        for e in event
    ]
    area = area_of_event[event - 1]
    ethnicity = rng.choice(len(ETHNICITY), size=n, p=ETHNICITY_P)
    age = rng.choice(len(AGE), size=n, p=AGE_P)
    theta = rng.normal(0.0, 1.0, size=n) + np.array([0.2, -0.1, 0.05, -0.25])[area]
    answers = [
        _scale_answers(rng, theta, scale, loc + move, dk)
        for (_, scale, loc, dk), move in zip(QUESTIONS, shift, strict=True)
    ]
    heard = []
    for _ in range(n):
        chosen = [
            h
            for h, p in zip(HEARD, [0.4, 0.35, 0.45, 0.12, 0.15, 0.2], strict=True)
            if rng.random() < p
        ]
        heard.append("; ".join(chosen) if rng.random() > 0.03 else "")
    comment = [
        COMMENTS[rng.integers(len(COMMENTS))] if rng.random() < 0.45 else "" for _ in range(n)
    ]
    order = np.argsort(np.array([t.timestamp() for t in times]), kind="stable")

    header = ["Response ID", "Submitted", "Event", "Area", "Ethnicity", "Age band"]
    header += [q[0] for q in QUESTIONS]
    header += ["How did you hear about this event?", "Any other comments?"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        for rank, i in enumerate(order, start=1):
            writer.writerow(
                [
                    f"RAP-{rank:04d}",
                    times[i].strftime("%Y-%m-%d %H:%M:%S"),
                    f"EV{event[i]:02d}",
                    AREAS[area[i]],
                    ETHNICITY[ethnicity[i]],
                    AGE[age[i]],
                    *[a[i] for a in answers],
                    heard[i],
                    comment[i],
                ]
            )
    print(f"wrote {out} ({n} rows)")


if __name__ == "__main__":
    main()
