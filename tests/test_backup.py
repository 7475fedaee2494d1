"""`duchá backup` / `duchá restore`, and files readable only by their owner (issue 6)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import Runner, snapshot_db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def strict_umask():
    """A permissive umask: files must still come out private."""
    old = os.umask(0o000)
    yield
    os.umask(old)


@pytest.fixture
def items(ledger: Runner) -> Runner:
    for title in ("推进城区供热管网改造", "老旧小区改造年度任务"):
        r = ledger("item", "add", title, "-c", "meeting", "--lead", "zjj", "--due", "+30d",
                   "--as-of", "2026-06-01", "-f", "csv")
        assert r.exit_code == 0, r
    return ledger


def test_new_ledger_and_its_side_files_are_private(cli: Runner, db_path: Path,
                                                     strict_umask: None) -> None:
    assert cli("init").exit_code == 0
    assert mode(db_path) == 0o600
    assert cli("unit", "add", "fgw", "发改委", "-f", "csv").exit_code == 0
    con = sqlite3.connect(db_path)  # keep the WAL open so the side files exist to look at
    con.execute("SELECT count(*) FROM unit").fetchall()
    for suffix in ("-wal", "-shm"):
        side = Path(f"{db_path}{suffix}")
        assert side.exists() and mode(side) == 0o600, suffix
    con.close()


def test_backup_is_a_verified_private_copy(items: Runner, db_path: Path, tmp_path: Path,
                                           strict_umask: None) -> None:
    dest = tmp_path / "copy.db"
    r = items("backup", str(dest), "-f", "json")
    assert r.exit_code == 0, r
    (row,) = r.json()
    assert row["path"] == str(dest) and row["verified"] is True and row["events"] == 7
    assert row["bytes"] == dest.stat().st_size
    assert r.stderr == f"backup written to {dest} (chain head {row['head']})\n"
    assert len(row["head"]) == 64
    assert mode(dest) == 0o600
    assert snapshot_db(dest) == snapshot_db(db_path)
    assert not list(tmp_path.glob("copy.db-*")) and not list(tmp_path.glob(".copy.db*"))
    assert items("verify", "-f", "csv", db=dest).exit_code == 0


def test_backup_refuses_to_overwrite_without_force(items: Runner, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    dest.write_text("keep me")
    r = items("backup", str(dest), "-f", "csv")
    assert (r.exit_code, r.stderr) == (
        2, f"error: {dest} already exists; pass --force to overwrite it\n")
    assert dest.read_text() == "keep me"
    r = items("backup", str(dest), "--force", "-f", "csv")
    assert r.exit_code == 0, r
    assert mode(dest) == 0o600 and dest.read_bytes().startswith(b"SQLite format 3")


def test_backup_into_a_folder_names_a_dated_file(items: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    r = items("backup", str(folder), "-f", "json")
    assert r.exit_code == 0, r
    (made,) = folder.iterdir()
    assert made.name.startswith("ledger-") and made.suffix == ".db"


def test_backup_of_a_tampered_ledger_is_kept_but_exits_1(items: Runner, db_path: Path,
                                                         tmp_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("UPDATE item SET title = '改过' WHERE seq = 1")
    con.commit()
    con.close()
    dest = tmp_path / "copy.db"
    r = items("backup", str(dest), "-f", "json")
    assert r.exit_code == 1
    assert r.json()[0]["verified"] is False
    assert r.stderr.startswith(f"error: backup written to {dest}, but the ledger does not "
                               "verify: item DB-2026-0001 was changed outside duchá")
    assert dest.exists()


def test_backup_while_another_process_writes(items: Runner, db_path: Path,
                                             tmp_path: Path) -> None:
    import subprocess
    import sys

    writer = subprocess.Popen([sys.executable, "-m", "duchá", "--db", str(db_path), "item",
                               "progress", "1", "进展", "--as-of", "2026-06-02", "-f", "csv"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    r = items("backup", str(tmp_path / "copy.db"), "-f", "json")
    assert writer.wait() == 0, writer.stderr.read() if writer.stderr else ""
    assert r.exit_code == 0, r
    assert r.json()[0]["verified"] is True and r.json()[0]["events"] in (7, 8)


def test_restore_replaces_the_ledger_after_verifying(items: Runner, db_path: Path,
                                                     tmp_path: Path, strict_umask: None) -> None:
    dest = tmp_path / "copy.db"
    assert items("backup", str(dest), "-f", "csv").exit_code == 0
    saved = snapshot_db(db_path)
    assert items("item", "close", "1", "--as-of", "2026-06-05", "-f", "csv").exit_code == 0
    assert items("unit", "add", "czj", "平凉市财政局", "-f", "csv").exit_code == 0
    r = items("restore", str(dest), "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["restored_from"] == str(dest) and r.json()[0]["verified"] is True
    assert snapshot_db(db_path) == saved
    assert items("verify", "-f", "csv").exit_code == 0
    assert mode(db_path) == 0o600
    (kept,) = tmp_path.glob("ledger.db.before-restore-*")
    assert f"the ledger as it was is kept in {kept}" in r.stderr
    assert mode(kept) == 0o600
    assert len(snapshot_db(kept)["unit"]) == 6  # the state it replaced, czj included
    # new writes continue the restored chain
    assert items("item", "close", "2", "--as-of", "2026-06-06", "-f", "csv").exit_code == 0
    assert items("verify", "-f", "csv").exit_code == 0


def test_restore_onto_a_lost_ledger(items: Runner, db_path: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    assert items("backup", str(dest), "-f", "csv").exit_code == 0
    saved = snapshot_db(db_path)
    from duchá.db import dispose_all

    dispose_all()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    r = items("restore", str(dest), "-f", "csv")
    assert r.exit_code == 0, r
    assert snapshot_db(db_path) == saved and mode(db_path) == 0o600


def test_restore_refuses_a_backup_that_does_not_verify(items: Runner, db_path: Path,
                                                       tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    assert items("backup", str(dest), "-f", "csv").exit_code == 0
    con = sqlite3.connect(dest)
    con.execute("UPDATE item SET due = '2027-01-01' WHERE seq = 2")
    con.commit()
    con.close()
    tampered = dest.read_bytes()
    before = snapshot_db(db_path)
    r = items("restore", str(dest), "-f", "csv")
    assert r.exit_code == 3
    assert r.stderr == (f"error: backup {dest} does not verify: item DB-2026-0002 was changed "
                        'outside duchá: due is "2027-01-01" but event 7 says "2026-07-01"; the '
                        "ledger was not changed\n")
    assert snapshot_db(db_path) == before
    assert dest.read_bytes() == tampered  # the backup file itself is left alone
    assert not list(tmp_path.glob(".ledger.db*"))


def test_restore_of_a_first_release_backup_migrates_it(items: Runner, db_path: Path,
                                                       tmp_path: Path) -> None:
    from test_migrations import v1_ledger

    old = v1_ledger(tmp_path / "old-backup.db")
    r = items("restore", str(old), "-f", "json")
    assert r.exit_code == 0, r
    rows = items("item", "list", "--all", "-f", "json").json()
    assert {x["number"] for x in rows} == {"DB-2026-0001", "DB-2026-0002"}
    assert items("verify", "-f", "csv").exit_code == 0


def _page_size(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("PRAGMA page_size").fetchone()[0])
    finally:
        con.close()


def test_a_backup_restores_into_a_ledger_of_another_page_size(items: Runner, db_path: Path,
                                                              tmp_path: Path) -> None:
    """A ledger made before new ledgers got 16 KB pages keeps its 4 KB pages, and a backup of
    either kind restores into it (SQLite copies into a WAL file only at its page size)."""
    from duchá.db import dispose_all

    copy = tmp_path / "copy.db"
    assert items("backup", str(copy), "-f", "csv").exit_code == 0
    assert _page_size(copy) == 16384
    r = items("item", "add", "备份之后的事项", "-c", "meeting", "--lead", "zjj", "--due", "+9d",
              "--as-of", "2026-06-02", "-f", "csv")
    assert r.exit_code == 0, r
    dispose_all()
    con = sqlite3.connect(db_path)  # the ledger as an older duchá made it
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA page_size=4096")
    con.execute("VACUUM")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    assert _page_size(db_path) == 4096
    r = items("restore", str(copy), "-f", "csv")
    assert r.exit_code == 0, r
    assert _page_size(db_path) == 4096
    rows = items("item", "list", "--all", "-f", "json").json()
    assert {x["number"] for x in rows} == {"DB-2026-0001", "DB-2026-0002"}
    assert items("verify", "-f", "csv").exit_code == 0
