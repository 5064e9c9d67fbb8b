"""Answer labels rapstats gives a meaning to, shared by inference and normalisation.

Each set holds labels folded with :func:`rapstats.spec.fold_label`. Inference calls a column a
tick box only when every value is in :data:`TICKED`; normalisation counts exactly those values
as ticks and :data:`UNTICKED` ones as not ticked, so a spec inferred from an export always
reads that export.
"""

from __future__ import annotations

TICKED: frozenset[str] = frozenset(
    {"1", "x", "y", "yes", "true", "ticked", "checked", "selected", "\u2713", "\u2714"}
)
UNTICKED: frozenset[str] = frozenset(
    {"0", "n", "no", "false", "unticked", "unchecked", "not checked", "not selected"}
)

__all__ = ["TICKED", "UNTICKED"]
