"""The database itself refuses an impossible row written by hand (schemas 4 and 5, issue 11).

Two ledgers go through the same legal story on the command line, one made by `init`, one of
the first release migrated on open; then rows are written behind duchá's back with sqlite3.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_migrations import v1_ledger

from conftest import Runner, migration_step, snapshot_db

AS_OF = "2026-11-30"

# Every step is a legal command; the states they leave (a done and a cancelled item, an
# approved extension, a finding verified then reopened) must all pass the constraints.
STORY = (
    ("item", "add", "推进供热管网改造", "-c", "meeting", "--lead", "fgw",
     "--assigned", "2026-03-01", "--due", "2026-06-30"),
    ("item", "add", "批示办理", "-c", "批示", "--lead", "kongtong",
     "--assigned", "2026-03-01", "--due", "2026-04-30"),
    ("item", "add", "并入事项", "-c", "decision", "--lead", "kongtong",
     "--assigned", "2026-03-01", "--due", "2026-04-30"),
    ("item", "progress", "DB-2026-0003", "开工", "--on", "2026-03-10", "--percent", "30"),
    ("item", "close", "DB-2026-0004", "--on", "2026-04-20"),
    ("item", "cancel", "DB-2026-0005", "--reason", "并入DB-2026-0003"),
    ("item", "extend", "DB-2026-0003", "--to", "2026-08-31", "--reason", "资金", "--on",
     "2026-06-01"),
    ("item", "extend", "DB-2026-0003", "--approve", "--by", "张主任", "--on", "2026-06-02"),
    ("item", "account", "DB-2026-0003", "--who", "某局", "--measure", "约谈", "--basis", "规定",
     "--on", "2026-09-01"),
    ("plan", "add", "供热专项督查", "--year", "2026", "--organizer", "fgw", "--kind", "special",
     "--method", "on-site", "--from", "2026-03", "--to", "2026-04", "-t", "kongtong"),
    ("inspect", "add", "供热督查", "--lead", "fgw", "--method", "on-site", "--from",
     "2026-03-02", "--to", "2026-03-10", "-t", "kongtong", "--plan", "1"),
    ("finding", "add", "台账不全", "-u", "kongtong", "--inspection", "1", "--mode", "deadline",
     "--on", "2026-03-05"),
    ("finding", "add", "制度缺失", "-u", "kongtong", "--mode", "immediate", "--on", "2026-03-05"),
    ("finding", "rectify", "1", "--evidence", "照片", "--on", "2026-03-20"),
    ("finding", "verify", "1", "--by", "王科长", "--on", "2026-03-25"),
    ("finding", "reopen", "1", "--reason", "反弹", "--on", "2026-05-01", "--due", "+30d"),
)


def _run(path: Path, *args: str) -> None:
    from typer.testing import CliRunner

    from duchá.cli import app

    r = CliRunner().invoke(app, ["--db", str(path), "--as-of", AS_OF, *args, "-f", "csv"])
    assert r.exit_code == 0, (args, r.output)


@pytest.fixture(scope="module", params=["fresh", "migrated"])
def ledger_file(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from duchá.db import dispose_all

    path = tmp_path_factory.mktemp(request.param) / "ledger.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_DATA_HOME", str(path.parent / "xdg"))
        mp.delenv("DUCHA_DB", raising=False)
        if request.param == "fresh":
            # The same two items and three units as the first release's ledger.
            _run(path, "init")
            for code, name in (("kongtong", "平凉市崆峒区人民政府"),
                               ("fgw", "平凉市发展和改革委员会"), ("jiaoyu", "平凉市教育局")):
                _run(path, "unit", "add", code, name)
            for n in ("1", "2"):
                _run(path, "item", "add", f"事项{n}", "-c", "meeting", "--lead", "fgw",
                     "--assigned", "2026-03-01", "--due", "2026-06-30")
        else:
            v1_ledger(path)
        for step in STORY:
            _run(path, *step)
        dispose_all()
    from duchá.models import SCHEMA_VERSION

    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM ducha_meta WHERE key = 'schema_version'"
                       ).fetchone() == (str(SCHEMA_VERSION),)
    con.close()
    yield path


# (what is written by hand, the constraint that refuses it)
IMPOSSIBLE = (
    ("UPDATE item SET status = 'finished' WHERE number = 'DB-2026-0003'", "ck_item_status"),
    ("UPDATE item SET status = 'Open' WHERE number = 'DB-2026-0003'", "ck_item_status"),
    ("UPDATE item SET category = 'misc'", "ck_item_category"),
    ("UPDATE item SET due = '2026-02-28' WHERE number = 'DB-2026-0003'", "ck_item_due"),
    ("INSERT INTO item (number, year, seq, title, category, lead_unit_id, assigned, due, status)"
     " VALUES ('DB-2026-0099', 2026, 99, 't', 'meeting', 1, '2026-06-01', '2026-05-31', 'open')",
     "ck_item_due"),
    ("UPDATE item SET closed_on = '2026-05-01' WHERE number = 'DB-2026-0003'",
     "ck_item_closed_on"),
    ("UPDATE item SET status = 'done' WHERE number = 'DB-2026-0003'", "ck_item_closed_on"),
    ("UPDATE item SET status = 'cancelled' WHERE number = 'DB-2026-0004'",
     "ck_item_closed_on"),
    ("UPDATE item SET closed_on = NULL WHERE number = 'DB-2026-0004'", "ck_item_closed_on"),
    ("INSERT INTO progress (item_id, \"on\", text, percent) "
     "SELECT id, '2026-03-11', 'x', 140 FROM item WHERE number = 'DB-2026-0003'",
     "ck_progress_percent"),
    ("UPDATE progress SET percent = -1", "ck_progress_percent"),
    ("UPDATE unit SET kind = 'village' WHERE code = 'fgw'", "ck_unit_kind"),
    ("UPDATE plan_entry SET kind = 'tour'", "ck_plan_entry_kind"),
    ("UPDATE plan_entry SET method = 'phone'", "ck_plan_entry_method"),
    ("UPDATE plan_entry SET status = 'approved'", "ck_plan_entry_status"),
    ("UPDATE plan_entry SET \"end\" = '2026-02-28'", "ck_plan_entry_window"),
    ("UPDATE inspection SET method = '实地'", "ck_inspection_method"),
    ("UPDATE inspection SET \"end\" = '2026-03-01'", "ck_inspection_end"),
    ("UPDATE finding SET severity = 'minor'", "ck_finding_severity"),
    ("UPDATE finding SET mode = 'someday'", "ck_finding_mode"),
    ("UPDATE finding SET status = 'closed'", "ck_finding_status"),
    ("UPDATE finding SET due = '2026-03-04' WHERE number = 'WT-2026-0001'", "ck_finding_due"),
    ("UPDATE finding SET status = 'verified' WHERE number = 'WT-2026-0002'",
     "ck_finding_verified_on"),
    ("UPDATE finding SET status = 'rectified' WHERE number = 'WT-2026-0002'",
     "ck_finding_rectified_on"),
    ("UPDATE extension SET status = 'maybe'", "ck_extension_status"),
    ("UPDATE extension SET to_date = old_due", "ck_extension_later"),
    ("UPDATE extension SET status = 'pending'", "ck_extension_decided_by"),
    ("UPDATE extension SET decided_on = NULL", "ck_extension_decided_on"),
    ("UPDATE extension SET decided_on = '2026-05-31'", "ck_extension_decided_after"),
)

# Schema 5: what the subject triggers refuse (a foreign key cannot name one of two tables).
NO_SUBJECT = "extension names no such item or finding"
SUBJECT_KEPT = "the item has extensions or accountability"
ORPHANS = (
    ("INSERT INTO extension (subject_table, subject_id, requested_on, to_date, reason, status) "
     "VALUES ('item', 999, '2026-06-01', '2026-09-30', 'x', 'pending')", NO_SUBJECT),
    ("UPDATE extension SET subject_id = 999", NO_SUBJECT),
    # A finding's id where an item's is meant: the id exists, but in the other table.
    ("UPDATE extension SET subject_table = 'finding', subject_id = "
     "(SELECT max(id) + 1 FROM finding)", NO_SUBJECT),
    ("INSERT INTO accountability (subject_table, subject_id, who, measure, basis, \"on\") "
     "VALUES ('finding', 999, 'x', 'y', 'z', '2026-06-01')",
     "accountability names no such item or finding"),
    # subject_table has its CHECK too (ck_*_subject), but the trigger runs first.
    ("UPDATE extension SET subject_table = 'plan_entry'", NO_SUBJECT),
    ("UPDATE accountability SET subject_table = 'unit'",
     "accountability names no such item or finding"),
    ("DELETE FROM item WHERE number = 'DB-2026-0003'", SUBJECT_KEPT),
    ("UPDATE item SET id = 999 WHERE number = 'DB-2026-0003'", SUBJECT_KEPT),
)


@pytest.mark.parametrize(("statement", "constraint"), IMPOSSIBLE,
                         ids=[f"{i:02d}-{c}" for i, (_, c) in enumerate(IMPOSSIBLE)])
def test_the_database_refuses_an_impossible_row(ledger_file: Path, statement: str,
                                                constraint: str) -> None:
    con = sqlite3.connect(ledger_file)
    try:
        with pytest.raises(sqlite3.IntegrityError, match=f"CHECK constraint failed: {constraint}$"):
            con.execute(statement)
    finally:
        con.rollback()
        con.close()


@pytest.mark.parametrize(("statement", "message"), ORPHANS,
                         ids=[f"{i:02d}" for i in range(len(ORPHANS))])
def test_extension_and_accountability_keep_their_subject(ledger_file: Path, statement: str,
                                                         message: str) -> None:
    con = sqlite3.connect(ledger_file)
    con.execute("PRAGMA foreign_keys = ON")
    try:
        with pytest.raises(sqlite3.IntegrityError, match=f"FOREIGN KEY constraint failed: "
                                                         f"{message}$"):
            con.execute(statement)
    finally:
        con.rollback()
        con.close()


def test_the_legal_states_are_in_the_ledgers(ledger_file: Path) -> None:
    """The story reached the states the constraints must let through."""
    con = sqlite3.connect(ledger_file)
    try:
        items = dict(con.execute("SELECT number, status || ' ' || IFNULL(closed_on, '-') "
                                 "FROM item WHERE number >= 'DB-2026-0003'"))
        findings = con.execute("SELECT status, verified_on FROM finding ORDER BY number").fetchall()
        extension = con.execute("SELECT status, old_due, to_date FROM extension").fetchall()
    finally:
        con.close()
    assert items == {"DB-2026-0003": "open -", "DB-2026-0004": "done 2026-04-20",
                     "DB-2026-0005": "cancelled -"}
    assert findings == [("reopened", "2026-03-25"), ("open", None)]
    assert extension == [("approved", "2026-06-30", "2026-08-31")]


def test_a_long_term_item_passes_with_no_due_date() -> None:
    """items.due is to become nullable (长期): the check lets NULL through, NOT NULL aside."""
    from duchá.models import CHECKS

    con = sqlite3.connect(":memory:")
    (condition,) = [c for name, c in CHECKS["item"] if name == "ck_item_due"]
    con.execute(f"CREATE TABLE item (assigned DATE, due DATE, CHECK ({condition}))")
    con.execute("INSERT INTO item VALUES ('2026-03-01', NULL)")
    con.close()


def test_the_allowed_codes_are_the_vocabularies() -> None:
    from duchá import vocab
    from duchá.models import CHECKS

    text = {name: condition for checks in CHECKS.values() for name, condition in checks}
    for name, column, words in (("ck_item_category", "category", vocab.CATEGORY),
                                ("ck_item_status", "status", vocab.ITEM_STATUS),
                                ("ck_finding_status", "status", vocab.FINDING_STATUS),
                                ("ck_extension_status", "status", vocab.EXTENSION_STATUS)):
        assert text[name] == " OR ".join(f"{column} = '{c}'" for c in words.codes)


def test_migration_9_froze_the_lists_of_codes_of_this_schema() -> None:
    """Schema 9 writes a list of codes as equalities joined by OR; its step holds schema 8's
    IN lists and makes this schema's text of each."""
    from duchá.models import CHECKS, SCHEMA_VERSION

    step = migration_step("0009_lean_indexes.py")
    if SCHEMA_VERSION == 9:
        text = {name: condition for checks in CHECKS.values() for name, condition in checks}
        made = {name: step.as_equalities(old) for checks in step.LISTS.values()
                for name, old in checks}
        assert made == {name: text[name] for name in made}
        assert not [c for c in text.values() if " IN (" in c]


def test_writing_a_row_builds_no_table_of_codes(cli: Runner, db_path: Path) -> None:
    """SQLite codes an IN list of more than two values in a CHECK as a temporary table built
    for every row written; the schema's checks compare in place instead."""
    assert cli("init").exit_code == 0
    con = sqlite3.connect(db_path)
    try:
        for table in ("unit", "item", "plan_entry", "inspection", "finding", "extension",
                      "accountability", "reminder", "reminder_line"):
            columns = [f'"{r[1]}"' for r in con.execute(f"PRAGMA table_info({table})")]
            program = con.execute(
                f"EXPLAIN INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})", [None] * len(columns)).fetchall()
            assert "OpenEphemeral" not in {op[1] for op in program}, table
    finally:
        con.close()


def test_migration_4_froze_the_constraints_of_this_schema() -> None:
    from duchá.models import CHECKS, SCHEMA_VERSION

    step = migration_step("0004_check_constraints.py")
    # Schemas 5 (subject triggers) and 6 (units' short names) added no constraint: 0004's are
    # still this schema's.  A later step that changes CHECKS freezes its own copy.
    if SCHEMA_VERSION in (4, 5, 6):
        assert step.CHECKS == CHECKS, ("models.CHECKS changed (a code added to vocab.py?): "
                                       "that is a new schema version with its own migration")


def test_migration_5_froze_the_subject_triggers_of_this_schema() -> None:
    from duchá.models import SCHEMA_VERSION, SUBJECT_GUARD

    step = migration_step("0005_subject_guard.py")
    if SCHEMA_VERSION in (5, 6, 7):  # schemas 6 and 7 (short names, item dates) added none
        assert step.GUARD == SUBJECT_GUARD


# Rows schema 1 let through (it had no constraints and no triggers), and what migrating says.
NOT_MIGRATED = (
    (("UPDATE progress SET percent = 140 WHERE id = 2",
      "UPDATE item SET status = 'open' WHERE number = 'DB-2026-0001'"),
     "error: the ledger holds rows that schema 4 refuses: item DB-2026-0001 ((status = "
     "'done') = (closed_on IS NOT NULL)); progress 2 (percent IS NULL OR percent BETWEEN 0 "
     "AND 100); correct them with the duchá that wrote them (or in SQL), then open it again"),
    (("INSERT INTO extension (subject_table, subject_id, requested_on, to_date, reason, status, "
      "created_at) VALUES ('item', 7, '2026-06-01', '2026-09-30', 'x', 'pending', "
      "'2026-06-01T00:00:00+00:00')",),
     "error: cannot migrate: extension row 1 names item id 7, which does not exist"),
)


@pytest.mark.parametrize(("statements", "said"), NOT_MIGRATED, ids=["check", "orphan"])
def test_a_ledger_with_an_impossible_row_is_not_migrated(cli: Runner, db_path: Path,
                                                         statements: tuple[str, ...],
                                                         said: str) -> None:
    v1_ledger(db_path)
    con = sqlite3.connect(db_path)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()
    before = snapshot_db(db_path)
    r = cli("item", "list", "-f", "csv")
    assert r.exit_code == 3, r
    assert r.stderr.splitlines()[-1] == said
    assert snapshot_db(db_path) == before


def test_an_extension_to_before_the_request_is_refused_first(ledger: Runner,
                                                             tmp_path: Path) -> None:
    """Without a due date (an imported 长期 finding) only the request date bounds --to;
    approved, a date before the finding was found would break ck_finding_due."""
    f = tmp_path / "findings.csv"
    f.write_text("unit,description,mode,found_on\njyj,制度缺失,long-term,2026-03-05\n",
                 encoding="utf-8")
    r = ledger("import", "findings", str(f), "--as-of", AS_OF, "-f", "csv")
    assert r.exit_code == 0, r
    r = ledger("finding", "extend", "1", "--to", "2026-03-01", "--reason", "x", "--on",
               "2026-03-06", "--as-of", AS_OF)
    assert r.exit_code == 2, r
    assert r.stderr == ("error: --to 2026-03-01 is not after the request date 2026-03-06; an "
                        "extension asks for a later date\n")
