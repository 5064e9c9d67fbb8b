"""One escaping function per output syntax, for text that came from an export or a spec.

Labels, group values, question texts, titles and comments are typed by members of the public
or by whoever wrote the spec; nothing they type may execute, fetch or restyle anything in an
output. Each writer passes user text through the function of its syntax where that text
enters the syntax:

* :func:`visible`: terminal text and every report string. Control characters (C0, DEL, C1),
  Unicode line separators and bidirectional overrides are shown as escapes (``\\x1b``,
  ``\\u202e``), so ANSI/OSC sequences are printed, never obeyed, and no format (PDF, SVG,
  XLSX, ODS) can be stopped by a character XML cannot hold.
* :func:`csv_cell`: a CSV text cell that a spreadsheet would read as a formula (``=``,
  ``+``, ``-``, ``@``, tab or carriage return first) gets a leading apostrophe (OWASP CSV
  injection guidance). Numbers are never passed here.
* :func:`markdown`: HTML, autolinks, links, images, emphasis and table pipes are escaped so
  that they show as text (CommonMark/GFM backslash escapes and entities).
* :func:`json_text`: JSON as written by ``json.dumps(ensure_ascii=False)`` with the
  characters it leaves raw (DEL, C1, bidi overrides) written as ``\\uXXXX`` escapes; the
  decoded values are unchanged.

Only the standard library is imported here: :mod:`rapstats.errors` uses :func:`visible`.
"""

from __future__ import annotations

import re
from typing import Any

# Shown escaped in every output: C0 and C1 controls, DEL, NEL, line and paragraph separators,
# and the bidirectional marks, embeddings, overrides and isolates ("Trojan Source").
_UNICODE = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_HIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f{_UNICODE}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes (``"\\x1b[31m"``).

    Line breaks and tabs are shown too (``\\n``, ``\\t``): user text is one line wherever it
    is shown; only the writer's own line breaks end a line.
    """
    return _HIDDEN.sub(_shown, text)


def visible_all(value: Any) -> Any:
    """:func:`visible` applied to every string (keys too) inside dicts, lists and tuples."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_all(k): visible_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(visible_all(v) for v in value)
    return value


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV text cell a spreadsheet reads as text: ``'`` before a formula's first character.

    Control characters are shown as by :func:`visible`, except line breaks (a quoted CSV
    cell holds them as they are).
    """
    text = "\n".join(visible(line) for line in text.split("\n"))
    return "'" + text if text.startswith(_FORMULA) else text


_MD_INLINE = re.compile(r"[\\`*_|~]|\](?=[(\[])")
# Raw HTML and autolinks start with "<" and a letter, "/", "!" or "?"; entities with "&".
_MD_ANGLE = re.compile(r"<(?=[A-Za-z/!?])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# A URL scheme (javascript:, http://, data:) and a "www." that GFM would make a link.
_MD_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):(?=\S)|(?i:\b(www))\.")
# A heading, list, quote or setext marker, or a link reference definition ("[x]: url").
_MD_LINE_START = re.compile(r"^(\d+(?=[.)])|(?=[#+\-=>])|(?=\[[^\]]*\]:))")


def markdown(text: str, *, cell: bool = False) -> str:
    """User text as inline Markdown that renders as the text itself.

    HTML tags and autolinks (``<``), entities (``&``), links and images (``](``, ``][``), URL
    schemes and ``www.`` (GFM autolinks), emphasis, code, strike-through and table pipes are
    escaped; control characters are shown as by :func:`visible` and whitespace (line breaks
    included) becomes one space. Unless ``cell`` (a table cell, or text after other text on
    its line: it never starts a block), a heading, list, quote or setext marker or a link
    reference definition at the start is escaped too.
    """
    out = visible(" ".join(text.split()))
    out = _MD_INLINE.sub(r"\\\g<0>", out)
    out = _MD_ANGLE.sub("&lt;", _MD_ENTITY.sub("&amp;", out))
    out = _MD_SCHEME.sub(lambda m: f"{m[1]}\\:" if m[1] else f"{m[2]}\\.", out)
    return out if cell else _MD_LINE_START.sub(r"\1\\", out, count=1)


# What json.dumps(ensure_ascii=False) leaves raw but a terminal may obey.
_JSON_RAW = re.compile(f"[\x7f-\x9f{_UNICODE}]")


def json_text(text: str) -> str:
    """JSON text with DEL, C1 and bidi characters as ``\\uXXXX`` (same decoded values)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
