"""Bulk INSERTs for imports: many rows in one executemany, without per-row ORM work.

On SQLite the rows go straight to the driver's executemany, each value stored as the column
type would store it (ISO dates, UTC timestamps): dates by their own isoformat, other typed
columns by the type's bind processor, plain text and numbers as they are.  That is several
times faster than a Core executemany for 100,000 rows; a larger page cache for the
transaction keeps the indexes being filled in memory.  Other databases get the Core
`insert(table)` executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlmodel import Session

CHUNK = 5000
# Pages SQLite may keep in memory while a bulk insert fills a table and its indexes (in KiB,
# as PRAGMA cache_size takes a negative number): 64 MB, for this connection only.
BULK_CACHE_KIB = 65536


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]],
                progress: Callable[[int], None] | None = None) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the session's transaction."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "sqlite":
        from sqlalchemy import insert

        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(table), list(rows[i:i + CHUNK]))
            if progress:
                progress(min(i + CHUNK, len(rows)))
        if "id" in rows[0] and dialect.name == "postgresql":
            _catch_up_sequence(session, table)
        return
    names = list(rows[0])
    fixes = []
    for i, n in enumerate(names):
        kind = table.c[n].type
        proc = kind._cached_bind_processor(dialect)
        if proc is not None:
            fixes.append((i, _as_date(proc) if _python_type(kind) is date else proc))
    pick = itemgetter(*names)

    def stored(row: dict[str, Any]) -> tuple[Any, ...]:
        got = pick(row)
        values = list(got) if len(names) > 1 else [got]
        for i, proc in fixes:
            if values[i] is not None:
                values[i] = proc(values[i])
        return tuple(values)

    insert_stored(session, table.name, names, [stored(r) for r in rows], progress)


def _python_type(kind: Any) -> type | None:
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _as_date(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A date column's value as SQLite stores it: a date's own ISO text (what the type's
    processor writes, without its call per value), anything else by the processor."""
    iso = date.isoformat

    def store(value: Any) -> Any:
        return iso(value) if type(value) is date else proc(value)

    return store


def insert_stored(session: Session, table: str, names: Sequence[str],
                  rows: Sequence[tuple[Any, ...]],
                  progress: Callable[[int], None] | None = None) -> None:
    """Insert rows already in their stored form (tuples in the order of `names`) into a
    SQLite table, on the session's driver connection, in its transaction."""
    if not rows:
        return
    conn = session.connection()
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    driver = conn.connection.driver_connection
    assert driver is not None  # a checked-out connection has its driver's connection
    cursor = driver.cursor()
    try:
        if len(rows) > CHUNK:
            cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        for i in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[i:i + CHUNK])
            if progress:
                progress(min(i + CHUNK, len(rows)))
    finally:
        cursor.close()


def _catch_up_sequence(session: Session, table: Table) -> None:
    """Move the id sequence past ids the importer chose itself.

    Importers number rows (max(id) + 1 ...) to link them before they exist.  SQLite's next
    rowid follows max(id) by itself; a PostgreSQL SERIAL does not, and the next ordinary
    insert would collide with an imported row.
    """
    from sqlalchemy import func, select

    col = table.c.get("id")
    if col is None or not col.autoincrement:
        return
    session.execute(select(func.setval(
        func.pg_get_serial_sequence(table.name, "id"),
        select(func.coalesce(func.max(col), 0) + 1).scalar_subquery(), False)))
