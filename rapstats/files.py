"""Write output files atomically: a temporary file beside the target, then ``os.replace``.

A reader never sees a half-written output, and an interrupted run leaves the old file intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rapstats.errors import RapstatsError


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically and return the path.

    Raises
    ------
    RapstatsError
        If the folder does not exist or is not writable.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        raise RapstatsError(
            "output folder does not exist", path=path, hint=f"create {folder} first"
        ) from None
    except OSError as exc:
        raise RapstatsError(f"cannot write here: {exc.strerror}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
