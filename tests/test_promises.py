"""Promises that must hold in everyday use (issue 10): output is part of a command's success,
a full disk or a read-only folder is named as such, stored control characters never break an
xlsx or drive a terminal, and global options never swallow a subcommand's values.

The bad-input matrix (test_bad_input.py) holds the one-line error cases; here are the ones
that need a special disk, another user, or a look at what was written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Runner, snapshot_db
from duchá.cli import app, hoist_globals
from duchá.db import dispose_all


def _items_csv(path: Path, n: int) -> None:
    lines = ["title,category,lead_unit,assigned,due"]
    lines += [f"{'供热管网改造' * 30}{i},meeting,fgw,2026-05-01,2026-12-31" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_output_failure_after_a_write_changes_nothing(ledger: Runner, db_path: Path,
                                                      tmp_path: Path) -> None:
    before = snapshot_db(db_path)
    (tmp_path / "out").mkdir()
    for args in (["item", "add", "供热", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
                  "-o", str(tmp_path / "nope" / "o.csv")],
                 ["item", "add", "供热", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
                  "-o", str(tmp_path / "out")],
                 ["finding", "add", "问题😀", "-u", "jyj", "--mode", "immediate",
                  "--encoding", "gbk"]):
        r = ledger(*args)
        assert r.exit_code == 2, r
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")
    dispose_all()
    assert snapshot_db(db_path) == before


def test_output_written_after_commit_with_the_asked_encoding(ledger: Runner,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "新事项.csv"
    r = ledger("item", "add", "供热管网", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
               "--encoding", "gb18030", "-o", str(out))
    assert r.exit_code == 0, r
    assert "供热管网" in out.read_bytes().decode("gb18030")
    assert not list(tmp_path.glob(".ducha-*"))  # no temp file left beside it
    r = ledger("item", "list", "-f", "csv")
    assert "供热管网" in r.stdout


def test_gb18030_holds_what_gbk_cannot(ledger: Runner) -> None:
    r = ledger("finding", "add", "问题😀\u200f", "-u", "jyj", "--mode", "immediate",
               "--encoding", "gb18030", "-f", "csv")
    assert r.exit_code == 0, r


def _with_page_limit(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """A disk that fills up: SQLite answers SQLITE_FULL past `pages` pages, exactly as it
    does when the file system is full."""
    import duchá.db as db

    original = db._on_connect

    def limited(conn: object, record: object) -> None:
        original(conn, record)
        conn.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    dispose_all()
    monkeypatch.setattr(db, "_on_connect", limited)


def test_disk_full_during_import_is_exit_3_and_loses_nothing(
        ledger: Runner, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _items_csv(tmp_path / "items.csv", 3000)
    dispose_all()
    before = snapshot_db(db_path)
    pages = os.path.getsize(db_path) // 4096 + 20
    _with_page_limit(monkeypatch, pages)
    r = ledger("import", "items", str(tmp_path / "items.csv"))
    assert r.exit_code == 3, r
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "is full; free some space" in r.stderr and "nothing was written" in r.stderr
    monkeypatch.undo()
    dispose_all()
    assert snapshot_db(db_path) == before
    assert ledger("verify").exit_code == 0


@pytest.fixture
def tiny_disk() -> Path:
    """A 3 MB file system (tmpfs), where the machine lets us mount one (CI runs as root): room
    for a small ledger (16 KB pages), not for 4,000 more items."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="ducha-tiny-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield where
    dispose_all()
    subprocess.run(["umount", "-l", str(where)], check=False)
    where.rmdir()


def test_full_disk_import_and_backup(ledger: Runner, tiny_disk: Path, db_path: Path,
                                     tmp_path: Path) -> None:
    db = tiny_disk / "ledger.db"
    dispose_all()
    shutil.copy(db_path, db)
    _items_csv(tmp_path / "items.csv", 4000)
    before = snapshot_db(db)
    r = ledger("import", "items", str(tmp_path / "items.csv"), db=db)
    assert r.exit_code == 3, r
    assert "is full" in r.stderr and r.stderr.count("\n") == 1
    dispose_all()
    assert snapshot_db(db) == before
    # Fill what is left, then a backup onto the same disk fails whole.
    free = shutil.disk_usage(tiny_disk).free
    (tiny_disk / "filler").write_bytes(b"x" * max(free - os.path.getsize(db) // 2, 0))
    r = ledger("backup", str(tiny_disk / "copy.db"), db=db)
    assert r.exit_code == 3, r
    assert "full" in r.stderr and r.stderr.count("\n") == 1
    assert not (tiny_disk / "copy.db").exists()
    assert not [p for p in tiny_disk.iterdir() if p.name.endswith(".part")]
    assert ledger("verify", db=db).exit_code == 0


def test_read_only_folder_is_named(ledger: Runner, db_path: Path) -> None:
    """As a clerk without write access to the ledger's folder (root writes anywhere, so the
    command runs as `nobody`)."""
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs root to run a command as another user")
    folder = Path(tempfile.mkdtemp(prefix="ducha-ro-"))
    try:
        dispose_all()
        db = folder / "ledger.db"
        shutil.copy(db_path, db)
        os.chmod(db, 0o666)
        os.chmod(folder, 0o555)
        done = subprocess.run(
            ["runuser", "-u", "nobody", "--", sys.executable, "-m", "duchá", "--db", str(db),
             "item", "list", "-f", "csv"],
            capture_output=True, text=True, env={**os.environ, "HOME": str(folder)})
        if "Permission denied" in done.stderr and "python" in done.stderr.lower():
            pytest.skip("user nobody cannot run this Python")
        assert done.returncode == 3, done
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
        assert f"the folder {folder} is not writable" in done.stderr
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


def test_read_only_folder_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What SQLite says when it cannot create its journal beside the ledger, as a clerk
    without write access to the folder sees it."""
    import sqlite3

    import duchá.db as db

    real = os.access
    monkeypatch.setattr(db.os, "access", lambda p, mode: False if Path(p) == tmp_path
                        else real(p, mode))
    message = db.describe(sqlite3.OperationalError("unable to open database file"),
                          db.locate(str(tmp_path / "ledger.db")))
    assert message.startswith(f"the folder {tmp_path} is not writable")
    assert "not a duchá ledger" not in message


def test_xlsx_export_escapes_control_characters(ledger: Runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    r = ledger("item", "add", "铃\a转义\x1b[31m红", "-c", "meeting", "--lead", "fgw", "--due",
               "+30d")
    assert r.exit_code == 0, r
    out = tmp_path / "台账.xlsx"
    r = ledger("export", "-o", str(out))
    assert r.exit_code == 0, r
    ws = load_workbook(out)["items"]
    titles = [row[1].value for row in ws.iter_rows(min_row=2)]
    assert "铃\\x07转义\\x1b[31m红" in titles


def test_bidi_controls_are_escaped_in_text_output(ledger: Runner) -> None:
    r = ledger("item", "add", "报告\u202etxt.exe", "-c", "meeting", "--lead", "fgw", "--due",
               "+30d")
    assert r.exit_code == 0, r
    for fmt in ("table", "plain", "github"):
        shown = ledger("item", "list", "-f", fmt).stdout
        assert "\u202e" not in shown and "报告\\u202etxt.exe" in shown.replace("\n", "")
    # Machine formats carry the text as stored.
    assert "报告\u202etxt.exe" in ledger("item", "list", "-f", "csv").stdout


def test_values_that_look_like_global_options_stay_with_their_option(ledger: Runner) -> None:
    assert ledger("item", "add", "供热", "-c", "meeting", "--lead", "fgw", "--due",
                  "+30d").exit_code == 0
    r = ledger("item", "cancel", "1", "--reason", "-fake reason", "-f", "json")
    assert r.exit_code == 0, r
    shown = ledger("item", "show", "1", "-f", "json").json()
    assert shown["cancel_reason"] == "-fake reason"
    r = ledger("item", "add", "x", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
               "--source", "--db=elsewhere.db", "-f", "csv")
    assert r.exit_code == 0, r
    assert "--db=elsewhere.db" in ledger("item", "show", "2", "-f", "json").stdout


def test_hoisting_rules() -> None:
    assert hoist_globals(["item", "list", "-f", "csv"]) == ["-f", "csv", "item", "list"]
    assert hoist_globals(["item", "cancel", "5", "--reason", "-fx"],
                         frozenset({"--reason"})) == ["item", "cancel", "5", "--reason", "-fx"]


def test_a_locked_ledger_is_named_locked(tmp_path: Path) -> None:
    """Another program holding the write lock past the busy timeout: exit 3, "locked"."""
    db = tmp_path / "l.db"
    run = CliRunner()
    assert run.invoke(app, ["--db", str(db), "init"]).exit_code == 0
    assert run.invoke(app, ["--db", str(db), "unit", "add", "fgw", "发改委"]).exit_code == 0
    dispose_all()
    import sqlite3

    holder = sqlite3.connect(db, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        import duchá.db as dbmod

        old = dbmod.BUSY_TIMEOUT_MS
        dbmod.BUSY_TIMEOUT_MS = 200
        try:
            r = run.invoke(app, ["--db", str(db), "-f", "csv", "unit", "add", "jyj", "教育局"])
        finally:
            dbmod.BUSY_TIMEOUT_MS = old
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.exit_code == 3, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert "locked" in r.stderr
