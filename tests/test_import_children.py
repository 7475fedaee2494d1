"""Progress notes, extensions and accountability through `export` and `import`: a whole ledger
goes out as CSV and comes back into an empty one identical, verifiable, and with the same
reports; bad rows are named by line and import nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, Runner, snapshot_db

TABLES = ("units", "items", "plans", "inspections", "findings", "quotas", "settings",
          "calendar", "progress", "extensions", "accountability")
AS_OF = ("--as-of", "2026-11-30")


# The module's dates are the demo city's (its ledger: conftest's module_demo).
assert AS_OF == ("--as-of", DEMO_AS_OF)


def test_a_whole_ledger_round_trips_through_csv(cli: Runner, module_demo: Path,
                                                tmp_path: Path) -> None:
    import shutil

    source, copy = tmp_path / "demo.db", tmp_path / "copy.db"
    shutil.copy(module_demo, source)
    for args in (("config", "set", "item_stale.days", "45"),
                 ("config", "set", "repeat_inspection.similarity", "0.5"),
                 ("config", "calendar", "holiday", "2026-11-27", "--note", "local day off")):
        assert cli(*args, *AS_OF, db=source).exit_code == 0
    module_demo = source
    for table in TABLES:
        out = cli("export", table, "-f", "csv", "-o", str(tmp_path / f"{table}.csv"),
                  db=module_demo)
        assert out.exit_code == 0, out
    assert cli("init", db=copy).exit_code == 0
    imported = {}
    for table in TABLES:
        r = cli("import", table, str(tmp_path / f"{table}.csv"), *AS_OF, "-f", "json", db=copy)
        assert r.exit_code == 0, r
        imported[table] = r.json()[0]["imported"]
    assert all(imported.values()) and imported["progress"] > 10, imported
    before = cli("export", "-f", "json", db=module_demo).json()
    after = cli("export", "-f", "json", db=copy).json()
    assert list(after) == list(TABLES)
    assert after == before
    v = cli("verify", "-f", "json", db=copy)
    assert v.exit_code == 0, v
    counts = {row["table"]: row["records"] for row in v.json()}
    assert (counts["progress"], counts["extension"], counts["accountability"]) == (
        len(before["progress"]), len(before["extensions"]), len(before["accountability"]))
    # The reports read the imported notes like typed-in ones.
    for report in (("item", "list"), ("report", "weekly", "--week", "2026-W48"),
                   ("report", "overdue")):
        a = cli(*report, *AS_OF, "-f", "json", db=module_demo)
        b = cli(*report, *AS_OF, "-f", "json", db=copy)
        assert a.exit_code == b.exit_code and a.json() == b.json(), report
    # The weekly cycle's forms and notices are not tables of the export (README): the rules
    # on them (feedback-missing, reminder-ignored) are the only ones that read apart.
    cycle = ("feedback-missing", "reminder-ignored")
    a = cli("check", *AS_OF, "-f", "json", db=module_demo).json()
    b = cli("check", *AS_OF, "-f", "json", db=copy).json()
    assert {r["rule"] for r in a} >= set(cycle) and not {r["rule"] for r in b} & set(cycle)
    assert [r for r in a if r["rule"] not in cycle] == b


def _story(ledger: Runner) -> None:
    for args in (("item", "add", "推进供热", "-c", "meeting", "--lead", "zjj", "--due",
                  "2026-12-31", "--assigned", "2026-09-01"),
                 ("finding", "add", "食堂台账不全", "-u", "jyj", "--mode", "deadline", "--on",
                  "2026-10-01", "--due", "2026-11-01")):
        r = ledger(*args, *AS_OF, "-f", "json")
        assert r.exit_code == 0, r


def test_chinese_headers_and_the_events_written(ledger: Runner, tmp_path: Path) -> None:
    _story(ledger)
    notes = tmp_path / "进展.csv"
    notes.write_text("序号,事项编号,进展日期,进展情况,完成进度\n"
                     "1,DB-2026-0001,2026年10月8日,完成管网勘察,20\n"
                     "2,DB-2026-1,2026/11/02,开工建设,\n", encoding="gb18030")
    r = ledger("import", "进展", str(notes), *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["encoding"] == "gb18030" and r.json()[0]["imported"] == 2
    shown = ledger("item", "show", "1", *AS_OF, "-f", "json").json()
    assert [(p["on"], p["text"], p["percent"]) for p in shown["progress"]] == [
        ("2026-10-08", "完成管网勘察", 20), ("2026-11-02", "开工建设", None)]

    ext = tmp_path / "延期.csv"
    ext.write_text("问题编号,申请日期,原时限,延期至,延期理由,审批结果,审批人,审批日期\n"
                   "WT-2026-0001,2026-10-20,2026-11-01,2026-12-01,汛期施工受阻,同意,张市长,"
                   "2026-10-22\n", encoding="utf-8")
    acc = tmp_path / "问责.csv"
    acc.write_text("subject,who,measure,basis,on\n"
                   "WT-2026-0001,市教育局分管负责人,约谈,《实施意见》第十条,2026-11-20\n")
    for table, path in (("extensions", ext), ("accountability", acc)):
        r = ledger("import", table, str(path), *AS_OF, "-f", "json")
        assert r.exit_code == 0, r
    finding = ledger("finding", "show", "1", *AS_OF, "-f", "json").json()
    assert finding["due"] == "2026-11-01"  # history: the findings file carries the due date
    log = ledger("log", "WT-2026-0001", "-f", "json").json()
    assert [(e["action"], e["on"]) for e in log] == [
        ("add", "2026-10-01"), ("extend-approve", "2026-10-22"), ("account", "2026-11-20")]
    assert ledger("verify").exit_code == 0


@pytest.mark.parametrize(("table", "content", "says"), [
    ("progress", "item,on,text\nDB-2026-0001,2026-08-01,早了\n",
     "line 2: on: 2026-08-01 is before item DB-2026-0001 was assigned (2026-09-01)"),
    ("progress", "item,text,percent\nDB-2026-0001,x,120\n",
     "line 2: percent: 120 is not between 0 and 100"),
    ("progress", "item,text\nWT-2026-0001,x\n",
     "line 2: item: 'WT-2026-0001' is not an item number like DB-2026-0001"),
    ("progress", "item,text\nDB-2026-0009,x\n",
     "line 2: item: no item DB-2026-0009 in the ledger; import the items first"),
    ("progress", "item,on\nDB-2026-0001,2026-10-01\n", "missing required column text"),
    ("extensions", "subject,to_date,reason,status\nWT-2026-0001,2026-12-01,r,approved\n",
     "line 2: decided_by: empty but the extension is approved; give who decided and when"),
    ("extensions", "subject,old_due,to_date,reason\nWT-2026-0001,2026-11-01,2026-10-15,r\n",
     "line 2: to_date: 2026-10-15 is not after the old due date 2026-11-01"),
    ("extensions", "subject,to_date,reason\nWT-2026-0001,2026-12-01,a\n"
     "WT-2026-0001,2026-12-05,b\n",
     "line 3: subject: WT-2026-0001 already has a pending extension on line 2"),
    ("extensions", "subject,to_date,reason,status\nJH-2026-001,2026-12-01,r,maybe\n",
     "is not an item number like DB-2026-0001 or a finding number like WT-2026-0001"),
    ("quotas", "year,max_count,reduction\n2027,5,20%\n",
     "line 2: max_count: give either max_count or reduction for the year, one of them"),
    ("quotas", "年度,压减比例,基数\n2027,150%,10\n",
     "line 2: 压减比例 must be between 0% and 100%, not 150%"),
    ("quotas", "year,max_count\n2027,5\n2027,6\n", "line 3: year: 2027 repeats line 2"),
    ("quotas", "year,reduction\n2027,50%\n",
     "2026 has no plan entries in the ledger to reduce from; give baseline N"),
    ("settings", "key,value\nmulti_headed.dayz,45\n", "line 2: key: unknown setting"),
    ("settings", "设置项,设置值\nmulti_headed.days,0\n",
     "line 2: 设置值: multi_headed.days must be between 1 and 3660, not 0"),
    ("settings", "key,value\nitem_stale.days,40\nitem_stale.days,50\n",
     "line 3: key: item_stale.days repeats line 2"),
    ("calendar", "日期,是否工作日\n2027-02-06,maybe\n",
     "line 2: 是否工作日: 'maybe' is not yes/no"),
    ("calendar", "day,workday\n2027-02-30,no\n", "line 2: day: '2027-02-30' is not a real date"),
    ("calendar", "day,workday\n2027-02-06,no\n2027-02-06,yes\n",
     "line 3: day: 2027-02-06 repeats line 2"),
    ("accountability", "subject,who,measure\nDB-2026-0001,某某,约谈\n",
     "missing required column basis"),
    ("accountability", "subject,who,measure,basis,on\nDB-2026-0001,某某,约谈,x,2026-01-01\n",
     "line 2: on: 2026-01-01 is before item DB-2026-0001 was assigned (2026-09-01)"),
])
def test_bad_rows_import_nothing(ledger: Runner, db_path: Path, tmp_path: Path, table: str,
                                 content: str, says: str) -> None:
    _story(ledger)
    f = tmp_path / "in.csv"
    f.write_text(content)
    before = snapshot_db(db_path)
    r = ledger("import", table, str(f), *AS_OF, "-f", "json")
    assert r.exit_code == 2, r
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    assert says in r.stderr, r.stderr
    assert snapshot_db(db_path) == before


def test_a_pending_extension_in_the_ledger_blocks_another(ledger: Runner, db_path: Path,
                                                          tmp_path: Path) -> None:
    _story(ledger)
    r = ledger("finding", "extend", "1", "--to", "2026-12-01", "--reason", "x", "--on",
               "2026-10-20", *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    f = tmp_path / "in.csv"
    f.write_text("subject,to_date,reason,requested_on\nWT-2026-0001,2026-12-09,y,2026-10-21\n")
    before = snapshot_db(db_path)
    r = ledger("import", "extensions", str(f), *AS_OF, "-f", "json")
    assert r.exit_code == 2
    assert "line 2: this finding already has an extension awaiting a decision" in r.stderr
    assert snapshot_db(db_path) == before


def test_export_of_the_child_tables(ledger: Runner) -> None:
    _story(ledger)
    for args in (("item", "progress", "1", "勘察", "--on", "2026-10-08", "--percent", "20"),
                 ("item", "account", "1", "--who", "某某", "--measure", "约谈", "--basis", "x",
                  "--on", "2026-10-09")):
        assert ledger(*args, *AS_OF, "-f", "json").exit_code == 0
    assert ledger("export", "progress", "-f", "csv").stdout.splitlines() == [
        "item,on,text,percent", "DB-2026-0001,2026-10-08,勘察,20"]
    zh = ledger("export", "accountability", "-f", "json", "--headers", "zh").json()
    assert zh == [{"事项编号": "DB-2026-0001", "问责对象": "某某", "问责方式": "约谈",
                   "问责依据": "x", "问责日期": "2026-10-09"}]
    lines = ledger("export", "-f", "jsonl").stdout.splitlines()
    assert {json.loads(x)["table"] for x in lines} >= {"progress", "accountability"}


def test_quotas_import_like_plan_quota_set(ledger: Runner, tmp_path: Path) -> None:
    f = tmp_path / "限额.csv"
    f.write_text("年度,计划上限,压减比例,基数\n2026,4,,\n2027,,25%,8\n")
    r = ledger("import", "quotas", str(f), *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    assert (r.json()[0]["first"], r.json()[0]["last"]) == ("2026", "2027")
    shown = ledger("plan", "quota", "show", *AS_OF, "-f", "json").json()
    assert [(q["year"], q["allowed"]) for q in shown] == [(2026, 4), (2027, 6)]
    assert ledger("export", "quotas", "-f", "csv").stdout.splitlines() == [
        "year,max_count,reduction,baseline", "2026,4,,", "2027,,25%,8"]
    assert ledger("verify").exit_code == 0


def test_identical_decided_extensions_stay_two_records(ledger: Runner, tmp_path: Path) -> None:
    _story(ledger)
    f = tmp_path / "in.csv"
    row = "DB-2026-0001,2026-10-01,2027-01-31,同一理由,rejected,张,2026-10-02\n"
    f.write_text("subject,requested_on,to_date,reason,status,decided_by,decided_on\n" + row * 2)
    assert ledger("import", "extensions", str(f), *AS_OF).exit_code == 0
    v = ledger("verify", "-f", "json")
    assert v.exit_code == 0, v
    assert next(x for x in v.json() if x["table"] == "extension")["records"] == 2
