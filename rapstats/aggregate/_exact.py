"""Exactly rounded sums of floating-point values: the same bits whatever the order of addition.

A float64 is an integer times a power of two, so a sum of float64 values is an exact binary
fraction. Here it is kept exactly, as integer *limbs*: limb ``j`` of a sum holds its bits of
weight ``2**(BITS * (low + j))`` to ``2**(BITS * (low + j + 1) - 1)``. Each value is split into
three pieces below ``2**BITS`` at consecutive limbs (:func:`split`), the pieces are added per
bin and limb as integers (so the order of addition does not matter), and each sum is rounded to
the nearest float64 once, at the end, ties to even (:func:`rounded`): the *exactly rounded* sum,
which is what ``math.fsum`` returns.

Because integer addition is associative, the sums of the batches of a streamed export, of the
parts of a partitioned one, or of the rows Spark groups (in whatever order its executors finish)
add up to the same limbs, hence the same bits, as the sum over the whole export in one go. Any
engine can make the limbs: limb ``k`` of a value ``v`` is ``floor(v / 2**(BITS*k)) mod
2**BITS``, and the limbs of a sum are the sums of its values' limbs.

The pieces are added with ``np.bincount`` in chunks of :data:`CHUNK` values, whose
floating-point sums stay below ``2**53`` and so are exact; the sums are carried
(:func:`carried`) after each chunk so that no int64 limb comes near overflow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BITS = 32
"""Bits per limb."""
_RADIX = float(2**BITS)
CHUNK = 1 << 19
"""Values per ``np.bincount``: pieces are below ``2**32``, so the sums of a chunk's three
pieces at a limb are below ``3 * 2**51`` and exact."""


@dataclass(frozen=True, slots=True)
class Split:
    """Float64 values split into limb pieces (:func:`split`).

    Attributes
    ----------
    pieces : numpy.ndarray
        float64, shape ``(3, n)``: integers below ``2**BITS`` in size (negative for negative
        values); value ``i`` is ``sum_j pieces[j, i] * 2**(BITS * (low + at[i] + j))``.
    at : numpy.ndarray
        int64, shape ``(n,)``: the limb of each value's first piece, counted from ``low``.
    low : int
        The lowest limb of any value.
    """

    pieces: np.ndarray
    at: np.ndarray
    low: int

    @property
    def width(self) -> int:
        """Limbs from ``low`` to the highest piece of any value."""
        return int(self.at.max()) + 3 if len(self.at) else 0


def split(values: np.ndarray, scale: int = 0) -> Split:
    """Finite float64 ``values`` (times ``2**scale``) as limb pieces: each value exactly, in
    three pieces.

    Examples
    --------
    >>> s = split(np.array([0.1, 3.0, -2.5]))
    >>> sums = ExactSums(3)
    >>> sums.add(np.arange(3), s)
    >>> sums.rounded().tolist()
    [0.1, 3.0, -2.5]
    """
    whole_limbs, scale = divmod(scale, BITS)
    values = np.asarray(values, dtype=np.float64)
    if scale:
        values = np.ldexp(values, scale)  # below BITS bits: the rest moves the limbs
    if not np.isfinite(values).all():
        raise ValueError("only finite values have exact sums")
    magnitude = np.abs(values)
    _, exponent = np.frexp(magnitude)  # magnitude < 2**exponent, lowest bit >= 2**(exponent-53)
    nonzero = magnitude > 0
    first = np.floor_divide(exponent.astype(np.int64) - 53, BITS)
    first = np.maximum(first, (-1074) // BITS)  # subnormals: lowest bit 2**-1074
    low = int(first[nonzero].min()) if nonzero.any() else 0
    first[~nonzero] = low
    whole = np.ldexp(magnitude, -BITS * first)  # an integer below 2**85: exact
    upper = np.floor(whole / _RADIX)
    top = np.floor(upper / _RADIX)
    pieces = np.stack([whole - upper * _RADIX, upper - top * _RADIX, top])
    negative = values < 0
    if negative.any():
        pieces[:, negative] *= -1.0
    return Split(pieces, first - low, low + whole_limbs)


def limbs_of(values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, int]:
    """The limbs of ``counts[i]`` copies of each of ``values`` added up (exactly: ``counts[i] *
    values[i]``), as rows (int64, ``(n, width)``) and the position of limb 0: what
    :meth:`ExactSums.add_limbs` takes. ``counts``: integers from 0 to ``2**31 - 1``.

    Examples
    --------
    >>> limbs, low = limbs_of(np.array([0.1, 2.5]), np.array([3, 2]))
    >>> sums = ExactSums(2)
    >>> sums.add_limbs(np.arange(2), limbs, low)
    >>> sums.rounded().tolist()  # 3 * 0.1 exactly, rounded once
    [0.30000000000000004, 5.0]
    """
    counts = np.asarray(counts, dtype=np.int64)
    if len(counts) and (counts.min() < 0 or counts.max() >= 1 << (BITS - 1)):
        raise ValueError("counts of copies run from 0 to 2**31 - 1")
    s = split(values)
    limbs = np.zeros((len(counts), s.width + 1), dtype=np.int64)
    rows = np.arange(len(counts))
    for j in range(3):  # a piece below 2**32 times a count below 2**31: below 2**63
        limbs[rows, s.at + j] += s.pieces[j].astype(np.int64) * counts
    return carried(limbs), s.low


class ExactSums:
    """Exact sums of values per bin, added in any order; :meth:`rounded` gives floats.

    Parameters
    ----------
    size : int
        Number of bins.

    Examples
    --------
    >>> sums = ExactSums(2)
    >>> sums.add(np.array([0, 1, 0]), split(np.array([0.1, 1.0, 0.2])))
    >>> sums.rounded().tolist()  # 0.1 + 0.2 exactly, then rounded once
    [0.30000000000000004, 1.0]
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.limbs = np.zeros((size, 0), dtype=np.int64)
        self.low = 0

    def add(self, bins: np.ndarray, values: Split, among: np.ndarray | None = None) -> None:
        """Add each value into the sum of its bin (``bins``: one per value, below ``size``);
        ``among``: only the values where it is True."""
        if values.width == 0:
            return
        self._cover(values.low, values.low + values.width)
        width = self.limbs.shape[1]
        index = bins * width + (values.at + (values.low - self.low))
        bins_total = self.size * width
        if among is not None:
            index = np.where(among, index, bins_total)  # a last bin, dropped
        for start in range(0, len(index), CHUNK):
            chunk = index[start : start + CHUNK]
            total = np.zeros(bins_total + 1)
            for j in range(3):
                piece = values.pieces[j, start : start + CHUNK]
                total[j:] += np.bincount(chunk, piece, bins_total + 1)[: bins_total + 1 - j]
            self._take(total[:bins_total])

    def add_limbs(
        self, bins: np.ndarray, limbs: np.ndarray, low: int, among: np.ndarray | None = None
    ) -> None:
        """Add rows of integer limbs (int64, ``(n, width)``, limb 0 at position ``low``), each
        into the sum of its bin: sums made elsewhere (another batch, a Spark job); ``among``:
        only the rows where it is True."""
        if among is not None:
            bins, limbs = bins[among], limbs[among]
        if limbs.shape[1] == 0:
            return
        limbs = carried(limbs)
        self._cover(low, low + limbs.shape[1])
        offset = low - self.low
        for start in range(0, len(bins), CHUNK):
            chunk = bins[start : start + CHUNK]
            total = np.zeros((self.size, self.limbs.shape[1]))
            for j in range(limbs.shape[1]):
                column = limbs[start : start + CHUNK, j].astype(np.float64)
                total[:, offset + j] = np.bincount(chunk, column, self.size)
            self._take(total.reshape(-1))

    def merge(self, other: ExactSums, into: np.ndarray | None = None) -> None:
        """Add the sums of ``other`` (its bin ``i`` into bin ``into[i]``; default the same)."""
        self.add_limbs(np.arange(other.size) if into is None else into, other.limbs, other.low)

    def rounded(self, scale: int = 0) -> np.ndarray:
        """The sum of each bin (times ``2**scale``), rounded to the nearest float64 (ties to
        even)."""
        return rounded(self.limbs, self.low, scale)

    def _take(self, total: np.ndarray) -> None:
        """Add exact integer sums (float64, flat ``size * width``) into the limbs, carried."""
        self.limbs += total.astype(np.int64).reshape(self.limbs.shape)
        self.limbs = carried(self.limbs)

    def _cover(self, low: int, high: int) -> None:
        """Widen the limbs to positions ``low`` (included) to ``high`` (excluded) and one
        more, for carries."""
        high += 1
        if self.limbs.shape[1] == 0:
            self.limbs = np.zeros((self.size, high - low), dtype=np.int64)
            self.low = low
            return
        below = max(0, self.low - low)
        above = max(0, high - (self.low + self.limbs.shape[1]))
        if below or above:
            self.limbs = np.pad(self.limbs, ((0, 0), (below, above)))
            self.low -= below


def carried(limbs: np.ndarray) -> np.ndarray:
    """The same values with every limb but the last in ``[0, 2**BITS)`` (the last keeps the
    sign), one limb wider when the last would be ``2**(BITS - 1)`` or more in size."""
    limbs = np.array(limbs, dtype=np.int64)
    for j in range(limbs.shape[1] - 1):
        carry = limbs[:, j] >> BITS  # floor: a negative limb borrows
        limbs[:, j] -= carry << BITS
        limbs[:, j + 1] += carry
    if limbs.shape[1] and (np.abs(limbs[:, -1]) >= 1 << (BITS - 1)).any():
        return carried(np.pad(limbs, ((0, 0), (0, 1))))
    return limbs


def rounded(limbs: np.ndarray, low: int, scale: int = 0) -> np.ndarray:
    """Values given as limbs (see the module notes), times ``2**scale``, rounded to the
    nearest float64, ties to even (0.0 for zero; the result a normal number or zero)."""
    limbs = carried(limbs)
    out = np.zeros(len(limbs))
    negative = limbs[:, -1] < 0 if limbs.shape[1] else np.zeros(len(limbs), dtype=bool)
    if negative.any():
        limbs[negative] = carried(-limbs[negative])[:, : limbs.shape[1]]
    rows = np.flatnonzero((limbs != 0).any(axis=1))
    if len(rows) == 0:
        return out
    padded = np.pad(limbs[rows], ((0, 0), (2, 0)))  # two zero limbs below the lowest
    r = np.arange(len(rows))
    top = padded.shape[1] - 1 - np.argmax(padded[:, ::-1] != 0, axis=1)  # highest nonzero
    first, second, third = (padded[r, top - k].astype(np.uint64) for k in range(3))
    bits = np.frexp(first.astype(np.float64))[1].astype(np.uint64)  # 1..BITS: top's bits
    shift = np.uint64(BITS) - bits
    window = (first << (np.uint64(BITS) + shift)) | (second << shift)  # from the leading bit
    window |= third >> (np.uint64(BITS) - shift)
    lost = third & ((np.uint64(1) << (np.uint64(BITS) - shift)) - np.uint64(1))
    below = np.cumsum(padded != 0, axis=1)[r, np.maximum(top - 3, 0)] > 0
    sticky = (lost != 0) | (below & (top >= 3))  # anything under the 64-bit window
    mantissa, rest = window >> np.uint64(11), window & np.uint64(0x7FF)
    half, odd = np.uint64(0x400), (mantissa & np.uint64(1)) == 1
    up = (rest > half) | ((rest == half) & (sticky | odd))
    value = mantissa.astype(np.float64) + up  # exact: at most 2**53
    exponent = 11 + BITS * (top.astype(np.int64) - 2 + low - 1) - shift.astype(np.int64)
    exponent += scale
    magnitude = np.ldexp(value, exponent)
    out[rows] = np.where(negative[rows], -magnitude, magnitude)
    return out
