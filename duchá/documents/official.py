"""The layout of a Chinese official document (GB/T 9704-2012, 党政机关公文格式) with python-docx.

What it sets, each from the standard:

- A4 paper; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
- The header (版头): the issuing office in red 小标宋 centred 35 mm below the text area's top,
  the document number (发文字号) two lines below it, a red rule the width of the text under
  them.
- The title in 2号 (22 pt) 方正小标宋简体, two lines below the rule, centred; the addressee
  (主送机关) flush left; the body in 3号 (16 pt) 仿宋_GB2312, first lines indented two
  characters, 22 lines a page (fixed line spacing of 28.95 pt); headings of the first level
  (一、) in 黑体 and of the second (（一）) in 楷体_GB2312, as body text in size and indent.
- Tables in 仿宋 小四 (12 pt), the header row in 黑体, repeated on every page.
- The signature (落款, 7.3.5.2, no seal): the office two characters from the right, the date
  (2026年11月28日) under it two characters further right; a note (附注) under the date;
  attachments on a page of their own.
- Page numbers in 4号 (14 pt) 宋体 Arabic numerals between dashes, "— 1 —", right on odd pages
  and left on even ones, one character in.

Fonts a reader lacks are declared with their fallback in the document's font table (altName,
with the GB2312 character set): 方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体,
so Word and WPS substitute the system font rather than a Latin one.  Every run names its
East Asian font (w:eastAsia), which is what WPS reads for Chinese text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run


@dataclass(frozen=True)
class Font:
    name: str
    fallback: str | None = None


TITLE_FONT = Font("方正小标宋简体", "宋体")
BODY_FONT = Font("仿宋_GB2312", "仿宋")
HEADING_FONT = Font("黑体")
SUBHEADING_FONT = Font("楷体_GB2312", "楷体")
NUMBER_FONT = Font("宋体")
FONTS = (TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, NUMBER_FONT)

# 字号 in points.
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4 = 22.0, 16.0, 14.0, 12.0
HEADER_MAX = 36.0  # 小初: the office's name, smaller when it is long
LINE = 28.95  # 225 mm of text height / 22 lines
TABLE_LINE = 18.0  # a table's lines, for 小四
FOOTER_LINE = 18.0  # the page number's line, for 四号
TWIPS_PER_MM = 1440 / 25.4
TEXT_WIDTH_MM = 210 - 28 - 26
RED = "FF0000"
CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (heading numbers; up to 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """成文日期 as GB/T 9704 writes it: Arabic numerals, the year whole, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"


def _width(text: str) -> int:
    """Display width in half-width units (a Chinese character is 2): writers' measure."""
    from duchá.writers.workbook import display_width

    return display_width(text)


def xml_safe(text: str) -> str:
    """Stored text as a document can hold it (writers.xml_text: what XML cannot hold is
    shown as an escape, as in the text formats and xlsx)."""
    from duchá.writers import xml_text

    return xml_text(text)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return chinese_date(value)
    return str(value)


class OfficialDocument:
    """One document: the page, header and footer are set up when it is made; the body is
    added in reading order; `save` gives the .docx bytes."""

    def __init__(self, office: str, *, title: str, on: date, doc_no: str | None = None) -> None:
        from docx import Document as new_document

        self.office, self.on = office, on
        self.doc: Document = new_document()
        self._levels = [0, 0]
        self._page()
        self._styles()
        self._font_table()
        self._footers()
        self._header(doc_no)
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by = title, office, office
        props.language = "zh-CN"

    # ------------------------------------------------------------------ setup

    def _page(self) -> None:
        from docx.shared import Mm

        s = self.doc.sections[0]
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin = Mm(37), Mm(35)
        s.left_margin, s.right_margin = Mm(28), Mm(26)
        # The page number sits 7 mm below the text area: 35 - 7 - its line of 18 pt (6.4 mm).
        s.header_distance, s.footer_distance = Mm(15), Mm(22)

    def _styles(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        styles = self.doc.styles
        # The defaults every style builds on: Chinese text, the body font, no spacing.
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is not None:
                set_fonts(rpr, BODY_FONT)
                for tag in ("w:sz", "w:szCs"):
                    size = rpr.find(qn(tag))
                    if size is not None:
                        size.set(qn("w:val"), str(int(SIZE_3 * 2)))
                lang = rpr.find(qn("w:lang"))
                if lang is None:
                    lang = OxmlElement("w:lang")
                    rpr.append(lang)
                lang.set(qn("w:val"), "en-US")
                lang.set(qn("w:eastAsia"), "zh-CN")
        normal: Any = styles["Normal"]
        normal.font.size = Pt(SIZE_3)
        set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        pf = normal.paragraph_format
        pf.space_before, pf.space_after = Pt(0), Pt(0)
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE)
        for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
            style: Any = styles[name]
            style.font.size = Pt(SIZE_3)
            style.font.bold, style.font.italic = False, False
            style.font.color.rgb = RGBColor(0, 0, 0)
            set_fonts(style.element.get_or_add_rPr(), font)
            spf = style.paragraph_format
            spf.space_before, spf.space_after = Pt(0), Pt(0)
            spf.line_spacing_rule, spf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE)
            spf.first_line_indent = Pt(2 * SIZE_3)
            spf.keep_with_next = True

    def _font_table(self) -> None:
        """Declare each Chinese font with its fallback (altName) and character set."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        # python-docx keeps the font table as a plain part: its bytes are rewritten.
        part: Any = self.doc.part.part_related_by(RT.FONT_TABLE)
        table = parse_xml(part.blob)
        for font in FONTS:
            alt = f'<w:altName w:val="{font.fallback}"/>' if font.fallback else ""
            table.append(parse_xml(
                f'<w:font {nsdecls("w")} w:name="{font.name}">{alt}'
                '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/>'
                "</w:font>"))
        from docx.opc.oxml import serialize_part_xml

        part._blob = serialize_part_xml(table)

    def _footers(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        self.doc.settings.odd_and_even_pages_header_footer = True
        s = self.doc.sections[0]
        for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            pf = p.paragraph_format
            pf.first_line_indent = Pt(0)
            pf.line_spacing = Pt(FOOTER_LINE)
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                pf.right_indent = Pt(SIZE_4)
            else:
                pf.left_indent = Pt(SIZE_4)
            self._run(p, "— ", NUMBER_FONT, SIZE_4)
            self._page_field(p)
            self._run(p, " —", NUMBER_FONT, SIZE_4)

    def _page_field(self, p: Paragraph) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        # A complex field: begin, the instruction, separate, the number shown until the
        # reader updates it (Word and WPS do on opening and printing), end.
        for kind in ("begin", "instr", "separate", "text", "end"):
            run = self._run(p, "1" if kind == "text" else "", NUMBER_FONT, SIZE_4)
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                run._r.append(instr)
            elif kind != "text":
                mark = OxmlElement("w:fldChar")
                mark.set(qn("w:fldCharType"), kind)
                run._r.append(mark)

    def _header(self, doc_no: str | None) -> None:
        """版头: the office in red, the document number, the red rule."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Mm, Pt, RGBColor

        size = min(HEADER_MAX, max(SIZE_2, int(TEXT_WIDTH_MM / 25.4 * 72
                                               / max(1, _width(self.office) / 2))))
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Mm(35)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        run = self._run(p, self.office, TITLE_FONT, size)
        run.font.color.rgb = RGBColor(0xFF, 0, 0)
        last = p
        if doc_no:
            last = self.doc.add_paragraph()
            last.alignment = WD_ALIGN_PARAGRAPH.CENTER
            last.paragraph_format.space_before = Pt(2 * LINE)
            self._run(last, doc_no, BODY_FONT, SIZE_3)
        _bottom_rule(last, RED, space_pt=11)  # 4 mm under the last line

    # ------------------------------------------------------------------ the body

    def _run(self, p: Paragraph, text: str, font: Font, size: float) -> Run:
        from docx.shared import Pt

        run = p.add_run(xml_safe(text))
        run.font.size = Pt(size)
        set_fonts(run._r.get_or_add_rPr(), font)
        return run

    def title(self, text: str, subtitle: str | None = None) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(2 * LINE)
        p.paragraph_format.line_spacing = Pt(35)
        self._run(p, text, TITLE_FONT, SIZE_2)
        if subtitle:
            s = self.doc.add_paragraph()
            s.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(s, subtitle, SUBHEADING_FONT, SIZE_3)
        self.blank()

    def blank(self) -> None:
        self.doc.add_paragraph()

    def addressee(self, text: str) -> None:
        """主送机关: flush left, ending in a full-width colon."""
        p = self.doc.add_paragraph()
        self._run(p, text if text.endswith("：") else text + "：", BODY_FONT, SIZE_3)

    def para(self, text: str) -> Paragraph:
        """A paragraph of the body: justified, its first line two characters in."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Pt(2 * SIZE_3)
        self._run(p, text, BODY_FONT, SIZE_3)
        return p

    def heading(self, text: str) -> None:
        """A first-level heading, numbered 一、二、… in 黑体."""
        self._levels = [self._levels[0] + 1, 0]
        p = self.doc.add_paragraph(style="Heading 1")
        self._run(p, f"{chinese_number(self._levels[0])}、{text}", HEADING_FONT, SIZE_3)

    def subheading(self, text: str) -> None:
        """A second-level heading, numbered （一）（二）… in 楷体 under the current heading."""
        self._levels[1] += 1
        p = self.doc.add_paragraph(style="Heading 2")
        self._run(p, f"（{chinese_number(self._levels[1])}）{text}", SUBHEADING_FONT, SIZE_3)

    def numbered(self, texts: Sequence[str]) -> None:
        """Third-level points, 1. 2. …, as body paragraphs in 仿宋."""
        for i, text in enumerate(texts, start=1):
            self.para(f"{i}.{text}")

    def table(self, columns: Sequence[tuple[str, str]], rows: Sequence[Mapping[str, Any]],
              ) -> None:
        """A table the width of the text: 仿宋 小四, the header row in 黑体 and repeated on
        each page; columns as wide as their text needs, long text wrapping, short values
        (numbers, dates, statuses) centred.

        Written as one piece of WordprocessingML (python-docx's cell objects cost about a
        millisecond a cell: a weekly report of a large ledger has hundreds of thousands)."""
        from xml.sax.saxutils import escape

        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        heads = [h for _, h in columns]
        texts = [[cell_text(r.get(key)) for key, _ in columns] for r in rows]
        widths = [round(mm * TWIPS_PER_MM) for mm in _column_widths(heads, texts)]
        short = [max([_width(r[c]) for r in texts] or [0]) <= 16 for c in range(len(columns))]
        size = int(SIZE_SMALL_4 * 2)
        line = int(TABLE_LINE * 20)
        center = '<w:jc w:val="center"/>'

        # Every run names its fonts, as _run does (w:eastAsia for the Chinese text).
        rpr = {font: "<w:rPr><w:rFonts" + "".join(
                   f' w:{a}="{font.name}"' for a in ("ascii", "hAnsi", "eastAsia", "cs"))
               + f'/><w:sz w:val="{size}"/></w:rPr>' for font in (HEADING_FONT, BODY_FONT)}

        def t(text: str) -> str:
            # xml:space only where spaces at an end must be kept, as python-docx does: lxml
            # takes long to move thousands of such attributes into the document.
            keep = ' xml:space="preserve"' if text != text.strip() else ""
            return f"<w:t{keep}>{escape(xml_safe(text))}</w:t>"

        def cell(c: int, text: str, font: Font, centred: bool) -> str:
            body = "<w:br/>".join(t(part) for part in text.split("\n"))
            return (f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/>'
                    '<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>'
                    f'<w:spacing w:line="{line}" w:lineRule="exact"/>{center if centred else ""}'
                    f"</w:pPr><w:r>{rpr[font]}{body}</w:r></w:p></w:tc>")

        parts = [f"<w:tbl {nsdecls('w')}><w:tblPr>"
                 '<w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
                 '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
                 '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
                 'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
                 *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
                 "<w:tr><w:trPr><w:tblHeader/></w:trPr>",
                 *(cell(c, h, HEADING_FONT, True) for c, h in enumerate(heads)), "</w:tr>"]
        for values in texts:
            parts.append("<w:tr>")
            parts += [cell(c, v, BODY_FONT, short[c]) for c, v in enumerate(values)]
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self.doc.element.body._insert_tbl(parse_xml("".join(parts)))

    def attachment_note(self, names: Sequence[str]) -> None:
        """附件说明: under the body after a blank line, two characters in; several are
        numbered and aligned under the first name."""
        from docx.shared import Pt

        self.blank()
        if len(names) == 1:
            self.para(f"附件：{names[0]}")
            return
        for i, name in enumerate(names, start=1):
            p = self.para(f"附件：{i}.{name}" if i == 1 else f"{i}.{name}")
            if i > 1:
                p.paragraph_format.first_line_indent = Pt(5 * SIZE_3)

    def sign(self, note: str | None = None) -> None:
        """落款 without a seal (7.3.5.2): a blank line, the office two characters from the
        right, the date on the next line starting two characters right of the office's first
        (when the date is the longer, the date two from the right and the office moved left
        to keep that step); then the note (附注) in brackets, two characters in."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        when = chinese_date(self.on)
        name_w, date_w = _width(self.office) / 2, _width(when) / 2  # in characters
        name_in, date_in = 2.0, name_w - date_w
        if date_in < 2:
            name_in, date_in = 4 + date_w - name_w, 2.0
        self.blank()
        for text, chars in ((self.office, name_in), (when, date_in)):
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(chars * SIZE_3)
            self._run(p, text, BODY_FONT, SIZE_3)
        if note:
            self.para(f"（{note}）")

    def attachment(self, title: str, number: int | None = None) -> None:
        """An attachment on a page of its own: 附件 (黑体, top left), its title on line 3."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.add_run().add_break(WD_BREAK.PAGE)
        self._run(p, "附件" if number is None else f"附件{number}", HEADING_FONT, SIZE_3)
        self.blank()
        t = self.doc.add_paragraph()
        t.alignment = WD_ALIGN_PARAGRAPH.CENTER
        t.paragraph_format.line_spacing = Pt(35)
        self._run(t, title, TITLE_FONT, SIZE_2)
        self.blank()

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def set_fonts(rpr: Any, font: Font) -> None:
    """Name `font` for every script of a run (or style) and drop the theme's fonts, which
    would otherwise win: w:eastAsia is what Word and WPS read for Chinese."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), font.name)


def _bottom_rule(p: Paragraph, color: str, *, space_pt: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", str(space_pt)),
                 ("w:color", color)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange")


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """Millimetres per column summing to the text width: each column what its widest text
    needs (long text capped, so it wraps) and never less than its header, plus the cell's
    margins; spare width shared out in proportion, a shortfall taken in proportion."""
    unit_mm = SIZE_SMALL_4 / 2 * 25.4 / 72  # half a character of the table's size
    padding_mm = 2 * 1.9  # Word's default cell margins, left and right
    need = []
    for c, head in enumerate(headers):
        widest = max([_width(r[c]) for r in rows] or [0])
        need.append(max(_width(head), min(widest, 40), 4) * unit_mm + padding_mm)
    total = sum(need)
    return [TEXT_WIDTH_MM * n / total for n in need]
