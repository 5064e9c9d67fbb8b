"""Survey weights: checked positive and finite, scaled so that sums of squares stay in range."""

from __future__ import annotations

import numpy as np

from rapstats._arrow import to_numpy
from rapstats.errors import InputError
from rapstats.io import Coded, Export


def parse_weights(export: Export, found: tuple[str, Coded]) -> tuple[np.ndarray, int]:
    """The weight of each response, scaled, and the power of two it was divided by (see
    :func:`_scaled`); an error names the first weight that is blank, not a number or not
    positive."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column, coded = found
    try:
        values = to_numpy(pc.cast(pc.utf8_trim_whitespace(coded.arrow()), pa.float64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # some are not numbers: say which
        values = np.array([_number(c) for c in coded.categories], dtype=float)
    w = np.append(values, np.nan)[coded.codes]
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        code = int(coded.codes[i])
        shown = "blank" if code < 0 else f'"{coded.categories[code]}"'
        raise InputError(
            f"weight is {shown}, not a positive number ({int(bad.sum())} rows in all)",
            path=export.path,
            row=int(export.row_numbers[i]),
            column=column,
            hint="give every response a positive weight, or remove [survey].weight",
        )
    return _scaled(w, export, column)


#: Largest ratio of the largest weight to the smallest that is estimated (10^15: beyond it
#: squared weights leave the range of floating point and the small weights count for nothing).
MAX_WEIGHT_RATIO = 1e15


def _scaled(w: np.ndarray, export: Export, column: str) -> tuple[np.ndarray, int]:
    """Weights divided by a power of two near the largest (exact; shares and their variances
    do not depend on the scale of the weights), so that sums of w² neither overflow nor
    underflow. A spread wider than ``MAX_WEIGHT_RATIO`` is an error naming both rows."""
    if not len(w):
        return w, 0
    hi, lo = int(np.argmax(w)), int(np.argmin(w))
    if w[hi] / MAX_WEIGHT_RATIO > w[lo]:
        raise InputError(
            f"weights range from {w[lo]:g} (row {int(export.row_numbers[lo])}) to {w[hi]:g} "
            f"(row {int(export.row_numbers[hi])}), a ratio above {MAX_WEIGHT_RATIO:g}",
            path=export.path,
            column=column,
            hint="check the weight column; survey weights differ by a few orders of magnitude",
        )
    exponent = int(np.frexp(w[hi])[1])
    return np.ldexp(w, -exponent), exponent


def _number(text: str) -> float:
    """A weight's text as a number; NaN when it is not one."""
    try:
        return float(text.strip())
    except ValueError:
        return np.nan
