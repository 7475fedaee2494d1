"""Bulk INSERTs for imports: many rows at once, without per-row ORM work.

On SQLite the rows go straight to the driver, each value stored as the column type would
store it (ISO dates, UTC timestamps): dates by their own isoformat, other typed columns by the
type's bind processor, plain text and numbers as they are.  They go in as INSERTs of a few
hundred rows each (multi-row VALUES): SQLite evaluates a table's CHECKs' constant lists once
per statement, not once per row as an executemany does.  A column that is NULL in every row
and has no default is left out (it is NULL all the same).  A larger page cache for the
transaction keeps the indexes being filled in memory, and when an insert at least doubles a
table, its plain (non-unique) indexes are dropped first and built again after the rows are in,
in the same transaction: sorting once is cheaper than filling them row by row.  Other
databases get the Core `insert(table)` executemany.

`insert` takes SQL text's connection (storage/sql.py) and values both drivers bind as they are
(text, numbers, booleans, dates): an import of records goes through it without loading the
ORM.  `insert_rows` takes a session and the table's model, whose column types convert the
values (timestamps).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlmodel import Session

    from duchá.storage.sql import Sql

CHUNK = 5000
# Rows per INSERT statement on SQLite (fewer when the columns would pass the driver's limit
# of parameters per statement).
ROWS_PER_STATEMENT = 500
# Pages SQLite may keep in memory while a bulk insert fills a table and its indexes (in KiB,
# as PRAGMA cache_size takes a negative number), for this connection only: 256 MB, taken as
# pages are used.  What 100,000 findings and their events write fits, so no page is written
# to the WAL and read back before the commit (64 MB cost about 0.15 s more of such I/O).
BULK_CACHE_KIB = 262144
# An insert of at least this many rows, and of at least as many as the table holds, builds
# the table's plain indexes again afterwards instead of filling them row by row.
REINDEX_ROWS = 20000


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]],
                progress: Callable[[int], None] | None = None) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the session's transaction."""
    if not rows:
        return
    if session.connection().dialect.name != "sqlite":
        _insert_core(session, table, rows, progress)
        return
    names = list(rows[0])
    picked = list(map(itemgetter(*names), rows))
    columns = list(zip(*picked, strict=True)) if len(names) > 1 else [picked]
    insert_columns_of(session, table, names, columns, len(rows), progress)


def insert_columns_of(session: Session, table: Table, names: Sequence[str],
                      columns: Sequence[Sequence[Any]], count: int,
                      progress: Callable[[int], None] | None = None) -> None:
    """`insert_rows` of rows given as their columns (Python values, each column `count`
    long, in the order of `names`)."""
    if not count:
        return
    dialect = session.connection().dialect
    if dialect.name != "sqlite":
        _insert_core(session, table, [dict(zip(names, row, strict=True))
                                      for row in zip(*columns, strict=True)], progress)
        return
    stored = list(columns)
    for i, n in enumerate(names):
        kind = table.c[n].type
        proc = kind._cached_bind_processor(dialect)
        if proc is not None and _python_type(kind) is date and set(map(type, stored[i])) <= {
                date, type(None)}:
            stored[i] = iso_dates(stored[i])
        elif proc is not None:
            store = _as_date(proc) if _python_type(kind) is date else proc
            stored[i] = [None if v is None else store(v) for v in stored[i]]
    insert_columns(_driver(session), table.name, names, stored, count, progress)


def _driver(session: Session) -> sqlite3.Connection:
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a checked-out connection has its driver's connection
    return driver


def insert(sql: Sql, table: str, names: Sequence[str], columns: Sequence[Sequence[Any]],
           count: int, progress: Callable[[int], None] | None = None, *,
           rowids: bool = False) -> None:
    """Insert rows given as columns of plain values (text, numbers, booleans, dates; each
    column `count` long, in the order of `names`) into `table`, in the transaction of `sql`.
    `rowids`: the first column is the table's INTEGER PRIMARY KEY (its rowid)."""
    if not count:
        return
    from duchá.storage.sql import SqliteSql

    if isinstance(sql, SqliteSql):
        stored = [iso_dates(c) if _has_dates(c) else c for c in columns]
        own = rowids and _next_rowids(sql.conn, table, columns[0], count)
        if own:  # SQLite numbers them as given, appending without a search per row
            names, stored = names[1:], stored[1:]
        insert_columns(sql.conn, table, names, stored, count, progress)
        if own:
            (last,) = sql.conn.execute(f"SELECT max(rowid) FROM {_ident(table)}").fetchone()
            if last != columns[0][-1]:  # (SQLite gives max(rowid) + 1: it cannot be other)
                raise RuntimeError(f"{table}: rows numbered up to {last}, not "
                                   f"{columns[0][-1]}; nothing was written")
        return
    query = (f"INSERT INTO {_ident(table)} ({', '.join(map(_ident, names))}) VALUES "
             f"({', '.join(f':p{i}' for i in range(len(names)))})")
    keys = [f"p{i}" for i in range(len(names))]
    for i in range(0, count, CHUNK):
        sql.execute_many(query, [dict(zip(keys, row, strict=True)) for row in zip(
            *(c[i:i + CHUNK] for c in columns), strict=True)])
        if progress:
            progress(min(i + CHUNK, count))
    if "id" in names and sql.dialect == "postgresql":
        sql.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {_ident(table)}), false)")


class Utf8Text(list[bytes]):
    """A column of text given as its UTF-8, stored as the text it encodes (a caller that has
    encoded its texts anyway spares the driver encoding each again)."""


def all_null(values: Sequence[Any]) -> bool:
    """Whether a column is NULL in every row (or has none): most columns answer by their
    first value, without a pass over the rest."""
    return not values or (values[0] is None and values.count(None) == len(values))


def _has_dates(values: Sequence[Any]) -> bool:
    """Whether a column holds dates, by its first value (a column holds one type, and NULLs)."""
    if all_null(values):
        return False
    first = next((v for v in values if v is not None), None)
    if isinstance(first, datetime):
        raise TypeError("a timestamp is not a plain value for a bulk insert")
    return isinstance(first, date)


@contextmanager
def loading(sql: Sql, counts: Mapping[str, int]) -> Iterator[None]:
    """A load of `counts[table]` new rows into each table, inserted in parts (`insert`): on
    SQLite, the page cache of a bulk insert for the whole load, and the plain indexes of each
    table it at least doubles dropped now and built again at the end, as `insert_columns`
    does for one large insert."""
    from duchá.storage.sql import SqliteSql

    if not isinstance(sql, SqliteSql):
        yield
        return
    cursor = sql.conn.cursor()
    try:
        if sum(counts.values()) > CHUNK:
            _bulk_cache(cursor)
        aside = [again for table, count in counts.items()
                 for again in _set_aside(cursor, _ident, table, count)]
        try:
            yield
        finally:
            for again in aside:
                cursor.execute(again)
    finally:
        cursor.close()


def _bulk_cache(cursor: sqlite3.Cursor) -> None:
    """The page cache of a bulk insert: in the WAL, BULK_CACHE_KIB.  In a rollback journal (a
    large import's: db._journal_off) the connection's own (db.CACHE_KIB): a page that leaves
    it goes straight into the file, once, as it would at the commit, where holding the whole
    load would take fresh memory for all of it, a page fault per 4 KB, four times what the
    index builds pay to read back the pages they need (100,000 findings: 16,000 page faults
    and 63 MB more)."""
    (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() == "wal":
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")


def _next_rowids(driver: sqlite3.Connection, table: str, ids: Sequence[Any],
                 count: int) -> bool:
    """Whether `ids` are the rowids SQLite gives `count` rows inserted into the table without
    one: whole numbers from its largest rowid + 1, one after the other."""
    first = ids[0]
    if type(first) is not int or ids[-1] != first + count - 1:
        return False
    (top,) = driver.execute(f"SELECT max(rowid) FROM {_ident(table)}").fetchone()
    if first != (top or 0) + 1:
        return False
    return (isinstance(ids, range) and ids.step == 1) or list(ids) == list(
        range(first, first + count))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert_core(session: Session, table: Table, rows: Sequence[dict[str, Any]],
                 progress: Callable[[int], None] | None) -> None:
    """The Core `insert(table)` executemany of other databases."""
    from sqlalchemy import insert

    conn = session.connection()
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(table), list(rows[i:i + CHUNK]))
        if progress:
            progress(min(i + CHUNK, len(rows)))
    if "id" in rows[0] and conn.dialect.name == "postgresql":
        _catch_up_sequence(session, table)


def _python_type(kind: Any) -> type | None:
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def iso_dates(values: Sequence[date | None]) -> list[str | None]:
    """A column of dates (and NULLs) as their ISO text, each distinct date written once (a
    large import repeats a few hundred dates)."""
    text: dict[date | None, str | None] = {d: d.isoformat() for d in set(values) if d is not None}
    text[None] = None
    return list(map(text.__getitem__, values))


def _as_date(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A date column's value as SQLite stores it: a date's own ISO text (what the type's
    processor writes, without its call per value), anything else by the processor."""
    iso = date.isoformat

    def store(value: Any) -> Any:
        return iso(value) if type(value) is date else proc(value)

    return store


def insert_columns(driver: sqlite3.Connection, table: str, names: Sequence[str],
                   columns: Sequence[Sequence[Any]], count: int,
                   progress: Callable[[int], None] | None = None) -> None:
    """Insert rows already in their stored form, given as their columns (each `count` values
    long, in the order of `names`), into a SQLite table on the driver's connection, in its
    transaction."""
    if not count:
        return
    quote = _ident
    cursor = driver.cursor()
    try:
        defaults = {row[1]: row[4] for row in
                    cursor.execute(f"PRAGMA table_info({quote(table)})")}
        keep = [i for i, n in enumerate(names)
                if defaults.get(n) is not None or not all_null(columns[i])]
        if not keep:  # every value NULL: one column says so
            keep = [0]
        kept = [columns[i] for i in keep]
        # A column with the same text in every row (an import's actor, action, time) is
        # written into the statement once instead of bound in every row.
        literals = [None if isinstance(c, Utf8Text) else _literal(c, count) for c in kept]
        marks = [lit or ("CAST(? AS TEXT)" if isinstance(c, Utf8Text) else "?")
                 for c, lit in zip(kept, literals, strict=True)]
        kept = [c for c, lit in zip(kept, literals, strict=True) if lit is None]
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(ROWS_PER_STATEMENT, limit // max(len(kept), 1)))
        head = (f"INSERT INTO {quote(table)} ({', '.join(quote(names[i]) for i in keep)}) "
                "VALUES ")
        one = "(" + ", ".join(marks) + ")"
        full = head + ", ".join(one for _ in range(per))
        if count > CHUNK:
            _bulk_cache(cursor)
        aside = _set_aside(cursor, quote, table, count)
        try:
            done = 0
            width = len(kept)
            for i in range(0, count, per):
                n = min(per, count - i)
                # The statement's parameters row after row, each column's values laid into
                # their places by one slice assignment.
                params: list[Any] = [None] * (n * width)
                for k, c in enumerate(kept):
                    params[k::width] = c[i:i + n]
                cursor.execute(full if n == per else head + ", ".join(one for _ in range(n)),
                               params)
                if progress and (i + n >= done + CHUNK or i + n == count):
                    done = i + n
                    progress(done)
        finally:
            for sql in aside:
                cursor.execute(sql)
    finally:
        cursor.close()


def _literal(values: Sequence[Any], count: int) -> str | None:
    """The SQL literal of a column's one text when every row has it (text equals only text),
    else None.  A few rows are looked at before all of them are counted."""
    first = values[0]
    if type(first) is not str or "\0" in first:
        return None
    if values[-1] != first or values[count // 2] != first or values.count(first) != count:
        return None
    return "'" + first.replace("'", "''") + "'"


def _set_aside(cursor: sqlite3.Cursor, quote: Callable[[str], str], table: str,
               count: int) -> list[str]:
    """Drop the table's plain, whole indexes when `count` new rows at least double it; the
    statements that create them again.  None dropped for a small insert, nor when SQLite
    cannot drop them now (a statement still reading the table)."""
    if count < REINDEX_ROWS:
        return []
    try:
        (top,) = cursor.execute(f"SELECT max(rowid) FROM {quote(table)}").fetchone()
    except sqlite3.OperationalError:  # no rowid
        return []
    if (top or 0) > count:
        return []
    # (a partial index is kept: the rows it leaves out, most of a load, cost it nothing,
    # and building it again would read the whole table for the few it holds)
    plain = [name for _, name, unique, origin, partial in
             cursor.execute(f"PRAGMA index_list({quote(table)})")
             if not unique and origin == "c" and not partial]
    if not plain:
        return []
    sqls = {name: sql for name, sql in cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL", (table,))}
    dropped: list[str] = []
    try:
        for name in plain:
            if name in sqls:
                cursor.execute(f"DROP INDEX {quote(name)}")
                dropped.append(sqls[name])
    except sqlite3.OperationalError:  # locked by a pending read: keep what is left
        pass
    return dropped


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
