"""Giving a SQLite table new DDL, for the steps that change what SQLite cannot alter in place
(a constraint, a column's NOT NULL): the table is renamed aside, created again from its new
text, its rows copied, the old table dropped, and its indexes and triggers created again.

duchá.storage.migrate runs the steps with foreign keys checked at commit, so dropping a table
that others reference neither cascades nor fails; `legacy_alter_table` keeps the rename from
rewriting those references (and the triggers of other tables that name it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


@contextmanager
def legacy_alter(conn: Connection) -> Iterator[None]:
    conn.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA legacy_alter_table = OFF")


def rebuild_sqlite(conn: Connection, table: str, new_sql: str) -> None:
    """`table` created again as `new_sql` says, with its rows, indexes and triggers (inside
    `legacy_alter`)."""
    kept = [r[0] for r in conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY type, name", (table,))]
    columns = ", ".join(f'"{r[1]}"' for r in conn.exec_driver_sql(f"PRAGMA table_info({table})"))
    aside = f"_ducha_old_{table}"
    conn.exec_driver_sql(f"ALTER TABLE {table} RENAME TO {aside}")
    conn.exec_driver_sql(new_sql)
    conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {aside}")
    conn.exec_driver_sql(f"DROP TABLE {aside}")
    for statement in kept:
        conn.exec_driver_sql(statement)
