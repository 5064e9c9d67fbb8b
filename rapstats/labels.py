"""Answer labels rapstats gives a meaning to, shared by loading, inference and normalisation.

:func:`fold_label` is the one matching key of a label; each set holds folded labels.
Inference calls a column a tick box only when every value is in :data:`TICKED`;
normalisation counts exactly those values as ticks and :data:`UNTICKED` ones as not ticked,
so a spec inferred from an export always reads that export. Likewise both read a column of
joined choices with the platform's :data:`DEFAULT_SEPARATORS`, and :func:`is_other_label`
decides for both which choice takes typed "Other" answers.

Rapstats' own labels, :data:`BLANK_LABEL` and :data:`NOT_ANSWERED_LABEL`, name the rows and
levels that are not an answer: a blank cell, a multi-select question left unanswered.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: The level of a blank cell (a blank group value; a blank single-choice answer).
BLANK_LABEL = "(blank)"
#: The frequency row of respondents who ticked nothing in a multi-select question.
NOT_ANSWERED_LABEL = "(not answered)"

TICKED: frozenset[str] = frozenset(
    {"1", "x", "y", "yes", "true", "ticked", "checked", "selected", "\u2713", "\u2714"}
)
UNTICKED: frozenset[str] = frozenset(
    {"0", "n", "no", "false", "unticked", "unchecked", "not checked", "not selected"}
)

#: The separator between the chosen labels of a joined multi-select cell, per platform. With
#: no platform, inference tries each in this order (``", "`` before ``","``).
DEFAULT_SEPARATORS: dict[str, str] = {"msforms": ";", "googleforms": ", ", "qualtrics": ","}

_FOLD_TABLE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2013": "-", "\u2014": "-"}
)


@functools.lru_cache(maxsize=1 << 14)  # the same few labels, batch after batch
def fold_label(label: str) -> str:
    """Return the matching key of an answer label: NFKC, case-folded, spaces collapsed.

    Curly apostrophes and en/em dashes are folded to their ASCII forms, so that
    ``"Don’t  KNOW "`` and ``"Don't know"`` have the same key.
    """
    text = unicodedata.normalize("NFKC", str(label)).translate(_FOLD_TABLE)
    return " ".join(text.casefold().split())


_OTHER_RE = re.compile(r"(other|others|something else)\s*($|[(:\-,]|please\b)")


def is_other_label(label: str) -> bool:
    """Whether a multi-select label is the "Other" choice: ``Other``, ``Other (please
    specify)``, ``Other: cycling`` (typed text after it), ``Something else``; not ``Other
    ethnic group``. Typed answers that match no option count as this option."""
    return bool(_OTHER_RE.match(fold_label(label)))


_OTHER_PREFIX_RE = re.compile(
    r"^\s*(other|others|something else)\s*(\(please specify\))?\s*([:\-\u2013\u2014]|$)\s*",
    re.IGNORECASE,
)


def typed_other_text(text: str) -> str:
    """The typed text of an "Other" answer, without a leading ``Other:`` (``Other - cycling``
    gives ``cycling``; a bare ``Other (please specify)`` gives ``""``)."""
    return _OTHER_PREFIX_RE.sub("", text, count=1).strip()


__all__ = [
    "BLANK_LABEL",
    "DEFAULT_SEPARATORS",
    "NOT_ANSWERED_LABEL",
    "TICKED",
    "UNTICKED",
    "fold_label",
    "is_other_label",
    "typed_other_text",
]
