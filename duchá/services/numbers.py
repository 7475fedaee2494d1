"""Readable record numbers (DB-2026-0001, JH-2026-001, DC-2026-001, WT-2026-0001).

A command takes the whole number or, where it names one record, the bare sequence number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar

from duchá.errors import BadInput, NotFound
from duchá.tables import WIDTH  # digits of the sequence part, per prefix
from duchá.words import a

if TYPE_CHECKING:
    from sqlmodel import Session

    from duchá.models import Finding, FormRound, Inspection, Item, PlanEntry
    from duchá.services.ledger import Ledger
    from duchá.storage.sql import Sql

# The numbered tables: each has year, seq and number.
T = TypeVar("T", "Item", "PlanEntry", "Inspection", "Finding", "FormRound")

_FULL = re.compile(r"^([A-Za-z]{2})-?(\d{4})-?(\d{1,6})$")
_YEAR_SEQ = re.compile(r"^(\d{4})-(\d{1,6})$")


def next_number(session: Session, model: Any, prefix: str, year: int,
                width: int | None = None) -> tuple[int, str]:
    """`next_in` for a service that works through the session."""
    from duchá.storage.sql import on_session

    session.flush()
    return next_in(on_session(session), model.__tablename__, prefix, year, width)


def next_in(sql: Sql, table: str, prefix: str, year: int,
            width: int | None = None) -> tuple[int, str]:
    """The next sequence number of `year` and its readable form (WIDTH digits, or `width`
    for a kind tables.RECORDS does not describe)."""
    top = sql.scalar(f"SELECT max(seq) FROM {table} WHERE year = :year", {"year": year})
    seq = (top or 0) + 1
    return seq, f"{prefix}-{year}-{seq:0{width or WIDTH[prefix]}d}"


def example(prefix: str) -> str:
    """The first number of a kind, as a hint in messages (DB-2026-0001, JH-2026-001)."""
    return f"{prefix}-2026-{1:0{WIDTH.get(prefix, 3)}d}"


def locate(sql: Sql, table: str, prefix: str, ref: str, what: str,
           year: int | None = None) -> tuple[int, str]:
    """The id and number of the record of `table` that `ref` names (whole number, YEAR-SEQ,
    or bare sequence).

    A bare sequence repeats every year; `year`, when the context fixes one, picks it.
    """
    raw = (ref or "").strip()
    m = _FULL.match(raw)
    params: dict[str, Any]
    if m:
        if m[1].upper() != prefix:
            raise BadInput(f"'{ref}' is not {a(what)} number; {what} numbers look like "
                           f"{example(prefix)}")
        cond, params = "year = :year AND seq = :seq", {"year": int(m[2]), "seq": int(m[3])}
    elif _YEAR_SEQ.match(raw):
        y, s = raw.split("-")
        cond, params = "year = :year AND seq = :seq", {"year": int(y), "seq": int(s)}
    elif re.fullmatch(r"\d{1,9}", raw):  # not str.isdigit: "²" is a digit but no number
        cond, params = "seq = :seq", {"seq": int(raw)}
        if year is not None:
            cond, params["year"] = cond + " AND year = :year", year
            ref = f"{ref} of {year}"
    else:
        raise BadInput(f"'{ref}' is not {a(what)} number; use {example(prefix)} or the bare "
                       "sequence number")
    hits = sql.rows(f"SELECT id, number FROM {table} WHERE {cond} LIMIT 6", params)
    if not hits:
        command = {"inspection": "inspect", "plan entry": "plan"}.get(what, what)
        raise NotFound(f"no {what} {ref}; `duchá {command} list` shows the numbers")
    if len(hits) > 1:
        names = ", ".join(number for _, number in hits)
        raise BadInput(f"{what} {ref} is ambiguous: {names}; give the whole number")
    return int(hits[0][0]), str(hits[0][1])


def find(session: Session, model: type[T], prefix: str, ref: str, what: str,
         year: int | None = None) -> T:
    """The record named by `ref` (as `locate` reads it), as the session's object."""
    from duchá.storage.sql import on_session

    session.flush()  # what the session holds is in the ledger, as an ORM query would see it
    rid, _ = locate(on_session(session), model.__tablename__, prefix, ref, what, year)
    return session.get_one(model, rid)


def all_numbers(lg: Ledger, table: str) -> list[str]:
    """Every number of a numbered table, newest first (for shell completion)."""
    from duchá.tables import RECORDS

    return [number for (number,) in lg.sql.stream(
        f"SELECT number FROM {RECORDS[table].sql_table} ORDER BY year DESC, seq DESC")]
