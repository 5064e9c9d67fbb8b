"""Write the attack exports of tests/data/attack/ (see README.md there).

Run from the repository root: ``python tests/data/attack/make_attack.py``. Every file is
synthetic and deterministic (fixed seeds); the personal data planted in them are reserved or
fictional values (example.org/.net/.com domains, Ofcom drama numbers 07700 900xxx and
0113/0161/020 496/7946 ranges, HMRC's QQ prefix, TEST-NET IP addresses, invented names).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
ESC = "\x1b"


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with open(HERE / name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def _agree(rng: random.Random, p_positive: float, dont_know: float = 0.05) -> str:
    u = rng.random()
    if u < dont_know:
        return "Don't know"
    if rng.random() < p_positive:
        return rng.choice(AGREE[:2])
    return rng.choice(AGREE[2:])


def _shuffled(rng: random.Random, counts: dict[str, int]) -> list[str]:
    values = [v for v, n in counts.items() for _ in range(n)]
    rng.shuffle(values)
    return values


# Planted personal data, one typed form each (the tests import these).
AREA_PII = [
    "jo.bloggs@example.org",  # the e-mail typed into Area (2 respondents)
    "07700 900123",
    "07700\u00a0900124",  # non-breaking space
    "0161.496.0000",  # dots
    "020-7946-0001",  # dashes
    "SW1A 1AA",
    "m11ae",  # postcode M1 1AE, lower case, no space
    "ls1\u00a04ap",  # postcode LS1 4AP with a non-breaking space
    "QQ 12 34 56 C",
    "203.0.113.45",
    "http://evil.example/t?id=42",
]
TEAM_ATTACKS = [
    '=HYPERLINK("http://evil.example/x?q=1","Click")',
    "@SUM(1+1)",
    "+44 7700 900125",  # a phone, and a formula prefix
    "<script>alert(1)</script>",
    f"{ESC}[31mRed team{ESC}[0m",
    "zoë.müller@exämple.de",  # internationalised e-mail
    "qq123456a",  # NI number, lower case, no spaces
]
SMALL_GROUP_COMMENT = "Only the two of us came from that place, ask anyone"
COMMENTS = [
    '=HYPERLINK("http://evil.example/c?x=1","Details")',
    "+1+2 is what I think of it",
    "-2+3 more patrols please",
    "@SUM(A1:A9) nice event",
    "\tTab first then text",
    "<script>alert('c')</script> loved it",
    "![](http://tracker.example/px.gif) good",
    "[more](javascript:alert(7)) info here",
    f"{ESC}[2J{ESC}]8;;http://evil.example/osc{ESC}\\link{ESC}]8;;{ESC}\\ cleared",
    "Bell\x07 and backspace\x08 and null-ish\x01 chars",
    "Call me on 07700 900130 any time",
    "My postcode is SW1A 2AA, near the station",
    "email me: pat.quinn@example.net",
    "NI QQ 65 43 21 B if needed",
    "Parking was difficult",
    "Good to meet the team",
]
RATE_HEADER = (
    f"Rate us ![](http://tracker.example/px.gif) <script>alert(3)</script> "
    f"[x](javascript:alert(4)) {ESC}[2J?"
)
REPLY_HEADER = "Did sam.taylor@example.net reply to you?"
CONTACT_OPTIONS = ["Phone", "Online", "Letter to SW1A 2AA", "Text 07700 900126"]


def labels() -> None:
    """PII, formulas, markup and control characters in labels, headers and comments."""
    rng = random.Random(11)
    n = 200
    area = {"North": 45, "South": 45, "East": 40, "West": 0}
    pii = {v: (2 if i == 0 else 1) for i, v in enumerate(AREA_PII)}
    area["West"] = n - sum(area.values()) - sum(pii.values())
    areas = _shuffled(rng, {**area, **pii})
    team = {v: 12 for v in TEAM_ATTACKS}
    team["Alpha"] = (n - sum(team.values())) // 2
    team["Beta"] = n - sum(team.values())
    teams = _shuffled(rng, team)
    rows = []
    for i in range(n):
        comment = rng.choice(COMMENTS) if rng.random() < 0.6 else ""
        if areas[i] == AREA_PII[0]:
            comment = SMALL_GROUP_COMMENT
        rows.append(
            [
                f"R{i + 1:03d}",
                areas[i],
                teams[i],
                _agree(rng, 0.55),
                rng.choice(CONTACT_OPTIONS[:2])
                if rng.random() < 0.8
                else rng.choice(CONTACT_OPTIONS[2:]),
                rng.choice(["Yes", "No"]),
                rng.choice(["Yes", "No", "No"]),
                comment,
            ]
        )
    _write(
        "labels.csv",
        [
            "Response ID",
            "Area",
            "Team",
            "I feel safe in my local area",
            "How did you contact us?",
            RATE_HEADER,
            REPLY_HEADER,
            "Any other comments?",
        ],
        rows,
    )


NAMES = [
    "Alice Smethwick",
    "Bartholomew Quist",
    "Chidinma Okonkwo-Reyes",
    "Dermot Fairweather",
    "Eluned Price-Jarvis",
    "Farhan Quraishi",
]
FIRST = [
    "Ruth",
    "Kwame",
    "Priya",
    "Tomasz",
    "Grace",
    "Imran",
    "Sinead",
    "Oluwaseun",
    "Megan",
    "Yusuf",
]
LAST = [
    "Hartley",
    "Mensah",
    "Chaudhry",
    "Nowak",
    "Ellison",
    "Baig",
    "Gallagher",
    "Adeyemi",
    "Pritchard",
    "Osman",
    "Whitfield",
    "Kaur",
    "Brennan",
    "Achterberg",
    "Lindqvist",
    "Moreau",
    "Sokolova",
    "Tremayne",
    "Vaughan",
    "Zielinski",
]
EMAILS = ["amina.k@example.com", "b.odonnell@example.org", "chris+survey@example.net"]
PHONES = ["07700 900140", "07700900141", "+44 (0)7700 900142", "0113 496 0143", "020 7946 0144"]
IPS = ["198.51.100.7", "203.0.113.9", "192.0.2.55", "2001:db8::17"]
POSTCODES = ["RG1 1AA", "rg11ab", "EH1 1YZ", "cf10 1aa"]


def personal_columns() -> None:
    """Personal-data columns behind innocent headers (inference must drop them)."""
    rng = random.Random(12)
    n = 200
    rows = []
    for i in range(n):
        rows.append(
            [
                f"P{i + 1:03d}",
                NAMES[i] if i < len(NAMES) else f"{FIRST[i % 10]} {LAST[i // 10 % 20]}",
                EMAILS[i % 3] if i < 15 else "",
                IPS[i % len(IPS)] if i < 12 else f"10.0.{i // 200}.{i % 200 + 1}",
                PHONES[i % len(PHONES)] if i < 10 else "",
                POSTCODES[i % len(POSTCODES)],
                rng.choice(["North", "South", "East", "West"]),
                _agree(rng, 0.5),
            ]
        )
    _write(
        "personal_columns.csv",
        [
            "Response ID",
            "Respondent",
            "Your email (optional)",
            "User IP",
            "Contact number",
            "Postcode",
            "Area",
            "I feel safe in my local area",
        ],
        rows,
    )


FREE_TEXT_COMMON = {"Nothing": 50, "More patrols": 20, "Street lights": 15}
FREE_TEXT_UNIQUE = [
    "Officers who actually live in the area and know us",
    "Answer the phone when we ring about the dealing",
    "Come to the youth club and talk to the kids",
    "Stop parking on the pavement outside the school",
    "Ring me on 07700 900150 and I will explain",
    "Deal with the scooters on the towpath at night",
    "More visible presence near the bus station",
    "Fix the CCTV by the shops, it has been broken for months",
    "Listen to the residents association for once",
    "Treat young black men with respect when you stop them",
    "Follow up on reports instead of closing them",
    "Have a surgery at the library every month",
    "Better lighting along the canal path please",
    "Less stop and search without reason",
    "I was never told what happened with my burglary",
    "Patrol the park after dark, it is not safe",
    "Get to know the shop keepers on the high street",
    "More women officers in the neighbourhood team",
    "Send the PCSO round the flats more often",
    "Explain how to report things online",
    "Publish what happens to the complaints we make",
    "Speak to the mosque committee before events",
    "Stop the speeding on the main road",
    "Faster response to antisocial behaviour",
    "Honestly I do not know what would help",
]
HEARD = ["Social media", "Word of mouth", "Poster or leaflet"]
HEARD_OTHER = [
    "my neighbour amina.k@example.com told me",
    "Leaflet through my door at RG1 1AA",
    "Text from 07700 900151",
]


def free_text() -> None:
    """A free-text question with repeated short answers (looks like a group), a multi-select
    with typed Other text."""
    rng = random.Random(13)
    answers = _shuffled(rng, FREE_TEXT_COMMON) + FREE_TEXT_UNIQUE
    rng.shuffle(answers)
    n = len(answers) + 20  # 20 left it blank
    answers += [""] * 20
    rows = []
    for i in range(n):
        chosen = [h for h in HEARD if rng.random() < 0.5] or [HEARD[0]]
        if i < len(HEARD_OTHER):
            chosen.append(HEARD_OTHER[i])
        rows.append(
            [
                f"F{i + 1:03d}",
                rng.choice(["North", "South", "East", "West"]),
                _agree(rng, 0.5),
                answers[i],
                ";".join(chosen),
            ]
        )
    _write(
        "free_text.csv",
        [
            "Response ID",
            "Area",
            "I feel safe in my local area",
            "What would make you feel safer",
            "How did you hear about us?",
        ],
        rows,
    )


RESULT_FIELDS = [
    "flag",
    "workstream",
    "share",
    "base",
    "question",
    "text",
    "option",
    "group",
    "significant",
]


def collisions() -> None:
    """Group columns named like result fields."""
    rng = random.Random(14)
    areas = _shuffled(rng, {"North": 70, "South": 60, "East": 45, "West": 7})
    n = len(areas)
    extra = {f: _shuffled(rng, {"A": 80, "B": 60, "C": n - 146, "D": 6}) for f in RESULT_FIELDS}
    p = {"North": 0.55, "South": 0.4, "East": 0.3, "West": 0.5}
    rows = []
    for i in range(n):
        rows.append(
            [f"K{i + 1:03d}", areas[i]]
            + [extra[f][i] for f in RESULT_FIELDS]
            + [_agree(rng, p[areas[i]] + d) for d in (0.0, 0.1, -0.1, 0.05)]
        )
    _write(
        "collisions.csv",
        ["Response ID", "Area", *RESULT_FIELDS]
        + [
            "I feel safe in my local area",
            "Police treat people with respect",
            "I would report a crime",
            "I trust the police",
        ],
        rows,
    )


def none_of_these() -> None:
    """Probe B2: a real option "(None of these)" chosen by 2."""
    rng = random.Random(15)
    answers = _shuffled(rng, {"Yes": 40, "No": 30, "(None of these)": 2, "": 3})
    rows = [[f"N{i + 1:03d}", a] for i, a in enumerate(answers)]
    _write("none_of_these.csv", ["Response ID", "Did you use any of our services?"], rows)


def dont_know() -> None:
    """A group of 3 who all answered "Don't know" (base 0 after exclusions)."""
    rng = random.Random(16)
    rows = []
    for i, area in enumerate(_shuffled(rng, {"North": 30, "South": 30, "East": 25, "Islands": 3})):
        answer = "Don't know" if area == "Islands" else _agree(rng, 0.5, dont_know=0.1)
        rows.append([f"D{i + 1:03d}", area, answer])
    _write("dont_know.csv", ["Response ID", "Area", "I feel safe in my local area"], rows)


ETHNIC_GROUPS = {
    "White": 90,
    "Asian or Asian British": 70,
    "Black, Black British, Caribbean or African": 50,
    "Mixed or Multiple ethnic groups": 30,
    "Arab": 6,
    "Gypsy or Irish Traveller": 4,
    "Any other ethnic group": 8,
}


def ethnicity() -> None:
    """Four ethnic groups of 30-90 respondents and three of 4-8."""
    rng = random.Random(17)
    groups = _shuffled(rng, ETHNIC_GROUPS)
    rows = []
    for i, g in enumerate(groups):
        rows.append(
            [f"E{i + 1:03d}", g, rng.choice(["North", "South", "East", "West"])]
            + [_agree(rng, p, dont_know=0.03) for p in (0.6, 0.45, 0.5, 0.35)]
        )
    _write(
        "ethnicity.csv",
        [
            "Response ID",
            "Ethnicity",
            "Area",
            "I feel safe in my local area",
            "Police treat people with respect",
            "I would report a crime",
            "I trust the police",
        ],
        rows,
    )


if __name__ == "__main__":
    labels()
    personal_columns()
    free_text()
    collisions()
    none_of_these()
    dont_know()
    ethnicity()
