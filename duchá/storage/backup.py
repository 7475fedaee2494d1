"""Copies of the ledger: `duchá backup`, `duchá restore`, and the copy taken before a migration.

Copies go through SQLite's online backup API, in one step, so they are a consistent snapshot
even while another process writes.  Every file made here is created 0600 before SQLite writes
into it (SQLite gives its -wal/-shm/-journal files the database file's mode).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput, LedgerUnusable
from duchá.storage.filecopy import BUSY_SECONDS, copy, new_private_file, stamp
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.db import Location
    from duchá.history.replay import Verdict

def integrity(path: Path) -> str | None:
    """None when SQLite finds the file sound, else its first complaint."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                              timeout=BUSY_SECONDS)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else rows[0]


def meta(path: Path) -> dict[str, str] | None:
    """The ledger's ducha_meta facts, or None when the file is not a duchá ledger."""
    from duchá.db import APPLICATION_ID, SQLITE_MAGIC

    try:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return None
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                              timeout=BUSY_SECONDS)
        try:
            rows = dict(con.execute("SELECT key, value FROM ducha_meta").fetchall())
        finally:
            con.close()
    except (OSError, sqlite3.DatabaseError):
        return None
    return rows if rows.get("application_id") == APPLICATION_ID else None


def verify_file(path: Path) -> Verdict:
    """`duchá verify` on a ledger file other than the open one (a backup being checked).

    Its callers have just run SQLite's integrity check on the file: not twice.
    """
    from duchá.history import replay as history
    from duchá.storage.sql import SqliteSql

    con = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        con.execute("BEGIN")  # one snapshot of the file for every read
        return history.verify(SqliteSql(con), integrity=False)
    finally:
        con.close()


@dataclass
class Outcome:
    path: Path
    verdict: Verdict
    extra: dict[str, Any]

    def row(self) -> dict[str, Any]:
        return {"path": str(self.path), "bytes": self.path.stat().st_size,
                "events": self.verdict.events, "head": self.verdict.head,
                "verified": self.verdict.ok, **self.extra}


def _sqlite_path(loc: Location, what: str) -> Path:
    if loc.path is None:
        # The online backup API is SQLite's; a server's ledger is copied by the server's tools.
        pg = loc.url.startswith("postgresql")
        how = {"backup": "back it up with " + ("pg_dump" if pg else "the server's own tools"),
               "restore": "restore it with " + ("pg_restore or psql" if pg
                                                else "the server's own tools")}[what]
        raise BadInput(f"{what} works on SQLite ledger files only; {loc} is on a database "
                       f"server: {how}")
    return loc.path


def backup(loc: Location, dest: Path, *, force: bool) -> Outcome:
    """Copy the ledger to `dest`, check the copy, and only then put it in place."""
    from duchá.db import open_ledger

    src = _sqlite_path(loc, "backup")
    open_ledger(loc)  # usable and of this schema version (migrated first if older)
    dest = dest.expanduser()
    if dest.is_dir():
        dest = dest / f"{src.stem}-{stamp()}{src.suffix or '.db'}"
    if dest.exists() and dest.resolve() == src.resolve():
        raise BadInput(f"{dest} is the ledger itself; give another path for the backup")
    if dest.exists() and not force:
        raise Invalid("force", f"{dest} already exists; pass «force» to overwrite it")
    if not dest.parent.is_dir():
        raise BadInput(f"folder {dest.parent} does not exist; create it or choose another path")
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o600)
        copy(src, tmp, new=False)
        bad = integrity(tmp)
        if bad:
            raise LedgerUnusable(f"the copy of {src} is damaged ({bad}); the ledger itself may "
                                 "be corrupt; nothing was written")
        verdict = verify_file(tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Outcome(dest, verdict, {})


def restore(loc: Location, src: Path, *, notify: Callable[[str], None]) -> Outcome:
    """Replace the ledger with the backup `src`, only once the backup has verified."""
    from duchá.db import dispose_all
    from duchá.models import SCHEMA_VERSION

    target = _sqlite_path(loc, "restore")
    src = src.expanduser()
    if not src.is_file():
        raise BadInput(f"no backup file at {src}; give the path `duchá backup` wrote")
    if target.exists() and src.resolve() == target.resolve():
        raise BadInput(f"{src} is the ledger itself; give a backup file")
    info = meta(src)
    if info is None:
        raise BadInput(f"{src} is not a duchá ledger backup; nothing was changed")
    version = int(info.get("schema_version") or 0)
    if version > SCHEMA_VERSION:
        raise LedgerUnusable(f"backup {src} has schema version {version}, newer than this duchá "
                             f"({SCHEMA_VERSION}); upgrade duchá to restore it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".restore")
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o600)
        copy(src, tmp, new=False)  # never touch the backup file itself
        bad = integrity(tmp)
        if bad:
            raise LedgerUnusable(f"backup {src} is damaged ({bad}); the ledger was not changed")
        if version < SCHEMA_VERSION:
            from duchá.db import upgrade_file

            upgrade_file(tmp)
        verdict = verify_file(tmp)
        if not verdict.ok:
            raise LedgerUnusable(f"backup {src} does not verify: {verdict.problems[0]['problem']}"
                                 "; the ledger was not changed")
        dispose_all()
        kept = _set_aside(target)
        if kept:
            notify(f"the ledger as it was is kept in {kept}")
        if not target.exists():
            new_private_file(target)
        else:
            _same_pages(tmp, target)
        # Written into the ledger through SQLite, in one transaction: a reader sees the old
        # ledger or the restored one, and a crash leaves one of them (its WAL stays coherent,
        # which replacing the file under it would not).
        copy(tmp, target, new=False)
        con = sqlite3.connect(str(target), timeout=BUSY_SECONDS)
        try:
            con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()
    finally:
        tmp.unlink(missing_ok=True)
    return Outcome(target, verdict, {"restored_from": str(src)})


def _same_pages(tmp: Path, target: Path) -> None:
    """The restored copy rebuilt with the ledger's page size where the two differ (a backup
    from a ledger made before or after PAGE_SIZE changed): SQLite copies pages into a WAL
    ledger only at its own page size.  The copy is a private file out of WAL mode, where
    VACUUM may change it."""
    con = sqlite3.connect(str(target), timeout=BUSY_SECONDS)
    try:
        row = con.execute("PRAGMA page_size").fetchone()
    except sqlite3.DatabaseError:  # not a database: overwritten whole, as before
        return
    finally:
        con.close()
    size = int(row[0]) if row else 0
    if not size or target.stat().st_size == 0:
        return
    con = sqlite3.connect(str(tmp))
    try:
        if con.execute("PRAGMA page_size").fetchone()[0] != size:
            con.execute(f"PRAGMA page_size={size}")
            con.execute("VACUUM")
    finally:
        con.close()


def _set_aside(target: Path) -> Path | None:
    """Keep a copy of the ledger about to be replaced; move a damaged one out of the way."""
    if not target.exists() or target.stat().st_size == 0:
        return None
    kept = target.with_name(f"{target.name}.before-restore-{stamp()}")
    if meta(target) is not None and integrity(target) is None:
        copy(target, kept)
        return kept
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = Path(f"{target}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{kept}{suffix}"))
    return kept
