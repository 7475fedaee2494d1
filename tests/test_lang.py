"""`--lang zh|en` and units' short names (issue 12, point 1): Chinese headers over Chinese
values, English codes for scripts, and what is written in Chinese imports back."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, Runner, snapshot_db

AS_OF = ("--as-of", "2026-11-28")
# Codes that Chinese output must never show in a coded column.
CODES = re.compile(r"^(?:[a-z-]+)(?:[;、][a-z-]+)*$")


def fill(ledger: Runner) -> None:
    """Units with a given short name and derived ones; items, a finding red and open."""
    for args in (
        ("unit", "edit", "zjj", "--short", "住建局"),
        ("unit", "edit", "fgw", "--short", "发改委"),
        ("item", "add", "城区供热管网改造", "-c", "会议议定", "--lead", "住建局", "-u", "发改委",
         "-u", "kongtong", "--assigned", "2026-09-01", "--due", "2026-11-20"),
        ("item", "add", "减税降费政策落实", "-c", "policy", "--lead", "fgw",
         "--assigned", "2026-09-01", "--due", "2026-12-31"),
        ("item", "close", "2", "--on", "2026-11-01"),
        ("finding", "add", "投诉办理不及时", "-u", "崆峒区", "--mode", "限期整改", "--on",
         "2026-10-01", "--due", "2026-10-31"),
    ):
        r = ledger(*args, *AS_OF, "-f", "csv")
        assert r.exit_code == 0, (args, r)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------- export in Chinese


def test_export_items_in_chinese_has_chinese_values_and_short_names(ledger: Runner) -> None:
    fill(ledger)
    r = ledger("export", "items", "--lang", "zh", "-f", "csv")
    assert r.exit_code == 0, r
    got = rows(r.stdout)
    assert list(got[0])[:3] == ["事项编号", "事项名称", "事项类别"]
    first, second = got
    assert (first["事项类别"], first["牵头单位"], first["责任单位"], first["办理状态"]) == (
        "会议议定", "住建局", "发改委、崆峒区", "在办")
    assert (second["事项类别"], second["牵头单位"], second["办理状态"]) == ("方针政策", "发改委",
                                                                       "办结")
    for row in got:  # no English code in any coded column
        for header in ("事项类别", "牵头单位", "责任单位", "办理状态"):
            assert not CODES.match(row[header]), (header, row[header])
    # The default for csv stays English snake_case and codes, for scripts.
    en = rows(ledger("export", "items", "-f", "csv").stdout)
    assert (en[0]["category"], en[0]["lead_unit"], en[0]["units"], en[0]["status"]) == (
        "meeting", "zjj", "fgw;kongtong", "open")


def test_csv_stays_english_in_a_chinese_locale_unless_asked(
        ledger: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(ledger)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for args in (("item", "list", "-f", "csv"), ("export", "items", "-f", "csv"),
                 ("report", "overdue", "-f", "csv", *AS_OF)):
        text = ledger(*args).stdout
        assert text.split("\n", 1)[0].isascii(), args
        assert "zjj" in text and "住建局" not in text, args
    assert ledger("item", "list", "-f", "json").json()[0]["lead_unit"] == "zjj"
    zh = ledger("--lang", "zh", "item", "list", "-f", "json").json()
    assert (zh[0]["牵头单位"], zh[0]["类别"], zh[0]["状态"]) == ("住建局", "会议议定", "在办")


def test_chinese_locale_tables_speak_chinese_and_en_turns_it_off(
        ledger: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(ledger)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    table = ledger("item", "list", "-f", "table", *AS_OF).stdout
    assert "牵头单位" in table and "住建局" in table and "会议议定" in table
    assert "红灯" in table and "meeting" not in table and " zjj " not in table
    md = ledger("item", "list", "-f", "markdown", *AS_OF).stdout
    assert md.startswith("| 编号 ") and "| 会议议定 " in md and "| 住建局 " in md
    en = ledger("--lang", "en", "item", "list", "-f", "table", *AS_OF).stdout
    assert "lead_unit" in en and "meeting" in en and "住建局" not in en
    # The terminal table in the C locale keeps the codes, as before.
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "meeting" in ledger("item", "list", "-f", "table", *AS_OF).stdout


def test_report_overdue_in_chinese(ledger: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(ledger)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    text = ledger("report", "overdue", "-f", "table", *AS_OF).stdout
    line = next(x for x in text.splitlines() if "WT-2026-0001" in x)
    assert line.split()[0] == "问题"
    for word in ("崆峒区", "红灯", "待整改"):
        assert word in line, word
    assert "finding" not in text and "red" not in text and "kongtong" not in text
    only = rows(ledger("report", "overdue", "--kind", "问题", "-f", "csv", *AS_OF).stdout)
    assert [r["number"] for r in only] == ["WT-2026-0001"]
    got = rows(ledger("--lang", "zh", "report", "overdue", "-f", "csv", *AS_OF).stdout)
    assert [(r["类型"], r["编号"], r["单位"], r["灯"], r["状态"]) for r in got] == [
        ("问题", "WT-2026-0001", "崆峒区", "红灯", "待整改"),
        ("事项", "DB-2026-0001", "住建局", "红灯", "在办")]


def test_report_status_and_check_in_chinese(ledger: Runner) -> None:
    fill(ledger)
    status = ledger("--lang", "zh", "report", "status", "-f", "json", *AS_OF).json()
    assert {(r["类型"], r["状态"]) for r in status["按状态"] if r["数量"]} == {
        ("事项", "在办"), ("事项", "办结"), ("问题", "待整改")}
    assert status["红灯最多的单位"][0]["单位"] in ("崆峒区", "住建局")
    check = rows(ledger("--lang", "zh", "check", "-f", "csv", *AS_OF).stdout)
    red = [r for r in check if r["对象"].startswith("finding")]
    assert red and red[0]["级别"] == "错误" and red[0]["单位"] == "崆峒区"


def test_weekly_markdown_is_chinese_whatever_the_locale(ledger: Runner) -> None:
    fill(ledger)
    md = ledger("report", "weekly", "--week", "2026-W40", *AS_OF).stdout
    assert "| 问题 | WT-2026-0001 | 投诉办理不及时 | 崆峒区 | 2026-10-01 | 2026-10-31 | 待整改 |" \
        in md
    en = ledger("--lang", "en", "report", "weekly", "--week", "2026-W40", *AS_OF).stdout
    assert "| finding | WT-2026-0001 | 投诉办理不及时 | kongtong |" in en
    zh_csv = rows(ledger("--lang", "zh", "report", "weekly", "--week", "2026-W40", "-f", "csv",
                         *AS_OF).stdout)
    assert (zh_csv[0]["栏目"], zh_csv[0]["类型"], zh_csv[0]["单位"]) == ("新登记", "问题", "崆峒区")


def test_show_and_sections_in_chinese(ledger: Runner) -> None:
    fill(ledger)
    r = ledger("item", "progress", "1", "完成招标", "--percent", "40", *AS_OF, "-f", "csv")
    assert r.exit_code == 0, r
    shown = ledger("--lang", "zh", "item", "show", "1", "-f", "json", *AS_OF).json()
    assert (shown["类别"], shown["牵头单位"], shown["责任单位"], shown["灯"]) == (
        "会议议定", "住建局", "发改委、崆峒区", "红灯")
    assert shown["进展动态"][0]["进展"] == "完成招标"
    text = ledger("--lang", "zh", "finding", "show", "1", "-f", "csv", *AS_OF).stdout
    assert "整改方式,限期整改" in text and "状态,待整改" in text and "\n办理过程\n" in text
    assert "步骤" in text and "登记" in text


def test_xlsx_in_chinese(ledger: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    fill(ledger)
    target = tmp_path / "台账.xlsx"
    r = ledger("export", "-o", str(target), "--lang", "zh")
    assert r.exit_code == 0, r
    wb = load_workbook(target)
    ws = wb["items"]
    head = [c.value for c in ws[1]]
    row = dict(zip(head, [c.value for c in ws[2]], strict=True))
    assert (row["事项类别"], row["牵头单位"], row["办理状态"]) == ("会议议定", "住建局", "在办")
    units = {r[0].value: r[4].value for r in wb["units"].iter_rows(min_row=2)}
    assert units["zjj"] == "住建局" and units["kongtong"] is None  # derived: not stored


# ---------------------------------------------------------------- round trips


def test_items_exported_in_chinese_import_back_unchanged(ledger: Runner,
                                                         tmp_path: Path) -> None:
    fill(ledger)
    f = tmp_path / "x.csv"
    assert ledger("export", "items", "--lang", "zh", "-f", "csv", "-o", str(f)).exit_code == 0
    other = tmp_path / "other.db"
    assert ledger("init", db=other).exit_code == 0
    units = tmp_path / "units.csv"
    assert ledger("export", "units", "--lang", "zh", "-o", str(units)).exit_code == 0
    assert ledger("import", "units", str(units), db=other).exit_code == 0
    r = ledger("import", "items", str(f), *AS_OF, db=other)
    assert r.exit_code == 0, r
    assert ledger("export", "items", db=other).stdout == ledger("export", "items").stdout
    assert ledger("export", "units", db=other).stdout == ledger("export", "units").stdout
    assert ledger("verify", db=other).exit_code == 0




TABLES = ("units", "items", "plans", "inspections", "findings", "progress", "extensions",
          "accountability", "calendar", "quotas", "settings")


def test_the_demo_exported_in_chinese_imports_back_unchanged(cli: Runner, module_demo: Path,
                                                             tmp_path: Path) -> None:
    """Every table of the demo city, written in Chinese and read into an empty ledger in
    order, gives the same ledger back."""
    other = tmp_path / "other.db"
    assert cli("init", db=other).exit_code == 0
    assert cli("config", "calendar", "holiday", "2026-12-28", "--note", "测试", db=module_demo
               ).exit_code == 0
    assert cli("config", "set", "multi_headed.days", "45", db=module_demo).exit_code == 0
    for table in TABLES:
        f = tmp_path / f"{table}.csv"
        r = cli("export", table, "--lang", "zh", "-o", str(f), db=module_demo)
        assert r.exit_code == 0, r
        header = f.read_text(encoding="utf-8").split("\n", 1)[0]
        assert not header.isascii(), table
        r = cli("import", table, str(f), "--as-of", DEMO_AS_OF, db=other)
        assert r.exit_code == 0, (table, r)
    for table in TABLES:
        assert cli("export", table, db=other).stdout == cli("export", table, db=module_demo).stdout
    assert cli("verify", db=other).exit_code == 0
    items = cli("export", "items", "--lang", "zh", db=module_demo).stdout
    assert ",住建局," in items and ",zjj," not in items


def test_the_demo_units_have_short_names(cli: Runner, module_demo: Path) -> None:
    names = {r["code"]: r["short_name"] for r in cli("unit", "list", "-f", "json",
                                                     db=module_demo).json()}
    assert names == {"kongtong": "崆峒区", "jingchuan": "泾川县", "lingtai": "灵台县",
                     "chongxin": "崇信县", "huating": "华亭市", "zhuanglang": "庄浪县",
                     "jingning": "静宁县", "fgw": "发改委", "jyj": "教育局", "zjj": "住建局",
                     "czj": "财政局", "sthjj": "生态环境局"}


# ---------------------------------------------------------------- short names


def test_unit_add_short_and_names_that_resolve(ledger: Runner, db_path: Path) -> None:
    r = ledger("unit", "add", "sthjj", "平凉市生态环境局", "--short", "环保局", "--kind",
               "department", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json() == [{"code": "sthjj", "name": "平凉市生态环境局", "short_name": "环保局",
                         "kind": "department", "parent": None}]
    r = ledger("item", "add", "河道整治", "-c", "assigned", "--lead", "环保局", "-u", "崆峒区",
               "--due", "+30d", *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    assert (r.json()[0]["lead_unit"], r.json()[0]["units"]) == ("sthjj", "kongtong")
    # A short name is history: verify follows it, and edit can take it back to the derived one.
    assert ledger("verify").exit_code == 0
    assert ledger("unit", "edit", "sthjj", "--short", "", "-f", "json").json()[0][
        "short_name"] == "生态环境局"
    log = ledger("log", "sthjj", "--full", "-f", "json").json()
    assert [e["after"]["short_name"] for e in log] == ["环保局", None]
    assert ledger("verify").exit_code == 0
    # Refused: nothing changes.
    before = snapshot_db(db_path)
    for args, message in (
        (("unit", "add", "x", "某单位", "--short", "a b"), "contains a space"),
        (("unit", "edit", "jyj", "--short", "kongtong"), "already names kongtong"),
        (("unit", "edit", "jyj", "--short", "ZJJ"), "already names zjj"),
    ):
        r = ledger(*args)
        assert r.exit_code == 2 and message in r.stderr, (args, r)
        assert r.stderr.count("\n") == 1
    assert snapshot_db(db_path) == before


def test_derived_short_names() -> None:
    from duchá.services.units import derive_short_name

    for name, short in (
        ("平凉市崆峒区人民政府", "崆峒区"), ("泾川县人民政府", "泾川县"),
        ("华亭市人民政府", "华亭市"),
        ("平凉市住房和城乡建设局", "住房和城乡建设局"), ("甘肃省平凉市教育局", "教育局"),
        ("平凉市人民政府", "平凉市"), ("甘肃省人民政府", "甘肃省"),
        ("平凉市市场监督管理局", "市场监督管理局"), ("城市管理综合执法局", "城市管理综合执法局"),
        ("中国人民银行平凉市中心支行", "中国人民银行平凉市中心支行"),
        ("临夏回族自治州财政局", "财政局"), ("中共平凉市委组织部", "中共平凉市委组织部"),
    ):
        assert derive_short_name(name) == short, name


def test_a_short_name_two_units_share_shows_full_names(ledger: Runner, tmp_path: Path) -> None:
    """Two units whose derived short names are alike are shown by their full names, so that
    what Chinese output writes always names one unit; a given short name wins."""
    for code, name in (("ks", "平凉市财政局"), ("qs", "庆阳市财政局")):
        assert ledger("unit", "add", code, name).exit_code == 0
    r = ledger("item", "add", "预算执行", "-c", "target", "--lead", "ks", "-u", "qs",
               "--due", "+30d", *AS_OF, "-f", "csv")
    assert r.exit_code == 0, r
    got = rows(ledger("export", "items", "--lang", "zh").stdout)[0]
    assert (got["牵头单位"], got["责任单位"]) == ("平凉市财政局", "庆阳市财政局")
    assert ledger("unit", "edit", "ks", "--short", "财政局").exit_code == 0
    got = rows(ledger("export", "items", "--lang", "zh").stdout)[0]
    assert (got["牵头单位"], got["责任单位"]) == ("财政局", "庆阳市财政局")


def test_import_of_units_with_short_names(ledger: Runner, tmp_path: Path, db_path: Path
                                          ) -> None:
    f = tmp_path / "单位.csv"
    # A parent in the same file by its code (as export writes it), one in the ledger by any
    # of its names (崆峒区, derived).
    f.write_text("单位代码,单位名称,单位简称,单位类型,上级单位\n"
                 "czj,平凉市财政局,财政局,部门,\n"
                 "ktczj,崆峒区财政局,区财政局,部门,czj\n"
                 "ktjyj,崆峒区教育局,,部门,崆峒区\n", encoding="utf-8")
    r = ledger("import", "units", str(f), "-f", "csv")
    assert r.exit_code == 0, r
    got = {u["code"]: (u["short_name"], u["parent"])
           for u in ledger("unit", "list", "-f", "json").json()}
    assert got["czj"] == ("财政局", None) and got["ktczj"] == ("区财政局", "czj")
    assert got["ktjyj"] == ("崆峒区教育局", "kongtong")
    before = snapshot_db(db_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,short_name\nx1,单位甲,同名\nx2,单位乙,同名\nx3,单位丙,发改委;住建局\n"
                   "x4,单位丁,财政局\n", encoding="utf-8")
    r = ledger("import", "units", str(bad))
    assert r.exit_code == 2
    assert "line 3: short_name: '同名' repeats line 2" in r.stderr
    assert "line 4: short_name: short name '发改委;住建局' contains" in r.stderr
    assert "line 5: short_name: short name '财政局' already names czj" in r.stderr
    assert snapshot_db(db_path) == before


# ---------------------------------------------------------------- one declaration


def test_every_vocabulary_reads_its_chinese_names_back() -> None:
    from duchá import vocab

    vocabs = [v for v in vars(vocab).values() if isinstance(v, vocab.Vocab)]
    assert len(vocabs) >= 20
    for words in vocabs:
        for term in words.terms:
            assert words.parse(term.zh) == term.code, (words.label, term)
            assert words.zh(term.code) == term.zh


def test_every_declared_column_names_a_known_vocabulary() -> None:
    import importlib
    import pkgutil

    import duchá.commands
    from duchá import vocab
    from duchá.output import UNIT_VALUES, Col
    from duchá.tables import TABLES

    def known(values: str) -> bool:
        return values in (*UNIT_VALUES, "status") or isinstance(getattr(vocab, values, None),
                                                                vocab.Vocab)

    seen = 0
    for info in pkgutil.iter_modules(duchá.commands.__path__):
        module = importlib.import_module(f"duchá.commands.{info.name}")
        for value in vars(module).values():
            if isinstance(value, list) and value and all(isinstance(c, Col) for c in value):
                for c in value:
                    assert not c.values or known(c.values), (info.name, c)
                    seen += bool(c.values)
                    # A status or a unit is always declared, so zh output never shows a code.
                    if c.key in ("status", "light", "category", "lead_unit", "units"):
                        assert c.values, (info.name, c)
    assert seen > 50
    for table, columns in TABLES.items():
        for column in columns:
            assert not column.values or known(column.values), (table, column)
    assert {c.name: c.values for c in TABLES["items"] if c.values} == {
        "category": "CATEGORY", "lead_unit": "unit", "units": "units", "status": "ITEM_STATUS"}


def test_headers_zh_still_works_and_says_to_use_lang(ledger: Runner) -> None:
    fill(ledger)
    r = ledger("export", "items", "-f", "csv", "--headers", "zh")
    assert r.exit_code == 0
    assert r.stdout == ledger("export", "items", "-f", "csv", "--lang", "zh").stdout
    assert r.stderr == "warning: --headers is deprecated: use --lang zh (it writes Chinese " \
        "values too)\n"


def test_lang_may_follow_the_subcommand_and_help_shows_it(ledger: Runner) -> None:
    fill(ledger)
    assert ledger("item", "list", "-f", "csv", "--lang", "zh").stdout.startswith("编号,事项,")
    text = ledger("--help").stdout
    assert "--lang" in text and "export items --lang zh" in " ".join(text.split())


# ---------------------------------------------------------------- files and one document


def test_xlsx_in_chinese_colours_its_lights(ledger: Runner, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from duchá.writers.workbook import LIGHT_COLOURS

    fill(ledger)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # xlsx is zh by default in a Chinese locale
    target = tmp_path / "逾期.xlsx"
    assert ledger("report", "overdue", "-o", str(target), *AS_OF).exit_code == 0
    wb = load_workbook(target)
    assert wb.sheetnames == ["逾期及临期"]
    ws = wb.active
    head = [c.value for c in ws[1]]
    assert head[:4] == ["类型", "编号", "事项/问题", "单位"]
    lights = [(ws.cell(r, head.index("灯") + 1), ws.cell(r, head.index("类型") + 1).value,
               ws.cell(r, head.index("单位") + 1).value) for r in range(2, ws.max_row + 1)]
    assert [(c.value, kind, unit) for c, kind, unit in lights] == [
        ("红灯", "问题", "崆峒区"), ("红灯", "事项", "住建局")]
    assert all(c.fill.fgColor.rgb.endswith(LIGHT_COLOURS["red"][0]) for c, _, _ in lights)
    check = tmp_path / "检查.xlsx"
    assert ledger("check", "-o", str(check), *AS_OF).exit_code == 1
    ws = load_workbook(check).active
    level = [c.value for c in ws[1]].index("级别") + 1
    errors = [ws.cell(r, level) for r in range(2, ws.max_row + 1)
              if ws.cell(r, level).value == "错误"]
    assert errors and all(c.fill.fgColor.rgb.endswith(LIGHT_COLOURS["red"][0]) for c in errors)


def test_docx_in_chinese(ledger: Runner, tmp_path: Path) -> None:
    from docx import Document

    fill(ledger)
    target = tmp_path / "督办事项.docx"
    assert ledger("--lang", "zh", "item", "list", "--all", "-o", str(target), *AS_OF
                  ).exit_code == 0
    table = Document(str(target)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    head = rows[0]
    assert head[:4] == ["编号", "事项", "类别", "牵头单位"]
    first = dict(zip(head, rows[1], strict=True))
    assert (first["类别"], first["牵头单位"], first["状态"], first["灯"]) == (
        "会议议定", "住建局", "在办", "红灯")


def test_several_sections_in_chinese_are_one_document(ledger: Runner) -> None:
    fill(ledger)
    got = rows(ledger("--lang", "zh", "report", "status", "-f", "csv", *AS_OF).stdout)
    assert list(got[0])[:3] == ["栏目", "类型", "状态"]
    assert {r["栏目"] for r in got} == {"按状态", "按类别", "红灯最多的单位", "计划总量"}
    assert {(r["类型"], r["状态"]) for r in got if r["栏目"] == "按状态" and r["数量"] != "0"} \
        == {("事项", "在办"), ("事项", "办结"), ("问题", "待整改")}
    en = rows(ledger("report", "status", "-f", "csv", *AS_OF).stdout)
    assert list(en[0])[:3] == ["section", "kind", "status"]
