"""Compare two waves of a survey: the change of every headline share, tested and protected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapstats.pipeline.report import wave_change
from rapstats.pipeline.survey import Estimation, ReadOptions, open_survey

if TYPE_CHECKING:
    from rapstats.estimate.summary import Summary
    from rapstats.spec import Spec
    from rapstats.table import Table


@dataclass(frozen=True, slots=True)
class Comparison:
    """The protected change between two waves (:func:`rapstats.estimate.waves.compare_waves`)
    and the two protected headline summaries it was computed from."""

    changes: Table
    earlier: Summary
    later: Summary


def compare_files(
    earlier: str | Path,
    later: str | Path,
    spec: str | Path | Spec | None = None,
    *,
    read: ReadOptions | None = None,
    estimation: Estimation | None = None,
    unsafe_no_suppression: bool = False,
) -> tuple[Comparison, tuple[str, ...]]:
    """The change of every headline share from the ``earlier`` export to the ``later`` one.

    Both are read with one spec (given, else inferred from the later export) and the same
    ``read`` options; ``estimation`` overrides the spec's defaults (default: none). A question
    absent from one wave is left out. Each wave is protected as a headline publication, and a
    change is withheld where either wave's share is.

    Returns
    -------
    comparison : Comparison
    notes : tuple of str
        What the user should be told (rows read from each export, columns dropped...).
    """
    read = read or ReadOptions()
    now = open_survey(later, spec, read=read)
    before = open_survey(earlier, now.spec, read=read)
    protected_now, protected_before, changes = wave_change(
        now, before, estimation or Estimation(), unsafe_no_suppression
    )
    comparison = Comparison(changes=changes, earlier=protected_before, later=protected_now)
    return comparison, before.notes + now.notes
