"""Make the next item of an iterator on a worker thread while the caller works on this one."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items of ``items``, each made on a worker thread while the caller works on the one
    before (Arrow parses and encodes without the GIL: reading overlaps counting).

    An error making an item is raised here. However the generator ends (exhausted, an error,
    closed early), it waits for the item being made, then closes ``items`` and the thread ends:
    in the thread that ends it, never left to the garbage collector (an error holds this frame
    in a reference cycle, and a generator finalised by the collector joined its thread at an
    arbitrary point, once inside ``threading``'s own locks: a deadlock). Whoever stops reading
    early closes this generator (``contextlib.closing``).
    """
    done = object()
    future: Future[object] | None = None
    try:
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(next, items, done)
            while (item := future.result()) is not done:
                future = pool.submit(next, items, done)
                yield item  # type: ignore[misc]
    finally:
        future = None  # the error it holds would keep this frame (and items) alive
        close = getattr(items, "close", None)
        if close is not None:
            close()
