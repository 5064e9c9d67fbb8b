"""Personal data in exports (issue 11, point 3), through the CLI on small files in tests/data.

* pii_columns.csv: personal-data columns whose headers say nothing (Respondent, "Your email
  (optional)", Contact number, User IP, Postcode), next to look-alikes that are not personal:
  region names in capitalised words, answer labels, comments that mention an e-mail address.
* pii_freetext_group.csv: short free-text answers (each given once) that were inferred as a
  grouping variable.

Example identifiers are the reserved ones (Ofcom drama numbers, RFC 5737/3849 addresses,
example.org, Royal Mail's example postcodes).
"""

from __future__ import annotations

import csv
import json

import pytest
from conftest import ROOT, run

DATA = ROOT / "tests" / "data"
PII_COLUMNS = DATA / "pii_columns.csv"
FREETEXT = DATA / "pii_freetext_group.csv"
DROPPED = ["Respondent", "Your email (optional)", "Contact number", "User IP", "Postcode"]


def _note(result) -> str:
    lines = [x for x in result.stderr.splitlines() if "dropped personal-data columns" in x]
    assert len(lines) == 1, result.stderr
    return lines[0].split(": ", 2)[-1]


def test_personal_columns_dropped_by_content_whatever_the_header(runner):
    result = run(runner, "init", PII_COLUMNS)
    assert result.exit_code == 0, result.output
    assert _note(result) == ", ".join(DROPPED)
    spec = result.stdout
    for column in DROPPED:
        assert f'"{column}"' not in spec
    # not personal: region names (capitalised words, but repeated and no given names), the
    # answers, and comments that only mention an e-mail address (quoted later, redacted)
    assert '[groups.Region]\ncolumn = "Region"' in spec
    assert '[groups.Area]\ncolumn = "Area"' in spec
    assert 'column = "The council listens"' in spec
    assert 'column = "Comments"\ntext = "Comments"\ntype = "text"' in spec


def test_no_personal_value_reaches_the_summary(runner):
    result = run(runner, "summarize", PII_COLUMNS, "--by", "Region", "--format", "json")
    assert result.exit_code == 0, result.output
    raw = PII_COLUMNS.read_text(encoding="utf-8")
    for line in raw.splitlines()[1:]:
        name, email, phone, ip, postcode = line.split(",")[:5]
        for value in (name, email, phone, ip, postcode):
            if value:
                assert value not in result.stdout
    assert {r["group"].get("Region") for r in json.loads(result.stdout)["rows"]} == {
        None,
        "East Midlands",
        "North East",
        "North West",
        "South East",
        "South West",
        "West Midlands",
    }


def test_a_group_declared_personal_keeps_its_column(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[groups.pc]\ncolumn = "Postcode"\npersonal = true\n\n'
        '[questions.q1]\ncolumn = "The council listens"\n'
        'options = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", '
        '"Strongly disagree"]\npositive = ["Strongly agree", "Agree"]\n',
        encoding="utf-8",
    )
    result = run(runner, "summarize", PII_COLUMNS, "--spec", spec, "--by", "pc")
    assert result.exit_code == 0, result.output
    assert "dropped personal-data columns" not in result.stderr
    # a spec naming a personal column it does not keep is told why the column is missing
    spec.write_text(spec.read_text(encoding="utf-8").replace("personal = true\n", ""))
    result = run(runner, "summarize", PII_COLUMNS, "--spec", spec, "--by", "pc")
    assert result.exit_code == 1
    assert "holds personal data and was left out at load" in result.output
    assert "personal = true" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_area_with_one_email_is_not_a_personal_column(runner, tmp_path):
    # mostly North/South: the column stays (the e-mail is a label, redacted where published)
    path = tmp_path / "area.csv"
    rows = ["Area,Q"] + ["North,Yes"] * 12 + ["South,No"] * 12 + ["jo@example.org,Yes"] * 2
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(runner, "init", path)
    assert result.exit_code == 0, result.output
    assert "dropped personal-data columns" not in result.stderr
    assert '[groups.Area]\ncolumn = "Area"' in result.stdout


def test_names_found_by_shape_distinctness_and_given_names(runner, tmp_path):
    # a name column is dropped; a column of distinct capitalised two-word labels that are not
    # names (event titles), and repeated staff names used as a group, are not
    names = ["Jane Smith", "Ali Khan", "Priya Patel", "Tom Jones", "Sarah Brown", "Liam Murphy"]
    names += ["Grace Okafor", "Fatima Begum", "Oliver Evans", "Chloe Walker", "Imran Hussain"]
    names += ["Lucy Green"]
    events = ["Town Hall", "Civic Centre", "Market Square", "Riverside Park", "Library Hall"]
    events += ["Fire Station", "Abbey Church", "Leisure Centre", "Guild Hall", "Corn Exchange"]
    events += ["Sports Ground", "Bus Depot"]
    lines = ["Person,Venue,Answer"]
    for i, name in enumerate(names):
        lines.append(f"{name},{events[i]},{['Strongly agree', 'Agree', 'Disagree'][i % 3]}")
    path = tmp_path / "names.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(runner, "init", path)
    assert result.exit_code == 0, result.output
    assert _note(result) == "Person"
    assert '"Venue"' in result.stdout


def test_free_text_is_never_inferred_as_a_group(runner):
    result = run(runner, "init", FREETEXT)
    assert result.exit_code == 0, result.output
    assert "[groups.could_we_better]" not in result.stdout
    assert (
        'column = "What could we do better"\ntext = "What could we do better"\ntype = "text"'
        in (result.stdout)
    )
    result = run(runner, "summarize", FREETEXT, "--by", "Area", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "More parking" not in result.stdout and "07700" not in result.stdout


def test_by_a_text_question_is_refused(runner, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[questions.q1]\ncolumn = "The council listens"\n'
        'options = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", '
        '"Strongly disagree"]\npositive = ["Strongly agree", "Agree"]\n\n'
        '[questions.better]\ncolumn = "What could we do better"\ntype = "text"\n',
        encoding="utf-8",
    )
    for by in ("What could we do better", "better"):
        for command in ("summarize", "freq", "comments"):
            result = run(runner, command, FREETEXT, "--spec", spec, "--by", by)
            assert result.exit_code == 1, (command, result.output)
            lines = result.output.strip().splitlines()
            assert len(lines) == 1 and "free-text question better" in lines[0], lines
            assert "cannot be a group" in lines[0]
    # the same without a spec: inference makes the column a text question
    result = run(runner, "summarize", FREETEXT, "--by", "What could we do better")
    assert result.exit_code == 1
    assert "cannot be a group" in result.output


COMMENTS = DATA / "pii_comments_groups.csv"
COMMENTS_SPEC = """
[disclosure]
min_base = 10

[groups.area]
column = "Area"

[groups.ethnicity]
column = "Ethnicity"

[groups.loc]
column = "External Reference"
personal = true

[questions.q]
column = "Q"
options = ["Yes", "No"]
positive = ["Yes"]

[questions.comment]
column = "Comment"
type = "text"
"""


def test_comments_of_a_small_group_are_withheld_in_every_run(runner, tmp_path):
    # pii_comments_groups.csv: 24 respondents, 22 comments (rows R08 and R10 blank); Area
    # North/South 12 each; Ethnicity "Group B" has 4 respondents (R04, R09, R16, R21), below
    # min_base 10, so their 4 comments are withheld whichever group the comments are shown
    # by, and without --by: every run quotes the same 18 comments.
    spec = tmp_path / "spec.toml"
    spec.write_text(COMMENTS_SPEC, encoding="utf-8")
    quoted = {}
    for by in ((), ("--by", "area"), ("--by", "ethnicity"), ("--by", "loc")):
        result = run(runner, "comments", COMMENTS, "--spec", spec, *by, "--format", "json")
        assert result.exit_code == 0, (by, result.output)
        doc = json.loads(result.stdout)
        texts = sorted(c["comment"] for c in doc["comments"])
        quoted[by] = texts
        assert len(texts) == 18
        assert not any("small group" in t for t in texts)
        assert doc["n_withheld"] == 4
        assert "ethnicity: Group B" in doc["withheld_groups"]
        assert "jo@example.org" not in result.stdout
        assert "Write to me at [redacted: email]" in texts
    assert len({tuple(t) for t in quoted.values()}) == 1


# Typed "Other" answers of a multi-select: (file, column, known choices, separator)
OTHER_FILES = [
    (
        "pii_other_googleforms.csv",
        "Why did you attend?",
        ["Work", "Family, friends or neighbours", "Health"],
        ", ",
    ),
    (
        "pii_other_msforms.csv",
        "Which topics should we focus on?",
        ["Policing", "Housing", "Schools"],
        ";",
    ),
    ("pii_other_handmade.csv", "Travelled by", ["Bus", "Train", "Car"], ";"),
]


def _typed_others(path, column, choices):
    """Cells holding something besides the known choices (counted from the raw file)."""
    with path.open(encoding="utf-8", newline="") as f:
        cells = [row[column] for row in csv.DictReader(f)]
    typed = []
    for cell in cells:
        rest = cell
        for choice in sorted(choices, key=len, reverse=True):
            rest = rest.replace(choice, "")
        if rest.strip(" ,;"):
            typed.append(rest.strip(" ,;"))
    return typed


@pytest.mark.parametrize(("name", "column", "choices", "sep"), OTHER_FILES)
def test_typed_other_answers_count_as_other_and_are_never_labels(
    runner, name, column, choices, sep
):
    path = DATA / name
    typed = _typed_others(path, column, choices)
    assert typed  # the file has typed answers
    result = run(runner, "init", path)
    assert result.exit_code == 0, result.output
    options = next(line for line in result.stdout.splitlines() if line.startswith("options = "))
    assert json.loads(options.removeprefix("options = ")) == [
        *sorted(choices, key=options.index),
        "Other",
    ]
    for command in ("summarize", "freq"):
        for fmt in ("csv", "json", "markdown"):
            out = run(runner, command, path, "--format", fmt)
            assert out.exit_code == 0, out.output
            for text in typed:
                assert text.split(":")[-1].strip() not in out.stdout
    out = run(runner, "freq", path, "--format", "json", "--unsafe-no-suppression")
    rows = {r["answer"]: r["count"] for r in json.loads(out.stdout)["rows"]}
    assert rows["Other"] == len(typed)


def test_a_spec_with_an_other_option_counts_typed_answers(runner, tmp_path):
    path = DATA / "pii_other_handmade.csv"
    spec = tmp_path / "spec.toml"
    body = '[questions.travel]\ncolumn = "Travelled by"\ntype = "multi"\nseparator = ";"\n'
    spec.write_text(body + 'options = ["Bus", "Train", "Car", "Other"]\n', encoding="utf-8")
    out = run(runner, "freq", path, "--spec", spec, "--format", "json", "--unsafe-no-suppression")
    assert out.exit_code == 0, out.output
    rows = {r["answer"]: r["count"] for r in json.loads(out.stdout)["rows"]}
    assert rows["Other"] == 3  # HM005, HM010, HM018 wrote "Other: ..." / "Other - ..."
    # without an Other option, a typed answer is an error that says how to count it
    spec.write_text(body + 'options = ["Bus", "Train", "Car"]\n', encoding="utf-8")
    out = run(runner, "freq", path, "--spec", spec)
    assert out.exit_code == 1
    assert 'add "Other" to [questions.travel].options' in out.output
    assert len(out.output.strip().splitlines()) == 1


def test_surveymonkey_other_column_is_the_option_other_and_free_text(runner):
    path = DATA / "surveymonkey.csv"
    result = run(runner, "init", path)
    assert result.exit_code == 0, result.output
    assert 'options = ["Bus", "Train", "Car", "Other"]' in result.stdout
    # the typed text stays a text question, quoted only by `comments`
    assert '- Other (please specify)"\ntext = "Which of these did you use?' in result.stdout
    out = run(runner, "freq", path, "--format", "json", "--unsafe-no-suppression")
    rows = json.loads(out.stdout)["rows"]
    other = next(
        r for r in rows if r["question"] == "which_these_did_use" and r["answer"] == "Other"
    )
    with path.open(encoding="utf-8", newline="") as f:
        body = list(csv.reader(f))[2:]
    assert other["count"] == sum(1 for r in body if r[13].strip())  # column 14: typed Other
    assert "Bike" not in out.stdout and "Walked" not in out.stdout


def test_comment_group_labels_are_redacted(runner, tmp_path):
    # an e-mail address typed as an Area by 12 respondents: their group is large enough to
    # quote, but its label is redacted in every format
    path = tmp_path / "area.csv"
    rows = ["Area,Q,Comment"]
    rows += [f"North,Yes,North comment {i}" for i in range(12)]
    rows += [f"jo@example.org,No,Other comment {i}" for i in range(12)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[groups.area]\ncolumn = "Area"\n\n[questions.q]\ncolumn = "Q"\noptions = ["Yes", "No"]\n'
        'positive = ["Yes"]\n\n[questions.c]\ncolumn = "Comment"\ntype = "text"\n',
        encoding="utf-8",
    )
    for fmt in ("table", "csv", "json", "markdown"):
        result = run(runner, "comments", path, "--spec", spec, "--by", "area", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "jo@example.org" not in result.stdout
        assert "[redacted: email]" in result.stdout
        assert result.stdout.count("Other comment") == 12


def test_comments_skip_a_declared_group_dropped_as_personal_data(runner, tmp_path):
    # [groups.loc] on "External Reference" without personal = true: the column is dropped at
    # load, the group can never be published, so `comments` runs (withholding by the others)
    spec = tmp_path / "spec.toml"
    spec.write_text(
        COMMENTS_SPEC.replace("\npersonal = true", ""),
        encoding="utf-8",
    )
    result = run(runner, "comments", COMMENTS, "--spec", spec, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["n_withheld"] == 4
    result = run(runner, "comments", COMMENTS, "--spec", spec, "--by", "loc")
    assert result.exit_code == 1
    assert "holds personal data and was left out at load" in result.output
