"""Supervision items (督办事项): register, list, edit, progress, close, reopen, cancel."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from duchá import validation
from duchá.errors import BadInput
from duchá.services import units
from duchá.services.numbers import find, next_number
from duchá.tables import RECORDS
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.models import Item
    from duchá.services.ledger import Ledger

PREFIX = RECORDS["items"].prefix or ""


def get(lg: Ledger, ref: str) -> Item:
    from duchá.models import Item

    return find(lg.session, Item, PREFIX, ref, "item")


def _title(text: str) -> str:
    title = (text or "").strip()
    if not title:
        raise BadInput("empty title; give the item's title in quotes")
    return title


def _snap(lg: Ledger, item: Item) -> dict[str, Any]:
    from duchá.history import replay as history

    return history.snap(lg.session, "item", item)


def _set_units(lg: Ledger, item: Item, names: list[str], lead_id: int) -> None:
    from sqlmodel import col, delete

    from duchá.models import ItemUnit

    lg.session.exec(delete(ItemUnit).where(col(ItemUnit.item_id) == item.id))
    for u in units.resolve_many(lg, names):
        if u.id != lead_id:
            assert item.id is not None and u.id is not None  # stored rows have their ids
            lg.session.add(ItemUnit(item_id=item.id, unit_id=u.id))


def add(
    lg: Ledger,
    *,
    title: str,
    category: str,
    lead: str,
    responsible: list[str],
    assigned: date,
    due: date | None,
    source: str | None,
    leader: str | None,
) -> dict[str, Any]:
    """A new item; `due` None is long-term work (长期)."""
    from duchá.models import Item

    title = _title(title)
    validation.item_dates(assigned=assigned, due=due)
    lead_unit = units.resolve(lg, lead)
    assert lead_unit.id is not None  # a stored unit
    seq, number = next_number(lg.session, Item, PREFIX, assigned.year)
    item = Item(number=number, year=assigned.year, seq=seq, title=title, category=category,
                source=source, leader=leader, lead_unit_id=lead_unit.id, assigned=assigned,
                due=due)
    lg.session.add(item)
    lg.session.flush()
    _set_units(lg, item, responsible, lead_unit.id or 0)
    lg.session.flush()
    lg.event("add", "item", number, after=_snap(lg, item), on=assigned)
    return show(lg, number)[0]


LIST_SQL_COLUMNS = (
    "number", "title", "category", "lead_unit", "units", "assigned", "due", "status",
    "closed_on", "last_progress", "percent",
)


def query(
    lg: Ledger,
    *,
    status: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    due_before: date | None = None,
    overdue: bool = False,
    search: str | None = None,
    numbers: list[str] | None = None,
    light: str | None = None,
    unfinished: bool = False,
) -> list[dict[str, Any]]:
    """Item rows for lists and reports, answered by SQL (indexes on status, due, units):
    running ones first, by due date; with `unfinished`, only those.

    Each row's light is rules.LIGHTS["item"] as of lg.today, compiled to SQL; --light and
    --overdue (= red) filter on that same expression, so a filter keeps what it shows.
    """
    from sqlalchemy import case, func, or_, select
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import Item, ItemUnit, Progress, Unit
    from duchá.rules import ITEM_UNFINISHED
    from duchá.tables import table_of

    lead = table_of(Unit).alias("lead")
    shared = table_of(Unit).alias("shared")
    units_sub = (
        select(func.aggregate_strings(shared.c.code, ";"))
        .select_from(table_of(ItemUnit).join(shared, shared.c.id == col(ItemUnit.unit_id)))
        .where(col(ItemUnit.item_id) == col(Item.id))
        .scalar_subquery()
    )
    last_on = (select(func.max(col(Progress.on))).where(col(Progress.item_id) == col(Item.id))
               .scalar_subquery())
    lit = lights_sql.light(lg, "item")
    stmt = (
        select(col(Item.number), col(Item.title), col(Item.category),
               lead.c.code.label("lead_unit"),
               units_sub.label("units"), col(Item.assigned), col(Item.due), col(Item.status),
               col(Item.closed_on), last_on.label("last_progress"),
               lights_sql.last_percent().label("percent"), lit.label("light"),
               col(Item.source), col(Item.leader), col(Item.id))
        .select_from(table_of(Item).join(lead, lead.c.id == col(Item.lead_unit_id)))
    )
    if status:
        stmt = stmt.where(col(Item.status) == status)
    if unfinished:
        stmt = stmt.where(col(Item.status).in_(ITEM_UNFINISHED))
    if category:
        stmt = stmt.where(col(Item.category) == category)
    if unit:
        u = units.resolve(lg, unit)
        stmt = stmt.where(or_(
            col(Item.lead_unit_id) == u.id,
            col(Item.id).in_(select(col(ItemUnit.item_id)).where(col(ItemUnit.unit_id) == u.id)),
        ))
    if due_before:
        stmt = stmt.where(col(Item.due) < due_before)
    if overdue:
        stmt = stmt.where(lit == "red")
    if search:
        # The text as typed ("100%" is not a pattern), ASCII case ignored: SQLite's LIKE
        # ignores case and PostgreSQL's does not, so both are asked the same explicit question.
        stmt = stmt.where(or_(col(Item.title).icontains(search, autoescape=True),
                              col(Item.source).icontains(search, autoescape=True)))
    if numbers is not None:
        stmt = stmt.where(col(Item.number).in_(numbers))
    if light:
        stmt = stmt.where(lit == light)
    finished = case((col(Item.status).in_(ITEM_UNFINISHED), 0), else_=1)
    # Long-term items (no due date, 长期) after the dated ones, alike on SQLite and PostgreSQL.
    stmt = stmt.order_by(finished, col(Item.due).is_(None), col(Item.due), col(Item.number))
    out = []
    for r in lg.session.execute(stmt).mappings():
        d = dict(r)
        # the string aggregate has no ORDER BY before SQLite 3.44: sort here for stable output.
        d["units"] = ";".join(sorted(d["units"].split(";"))) if d["units"] else ""
        d["days_overdue"] = (lg.today - d["due"]).days if d["light"] == "red" else 0
        out.append(d)
    return out


def show(lg: Ledger, ref: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The item's row and its progress history (oldest first)."""
    from sqlmodel import col, select

    from duchá.models import Progress

    item = get(lg, ref)
    rec = query(lg, numbers=[item.number])[0]
    rec["cancel_reason"] = item.cancel_reason
    rec["remarks"] = item.remarks
    notes = lg.session.exec(
        select(Progress).where(col(Progress.item_id) == item.id)
        .order_by(col(Progress.on), col(Progress.id))
    ).all()
    return rec, [{"on": p.on, "text": p.text, "percent": p.percent} for p in notes]


def edit(
    lg: Ledger,
    ref: str,
    *,
    title: str | None = None,
    category: str | None = None,
    lead: str | None = None,
    responsible: list[str] | None = None,
    assigned: date | None = None,
    due: date | None = None,
    long_term: bool = False,
    source: str | None = None,
    leader: str | None = None,
) -> dict[str, Any]:
    """Correct an item's details; `long_term` makes it long-term work (长期: no due date)."""
    item = get(lg, ref)
    with lg.changing("item", item, "edit", on=lg.today, unchanged=Invalid(
            "title", "nothing to change; give at least one of «title», «category», «lead», "
            "«unit», «assigned», «due», «source», «leader»")):
        if title is not None:
            item.title = _title(title)
        if category is not None:
            item.category = category
        if lead is not None:
            item.lead_unit_id = units.resolve(lg, lead).id or 0
        if assigned is not None:
            item.assigned = assigned
        if due is not None or long_term:
            item.due = due
        if source is not None:
            item.source = source
        if leader is not None:
            item.leader = leader
        validation.item_dates(assigned=item.assigned, due=item.due)
        if responsible is not None:
            _set_units(lg, item, responsible, item.lead_unit_id)
    return show(lg, item.number)[0]


def _require_open(item: Item, doing: str) -> None:
    if item.status == "cancelled":
        raise BadInput(f"item {item.number} is cancelled; `duchá item reopen {item.number}` "
                       f"before {doing}")
    if item.status == "done":
        raise BadInput(f"item {item.number} is done (closed {item.closed_on}); "
                       f"`duchá item reopen {item.number}` before {doing}")


def progress(
    lg: Ledger, ref: str, *, text: str, on: date, percent: int | None
) -> dict[str, Any]:
    from duchá.models import Progress

    item = get(lg, ref)
    _require_open(item, "adding progress")
    if not (text or "").strip():
        raise BadInput("empty progress note; say what was done")
    if percent is not None and not 0 <= percent <= 100:
        raise Invalid("percent", f"«percent» must be between 0 and 100, not {percent}")
    if item.assigned is not None and on < item.assigned:
        raise BadInput(f"progress dated {on} is before the item was assigned ({item.assigned})")
    note = Progress(item_id=item.id or 0, on=on, text=text.strip(), percent=percent)
    lg.session.add(note)
    lg.event("progress", "item", item.number,
             after={"on": on.isoformat(), "text": note.text, "percent": percent}, on=on)
    return {"number": item.number, "on": on, "text": note.text, "percent": percent}


def close(lg: Ledger, ref: str, *, on: date) -> dict[str, Any]:
    item = get(lg, ref)
    if item.status == "done":
        raise BadInput(f"item {item.number} is already done (closed {item.closed_on})")
    _require_open(item, "closing it")
    if item.assigned is not None and on < item.assigned:
        raise BadInput(f"close date {on} is before the item was assigned ({item.assigned})")
    with lg.changing("item", item, "close", on=on):
        item.status, item.closed_on = "done", on
    return show(lg, item.number)[0]


def reopen(lg: Ledger, ref: str) -> dict[str, Any]:
    item = get(lg, ref)
    if item.status == "open":
        raise BadInput(f"item {item.number} is already open")
    with lg.changing("item", item, "reopen"):
        item.status, item.closed_on, item.cancel_reason = "open", None, None
    return show(lg, item.number)[0]


def cancel(lg: Ledger, ref: str, *, reason: str) -> dict[str, Any]:
    item = get(lg, ref)
    if item.status == "cancelled":
        raise BadInput(f"item {item.number} is already cancelled")
    if item.status == "done":
        raise BadInput(f"item {item.number} is done; reopen it before cancelling")
    if not (reason or "").strip():
        raise Invalid("reason", "empty «reason»; say why the item is cancelled")
    with lg.changing("item", item, "cancel"):
        item.status, item.cancel_reason = "cancelled", reason.strip()
    return show(lg, item.number)[0]


def counts(lg: Ledger) -> list[dict[str, Any]]:
    """Items per category and status, with overdue (red) counts, in the opinion's category
    order."""
    from sqlalchemy import case, func, select
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import Item
    from duchá.vocab import CATEGORY

    def count_if(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    stmt = select(
        col(Item.category),
        count_if(col(Item.status) == "open").label("open"),
        count_if(lights_sql.light(lg, "item") == "red").label("overdue"),
        count_if(col(Item.status) == "done").label("done"),
        count_if(col(Item.status) == "cancelled").label("cancelled"),
        func.count().label("total"),
    ).group_by(col(Item.category))
    found = {r["category"]: dict(r) for r in lg.session.execute(stmt).mappings()}
    rows = []
    for code in CATEGORY.codes:
        r = found.get(code, {"open": 0, "overdue": 0, "done": 0, "cancelled": 0, "total": 0})
        rows.append({"category": code, "name": CATEGORY.zh(code), "open": r["open"],
                     "overdue": r["overdue"], "done": r["done"], "cancelled": r["cancelled"],
                     "total": r["total"]})
    return rows
