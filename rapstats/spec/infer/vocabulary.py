"""What inference recognises, by name and by label: answer scales, non-answers, column names.

Labels here are folded (:func:`~rapstats.labels.fold_label`) and stripped of leading numbering
and end punctuation (:func:`label_key`); column names are folded with ``_``, ``-`` and ``.``
read as spaces (:func:`name_key`).
"""

from __future__ import annotations

import re

from rapstats.headers import ENGLISH, header_key
from rapstats.labels import fold_label

# Each scale: tiers most positive first; a tier is (labels, positive, core). Core tiers are
# always listed as options (the first label when unseen); optional tiers only when seen.
Tier = tuple[tuple[str, ...], bool, bool]
SCALES: dict[str, tuple[Tier, ...]] = {
    "agree": (
        (("strongly agree", "agree strongly", "completely agree"), True, True),
        (("agree", "tend to agree", "mostly agree"), True, True),
        (("somewhat agree", "slightly agree"), False, False),
        (
            (
                "neither agree nor disagree",
                "neither agree or disagree",
                "neither agree/disagree",
                "neutral",
            ),
            False,
            True,
        ),
        (("somewhat disagree", "slightly disagree"), False, False),
        (("disagree", "tend to disagree", "mostly disagree"), False, True),
        (("strongly disagree", "disagree strongly", "completely disagree"), False, True),
    ),
    "confidence": (
        (("very confident", "extremely confident", "completely confident"), True, True),
        (("fairly confident", "quite confident", "somewhat confident", "confident"), True, True),
        (("not very confident", "slightly confident", "not confident"), False, True),
        (("not at all confident", "not confident at all"), False, True),
    ),
    "satisfaction": (
        (("very satisfied", "extremely satisfied", "completely satisfied"), True, True),
        (("fairly satisfied", "quite satisfied", "somewhat satisfied", "satisfied"), True, True),
        (
            ("neither satisfied nor dissatisfied", "neither satisfied or dissatisfied"),
            False,
            True,
        ),
        (
            ("fairly dissatisfied", "quite dissatisfied", "somewhat dissatisfied", "dissatisfied"),
            False,
            True,
        ),
        (("very dissatisfied", "extremely dissatisfied", "completely dissatisfied"), False, True),
    ),
    "quality": (
        (("very good", "excellent"), True, True),
        (("good", "fairly good", "quite good"), True, True),
        (("neither good nor poor", "neither good nor bad", "fair", "average"), False, True),
        (("poor", "fairly poor", "bad", "fairly bad"), False, True),
        (("very poor", "very bad"), False, True),
    ),
    "frequency": (
        (("always", "all of the time"), True, True),
        (("often", "usually", "most of the time", "very often"), True, True),
        (("sometimes", "some of the time"), False, True),
        (("rarely", "occasionally", "hardly ever", "seldom"), False, True),
        (("never", "none of the time"), False, True),
    ),
    "yes_no": (
        (("yes",), True, True),
        (("no",), False, True),
    ),
}
# Answers left out of the base; the first of each set is the canonical label.
EXCLUDED: frozenset[str] = frozenset(
    {
        "don't know",
        "dont know",
        "do not know",
        "don't know / not sure",
        "don't know/not sure",
        "not sure",
        "unsure",
        "prefer not to say",
        "prefer not to answer",
        "rather not say",
        "would rather not say",
        "i'd rather not say",
        "not applicable",
        "n/a",
        "na",
        "can't say",
        "cannot say",
        "no opinion",
    }
)
ID_NAMES = frozenset(
    {
        "id",
        "respondent id",
        "respondentid",
        "response id",
        "responseid",
        "record id",
        "submission id",
        "reference",
        "ref",
        "respondent ref",
        "case id",
        "respondent",
        "uuid",
    }
)
# Timestamp names, best first (completion beats start).
TIME_NAMES = (
    "submitted at",
    "submitted",
    "submission date",
    "completion time",
    "timestamp",
    "recordeddate",
    "recorded date",
    "enddate",
    "end date",
    "end time",
    "date submitted",
    "created at",
    "startdate",
    "start date",
    "start time",
    "date",
)
METADATA_NAMES = frozenset(
    {
        "status",
        "progress",
        "duration (in seconds)",
        "duration",
        "finished",
        "distributionchannel",
        "userlanguage",
        "collector id",
        "last modified time",
        "total points",
        "quiz feedback",
        "q recaptchascore",
        "q relevantidduplicate",
        "q relevantidduplicatescore",
        "q relevantidfraudscore",
        "q relevantidlaststartdate",
        "responseset",
    }
)
# A survey weight is inferred only from a column named as one (a question such as "Weight (kg)"
# or "Birth weight" is not): names as folded by name_key.
WEIGHT_NAMES = frozenset(
    {
        "weight",
        "weights",
        "wt",
        "wgt",
        "weighting",
        "weighting factor",
        "weight factor",
        "design weight",
        "final weight",
        "survey weight",
        "sampling weight",
        "sample weight",
        "calibration weight",
        "final wt",
    }
)
TEXT_NAME_RE = re.compile(r"\b(comment|comments|feedback|please explain|anything else|tell us)\b")
OPEN_NAME_RE = re.compile(r"(please specify|open-ended response|[_ ]text$|other.*text)")
TYPED_OTHER_RE = re.compile(r"(other|something else)\s*[:\-]\s*\S")  # "Other: cycling"
DATE_RE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?.*)?$")
NUMBERED_RE = re.compile(r"^\(?\d{1,2}\s*[-.=:)]\s*")
MAX_INFERRED_GROUP_LEVELS = 1000  # most levels of an inferred grouping variable
MAX_MULTI_OPTIONS = 40  # most choices of a multi-select question in one joined column
MAX_LABELS = 2000  # most distinct values kept per column; more are too many to be categories
MAX_ODD_LABELS = 3  # labels off an answer scale that still leave it a scale


def label_key(label: str) -> str:
    """Matching key of a label: folded, leading "1 - " numbering and end punctuation gone."""
    key = NUMBERED_RE.sub("", fold_label(label))
    return key.strip(" .!")


def name_key(name: str) -> str:
    """Matching key of a column name: folded, with ``_``, ``-`` and ``.`` read as spaces; a
    platform's translated metadata header is read as the English one (:mod:`rapstats.headers`)."""
    return ENGLISH.get(header_key(name)) or " ".join(
        re.sub(r"[_\-.]+", " ", fold_label(name)).split()
    )


#: Each scale label (as :data:`SCALES` lists it) -> (its scale, its tier).
SCALE_INDEX: dict[str, tuple[str, int]] = {
    label: (scale, tier)
    for scale, tiers in SCALES.items()
    for tier, (labels, _, _) in enumerate(tiers)
    for label in labels
}
