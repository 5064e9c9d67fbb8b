"""What standard error shows: every note and ``Error:`` line of the command line goes through
:func:`shown` (the one place), which redacts personal data in what it quotes from an export,
but not in the analyst's own paths, recorded by :func:`given` as the command line is read.

Only click and the standard library are imported, so ``--help`` stays fast.
"""

from __future__ import annotations

import os

import click

_GIVEN = "rapstats.given_paths"


def given(ctx: click.Context | None, *paths: object) -> None:
    """Record ``paths`` as the analyst's own (typed on the command line, a glob's folder, or
    the exports of a folder given to ``batch``): :func:`shown` shows them as they are."""
    if ctx is not None:
        from pathlib import Path

        from rapstats.files import glob_root

        kept = ctx.find_root().meta.setdefault(_GIVEN, set())
        for path in map(str, paths):
            kept.add(path)
            kept.add(os.path.normpath(path))  # as pathlib shows it ("./a.csv" is "a.csv")
            root = glob_root(Path(path))  # a glob's folder, before the parts it finds
            if root is not None:
                kept.add(str(root))


def shown(ctx: click.Context, text: str) -> str:
    """``text`` as stderr shows it (the one place for every note and error line): personal
    data redacted (:func:`rapstats.personal.redact`) everywhere but in the analyst's own
    paths as given (:func:`given`), so a log names the file it is about, though a value
    quoted from an export (a label, a header, a group or wave value, a part's name found in a
    folder, a comment) never shows an address or a number; control characters escaped."""
    import re

    from rapstats.escape import visible
    from rapstats.personal import redact

    kept = [k for k in ctx.find_root().meta.get(_GIVEN, ()) if k and k in text]
    if not kept:
        return visible(redact(text))
    # a path counts where it stands as a word: "jo@x.csv" keeps no path "x.csv" in it
    alts = "|".join(re.escape(k) for k in sorted(kept, key=len, reverse=True))
    pieces = re.split(rf"(?<![^\s(\"'])({alts})(?=$|[\s)\"':;,/\\]|\.(?:\s|$))", text)
    return visible("".join(p if k % 2 else redact(p) for k, p in enumerate(pieces)))
