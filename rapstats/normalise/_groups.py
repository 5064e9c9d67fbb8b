"""Code a grouping variable: its levels (combined, ordered) and each respondent's level."""

from __future__ import annotations

import difflib

import numpy as np

from rapstats.errors import SpecError
from rapstats.io import Coded, Export
from rapstats.labels import BLANK_LABEL
from rapstats.normalise._periods import periods
from rapstats.spec import Group, fold_label


def code_group(
    export: Export, g: Group, found: tuple[str, Coded]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each respondent's level of group ``g`` and the levels present, in the group's order
    (the spec's ``order``, then by label; :data:`BLANK_LABEL` last)."""
    column, coded = found
    if g.derive:
        per_category, levels = periods(export, coded, g.derive, column)
        levels.append(BLANK_LABEL)  # code -1: a blank cell
        level_codes = np.append(per_category, len(levels) - 1)
    else:
        labels = [" ".join(c.split()) or BLANK_LABEL for c in coded.categories]
        labels.append(BLANK_LABEL)  # code -1: a blank cell
        levels = list(dict.fromkeys(labels))
        position = {v: i for i, v in enumerate(levels)}
        level_codes = np.array([position[v] for v in labels], dtype=np.int64)
    if g.combine:
        levels, merged = _combined(levels, g)
        level_codes = merged[level_codes]
    _check_order(g, levels, export, column)
    group_codes = level_codes[coded.codes]
    used = np.bincount(group_codes, minlength=len(levels)) > 0
    present = [str(v) for v, u in zip(levels, used, strict=True) if u]
    ordered = sorted(present, key=group_sort_key(g))
    order = {label: i for i, label in enumerate(ordered)}
    remap = np.array([order.get(str(v), -1) for v in levels], dtype=np.int32)
    return remap[group_codes], tuple(ordered)


def _combined(levels: list[str], g: Group) -> tuple[list[str], np.ndarray]:
    """Levels after the spec's ``combine`` merges, and each old level's new index."""
    into = {fold_label(m): label for label, members in g.combine.items() for m in members}
    new = [into.get(fold_label(v), v) for v in levels]
    unique = list(dict.fromkeys(new))
    position = {v: i for i, v in enumerate(unique)}
    return unique, np.array([position[v] for v in new], dtype=np.int64)


def _check_order(g: Group, levels: list[str], export: Export, column: str) -> None:
    """Refuse a group ``order`` that names a label the column lacks while leaving out one it
    has: a typo ("Nrth") that would silently sort that group last. Labels of groups with no
    responses in this export (another wave's areas) are fine when every value is ordered."""
    folded = {fold_label(v): v for v in levels if v != BLANK_LABEL}
    ordered = {fold_label(o) for o in g.order}
    unknown = [o for o in g.order if fold_label(o) not in folded]
    left_out = [v for k, v in folded.items() if k not in ordered]
    if g.order and unknown and left_out:
        hit = difflib.get_close_matches(fold_label(unknown[0]), [fold_label(v) for v in left_out])
        suggestion = f'did you mean "{folded[hit[0]]}"? ' if hit else ""
        raise SpecError(
            f"groups.{g.name}.order names {unknown[0]!r}, which is not a value of the column, "
            f"and leaves out {left_out[0]!r}",
            path=export.path,
            column=column,
            hint=suggestion + f"correct [groups.{g.name}].order to list the column's values",
        )


def group_sort_key(g: Group):  # noqa: ANN202 - a sort key
    order = {fold_label(o): i for i, o in enumerate(g.order)}

    def key(label: str) -> tuple[int, int, str]:
        blank = label == BLANK_LABEL
        return (int(blank), order.get(fold_label(label), len(order)), label.casefold())

    return key
