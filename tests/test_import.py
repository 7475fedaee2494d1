"""`duchá import TABLE FILE`: encodings, Chinese headers, all-or-nothing validation, events."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import Runner, snapshot_db

ITEMS_ZH = (
    "序号,事项名称,类别,牵头单位,责任单位,交办日期,落实时限,办理状态,办结日期\n"
    "1,推进城区供热管网改造,会议议定,发改委,\"崆峒、泾川\",2026-09-01,2026-11-20,,\n"
    "2,老旧小区改造年度任务,目标任务,崆峒,,2026年10月1日,2026/11/27,,\n"
    "3,落实减税降费政策,方针政策,jyj,,2026-10-01,2026-12-31,办结,2026-11-25\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def items(cli: Runner) -> list[dict]:
    return cli("item", "list", "--all", "-f", "json", "--as-of", "2026-11-28").json()


def test_gb18030_csv_with_chinese_headers_imports(ledger: Runner, tmp_path: Path) -> None:
    f = write(tmp_path / "台账.csv", ITEMS_ZH, "gb18030")
    r = ledger("import", "items", str(f), "-f", "json", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    assert r.json()[0] | {"file": ""} == {
        "table": "items", "file": "", "encoding": "gb18030", "sheet": None, "rows": 3,
        "added": 3, "updated": 0, "unchanged": 0, "imported": 3,
        "first": "DB-2026-0001", "last": "DB-2026-0003", "dry_run": False}
    rows = items(ledger)
    assert [(x["number"], x["title"], x["category"], x["lead_unit"], x["units"], x["assigned"],
             x["due"], x["status"], x["closed_on"]) for x in rows] == [
        ("DB-2026-0001", "推进城区供热管网改造", "meeting", "fgw", "jingchuan;kongtong",
         "2026-09-01", "2026-11-20", "open", None),
        ("DB-2026-0002", "老旧小区改造年度任务", "target", "kongtong", "", "2026-10-01",
         "2026-11-27", "open", None),
        ("DB-2026-0003", "落实减税降费政策", "policy", "jyj", "", "2026-10-01", "2026-12-31",
         "done", "2026-11-25"),
    ]


def test_utf8_bom_and_forced_encoding(ledger: Runner, tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "\ufeff" + ITEMS_ZH)
    r = ledger("import", "items", str(f), "-f", "csv", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    assert ",utf-8-sig," in r.stdout
    g = write(tmp_path / "b.csv", ITEMS_ZH, "gb18030")
    r = ledger("import", "items", str(g), "--encoding", "utf-8", "-f", "csv")
    assert r.exit_code == 2
    assert "line 1 is not valid utf-8" in r.stderr
    r = ledger("import", "items", str(g), "--encoding", "gb18030", "-f", "json")
    assert r.exit_code == 0, r
    # The same rows again: each names an item already there (title and lead unit), so
    # nothing is added (issue 13), and the summary is not written in the file's encoding.
    assert (r.json()[0]["added"], r.json()[0]["unchanged"]) == (0, 3)
    assert [x["number"] for x in items(ledger)][-1] == "DB-2026-0003"


def test_import_writes_one_event_per_record_with_the_full_snapshot(
        ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    assert ledger("item", "add", "手工登记", "-c", "批示", "--lead", "fgw", "-u", "jyj",
                  "--due", "2026-12-01", "--assigned", "2026-11-01", "-f", "csv").exit_code == 0
    f = write(tmp_path / "a.csv", ITEMS_ZH)
    assert ledger("import", "items", str(f), "-f", "csv").exit_code == 0
    con = sqlite3.connect(db_path)
    events = con.execute("SELECT action, subject, \"on\", after FROM event "
                         "WHERE subject_table='item' ORDER BY id").fetchall()
    con.close()
    assert [(a, s, on) for a, s, on, _ in events] == [
        ("add", "DB-2026-0001", "2026-11-01"), ("import", "DB-2026-0002", "2026-09-01"),
        ("import", "DB-2026-0003", "2026-10-01"), ("import", "DB-2026-0004", "2026-10-01")]
    by_hand, imported = json.loads(events[0][3]), json.loads(events[1][3])
    # The snapshot of a record added by hand, but for the fields the record has empty: an
    # import leaves those out (the history reads a field left out as NULL).
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    row = dict(con.execute("SELECT * FROM item WHERE number = 'DB-2026-0002'").fetchone())
    con.close()
    left_out = set(by_hand) - set(imported)
    assert set(imported) <= set(by_hand) and left_out
    assert all(row[k] is None for k in left_out if k in row), left_out
    assert "title" in imported and "lead_unit" in imported
    assert imported["units"] == ["jingchuan", "kongtong"]
    assert json.loads(events[3][3])["status"] == "done"


def test_one_bad_row_imports_nothing_and_names_the_line(
        ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    bad = ITEMS_ZH.replace("2026年10月1日", "2026-13-45")
    f = write(tmp_path / "a.csv", bad)
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert "1 bad line, nothing imported" in r.stderr
    assert "line 3: 交办日期: '2026-13-45' is not a real date" in r.stderr
    assert r.stdout == ""
    assert snapshot_db(db_path) == before


def test_unknown_unit_on_line_57_lists_every_error(
        ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    lines = ["title,category,lead_unit,due,assigned"]
    lines += [f"事项{i},meeting,fgw,2026-12-31,2026-11-01" for i in range(2, 57)]
    lines.append("事项57,meeting,交通局,2026-12-31,2026-11-01")
    lines.append("事项58,会议,fgw,someday,2026-11-01")
    f = write(tmp_path / "a.csv", "\n".join(lines) + "\n")
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert "2 bad lines, nothing imported" in r.stderr
    assert "line 57: lead_unit: unknown unit '交通局'" in r.stderr
    # One line per bad row, with every error of the row (issue 13).
    assert "line 58: category: category '会议' is ambiguous" in r.stderr
    assert "; due: 'someday' is not a date" in r.stderr
    assert len(r.stderr.splitlines()) == 3
    assert snapshot_db(db_path) == before


def test_missing_required_column(ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    f = write(tmp_path / "a.csv", "事项名称,类别,牵头单位\n供热,会议议定,fgw\n")
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert "line 1 (header): missing required column due (落实时限" in r.stderr
    assert snapshot_db(db_path) == before


def test_duplicate_numbers_in_the_file_and_against_the_ledger(
        ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    head = "number,title,category,lead_unit,due,assigned\n"
    f = write(tmp_path / "a.csv", head + "DB-2026-0007,甲,meeting,fgw,2026-12-31,2026-11-01\n")
    assert ledger("import", "items", str(f), "-f", "csv").exit_code == 0
    g = write(tmp_path / "b.csv", head
              + "DB-2026-0008,乙,meeting,fgw,2026-12-31,2026-11-01\n"
              + "DB-2026-0008,丙,meeting,fgw,2026-12-31,2026-11-01\n"
              + "DB-2026-0007,丁,meeting,fgw,2026-12-31,2026-11-01\n"
              + ",戊,meeting,fgw,2026-12-31,2026-11-01\n")
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(g), "-f", "csv")
    assert r.exit_code == 2
    assert "line 3: number DB-2026-0008 repeats line 2" in r.stderr
    # DB-2026-0007 is in the ledger: its row updates it (issue 13), it is not refused.
    assert "line 4" not in r.stderr
    assert snapshot_db(db_path) == before
    h = write(tmp_path / "c.csv", head + ",戊,meeting,fgw,2026-12-31,2026-11-01\n"
              + "DB-2026-0010,己,meeting,fgw,2026-12-31,2026-11-01\n"
              + "DB-2026-0007,丁,meeting,fgw,2026-12-31,2026-11-01\n")
    assert ledger("import", "items", str(h), "-f", "csv").exit_code == 0
    # Allocation continues after the highest number, in the ledger and in the file; the row
    # with DB-2026-0007 renamed that item.
    rows = {x["number"]: x["title"] for x in items(ledger)}
    assert rows == {"DB-2026-0007": "丁", "DB-2026-0011": "戊", "DB-2026-0010": "己"}


def test_mixed_encodings(ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_bytes(b"title,category,lead_unit,due\n"
                  + "供热,meeting,fgw,2026-12-31\n".encode()
                  + "管网,meeting,fgw,2026-12-31\n".encode("gb18030"))
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert "mixed encodings: line 2 is UTF-8 but line 3 is not" in r.stderr
    assert snapshot_db(db_path) == before


def test_large_binary_file_is_refused(ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    f = tmp_path / "report.xlsx.csv"
    f.write_bytes(b"PK\x03\x04" + os.urandom(3 * 1024 * 1024))
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert "is not a CSV text file (binary data on line" in r.stderr
    assert snapshot_db(db_path) == before


def test_unknown_table_and_missing_file(ledger: Runner, tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", ITEMS_ZH)
    r = ledger("import", "people", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert ("unknown table 'people'; use units, items, plans, inspections, findings, "
            "quotas, progress, extensions, accountability, settings or calendar") in r.stderr
    r = ledger("import", "items", str(tmp_path / "nope.csv"), "-f", "csv")
    assert r.exit_code == 2
    assert "no file" in r.stderr


def test_dry_run_checks_and_imports_nothing(ledger: Runner, tmp_path: Path,
                                            db_path: Path) -> None:
    f = write(tmp_path / "a.csv", ITEMS_ZH)
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(f), "--dry-run", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["rows"] == 3 and r.json()[0]["imported"] == 0
    assert snapshot_db(db_path) == before


def test_ignored_columns_are_named(ledger: Runner, tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "title,category,lead_unit,due,负责人电话\n"
              "供热,meeting,fgw,2026-12-31,138\n")
    r = ledger("import", "items", str(f), "-f", "csv")
    assert r.exit_code == 0, r
    assert "warning: columns ignored (not items fields): 负责人电话" in r.stderr


def test_units_import_with_parents_and_the_unit_import_alias(
        cli: Runner, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    f = write(tmp_path / "u.csv", "单位代码,单位名称,单位类型,上级单位\n"
              "kongtong_jyj,崆峒区教育局,部门,kongtong\n"
              "kongtong,平凉市崆峒区人民政府,县区,\n")
    r = cli("unit", "import", str(f), "-f", "csv")
    assert r.exit_code == 0, r
    rows = cli("unit", "list", "-f", "json").json()
    assert rows == [
        {"code": "kongtong", "name": "平凉市崆峒区人民政府", "short_name": "崆峒区",
         "kind": "county", "parent": None},
        {"code": "kongtong_jyj", "name": "崆峒区教育局", "short_name": "崆峒区教育局",
         "kind": "department", "parent": "kongtong"},
    ]
    r = cli("import", "units", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert "line 2: 单位代码: 'kongtong_jyj' already exists" in r.stderr


def test_plans_inspections_and_findings(ledger: Runner, tmp_path: Path) -> None:
    plans = write(tmp_path / "p.csv", "组织单位,督查名称,督查类型,督查对象,开始时间,结束时间\n"
                  "fgw,重点项目建设专项督查,专项,\"崆峒;泾川\",2026-03,2026-04\n")
    r = ledger("import", "plans", str(plans), "-f", "csv", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    insp = write(tmp_path / "i.csv", "计划编号,牵头单位,督查方式,督查主题,督查对象,开始日期\n"
                 "JH-2026-001,fgw,实地,重点项目建设,崆峒,2026-03-10\n")
    assert ledger("import", "inspections", str(insp), "-f", "csv").exit_code == 0
    finds = write(tmp_path / "f.csv", "督查编号,责任单位,发现问题,整改方式,发现日期,整改时限\n"
                  "DC-2026-001,崆峒,项目进度滞后,限期整改,2026-03-10,\n"
                  "DC-2026-001,崆峒,台账不规范,立行立改,2026-03-10,\n"
                  "DC-2026-009,崆峒,不存在的督查,立行立改,2026-03-10,\n")
    r = ledger("import", "findings", str(finds), "-f", "csv")
    assert r.exit_code == 2
    assert "line 4: 督查编号: no inspection DC-2026-009 in the ledger" in r.stderr
    write(finds, finds.read_text().rsplit("DC-2026-009", 1)[0])
    r = ledger("import", "findings", str(finds), "-f", "csv")
    assert r.exit_code == 0, r
    rows = ledger("export", "findings", "-f", "json").json()
    # Missing dues take the settings' defaults, like `finding add`: 30 days, 5 working days.
    assert [(x["number"], x["inspection"], x["mode"], x["due"]) for x in rows] == [
        ("WT-2026-0001", "DC-2026-001", "deadline", "2026-04-09"),
        ("WT-2026-0002", "DC-2026-001", "immediate", "2026-03-17"),
    ]
    plan = ledger("export", "plans", "-f", "json").json()[0]
    assert (plan["start"], plan["end"], plan["targets"]) == ("2026-03-01", "2026-04-30",
                                                             "jingchuan;kongtong")


def test_windows_line_ends_and_a_row_with_extra_cells(ledger: Runner, tmp_path: Path,
                                                      db_path: Path) -> None:
    text = ("事项名称,类别,牵头单位,落实时限\r\n供热,会议议定,fgw,2026-12-31\r\n"
            "\"多行\r\n标题\",会议议定,fgw,2026-12-31\r\n管网,会议议定,fgw,2026-12-31,多余,列\r\n")
    f = write(tmp_path / "a.csv", text, "gb18030")
    before = snapshot_db(db_path)
    r = ledger("import", "items", str(f), "-f", "csv")
    assert r.exit_code == 2
    assert "line 5: 6 cells but the header has 4 columns" in r.stderr
    assert snapshot_db(db_path) == before
    write(f, text.replace(",多余,列", ""), "gb18030")
    assert ledger("import", "items", str(f), "-f", "csv").exit_code == 0
    assert [x["title"] for x in items(ledger)] == ["供热", "多行\r\n标题", "管网"]


def test_import_and_add_share_one_validation(ledger: Runner, tmp_path: Path) -> None:
    """The rule "due on or after the assigned date" is checked once (duchá/validation.py):
    `item add` names the option, an import names the column, and both say the same."""
    added = ledger("item", "add", "甲", "-c", "meeting", "--lead", "fgw", "--assigned",
                   "2026-05-01", "--due", "2026-04-01")
    path = tmp_path / "items.csv"
    path.write_text("title,category,lead_unit,assigned,due\n甲,meeting,fgw,2026-05-01,"
                    "2026-04-01\n", encoding="utf-8")
    imported = ledger("import", "items", str(path))
    rule = "due date 2026-04-01 is before the assigned date 2026-05-01"
    assert added.exit_code == imported.exit_code == 2
    assert f"error: --due: {rule}" in added.stderr
    assert f"line 2: due: {rule}" in imported.stderr


def test_a_first_large_import_builds_its_tables_indexes_again(
        ledger: Runner, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An insert that at least doubles a table drops its plain indexes and builds them again
    in the same transaction (storage/bulk.py): the ledger ends with the same indexes, whole,
    and rows past the first batch of Job.rows take the values read before (importer.py).
    Written in parts, the records keep their file's order and each has its one event, in
    the same order, on one chain."""
    from duchá.storage import bulk
    from duchá.transfer import importer

    monkeypatch.setattr(bulk, "REINDEX_ROWS", 2)
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 7)
    monkeypatch.setattr(importer, "_BATCH", 5)
    monkeypatch.setattr(importer, "WRITE_PART", 6)  # written in parts, in one bulk load
    rebuilt: list[str] = []
    set_aside = bulk._set_aside

    def spy(*args: object) -> list[str]:
        rebuilt.extend(found := set_aside(*args))  # type: ignore[arg-type]
        return found

    monkeypatch.setattr(bulk, "_set_aside", spy)

    def indexes() -> list[tuple[str, str]]:
        con = sqlite3.connect(db_path)
        try:
            return sorted(con.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                "tbl_name IN ('finding', 'event') ORDER BY name").fetchall())
        finally:
            con.close()

    before = indexes()
    lines = ["责任单位,发现问题,整改方式,发现日期,整改时限,整改状态,整改完成日期"]
    for i in range(40):
        done = i % 3 == 0
        lines.append(f"{'崆峒' if i % 2 else 'fgw'},问题{i},{'立行立改' if i % 4 else '限期整改'},"
                     f"2026-03-{1 + i % 9:02d},{'' if i % 5 else '2026-06-30'},"
                     f"{'整改完成' if done else ''},{'2026-04-01' if done else ''}")
    f = write(tmp_path / "f.csv", "\n".join(lines) + "\n")
    r = ledger("import", "findings", str(f), "-f", "csv", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    assert indexes() == before
    assert {sql.split()[2] for sql in rebuilt} >= {"ix_finding_unit", "ix_event_subject"}
    # Partial indexes are kept, and kept up to date, through the load.
    assert not {sql.split()[2] for sql in rebuilt} & {
        "ix_finding_item", "ix_finding_inspection", "ix_finding_lookback"}
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = con.execute("SELECT number, unit_id, mode, status, rectified_on FROM finding "
                           "ORDER BY id").fetchall()
        imported = con.execute("SELECT subject FROM event WHERE action = 'import' "
                               "ORDER BY id").fetchall()
        descriptions = con.execute("SELECT description FROM finding ORDER BY id").fetchall()
    finally:
        con.close()
    assert [s for (s,) in imported] == [r[0] for r in rows]
    assert [d for (d,) in descriptions] == [f"问题{i}" for i in range(40)]
    assert len(rows) == 40
    assert rows[0][0] == "WT-2026-0001" and rows[39][0] == "WT-2026-0040"
    assert [r[3] for r in rows[:4]] == ["rectified", "open", "open", "rectified"]
    assert {r[2] for r in rows} == {"immediate", "deadline"}
    assert ledger("verify").exit_code == 0


@pytest.mark.parametrize("rows", [
    [("它's 同一个", 1, "a"), ("它's 同一个", 2, "b"), ("它's 同一个", 3, "c")],  # a constant text
    [("x", 1, "a\0b"), ("x", 1, "a\0b"), ("x", 1, "a\0b")],  # every column constant, one a NUL
    [("a", 1, None), ("b", 1, None), ("a", 1, None)],  # the middle row differs
    [("1", 1, "t"), ("1", 1, "t"), ("1", 1, "t")] * 400,  # more rows than one statement holds
])
def test_a_bulk_insert_stores_what_an_executemany_stores(rows: list[tuple[object, ...]]) -> None:
    """Columns with one text in every row are written into the statement as literals
    (storage/bulk.py): the rows read back are those a plain executemany stores."""
    import sqlite3

    from duchá.storage import bulk

    con = sqlite3.connect(":memory:")
    for table in ("a", "b"):
        con.execute(f"CREATE TABLE {table} (t TEXT, n INTEGER, u TEXT)")
    con.executemany("INSERT INTO a VALUES (?, ?, ?)", rows)
    bulk.insert_columns(con, "b", ["t", "n", "u"], [list(c) for c in zip(*rows, strict=True)],
                        len(rows))
    read = "SELECT t, typeof(t), n, typeof(n), u, typeof(u) FROM {} ORDER BY rowid"
    assert con.execute(read.format("b")).fetchall() == con.execute(read.format("a")).fetchall()
    # Text given as its UTF-8 (an import's snapshots, encoded once for their hash) is stored
    # as the same text.
    con.execute("DELETE FROM b")
    bulk.insert_columns(con, "b", ["t", "n", "u"], [
        bulk.Utf8Text(v.encode() for v in c) if all(isinstance(v, str) for v in c) else list(c)
        for c in zip(*rows, strict=True)], len(rows))
    assert con.execute(read.format("b")).fetchall() == con.execute(read.format("a")).fetchall()


@pytest.mark.parametrize("ids", [
    range(4, 7),  # the next rowids: SQLite numbers the rows itself
    [4, 5, 6],  # the same as a list
    [5, 6, 7],  # a gap after the last row: written as given
    [7, 6, 5],  # not in order: written as given
])
def test_a_bulk_insert_of_the_next_rowids_leaves_the_numbering_to_sqlite(
        ids: Sequence[int], tmp_path: Path) -> None:
    """An import's records and events are numbered max(id) + 1 on (their hash covers the
    event's id): SQLite gives exactly those rowids to rows inserted without one, and appends
    them without looking each up.  Any other ids are written as they are."""
    import sqlite3

    from duchá.storage import bulk
    from duchá.storage.sql import SqliteSql

    con = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(1, "a"), (2, "b"), (3, "c")])
    statements: list[str] = []
    con.set_trace_callback(statements.append)
    bulk.insert(SqliteSql(con), "t", ["id", "v"], [ids, ["x", "y", "z"]], 3, rowids=True)
    con.set_trace_callback(None)
    assert con.execute("SELECT id, v FROM t WHERE id > 3 ORDER BY v").fetchall() == \
        list(zip(ids, ["x", "y", "z"], strict=True))
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert inserts and all(('"id"' in s) == (list(ids) != [4, 5, 6]) for s in inserts)


def test_a_bulk_insert_refuses_rows_that_sqlite_numbered_otherwise(tmp_path: Path) -> None:
    """Should SQLite ever number the rows otherwise than the ids their events hash, the
    insert fails (and its transaction with it) rather than leave a broken chain."""
    import sqlite3
    from unittest import mock

    from duchá.storage import bulk
    from duchá.storage.sql import SqliteSql

    con = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    con.execute("INSERT INTO t VALUES (1, 'a')")
    with mock.patch.object(bulk, "_next_rowids", return_value=True), \
            pytest.raises(RuntimeError, match="numbered up to 3, not 4"):
        bulk.insert(SqliteSql(con), "t", ["id", "v"], [range(3, 5), ["x", "y"]], 2,
                    rowids=True)
