"""Tamper-evident history: `duchá verify` and `duchá log` (issue 6)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import UNITS, Runner, unguard

AS_OF = "2026-06-01"


def sql(path: Path, statement: str) -> None:
    """What a clerk's `sqlite3 ledger.db "..."` does: a change behind duchá's back."""
    con = sqlite3.connect(path)
    try:
        con.execute(statement)
        con.commit()
    finally:
        con.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Units; two items, one with responsible units and progress, one closed; a setting; a
    unit renamed.  Built once, copied for each test."""
    from typer.testing import CliRunner

    from duchá.cli import app
    from duchá.db import dispose_all

    path = tmp_path_factory.mktemp("history") / "ledger.db"
    run = CliRunner()

    def ok(*args: str) -> None:
        r = run.invoke(app, ["--db", str(path), "--as-of", AS_OF, "-f", "json", *args])
        assert r.exit_code == 0, r.stderr

    ok("init")
    for code, name, kind in UNITS:
        ok("unit", "add", code, name, "--kind", kind)
    ok("item", "add", "推进城区供热管网改造", "-c", "meeting", "--lead", "zjj", "-u", "fgw",
       "-u", "kongtong", "--due", "+30d")
    ok("item", "add", "市长关于冬季取暖保障的批示", "-c", "批示", "--lead", "jyj", "--due", "+5wd")
    ok("item", "progress", "1", "完成管网招标", "--percent", "40")
    ok("item", "progress", "1", "开工建设", "--percent", "60", "--on", "2026-06-05")
    ok("item", "close", "2", "--on", "2026-06-03")
    ok("config", "set", "multi_headed.days", "45")
    ok("unit", "edit", "jyj", "--code", "jiaoyu")
    dispose_all()
    return path


@pytest.fixture
def work(template: Path, db_path: Path, cli: Runner) -> Runner:
    shutil.copy(template, db_path)
    return cli


def verify(cli: Runner) -> tuple[int, list[dict], str]:
    r = cli("verify", "-f", "json")
    return r.exit_code, r.json(), r.stderr


def test_untouched_ledger_verifies(work: Runner) -> None:
    code, rows, err = verify(work)
    assert code == 0, err
    by_table = {r["table"]: r for r in rows}
    assert by_table["item"] == {"table": "item", "records": 2, "events": 5, "note": ""}
    assert by_table["unit"]["records"] == 5 and by_table["unit"]["events"] == 6
    assert by_table["progress"]["records"] == 2
    assert by_table["setting"]["records"] == 1
    assert err.startswith("verified: 12 events, chain head ")


def test_update_through_sqlite_is_named(work: Runner, db_path: Path) -> None:
    # (cancelled, not done: a done item without its closed date is refused by the schema)
    sql(db_path, "UPDATE item SET status='cancelled' WHERE number='DB-2026-0001'")
    code, rows, err = verify(work)
    assert code == 1
    assert rows == [{"event": 6, "table": "item", "subject": "DB-2026-0001",
                     "problem": 'item DB-2026-0001 was changed outside duchá: status is '
                                '"cancelled" but event 6 says "open"'}]
    assert err.startswith("error: the ledger does not verify (1 problem): item DB-2026-0001 ")


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 shell installed")
def test_update_through_the_sqlite3_shell_is_named(work: Runner, db_path: Path) -> None:
    subprocess.run(["sqlite3", str(db_path),
                    "UPDATE item SET due='2026-12-31' WHERE number='DB-2026-0002'"], check=True)
    code, rows, _ = verify(work)
    assert code == 1
    assert [(r["subject"], r["problem"].split(":")[1].strip()) for r in rows] == [
        ("DB-2026-0002", 'due is "2026-12-31" but event 10 says "2026-06-08"')]


def test_deleted_event_is_caught(work: Runner, db_path: Path) -> None:
    unguard(db_path)
    sql(db_path, "DELETE FROM event WHERE id = 9")  # the second progress note's event
    code, rows, _ = verify(work)
    assert code == 1
    assert rows[0]["event"] == 10
    assert "does not follow event 8: an event between them was deleted" in rows[0]["problem"]
    # and the note it recorded now has no event
    assert any("progress note on item DB-2026-0001" in r["problem"] for r in rows)


def test_deleted_last_event_is_caught_by_its_record(work: Runner, db_path: Path) -> None:
    unguard(db_path)
    sql(db_path, "DELETE FROM event WHERE id = (SELECT max(id) FROM event)")  # the rename
    code, rows, _ = verify(work)
    assert code == 1
    # and the item led by that unit now names a code its history never gave it
    assert {r["subject"] for r in rows} == {"jiaoyu", "jyj", "DB-2026-0002"}


def test_altered_event_is_caught(work: Runner, db_path: Path) -> None:
    unguard(db_path)
    sql(db_path, "UPDATE event SET actor='someone else' WHERE id = 7")
    code, rows, _ = verify(work)
    assert code == 1
    assert rows == [{"event": 7, "table": "item", "subject": "DB-2026-0002",
                     "problem": "event 7 (add item DB-2026-0002) was altered after it was "
                                "written: its content does not match its hash"}]


@pytest.mark.parametrize(("statement", "subject", "says"), [
    ("UPDATE item_unit SET unit_id = (SELECT id FROM unit WHERE code='zjj') "
     "WHERE unit_id = (SELECT id FROM unit WHERE code='fgw')", "DB-2026-0001", "units is"),
    ("DELETE FROM progress WHERE text = '开工建设'", "DB-2026-0001", "is gone or changed"),
    ("UPDATE progress SET percent = 100 WHERE text = '开工建设'", "DB-2026-0001",
     "has no event"),
    ("INSERT INTO progress (item_id, \"on\", text, percent) SELECT item_id, \"on\", text, "
     "percent FROM progress WHERE text = '开工建设'", "DB-2026-0001", "has no event"),
    ("UPDATE progress SET text = 'x' || text || 'y' WHERE text = '开工建设'", "DB-2026-0001",
     "has no event"),
    ("INSERT INTO unit (code, name, kind) VALUES ('ghost', '影子单位', 'other')", "ghost",
     "added outside duchá"),
    ("DELETE FROM item WHERE number = 'DB-2026-0002'", "DB-2026-0002", "is gone"),
    ("UPDATE setting SET value = '5' WHERE key = 'multi_headed.days'", "multi_headed.days",
     "value is 5 but event 11 says 45"),
    ("UPDATE unit SET name = '假单位' WHERE code = 'jiaoyu'", "jiaoyu", 'name is "假单位"'),
])
def test_rows_changed_behind_the_tools_back(
    work: Runner, db_path: Path, statement: str, subject: str, says: str
) -> None:
    sql(db_path, statement)
    code, rows, _ = verify(work)
    assert code == 1
    assert any(r["subject"] == subject and says in r["problem"] for r in rows), rows


def test_verify_catches_a_calendar_day_added_by_hand(work: Runner, db_path: Path) -> None:
    sql(db_path, "INSERT INTO calendar_override (day, workday, note) VALUES ('2026-06-06', 1, "
                 "'调休')")
    code, rows, _ = verify(work)
    assert code == 1
    assert any(r["subject"] == "2026-06-06" and "added outside duchá" in r["problem"]
               for r in rows), rows


def test_verify_checks_every_table_of_the_schema(work: Runner, db_path: Path) -> None:
    """Every table of the schema is covered by verify, and a table it does not know (one
    added behind its back, or by a later migration without a kind) is listed."""
    import sqlite3

    from sqlmodel import SQLModel

    import duchá.models  # noqa: F401  (registers the tables)
    from duchá.history.replay import _unchecked
    from duchá.storage.sql import SqliteSql

    class Schema:  # every table of the models, none of which verify may need to count
        def tables(self) -> list[str]:
            return list(SQLModel.metadata.tables)

        def scalar(self, query: str) -> object:
            raise AssertionError(f"a table is not covered by verify: {query}")

    assert "calendar_override" in SQLModel.metadata.tables
    assert _unchecked(Schema()) == {}  # type: ignore[arg-type]
    con = sqlite3.connect(db_path)
    sql = SqliteSql(con)
    assert set(SQLModel.metadata.tables) <= set(sql.tables())
    assert _unchecked(sql) == {}
    con.execute("CREATE TABLE stray (x INTEGER)")
    con.execute("INSERT INTO stray VALUES (1)")
    assert _unchecked(sql) == {"stray": 1}
    con.close()


def test_service_snapshots_equal_the_registry(work: Runner, db_path: Path) -> None:
    """history.current must build the very snapshot items._snap writes into events."""
    from datetime import date

    from sqlmodel import select

    from duchá.db import locate, open_ledger, session_scope
    from duchá.history import replay as history
    from duchá.models import Item
    from duchá.services import items
    from duchá.services.ledger import Ledger

    with session_scope(open_ledger(locate(str(db_path))), write=False) as s:
        lg = Ledger(session=s, actor="t", today=date(2026, 6, 1))
        now = history.current(s, "item")
        for item in s.exec(select(Item)).all():
            assert now[item.number] == items._snap(lg, item) == history.snap(s, "item", item)
        first = s.exec(select(Item)).first()
        assert first is not None and len(now) > 1
        assert history.current(s, "item", [first.id or 0]) == {first.number: now[first.number]}


def test_bulk_chain_links_events_for_importers(work: Runner, db_path: Path) -> None:
    """events.record_many (what imports write) appends many events to the chain in one
    insert, each linked to the one before, as if each had been recorded alone."""
    import sqlite3
    from contextlib import closing
    from datetime import date
    from itertools import pairwise

    from duchá.db import locate, open_ledger, session_scope
    from duchá.history import events
    from duchá.models import Unit

    with session_scope(open_ledger(locate(str(db_path))), write=True) as s:
        rows = []
        for i in range(3):
            s.add(Unit(code=f"u{i}", name=f"导入单位{i}", kind="other"))
            rows.append({"actor": "import", "action": "import", "table": "unit",
                         "subject": f"u{i}", "before": None, "on": date(2026, 6, 1),
                         "after": {"code": f"u{i}", "name": f"导入单位{i}", "kind": "other",
                                   "parent_id": None, "parent": None, "short_name": None}})
        events.record_many(s, rows)
    with closing(sqlite3.connect(db_path)) as con:
        chained = con.execute("SELECT id, subject, prev_hash, hash FROM event WHERE id >= 12 "
                              "ORDER BY id").fetchall()
    assert [(i, subject) for i, subject, _, _ in chained[1:]] == [
        (13, "u0"), (14, "u1"), (15, "u2")]
    assert all(later[2] == earlier[3] for earlier, later in pairwise(chained))
    code, rows_out, err = verify(work)
    assert code == 0, rows_out
    assert err.startswith("verified: 15 events")


def test_log_of_one_record(work: Runner) -> None:
    r = work("log", "DB-2026-0001", "-f", "json")
    assert r.exit_code == 0, r
    rows = r.json()
    assert [(x["id"], x["action"], x["on"]) for x in rows] == [
        (6, "add", "2026-06-01"), (8, "progress", "2026-06-01"), (9, "progress", "2026-06-05")]
    assert rows[2]["changes"] == "on=2026-06-05, percent=60, text=开工建设"
    assert all(x["actor"] and x["at"] for x in rows)


def test_log_since_and_changes(work: Runner) -> None:
    r = work("log", "--since", "2026-06-03", "-f", "csv")
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == "id,at,on,actor,action,table,subject,changes"
    assert [ln.split(",")[4] for ln in lines[1:]] == ["progress", "close"]
    assert lines[2].endswith("closed_on: ∅ → 2026-06-03; status: open → done")


def test_log_follows_a_unit_by_any_name_and_full_shows_snapshots(work: Runner) -> None:
    r = work("log", "平凉市教育局", "--full", "-f", "json")
    assert r.exit_code == 0, r
    rows = r.json()
    assert [x["action"] for x in rows] == ["edit"]
    assert rows[0]["before"]["code"] == "jyj" and rows[0]["after"]["code"] == "jiaoyu"
    assert len(rows[0]["hash"]) == 64


def test_log_renders_in_text_formats(work: Runner) -> None:
    r = work("log", "multi-headed.days", "-f", "plain")
    assert r.exit_code == 2  # keys are matched exactly, not fuzzily
    r = work("log", "multi_headed.days", "-f", "github")
    assert r.exit_code == 0, r
    assert "| value: 30 → 45" in r.stdout


def test_finding_updated_through_sqlite_is_named(work: Runner, db_path: Path) -> None:
    """The issue's own example: a finding's status forged through SQL."""
    r = work("finding", "add", "台账不全", "--unit", "fgw", "--mode", "deadline",
             "--as-of", "2026-06-10", "-f", "json")
    assert r.exit_code == 0, r
    code, _, _ = verify(work)
    assert code == 0
    # (rectifying, not verified: a verified finding without its date is refused by the schema)
    sql(db_path, "UPDATE finding SET status='rectifying' WHERE number='WT-2026-0001'")
    code, rows, err = verify(work)
    assert code == 1
    assert rows == [{"event": 13, "table": "finding", "subject": "WT-2026-0001",
                     "problem": 'finding WT-2026-0001 was changed outside duchá: status is '
                                '"rectifying" but event 13 says "open"'}]
    assert "finding WT-2026-0001" in err


def test_an_imported_record_left_out_of_its_snapshot_is_still_checked(
        work: Runner, db_path: Path, tmp_path: Path) -> None:
    """An import stores each record's snapshot without its empty fields; verify reads a field
    left out as empty, so one filled behind duchá's back is named, and a reference left out
    (no item) is still compared."""
    import json

    f = tmp_path / "f.csv"
    f.write_text("单位,问题描述,整改方式,发现日期,整改期限\n"
                 "fgw,台账不全,限期整改,2026-05-06,2026-05-20\n"
                 "zjj,资料缺页,立行立改,2026-05-07,\n", encoding="utf-8")
    r = work("import", "findings", str(f), "-f", "csv")
    assert r.exit_code == 0, r.stderr
    after = json.loads(sqlite3.connect(db_path).execute(
        "SELECT after FROM event WHERE subject = 'WT-2026-0001'").fetchone()[0])
    assert "evidence" not in after and "item" not in after and "item_id" not in after
    assert after["description"] == "台账不全" and after["unit"] == "fgw"
    code, _, err = verify(work)
    assert code == 0, err
    sql(db_path, "UPDATE finding SET evidence = '照片三张', item_id = 1 "
                 "WHERE number = 'WT-2026-0001'")
    code, rows, _ = verify(work)
    assert code == 1
    (row,) = rows
    assert row["subject"] == "WT-2026-0001"
    # evidence, then item and item_id: the item's number is compared though the event has none
    assert row["problem"].endswith('evidence is "照片三张" but event 13 says null '
                                   "(and 2 more fields)")
