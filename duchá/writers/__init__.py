"""Files built whole rather than rendered as text: xlsx workbooks (workbook.py) and plain
Word tables (document.py).  Each takes named sections of rows, as output.render_sections
does, and returns the file's bytes; the caller writes them (atomically, after the command's
changes commit).  openpyxl and python-docx are imported inside the functions that use them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from duchá.output import Col

# A titled table: its name (a sheet, a heading), its columns, its rows.
Section = tuple[str, Sequence[Col], Sequence[dict[str, Any]]]

# What XML 1.0 cannot hold (control characters, U+FFFE, U+FFFF, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text an xlsx or docx can hold: what XML cannot is shown as an escape (\\x1b, \\ufffe),
    as the text formats show control characters."""
    return _NOT_XML.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def light_of(key: str, value: Any) -> str | None:
    """red, yellow or green when the cell shows a light (a `light` column, a check's `level`),
    in English or Chinese (vocab.LIGHT, vocab.CHECK_LEVEL); None otherwise."""
    if key not in ("light", "level") or not value:
        return None
    code = _code(key, str(value))
    return {"error": "red", "warning": "yellow"}.get(code or "") if key == "level" else code


@functools.cache
def _code(key: str, text: str) -> str | None:
    from duchá.errors import BadInput
    from duchá.vocab import CHECK_LEVEL, LIGHT

    try:
        return (CHECK_LEVEL if key == "level" else LIGHT).parse(text)
    except BadInput:
        return None
