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

# The numbered tables: each has year, seq and number.
T = TypeVar("T", "Item", "PlanEntry", "Inspection", "Finding", "FormRound")

_FULL = re.compile(r"^([A-Za-z]{2})-?(\d{4})-?(\d{1,6})$")
_YEAR_SEQ = re.compile(r"^(\d{4})-(\d{1,6})$")


def next_number(session: Session, model: Any, prefix: str, year: int,
                width: int | None = None) -> tuple[int, str]:
    """The next sequence number of `year` and its readable form (WIDTH digits, or `width`
    for a kind tables.RECORDS does not describe)."""
    from sqlalchemy import func
    from sqlmodel import select

    top = session.exec(select(func.max(model.seq)).where(model.year == year)).one()
    seq = (top or 0) + 1
    return seq, f"{prefix}-{year}-{seq:0{width or WIDTH[prefix]}d}"


def example(prefix: str) -> str:
    """The first number of a kind, as a hint in messages (DB-2026-0001, JH-2026-001)."""
    return f"{prefix}-2026-{1:0{WIDTH.get(prefix, 3)}d}"


def find(session: Session, model: type[T], prefix: str, ref: str, what: str,
         year: int | None = None) -> T:
    """The record named by `ref` (whole number, YEAR-SEQ, or bare sequence).

    A bare sequence repeats every year; `year`, when the context fixes one, picks it.
    """
    from sqlmodel import col, select

    raw = (ref or "").strip()
    m = _FULL.match(raw)
    if m:
        if m[1].upper() != prefix:
            raise BadInput(f"'{ref}' is not {a(what)} number; {what} numbers look like "
                           f"{example(prefix)}")
        stmt = select(model).where(col(model.year) == int(m[2]), col(model.seq) == int(m[3]))
    elif _YEAR_SEQ.match(raw):
        y, s = raw.split("-")
        stmt = select(model).where(col(model.year) == int(y), col(model.seq) == int(s))
    elif re.fullmatch(r"\d{1,9}", raw):  # not str.isdigit: "²" is a digit but no number
        stmt = select(model).where(col(model.seq) == int(raw))
        if year is not None:
            stmt = stmt.where(col(model.year) == year)
            ref = f"{ref} of {year}"
    else:
        raise BadInput(f"'{ref}' is not {a(what)} number; use {example(prefix)} or the bare "
                       "sequence number")
    hits = session.exec(stmt.limit(6)).all()
    if not hits:
        command = {"inspection": "inspect", "plan entry": "plan"}.get(what, what)
        raise NotFound(f"no {what} {ref}; `duchá {command} list` shows the numbers")
    if len(hits) > 1:
        names = ", ".join(h.number for h in hits)
        raise BadInput(f"{what} {ref} is ambiguous: {names}; give the whole number")
    return hits[0]


def all_numbers(lg: Ledger, table: str) -> list[str]:
    """Every number of a numbered table, newest first (for shell completion)."""
    from sqlalchemy import select

    from duchá import models
    from duchá.tables import RECORDS, table_of

    t = table_of(getattr(models, RECORDS[table].model))
    return list(lg.session.execute(
        select(t.c.number).order_by(t.c.year.desc(), t.c.seq.desc())).scalars())
