"""The lights of rules.LIGHTS compiled to SQL: one CASE expression per record kind.

Lists select it as their `light` column, `--light` filters compare it (so a filter and the light
it shows cannot disagree), and reports GROUP BY it or sum over it.  The as-of date and the
settings are known before the query runs, so every part of a rule that reads no column is
worked out here in Python and written as a constant (a date, a number); only the columns are
left to the database.

The CASE is SQL text, for the reads written in SQL text (storage/sql.py) and, as a column
(`light`), for those built with SQLAlchemy.  Dates are ISO text on SQLite and `date` on
PostgreSQL: the connection spells whole days between two dates (a julianday difference, date
subtraction) and a date constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from duchá import rules
from duchá.storage.sql import quote

if TYPE_CHECKING:
    from sqlalchemy.sql.elements import ColumnElement

    from duchá.services.ledger import Ledger
    from duchá.storage.sql import Sql

TRUE, FALSE = "1 = 1", "1 = 0"


class _Compiler:
    def __init__(self, columns: Mapping[str, str], as_of: date,
                 settings: Mapping[str, Any], sql: Sql) -> None:
        self.columns, self.as_of, self.settings, self.sql = columns, as_of, settings, sql

    def constant(self, v: Any) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, date):
            return self.sql.day_literal(v)
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            raise TypeError(f"cannot write {v!r} in a light")
        return quote(v) if isinstance(v, str) else repr(v)

    def expr(self, e: rules.Expr) -> str:
        if not rules.fields_read(e):
            return self.constant(rules.value(e, {}, self.as_of, self.settings))
        match e:
            case rules.Field(name):
                return self.columns[name]
            case rules.Days(a, b):
                return self.sql.days(self.expr(a), self.expr(b))
            case rules.Arith(op, a, b) if op in ("+", "-", "*"):
                return f"({self.expr(a)} {op} {self.expr(b)})"
            case rules.Coalesce(v, default):
                return f"coalesce({self.expr(v)}, {self.expr(default)})"
        raise TypeError(f"cannot compile {e!r} to SQL")

    def cond(self, c: rules.Cond) -> str:
        if not rules.fields_read(c):
            return TRUE if rules.holds(c, {}, self.as_of, self.settings) else FALSE
        match c:
            case rules.Cmp(op, a, b) if op in ("<", "<=", ">", ">=", "="):
                return f"({self.expr(a)} {op} {self.expr(b)})"
            case rules.In(v, options):
                listed = ", ".join(self.constant(o) for o in options)
                return f"({self.expr(v)} IN ({listed}))"
            case rules.IsNull(v):
                return f"({self.expr(v)} IS NULL)"
            case rules.All(parts):
                return "(" + " AND ".join(self.cond(p) for p in parts) + ")" if parts else TRUE
            case rules.AnyOf(parts):
                return "(" + " OR ".join(self.cond(p) for p in parts) + ")" if parts else FALSE
            case rules.Not(part):
                return f"(NOT {self.cond(part)})"
        raise TypeError(f"cannot compile {c!r} to SQL")


def light_case(kind: str, columns: Mapping[str, str], as_of: date,
               settings: Mapping[str, Any], sql: Sql) -> str:
    """rules.LIGHTS[kind] as one CASE over `columns` (each of rules.light_fields(kind) → its
    SQL text), for the database `sql` speaks to."""
    c = _Compiler(columns, as_of, settings, sql)
    whens = " ".join(f"WHEN {c.cond(line.when)} THEN {quote(line.light)}"
                     for line in rules.LIGHTS[kind])
    # No line holding is "" in rules.light_of too.
    return f"(CASE {whens} ELSE '' END)"


def last_percent(item: str = "item") -> str:
    """An item's last reported percent (the latest progress note that gives one), correlated
    to the item table (or alias) `item` of the enclosing query."""
    return ('(SELECT lp.percent FROM progress lp WHERE lp.item_id = '
            f'{item}.id AND lp.percent IS NOT NULL ORDER BY lp."on" DESC, lp.id DESC LIMIT 1)')


def columns(kind: str, table: str | None = None) -> dict[str, str]:
    """The SQL behind each field a light reads, on the item or finding table (or its alias
    `table`)."""
    t = table or kind
    if kind == "item":
        return {"status": f"{t}.status", "assigned": f"{t}.assigned", "due": f"{t}.due",
                "percent": last_percent(t)}
    return {"status": f"{t}.status", "due": f"{t}.due"}


def light_text(lg: Ledger, kind: str, settings: Mapping[str, Any] | None = None, *,
               table: str | None = None) -> str:
    """The light of an item or finding row as of the ledger's date, as SQL text over the
    table `kind` (or its alias `table`)."""
    if settings is None:
        from duchá.services import settings as stored

        settings = stored.load(lg)
    return light_case(kind, columns(kind, table), lg.today, settings, lg.sql)


def light(lg: Ledger, kind: str, settings: Mapping[str, Any] | None = None
          ) -> ColumnElement[str]:
    """The same, as a column of a SQLAlchemy query over the table `kind`."""
    from sqlalchemy import String, literal_column

    return literal_column(light_text(lg, kind, settings), String())
