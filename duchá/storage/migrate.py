"""Bringing an older ledger up to this duchá's schema with the Alembic scripts it ships.

Only imported when db.open_ledger finds an older schema version, so ordinary commands never
load Alembic.  The whole upgrade runs in one BEGIN IMMEDIATE transaction: a second process
opening the same old ledger waits, then finds it already migrated; a failure changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine

    from duchá.db import Location

VERSION_TABLE_DDL = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)


def revision(version: int) -> str:
    """The Alembic revision id of a schema version: 1 -> "0001"."""
    return f"{version:04d}"


def _config(conn: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    cfg.attributes["connection"] = conn
    return cfg


def _version(conn: Connection) -> int:
    from sqlalchemy import text

    return int(conn.execute(
        text("SELECT value FROM ducha_meta WHERE key = 'schema_version'")).scalar_one())


def run(engine: Engine, before: Callable[[int], None] | None = None,
         to: str = "head") -> tuple[int, int]:
    from alembic import command
    from sqlalchemy import inspect, text

    from duchá.models import SCHEMA_VERSION

    # The caller (db) opens this as a writer's transaction, BEGIN IMMEDIATE.
    with engine.connect() as conn, _foreign_keys_deferred_to_commit(conn), conn.begin():
        found = _version(conn)
        if found >= SCHEMA_VERSION:
            return found, found
        if before is not None:
            before(found)
        if not inspect(conn).has_table("alembic_version"):
            # Ledgers of the first release carry no Alembic record of their version.
            conn.execute(text(VERSION_TABLE_DDL))
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"),
                         {"v": revision(found)})
        command.upgrade(_config(conn), to)
        _check_foreign_keys(conn)
        return found, _version(conn)


@contextmanager
def _foreign_keys_deferred_to_commit(conn: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while the steps run, on again after.

    A step that rebuilds a table (SQLite cannot add a constraint in place) drops the old copy;
    with foreign keys on, that drop would delete the rows that reference it (ON DELETE
    CASCADE) or fail.  SQLite only changes the setting outside a transaction, hence here and
    not in the step; _check_foreign_keys stands in for it before the commit.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    # On the driver connection: through SQLAlchemy the pragma would open the transaction.
    driver = conn.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _check_foreign_keys(conn: Connection) -> None:
    from duchá.errors import LedgerUnusable

    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise LedgerUnusable(f"migrating would leave {len(broken)} broken references, the "
                             f"first from {table} row {rowid} to {parent}")


def upgrade(loc: Location, engine: Engine, *, notify: Callable[[str], None]) -> None:
    """Migrate the ledger at `loc` to this schema, after a backup copy beside it (in a
    writer's transaction: db.open_ledger calls it so)."""
    from duchá.storage import filecopy

    def take_backup(found: int) -> None:
        if loc.path is None:
            notify(f"migrating {loc} from schema {found}; no copy taken (not an SQLite file)")
            return
        path = loc.path.with_name(f"{loc.path.name}.schema{found}-{filecopy.stamp()}.bak")
        filecopy.copy(loc.path, path)
        notify(f"ledger {loc} is at schema {found}; a copy was kept in {path} before migrating")

    found, now = run(engine, take_backup)
    if now != found:
        notify(f"ledger {loc} migrated from schema {found} to {now}")


def create(engine: Engine, version: int) -> None:
    """Build an empty ledger at an old schema version from the scripts (tests use it)."""
    from alembic import command

    with engine.connect() as conn, conn.begin():
        command.upgrade(_config(conn), revision(version))
