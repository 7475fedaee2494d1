"""Copying an SQLite ledger file: one consistent snapshot through the online backup API, into
a new file readable only by its owner.  Used by backups, restores and the copy a migration
keeps; it knows nothing of either."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

BUSY_SECONDS = 30.0


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def new_private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy(src: Path, dst: Path, *, new: bool = True) -> None:
    """Copy the SQLite database `src` into `dst` (a new 0600 file unless new=False).

    The copy is left as a single self-contained file (journal_mode=DELETE).
    """
    if new:
        new_private_file(dst)
    source = sqlite3.connect(str(src), timeout=BUSY_SECONDS)
    try:
        target = sqlite3.connect(str(dst), timeout=BUSY_SECONDS)
        try:
            source.backup(target)  # pages=-1: one step, one consistent snapshot
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()
    _fsync(dst)
