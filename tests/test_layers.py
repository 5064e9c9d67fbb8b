"""The tree is a picture of the data flow: a module imports only its own layer or earlier ones,
and never another package's private names.

Read with ``ast`` from the source (imports inside functions included), so a deferred import
cannot hide an upward dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rapstats"

# In data-flow order; a module may import from its own layer and the ones before it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "shared leaves",
        (
            "",
            "errors",
            "vocab",
            "labels",
            "escape",
            "personal",
            "headers",
            "files",
            "table",
            "_arrow",
            "_lazy",
        ),
    ),
    ("load", ("io",)),
    ("spec", ("spec",)),
    ("normalise", ("normalise",)),
    ("aggregate", ("aggregate",)),
    ("estimate", ("estimate", "stats")),
    ("protect", ("protect",)),
    ("render", ("render",)),
    ("pipeline", ("pipeline",)),
    ("cli", ("cli", "__main__")),
)
# Beyond the order: the render layer formats and never computes a statistic.
FORBIDDEN = {"render": ("stats",)}


def _part(module: str) -> str:
    """The top-level part of a rapstats module name ('' for rapstats itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_of(module: str) -> int:
    part = _part(module)
    for i, (_, parts) in enumerate(LAYERS):
        if part in parts:
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, imported rapstats module, names imported from it) of every import in a file."""
    module = _name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.startswith("rapstats"):
                names = tuple(a.name for a in node.names)
                # "from rapstats.x import y" may import the module rapstats.x.y
                out.append((node.lineno, target, names))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name, ()) for a in node.names if a.name.startswith("rapstats")]
    return out


def violations(path: Path) -> list[str]:
    module = _name(path)
    mine = layer_of(module)
    found = []
    for line, target, names in imports(path):
        where = f"{path.relative_to(PACKAGE.parent)}:{line}"
        theirs = layer_of(target)
        if theirs > mine:
            found.append(
                f"{where}: {module} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]})"
            )
        if _part(target) in FORBIDDEN.get(LAYERS[mine][0], ()):
            found.append(f"{where}: {module} ({LAYERS[mine][0]}) imports {target}")
        if _part(target) != _part(module) and _part(target):
            private = [p for p in target.split(".")[2:] if p.startswith("_")]
            private += [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                found.append(f"{where}: {module} imports private {private} of {target}")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_module_imports_a_later_layer_or_a_private_name(path):
    assert violations(path) == []


def test_the_check_sees_upward_private_and_forbidden_imports(tmp_path, monkeypatch):
    """The check fails on a deliberate upward import, a private import and a statistic in
    render: it is not vacuous."""
    fake = tmp_path / "rapstats"
    (fake / "io").mkdir(parents=True)
    (fake / "render").mkdir()
    (fake / "io" / "bad.py").write_text(
        "def f():\n    from rapstats.cli import cli\n    from rapstats.protect import _withhold\n"
    )
    (fake / "render" / "bad.py").write_text("from rapstats.stats import diff_ci\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    io_found = violations(fake / "io" / "bad.py")
    assert any("imports rapstats.cli (cli)" in v for v in io_found)
    assert any("private ['_withhold']" in v for v in io_found)
    assert violations(fake / "render" / "bad.py") == [
        "rapstats/render/bad.py:1: rapstats.render.bad (render) imports rapstats.stats"
    ]
