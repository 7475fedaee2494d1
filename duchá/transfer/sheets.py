"""Reading a spreadsheet as a clerk keeps it: a CSV or text file (UTF-8, UTF-8 with a BOM,
GB18030, Excel's "Unicode text" in UTF-16), or a workbook (.xlsx, .xlsm, .xls: python-calamine
reads them all, and whatever WPS saves).

A 台账 rarely starts with its header: a title (平凉市…督办台账) and a 填报单位/填报时间 line come
first, and below the rows a 填表人 line.  The header is the row among the first ones that names
the most of the table's columns; the rows above it are its titles (a 填报时间 there dates the
progress it reports).  A workbook's merged cells give their value to every row they cover; a
CSV saved from such a sheet has only blanks below the value, so there the columns that are
usually merged (tables.Column.fill: 交办时间, 牵头单位, 责任领导, 事项类别) take the value from
the row above, unless the file carries record numbers (an export, whose blanks are blanks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import is_, itemgetter, not_, sub
from pathlib import Path
from typing import Any

from duchá import validation
from duchá.errors import BadInput
from duchá.transfer.columns import IGNORED, TABLES, key, lookup, table_name
from duchá.transfer.grid import Grid, Rows, join, split_lines

BINARY_PROBE = 64 * 1024
NUL = b"\x00"
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# The header is looked for among this many rows from the top.
HEADER_SEARCH = 15
_FOOTER = re.compile(r"^(填表人|填报人|审核人|制表人|联系人|联系电话|负责人|单位负责人|注[:：]|"
                     r"说明[:：]|备注[:：])")
_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_STAMP = re.compile(r"(?:填报|报送|统计)(?:时间|日期)[:：]?\s*([^\s，,；;]+)")


@dataclass
class Sheet:
    """A file read and decoded: its header, its data rows with their line (row) numbers, and
    what came above the header."""

    path: Path
    encoding: str  # the text's encoding, or the workbook's kind (xlsx, xls)
    header: list[str]
    rows: Rows  # a Grid where every row is as wide (a CSV's, mostly)
    name: str | None = None  # the workbook's sheet
    header_line: int = 1
    titles: list[str] = field(default_factory=list)  # the lines above the header
    # line -> a section heading that came just before it (三、领导批示事项)
    sections: dict[int, str] = field(default_factory=dict)
    merged: bool = False  # a workbook's merged cells were filled in (no CSV fill-down)
    delimiter: str = ","

    @property
    def workbook(self) -> bool:
        return self.encoding in ("xlsx", "xlsm", "xls", "xlsb", "ods")

    @property
    def noun(self) -> str:
        """What a position in it is called: a CSV's line, a workbook's row."""
        return "row" if self.workbook else "line"

    @property
    def label(self) -> str:
        return f"{self.path} (sheet {self.name})" if self.name else str(self.path)

    @property
    def stamp(self) -> str | None:
        """The 填报时间 of the title lines, as written."""
        for title in self.titles:
            m = _STAMP.search(title)
            if m:
                return m[1]
        return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16(data: bytes) -> str | None:
    """Excel's "Unicode text": UTF-16 with its byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The file's text and the encoding it was read with, or BadInput naming the line."""
    if encoding:
        enc = "utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding
        try:
            return data.decode(enc), encoding
        except UnicodeDecodeError as exc:
            line: int | str = _line_of(data, exc.start) if "16" not in enc else "?"
            raise validation.Invalid(
                "encoding", f"{path}: line {line} is not valid {encoding}; "
                "save the file in that encoding or pass another «encoding»") from None
    wide = _utf16(data)
    if wide:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError:
            raise BadInput(f"{path}: starts with a UTF-16 mark but is not UTF-16 text; save "
                           "it again as Unicode text or CSV") from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise BadInput(f"{path}: starts with a UTF-8 mark but line "
                           f"{_line_of(data, exc.start)} is not UTF-8 (mixed encodings); save "
                           "the whole file in one encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_line = _line_of(data, exc.start)
    # Not UTF-8.  If other lines are non-ASCII *and* valid UTF-8, the file mixes encodings
    # (rows pasted from two sources); GB18030 would read it "successfully" as garbage.
    for n, raw in enumerate(data.split(b"\n"), start=1):
        if n != bad_line and max(raw, default=0) >= 0x80:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            raise BadInput(f"{path}: mixed encodings: line {n} is UTF-8 but line {bad_line} is "
                           "not; save the whole file in one encoding (UTF-8 or GB18030)")
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise validation.Invalid(
            "encoding", f"{path}: line {_line_of(data, exc.start)} is neither UTF-8 nor "
            "GB18030 text; save the file as CSV (UTF-8) or pass «encoding»") from None


def _text_rows(path: Path, encoding: str | None) -> tuple[str, str, Rows]:
    """(encoding, delimiter, non-empty rows with their line numbers) of a CSV or text file."""
    import csv
    import io

    with path.open("rb") as fh:
        # A large binary file is refused from its first block, before reading it all.
        data = fh.read(BINARY_PROBE)
        if NUL not in data or _utf16(data):
            fh.seek(0)
            data = fh.read()  # (read again whole: no copy of the file joined to its start)
    if NUL in data and not (_utf16(data) or (encoding and "16" in encoding)):
        raise BadInput(f"{path} is not a CSV text file (binary data on line "
                       f"{_line_of(data, data.index(NUL))}); save the sheet as .xlsx or CSV "
                       "and import that")
    if b'"' not in data and encoding in (None, "utf-8", "utf-8-sig") and not _utf16(data):
        quick = _utf8_rows(path, data, encoding)
        if quick is not None:
            return quick
    text, used = decode(path, data, encoding)
    # A text that starts with something says something (no stripped copy of it to look at).
    head = text[:1]
    if (head in ("", "\ufeff") or head.isspace()) and not text.strip().strip("\ufeff").strip():
        raise BadInput(f"{path} is empty; give a CSV file with a header line and rows")
    body = text.lstrip("\ufeff")
    end = body.find("\n")  # (the first line without a copy of the rest, as split would make)
    delimiter = _delimiter(path, body if end < 0 else body[:end])
    rows: list[tuple[int, list[str]]] = []
    start = 1
    if '"' not in text:  # no quoted cells: each line is one row, on the line of its number
        # Lines end in \r\n (Excel's) or \n; a lone \r also ends a line for csv.reader:
        # such a file is read by it below.
        crlf = body.count("\r\n")
        if crlf == body.count("\r"):
            lines = body.split("\r\n" if crlf else "\n") if crlf in (0, body.count("\n")) \
                else body.replace("\r\n", "\n").split("\n")
            return used, delimiter, _split(lines, delimiter, 1)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if any(map(str.strip, record)):
                rows.append((line, record))
    except csv.Error as exc:
        raise BadInput(f"{path}: line {start}: not readable as CSV ({exc}); check the "
                       "quotes on that line") from None
    return used, delimiter, rows


# The bytes of a large file decoded and split at a time (at a line's end), so that its text
# and its lines are not held whole beside its cells.
_PIECE = 1 << 20
_BOM = b"\xef\xbb\xbf"


def _utf8_rows(path: Path, data: bytes, encoding: str | None
               ) -> tuple[str, str, Rows] | None:
    """What _text_rows reads from a UTF-8 file without quotes whose lines all end alike (no
    cell spans lines, so each line is a row), decoded a piece at a time; None for any other
    file, and for one without a row (_text_rows reads those whole, and says why)."""
    start = 0
    while data.startswith(_BOM, start):  # (the text after its marks, as body is)
        start += len(_BOM)
    # (a lone \r, or \r\n and \n mixed: read whole; a file without \r is looked at once)
    crlf = 0
    if data.find(b"\r") >= 0:
        crlf = data.count(b"\r\n")
        if crlf != data.count(b"\r") or crlf != data.count(b"\n"):
            return None
    end = data.find(b"\n", start)
    try:
        first = data[start:end if end >= 0 else len(data)].decode()
    except UnicodeDecodeError:
        return None
    delimiter = _delimiter(path, first)
    sep = "\r\n" if crlf else "\n"
    grids: list[Grid] | None = []  # (until a piece's rows are not all as wide)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    while start < len(data):
        stop = data.find(b"\n", start + _PIECE)
        stop = len(data) if stop < 0 else stop + 1
        try:
            text = data[start:stop].decode()
        except UnicodeDecodeError:  # (not UTF-8: decode says what it is)
            return None
        lines = text.split(sep)
        if stop < len(data):
            lines.pop()  # (the empty text after the piece's last line end)
        says = _says(lines, delimiter, text)
        if grids is not None:
            piece = split_lines(lines, says, delimiter, line)
            if piece is not None:
                grids.append(piece)
            else:
                rows, grids = [row for g in grids for row in g], None
        if grids is None:
            rows += _line_rows(lines, delimiter, line, says)
        line += len(lines)
        start = stop
    whole = join(grids) if grids is not None else None
    if grids is not None and whole is None:
        rows = [row for g in grids for row in g]
    if not (whole or rows):
        return None
    used = encoding or ("utf-8-sig" if data.startswith(_BOM) else "utf-8")
    return used, delimiter, whole or rows


def _delimiter(path: Path, first: str) -> str:
    """The delimiter of a text file whose first line is `first`: Excel's "Unicode text" and
    .tsv/.txt files separate cells with tabs."""
    tabbed = path.suffix.lower() in (".tsv", ".txt") or first.count("\t") > first.count(",")
    return "\t" if tabbed else ","


def _split(lines: list[str], delimiter: str, first: int) -> Rows:
    """`_line_rows` as a Grid when every line that says something is as wide."""
    says = _says(lines, delimiter)
    grid = split_lines(lines, says, delimiter, first)
    return grid if grid is not None else list(_line_rows(lines, delimiter, first, says))


def _line_rows(lines: list[str], delimiter: str, first: int, content: list[bool]
               ) -> Iterator[tuple[int, list[str]]]:
    """The rows of lines without quotes, `first` the number of the first: each line that
    says something (more than delimiters and spaces: `content`, from _says), with its line's
    number, its cells what lies between the delimiters, as csv.reader reads them."""
    return zip(compress(count(first), content), map(
        str.split, compress(lines, content), repeat(delimiter)), strict=True)


def _says(lines: list[str], delimiter: str, text: str | None = None) -> list[bool]:
    """Whether each line holds more than delimiters and spaces.  A line that starts with
    something else does (str.lstrip gives it back as it is); only the others, few in a
    台账, are looked at whole.  `text`: the lines' text, looked at once for a line that
    starts otherwise (most pieces of a 台账 have none)."""
    skip = delimiter + _SPACES
    if text is not None and lines and lines[0][:1] and lines[0][0] not in skip:
        starts = _STARTS.get(delimiter)
        if starts is None:
            starts = _STARTS[delimiter] = re.compile("\n[" + re.escape(skip) + "]")
        if starts.search(text) is None:
            says = [True] * len(lines)
            says[-1] = bool(lines[-1])  # (the empty text after a last line end)
            return says
    says = list(map(is_, map(str.lstrip, lines, repeat(skip)), lines))
    for i in compress(count(), map(not_, lines)):  # (an empty line is its own lstrip)
        says[i] = False
    for i in compress(count(), map(not_, says)):
        says[i] = bool(lines[i].replace(delimiter, "").strip())
    return says


# A line end followed by a delimiter or a space, by delimiter (_says).
_STARTS: dict[str, re.Pattern[str]] = {}

# Every character str.strip() takes for a space (the ideographic space among them);
# tests/test_scale.py holds it to str.isspace.
_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
           "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _cell(value: Any) -> str:
    """A workbook cell as the text a CSV would hold: dates in ISO, 3.0 as 3."""
    import datetime

    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _workbook(path: Path, table: str, which: str | None
              ) -> tuple[str, list[tuple[str, list[tuple[int, list[str]]], bool]]]:
    """(the workbook's kind, its candidate sheets as (name, rows, merged filled)): the sheet
    `which` names (its name or its 1-based number), else every visible worksheet, one named
    like the table first."""
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum
    except ImportError:  # pragma: no cover - a dependency of duchá
        raise BadInput("reading .xlsx and .xls needs python-calamine; `pip install "
                       "python-calamine` or save the sheet as CSV") from None
    kind = path.suffix.lower().lstrip(".")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # the reader's own errors: not a workbook, encrypted, damaged
        raise BadInput(f"{path} cannot be read as a spreadsheet ({_first(exc)}); open it in "
                       "Excel or WPS and save it again as .xlsx") from None
    with book:
        names = list(book.sheet_names)
        if which is not None:
            wanted = which.strip()
            if wanted.isdigit() and 1 <= int(wanted) <= len(names) and wanted not in names:
                wanted = names[int(wanted) - 1]
            if wanted not in names:
                raise validation.Invalid("sheet", f"{path} has no sheet '{which}'; its sheets: "
                                         f"{', '.join(names)} (give «sheet» a name or number)")
            picked = [wanted]
        else:
            shown = [m.name for m in book.sheets_metadata
                     if m.visible == SheetVisibleEnum.Visible
                     and m.typ == SheetTypeEnum.WorkSheet] or names
            picked = sorted(shown, key=lambda n: table_name(n) != table)
        out = []
        for name in picked:
            try:
                sheet = book.get_sheet_by_name(name)
                grid = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
                merges = sheet.merged_cell_ranges
            except Exception as exc:  # a damaged sheet
                raise BadInput(f"{path}: sheet {name} cannot be read ({_first(exc)}); open it "
                               "in Excel or WPS and save it again") from None
            for (r1, c1), (r2, _c2) in merges or ():
                # A merged cell's value is every row's it covers (in its first column).
                if r1 >= len(grid):
                    continue
                top = grid[r1]
                value = top[c1] if c1 < len(top) else ""
                for r in range(r1 + 1, min(r2, len(grid) - 1) + 1):
                    row = grid[r]
                    row.extend([""] * (c1 + 1 - len(row)))
                    if not row[c1]:
                        row[c1] = value
            rows = [(n, row) for n, row in enumerate(grid, start=1)
                    if any(c.strip() for c in row)]
            out.append((name, rows, merges is not None))
    return kind, out


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read(path: Path, table: str, encoding: str | None = None,
         sheet: str | None = None) -> Sheet:
    """Read a file for `table`: a CSV or text file, or a workbook's sheet, with its header
    found below any title rows.  BadInput for what cannot be read or holds no rows."""
    if not path.exists():
        raise BadInput(f"no file {path}; check the path")
    if path.is_dir():
        raise BadInput(f"{path} is a folder; give a CSV file or a spreadsheet (.xlsx, .xls)")
    if path.suffix.lower() in WORKBOOKS:
        kind, sheets = _workbook(path, table, sheet)
        found = [_locate(path, kind, table, rows, name, merged)
                 for name, rows, merged in sheets if rows]
        if not found:
            raise BadInput(f"{path} is empty; give a sheet with a header row and rows")
        complete = [s for s in found if _missing(table, s) == []]
        best = complete[0] if complete else max(found, key=lambda s: _score(table, s.header))
    else:
        used, delimiter, rows = _text_rows(path, encoding)
        if not rows:
            raise BadInput(f"{path} is empty; give a CSV file with a header line and rows")
        best = _locate(path, used, table, rows, None, False)
        best.delimiter = delimiter
    if not best.rows:
        raise BadInput(f"{best.label} has a header but no rows; nothing to import")
    return best


def _score(table: str, header: list[str]) -> int:
    names = lookup(table)
    return len({names[k] for h in header if (k := key(h)) in names})


def _missing(table: str, sheet: Sheet) -> list[str]:
    names = lookup(table)
    have = {names[k] for h in sheet.header if (k := key(h)) in names}
    return [c.name for c in TABLES[table] if c.required and c.name not in have]


def _locate(path: Path, encoding: str, table: str, rows: Rows, name: str | None,
            merged: bool) -> Sheet:
    """The sheet with its header row: the one among the first that names the most columns
    (the first row when none names any)."""
    best, best_score = 0, 0
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH]):
        score = _score(table, cells)
        if score > best_score:
            best, best_score = i, score
    header_line, header = rows[best]
    titles = [" ".join(c.strip() for c in cells if c.strip()) for _, cells in rows[:best]]
    sections: dict[int, str] = {}
    heading: str | None = None
    rest = rows[best + 1:]
    if _three_filled(rest):
        # (every row has three cells or more: no footer, no heading, as in most files)
        return Sheet(path, encoding, header, rest, name, header_line, titles, sections, merged)
    kept: list[int] = []
    for k, (line, cells) in enumerate(rest):
        if len(cells) - cells.count("") < 3:  # a row of one or two cells: a footer, a heading?
            filled = [c.strip() for c in cells if c.strip()]
            if len(filled) == 1 and _FOOTER.match(filled[0]):
                continue  # 填表人：…, 注：…
            if len(filled) == 1 and _SECTION.match(filled[0]) and len(cells) > 2:
                heading = filled[0]  # 三、领导批示事项: the rows below belong to it
                continue
        if heading:
            sections[line] = heading
        kept.append(k)
    body = rest.keep(kept) if isinstance(rest, Grid) else [rest[k] for k in kept]
    return Sheet(path, encoding, header, body, name, header_line, titles, sections, merged)


def _three_filled(rows: Rows) -> bool:
    """Whether every row has three cells or more that are not empty: at once when three
    columns have no empty cell (most files: a look at three cells of each row), else by
    counting each row's."""
    grid: list[list[str]] | None = None
    columns: Iterator[Any]
    if isinstance(rows, Grid):  # (each column a slice, taken in C)
        columns = map(rows.column, range(min(rows.width, 8)))
    else:
        grid = list(map(itemgetter(1), rows))
        shortest = min(map(len, grid), default=0)
        columns = (map(itemgetter(j), grid) for j in range(min(shortest, 8)))
    full = 0
    for column in columns:  # (the first columns: a 台账's names and texts)
        if "" not in column:
            full += 1
            if full == 3:
                return True
    if grid is None:
        grid = list(map(itemgetter(1), rows))
    return min(map(sub, map(len, grid), map(list.count, grid, repeat(""))), default=3) >= 3


def fill_down(table: str, sheet: Sheet, where: dict[str, int]) -> dict[str, list[int]]:
    """In a CSV saved from a sheet with merged cells, a blank cell of a usually merged column
    takes the value above it.  Not in workbooks (their merges are known), nor in files with
    record numbers (an export: its blanks are blanks).  Column -> the lines filled."""
    if sheet.merged or sheet.workbook or "number" in where or "item" in where:
        return {}
    filled: dict[str, list[int]] = {}
    rows = sheet.rows
    for col in TABLES[table]:
        if not col.fill or col.name not in where:
            continue
        i = where[col.name]
        if isinstance(rows, Grid):  # (every row has the column)
            cells = rows.column(i)
            done = _filled_down(cells)
            if done:
                rows.set_column(i, cells)
            lines = [rows.lines[k] for k in done]
        else:
            cells = [row[i] if i < len(row) else "" for _, row in rows]
            done = _filled_down(cells)
            for k in done:
                row = rows[k][1]
                row.extend([""] * (i + 1 - len(row)))  # (a row too short to have it)
                row[i] = cells[k]
            lines = [rows[k][0] for k in done]
        if lines:
            filled[col.name] = lines
    return filled


def _filled_down(cells: list[str]) -> list[int]:
    """A column's blank cells given the value above them, in place; their places."""
    if all(map(str.strip, cells)):
        return []  # no blank cell in the column
    above = ""
    done = []
    for k, cell in enumerate(cells):
        if cell.strip():
            above = cell
        elif above:
            cells[k] = above
            done.append(k)
    return done


def ignored(table: str, header: str) -> bool:
    """A header that is not data (序号) and not a column of the table: no warning."""
    k = key(header)
    return not k or (k in IGNORED and k not in lookup(table))
