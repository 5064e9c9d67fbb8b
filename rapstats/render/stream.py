"""Text of large tables in pieces: a few thousand rows at a time, never all rows at once.

A table of many cells (e.g. 800 events by 8 quarters by 20 questions) prints as tens of
megabytes; building its JSON as one list of row objects, then one string, then its UTF-8
bytes took about three times the memory of the summary itself. The writers here yield the
same text in pieces of :data:`CHUNK_ROWS` rows, which the command line writes as they come
(:func:`rapstats.files.write_atomic` takes the pieces, still writing the file whole and
atomically). Joined, the pieces are byte for byte the text of the one-string path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from rapstats.escape import json_text

CHUNK_ROWS = 2048  # rows per piece: bounded memory, still few calls per table


def row_slices(n: int) -> Iterator[np.ndarray]:
    """Row positions ``0..n-1`` in consecutive runs of at most :data:`CHUNK_ROWS`."""
    size = CHUNK_ROWS
    for start in range(0, n, size):
        yield np.arange(start, min(start + size, n))


def _dumps(value: Any) -> str:
    return json_text(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False))


def json_document(
    head: dict[str, Any], n: int, records: Callable[[np.ndarray], list[dict[str, Any]]]
) -> Iterator[str]:
    """The pieces of ``{**head, "rows": rows}`` as indented JSON (two spaces, UTF-8 text,
    :func:`rapstats.escape.json_text` applied) and a final newline.

    Parameters
    ----------
    head : dict
        The document's fields before ``rows`` (``rows`` is its last field).
    n : int
        The number of rows.
    records : callable
        ``records(positions)`` gives the JSON-ready rows at those positions, in order.
    """
    text = _dumps({**head, "rows": []})
    if n == 0:
        yield text + "\n"
        return
    # With indent 2, "rows" (last field) closes the document as `"rows": []\n}`; its items
    # sit two levels deep, so a piece's list items are indented by two more spaces.
    yield text.removesuffix("[]\n}") + "[\n"
    for k, rows in enumerate(row_slices(n)):
        items = _dumps(records(rows))[2:-2]  # drop "[\n" and "\n]"
        yield ("  " if k == 0 else ",\n  ") + items.replace("\n", "\n  ")
    yield "\n  ]\n}\n"
