"""The lights of rules.LIGHTS compiled to SQL: one CASE expression per record kind.

Lists select it as their `light` column, `--light` filters compare it (so a filter and the light
it shows cannot disagree), and reports GROUP BY it or sum over it.  The as-of date and the
settings are known before the query runs, so every part of a rule that reads no column is
worked out here in Python and bound as a parameter; only the columns are left to the database.

Dates are ISO text on SQLite and `date` on PostgreSQL: `days_between` compiles to a julianday
difference on the first and to date subtraction (whole days) on the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    and_,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from duchá import rules

if TYPE_CHECKING:
    from sqlalchemy.sql.compiler import SQLCompiler
    from sqlalchemy.sql.elements import ColumnElement

    from duchá.services.ledger import Ledger


class days_between(FunctionElement[int]):  # lower case: it reads as the SQL function it is
    """Whole days from the first date to the second."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL (and the SQL standard's date arithmetic): date - date is an integer.
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"({end} - {start})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # 'YYYY-MM-DD' text: julianday gives noon of each day, so the difference is whole.
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def _bind(v: Any) -> ColumnElement[Any]:
    if isinstance(v, date):
        # Typed, so SQLite gets ISO text and psycopg a date (it renders `::DATE`); not CAST,
        # which SQLite would take as NUMERIC and turn 2026-11-30 into 2026.
        return literal(v, Date())
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise TypeError(f"cannot bind {v!r} in a light")
    kind = Integer() if isinstance(v, int) else Float() if isinstance(v, float) else String()
    return literal(v, kind)


class _Compiler:
    def __init__(self, columns: Mapping[str, Any], as_of: date,
                 settings: Mapping[str, Any]) -> None:
        self.columns, self.as_of, self.settings = columns, as_of, settings

    def expr(self, e: rules.Expr) -> ColumnElement[Any]:
        if not rules.fields_read(e):
            got = rules.value(e, {}, self.as_of, self.settings)
            return literal(None) if got is None else _bind(got)
        match e:
            case rules.Field(name):
                return self.columns[name]
            case rules.Days(a, b):
                return days_between(self.expr(a), self.expr(b))
            case rules.Arith("+", a, b):
                return self.expr(a) + self.expr(b)
            case rules.Arith("-", a, b):
                return self.expr(a) - self.expr(b)
            case rules.Arith("*", a, b):
                return self.expr(a) * self.expr(b)
            case rules.Coalesce(v, default):
                return func.coalesce(self.expr(v), self.expr(default))
        raise TypeError(f"cannot compile {e!r} to SQL")

    def cond(self, c: rules.Cond) -> ColumnElement[bool]:
        if not rules.fields_read(c):
            got = rules.holds(c, {}, self.as_of, self.settings)
            return true() if got else not_(true())
        match c:
            case rules.Cmp(op, a, b):
                x, y = self.expr(a), self.expr(b)
                return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "=": x == y}[op]
            case rules.In(v, options):
                return self.expr(v).in_(options)
            case rules.IsNull(v):
                return self.expr(v).is_(None)
            case rules.All(parts):
                return and_(*(self.cond(p) for p in parts))
            case rules.AnyOf(parts):
                return or_(*(self.cond(p) for p in parts))
            case rules.Not(part):
                return not_(self.cond(part))
        raise TypeError(f"cannot compile {c!r} to SQL")


def light_case(kind: str, columns: Mapping[str, Any], as_of: date,
               settings: Mapping[str, Any]) -> ColumnElement[str]:
    """rules.LIGHTS[kind] as one CASE over `columns` (each of rules.light_fields(kind) → its
    SQL)."""
    c = _Compiler(columns, as_of, settings)
    whens = [(c.cond(line.when), literal(line.light, String())) for line in rules.LIGHTS[kind]]
    # No line holding is "" in rules.light_of too.
    return case(*whens, else_=literal("", String()))


def last_percent() -> Any:
    """An item's last reported percent (the latest progress note that gives one), correlated
    to the item of the enclosing query."""
    from sqlmodel import col

    from duchá.models import Item, Progress

    return (select(col(Progress.percent))
            .where(col(Progress.item_id) == col(Item.id), col(Progress.percent).is_not(None))
            .order_by(col(Progress.on).desc(), col(Progress.id).desc())
            .limit(1).scalar_subquery())


def columns(kind: str) -> dict[str, Any]:
    """The SQL behind each field a light reads, on the item and finding tables."""
    from sqlmodel import col

    from duchá.models import Finding, Item

    if kind == "item":
        return {"status": col(Item.status), "assigned": col(Item.assigned), "due": col(Item.due),
                "percent": last_percent()}
    return {"status": col(Finding.status), "due": col(Finding.due)}


def light(lg: Ledger, kind: str, settings: Mapping[str, Any] | None = None
          ) -> ColumnElement[str]:
    """The light of an item or finding row as of the ledger's date, as SQL."""
    if settings is None:
        from duchá.services import settings as stored

        settings = stored.load(lg)
    return light_case(kind, columns(kind), lg.today, settings)
