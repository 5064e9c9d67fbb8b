"""Exactly rounded sums of floating-point values: the same bits whatever the order of addition.

A float64 is an integer times a power of two, so a sum of float64 values is an exact binary
fraction. Here it is kept exactly, as integer *limbs*: limb ``j`` of a sum holds its bits of
weight ``2**(BITS * (low + j))`` to ``2**(BITS * (low + j + 1) - 1)``. The pieces of the
values are added per bin as integers (so the order of addition does not matter), and each sum
is rounded to the nearest float64 once, at the end, ties to even (:func:`rounded`): the
*exactly rounded* sum, which is what ``math.fsum`` returns.

Because integer addition is associative, the sums of the batches of a streamed export, of the
parts of a partitioned one, or of the rows Spark groups (in whatever order its executors finish)
add up to the same limbs, hence the same bits, as the sum over the whole export in one go. Any
engine can make the limbs: limb ``k`` of a value ``v`` is ``floor(v / 2**(BITS*k)) mod
2**BITS``, and the limbs of a sum are the sums of its values' limbs.

How (:func:`split`, :meth:`ExactSums.add`): the values are put on one binary grid, from the
lowest bit of the smallest to the top of the largest, and cut into pieces of :data:`PIECE`
bits (integers, held exactly as float64): two pieces for values that span a ratio up to
``2**23``, as survey weights do. Each piece is added per bin with one ``np.bincount`` over
:data:`CHUNK` values at a time, whose floating-point sums stay below ``2**53`` and so are
exact; the chunk's sums are then placed into the int64 limbs and carried (:func:`carried`), so
that no limb comes near overflow. The values are split once, for every sum they enter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BITS = 32
"""Bits per limb."""
PIECE = 38
"""Bits per piece of a split value."""
CHUNK = 1 << (53 - PIECE)
"""Values per ``np.bincount`` of pieces: the sum of a chunk's pieces is below ``2**53`` and
exact."""
_LIMB_CHUNK = 1 << 20
"""Rows of carried limbs (below ``2**32``) per ``np.bincount``: sums below ``2**52``."""
_SPAN = 1000
"""Most bits on one grid: the values as integers on it stay below ``2**1000``, in range."""


@dataclass(frozen=True, slots=True)
class Split:
    """Float64 values cut into pieces on binary grids (:func:`split`).

    Attributes
    ----------
    grids : tuple of (int, numpy.ndarray)
        Per grid, its lowest bit position ``bottom`` and its pieces (float64, ``(m, n)``:
        integers below ``2**PIECE`` in size, negative for negative values): the values are the
        sums over grids of ``sum_k pieces[k] * 2**(bottom + PIECE * k)``. One grid unless the
        values span more than ``_SPAN`` bits (each value is then on one grid, zero on others).
    """

    grids: tuple[tuple[int, np.ndarray], ...]


def split(values: np.ndarray, scale: int = 0) -> Split:
    """Finite float64 ``values`` (times ``2**scale``) as pieces on binary grids, exactly.

    Examples
    --------
    >>> s = split(np.array([0.1, 3.0, -2.5]))
    >>> sums = ExactSums(3)
    >>> sums.add(np.arange(3), s)
    >>> sums.rounded().tolist()
    [0.1, 3.0, -2.5]
    """
    values = np.asarray(values, dtype=np.float64)
    magnitude = np.abs(values)
    if not np.isfinite(magnitude).all():
        raise ValueError("only finite values have exact sums")
    nonzero = magnitude[magnitude > 0]
    if not len(nonzero):
        return Split(())
    lowest = int(np.frexp(nonzero.min())[1])  # the smallest is below 2**lowest
    top = int(np.frexp(nonzero.max())[1])
    step = _SPAN - 53
    if top - lowest <= step:
        return Split((_grid(values, lowest, top, scale),))
    exponent = np.frexp(magnitude)[1]
    band = (exponent - lowest) // step
    grids = []
    for b in np.unique(band[magnitude > 0]).tolist():
        base = lowest + b * step
        grids.append(_grid(np.where(band == b, values, 0.0), base, base + step, scale))
    return Split(tuple(grids))


def _grid(values: np.ndarray, lowest: int, top: int, scale: int) -> tuple[int, np.ndarray]:
    """The values whose magnitudes lie from ``2**(lowest - 1)`` to below ``2**top`` (others
    zero) as pieces of one grid, from the lowest bit any can have (``2**(lowest - 53)``, or
    ``2**-1074``)."""
    bottom = max(lowest - 53, -1074)
    rest = np.ldexp(values, -bottom)  # integers below 2**(top - bottom): exact, in range
    pieces = []
    for _ in range(-(-(top - bottom) // PIECE) - 1):
        upper = np.trunc(rest * 2.0**-PIECE)
        pieces.append(rest - upper * 2.0**PIECE)  # the low PIECE bits, exactly
        rest = upper
    pieces.append(rest)
    return bottom + scale, np.stack(pieces)


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
    sums = ExactSums(len(counts))
    for bottom, pieces in split(values).grids:
        for k, piece in enumerate(pieces):  # each piece's 38 bits in two: below 2**62 times
            low = piece.astype(np.int64) & 0xFFFFFFFF
            high = (piece.astype(np.int64) - low) >> BITS
            sums.place([low * counts, high * counts], bottom + PIECE * k)
    return sums.limbs, sums.low


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
        size = self.size
        if among is not None:
            bins, size = np.where(among, bins, size), size + 1  # a last bin, dropped
        for bottom, pieces in values.grids:
            for start in range(0, len(bins), CHUNK):
                chunk = bins[start : start + CHUNK]
                totals = [
                    np.bincount(chunk, piece[start : start + CHUNK], size)[: self.size]
                    for piece in pieces
                ]
                self.place([t.astype(np.int64) for t in totals], bottom, PIECE)

    def place(self, totals: list[np.ndarray], bottom: int, step: int = BITS) -> None:
        """Add integers per bin (int64, each below ``2**63`` in size) at bit positions
        ``bottom``, ``bottom + step``, ... into the limbs, and carry."""
        positions = [bottom + step * k for k in range(len(totals))]
        first = positions[0] // BITS
        self._cover(first, positions[-1] // BITS + 3)
        for total, at in zip(totals, positions, strict=True):
            limb, shift = divmod(at, BITS)
            j = limb - self.low
            low = total & ((1 << (BITS - shift)) - 1)  # to limb j, shifted: below 2**32
            rest = total >> (BITS - shift)  # floor: the sign stays with the rest
            self.limbs[:, j] += low << shift
            self.limbs[:, j + 1] += rest & 0xFFFFFFFF
            self.limbs[:, j + 2] += rest >> BITS  # below 2**31 in size: rest is below 2**63
        self.limbs = carried(self.limbs)

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
        for start in range(0, len(bins), _LIMB_CHUNK):
            chunk = bins[start : start + _LIMB_CHUNK]
            total = np.zeros((self.size, self.limbs.shape[1]))
            for j in range(limbs.shape[1]):
                column = limbs[start : start + _LIMB_CHUNK, j].astype(np.float64)
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
