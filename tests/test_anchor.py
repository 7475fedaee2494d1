"""What verify proves beyond a consistent chain (issue 10, points 6 and 8): the file is sound,
the history still holds a head noted earlier, and the database refuses to edit events."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import Runner, unguard

AS_OF = ("--as-of", "2026-06-01")


@pytest.fixture
def work(ledger: Runner) -> Runner:
    for args in (("item", "add", "推进城区供热管网改造", "-c", "meeting", "--lead", "zjj",
                  "-u", "fgw", "--due", "+30d"),
                 ("finding", "add", "台账不全", "--unit", "fgw", "--mode", "deadline"),
                 ("item", "progress", "1", "完成管网招标", "--percent", "40")):
        r = ledger(*args, *AS_OF, "-f", "csv")
        assert r.exit_code == 0, r
    return ledger


def head_of(cli: Runner) -> str:
    r = cli("verify", "-f", "csv")
    assert r.exit_code == 0, r
    found = re.search(r"chain head ([0-9a-f]{64})", r.stderr)
    assert found, r.stderr
    return found.group(1)


def verify_head(cli: Runner, head: str) -> tuple[int, list[dict], str]:
    r = cli("verify", "--head", head, "-f", "json")
    return r.exit_code, r.json() if r.stdout else [], r.stderr


def test_a_noted_head_holds_while_the_ledger_moves_on(work: Runner) -> None:
    head = head_of(work)
    r = work("item", "add", "老旧小区改造", "-c", "target", "--lead", "jyj", "--due", "+60d",
             *AS_OF, "-f", "csv")
    assert r.exit_code == 0, r
    for given in (head, head[:8], head[:20].upper()):
        code, _, err = verify_head(work, given)
        assert code == 0, err
        assert f"it holds head {given.lower()} (event 8)" in err


def test_the_tail_cut_by_hand_fails_the_noted_head(work: Runner, db_path: Path) -> None:
    r = work("item", "add", "老旧小区改造", "-c", "target", "--lead", "jyj", "--due", "+60d",
             *AS_OF, "-f", "csv")
    assert r.exit_code == 0, r
    head = head_of(work)
    # The clerk's cover-up: the triggers dropped, the last change and its record deleted.
    unguard(db_path)
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    con.execute("DELETE FROM item WHERE number = 'DB-2026-0002'")
    con.commit()
    con.close()
    assert work("verify", "-f", "csv").exit_code == 0  # consistent, as far as it can tell
    code, rows, err = verify_head(work, head[:12])
    assert code == 1
    assert rows == [{"event": None, "table": "event", "subject": head[:12],
                     "problem": f"the chain no longer holds head {head[:12]}: the history was "
                                "cut short or rewritten since that head was noted (8 events; "
                                f"its head is now {head_of(work)[:16]} (event 8))"}]
    assert err.startswith("error: the ledger does not verify (1 problem): the chain no longer")


def test_a_forged_chain_recomputed_from_an_earlier_point_fails_the_old_head(
        work: Runner, db_path: Path) -> None:
    from duchá.history.events import HASHED, digest

    head = head_of(work)
    # The forger marks the finding verified, rewrites its event and re-hashes every later one.
    unguard(db_path)
    con = sqlite3.connect(db_path)
    con.execute("UPDATE finding SET status = 'verified', verified_on = found_on "
                "WHERE number = 'WT-2026-0001'")
    (eid, after), = con.execute("SELECT id, after FROM event WHERE subject = 'WT-2026-0001'")
    forged = json.loads(after)
    forged["status"], forged["verified_on"] = "verified", forged["found_on"]
    con.execute("UPDATE event SET after = ? WHERE id = ?",
                (json.dumps(forged, ensure_ascii=False, sort_keys=True), eid))
    cols = ", ".join(f'"{c}"' for c in HASHED)
    prev = con.execute("SELECT hash FROM event WHERE id = ?", (eid - 1,)).fetchone()[0]
    for row in con.execute(f"SELECT {cols} FROM event WHERE id >= ? ORDER BY id",
                           (eid,)).fetchall():
        content = dict(zip(HASHED, row, strict=True))
        content["prev_hash"] = prev
        prev = digest(content)
        con.execute("UPDATE event SET prev_hash = ?, hash = ? WHERE id = ?",
                    (content["prev_hash"], prev, content["id"]))
    con.commit()
    con.close()
    assert work("verify", "-f", "csv").exit_code == 0  # the chain is consistent again
    code, rows, _ = verify_head(work, head)
    assert code == 1
    assert "the chain no longer holds head" in rows[0]["problem"]


def test_the_database_refuses_to_change_or_delete_events(work: Runner, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    for statement in ("UPDATE event SET actor = 'someone else' WHERE id = 7",
                      "DELETE FROM event WHERE id = 7"):
        with pytest.raises(sqlite3.IntegrityError, match="the history is append-only"):
            con.execute(statement)
    con.close()
    assert work("verify", "-f", "csv").exit_code == 0


@pytest.mark.parametrize("given", ["3f31b9f", "not-a-hash", "g" * 10, "a" * 65, " "])
def test_a_head_that_is_not_a_hash_is_bad_input(work: Runner, given: str) -> None:
    r = work("verify", "--head", given, "-f", "csv")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert "is not a chain head" in r.stderr


def test_the_weekly_report_and_the_backup_print_the_head(work: Runner, tmp_path: Path) -> None:
    head = head_of(work)
    md = work("report", "weekly", "--week", "2026-W23", *AS_OF)
    assert md.exit_code == 0, md
    last = md.stdout.rstrip("\n").splitlines()[-1]
    assert last == (f"历史链头（截至 2026-06-07 的事件 #8）：`{head}`；"
                    f"核验：`duchá verify --head {head[:16]}`")
    # made again after the ledger moved on, the report for that week is the same
    r = work("item", "close", "1", "--as-of", "2026-06-20", "-f", "csv")
    assert r.exit_code == 0, r
    assert work("report", "weekly", "--week", "2026-W23", *AS_OF).stdout == md.stdout
    assert verify_head(work, head[:16])[0] == 0
    r = work("backup", str(tmp_path / "copy.db"), "-f", "csv")
    assert r.exit_code == 0, r
    assert r.stderr == f"backup written to {tmp_path / 'copy.db'} (chain head {head_of(work)})\n"


def _overwrite_index_page(path: Path, index: str) -> None:
    """Damage the b-tree page of one index, as a failing disk or a stray write would."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = con.execute("PRAGMA page_size").fetchone()[0]
    try:
        (page,) = con.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno "
                              "LIMIT 1", (index,)).fetchone()
    except sqlite3.OperationalError:  # SQLite built without dbstat
        (page,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                              (index,)).fetchone()
    con.close()
    with path.open("r+b") as fh:  # the cells live at the page's end
        fh.seek(page * size - 300)
        fh.write(b"\x07" * 250)


def test_an_overwritten_index_page_fails_verify(work: Runner, db_path: Path) -> None:
    for n in range(30):  # enough rows that the index page holds real cells
        r = work("item", "add", f"事项{n}", "-c", "meeting", "--lead", "jyj", "--due", "+9d",
                 *AS_OF, "-f", "csv")
        assert r.exit_code == 0, r
    _overwrite_index_page(db_path, "ix_item_status_due")
    r = work("verify", "-f", "json")
    assert r.exit_code == 1, r
    rows = r.json()
    assert all(x["table"] == "file" and x["subject"] == "integrity_check" for x in rows)
    assert any("ix_item_status_due" in x["problem"] for x in rows), rows
    assert r.stderr.startswith("error: the ledger does not verify")
    assert "the ledger file is damaged" in r.stderr and r.stderr.count("\n") == 1


def test_a_ledger_too_damaged_to_read_is_unusable(work: Runner, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = con.execute("PRAGMA page_size").fetchone()[0]
    (page,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'event'").fetchone()
    con.close()
    with db_path.open("r+b") as fh:  # the event table's root page header is garbage
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * 64)
    r = work("verify", "-f", "csv")
    assert r.exit_code == 3, r
    assert r.stderr.startswith("error: the ledger file is damaged and cannot be read (")
    assert r.stderr.count("\n") == 1 and "restore it from a backup" in r.stderr
