"""Shared validation and numeric helpers for :mod:`rapstats.stats` (private).

Nothing here imports scipy: the Wilson interval and the score test must run without it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np

STD_NORMAL = NormalDist()
_SQRT2 = math.sqrt(2.0)
_erfc = np.frompyfunc(math.erfc, 1, 1)


class ArgumentError(ValueError):
    """An invalid argument to a :mod:`rapstats.stats` function (a ``ValueError``).

    Raised only by argument validation, never by a computation, so a caller can report it as
    bad input without hiding a bug.
    """


def check_choice(name: str, value: Any, allowed: Sequence[str]) -> None:
    """Raise ``ArgumentError`` naming ``name`` unless ``value`` is one of ``allowed`` (exactly)."""
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ArgumentError(f"{name} must be one of {choices}; got {value!r}.")


def check_confidence(confidence: Any, name: str = "confidence") -> float:
    """Return ``confidence`` as a float strictly between 0 and 1, else raise ``ArgumentError``."""
    try:
        c = float(confidence)
    except (TypeError, ValueError):
        raise ArgumentError(
            f"{name} must be a number in (0, 1), e.g. 0.95; got {confidence!r}."
        ) from None
    if not 0.0 < c < 1.0:
        raise ArgumentError(
            f"{name} must be strictly between 0 and 1, e.g. 0.95; got {confidence!r}."
        )
    return c


def z_quantile(confidence: float) -> float:
    """Two-sided standard normal quantile ``qnorm(1 - (1 - confidence) / 2)`` (not 1.96)."""
    return STD_NORMAL.inv_cdf(1.0 - (1.0 - confidence) / 2.0)


def as_array(name: str, value: Any) -> np.ndarray:
    """Convert ``value`` to a float array; raise ``ArgumentError`` unless numeric and finite."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ArgumentError(
            f"{name} must be numeric (a number or an array of numbers); got {value!r}."
        ) from None
    if not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr.ravel()))[:3].tolist()
        raise ArgumentError(f"{name} must be finite (no NaN or infinity); bad positions {bad}.")
    return arr


def _first(mask: np.ndarray) -> list[int]:
    return np.flatnonzero(mask.ravel())[:3].tolist()


def broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast named arrays together, or raise ``ArgumentError`` naming them."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ArgumentError(
            f"{' and '.join(arrays)} cannot be broadcast together: {shapes}."
        ) from None


def counts(x: Any, n: Any, xname: str = "x", nname: str = "n") -> tuple[np.ndarray, np.ndarray]:
    """Validate and broadcast a count ``x`` out of a base ``n`` (0 <= x <= n, n > 0).

    Fractional counts (a share times a base) are accepted.
    """
    xa = as_array(xname, x)
    na = as_array(nname, n)
    xa, na = broadcast(**{xname: xa, nname: na})
    if np.any(na <= 0):
        raise ArgumentError(
            f"{nname} must be positive (n > 0); got {nname}={na.ravel()[_first(na <= 0)].tolist()}"
            f" at positions {_first(na <= 0)}."
        )
    bad = (xa < 0) | (xa > na)
    if np.any(bad):
        pos = _first(bad)
        raise ArgumentError(
            f"{xname} must satisfy 0 <= {xname} <= {nname}; got {xname}="
            f"{xa.ravel()[pos].tolist()}, {nname}={na.ravel()[pos].tolist()} at positions {pos}."
        )
    return xa, na


def check_integer(name: str, arr: np.ndarray) -> None:
    """Raise ``ArgumentError`` unless every element of ``arr`` is a whole number."""
    bad = arr != np.round(arr)
    if np.any(bad):
        got = arr.ravel()[_first(bad)].tolist()
        raise ArgumentError(f"{name} must be whole numbers for an exact test; got {got}.")


def probability(name: str, value: Any, *, open_interval: bool = False) -> np.ndarray:
    """Validate a probability in [0, 1] (or (0, 1) when ``open_interval``)."""
    arr = as_array(name, value)
    bad = (arr <= 0) | (arr >= 1) if open_interval else (arr < 0) | (arr > 1)
    if np.any(bad):
        rng = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ArgumentError(f"{name} must be {rng}; got {arr.ravel()[_first(bad)].tolist()}.")
    return arr


def is_scalar(*values: Any) -> bool:
    """True when every input is a scalar (so results are returned as plain floats)."""
    return all(np.ndim(v) == 0 for v in values)


def finish(arr: np.ndarray, scalar: bool) -> Any:
    """Return a Python float for scalar inputs, else the array."""
    if scalar:
        return float(np.asarray(arr).reshape(()))
    return np.asarray(arr, dtype=float)


def normal_sf(z: np.ndarray) -> np.ndarray:
    """Upper normal tail P(Z >= z), via ``math.erfc`` (no scipy)."""
    z = np.asarray(z, dtype=float)
    return np.asarray(_erfc(z / _SQRT2), dtype=float).reshape(z.shape) / 2.0


def normal_p_value(z: np.ndarray, alternative: str) -> np.ndarray:
    """p-value of a standard normal statistic ``z`` for ``alternative``.

    ``"two-sided"`` is ``erfc(|z|/sqrt 2)``; ``"greater"`` is P(Z >= z); ``"less"`` is P(Z <= z).
    NaN statistics give NaN p-values.
    """
    if alternative == "greater":
        return normal_sf(z)
    if alternative == "less":
        return normal_sf(-np.asarray(z, dtype=float))
    return np.minimum(1.0, 2.0 * normal_sf(np.abs(z)))
