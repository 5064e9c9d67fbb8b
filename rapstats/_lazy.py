"""Lazily loaded public names of a package: one ``__getattr__`` for every ``__init__``.

Importing :mod:`rapstats` (and so the command line's ``--help``) must stay fast, so packages
name their public objects by module and load each on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``names[name]`` (a module path) on first use.

    Examples
    --------
    >>> getter = lazy_names("pkg", {"sqrt": "math"})
    >>> getter("sqrt")(9.0)
    3.0
    """

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
