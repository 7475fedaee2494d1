"""xlsx: one sheet per section, the header row frozen (and repeated on every printed page),
columns as wide as their text (a Chinese character counts two), dates as real dates, lights
as red, yellow and green cells, and text always text: a cell that starts with = + - @ is
never a formula."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from duchá.output import FORMULA_START, cell, safe
from duchá.writers import Section, light_of, xml_text

# Excel's own Bad / Neutral / Good cell styles: (fill, font colour).
LIGHT_COLOURS = {"red": ("FFC7CE", "9C0006"), "yellow": ("FFEB9C", "9C5700"),
                 "green": ("C6EFCE", "006100")}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MAX_WIDTH = 60  # characters; longer text wraps in the cell
MEASURED_ROWS = 1000  # widths come from the header and the first rows
_SHEET_BAD = re.compile(r"[\[\]:*?/\\\t\n\r]")


def workbook(sections: Sequence[Section], *, chinese: bool) -> bytes:
    """The xlsx file's bytes: a sheet per section, headers Chinese when `chinese`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fills = {name: (PatternFill("solid", fgColor=bg), Font(color=fg))
             for name, (bg, fg) in LIGHT_COLOURS.items()}
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for name, columns, rows in sections:
        ws = wb.create_sheet(sheet_name(name, taken))
        heads = [c.header(chinese) for c in columns]
        widths = column_widths(heads, [[r.get(c.key) for c in columns]
                                       for r in rows[:MEASURED_ROWS]])
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        if len(columns) > 6:
            ws.page_setup.orientation = "landscape"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        header = []
        for c, text in zip(columns, heads, strict=True):
            h = WriteOnlyCell(ws, value=xml_text(text))
            h.data_type = "s"
            h.font = bold
            if c.key in LIGHT_COLOURS:  # a count of red, yellow or green records
                h.fill = fills[c.key][0]
                h.font = Font(bold=True, color=LIGHT_COLOURS[c.key][1])
            header.append(h)
        ws.append(header)
        for r in rows:
            line = []
            for c, w in zip(columns, widths, strict=True):
                value = c.shown(r.get(c.key))  # 长期 for no due date
                x = WriteOnlyCell(ws, value=_value(value))
                if isinstance(x.value, str):
                    x.data_type = "s"  # never a formula, whatever it starts with
                    if x.value.startswith(FORMULA_START):
                        x.quotePrefix = True  # and not one when the cell is edited either
                    if w >= MAX_WIDTH or "\n" in x.value:
                        x.alignment = wrap
                elif isinstance(x.value, datetime):
                    x.number_format = DATETIME_FORMAT
                elif isinstance(x.value, date):
                    x.number_format = DATE_FORMAT
                light = light_of(c.key, value)
                if light is not None:
                    x.fill, x.font = fills[light]
                line.append(x)
            ws.append(line)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _value(value: Any) -> Any:
    """What a cell holds: numbers, booleans and dates as themselves, all else as text."""
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return xml_text(cell(value))


def display_width(text: str) -> int:
    """Columns the longest line of `text` takes on screen: a CJK character counts two."""
    from wcwidth import wcswidth

    widths = [wcswidth(line) for line in text.split("\n")]
    return max(w if w >= 0 else len(line) for w, line in zip(widths, text.split("\n"),
                                                              strict=True))


def column_widths(heads: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Each column's width in Excel's units (about one Latin character), with a margin."""
    out = []
    for i, head in enumerate(heads):
        longest = max([display_width(head), *(display_width(_shown(r[i])) for r in rows)])
        out.append(float(min(longest + 2, MAX_WIDTH)))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return "2026-12-31 23:59:59"
    return cell(value)


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unused sheet name: no []:*?/\\ or line breaks, controls shown as escapes
    (a tab's name is read as a label, like a terminal's text), at most 31 characters."""
    base = _SHEET_BAD.sub("_", xml_text(safe(name))).strip("'").strip() or "Sheet"
    base = base[:31]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[:31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate
