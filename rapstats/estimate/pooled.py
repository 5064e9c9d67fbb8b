"""Several exports of one survey as waves: each read on its own, pooled, estimated at once.

:func:`summarize_waves` normalises each export with one spec (a question none of whose
columns an export has was not asked in that wave), pools the waves into one survey whose
first grouping variable is :data:`~rapstats.normalise.WAVE`, and estimates it like any other
grouped survey, so protection and every output work unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapstats.estimate.summary import Summary, applied_spec, summary_of
from rapstats.estimate.wordings import source_of, wording_notes
from rapstats.io import Export
from rapstats.normalise import WAVE, check_asked, normalise, pool_waves
from rapstats.spec import Spec


def summarize_waves(
    exports: Sequence[Export],
    waves: Sequence[str],
    spec: Spec,
    *,
    by: tuple[str, ...] = (),
    with_frequencies: bool = True,
    **overrides: str | float | None,
) -> Summary:
    """Summarise several exports of one survey as waves: ``wave`` is the first grouping.

    Each export is normalised on its own with ``spec`` (a question none of whose columns
    it has was not asked in that wave: its rows are ``[z]``, and it is an error only when no
    export has it), then the waves are pooled into one survey grouped by
    :data:`~rapstats.normalise.WAVE` (then ``by``) and estimated at once.

    Parameters
    ----------
    exports : sequence of Export
        The waves, in order.
    waves : sequence of str
        Their names, one each (the levels of the ``wave`` group).
    spec, by, with_frequencies
        As :func:`summarize`; ``overrides`` are its ``method``, ``test``, ``confidence`` and
        ``adjust``.
    """
    by = (WAVE, *(b for b in by if b != WAVE))
    spec, names = applied_spec(spec, by, **overrides)
    check_asked(exports, spec)
    per_wave = [normalise(e, spec, by=names[1:], not_asked=True) for e in exports]
    source = {
        "rows_read": sum(e.rows_read for e in exports),
        "waves": [
            {"wave": w, **source_of(e, r)} for w, e, r in zip(waves, exports, per_wave, strict=True)
        ],
    }
    notes = wording_notes(spec, list(zip(waves, per_wave, strict=True)))
    pooled = pool_waves(per_wave, waves)
    return summary_of(pooled, names, source, notes, with_frequencies=with_frequencies)
