"""Survey weights on Spark: parsed as the local engine parses them, summed exactly in limbs.

Parsing. The local engine casts each trimmed weight to float64 with Arrow, and when Arrow
refuses one, reads every weight with Python's ``float`` (:mod:`rapstats.normalise`). For a
plain decimal (:data:`DECIMAL`: ``1.5``, ``+.5``, ``1e3``, any number of digits) Arrow, Python
and Spark's cast all give the correctly rounded float64, infinity past the largest and zero
below the smallest, so Spark casts those. Anything else (``1,5``, ``inf``, ``1_000``...) is
rare: its distinct values are brought here, read by the local rule, and the valid ones sent
back to Spark as a map (:func:`weight_range`).

Sums. The local engine divides the weights by ``2**scale`` (the exponent of the largest) and
sums them exactly (:mod:`rapstats.aggregate`, in limbs of 32 bits). Here each row's scaled
weight ``w`` and ``fl(w * w)`` are split into the same limbs with Spark arithmetic that is exact
on float64 (a product by a power of two, ``pmod`` by ``2**32``, ``floor``): limb ``k`` of ``v``
is ``floor(v / 2**(32 k)) mod 2**32``; summed as longs in any order they are the exact sums
(:func:`limb_columns`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

DECIMAL = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
"""A weight Spark casts as Arrow does: a plain decimal number (ASCII digits)."""
ODD_LIMIT = 1000
"""The most distinct weights written otherwise (``1_000``) read here and sent back to Spark."""
BITS = 32  # bits per limb, as rapstats.aggregate's exact sums
_LIMB = float(2**BITS)


@dataclass(frozen=True, slots=True)
class WeightRange:
    """What one pass over the weight column found (see :func:`weight_range`).

    Attributes
    ----------
    bad : int
        Rows whose weight is blank, not a number, or not positive and finite.
    low, high : float
        The smallest and largest valid weight (nan when none is).
    odd : dict
        The valid weights not written as plain decimals, by their text, as parsed here.
    """

    bad: int
    low: float
    high: float
    odd: dict[str, float] = field(default_factory=dict)


def weight_range(plan: Any, column: str, space: str) -> WeightRange:
    """The range of the weights not blank, in one Spark job that reads only their column
    (two more when some are written other than as plain decimals, see the module notes);
    blank weights are counted with the cells (:func:`limb_columns`). ``space``: the white
    space trimmed from values, as a Java regex class body."""
    from pyspark.sql import functions as F

    text = _trimmed(F.col(plan.alias(column)), space)
    filled = plan.frame.select(text.alias("t")).filter(F.col("t") != "")  # null: blank too
    found = _pass(filled, {})
    if found.range.bad or not found.odd_rows:  # bad weights: the local engine names the first
        return found.range
    from rapstats.io.spark import collect_arrow

    odd = filled.filter(~F.col("t").rlike(DECIMAL))
    texts = collect_arrow(odd.distinct().limit(ODD_LIMIT + 1))["t"].to_pylist()
    values = dict(zip(texts, local_numbers(texts), strict=True))
    valid = {t: v for t, v in values.items() if math.isfinite(v) and v > 0}
    if len(texts) > ODD_LIMIT or len(valid) < len(values):
        return replace(found.range, bad=found.odd_rows)
    return _pass(filled, valid).range


def local_numbers(texts: list[str]) -> list[float]:
    """Trimmed weights read as the local engine reads them when one of them is not a plain
    decimal: Arrow's cast, or Python's ``float`` of each if Arrow refuses any (nan: not a
    number)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(pa.array(texts, pa.string()), pa.float64()).to_pylist()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return [_float(t) for t in texts]


def _float(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        return math.nan


def parsed(text: Any, odd: dict[str, float]) -> Any:
    """The weight of a trimmed text column: a double, null when it is not a number."""
    from pyspark.sql import functions as F

    other = F.lit(None).cast("double")
    if odd:
        pairs = [x for t, v in sorted(odd.items()) for x in (F.lit(t), F.lit(v))]
        other = F.try_element_at(F.create_map(*pairs), text)
    return F.when(text.rlike(DECIMAL), text.cast("double")).otherwise(other)


@dataclass(frozen=True, slots=True)
class _Pass:
    range: WeightRange
    odd_rows: int  # rows not plain decimals and not in the map


def _pass(filled: Any, odd: dict[str, float]) -> _Pass:
    """Count the bad weights among the trimmed texts ``filled`` (column ``t``, none blank) and
    find the smallest and largest good one; ``odd``: the other spellings read so far."""
    from pyspark.sql import functions as F

    from rapstats.io.spark import collect_arrow

    text = F.col("t")
    w = parsed(text, odd)
    good = (w > 0) & (w < math.inf)  # NaN is above infinity in Spark
    unread = w.isNull() & ~text.rlike(DECIMAL)
    row = collect_arrow(
        filled.select(w.alias("w"), good.alias("good"), unread.alias("unread")).agg(
            F.count(F.when(~F.coalesce(F.col("good"), F.lit(False)), 1)).alias("bad"),
            F.count(F.when(F.col("unread"), 1)).alias("unread"),
            F.min(F.when(F.col("good"), F.col("w"))).alias("low"),
            F.max(F.when(F.col("good"), F.col("w"))).alias("high"),
        )
    ).to_pylist()[0]
    low, high = (math.nan if row[k] is None else row[k] for k in ("low", "high"))
    bad = row["bad"] - row["unread"]
    return _Pass(WeightRange(bad, low, high, odd), row["unread"])


def _trimmed(column: Any, space: str) -> Any:
    """A text column trimmed of white space as the local loader trims it (null stays null)."""
    from pyspark.sql import functions as F

    return F.regexp_replace(column, f"^[{space}]+|[{space}]+$", "")


@dataclass(frozen=True, slots=True)
class Limbs:
    """Which limbs to sum of the scaled weights and their squares.

    Attributes
    ----------
    column : str
        The weight's export column.
    odd : dict
        Valid weights not written as plain decimals (:class:`WeightRange`).
    scale : int
        Weights are divided by ``2**scale``.
    low_w, width_w : int
        The lowest limb of any scaled weight and how many limbs (the highest, above it).
    low_w2, width_w2 : int
        Likewise for the squares.
    """

    column: str
    odd: dict[str, float]
    scale: int
    low_w: int
    width_w: int
    low_w2: int
    width_w2: int

    @classmethod
    def of(cls, column: str, found: WeightRange, scale: int) -> Limbs:
        """The limbs holding every scaled weight between ``found.low`` and ``found.high``."""
        low, high = math.ldexp(found.low, -scale), math.ldexp(found.high, -scale)
        low_w, low_w2 = _limb(low, 53), _limb(low * low, 53)
        width_w, width_w2 = _limb(high, 1) - low_w + 1, _limb(high * high, 1) - low_w2 + 1
        return cls(column, found.odd, scale, low_w, width_w, low_w2, width_w2)

    def names(self) -> list[str]:
        """The names of the limb columns (``w0``..., then ``v0``... of the squares), then
        ``wb`` (blank weights)."""
        w = [f"w{j}" for j in range(self.width_w)]
        return [*w, *(f"v{j}" for j in range(self.width_w2)), "wb"]


def _limb(value: float, bit: int) -> int:
    """The limb of the bit ``bit`` places below the leading bit's successor (53: the
    lowest bit of a float64, 1: the leading bit)."""
    return (math.frexp(value)[1] - bit) // BITS


def limb_columns(plan: Any, limbs: Limbs, space: str) -> list[Any]:
    """Per row, the limbs of its scaled weight and of its square (longs, named
    :meth:`Limbs.names`): exact (see the module notes); and ``wb``, 1 when its weight is
    blank (null limbs), else 0."""
    from pyspark.sql import functions as F

    w = parsed(_trimmed(F.col(plan.alias(limbs.column)), space), limbs.odd)
    half = limbs.scale // 2  # two exact steps: 2**-scale alone may leave the range
    scaled = w * F.lit(math.ldexp(1.0, -half)) * F.lit(math.ldexp(1.0, half - limbs.scale))
    square = scaled * scaled
    out = []
    for prefix, value, low, width in (
        ("w", scaled, limbs.low_w, limbs.width_w),
        ("v", square, limbs.low_w2, limbs.width_w2),
    ):
        for j in range(width):
            shifted = value * F.lit(math.ldexp(1.0, -BITS * (low + j)))
            out.append(F.floor(F.pmod(shifted, F.lit(_LIMB))).cast("long").alias(f"{prefix}{j}"))
    return [*out, w.isNull().cast("long").alias("wb")]


__all__ = ["DECIMAL", "Limbs", "WeightRange", "limb_columns", "local_numbers", "weight_range"]
