"""The feedback form (反馈表) as a file: the xlsx `form out` writes for one unit, and a returned
one read back (that xlsx, or the same sheet saved as CSV) into plain rows for services.forms
to check.

The sheet: a title, the form's number (表号), its round, the unit (name and code), the day it
was sent and the day it is due back, a line on how to fill it in, then the header and one row
per record.  The first five columns (编号, 事项/问题, 落实时限, 灯, 最近进展) are the office's
and locked; the six after them are the unit's to fill.  The sheet is protected without a
password, so that a number is not changed by accident, not to keep anyone out.  The form's
number and unit are also in the workbook's custom properties.

openpyxl is imported inside the functions that use it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput

if TYPE_CHECKING:
    from duchá.transfer.grid import Rows

TITLE = "督查督办事项进展情况反馈表"
SHEET = "反馈表"


@dataclass(frozen=True)
class FormColumn:
    key: str
    header: str
    width: int  # in Excel's units (about one Latin character)
    filled: bool = False  # the unit's to fill in (unlocked)


COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("number", "编号", 15),
    FormColumn("title", "事项/问题", 36),
    FormColumn("due", "落实时限", 12),
    FormColumn("light", "灯", 7),
    FormColumn("last", "最近进展", 30),
    FormColumn("progress", "本期进展", 36, True),
    FormColumn("percent", "完成进度(%)", 12, True),
    FormColumn("claim", "申请办结（是/否）", 12, True),
    FormColumn("done_on", "完成日期", 12, True),
    FormColumn("evidence", "佐证材料", 24, True),
    FormColumn("coordination", "需协调解决的问题", 30, True),
)
FILLED = tuple(c.key for c in COLUMNS if c.filled)
# The facts above the header, each a label with its value in the next cell.
META = (("form", "表号"), ("round", "轮次"), ("unit_name", "填报单位"), ("unit", "单位代码"),
        ("issued_on", "下发日期"), ("due", "反馈截止"))
HOW = ("请在右侧浅色列填写本期进展；完成进度填0至100的整数；已完成、申请办结的填“是”并写明完成日期"
       "（如2026-11-30）和佐证材料；需市政府协调解决的问题单独写明。编号等灰色列已锁定，请勿改动，"
       "也不要增删行；没有进展的事项可留空。")
# What a folder of returned forms is read for: workbooks and text files.
FORM_FILES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# The lights in the form, as the units read them.
LIGHTS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}


def _key(text: str) -> str:
    """A header or label as compared: no spaces, no bracketed note (（是/否）, (%))."""
    return re.sub(r"[（(][^）)]*[）)]", "", "".join(text.split()))


_HEADER = {_key(c.header): c.key for c in COLUMNS}
_LABEL = {_key(label): key for key, label in META}


def file_name(form: dict[str, Any]) -> str:
    """The file a form is written to: its number and the unit's code."""
    return f"{form['form']}-{form['unit']}.xlsx"


def workbook(form: dict[str, Any]) -> bytes:
    """One unit's form as xlsx bytes.  `form` has form, round, unit, unit_name, issued_on,
    due, and rows (number, title, due, light, last)."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from duchá.writers import xml_text
    from duchá.writers.workbook import DATE_FORMAT, LIGHT_COLOURS

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = SHEET
    last_col = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    locked_fill = PatternFill("solid", fgColor="EDEDED")
    open_fill = PatternFill("solid", fgColor="FFF9E5")
    unlocked = Protection(locked=False)

    def text(cell: Any, value: str) -> None:
        cell.value = xml_text(value)
        cell.data_type = "s"  # never a formula, whatever the title starts with

    ws.merge_cells(f"A1:{last_col}1")
    text(ws["A1"], TITLE)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    facts = {"form": form["form"], "round": form["round"], "unit_name": form["unit_name"],
             "unit": form["unit"], "issued_on": form["issued_on"].isoformat(),
             "due": form["due"].isoformat()}
    for row, pairs in ((2, META[:4]), (3, META[4:])):
        for k, (key, label) in enumerate(pairs):
            text(ws.cell(row, 2 * k + 1), label)
            ws.cell(row, 2 * k + 1).font = Font(bold=True)
            text(ws.cell(row, 2 * k + 2), facts[key])
    text(ws.cell(4, 1), "填报说明")
    ws.cell(4, 1).font = Font(bold=True)
    ws.merge_cells(f"B4:{last_col}4")
    text(ws.cell(4, 2), HOW)
    ws.cell(4, 2).alignment = wrap
    ws.row_dimensions[4].height = 48
    header = 5
    for c, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(header, c)
        text(cell, col.header)
        cell.font = Font(bold=True)
        cell.fill = open_fill if col.filled else locked_fill
        cell.border = box
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(c)].width = col.width
    light_fills = {name: (PatternFill("solid", fgColor=bg), Font(color=fg))
                   for name, (bg, fg) in LIGHT_COLOURS.items()}
    for r, rec in enumerate(form["rows"], start=header + 1):
        for c, col in enumerate(COLUMNS, start=1):
            cell = ws.cell(r, c)
            cell.border = box
            cell.alignment = wrap
            if col.filled:
                cell.protection = unlocked
                cell.fill = open_fill
                if col.key == "done_on":
                    cell.number_format = DATE_FORMAT
                continue
            cell.fill = locked_fill
            value = rec.get(col.key)
            if col.key == "due":
                text(cell, value.isoformat() if isinstance(value, date) else "长期")
            elif col.key == "light":
                text(cell, LIGHTS.get(value or "", ""))
                if value in light_fills:
                    cell.fill, cell.font = light_fills[value]
            else:
                text(cell, "" if value is None else str(value))
    first, end = header + 1, header + max(len(form["rows"]), 1)
    column = {col.key: get_column_letter(c) for c, col in enumerate(COLUMNS, start=1)}
    checks = (
        (DataValidation(type="list", formula1='"是,否"', allow_blank=True,
                        error="填“是”或“否”", errorTitle="申请办结"), "claim"),
        (DataValidation(type="whole", operator="between", formula1="0", formula2="100",
                        allow_blank=True, error="填0至100的整数", errorTitle="完成进度"),
         "percent"),
        (DataValidation(type="date", operator="greaterThan", formula1="36526",
                        allow_blank=True, error="填日期，如2026-11-30", errorTitle="完成日期"),
         "done_on"),
    )
    for dv, key in checks:
        dv.showErrorMessage = True
        dv.add(f"{column[key]}{first}:{column[key]}{end}")
        ws.add_data_validation(dv)
    ws.freeze_panes = f"B{header + 1}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    # Protected without a password: cells of the office's columns cannot be changed by
    # accident; the unit may still resize rows and columns to read long text.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    for name, key in (("ducha.form", "form"), ("ducha.round", "round"), ("ducha.unit", "unit")):
        # (custom_doc_props is not in openpyxl's stubs)
        wb.custom_doc_props.append(  # type: ignore[attr-defined]
            StringProperty(name=name, value=str(facts[key])))
    wb.properties.title = f"{TITLE} {form['form']}"
    wb.properties.creator = "duchá"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- reading a returned form


@dataclass
class Returned:
    """A returned form as read: what it says it is, and its record rows by position."""

    path: Path
    noun: str  # what a position is called: a workbook's row, a CSV file's line
    meta: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)


def files(paths: list[Path]) -> list[Path]:
    """The files named, a folder standing for the xlsx and CSV files in it."""
    try:
        return _files(paths)
    except OSError as exc:
        raise BadInput(f"cannot read {exc.filename or 'the file'}: {exc.strerror}; check the "
                       "path") from None


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file()
                           and p.suffix.lower() in FORM_FILES
                           and not p.name.startswith((".", "~$")))
            if not found:
                raise BadInput(f"{path} holds no .xlsx or .csv form; give the folder the "
                               "returned forms were saved in")
            out.extend(found)
        elif not path.exists():
            raise BadInput(f"no file {path}; check the path")
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique


def read(path: Path) -> Returned:
    """A returned form: a workbook (the xlsx sent, or as WPS or Excel saved it again: .xls,
    .xlsm, .ods), else a text file (CSV in UTF-8 or GB18030, Excel's Unicode text), each
    read as the importer reads such files (transfer.sheets)."""
    from duchá.transfer.sheets import WORKBOOKS

    try:
        if path.suffix.lower() in WORKBOOKS:
            return _parse(path, "row", _workbook_rows(path))
        return _parse(path, "line", _text_rows(path))
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None


def _workbook_rows(path: Path) -> list[tuple[int, list[str]]]:
    from duchá.transfer.sheets import _workbook

    _, sheets = _workbook(path, "", None)
    named = [rows for name, rows, _ in sheets if name == SHEET]
    return named[0] if named else sheets[0][1] if sheets else []


def _text_rows(path: Path) -> Rows:
    from duchá.transfer.sheets import _text_rows as text_rows

    _, _, rows = text_rows(path, None)
    return rows


def _parse(path: Path, noun: str, rows: Rows) -> Returned:
    got = Returned(path, noun)
    where: dict[str, int] | None = None
    for n, cells in rows:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if where is None:
            keys = [_HEADER.get(_key(c)) for c in cells]
            if keys and keys[0] == "number" and "progress" in keys:
                where = {k: i for i, k in enumerate(keys) if k is not None}
                got.columns = set(where)
                continue
            for i, c in enumerate(cells[:-1]):
                key = _LABEL.get(_key(c))
                if key is not None and key not in got.meta and cells[i + 1]:
                    got.meta[key] = cells[i + 1]
            continue
        values = {k: (cells[i] if i < len(cells) and cells[i] else None)
                  for k, i in where.items()}
        got.rows.append((n, values))
    if where is None:
        raise BadInput(f"{path} is not a feedback form: no header row starting 编号 with "
                       "本期进展; return the form `duchá form out` made, filled in")
    missing = [c.header for c in COLUMNS if c.filled and c.key not in got.columns]
    if missing:
        raise BadInput(f"{path}: the header lacks {'、'.join(missing)}; return the form as it "
                       "was sent, with its columns")
    if "form" not in got.meta:
        raise BadInput(f"{path} does not say which form it is (表号); return the form as it "
                       "was sent")
    return got
