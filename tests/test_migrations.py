"""Schema versions and Alembic migrations (issue 6)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Runner, migration_step, snapshot_db
from duchá.models import SCHEMA_VERSION

HEAD = f"{SCHEMA_VERSION:04d}"  # the Alembic revision of this schema

DATA = Path(__file__).parent / "data"


def v1_ledger(path: Path) -> Path:
    """The ledger duchá's first release made (tests/data/ledger-v1.sql is its dump)."""
    con = sqlite3.connect(path)
    con.executescript((DATA / "ledger-v1.sql").read_text(encoding="utf-8"))
    con.close()
    os.chmod(path, 0o600)
    return path


def schema(path: Path) -> list[tuple[str, str, str]]:
    """sqlite_master, whitespace-normalised: what two ledgers' schemas are compared by."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                           "ORDER BY type, name").fetchall()
    finally:
        con.close()
    return [(t, n, " ".join(s.replace("(", " ( ").replace(")", " ) ").split()))
            for t, n, s in rows]


def test_first_release_ledger_opens_with_all_its_data(cli: Runner, db_path: Path) -> None:
    v1_ledger(db_path)
    old = snapshot_db(db_path)
    r = cli("item", "list", "--all", "-f", "json")
    assert r.exit_code == 0, r
    assert [(x["number"], x["status"], x["units"]) for x in r.json()] == [
        ("DB-2026-0002", "cancelled", ""), ("DB-2026-0001", "done", "jiaoyu;kongtong")]
    assert "is at schema 1; a copy was kept in" in r.stderr
    assert f"migrated from schema 1 to {SCHEMA_VERSION}" in r.stderr
    new = snapshot_db(db_path)
    for table, rows in old.items():
        if table == "event":  # the same events, now hash-chained
            assert [row[:9] for row in new[table]] == [row[:9] for row in rows]
            assert all(row[10] for row in new[table])
        elif table == "unit":  # schema 3 dropped created_at; schema 6 added short_name
            assert new[table] == [(*row[:-1], None) for row in rows]
        elif table != "ducha_meta":
            # schema 3 dropped created_at, the last column of these tables
            dropped = [row[:-1] for row in rows] if table in STAMPED else rows
            if table == "item":  # schema 7 added remarks (备注), empty on old items
                dropped = [(*row, None) for row in dropped]
            assert new[table] == dropped, table
    assert dict(new["ducha_meta"])["schema_version"] == str(SCHEMA_VERSION)
    assert new["alembic_version"] == [(HEAD,)]
    r = cli("verify", "-f", "csv")
    assert r.exit_code == 0, r
    r = cli("item", "show", "1", "-f", "json")
    assert [p["text"] for p in r.json()["progress"]] == ["完成管网招标", "开工建设"]
    assert cli("config", "get", "multi_headed.days").stdout == "45\n"
    # the copy taken before migrating is the untouched version-1 ledger, private to its owner
    (kept,) = db_path.parent.glob("ledger.db.schema1-*.bak")
    assert kept.stat().st_mode & 0o777 == 0o600
    assert snapshot_db(kept) == old


STAMPED = ("unit", "item", "progress", "plan_entry", "inspection", "finding", "extension",
           "accountability")


def test_a_migrated_ledger_takes_long_term_items_and_remarks(cli: Runner, db_path: Path,
                                                              tmp_path: Path) -> None:
    """Schema 7: item.due and item.assigned may be empty, and items keep their 备注."""
    v1_ledger(db_path)
    r = cli("item", "add", "建立重大项目推进机制", "-c", "会议议定", "--lead", "jiaoyu",
            "--due", "长期", "-f", "json")
    assert r.exit_code == 0, r
    sheet = tmp_path / "台账.csv"
    sheet.write_text("事项名称,事项类别,牵头单位,落实时限,交办时间,备注\n"
                     "优化营商环境,会议议定,jiaoyu,持续推进,,每月调度\n", encoding="utf-8")
    assert cli("import", "items", str(sheet), "-f", "csv").exit_code == 0
    con = sqlite3.connect(db_path)
    rows = con.execute("SELECT title, assigned, due, remarks FROM item WHERE due IS NULL "
                       "ORDER BY id").fetchall()
    con.close()
    assert [(t, d, m) for t, _, d, m in rows] == [("建立重大项目推进机制", None, None),
                                                 ("优化营商环境", None, "每月调度")]
    assert rows[1][1] is None  # the blank 交办时间: unknown
    assert cli("verify", "-f", "csv").exit_code == 0


def test_migrated_ledger_refuses_to_change_its_events(cli: Runner, db_path: Path) -> None:
    v1_ledger(db_path)
    assert cli("verify", "-f", "csv").exit_code == 0
    con = sqlite3.connect(db_path)
    for statement in ("UPDATE event SET actor = 'x'", "DELETE FROM event WHERE id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="the history is append-only"):
            con.execute(statement)
    con.close()


def test_fresh_and_migrated_ledgers_guard_events_alike() -> None:

    from duchá.models import EVENT_GUARD

    step = migration_step("0003_append_only_events.py")
    assert step.GUARD == EVENT_GUARD
    assert set(step.STAMPED) == set(STAMPED)


def test_migrated_schema_equals_a_fresh_one(cli: Runner, db_path: Path, tmp_path: Path) -> None:
    v1_ledger(db_path)
    assert cli("unit", "list", "-f", "csv").exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("init", db=fresh).exit_code == 0
    assert schema(db_path) == schema(fresh)


def test_first_schema_from_the_scripts_equals_the_first_release(tmp_path: Path) -> None:
    """Revision 0001 rebuilds exactly the schema the first release created."""
    from duchá.db import engine_for, locate
    from duchá.storage import migrate

    built = tmp_path / "built.db"
    migrate.create(engine_for(locate(str(built))), 1)
    release = v1_ledger(tmp_path / "release.db")
    assert [s for s in schema(built) if s[1] != "alembic_version"] == schema(release)
    con = sqlite3.connect(built)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    assert dict(con.execute("SELECT * FROM ducha_meta"))["schema_version"] == "1"
    con.close()


def test_a_ledger_built_at_schema_1_migrates(cli: Runner, db_path: Path, tmp_path: Path) -> None:
    from duchá.db import dispose_all, engine_for, locate
    from duchá.storage import migrate

    migrate.create(engine_for(locate(str(db_path))), 1)
    dispose_all()
    assert cli("unit", "add", "fgw", "平凉市发展和改革委员会", "-f", "csv").exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("init", db=fresh).exit_code == 0
    assert schema(db_path) == schema(fresh)


def test_scripts_reach_this_schema_version() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from duchá.models import SCHEMA_VERSION
    from duchá.storage.migrate import revision

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "duchá" /
                                                  "storage" / "migrations"))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [revision(SCHEMA_VERSION)]
    assert [s.revision for s in script.walk_revisions()][::-1] == [
        revision(v) for v in range(1, SCHEMA_VERSION + 1)]


def test_newer_ledger_is_refused(ledger: Runner, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("UPDATE ducha_meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    before = snapshot_db(db_path)
    r = ledger("unit", "list", "-f", "csv")
    assert r.exit_code == 3
    assert r.stderr == (f"error: ledger {db_path} has schema version 99, newer than this duchá "
                        f"({SCHEMA_VERSION}); upgrade duchá to open it\n")
    assert snapshot_db(db_path) == before


def test_a_failed_migration_changes_nothing(cli: Runner, db_path: Path) -> None:
    v1_ledger(db_path)
    con = sqlite3.connect(db_path)  # make step 0002 fail: its index name is taken
    con.execute('CREATE INDEX ix_event_on ON unit (code)')
    con.commit()
    con.close()
    before = snapshot_db(db_path)
    r = cli("unit", "list", "-f", "csv")
    assert r.exit_code == 3, r
    assert r.stderr.splitlines()[-1] == ("error: the ledger cannot be used: index ix_event_on "
                                         "already exists; nothing was written")
    assert snapshot_db(db_path) == before


def test_commands_do_not_import_alembic_unless_a_migration_is_due(
    ledger: Runner, db_path: Path, tmp_path: Path
) -> None:
    code = ("import sys; from duchá.cli import app\n"
            "try:\n    app([*sys.argv[1:]])\nexcept SystemExit as e:\n    assert e.code == 0\n"
            "print('alembic' in sys.modules)")
    run = [sys.executable, "-c", code]
    out = subprocess.run([*run, "--db", str(db_path), "item", "list", "-f", "csv"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "False"
    old = v1_ledger(tmp_path / "old.db")
    out = subprocess.run([*run, "--db", str(old), "item", "list", "-f", "csv"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "True"


@pytest.mark.parametrize("name", ["env.py", "script.py.mako", "versions/0001_initial.py",
                                  "versions/0002_event_chain.py",
                                  "versions/0003_append_only_events.py",
                                  "versions/0004_check_constraints.py",
                                  "versions/0005_subject_guard.py",
                                  "versions/0006_unit_short_name.py",
                                  "versions/0007_item_open_dates.py",
                                  "versions/0008_weekly_cycle.py"])
def test_migration_scripts_ship_in_the_package(name: str) -> None:
    import duchá

    assert (Path(duchá.__file__).parent / "storage" / "migrations" / name).is_file()


def test_two_processes_opening_an_old_ledger_migrate_it_once(tmp_path: Path) -> None:
    old = v1_ledger(tmp_path / "old.db")
    run = [sys.executable, "-m", "duchá", "--db", str(old), "unit", "list", "-f", "csv"]
    procs = [subprocess.Popen(run, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert outs[0][0] == outs[1][0] and outs[0][0].count("\n") == 4  # header + 3 units
    assert sum(f"migrated from schema 1 to {SCHEMA_VERSION}" in err for _, err in outs) == 1
    assert len(list(tmp_path.glob("old.db.schema1-*.bak"))) == 1
    con = sqlite3.connect(old)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    con.close()


def test_a_schema_5_ledger_gains_unit_short_names(cli: Runner, db_path: Path,
                                                   tmp_path: Path) -> None:
    """Schema 6 adds units' short names (issue 12): a ledger at schema 5, with its units,
    items and history, opens with every unit's short name empty (derived when shown), its
    history still verifying, and takes short names from then on."""
    from duchá.db import dispose_all, engine_for, locate
    from duchá.storage import migrate

    v1_ledger(db_path)
    assert migrate.run(engine_for(locate(str(db_path))), to="0005") == (1, 5)
    dispose_all()
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005",)]
    assert "short_name" not in [r[1] for r in con.execute("PRAGMA table_info(unit)")]
    con.close()
    old = snapshot_db(db_path)

    r = cli("unit", "list", "-f", "csv")
    assert r.exit_code == 0, r
    assert "ledger" in r.stderr and f"migrated from schema 5 to {SCHEMA_VERSION}" in r.stderr
    assert r.stdout.splitlines() == [
        "code,name,short_name,kind,parent",
        "fgw,平凉市发展和改革委员会,发展和改革委员会,department,",
        "jiaoyu,平凉市教育局,教育局,department,",
        "kongtong,平凉市崆峒区人民政府,崆峒区,county,"]
    new = snapshot_db(db_path)
    assert new["unit"] == [(*row, None) for row in old["unit"]]  # nothing stored: derived
    assert new["item"] == [(*row, None) for row in old["item"]]  # schema 7: no 备注 yet
    skip = ("unit", "item", "ducha_meta", "alembic_version")
    cycle = ("form_round", "form_sheet", "feedback", "reminder", "reminder_line")  # schema 8
    assert all(new.pop(t) == [] for t in cycle)
    assert {t: rows for t, rows in new.items() if t not in skip} == \
        {t: rows for t, rows in old.items() if t not in skip}
    assert cli("verify", "-f", "csv").exit_code == 0
    (kept,) = db_path.parent.glob("ledger.db.schema5-*.bak")
    assert snapshot_db(kept) == old

    # Short names from now on: given ones are stored (and are history), derived ones shown.
    r = cli("unit", "edit", "fgw", "--short", "发改委", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["short_name"] == "发改委"
    items = cli("--lang", "zh", "export", "items", "-f", "csv").stdout.splitlines()
    assert items[0].startswith("事项编号,事项名称,事项类别,")
    done = next(line for line in items if line.startswith("DB-2026-0001,"))
    assert ",发改委,教育局、崆峒区," in done
    assert cli("verify", "-f", "csv").exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("init", db=fresh).exit_code == 0
    assert schema(db_path) == schema(fresh)
