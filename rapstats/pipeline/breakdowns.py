"""Which groups a report breaks down by, for each workstream, and which it leaves out and why.

``--by`` chooses the groups of every workstream. Otherwise the spec's ``[report]`` does:
``breakdowns`` (every workstream) and ``[report.breakdowns_by_workstream]`` (one workstream's
own); the groups named there are always broken down. Without ``breakdowns``, every spec group
that suits is: a group is left out when it is marked personal, has a single value (it would
only repeat the overall figures) or more than :data:`MAX_GROUP_LEVELS` values (derived periods
are always kept); the report and stderr say which and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rapstats.pipeline.survey import Opened
    from rapstats.spec import Spec

# A grouping variable with more levels than this is not broken down in a report by default.
MAX_GROUP_LEVELS = 20


def candidate_groups(spec: Spec, by: tuple[str, ...] | None) -> tuple[str, ...]:
    """The groups a report may break down by, to read with the export: ``by`` if given, else
    the spec's ``[report]`` lists, or every group not marked personal."""
    if by:
        return tuple(by)
    report = spec.report
    default = (
        tuple(g.name for g in spec.groups if not g.personal)
        if report.breakdowns is None
        else report.breakdowns
    )
    own = (g for groups in report.breakdowns_by_workstream.values() for g in groups)
    return tuple(dict.fromkeys((*default, *own)))


@dataclass(frozen=True, slots=True)
class Breakdowns:
    """The report's breakdowns: the groups to summarise, each workstream's, those left out."""

    groups: tuple[str, ...]
    # workstream name -> its groups; a workstream not in it: every group (as with --by)
    layout: dict[str, tuple[str, ...]]
    single_level: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]  # (group, why), groups the default leaves out

    @property
    def notes(self) -> tuple[str, ...]:
        """One note (stderr) per group not broken down, saying why."""
        single = "every response has the same value"
        return tuple(f"not broken down by {g}: {single}" for g in self.single_level) + tuple(
            f"not broken down by {g}: {why}" for g, why in self.left_out
        )


def choose_breakdowns(
    opened: Opened, groups: tuple[str, ...], by: tuple[str, ...] | None, workstreams: list[str]
) -> Breakdowns:
    """The breakdowns of a report on ``opened`` among the candidate ``groups``
    (:func:`candidate_groups`), for the sections ``workstreams`` (their names)."""
    if by:
        return Breakdowns(tuple(by), {}, (), ())
    spec = opened.spec
    report = spec.report
    named = set(report.breakdowns or ())
    named.update(g for gs in report.breakdowns_by_workstream.values() for g in gs)
    auto: list[str] = []  # the default breakdowns, when the spec names none for all
    single: list[str] = []
    left_out: list[tuple[str, str]] = []
    if report.breakdowns is None:
        defaults = tuple(g.name for g in spec.groups if not g.personal)
        for name, (n, non_blank) in _levels(opened, defaults).items():
            if n <= 1:
                single.append(name)
            elif spec.group(name).derive is None and non_blank > MAX_GROUP_LEVELS:
                left_out.append((name, _too_many(non_blank)))
            else:
                auto.append(name)
        left_out += [(g.name, _PERSONAL) for g in spec.groups if g.personal]
    kept = tuple(g for g in groups if g in named or g in auto)
    default = tuple(auto) if report.breakdowns is None else report.breakdowns
    layout = {ws: report.breakdowns_for(ws, default) for ws in workstreams}
    return Breakdowns(
        kept,
        layout,
        tuple(g for g in single if g not in named),
        tuple((g, why) for g, why in left_out if g not in named),
    )


_PERSONAL = (
    "it is marked personal (personal = true); name it in the spec's [report] breakdowns or "
    "with --by to break down by it"
)


def _too_many(n: int) -> str:
    return (
        f"it has {n} values, more than the {MAX_GROUP_LEVELS} a report breaks down by unless "
        "the group is named in the spec's [report] breakdowns or with --by"
    )


def _levels(opened: Opened, groups: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """The number of values of each group, and of its values other than blank."""
    from rapstats.labels import BLANK_LABEL
    from rapstats.normalise import normalise

    if not groups:
        return {}
    coded = normalise(opened.export, replace(opened.spec, questions=()), by=groups).groups
    return {
        name: (len(coded[name][1]), sum(v != BLANK_LABEL for v in coded[name][1]))
        for name in groups
    }
