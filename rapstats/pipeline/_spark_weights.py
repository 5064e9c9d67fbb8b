"""Weights and designs on the Spark engine (:mod:`rapstats.pipeline.spark`).

Spark reads the weight as the local engine does and sums, per distinct combination of group
values, answers and design values, the exact limbs of the scaled weights and of their squares
(:mod:`rapstats.io._spark_weights`); here those sums become the :class:`RowSums` that
:func:`rapstats.aggregate.aggregate` counts the combinations with. A design without a weight
column weighs each response N_h / n_h (``fpc``) or 1: those weights are made here, with n_h
the stratum's responses (not its combinations) when each response is its own PSU.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from rapstats.errors import InputError

if TYPE_CHECKING:
    from rapstats.aggregate import RowSums
    from rapstats.io.spark import FramePlan, Limbs
    from rapstats.normalise import Responses
    from rapstats.spec import Spec


def weight_limbs(plan: FramePlan, column: str | None) -> tuple[Limbs | None, bool]:
    """The limbs of the weight ``column`` for Spark to sum (one Spark job; None without a
    weight, or when it was not read), and whether a weight is bad (not a positive number,
    or the weights spread wider than the local engine allows; a blank one is found with the
    cells, ``Counted.blank_weights``): then :func:`weight_error` gives the local error."""
    from rapstats.io.spark import SPACE, Limbs, weight_range
    from rapstats.normalise import MAX_WEIGHT_RATIO

    if not column or plan.alias(column) is None:
        return None, False  # no weight, or the column error, raised with the local order
    found = weight_range(plan, column, SPACE)
    if found.bad or found.high / MAX_WEIGHT_RATIO > found.low:
        return None, True
    if math.isnan(found.high):  # no responses
        return None, False
    return Limbs.of(column, found, math.frexp(found.high)[1]), False


def weight_error(plan: FramePlan, spec: Spec) -> None:
    """Raise the local engine's error for the bad weights of the dataset: its weight and
    design columns read on Spark, every row (memory grows with the rows: only for an
    error)."""
    from rapstats.io.spark import ODD_LIMIT, first_rows
    from rapstats.normalise import normalise

    d = spec.design
    columns = tuple(c for c in (d.weight, d.strata, d.ids, d.fpc) if c)
    normalise(first_rows(plan, (), columns), replace(spec, questions=()))
    raise InputError(  # every weight is valid, but many are written as no decimal number is
        f"has more than {ODD_LIMIT} distinct weights not written as decimal numbers (such as "
        '"1_000"), too many for the Spark engine',
        path=plan.path,
        column=d.weight,
        hint="write the weights as decimal numbers (1000, 1.5e3), or use the local engine",
    )


def design_of(responses: Responses, frequency: np.ndarray) -> Responses:
    """``responses`` (distinct combinations, each ``frequency`` responses) with the weights
    of a design without ``ids`` made from the stratum's responses: N_h / n_h with n_h its
    responses (the local engine's), not its combinations. An InputError when the fpc gives
    a stratum fewer PSUs than it has responses (the caller looks up the local error)."""
    from rapstats.normalise import DesignCodes

    d = responses.design
    if d is None or d.psus or not responses.spec.design.fpc:
        return responses  # PSUs are counted right; or every weight is 1
    stratum = d.psu_stratum[d.psu]
    n_h = np.bincount(stratum, frequency, len(d.strata))
    if not np.all(d.fpc <= 1) and np.any(d.fpc < n_h):  # populations, not fractions
        raise InputError(
            "the fpc gives a stratum fewer PSUs than it has responses",
            column=responses.spec.design.fpc,
            hint="check the fpc column against the strata column",
        )
    weights = DesignCodes.stratum_weights(d.fpc, n_h)[stratum]
    return replace(responses, weights=weights, design=replace(d, weights=weights))


def row_sums(
    responses: Responses, frequency: np.ndarray, limbs: np.ndarray | None, of: Limbs | None
) -> RowSums | None:
    """The exact sums of the weights of each combination's responses: Spark's ``limbs``
    (columns as ``of`` names them), or those of a design's own weights (N_h / n_h or 1);
    None for an unweighted spec without a design."""
    from rapstats.aggregate import RowSums, limbs_of

    if limbs is not None and of is not None:
        w, w2 = limbs[:, : of.width_w], limbs[:, of.width_w : of.width_w + of.width_w2]
        return RowSums(w, of.low_w, w2, of.low_w2)
    if responses.design is None:
        return None
    w = responses.design.weights
    (sums, low), (sums2, low2) = limbs_of(w, frequency), limbs_of(w * w, frequency)
    return RowSums(sums, low, sums2, low2)
