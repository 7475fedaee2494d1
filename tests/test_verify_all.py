"""`verify` covers every kind of record the commands write: the demo verifies, and a change made
behind duchá's back to any of them is named."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import Runner


@pytest.fixture
def demo(module_demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(module_demo)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def test_the_demo_verifies(cli: Runner, demo: Path) -> None:
    r = cli("verify", "-f", "json", db=demo)
    assert r.exit_code == 0, r
    rows = r.json()
    tables = [row["table"] for row in rows]
    assert {"item", "finding", "plan", "inspection", "quota", "progress", "extension",
            "accountability"} <= set(tables)
    assert len(tables) == len(set(tables)), tables  # one row a table
    con = sqlite3.connect(demo)
    for table in ("extension", "accountability"):
        (n,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert n > 0 and next(x for x in rows if x["table"] == table)["records"] == n
    con.close()


@pytest.mark.parametrize(("sql", "named"), [
    ("UPDATE finding SET status='verified', verified_on=found_on WHERE number='WT-2026-0001'",
     "WT-2026-0001"),
    ("UPDATE plan_entry SET status='cancelled' WHERE seq=1 AND year=2026", "JH-2026-001"),
    ("DELETE FROM inspection_target WHERE inspection_id=1", "DC-"),
    ("UPDATE quota SET max_count=99", "quota"),
    ("UPDATE extension SET status='approved' WHERE status='rejected'", "extend record"),
    ("UPDATE accountability SET measure='无'", "account record"),
    ("UPDATE item SET due='2027-01-01' WHERE seq=1", "DB-2026-0001"),
])
def test_a_change_behind_the_tools_back_is_named(cli: Runner, demo: Path, sql: str,
                                                 named: str) -> None:
    con = sqlite3.connect(demo)
    assert con.execute(sql).rowcount >= 1
    con.commit()
    con.close()
    r = cli("verify", db=demo)
    assert r.exit_code == 1, r
    assert named in r.stderr or named in r.stdout


def test_a_request_repeated_after_its_rejection_verifies(ledger: Runner) -> None:
    as_of = ("--as-of", "2026-09-15", "-f", "json")
    steps = (("finding", "add", "x", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-01"),
             ("finding", "extend", "1", "--to", "2026-11-01", "--reason", "r"),
             ("finding", "extend", "1", "--reject", "--by", "张"),
             ("finding", "extend", "1", "--to", "2026-11-01", "--reason", "r"))
    for args in steps:
        r = ledger(*args, *as_of)
        assert r.exit_code == 0, r
    v = ledger("verify", *as_of)
    assert v.exit_code == 0, v
    assert next(x for x in v.json() if x["table"] == "extension")["records"] == 2


def _verify_ok(cli: Runner, db: Path) -> None:
    r = cli("verify", "-f", "csv", db=db)
    assert r.exit_code == 0, r


def test_a_renamed_unit_verifies_backs_up_and_restores(cli: Runner, demo: Path,
                                                       tmp_path: Path) -> None:
    """Issue 10.2: items, plans, inspections and findings name huating; a rename is legal."""
    r = cli("unit", "edit", "huating", "--code", "hting", "-f", "csv", db=demo)
    assert r.exit_code == 0, r
    _verify_ok(cli, demo)
    copy = tmp_path / "backup.db"
    r = cli("backup", str(copy), "-f", "csv", db=demo)
    assert r.exit_code == 0, r
    r = cli("restore", str(copy), "-f", "csv", db=demo)
    assert r.exit_code == 0, r
    _verify_ok(cli, demo)


def test_renames_and_a_reused_code_keep_verify_clean(cli: Runner, demo: Path) -> None:
    steps = (
        ("unit", "edit", "huating", "--code", "hting"),
        ("unit", "edit", "hting", "--code", "huating2"),
        # the freed code now names another unit, which then leads an item and is a parent
        ("unit", "add", "hting", "华亭新区管委会"),
        ("item", "add", "新区供水", "-c", "meeting", "--lead", "hting", "-u", "huating2",
         "--due", "+30d"),
        ("unit", "edit", "kongtong", "--parent", "hting"),
        ("unit", "edit", "hting", "--code", "htxq"),
        ("unit", "edit", "huating2", "--code", "huating"),
    )
    for step in steps:
        r = cli(*step, "--as-of", "2026-11-30", "-f", "csv", db=demo)
        assert r.exit_code == 0, (step, r)
        _verify_ok(cli, demo)
    r = cli("item", "show", "DB-2026-0045", "-f", "json", db=demo)
    assert r.exit_code == 0, r


def _swap_units(db: Path, a: str, b: str) -> None:
    """What an attacker with sqlite3 does: two units' ids exchanged, keys unchecked."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=OFF")
    ia, ib = (con.execute("SELECT id FROM unit WHERE code=?", (c,)).fetchone()[0] for c in (a, b))
    con.execute("UPDATE unit SET id=-1 WHERE id=?", (ia,))
    con.execute("UPDATE unit SET id=? WHERE id=?", (ia, ib))
    con.execute("UPDATE unit SET id=? WHERE id=-1", (ib,))
    con.commit()
    con.close()


def test_two_units_ids_swapped_behind_the_tools_back_are_named(cli: Runner, demo: Path) -> None:
    """Issue 10.3: lead units, plan organizers, inspection leads and findings all move."""
    _swap_units(demo, "jyj", "fgw")
    r = cli("verify", "-f", "json", db=demo)
    assert r.exit_code == 1, r
    said = {(x["table"], x["problem"].split(":")[1].split()[0]) for x in r.json()}
    assert {("item", "lead_unit"), ("item", "units"), ("plan", "organizer"),
            ("inspection", "lead"), ("finding", "unit")} <= said, said
    assert "item DB-2026-0001 was changed outside duchá: lead_unit is \"fgw\" but event" in (
        r.stderr)


def test_a_units_parent_swapped_behind_the_tools_back_is_named(cli: Runner, demo: Path) -> None:
    assert cli("unit", "edit", "kongtong", "--parent", "fgw", "-f", "csv", db=demo).exit_code == 0
    con = sqlite3.connect(demo)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("UPDATE unit SET parent_id = (SELECT id FROM unit WHERE code='jyj'), "
                "code = code WHERE code='kongtong'")
    con.commit()
    con.close()
    r = cli("verify", "-f", "json", db=demo)
    assert r.exit_code == 1, r
    (row,) = r.json()
    assert row["subject"] == "kongtong"
    assert row["problem"].startswith('unit kongtong was changed outside duchá: parent is "jyj" '
                                     'but event ')


def test_altered_events_are_named_whatever_their_table(cli: Runner, demo: Path) -> None:
    """Events are hashed a part at a time as verify reads them: an altered one is named,
    whether its table has records to compare (a finding's) or not (a table no kind knows)."""
    con = sqlite3.connect(demo)
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = 'event'").fetchall()
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER {name}")
    (first,) = con.execute("SELECT min(id) FROM event WHERE subject_table = 'finding'").fetchone()
    (last,) = con.execute("SELECT max(id) FROM event").fetchone()
    con.execute("UPDATE event SET actor = 'someone' WHERE id = ?", (first,))
    con.execute("UPDATE event SET subject_table = 'elsewhere' WHERE id = ?", (last,))
    for _, sql in triggers:
        con.execute(sql)
    con.commit()
    con.close()
    r = cli("verify", "-f", "json", db=demo)
    assert r.exit_code == 1, r
    altered = {x["event"]: x["table"] for x in r.json() if "was altered" in x["problem"]}
    assert altered == {first: "finding", last: "elsewhere"}, r.json()
