"""`duchá export`: CSV that imports back, xlsx with the same rows, Excel-safe CSV, bad -o."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import Runner

TABLES = ("units", "items", "plans", "inspections", "findings", "quotas", "settings",
          "calendar", "progress", "extensions", "accountability")

FILES = {
    "items": (
        "number,title,category,source,lead_unit,units,assigned,due,status,closed_on,"
        "cancel_reason\n"
        "DB-2026-0003,推进供热管网改造,meeting,\"平政督〔2026〕3号, 第2条\",fgw,"
        "\"kongtong;jingchuan\",2026-09-01,2026-11-20,open,,\n"
        ",=HYPERLINK(\"http://x\"),target,\"多行\n来源\",kongtong,,2026-10-01,2026-11-27,,,\n"
        ",落实减税降费政策,policy,,jyj,zjj,2026-10-01,2026-12-31,done,2026-11-25,\n"
        ",-5 天内完成,policy,,jyj,,2026-10-01,2026-12-31,cancelled,,@并入其他事项\n"
    ),
    "plans": (
        "组织单位,督查名称,督查类型,督查方式,督查对象,开始时间,结束时间,是否计划内,审批人\n"
        "fgw,重点项目建设专项督查,专项,实地,\"崆峒;泾川\",2026-03,2026-04,是,\n"
        "jyj,校园安全检查,评估,,jingchuan,2026-05-10,2026-05-20,否,王副市长\n"
    ),
    "inspections": (
        "plan,lead,members,method,topic,targets,items,start,end,report_summary\n"
        "JH-2026-001,fgw,jyj,on-site,重点项目建设,\"kongtong;jingchuan\",DB-2026-0003,"
        "2026-03-10,2026-03-12,总体进展顺利\n"
        ",zjj,,written,供热准备,kongtong,,2026-11-02,,\n"
    ),
    "findings": (
        "inspection,item,unit,description,severity,mode,found_on,due,status,plan_text,plan_on,"
        "rectified_on,verified_on,verified_by\n"
        "DC-2026-001,DB-2026-0003,kongtong,项目进度滞后,serious,deadline,2026-03-12,2026-04-30,"
        ",方案,2026-03-20,2026-04-20,2026-04-25,李科长\n"
        "DC-2026-001,,jingchuan,台账不规范,general,immediate,2026-03-12,2026-03-19,,,,,,\n"
        "DC-2026-002,,kongtong,储煤不足,general,long-term,2026-11-02,,rectifying,分批采购,"
        "2026-11-05,,,\n"
    ),
}


def fill(cli: Runner, tmp_path: Path) -> None:
    for table, text in FILES.items():
        f = tmp_path / f"in-{table}.csv"
        f.write_text(text, encoding="utf-8")
        r = cli("import", table, str(f), "-f", "csv", "--as-of", "2026-11-28")
        assert r.exit_code == 0, r


def exports(cli: Runner, *, db: Path | None = None) -> dict[str, str]:
    out = {}
    for t in TABLES:
        r = cli("export", t, "-f", "csv", db=db)
        assert r.exit_code == 0, r
        out[t] = r.stdout
    return out


def test_csv_export_imports_back_into_the_same_ledger(ledger: Runner, tmp_path: Path) -> None:
    fill(ledger, tmp_path)
    first = exports(ledger)
    assert first["items"].count("\n") > 4  # the multi-line source is one quoted cell
    other = tmp_path / "other.db"
    assert ledger("init", db=other).exit_code == 0
    for t in TABLES:
        if first[t].count("\n") == 1:
            continue  # a header alone: nothing to import (and import says so, exit 2)
        f = tmp_path / f"{t}.csv"
        f.write_text(first[t], encoding="utf-8")
        r = ledger("import", t, str(f), "-f", "csv", "--as-of", "2026-11-28", db=other)
        assert r.exit_code == 0, r
    assert exports(ledger, db=other) == first
    # The imported history says exactly what the imported rows hold.
    for db in (None, other):
        r = ledger("verify", "-f", "json", db=db)
        assert r.exit_code == 0, r
    rows = list(csv.DictReader(io.StringIO(first["inspections"])))
    assert (rows[0]["plan"], rows[0]["members"], rows[0]["targets"], rows[0]["items"]) == (
        "JH-2026-001", "jyj", "jingchuan;kongtong", "DB-2026-0003")


def _norm(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_xlsx_export_holds_the_same_rows_as_csv(ledger: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    fill(ledger, tmp_path)
    target = tmp_path / "台账.xlsx"
    r = ledger("export", "-f", "xlsx", "-o", str(target))
    assert r.exit_code == 0, r
    assert r.stdout == ""
    wb = load_workbook(target)
    assert wb.sheetnames == list(TABLES)
    csvs = exports(ledger)
    for t in TABLES:
        sheet = [[_norm(v) for v in row] for row in wb[t].iter_rows(values_only=True)]
        assert sheet == list(csv.reader(io.StringIO(csvs[t]))), t
    # Text that looks like a formula stays text in the workbook.
    cell = wb["items"]["B3"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_xlsx_by_suffix_one_table_and_chinese_headers(ledger: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    fill(ledger, tmp_path)
    target = tmp_path / "findings.xlsx"
    r = ledger("export", "findings", "-o", str(target), "--headers", "zh")
    assert r.exit_code == 0, r
    ws = load_workbook(target)["findings"]
    assert [c.value for c in ws[1]][:5] == ["问题编号", "责任单位", "督查编号", "事项编号",
                                            "发现问题"]
    assert ws.max_row == 4


def test_chinese_header_csv_imports_back(ledger: Runner, tmp_path: Path) -> None:
    fill(ledger, tmp_path)
    r = ledger("export", "items", "-f", "csv", "--headers", "zh")
    assert r.stdout.startswith("事项编号,事项名称,事项类别,")
    other = tmp_path / "other.db"
    assert ledger("init", db=other).exit_code == 0
    units = tmp_path / "u.csv"
    units.write_text(ledger("export", "units", "-f", "csv").stdout, encoding="utf-8")
    assert ledger("import", "units", str(units), db=other).exit_code == 0
    f = tmp_path / "zh.csv"
    f.write_text(r.stdout, encoding="utf-8")
    assert ledger("import", "items", str(f), "-f", "csv", db=other).exit_code == 0
    assert ledger("export", "items", db=other).stdout == ledger("export", "items").stdout


def test_excel_csv_has_a_bom_and_guards_formulas_plain_pipes_stay_verbatim(
        ledger: Runner, tmp_path: Path) -> None:
    fill(ledger, tmp_path)
    plain = ledger("export", "items", "-f", "csv").stdout
    rows = list(csv.reader(io.StringIO(plain)))
    assert [r[1] for r in rows[1:]] == ["推进供热管网改造", '=HYPERLINK("http://x")',
                                        "落实减税降费政策", "-5 天内完成"]
    target = tmp_path / "excel.csv"
    r = ledger("export", "items", "--excel", "-o", str(target))
    assert r.exit_code == 0, r
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["推进供热管网改造", '\'=HYPERLINK("http://x")',
                                        "落实减税降费政策", "'-5 天内完成"]
    assert rows[4][rows[0].index("cancel_reason")] == "'@并入其他事项"
    assert rows[1][7] == "2026-09-01"  # dates are not text that needs guarding


def test_json_and_jsonl(ledger: Runner, tmp_path: Path) -> None:
    import json

    fill(ledger, tmp_path)
    whole = ledger("export", "-f", "json").json()
    assert list(whole) == list(TABLES)
    assert [x["number"] for x in whole["items"]] == ["DB-2026-0003", "DB-2026-0004",
                                                     "DB-2026-0005", "DB-2026-0006"]
    lines = ledger("export", "plans", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(x)["planned"] for x in lines] == [True, False]


@pytest.mark.parametrize("args", [
    ("export", "-f", "xlsx", "-o", "{tmp}/no/such/folder/a.xlsx"),
    ("export", "items", "-f", "csv", "-o", "{tmp}/no/such/folder/a.csv"),
    ("export", "-f", "xlsx"),
    ("export", "people", "-f", "xlsx", "-o", "{tmp}/keep.xlsx"),
    ("export", "-f", "csv", "-o", "{tmp}/keep.xlsx"),
    ("export", "items", "-f", "pdf", "-o", "{tmp}/keep.xlsx"),
])
def test_bad_export_targets_write_nothing(ledger: Runner, tmp_path: Path,
                                          args: tuple[str, ...]) -> None:
    keep = tmp_path / "keep.xlsx"
    keep.write_bytes(b"old")
    r = ledger(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert r.exit_code == 2
    assert r.stderr.startswith("error: ")
    assert keep.read_bytes() == b"old"
    assert not (tmp_path / "no").exists()
    assert not list(tmp_path.glob(".ducha-*"))
