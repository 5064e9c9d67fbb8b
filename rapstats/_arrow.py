"""Arrow arrays to numpy through their buffers, without pandas.

pyarrow's ``Array.to_numpy``, ``pa.array`` of Python or numpy values and Python scalars passed
to compute functions all import pandas when it is installed (pyarrow checks for pandas
objects), which costs more than summarising a 10,000-row export. The loaders and
:mod:`rapstats.normalise` read Arrow's buffers here instead. Only fixed-width numeric arrays
(dictionary indices, int, float and bool results of compute functions) are handled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_INT_TYPES = {1: np.int8, 2: np.int16, 4: np.int32, 8: np.int64}


def valid_mask(arr: Any) -> np.ndarray:
    """Per element of an Arrow array: True where it is not null."""
    validity = arr.buffers()[0]
    if arr.null_count == 0 or validity is None:
        return np.ones(len(arr), dtype=bool)
    return _bits(validity, arr.offset, len(arr))


def _bits(buffer: Any, offset: int, n: int) -> np.ndarray:
    """``n`` bits of an Arrow bitmap from bit ``offset`` on, as bools."""
    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder="little")
    return bits[offset : offset + n].astype(bool)


def to_numpy(arr: Any, *, null: float | int | bool = -1) -> np.ndarray:
    """An Arrow int, float or bool array as numpy (a copy), with ``null`` where it is null.

    Parameters
    ----------
    arr : pyarrow.Array
        A (non-chunked) array of a fixed-width integer, floating-point or boolean type.
    null : scalar
        The value given to null elements. Default -1.
    """
    import pyarrow as pa

    n, offset = len(arr), arr.offset
    data = arr.buffers()[1]
    if pa.types.is_boolean(arr.type):
        out = _bits(data, offset, n)
    elif pa.types.is_integer(arr.type):
        dtype = np.dtype(_INT_TYPES[arr.type.bit_width // 8])
        if pa.types.is_unsigned_integer(arr.type):
            dtype = np.dtype(dtype.str.replace("i", "u"))
        out = np.frombuffer(data, dtype=dtype, count=offset + n)[offset:].copy()
    elif pa.types.is_floating(arr.type) and arr.type.bit_width in (32, 64):
        dtype = np.float64 if arr.type.bit_width == 64 else np.float32
        out = np.frombuffer(data, dtype=dtype, count=offset + n)[offset:].copy()
    else:
        raise TypeError(f"cannot read Arrow type {arr.type} through its buffers")
    if arr.null_count:
        out[~valid_mask(arr)] = null
    return out
