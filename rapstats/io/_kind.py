"""Files given as an export that are something else: say what they are.

A PDF, an image, a web page, a JSON or Markdown file, a survey spec, or one of rapstats' own
outputs is recognised from its first bytes, so that the error names it ("is a PDF report, not
a survey export") instead of describing how it fails to parse.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from rapstats.errors import InputError

_MAGIC = (
    (b"%PDF-", "a PDF report"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
_SPEC_SECTION = re.compile(
    r"^\s*\[\s*(survey|questions|groups|scales|defaults|disclosure|report)\s*[.\]]", re.M
)
# TOML: after blank and comment lines, a [table] header or a key = value line
_TOML_START = re.compile(r"(?:\s*(?:#[^\n]*)?\n)*\s*(\[[^\n]*\]|[\w.\-\"]+\s*=)")
# Columns that mark rapstats' summarize and freq CSV outputs (their first column is "question").
_OUTPUT_COLUMNS = ({"base", "share", "ci_low", "ci_high"}, {"answer", "count", "share_of_base"})
# the terminal format: "Question  Base  Share" over "--------  ----  -----"
_RULED_HEADER = re.compile(r"^Question  .*\r?\n-{2,}(?: +-{2,})+[ \t]*\r?$", re.M)
_EXPORT_FIX = "give the survey's export (CSV, TSV, XLSX, ODS or SAV)"


def refuse_non_export(path: Path, head: bytes) -> None:
    """Raise InputError naming what ``path`` is when its first bytes show it is no export."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"is {what}, not a survey export", path=path, hint=_EXPORT_FIX)
    text = _text_of(head)
    start = text.lstrip()[:200].casefold()
    what = None
    if start.startswith(("<!doctype html", "<html")):
        what = "a web page (HTML)"
    elif start.startswith(("<?xml", "<svg")):
        what = "an SVG image" if "<svg" in start else "an XML document"
    elif start.startswith("{") or (start.startswith("[") and not _SPEC_SECTION.match(text)):
        what = "a JSON file (such as rapstats' report.json)"
    elif _TOML_START.match(text) and _SPEC_SECTION.search(text):
        raise InputError(
            "is a survey spec (TOML), not a survey export",
            path=path,
            hint=f"give the export first and the spec with --spec, as in rapstats summarize "
            f"EXPORT --spec {path}",
        )
    elif start.startswith("# ") and "\n|" in text:
        what = "a Markdown document (such as rapstats' report.md)"
    elif _is_rapstats_table(text):
        raise InputError(
            "is a table written by rapstats (summarize or freq), not the survey's responses",
            path=path,
            hint="give the survey export the table was made from",
        )
    if what is not None:
        raise InputError(f"is {what}, not a survey export", path=path, hint=_EXPORT_FIX)


def _is_rapstats_table(text: str) -> bool:
    """Whether the text is a summarize or freq table written by rapstats: a CSV whose header
    (after "# " banner lines, and its "warning" column if unsuppressed) has its columns, or
    the terminal format's ruled header."""
    lines = [line for line in text.lstrip().splitlines()[:4] if not line.startswith("#")]
    names = (lines or [""])[0].strip().split(",")
    names = names[1:] if names[0] == "warning" else names
    if names[0] == "question" and any(c <= set(names) for c in _OUTPUT_COLUMNS):
        return True
    return bool(_RULED_HEADER.search(text))


def _text_of(head: bytes) -> str:
    """The first bytes as text (UTF-8 or UTF-16 by BOM), undecodable bytes replaced."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[:4096].decode("utf-16", errors="replace")
    return head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")


__all__ = ["refuse_non_export"]
