"""Where the exact sums of weights come from: the respondents' weights (:class:`SplitWeights`)
or the sums of rows counted elsewhere (:class:`RowSums`, the Spark engine's rows of distinct
answers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rapstats.aggregate._exact import ExactSums, split


@dataclass(frozen=True, slots=True)
class RowSums:
    """Exact sums of the weights over the responses each row of a Responses stands for.

    Rows of distinct answers, as the Spark engine counts them (``aggregate(frequency=,
    sums=)``). Row ``i``'s sum of the weights is ``sum_j w[i, j] * 2**(32 * (low_w + j))``;
    ``w2`` likewise, the sum of each weight squared in float64 first (``fl(w * w)``). Weights
    as ``Responses.weights`` carries them: the parsed weight divided by ``2**weight_scale``
    (``weight_scale``: the frexp exponent of the whole export's largest weight,
    :mod:`rapstats.normalise`). Limbs as :mod:`rapstats.aggregate._exact` makes them (limb
    ``k`` of a value ``v`` is ``floor(v / 2**(32*k)) mod 2**32``, the last signed), made by
    any engine: Spark sums of longs, numpy, Python integers.

    Attributes
    ----------
    w : numpy.ndarray
        int64, ``(n, width)``: limbs of each row's sum of the weights.
    low_w : int
        The position of limb 0 of ``w``.
    w2 : numpy.ndarray
        int64, ``(n, width2)``: limbs of each row's sum of the squared weights.
    low_w2 : int
        The position of limb 0 of ``w2``.
    """

    w: np.ndarray
    low_w: int
    w2: np.ndarray
    low_w2: int

    def add(self, sums: ExactSums, bins: np.ndarray, power: int, among: np.ndarray | None) -> None:
        """Add the rows' sums of the weights (``power`` 1) or of their squares (2) into
        ``sums``, each into its bin; ``among``: only the rows where it is True."""
        limbs, low = (self.w, self.low_w) if power == 1 else (self.w2, self.low_w2)
        sums.add_limbs(bins, limbs, low, among)


class SplitWeights:
    """The respondents' weights ``w`` and ``fl(w * w)``, split into limb pieces once (per
    export or batch) for every sum they enter; the sums are of the weights times
    ``2**scale`` (their squares times ``2**(2 * scale)``).

    Parameters
    ----------
    w : numpy.ndarray
        The weights (float64, finite).
    scale : int
        Power of two the sums are scaled by (default 0).
    """

    def __init__(self, w: np.ndarray, scale: int = 0) -> None:
        self.splits = {1: split(w, scale), 2: split(w * w, 2 * scale)}

    def add(self, sums: ExactSums, bins: np.ndarray, power: int, among: np.ndarray | None) -> None:
        """Add the weights (``power`` 1) or their squares (2) into ``sums``, each into its
        bin; ``among``: only the respondents where it is True."""
        sums.add(bins, self.splits[power], among)
