"""Text from input made safe to show: control characters escaped, never passed on raw.

Names, values, keys and file names come from files nobody vetted. Shown raw on a terminal, an
escape sequence in them could clear the screen or forge output ("ALL PROPERTIES PROVED"), and a
control character makes XML invalid. `printable(text)` replaces every C0 and C1 control
character (except newline and tab when `lines` is true), DEL, lone surrogates, the
bidirectional-text controls (which reorder what a reader sees) and the line and paragraph
separators by a visible escape (`\\x1b`, `\\u202e`). Text without such characters is returned
unchanged, so ordinary output is byte-identical. `json_safe` does the same inside JSON text
(with JSON escapes, so the document's values are unchanged).
"""

from __future__ import annotations

import re

_UNSAFE = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_LINE_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_UNSAFE}]")
_ALL_UNSAFE = re.compile(f"[\x00-\x1f{_UNSAFE}]")
_JSON_UNSAFE = re.compile(f"[{_UNSAFE}]")  # json.dumps escapes C0 controls itself


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, lines: bool = False) -> str:
    """`text` with unsafe characters escaped; newlines and tabs kept when `lines` is true."""
    pattern = _LINE_UNSAFE if lines else _ALL_UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def unsafe_spans(text: str, lines: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each unsafe character of `text` (newlines and tabs safe when `lines`)."""
    pattern = _LINE_UNSAFE if lines else _ALL_UNSAFE
    return [m.span() for m in pattern.finditer(text)]


def json_safe(text: str) -> str:
    """JSON text with the unsafe characters `json.dumps` leaves raw written as `\\uXXXX`."""
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
