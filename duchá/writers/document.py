"""docx for lists and generic reports: a title and a table per section, on A4 (landscape when
the table is wide), 宋体 in the tables and 仿宋 in the text (set as the East Asian font, so Word
and WPS use them for Chinese), the header row repeated on every page, lights as red, yellow
and green cells, page numbers in the footer.

The helpers (`set_font`, `shade`, `repeat_header`, `landscape`, `page_number`, `add_table`)
work on any python-docx document; the official documents (GB/T 9704) reuse them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from duchá.output import Col, safe
from duchá.writers import Section, light_of, xml_text
from duchá.writers.workbook import LIGHT_COLOURS, display_width

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import Section as PageSection
    from docx.table import Table, _Cell
    from docx.text.run import Run

LATIN = "Times New Roman"
BODY_FONT = "仿宋"  # text: 仿宋 (FangSong), as official documents are set
TABLE_FONT = "宋体"  # tables: 宋体 (SimSun)
TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT = 18.0, 14.0, 12.0, 10.5  # 小二, 四号, 小四, 五号
WIDE = 6  # more columns than this: the page turns landscape


def set_font(target: Any, east_asia: str, *, latin: str = LATIN, size: float | None = None,
             bold: bool | None = None) -> None:
    """Set a run's or a style's font: `east_asia` for Chinese (w:eastAsia), `latin` for the
    rest; python-docx's font.name alone leaves Chinese text in the template's font."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    target.font.name = latin
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def shade(cell: _Cell, fill: str) -> None:
    """Fill a table cell with a colour (hex RGB, e.g. FFC7CE)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def repeat_header(table: Table) -> None:
    """The first row is the table's header: repeated at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(mark)


def landscape(section: PageSection) -> None:
    from docx.enum.section import WD_ORIENT

    if section.orientation != WD_ORIENT.LANDSCAPE:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width


def page_number(section: PageSection, *, size: float = BODY_PT) -> None:
    """A centred page number in the footer: — 1 —."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(para.add_run("— "), BODY_FONT, size=size)
    run = para.add_run()
    set_font(run, BODY_FONT, size=size)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    set_font(para.add_run(" —"), BODY_FONT, size=size)


def add_table(doc: Document, columns: Sequence[Col], rows: Sequence[dict[str, Any]], *,
              chinese: bool, width_cm: float, size: float = TABLE_PT) -> Table:
    """A grid table of `rows`: a bold header row repeated on each page, columns as wide as
    their text allows within `width_cm`, lights as coloured cells."""
    from docx.shared import Cm

    heads = [c.header(chinese) for c in columns]
    texts = [[_text(c.shown(r.get(c.key))) for c in columns] for r in rows]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    widths = _widths(heads, texts, width_cm)
    for cell, head, w in zip(table.rows[0].cells, heads, widths, strict=True):
        _write(cell, head, size=size, bold=True)
        cell.width = Cm(w)
    for c, key in enumerate(c.key for c in columns):
        if key in LIGHT_COLOURS:  # a count of red, yellow or green records
            shade(table.rows[0].cells[c], LIGHT_COLOURS[key][0])
    repeat_header(table)
    for r, line in zip(rows, texts, strict=True):
        cells = table.add_row().cells
        for cell, col, text, w in zip(cells, columns, line, widths, strict=True):
            _write(cell, text, size=size)
            cell.width = Cm(w)
            light = light_of(col.key, r.get(col.key))
            if light is not None:
                shade(cell, LIGHT_COLOURS[light][0])
    return table


def document(sections: Sequence[Section], *, title: str | None, chinese: bool,
             as_of: date | None = None) -> bytes:
    """The docx file's bytes: `title`, the date it speaks for, and a table per section
    (headed by its name when there are several)."""
    from docx import Document as new_document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = new_document()
    set_font(doc.styles["Normal"], BODY_FONT, size=BODY_PT)
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(page, side, Cm(2.0))
    if max((len(cols) for _, cols, _ in sections), default=0) > WIDE:
        landscape(page)
    page_number(page)
    assert page.page_width is not None
    width_cm = page.page_width.cm - 4.0
    if title:
        head = doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(head.add_run(_text(title)), TABLE_FONT, size=TITLE_PT, bold=True)
    if as_of is not None:
        line = doc.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        said = f"截至 {as_of.isoformat()}" if chinese else f"as of {as_of.isoformat()}"
        set_font(line.add_run(said), BODY_FONT, size=BODY_PT)
    for name, columns, rows in sections:
        if len(sections) > 1 or not title:
            set_font(doc.add_paragraph().add_run(_text(name)), BODY_FONT, size=HEADING_PT,
                     bold=True)
        add_table(doc, columns, rows, chinese=chinese, width_cm=width_cm)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _write(cell: _Cell, text: str, *, size: float, bold: bool = False) -> None:
    run: Run = cell.paragraphs[0].add_run(text)  # a newline becomes a line break
    set_font(run, TABLE_FONT, size=size, bold=bold or None)


def _text(value: Any) -> str:
    """A value as the printed page shows it: dates ISO, lists joined with ;, control
    characters as visible escapes (XML cannot hold them; line breaks and tabs stay)."""
    return xml_text(safe(value))


def _widths(heads: Sequence[str], texts: Sequence[Sequence[str]], total: float) -> list[float]:
    """Column widths in cm, in proportion to each column's text (capped, with a floor), that
    fill `total`."""
    want = []
    for i, head in enumerate(heads):
        longest = max([display_width(head), *(display_width(r[i]) for r in texts[:1000])])
        want.append(min(max(longest, 4), 40))
    scale = total / sum(want) if want else 0.0
    return [w * scale for w in want]
