"""Issue 13: the office's real 台账 goes in as it is.

The 台账 is built as a clerk keeps it in Excel on Chinese Windows: a title row, a
填报单位 / 填报时间 line, the header 序号 事项名称 责任领导 牵头单位 责任单位 配合单位
落实时限 交办时间 办理状态 进展情况 备注, section headings (一、…, 二、…), cells merged
over several rows (交办时间, 牵头单位, 责任领导), every deadline phrase and status word
the issue lists, 各县（市、区）, two lead units, a blank 交办时间, and a 填表人 line under
the rows.  It is imported as .xlsx (openpyxl), as a GB18030 CSV (as Excel saves it: a
merged value in its first row only), as UTF-16 text and as .xls (xlwt).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import Runner, snapshot_db

AS_OF = ("--as-of", "2026-11-30")

UNITS = (
    ("kongtong", "平凉市崆峒区人民政府", "county"),
    ("jingchuan", "泾川县人民政府", "county"),
    ("lingtai", "灵台县人民政府", "county"),
    ("chongxin", "崇信县人民政府", "county"),
    ("huating", "华亭市人民政府", "county"),
    ("zhuanglang", "庄浪县人民政府", "county"),
    ("jingning", "静宁县人民政府", "county"),
    ("fgw", "平凉市发展和改革委员会", "department"),
    ("jyj", "平凉市教育局", "department"),
    ("zjj", "平凉市住房和城乡建设局", "department"),
    ("czj", "平凉市财政局", "department"),
    ("jtj", "平凉市交通运输局", "department"),
    ("sthjj", "平凉市生态环境局", "department"),
)
COUNTIES = sorted(c for c, _, k in UNITS if k == "county")
DEPARTMENTS = sorted(c for c, _, k in UNITS if k == "department")

TITLE = "平凉市2026年重点工作督办台账"
STAMP = "填报单位：平凉市人民政府督查室　　　填报时间：2026年11月27日"
HEADER = ["序号", "事项名称", "责任领导", "牵头单位", "责任单位", "配合单位", "落实时限",
          "交办时间", "办理状态", "进展情况", "备注"]
# Section headings and rows.  None: the cell is covered by the merged cell above it.
SECTION_1 = "一、市政府常务会议议定事项"
SECTION_2 = "二、领导批示事项"
BODY: list[str | list[Any]] = [
    SECTION_1,
    # 1: a blank 交办时间 (unknown, not today), a deadline already past on the as-of date
    ["1", "推进城区集中供热管网改造", "张副市长", "市住建局", "崆峒区", "市发改委",
     "2026年10月31日前", "", "正在办理", "完成管网招标，进入施工阶段", ""],
    ["2", "实施老旧小区改造年度任务", None, None, "各县（市、区）", "", "2026年12月",
     "2026-03-02", "推进中", "已开工28个小区", "年度任务"],
    ["3", "建设城区公共停车场", None, "市发改委", "崆峒区", "市财政局", "6月底前", None,
     "未办结", "完成选址", ""],
    ["4", "建立重大项目推进机制", "王副市长", None, "各县区", "", "长期", None, "持续推进",
     "每月调度一次", ""],
    ["5", "优化营商环境", None, None, "市直各部门", "", "一季度", None, "办理中", "", ""],
    ["6", "落实减税降费政策", None, "市财政局", "泾川县", "", "2026年3月底", None, "已完成",
     "政策资金已全部兑付", "3月已销号"],
    SECTION_2,
    ["7", "农村公路养护提质", "李副市长", "市交通运输局", "崇信县、华亭市", "", "年底前",
     "2026-02-10", "已办结", "", ""],
    ["8", "中小学校舍安全排查", None, "市教育局", "各县（市、区）", "", "上半年", None,
     "办结", "排查全部完成", ""],
    ["9", "黄河流域生态保护", None, "市生态环境局", "各县（市、区）", "市发改委", "长期坚持",
     None, "推进中", "", ""],
    ["10", "秸秆综合利用", None, "崇信县、华亭市", "灵台县", "", "三季度", "2026-04-01",
     "未办结", "", ""],
    ["11", "冬季清洁取暖改造", None, "市住建局", "", "", "第三季度末", None, "在办", "", ""],
    ["12", "校园食品安全专项整治", None, "市教育局", "各县（市、区）", "", "2026.12", None,
     "正在办理", "", ""],
    ["13", "重点项目前期工作", None, "市发改委", "", "", "持续推进", None, "已办结", "", ""],
    ["14", "城乡供水一体化", None, "市住建局", "庄浪县、静宁县", "", "2026年9月30日前",
     None, "推进中", "", ""],
    ["15", "公共资源交易平台整合", None, "市发改委", "", "", "年内", None, "办理中", "", ""],
    ["16", "交通运输安全隐患排查", None, "市交通运输局", "", "", "四季度", None, "推进中",
     "", ""],
]
FOOTER = "填表人：王小明　　审核人：李主任　　联系电话：0933-8211234"

# item -> (category, lead, units, assigned, due, status, closed_on, remarks, last progress)
EXPECTED = {
    "推进城区集中供热管网改造": ("meeting", "zjj", ["fgw", "kongtong"], None, "2026-10-31",
                         "open", None, None, "完成管网招标，进入施工阶段"),
    "实施老旧小区改造年度任务": ("meeting", "zjj", COUNTIES, "2026-03-02", "2026-12-31",
                         "open", None, "年度任务", "已开工28个小区"),
    "建设城区公共停车场": ("meeting", "fgw", ["czj", "kongtong"], "2026-03-02", "2026-06-30",
                  "open", None, None, "完成选址"),
    "建立重大项目推进机制": ("meeting", "fgw", COUNTIES, "2026-03-02", None, "open", None,
                    None, "每月调度一次"),
    "优化营商环境": ("meeting", "fgw", [d for d in DEPARTMENTS if d != "fgw"], "2026-03-02",
               "2026-03-31", "open", None, None, None),
    "落实减税降费政策": ("meeting", "czj", ["jingchuan"], "2026-03-02", "2026-03-31", "done",
                 "2026-11-30", "3月已销号", "政策资金已全部兑付"),
    "农村公路养护提质": ("instruction", "jtj", ["chongxin", "huating"], "2026-02-10",
                 "2026-12-31", "done", "2026-11-30", None, None),
    "中小学校舍安全排查": ("instruction", "jyj", COUNTIES, "2026-02-10", "2026-06-30", "done",
                  "2026-11-30", None, "排查全部完成"),
    "黄河流域生态保护": ("instruction", "sthjj", [*COUNTIES, "fgw"], "2026-02-10", None,
                 "open", None, None, None),
    "秸秆综合利用": ("instruction", "chongxin", ["huating", "lingtai"], "2026-04-01",
               "2026-09-30", "open", None, None, None),
    "冬季清洁取暖改造": ("instruction", "zjj", [], "2026-04-01", "2026-09-30", "open", None,
                 None, None),
    "校园食品安全专项整治": ("instruction", "jyj", COUNTIES, "2026-04-01", "2026-12-31",
                    "open", None, None, None),
    "重点项目前期工作": ("instruction", "fgw", [], "2026-04-01", None, None, None, None, None),
    "城乡供水一体化": ("instruction", "zjj", ["jingning", "zhuanglang"], "2026-04-01",
                "2026-09-30", "open", None, None, None),
    "公共资源交易平台整合": ("instruction", "fgw", [], "2026-04-01", "2026-12-31", "open",
                    None, None, None),
    "交通运输安全隐患排查": ("instruction", "jtj", [], "2026-04-01", "2026-12-31", "open",
                    None, None, None),
}


def _grid() -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    """The sheet as cells (row by row, from row 1) and its merged ranges (1-based)."""
    grid: list[list[Any]] = [[TITLE], [STAMP], HEADER]
    merges = [(1, 1, 1, len(HEADER)), (2, 1, 2, len(HEADER))]
    open_from: dict[int, int] = {}

    def close(last: int) -> None:
        for c, start in open_from.items():
            merges.append((start, c, last, c))
        open_from.clear()

    for entry in BODY:
        if isinstance(entry, str):
            close(len(grid))
            grid.append([entry])
            merges.append((len(grid), 1, len(grid), len(HEADER)))
            continue
        grid.append(list(entry))
        r = len(grid)
        for c, value in enumerate(entry, start=1):
            if value is None:
                open_from.setdefault(c, r - 1)
            elif c in open_from:
                merges.append((open_from.pop(c), c, r - 1, c))
    close(len(grid))
    grid.append([FOOTER])
    merges.append((len(grid), 1, len(grid), len(HEADER)))
    return grid, merges


def write_xlsx(path: Path, grid: list[list[Any]] | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    cells, merges = _grid() if grid is None else (grid, [])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "督办台账"
    for r, row in enumerate(cells, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                cell = ws.cell(r, c, _typed(value, HEADER[c - 1] if r > 3 and c <= len(HEADER)
                                            else ""))
                if isinstance(cell.value, date):
                    cell.number_format = 'yyyy"年"m"月"d"日"'  # as Chinese Excel shows it
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        ws.cell(r1, c1).alignment = Alignment(vertical="center")
    second = wb.create_sheet("说明")
    second["A1"] = "本表由督查室每周更新"
    wb.save(path)
    return path


def _typed(value: Any, header: str) -> Any:
    """Dates as Excel keeps them (a date cell), 序号 as a number."""
    if header == "交办时间" and isinstance(value, str) and value[:4].isdigit():
        return date.fromisoformat(value)
    if header == "序号" and str(value).isdigit():
        return int(value)
    return value


def write_csv(path: Path, encoding: str = "gb18030", delimiter: str = ",") -> Path:
    """The same sheet as Excel saves it as CSV: a merged value in its first row only."""
    cells, _ = _grid()
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in cells:
        w.writerow(["" if v is None else v for v in row] + [""] * (len(HEADER) - len(row)))
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture
def office(cli: Runner) -> Runner:
    """A ledger with Pingliang's seven county-level units and six departments."""
    assert cli("init").exit_code == 0
    for code, name, kind in UNITS:
        assert cli("unit", "add", code, name, "--kind", kind).exit_code == 0
    return cli


def items(cli: Runner, db: Path | None = None) -> dict[str, dict[str, Any]]:
    r = cli("item", "list", "--all", "-f", "json", *AS_OF, db=db)
    assert r.exit_code == 0, r
    return {x["title"]: x for x in r.json()}


def shown(cli: Runner, number: str) -> dict[str, Any]:
    r = cli("item", "show", number, "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    out: dict[str, Any] = r.json()
    return out


def check_ledger(cli: Runner) -> None:
    rows = items(cli)
    assert set(rows) == set(EXPECTED)
    for title, (cat, lead, units, assigned, due, status, closed, remarks, note) in \
            EXPECTED.items():
        x = rows[title]
        got = (x["category"], x["lead_unit"], x["units"].split(";") if x["units"] else [],
               x["assigned"], x["due"], x["status"], x["closed_on"])
        want = (cat, lead, sorted(units), assigned, due, status or "done",
                closed or ("2026-11-30" if status is None else None))
        assert got == want, title
        detail = shown(cli, x["number"])
        assert detail["remarks"] == remarks, title
        assert [p["text"] for p in detail["progress"]] == ([note] if note else []), title
        if note:
            # dated by the sheet's 填报时间, but not after the item was closed
            assert detail["progress"][0]["on"] == min("2026-11-27", closed or "9999"), title
    # A long-term item is never red; the blank 交办时间 did not refuse a past deadline.
    assert rows["建立重大项目推进机制"]["light"] == "green"
    assert rows["推进城区集中供热管网改造"]["light"] == "red"
    assert cli("verify", "-f", "csv").exit_code == 0


def test_a_real_xlsx_taizhang_goes_in(office: Runner, tmp_path: Path, db_path: Path) -> None:
    book = write_xlsx(tmp_path / "2026年督办台账.xlsx")
    r = office("import", "items", str(book), "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    summary = r.json()[0]
    assert (summary["encoding"], summary["sheet"], summary["rows"], summary["added"],
            summary["updated"], summary["unchanged"]) == ("xlsx", "督办台账", 16, 16, 0, 0)
    # 事项类别 from the section headings, the two leads and 办结 without a date, each said once
    warnings = [line for line in r.stderr.splitlines() if line.startswith("warning:")]
    assert "warning: 事项类别 taken from its section: 会议议定 (rows 5, 6, 7, 8, 9, 10)" in warnings
    assert "warning: 事项类别 taken from its section: 领导批示 (rows 12, 13, 14, 15, 16, 17, 18, " \
        "19 and 2 more)" in warnings
    assert ("warning: two or more lead units: the first leads, the others became "
            "responsible units (row 15)") in warnings
    assert any(w.startswith("warning: 办结 without a 办结日期: closed on the as-of date "
                            "2026-11-30 (rows 10, 12, 13, 18)") for w in warnings), warnings
    check_ledger(office)
    # Numbers in the sheet's order, the year of the as-of date when 交办时间 is unknown.
    assert items(office)["推进城区集中供热管网改造"]["number"] == "DB-2026-0001"
    assert items(office)["交通运输安全隐患排查"]["number"] == "DB-2026-0016"
    before = snapshot_db(db_path)
    # Imported again: nothing added, nothing changed, not one event.
    r = office("import", "items", str(book), "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    assert (r.json()[0]["added"], r.json()[0]["updated"], r.json()[0]["unchanged"]) == (0, 0, 16)
    assert snapshot_db(db_path) == before


def test_the_same_taizhang_as_gb18030_csv(office: Runner, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "台账.csv")
    r = office("import", "items", str(sheet), "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    assert (r.json()[0]["encoding"], r.json()[0]["added"]) == ("gb18030", 16)
    # A CSV has no merges: the usually merged columns took the value above, with a warning.
    assert ("warning: blank 交办时间 taken from the row above (cells merged in the sheet the "
            "file was saved from) on lines 7, 8, 9, 10, 13, 14, 16, 17 and 4 more") in r.stderr
    assert "on line 5" not in r.stderr  # the first row's blank has nothing above it
    check_ledger(office)
    r = office("import", "items", str(sheet), "-f", "json", *AS_OF)
    assert (r.json()[0]["added"], r.json()[0]["unchanged"]) == (0, 16)


def office_at(cli: Runner, db: Path) -> Path:
    """A new ledger at `db` with the office's units (as the `office` fixture's)."""
    assert cli("init", db=db).exit_code == 0
    for code, unit, kind in UNITS:
        assert cli("unit", "add", code, unit, "--kind", kind, db=db).exit_code == 0
    return db


def test_xlsx_and_csv_give_the_same_ledger(cli: Runner, tmp_path: Path) -> None:
    ledgers = []
    for name, make in (("a.xlsx", write_xlsx), ("b.csv", write_csv)):
        db = office_at(cli, tmp_path / f"{name}.db")
        f = make(tmp_path / name)
        assert cli("import", "items", str(f), *AS_OF, "-f", "csv", db=db).exit_code == 0
        ledgers.append(cli("export", "items", "-f", "csv", db=db).stdout)
    assert ledgers[0] == ledgers[1]


def test_excel_unicode_text_and_xls(office: Runner, tmp_path: Path) -> None:
    """Excel's "Unicode text" (UTF-16, tab-separated) and a WPS .xls read as the others."""
    text = write_csv(tmp_path / "台账.txt", encoding="utf-16", delimiter="\t")
    r = office("import", "items", str(text), "-f", "json", "--dry-run", *AS_OF)
    assert r.exit_code == 0, r
    assert (r.json()[0]["encoding"], r.json()[0]["added"]) == ("utf-16", 16)
    import xlwt

    cells, merges = _grid()
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("督办台账")
    for r1, c1, r2, c2 in merges:
        ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, cells[r1 - 1][c1 - 1])
    covered = {(r, c) for r1, c1, r2, c2 in merges for r in range(r1, r2 + 1)
               for c in range(c1, c2 + 1)}
    for r, row in enumerate(cells, start=1):
        for c, value in enumerate(row, start=1):
            if (r, c) not in covered and value:
                ws.write(r - 1, c - 1, value)
    wb.save(str(tmp_path / "台账.xls"))
    r = office("import", "items", str(tmp_path / "台账.xls"), "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    assert (r.json()[0]["encoding"], r.json()[0]["added"]) == ("xls", 16)
    check_ledger(office)


def test_encoding_is_the_files_not_the_outputs(office: Runner, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "台账.csv")
    r = office("import", "items", str(sheet), "--encoding", "gb18030", "-f", "csv", *AS_OF)
    assert r.exit_code == 0, r
    assert "督办" not in r.stdout and "gb18030" in r.stdout  # UTF-8 output, read as text
    assert r.stdout.isprintable() or "\n" in r.stdout


def test_reimport_an_updated_taizhang(office: Runner, tmp_path: Path, db_path: Path) -> None:
    """Next week's 台账: new progress, an item closed, a deadline moved, one row unchanged."""
    book = write_xlsx(tmp_path / "第47周.xlsx")
    assert office("import", "items", str(book), *AS_OF, "-f", "csv").exit_code == 0
    cells, _ = _grid()
    heat = next(row for row in cells if len(row) > 1 and row[1] == "推进城区集中供热管网改造")
    heat[9] = "管网改造全部完工"
    heat[8] = "已办结"
    park = next(row for row in cells if len(row) > 1 and row[1] == "建设城区公共停车场")
    park[6] = "2027年6月底前"
    stamp = cells[1]
    cells[1] = [stamp[0].replace("2026年11月27日", "2026年12月4日")]
    week = tmp_path / "第48周.xlsx"
    _write_with_merges(week, cells)
    r = office("import", "items", str(week), "--dry-run", "-f", "json", "--as-of", "2026-12-04")
    assert r.exit_code == 0, r
    assert (r.json()[0]["added"], r.json()[0]["updated"], r.json()[0]["unchanged"]) == (0, 2, 14)
    assert "would add 0, update 2 and leave 14 unchanged" in r.stderr
    r = office("import", "items", str(week), "-f", "json", "--as-of", "2026-12-04")
    assert r.exit_code == 0, r
    rows = items(office)
    assert (rows["推进城区集中供热管网改造"]["status"],
            rows["推进城区集中供热管网改造"]["closed_on"]) == ("done", "2026-12-04")
    assert rows["建设城区公共停车场"]["due"] == "2027-06-30"
    con = sqlite3.connect(db_path)
    events = con.execute("SELECT action, subject, \"on\", before IS NOT NULL FROM event WHERE "
                         "id > (SELECT max(id) FROM event WHERE action = 'import' OR "
                         "(action = 'progress' AND \"on\" <= '2026-11-27')) "
                         "ORDER BY id").fetchall()
    con.close()
    heat_no = rows["推进城区集中供热管网改造"]["number"]
    park_no = rows["建设城区公共停车场"]["number"]
    assert events == [("close", heat_no, "2026-12-04", 1), ("edit", park_no, "2026-12-04", 1),
                      ("progress", heat_no, "2026-12-04", 0)]
    assert [p["text"] for p in shown(office, heat_no)["progress"]] == [
        "完成管网招标，进入施工阶段", "管网改造全部完工"]
    assert office("verify", "-f", "csv").exit_code == 0
    # and once more: nothing new
    r = office("import", "items", str(week), "-f", "json", "--as-of", "2026-12-04")
    assert (r.json()[0]["added"], r.json()[0]["updated"]) == (0, 0)


def _write_with_merges(path: Path, cells: list[list[Any]]) -> None:
    """A changed copy of the sheet with the original's merges."""
    from openpyxl import Workbook

    _, merges = _grid()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r, row in enumerate(cells, start=1):
        for c, value in enumerate(row, start=1):
            if value not in (None, ""):
                ws.cell(r, c, value)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(path)


BAD_HEADER = "序号,事项名称,牵头单位,落实时限,交办时间,办理状态"


def _bad_rows(n: int) -> str:
    kinds: list[Callable[[int], str]] = [
        lambda i: f"{i},事项{i},市发改委,下个月,2026-03-01,推进中",  # not a deadline
        lambda i: f"{i},事项{i},市应急管理局,年底前,2026-03-01,推进中",  # unknown unit
        lambda i: f"{i},事项{i},市发改委,2026-02-01,2026-03-01,推进中",  # due before assigned
        lambda i: f"{i},事项{i},市发改委,年底前,2026-03-01,快办完了",  # not a status
        lambda i: f"{i},事项{i},各县（市、区）,年底前,2026-03-01,推进中",  # a group cannot lead
    ]
    return "\n".join(kinds[i % len(kinds)](i) for i in range(1, n + 1))


def test_thirty_bad_rows(office: Runner, tmp_path: Path, db_path: Path) -> None:
    sheet = tmp_path / "台账.csv"
    sheet.write_bytes((f"{TITLE}\n{BAD_HEADER}\n{_bad_rows(30)}\n").encode("gb18030"))
    before = snapshot_db(db_path)
    r = office("import", "items", str(sheet), "-c", "会议议定", *AS_OF)
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) <= 21 and all(line.startswith("error: ") for line in lines), lines
    # The unknown unit once, with every row that names it and what to run.
    assert lines[0] == ("error: line 3: 牵头单位: unknown unit '市应急管理局' (and lines 8, 13, "
                        "18, 23, 28); add it first (`duchá unit add CODE 市应急管理局`) or "
                        "import with `--create-units`"), lines[0]
    assert lines[1] == ("error: line 4: 落实时限: due date 2026-02-01 is before the assigned "
                        "date 2026-03-01; give a due date on or after it")
    assert lines[2] == ("error: line 5: 办理状态: unknown item status '快办完了'; use one of: "
                        "open (在办), done (办结), cancelled (撤销)")
    assert lines[3].startswith("error: line 6: 牵头单位: '各县（市、区）' is a group of units")
    assert lines[4].startswith("error: line 7: 落实时限: '下个月' is not a date or a deadline")
    assert lines[-1].startswith(f"error: {sheet}: and 5 more; 30 bad lines, nothing imported")
    assert r.stdout == ""
    assert snapshot_db(db_path) == before
    # With --errors: the reject file holds every bad row and its reason, in GB18030.
    rejects = tmp_path / "错误行.csv"
    r = office("import", "items", str(sheet), "-c", "会议议定", "--errors", str(rejects), *AS_OF)
    assert r.exit_code == 1
    assert len(r.stderr.splitlines()) <= 21
    assert f"the 30 bad lines are in {rejects}, each with its reason" in r.stderr
    assert snapshot_db(db_path) == before
    table = list(csv.reader(io.StringIO(rejects.read_bytes().decode("gb18030"))))
    assert table[0] == ["原行号", "错误原因", *BAD_HEADER.split(",")]
    assert len(table) == 31
    assert [row[0] for row in table[1:]] == [str(n) for n in range(3, 33)]
    assert table[1][:4] == ["3", "牵头单位: unknown unit '市应急管理局'; `duchá unit list` shows "
                           "them", "1", "事项1"]
    assert table[3][1] == "办理状态: unknown item status '快办完了'; use one of: open (在办), " \
        "done (办结), cancelled (撤销)"
    assert table[4][1].startswith("牵头单位: '各县（市、区）' is a group of units")
    assert table[5][1].startswith("落实时限: '下个月' is not a date or a deadline")
    # The clerk fixes the rows in Excel and imports the reject file itself.
    fixed = [[row[0], "", row[2], row[3], "市发改委", "年底前", "2026-03-01", "推进中"]
             for row in table[1:]]
    buf = io.StringIO()
    csv.writer(buf).writerows([table[0], *fixed])
    rejects.write_bytes(buf.getvalue().encode("gb18030"))
    r = office("import", "items", str(rejects), "-c", "会议议定", "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    assert r.json()[0]["added"] == 30


def test_reject_file_as_a_workbook(office: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = [[TITLE], BAD_HEADER.split(","), *[row.split(",") for row in
                                            _bad_rows(3).splitlines()]]
    book = write_xlsx(tmp_path / "台账.xlsx", rows)
    out = tmp_path / "错误行.xlsx"
    r = office("import", "items", str(book), "--errors", str(out), "-c", "meeting", *AS_OF)
    assert r.exit_code == 1
    ws = load_workbook(out).active
    assert ws is not None
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:4] == ["原行号", "错误原因", "序号", "事项名称"]
    assert [v[0] for v in values[1:]] == ["3", "4", "5"]
    assert "rows" in r.stderr.splitlines()[-1]  # a workbook's positions are rows


def test_errors_file_is_checked_first(office: Runner, tmp_path: Path, db_path: Path) -> None:
    sheet = write_csv(tmp_path / "台账.csv")
    r = office("import", "items", str(sheet), "--errors", str(sheet), *AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"error: --errors {sheet} is the file being "
                                          "imported; name another file\n")
    r = office("import", "items", str(sheet), "--errors", str(tmp_path / "no" / "x.csv"))
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_dry_run_counts_and_writes_nothing(office: Runner, tmp_path: Path,
                                           db_path: Path) -> None:
    book = write_xlsx(tmp_path / "台账.xlsx")
    before = snapshot_db(db_path)
    r = office("import", "items", str(book), "--dry-run", "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    assert {k: r.json()[0][k] for k in ("rows", "added", "updated", "unchanged", "imported",
                                         "dry_run")} == {
        "rows": 16, "added": 16, "updated": 0, "unchanged": 0, "imported": 0, "dry_run": True}
    assert "would add 16, update 0 and leave 0 unchanged" in r.stderr
    assert snapshot_db(db_path) == before


def test_create_units_and_a_category_for_the_file(office: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "台账.csv"
    sheet.write_text("事项名称,事项来源,牵头单位,责任单位,落实时限\n"
                     "甲,张市长批示,市发改委,平凉市应急管理局,年底前\n"
                     "乙,市政府第12次常务会议,市应急管理局,,长期\n"
                     "丙,人大代表建议第8号,市教育局,,6月底前\n"
                     "丁,平政办发〔2026〕3号,市教育局,,6月底前\n", encoding="utf-8")
    r = office("import", "items", str(sheet), *AS_OF)
    assert r.exit_code == 2
    assert "unknown unit '平凉市应急管理局'" in r.stderr
    assert "line 5: 事项类别: empty, and neither the section nor the source says one" \
        in r.stderr
    r = office("import", "items", str(sheet), "--create-units", "-c", "专题交办", "-f", "json",
               *AS_OF)
    assert r.exit_code == 0, r
    assert "warning: 事项类别 taken from 事项来源: 领导批示 (line 2)" in r.stderr
    assert ("warning: added units the ledger lacked, each with its name as its code (`duchá "
            "unit edit NAME --code CODE` renames it): 平凉市应急管理局, 市应急管理局") in r.stderr
    rows = items(office)
    assert {t: (x["category"], x["lead_unit"], x["units"]) for t, x in rows.items()} == {
        "甲": ("instruction", "fgw", "平凉市应急管理局"),
        "乙": ("meeting", "市应急管理局", ""),
        "丙": ("proposal", "jyj", ""),
        "丁": ("assigned", "jyj", ""),
    }
    units = {u["code"]: u["kind"] for u in office("unit", "list", "-f", "json").json()}
    assert units["市应急管理局"] == "department"
    assert office("verify", "-f", "csv").exit_code == 0


def test_header_not_found_says_what_it_looked_for(office: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "台账.csv"
    sheet.write_text(f"{TITLE}\n序号,名称,单位,时间\n1,甲,fgw,2026-12-31\n", encoding="utf-8")
    r = office("import", "items", str(sheet))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"error: {sheet}: line 1 (header): missing required column "
                               "title (")
    assert "no row among the first 15 names items columns" in r.stderr


def test_sheet_by_name_and_number(office: Runner, tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "台账.xlsx")
    r = office("import", "items", str(book), "--sheet", "说明", *AS_OF)
    assert r.exit_code == 2 and f"{book} (sheet 说明) has a header but no rows" in r.stderr
    r = office("import", "items", str(book), "--sheet", "9", *AS_OF)
    assert (r.exit_code, r.stderr) == (2, f"error: {book} has no sheet '9'; its sheets: "
                                          "督办台账, 说明 (give --sheet a name or number)\n")
    r = office("import", "items", str(book), "--sheet", "1", "--dry-run", "-f", "json", *AS_OF)
    assert r.exit_code == 0 and r.json()[0]["added"] == 16


def test_the_same_phrases_on_the_command_line(office: Runner) -> None:
    r = office("item", "add", "推进城区供热管网改造", "-c", "会议议定", "--lead", "zjj",
               "--assigned", "2026-03-01", "--due", "6月底前", "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    assert r.json()[0]["due"] == "2026-06-30"
    r = office("item", "add", "建立重大项目推进机制", "-c", "会议议定", "--lead", "fgw",
               "--due", "长期", "-f", "json", *AS_OF)
    assert (r.exit_code, r.json()[0]["due"], r.json()[0]["light"]) == (0, None, "green")
    r = office("item", "edit", "2", "--due", "年底前", "-f", "json", *AS_OF)
    assert r.json()[0]["due"] == "2026-12-31"
    r = office("item", "edit", "2", "--due", "持续推进", "-f", "json", *AS_OF)
    assert r.json()[0]["due"] is None
    r = office("item", "add", "甲", "-c", "meeting", "--lead", "fgw", "--due", "下个月", *AS_OF)
    assert r.exit_code == 2 and "'下个月' is not a date or a deadline" in r.stderr
    # In a table a missing due date reads 长期; machine formats keep it empty.
    r = office("item", "list", "-f", "plain", *AS_OF)
    line = next(x for x in r.stdout.splitlines() if "DB-2026-0002" in x)
    assert "长期" in line
    r = office("item", "show", "2", "-f", "plain", *AS_OF)
    assert any("due" in x and "长期" in x for x in r.stdout.splitlines())
    assert office("item", "list", "-f", "csv", *AS_OF).stdout.count("长期") == 0


def test_findings_list_imports_and_reimports(office: Runner, tmp_path: Path) -> None:
    """A 问题清单: 问题描述, 整改责任单位 (merged), 整改时限, 整改措施, 整改进展, 是否整改到位."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2026年营商环境专项督查发现问题整改清单"])
    ws.append(["序号", "问题描述", "整改责任单位", "发现时间", "整改时限", "整改措施", "整改进展",
               "是否整改到位"])
    ws.append([1, "投诉办理不及时", "崆峒区", "2026-06-01", "2026年8月底前", "建立投诉台账",
               "已建立台账", "是"])
    ws.append([2, "审批材料重复提交", None, None, "长期", "推行一次告知", "", "否"])
    ws.append([3, "窗口服务不规范", "泾川县", "2026-06-01", "三季度", "", "", ""])
    ws.merge_cells("C3:C4")
    ws.merge_cells("D3:D4")
    path = tmp_path / "问题清单.xlsx"
    wb.save(path)
    r = office("import", "findings", str(path), "-f", "json", *AS_OF)
    assert r.exit_code == 0, r
    assert r.json()[0]["added"] == 3
    rows = office("export", "findings", "-f", "json").json()
    assert [(x["unit"], x["description"], x["mode"], x["due"], x["status"], x["plan_text"],
             x["evidence"], x["rectified_on"]) for x in rows] == [
        ("kongtong", "投诉办理不及时", "deadline", "2026-08-31", "rectified", "建立投诉台账",
         "已建立台账", "2026-11-30"),
        ("kongtong", "审批材料重复提交", "long-term", None, "rectifying", "推行一次告知", None,
         None),
        ("jingchuan", "窗口服务不规范", "deadline", "2026-09-30", "open", None, None, None),
    ]
    r = office("import", "findings", str(path), "-f", "json", *AS_OF)
    assert (r.json()[0]["added"], r.json()[0]["unchanged"]) == (0, 3)
    ws.cell(5, 8, "是")
    ws.cell(5, 7, "已规范窗口服务")
    wb.save(path)
    r = office("import", "findings", str(path), "-f", "json", *AS_OF)
    assert (r.json()[0]["added"], r.json()[0]["updated"]) == (0, 1), r
    third = office("finding", "show", "WT-2026-0003", "-f", "json").json()
    assert (third["status"], third["evidence"]) == ("rectified", "已规范窗口服务")
    assert office("verify", "-f", "csv").exit_code == 0
    # An update that moves a finding's deadline before the day it was found is refused.
    ws.cell(5, 5, "2026-05-20")
    wb.save(path)
    r = office("import", "findings", str(path), "-f", "csv", *AS_OF)
    assert r.exit_code == 2
    assert "row 5: 整改时限: due date 2026-05-20 is before the date found (2026-06-01)" in r.stderr
    assert office("finding", "show", "WT-2026-0003", "-f", "json").json()["due"] == "2026-09-30"


def test_a_progress_sheet_names_items_by_title(office: Runner, tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "台账.xlsx")
    assert office("import", "items", str(book), *AS_OF, "-f", "csv").exit_code == 0
    sheet = tmp_path / "进展.csv"
    sheet.write_bytes(("平凉市重点工作进展情况表\n填报时间：2026年12月4日\n"
                       "序号,事项名称,牵头单位,进展情况\n"
                       "1,建设城区公共停车场,市发改委,主体工程开工\n"
                       "2,秸秆综合利用,崇信县,完成收储点建设\n"
                       "3,不存在的事项,市发改委,无\n").encode("gb18030"))
    r = office("import", "progress", str(sheet), "--as-of", "2026-12-05", "-f", "json")
    assert r.exit_code == 2
    assert "line 6: 事项名称: no item titled '不存在的事项' in the ledger" in r.stderr
    sheet.write_bytes(sheet.read_bytes().rsplit(b"\n3,", 1)[0] + b"\n")
    r = office("import", "progress", str(sheet), "--as-of", "2026-12-05", "-f", "json")
    assert r.exit_code == 0, r
    park = items(office)["建设城区公共停车场"]["number"]
    assert shown(office, park)["progress"][-1] == {"on": "2026-12-04", "text": "主体工程开工",
                                                   "percent": None}
    r = office("import", "progress", str(sheet), "--as-of", "2026-12-05", "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["rows"] == 0  # the same notes: none twice
    assert office("verify", "-f", "csv").exit_code == 0


def test_long_term_items_in_reports(office: Runner, tmp_path: Path) -> None:
    """长期 is never red nor overdue, item-stale still applies."""
    book = write_xlsx(tmp_path / "台账.xlsx")
    assert office("import", "items", str(book), *AS_OF, "-f", "csv").exit_code == 0
    r = office("check", "-f", "json", "--as-of", "2027-06-30")
    found = {(v["rule"], v["subject"]) for v in r.json()}
    number = items(office)["黄河流域生态保护"]["number"]
    assert ("item-stale", f"item {number}") in found
    assert ("item-overdue", f"item {number}") not in found
    r = office("report", "overdue", "-f", "json", "--as-of", "2027-06-30")
    assert number not in json.dumps(r.json(), ensure_ascii=False)


def test_a_finding_is_at_one_unit(office: Runner, tmp_path: Path) -> None:
    sheet = tmp_path / "问题清单.csv"
    sheet.write_text("问题描述,整改责任单位,整改时限\n台账不规范,崆峒区、泾川县,年底前\n",
                     encoding="utf-8")
    r = office("import", "findings", str(sheet), *AS_OF)
    assert r.exit_code == 2
    assert "line 2: 整改责任单位: '崆峒区、泾川县' names 2 units; this column takes one" \
        in r.stderr
