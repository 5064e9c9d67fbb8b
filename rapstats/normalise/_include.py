"""Which responses are counted: the spec's ``[survey] include``, and completed responses.

``include = { Finished = ["True", "1"] }`` maps export columns to the values a response must
hold (matched as labels are, by :func:`~rapstats.labels.fold_label`; a blank cell matches
none): the other responses are left out before anything is coded, and how many is said in
the outputs (:class:`Included`). :func:`completed_only` adds each platform's completion
column to it (``--completed-only``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from rapstats.errors import InputError
from rapstats.io import Export
from rapstats.normalise._columns import ColumnFinder
from rapstats.spec import Spec, fold_label

#: Per platform: the column that says a response was completed, and the values saying so.
COMPLETION: dict[str, tuple[str, tuple[str, ...]]] = {"qualtrics": ("Finished", ("True", "1"))}
#: Platforms whose exports hold only completed responses (a response is recorded on submit).
ONLY_COMPLETED: dict[str, str] = {"msforms": "Microsoft Forms", "googleforms": "Google Forms"}
_NAMES = {"surveymonkey": "a SurveyMonkey", "plain": "a plain (hand-made)", "spss": "an SPSS"}


@dataclass(frozen=True, slots=True)
class Included:
    """The responses counted under ``[survey] include``: ``rule`` (export column -> the
    values accepted), the responses read and how many were left out."""

    rule: Mapping[str, tuple[str, ...]]
    rows_read: int
    left_out: int

    def record(self) -> dict[str, object]:
        """The JSON ``input`` block's entry ``included``: the rule, the responses counted
        and those left out."""
        return {
            "rule": {c: list(v) for c, v in self.rule.items()},
            "rows_counted": self.rows_read - self.left_out,
            "rows_left_out": self.left_out,
        }

    def left_out_item(self) -> dict[str, object]:
        """The responses left out as an entry of the JSON ``input`` block's ``left_out``."""
        return {
            "what": "rows",
            "count": self.left_out,
            "reason": f"[survey] include: {self.described}",
        }

    @property
    def described(self) -> str:
        """The rule in words: ``Finished is True or 1``."""
        return "; ".join(f"{c} is {' or '.join(v)}" for c, v in self.rule.items())

    def note(self) -> str:
        """The note for the command line (stderr)."""
        return (
            f"left out {self.left_out} of {self.rows_read} responses by [survey] include "
            f"({self.described})"
        )

    def sentence(self, wave: str | None = None) -> str:
        """The methods note: which responses are counted and how many were left out (in
        ``wave``, one of several)."""
        where = f" in {wave}" if wave else ""
        return (
            f"Only responses where {self.described} are counted ([survey] include){where}: "
            f"{self.rows_read - self.left_out} of {self.rows_read} responses read; "
            f"{self.left_out} left out."
        )


def include_rows(export: Export, spec: Spec) -> tuple[Export, Included | None]:
    """``export`` with only the responses ``spec.include`` accepts, and what was left out
    (None when the spec includes every response).

    Raises
    ------
    SpecError
        An ``include`` column is not in the export.
    InputError
        No response is left.
    """
    if not spec.include:
        return export, None
    keep, included = _accepted(export, spec)
    if keep.all():
        return export, included
    columns = {c: col.take(keep) for c, col in export.columns.items()}
    return replace(export, columns=columns, row_numbers=export.row_numbers[keep]), included


def included_of(export: Export, spec: Spec) -> Included | None:
    """What ``spec.include`` leaves out of ``export`` (None when it includes every
    response), without selecting the rows: for the notes of the command line."""
    return _accepted(export, spec)[1] if spec.include else None


def _accepted(export: Export, spec: Spec) -> tuple[np.ndarray, Included]:
    """Per response: whether ``spec.include`` accepts it; and the :class:`Included`."""
    finder = ColumnFinder(export, spec)
    keep = np.ones(export.rows_read, dtype=bool)
    rule = {}
    for name, values in spec.include.items():
        column, coded = finder.get(name, "include")
        accepted = {fold_label(v) for v in values}
        hit = [fold_label(c) in accepted for c in coded.categories] + [False]
        keep &= np.asarray(hit, dtype=bool)[coded.codes]
        rule[column] = values
    if not keep.any():
        listed = "; ".join(f'"{c}" is {" or ".join(v)}' for c, v in rule.items())
        raise InputError(
            f"no response has {listed} ([survey] include)",
            path=export.path,
            hint="check the values in [survey] include against the export's",
        )
    return keep, Included(rule, export.rows_read, int((~keep).sum()))


def completion_columns() -> list[str]:
    """The completion columns of every platform (read with ``--completed-only``)."""
    return [column for column, _ in COMPLETION.values()]


def completed_only(spec: Spec, export: Export) -> tuple[Spec, str | None]:
    """``spec`` counting only completed responses of ``export``'s platform, and a note for
    platforms whose exports hold nothing else.

    Raises
    ------
    InputError
        The platform has no completion column (SurveyMonkey, hand-made and SPSS files), or
        the export lacks it: the fix is ``[survey] include`` on a column of the export.
    """
    platform = export.platform
    if platform in ONLY_COMPLETED:
        return spec, (
            f"{ONLY_COMPLETED[platform]} exports hold only completed responses "
            "(--completed-only leaves none out)"
        )
    fix = (
        "name the column that says a response is complete in the spec: [survey] include = "
        '{ COLUMN = ["VALUE"] }'
    )
    if platform not in COMPLETION:
        raise InputError(
            f"--completed-only: {_NAMES.get(platform, 'a ' + platform)} export has no column "
            "saying whether a response was completed",
            path=export.path,
            hint=fix
            + (", or export only completed responses" if platform == "surveymonkey" else ""),
        )
    column, values = COMPLETION[platform]
    if ColumnFinder(export, spec).find(column) is None:
        raise InputError(
            f'--completed-only: the {platform} export has no "{column}" column',
            path=export.path,
            hint=f'export it again with the "{column}" column, or {fix}',
        )
    if any(fold_label(c) == fold_label(column) for c in spec.include):
        return spec, None  # the spec's own rule for that column stands
    return replace(spec, include={**spec.include, column: values}), None
