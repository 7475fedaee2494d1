"""SQL text on the ledger's own connection: the reads that need no ORM objects.

A statement is plain SQL with :name parameters, written once for both databases; the few
spellings that differ (whole days between two dates, a string aggregate, the larger of two
values, a date constant) come from the connection (`Sql.days`, `Sql.joined`, `Sql.greatest`,
`Sql.day_literal`).  On a SQLite file the statement runs on the driver's connection (the sqlite3
module), so a command that only reads never imports SQLAlchemy, whose import alone costs more
than a whole small command may (bench/bench_budgets.py); on a server it runs through the
session's connection.  Either way it is the command's one transaction.

Dates come back as ISO text from SQLite and as `date` from PostgreSQL, and timestamps as the
text they are stored as: `day` and `stamp` read both, and `dicts` applies them by column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy.engine import Connection

Params = Mapping[str, Any]


def day(value: Any) -> date | None:
    """A date column's value as a date (SQLite gives its ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def stamp(value: Any) -> datetime | None:
    """A timestamp column (models.UTCText: UTC ISO text) as an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def placeholders(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """`:p0, :p1, ...` for an IN list, and the parameters they name."""
    names = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return ", ".join(f":{n}" for n in names), names


class Where:
    """The filters a list was given, as the terms of its WHERE clause and the parameters they
    name; a filter not given adds nothing."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.params: dict[str, Any] = {}

    def add(self, term: str, **params: Any) -> None:
        self.terms.append(term)
        self.params.update(params)

    def equal(self, columns: Mapping[str, Any]) -> None:
        """`column = value` for each value given (not None or empty)."""
        for column, value in columns.items():
            if value:
                name = column.replace(".", "_")
                self.add(f"{column} = :{name}", **{name: value})

    def among(self, column: str, values: Sequence[Any] | None) -> None:
        """`column` one of `values` (none of an empty list; no filter for None)."""
        if values is not None:
            listed, named = placeholders(column.replace(".", "_"), values)
            self.add(f"{column} IN ({listed})" if values else "1 = 0", **named)

    def light(self, lit: str, *, overdue: bool, light: str | None) -> None:
        """--overdue (= red) and --light on the light's SQL expression `lit`."""
        if overdue:
            self.add(f"{lit} = 'red'")
        if light:
            self.add(f"{lit} = :light", light=light)

    def clause(self) -> str:
        return "WHERE " + " AND ".join(self.terms) if self.terms else ""


class Sql:
    """One connection to the ledger, inside the command's transaction."""

    dialect = ""

    def _run(self, query: str, params: Params) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        raise NotImplementedError

    def stream(self, query: str, params: Params | None = None) -> Iterator[tuple[Any, ...]]:
        """The rows as tuples, read as they are consumed (a long result is never held)."""
        return self._run(query, params or {})[1]

    def rows(self, query: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return list(self.stream(query, params))

    def one(self, query: str, params: Params | None = None) -> tuple[Any, ...] | None:
        return next(iter(self.stream(query, params)), None)

    def scalar(self, query: str, params: Params | None = None) -> Any:
        row = self.one(query, params)
        return None if row is None else row[0]

    def dicts(self, query: str, params: Params | None = None, *,
              convert: Mapping[str, Callable[[Any], Any]] | None = None,
              dates: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
        """The rows as dicts keyed by column name, each `dates` column read by `day` and the
        others in `convert` by their function."""
        names, rows = self._run(query, params or {})
        how = {**{name: day for name in dates}, **(convert or {})}
        fixes = [(i, how[n]) for i, n in enumerate(names) if n in how]
        for row in rows:
            d = dict(zip(names, row, strict=True))
            for i, fix in fixes:
                d[names[i]] = fix(row[i])
            yield d

    def execute(self, query: str, params: Params | None = None) -> None:
        for _ in self.stream(query, params):
            pass

    def execute_many(self, query: str, rows: Sequence[Params]) -> None:
        """One statement run for each set of parameters (an UPDATE per row of an import)."""
        for params in rows:
            self.execute(query, params)

    def tables(self) -> list[str]:
        """The ledger's own tables, as its catalog lists them."""
        return [name for (name,) in self.stream(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")]

    # ---- the spellings that differ

    def days(self, start: str, end: str) -> str:
        """Whole days from the date `start` to the date `end`."""
        return f"({end} - {start})"

    def joined(self, expr: str, sep: str) -> str:
        """The string aggregate of `expr` with separator `sep` (a constant)."""
        return f"string_agg({expr}, {quote(sep)})"

    def greatest(self, a: str, b: str) -> str:
        """The larger of two values, NULL only when both are."""
        return f"GREATEST({a}, {b})"

    def day_literal(self, value: date) -> str:
        """A date constant."""
        return f"DATE '{value.isoformat()}'"

    def json_list(self, expr: str) -> str:
        """The aggregate of `expr` as the text of a JSON array (NULL or '[]' for no rows)."""
        return f"CAST(json_agg({expr}) AS TEXT)"

    def bytewise(self, expr: str) -> str:
        """`expr` as text that sorts byte by byte (as Python sorts str), for ORDER BY."""
        return f'CAST({expr} AS TEXT) COLLATE "C"'


def quote(text: str) -> str:
    """A string constant."""
    return "'" + text.replace("'", "''") + "'"


class SqliteSql(Sql):
    """On the sqlite3 connection itself (dates bound as their ISO text, as stored)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _run(self, query: str, params: Params) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        bound = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
        cur = self.conn.execute(query, bound)
        return [d[0] for d in cur.description or ()], cur

    def execute_many(self, query: str, rows: Sequence[Params]) -> None:
        self.conn.executemany(query, [
            {k: v.isoformat() if isinstance(v, date) else v for k, v in p.items()} for p in rows])

    def tables(self) -> list[str]:
        return [name for (name,) in self.stream(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")]

    def days(self, start: str, end: str) -> str:
        # 'YYYY-MM-DD' text: julianday gives noon of each day, so the difference is whole.
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"

    def joined(self, expr: str, sep: str) -> str:
        return f"group_concat({expr}, {quote(sep)})"

    def greatest(self, a: str, b: str) -> str:
        # SQLite's max(a, b) is NULL when either is.
        return f"coalesce(max({a}, {b}), {a}, {b})"

    def day_literal(self, value: date) -> str:
        return quote(value.isoformat())

    def json_list(self, expr: str) -> str:
        return f"json_group_array({expr})"

    def bytewise(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"  # SQLite's own collation is byte by byte


class ServerSql(Sql):
    """Through a SQLAlchemy connection (PostgreSQL)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    def _run(self, query: str, params: Params) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        from sqlalchemy import text

        result = self.conn.execute(text(query), dict(params))
        if not result.returns_rows:
            return [], iter(())
        return list(result.keys()), (tuple(r) for r in result)

    def execute_many(self, query: str, rows: Sequence[Params]) -> None:
        from sqlalchemy import text

        if rows:  # the driver's executemany
            self.conn.execute(text(query), [dict(p) for p in rows])


def on_session(session: Any) -> Sql:
    """SQL text on a session's connection, in its transaction (a SQLite session's through
    the driver's connection, like a command's own)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        return SqliteSql(conn.connection.driver_connection)
    return ServerSql(conn)
