"""Answer labels rapstats gives a meaning to, shared by loading, inference and normalisation.

:func:`fold_label` is the one matching key of a label; each set holds folded labels.
Inference calls a column a tick box only when every value is in :data:`TICKED`;
normalisation counts exactly those values as ticks and :data:`UNTICKED` ones as not ticked,
so a spec inferred from an export always reads that export.
"""

from __future__ import annotations

import unicodedata

TICKED: frozenset[str] = frozenset(
    {"1", "x", "y", "yes", "true", "ticked", "checked", "selected", "\u2713", "\u2714"}
)
UNTICKED: frozenset[str] = frozenset(
    {"0", "n", "no", "false", "unticked", "unchecked", "not checked", "not selected"}
)

_FOLD_TABLE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2013": "-", "\u2014": "-"}
)


def fold_label(label: str) -> str:
    """Return the matching key of an answer label: NFKC, case-folded, spaces collapsed.

    Curly apostrophes and en/em dashes are folded to their ASCII forms, so that
    ``"Don’t  KNOW "`` and ``"Don't know"`` have the same key.
    """
    text = unicodedata.normalize("NFKC", str(label)).translate(_FOLD_TABLE)
    return " ".join(text.casefold().split())


__all__ = ["TICKED", "UNTICKED", "fold_label"]
