"""Reading a parsed TOML table with the TOML path of every value: types, ranges, choices.

:class:`TomlTable` wraps one table of the dict :func:`tomllib.loads` returns. Its getters check
a value's type (and a dataclass field's range or choices, from the field's metadata), record
the keys read, and raise a :class:`~rapstats.errors.SpecError` naming the key's TOML path
(``questions.q2.positive``); :meth:`TomlTable.done` rejects the keys nobody read.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import MISSING
from pathlib import Path
from typing import Any

from rapstats.errors import SpecError

#: Deepest nesting of tables and arrays a spec may have (a real spec needs 4).
_MAX_DEPTH = 16
TOO_DEEP_HINT = "a spec needs at most a few levels: [questions.ID] with inline tables"


class TomlTable:
    """A TOML table being validated: typed getters that name the TOML path on error."""

    def __init__(self, data: Mapping[str, Any], where: str, path: Path | None) -> None:
        if not isinstance(data, Mapping):
            raise SpecError(f"[{where}] must be a table", path=path, hint=f"write it as [{where}]")
        self.data = data
        self.where = where  # the TOML path of this table; "" for the whole spec
        self.path = path
        self.used: set[str] = set()

    def key_path(self, key: str) -> str:
        """The TOML path of ``key`` in this table (``questions.q2.positive``)."""
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, what: str, hint: str) -> SpecError:
        """The error ``"<TOML path of key> <what>"`` with the fix ``hint``."""
        return SpecError(f"{self.key_path(key)} {what}", path=self.path, hint=hint)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        """The value of ``key``, of type ``kind`` (an int is a float), or ``default``."""
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and kind in (int, float):
            raise self.error(key, "must be a number", "write a number without quotes")
        if not isinstance(value, kind):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self.error(key, f"must be {_article(names)}, not {value!r}", f"give a {names}")
        return value

    def field(self, key: str, cls: type, kind: type | tuple[type, ...] | None = None) -> Any:
        """The value of the dataclass field ``key`` of ``cls``: its type, default, and its range
        or choices (from the field's metadata)."""
        f = cls.__dataclass_fields__[key]
        default = None if f.default is MISSING else f.default
        if "choices" in f.metadata:
            return self.choice(key, f.metadata["choices"], default)
        if kind is None:
            kind = float if isinstance(default, float) else type(default)
        value = self.get(key, kind, default)
        valid = f.metadata.get("range")
        if key in self.data and valid is not None and value not in valid:
            raise self.error(key, f"is {value!r}; it must be {valid}", valid.hint)
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The list of strings at ``key``, or ``default``."""
        value = self.get(key, list, None)
        if value is None:
            return default
        if not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings", 'quote each label: ["A", "B"]')
        return tuple(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> Any:
        """The string at ``key``, one of ``choices``, or ``default``."""
        value = self.get(key, str, default)
        if value is not None and value not in choices:
            raise self.error(key, f"is {value!r}", "use one of " + ", ".join(choices))
        return value

    def sub(self, key: str) -> TomlTable | None:
        """The table at ``key``, or None if there is none."""
        self.used.add(key)
        if key not in self.data:
            return None
        return TomlTable(self.data[key], self.key_path(key), self.path)

    def subs(self) -> Iterator[tuple[str, TomlTable]]:
        """Each key of this table of tables with its table, in order (validated one by one)."""
        for key in self.data:
            self.used.add(key)
            yield key, TomlTable(self.data[key], self.key_path(key), self.path)

    def done(self) -> None:
        """Raise if the table has a key that was not read: unknown keys are errors."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise SpecError(
                f"unknown key {self.key_path(unknown[0])}",
                path=self.path,
                hint="remove it or correct its spelling (see README, Survey spec)",
            )


def _article(names: str) -> str:
    return ("an " if names[0] in "aeiou" else "a ") + names


def check_values(data: Mapping[str, Any], path: Path | None) -> None:
    """Reject NaN and infinite numbers anywhere, and nesting deeper than ``_MAX_DEPTH``.

    Walks the parsed TOML without recursion, so no input can raise ``RecursionError``.
    """
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise SpecError(
                f"{where} nests arrays or tables too deeply", path=path, hint=TOO_DEEP_HINT
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise SpecError(
                f"{where} is {value}", path=path, hint="give a finite number (not nan or inf)"
            )
        if isinstance(value, Mapping):
            stack += [(f"{where}.{k}" if where else str(k), v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list | tuple):
            stack += [(f"{where}[{i}]", v, depth + 1) for i, v in enumerate(value)]
