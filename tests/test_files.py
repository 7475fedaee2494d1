"""Files written with -o (issue 12, points 2, 5, 7 and 9): the extension says the format for
every list, report and export; xlsx and docx are real workbooks and documents; several
sections make one machine-readable document; a shared report follows the umask while the
whole ledger stays private; --excel guards every CSV/TSV."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, Runner, snapshot_db
from duchá.db import dispose_all

FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE"}


@pytest.fixture
def umask() -> Iterator[None]:
    """The usual umask (022) for the test, the process's own put back after."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sheet_rows(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    return [list(r) for r in load_workbook(path).worksheets[0].iter_rows(values_only=True)]


def _docx_rows(path: Path) -> list[list[str]]:
    import docx

    table = docx.Document(str(path)).tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


def _read(path: Path, suffix: str) -> list[list[str]]:
    """The rows of a written file, each format read by its own reader."""
    text = path.read_text(encoding="utf-8") if suffix not in (".xlsx", ".docx") else ""
    if suffix == ".csv":
        return list(csv.reader(io.StringIO(text)))
    if suffix == ".tsv":
        return [line.split("\t") for line in text.splitlines()]
    if suffix == ".json":
        data = json.loads(text)
        return [list(data[0]), *([str(v) for v in x.values()] for x in data)]
    if suffix == ".jsonl":
        data = [json.loads(line) for line in text.splitlines()]
        return [list(data[0]), *([str(v) for v in x.values()] for x in data)]
    if suffix == ".md":
        lines = [ln for ln in text.splitlines() if ln.startswith("|")]
        assert set(lines[1]) <= set("|-: ")  # Markdown's header rule
        return [[c.strip() for c in ln.strip("|").split("|")] for ln in [lines[0], *lines[2:]]]
    if suffix == ".html":
        assert text.startswith("<table>") and "<th>number" in text
        return [["number"], *([n.split("<")[0]] for n in text.split("<td>")[1:]
                              if n.startswith("WT-"))]
    if suffix == ".xlsx":
        return [[str(v) for v in r] for r in _sheet_rows(path)]
    assert suffix == ".docx"
    return _docx_rows(path)


SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".md", ".html", ".xlsx", ".docx")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_extension_says_the_format(on_demo: Runner, tmp_path: Path, suffix: str) -> None:
    listed = on_demo("finding", "list", "-f", "csv")
    numbers = [r[0] for r in list(csv.reader(io.StringIO(listed.stdout)))[1:]]
    target = tmp_path / f"问题{suffix}"
    r = on_demo("finding", "list", "-o", str(target))
    assert r.exit_code == 0, r
    assert r.stdout == ""
    rows = _read(target, suffix)
    assert rows[0][0] == "number"
    assert [row[0] for row in rows[1:]] == numbers
    # The same with -f saying what the extension says.
    fmt = {".md": "markdown", ".html": "html"}.get(suffix, suffix[1:])
    again = tmp_path / f"again{suffix}"
    r = on_demo("finding", "list", "-f", fmt, "-o", str(again))
    assert r.exit_code == 0, r
    assert _read(again, suffix) == rows


@pytest.mark.parametrize("args", [
    ("report", "overdue"), ("report", "units", "--year", "2026"), ("check",), ("unit", "list"),
    ("plan", "list"), ("inspect", "list"), ("log", "DB-2026-0001"), ("config", "list"),
])
@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_every_list_and_report_writes_xlsx_and_docx(on_demo: Runner, tmp_path: Path,
                                                     args: tuple[str, ...], suffix: str) -> None:
    expected = list(csv.reader(io.StringIO(on_demo(*args, "-f", "csv").stdout)))
    target = tmp_path / f"out{suffix}"
    r = on_demo(*args, "-o", str(target))
    assert r.exit_code in (0, 1), r  # check exits 1: the demo has errors
    if suffix == ".docx" and args[:2] == ("report", "units"):
        # The 通报 (tests/test_documents.py): the scoreboard is its attachment, a unit a row.
        import docx

        assert len(docx.Document(str(target)).tables[-1].rows) == len(expected)
        return
    rows = _read(target, suffix)
    assert rows[0] == expected[0]
    assert len(rows) == len(expected)


def test_xlsx_frozen_header_lights_dates_and_widths(on_demo: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "逾期.xlsx"
    r = on_demo("report", "overdue", "-f", "xlsx", "-o", str(target))  # was "unknown format"
    assert r.exit_code == 0, r
    wb = load_workbook(target)
    assert wb.sheetnames == ["overdue"]
    ws = wb["overdue"]
    assert ws.freeze_panes == "A2"
    head = [c.value for c in ws[1]]
    light, due, title, number = (head.index(k) + 1 for k in ("light", "due", "title", "number"))
    seen = set()
    for row in range(2, ws.max_row + 1):
        c = ws.cell(row, light)
        assert c.value in FILLS
        assert c.fill.fgColor.rgb.endswith(FILLS[c.value]), (c.value, c.fill.fgColor.rgb)
        seen.add(c.value)
        d = ws.cell(row, due)
        assert d.is_date and isinstance(d.value, datetime), d.value
        assert d.number_format == "yyyy-mm-dd"
        assert ws.cell(row, title).fill.fgColor.rgb in ("00000000", None)  # only lights
    assert seen == {"red", "yellow"}
    # A column of Chinese titles is wider than the column of numbers (CJK counts double).
    width = {c: ws.column_dimensions[ws.cell(1, c).column_letter].width for c in (title, number)}
    assert width[title] > width[number] >= len("DB-2026-0001")


def test_xlsx_and_docx_keep_formula_text_as_text(ledger: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    for title in ("=1+1", "@SUM(A1)", "-2+3", "+cmd|' /C calc'!A0"):
        r = ledger("item", "add", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
                   "-f", "csv", "--", title)
        assert r.exit_code == 0, r
    target = tmp_path / "items.xlsx"
    assert ledger("item", "list", "-o", str(target)).exit_code == 0
    ws = load_workbook(target).active
    assert ws is not None
    col = [c.value for c in ws[1]].index("title")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["=1+1", "@SUM(A1)", "-2+3", "+cmd|' /C calc'!A0"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert '<f>' not in _sheet_xml(target)  # no formula anywhere in the file
    doc = tmp_path / "items.docx"
    assert ledger("item", "list", "-o", str(doc)).exit_code == 0
    assert [row[1] for row in _docx_rows(doc)[1:]] == ["=1+1", "@SUM(A1)", "-2+3",
                                                       "+cmd|' /C calc'!A0"]


def _sheet_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


def test_docx_title_table_fonts_and_landscape(on_demo: Runner, tmp_path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    target = tmp_path / "事项.docx"
    r = on_demo("item", "list", "-o", str(target))
    assert r.exit_code == 0, r
    d = docx.Document(str(target))
    assert [p.text for p in d.paragraphs][:2] == ["items", f"as of {DEMO_AS_OF}"]
    assert d.sections[0].orientation == WD_ORIENT.LANDSCAPE  # 11 columns
    (table,) = d.tables
    assert [c.text for c in table.rows[0].cells][:3] == ["number", "title", "category"]
    first = table.rows[0].cells[0].paragraphs[0].runs[0]
    assert first.bold
    fonts = first._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    normal = d.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    # The header row repeats on every page; red lights are shaded red.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    light = [c.text for c in table.rows[0].cells].index("light")
    reds = [row.cells[light] for row in table.rows[1:] if row.cells[light].text == "red"]
    assert reds
    for c in reds:
        assert c._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == FILLS["red"]
    # A narrow table stays portrait.
    narrow = tmp_path / "units.docx"
    assert on_demo("unit", "list", "-o", str(narrow)).exit_code == 0
    assert docx.Document(str(narrow)).sections[0].orientation == WD_ORIENT.PORTRAIT


def test_record_and_sections_become_sheets(on_demo: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    status = tmp_path / "status.xlsx"
    assert on_demo("report", "status", "-o", str(status)).exit_code == 0
    wb = load_workbook(status)
    assert wb.sheetnames == ["by_status", "by_category", "red_units", "quota"]
    assert all(ws.freeze_panes == "A2" for ws in wb.worksheets)
    # The header of a count of red records is red too.
    head = wb["by_status"][1]
    red = [c for c in head if c.value == "red"]
    assert red and red[0].fill.fgColor.rgb.endswith(FILLS["red"])
    kind = next(c for c in head if c.value == "kind")
    assert not kind.fill.fgColor.rgb.endswith(FILLS["red"])
    shown = tmp_path / "item.xlsx"
    assert on_demo("item", "show", "DB-2026-0001", "-o", str(shown)).exit_code == 0
    wb = load_workbook(shown)
    assert wb.sheetnames[1:] == ["progress", "extensions", "accountability", "reminders",
                                 "feedback"]
    assert wb.sheetnames[0].startswith("DB-2026-0001")
    assert [c.value for c in wb.worksheets[0][2]] == ["number", "DB-2026-0001"]
    doc = tmp_path / "item.docx"
    assert on_demo("item", "show", "DB-2026-0001", "-o", str(doc)).exit_code == 0
    import docx

    d = docx.Document(str(doc))
    assert len(d.tables) == 6  # the record, then its five sections, each under its name
    assert [p.text for p in d.paragraphs][-5:] == ["progress", "extensions", "accountability",
                                                   "reminders", "feedback"]


def test_export_as_xlsx_docx_and_markdown(on_demo: Runner, tmp_path: Path) -> None:
    import docx

    target = tmp_path / "台账.docx"
    r = on_demo("export", "-o", str(target), "--headers", "zh")
    assert r.exit_code == 0, r
    assert "wrote" in r.stderr and "11 tables" in r.stderr
    d = docx.Document(str(target))
    assert len(d.tables) == 11
    assert d.tables[1].rows[0].cells[0].text == "事项编号"
    md = tmp_path / "items.md"
    assert on_demo("export", "items", "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("items\n| number ")


# -- refusals: nothing written, the ledger unchanged ------------------------------------------

@pytest.mark.parametrize("args, says", [
    (("-f", "csv", "-o", "{tmp}/逾期.xlsx"),
     "-f csv contradicts -o 逾期.xlsx, whose extension says xlsx; drop -f, or name the file "
     "逾期.csv"),
    (("-f", "xlsx", "-o", "{tmp}/x.docx"), "-f xlsx contradicts -o x.docx"),
    (("-f", "json", "-o", "{tmp}/x.md"), "-f json contradicts -o x.md"),
    (("-o", "{tmp}/逾期.txt"), "cannot tell a format from the name 逾期.txt; end it in one of "
     ".csv .tsv .json .jsonl .md .html .xlsx .docx, or say the format, e.g. -f csv -o 逾期.txt"),
    (("-o", "{tmp}/逾期"), "cannot tell a format from the name 逾期"),
    (("-f", "xlsx"), "xlsx is a file, not text: give it a name, e.g. -o report.xlsx"),
    (("--excel", "-o", "{tmp}/x.xlsx"), "--excel shapes CSV and TSV for a spreadsheet"),
])
@pytest.mark.parametrize("command", [
    ("report", "overdue"),
    ("item", "add", "推进供热", "-c", "meeting", "--lead", "fgw", "--due", "+30d"),
])
def test_a_contradiction_is_refused_and_changes_nothing(
        ledger: Runner, db_path: Path, tmp_path: Path, args: tuple[str, ...], says: str,
        command: tuple[str, ...]) -> None:
    workbook = tmp_path / "逾期.xlsx"
    workbook.write_bytes(b"a real workbook")  # the issue: -o NAME.xlsx overwrote one
    dispose_all()
    before = snapshot_db(db_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    r = ledger(*command, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert r.exit_code == 2, r
    assert r.stderr.startswith(f"error: {says}") and r.stderr.count("\n") == 1, r.stderr
    assert r.stdout == ""
    assert workbook.read_bytes() == b"a real workbook"
    dispose_all()
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    dispose_all()
    assert snapshot_db(db_path) == before


def test_an_unknown_extension_with_a_format_is_written(on_demo: Runner, tmp_path: Path) -> None:
    target = tmp_path / "逾期.txt"
    r = on_demo("report", "overdue", "-f", "plain", "-o", str(target))
    assert r.exit_code == 0, r
    assert "DB-2026-" in target.read_text(encoding="utf-8")


def test_a_write_command_writes_xlsx_after_it_commits(ledger: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "新事项.xlsx"
    r = ledger("item", "add", "推进供热", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
               "-o", str(target))
    assert r.exit_code == 0, r
    assert _sheet_rows(target)[1][0] == "DB-2026-0001"
    assert not list(tmp_path.glob(".ducha-*"))
    assert "DB-2026-0001" in ledger("item", "list", "-f", "csv").stdout
    assert load_workbook(target).sheetnames == ["rows"]


# -- point 5: several sections, one machine-readable document ---------------------------------

SECTIONS = ["by_status", "by_category", "red_units", "quota"]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_report_status_is_one_table_with_a_section_column(on_demo: Runner, fmt: str) -> None:
    r = on_demo("report", "status", "-f", fmt)
    assert r.exit_code == 0, r
    assert "\n\n" not in r.stdout
    rows = list(csv.reader(io.StringIO(r.stdout), delimiter="," if fmt == "csv" else "\t"))
    head = rows[0]
    assert head[0] == "section" and len(head) == len(set(head))
    assert all(len(row) == len(head) for row in rows)
    assert list(dict.fromkeys(row[0] for row in rows[1:])) == SECTIONS
    records = [dict(zip(head, row, strict=True)) for row in rows[1:]]
    by_status = [x for x in records if x["section"] == "by_status"]
    assert {(x["kind"], x["status"]) for x in by_status} >= {("item", "open"),
                                                             ("finding", "open")}
    assert all(x["category"] == "" for x in by_status)  # another section's column: empty
    quota = [x for x in records if x["section"] == "quota"]
    assert quota and quota[0]["year"] == "2026"


def test_report_status_is_one_json_object_and_jsonl_rows(on_demo: Runner) -> None:
    data = json.loads(on_demo("report", "status", "-f", "json").stdout)
    assert list(data) == SECTIONS and all(isinstance(v, list) for v in data.values())
    lines = [json.loads(x) for x in on_demo("report", "status", "-f", "jsonl").stdout
             .splitlines()]
    assert list(dict.fromkeys(x["section"] for x in lines)) == SECTIONS
    assert len(lines) == sum(len(v) for v in data.values())


def test_report_status_in_text_keeps_its_sections(on_demo: Runner) -> None:
    text = on_demo("report", "status", "-f", "markdown").stdout
    assert all(f"{name}\n|" in text for name in SECTIONS)


# -- point 7: who may read the file -----------------------------------------------------------

@pytest.mark.usefixtures("umask")
def test_a_report_follows_the_umask_the_whole_ledger_stays_private(
        on_demo: Runner, tmp_path: Path) -> None:
    for name, args in (("逾期.csv", ("report", "overdue")), ("逾期.xlsx", ("report", "overdue")),
                       ("status.json", ("report", "status")), ("周报.md", ("report", "weekly")),
                       ("事项.docx", ("item", "list")), ("items.csv", ("export", "items"))):
        target = tmp_path / name
        r = on_demo(*args, "-o", str(target))
        assert r.exit_code == 0, r
        assert mode(target) == 0o644, name
    for name in ("台账.xlsx", "台账.json", "台账.docx"):
        target = tmp_path / name
        assert on_demo("export", "-o", str(target)).exit_code == 0
        assert mode(target) == 0o600, name
    backup = tmp_path / "backup.db"
    assert on_demo("backup", str(backup)).exit_code == 0
    assert mode(backup) == 0o600


def test_the_umask_decides_and_a_file_written_over_keeps_its_mode(
        on_demo: Runner, tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        private = tmp_path / "mine.csv"
        assert on_demo("report", "overdue", "-o", str(private)).exit_code == 0
        assert mode(private) == 0o600
    finally:
        os.umask(old)
    shared = tmp_path / "shared.xlsx"
    shared.write_bytes(b"old")
    shared.chmod(0o664)
    assert on_demo("report", "overdue", "-o", str(shared)).exit_code == 0
    assert mode(shared) == 0o664 and shared.read_bytes().startswith(b"PK")


# -- point 9: --excel for every CSV/TSV ---------------------------------------------------------

def test_excel_guards_every_csv_and_tsv(ledger: Runner, tmp_path: Path) -> None:
    for title in ("=1+1", "@SUM(A1)", "-2 天内完成", "推进供热"):
        r = ledger("item", "add", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
                   "--as-of", "2026-11-01", "-f", "csv", "--", title)
        assert r.exit_code == 0, r
    plain = list(csv.reader(io.StringIO(ledger("item", "list", "-f", "csv").stdout)))
    assert [r[1] for r in plain[1:]] == ["=1+1", "@SUM(A1)", "-2 天内完成", "推进供热"]

    r = ledger("item", "list", "-f", "csv", "--excel")
    assert r.exit_code == 0, r
    raw = r.stdout.encode("utf-8") if isinstance(r.stdout, str) else r.stdout
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["'=1+1", "'@SUM(A1)", "'-2 天内完成", "推进供热"]
    assert rows[1][5] == plain[1][5]  # dates are not text that needs guarding

    # A list's TSV file, a report's CSV, and --excel before the subcommand.
    target = tmp_path / "items.tsv"
    assert ledger("item", "list", "--excel", "-o", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "\t'=1+1\t" in target.read_text(encoding="utf-8-sig")
    report = tmp_path / "overdue.csv"
    assert ledger("--excel", "--as-of", "2027-01-01", "report", "overdue", "-o",
                  str(report)).exit_code == 0
    assert ",'=1+1," in report.read_text(encoding="utf-8-sig")
    # With --encoding, that encoding (no BOM), the cells guarded all the same.
    r = ledger("item", "list", "--excel", "--encoding", "gb18030", "-o",
               str(tmp_path / "gb.csv"))
    assert r.exit_code == 0, r
    gb = (tmp_path / "gb.csv").read_bytes()
    assert not gb.startswith(b"\xef\xbb\xbf") and "'=1+1" in gb.decode("gb18030")
    # With no format said, --excel means CSV (the weekly report is Markdown otherwise).
    r = ledger("report", "weekly", "--excel", "--as-of", "2026-11-02")
    assert r.exit_code == 0, r
    assert r.stdout.startswith("\ufeffsection,kind,number,")


def test_help_names_the_formats_with_an_example(cli: Runner) -> None:
    root = cli("--help").stdout
    assert ".xlsx" in root and ".docx" in root and "--excel" in root
    assert "extension says the format: .csv .tsv .json .jsonl .md .html .xlsx .docx" in " ".join(
        root.split())
    assert "(e.g. -o 逾期.xlsx)" in root
    overdue = cli("report", "overdue", "--help").stdout
    assert "-o 逾期.xlsx" in overdue
    status = cli("report", "status", "--help").stdout
    assert "section" in status and "-o 督查看板.xlsx" in status


def test_date_cells_in_xlsx_are_dates_in_every_list(ledger: Runner, tmp_path: Path) -> None:
    r = ledger("item", "add", "推进供热", "-c", "meeting", "--lead", "fgw", "--due",
               "2026-12-31", "--as-of", "2026-11-01", "-f", "csv")
    assert r.exit_code == 0, r
    target = tmp_path / "items.xlsx"
    assert ledger("item", "list", "-o", str(target)).exit_code == 0
    rows = _sheet_rows(target)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["due"] == datetime(2026, 12, 31) and row["assigned"] == datetime(2026, 11, 1)
    assert isinstance(row["title"], str) and row["closed_on"] is None
    due = row["due"]
    assert isinstance(due, datetime) and due.date() == date(2026, 12, 31)


@pytest.mark.parametrize("title, shown", [
    ("铃\a转义\x1b[31m红", "铃\\x07转义\\x1b[31m红"),
    ("a\ufffeb", "a\\ufffeb"),
    ("[表]:*?/\\", "[表]:*?/\\"),
    ("报告\u202etxt.exe", None),
])
def test_hostile_text_makes_a_file_that_opens(ledger: Runner, tmp_path: Path, title: str,
                                              shown: str | None) -> None:
    """XML holds no control characters, U+FFFE or U+FFFF, and a sheet's name no []:*?/\\:
    shown as escapes, never an unexpected error or a file that does not open."""
    import docx
    from openpyxl import load_workbook

    r = ledger("item", "add", "-c", "meeting", "--lead", "fgw", "--due", "+30d", "-f", "csv",
               "--", title)
    assert r.exit_code == 0, r
    book, doc = tmp_path / "item.xlsx", tmp_path / "item.docx"
    for target in (book, doc):
        r = ledger("item", "show", "1", "-o", str(target))
        assert r.exit_code == 0, r
    wb = load_workbook(book)
    assert wb.sheetnames[0].startswith("DB-2026-0001 ") and len(wb.sheetnames[0]) <= 31
    values = [row[1] for row in wb.worksheets[0].iter_rows(values_only=True)]
    heads = [p.text for p in docx.Document(str(doc)).paragraphs]
    if shown is not None:
        assert shown in values
        assert heads[0] == f"DB-2026-0001 {shown}"
    else:  # a bidi control: data in the sheet, visible in the printed title
        assert title in values
        assert heads[0] == "DB-2026-0001 报告\\u202etxt.exe"
