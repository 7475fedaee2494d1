"""Supervision items (督办事项): register, list, edit, progress, close, reopen, cancel."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from duchá import validation
from duchá.errors import BadInput
from duchá.services import units
from duchá.services.numbers import find
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
    """A new item; `due` None is long-term work (长期).

    Written in SQL text, the row, its units and its event, with no ORM object: registering
    an item is the write a clerk makes most, and it stays as quick as a read
    (bench/bench_budgets.py).  The database's constraints hold it as they hold every row."""
    from duchá.history.replay import snapshots
    from duchá.services.numbers import next_in
    from duchá.vocab import ITEM_NEW

    title = _title(title)
    validation.item_dates(assigned=assigned, due=due)
    lead_unit = units.resolve(lg, lead)
    sql = lg.sql
    seq, number = next_in(sql, "item", PREFIX, assigned.year)
    item_id = sql.scalar(
        "INSERT INTO item (number, year, seq, title, category, source, leader, lead_unit_id, "
        "assigned, due, status) VALUES (:number, :year, :seq, :title, :category, :source, "
        ":leader, :lead, :assigned, :due, :status) RETURNING id",
        {"number": number, "year": assigned.year, "seq": seq, "title": title,
         "category": category, "source": source, "leader": leader, "lead": lead_unit.id,
         "assigned": assigned, "due": due, "status": ITEM_NEW})
    others = {u.id for u in units.resolve_many(lg, responsible)} - {lead_unit.id}
    for unit_id in sorted(others):
        sql.execute("INSERT INTO item_unit (item_id, unit_id) VALUES (:item, :unit)",
                    {"item": item_id, "unit": unit_id})
    ((_, after),) = snapshots(sql, "item", [item_id])
    lg.event("add", "item", number, after=after, on=assigned)
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
    from duchá import lights_sql
    from duchá.rules import ITEM_UNFINISHED
    from duchá.storage.sql import Where, quote

    sql = lg.sql
    lit = lights_sql.light_text(lg, "item")
    running = ", ".join(quote(s) for s in ITEM_UNFINISHED)
    where = Where()
    where.equal({"item.status": status, "item.category": category})
    if unfinished:
        where.add(f"item.status IN ({running})")
    if unit:
        where.add(units.ITEMS_OF_UNIT, unit=units.resolve(lg, unit).id)
    if due_before:
        where.add("item.due < :due_before", due_before=due_before)
    if search:
        # The text as typed ("100%" is not a pattern), ASCII case ignored: SQLite's LIKE
        # ignores case and PostgreSQL's does not, so both are asked the same explicit question.
        escaped = search.replace("/", "//").replace("%", "/%").replace("_", "/_")
        where.add("(lower(item.title) LIKE lower(:search) ESCAPE '/' "
                  "OR lower(item.source) LIKE lower(:search) ESCAPE '/')",
                  search=f"%{escaped}%")
    where.among("item.number", numbers)
    where.light(lit, overdue=overdue, light=light)
    shared = sql.joined("shared.code", ";")
    # Long-term items (no due date, 长期) after the dated ones, alike on SQLite and PostgreSQL.
    query = f"""
        SELECT item.number AS number, item.title AS title, item.category AS category,
               lead.code AS lead_unit,
               (SELECT {shared} FROM item_unit iu JOIN unit shared ON shared.id = iu.unit_id
                WHERE iu.item_id = item.id) AS units,
               item.assigned AS assigned, item.due AS due, item.status AS status,
               item.closed_on AS closed_on,
               (SELECT max(pr."on") FROM progress pr WHERE pr.item_id = item.id)
                   AS last_progress,
               {lights_sql.last_percent()} AS percent, {lit} AS light,
               item.source AS source, item.leader AS leader, item.id AS id,
               item.cancel_reason AS cancel_reason, item.remarks AS remarks
        FROM item JOIN unit lead ON lead.id = item.lead_unit_id
        {where.clause()}
        ORDER BY CASE WHEN item.status IN ({running}) THEN 0 ELSE 1 END,
                 CASE WHEN item.due IS NULL THEN 1 ELSE 0 END, item.due, item.number
    """
    out = []
    for d in sql.dicts(query, where.params,
                       dates=("assigned", "due", "closed_on", "last_progress")):
        # the string aggregate has no ORDER BY before SQLite 3.44: sort here for stable output.
        d["units"] = ";".join(sorted(d["units"].split(";"))) if d["units"] else ""
        d["days_overdue"] = (lg.today - d["due"]).days if d["light"] == "red" else 0
        out.append(d)
    return out


def show(lg: Ledger, ref: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The item's row and its progress history (oldest first)."""
    from duchá.services.numbers import locate

    item_id, number = locate(lg.sql, "item", PREFIX, ref, "item")
    rec = query(lg, numbers=[number])[0]
    notes = lg.sql.dicts('SELECT "on" AS "on", text, percent FROM progress '
                         'WHERE item_id = :item ORDER BY "on", id', {"item": item_id},
                         dates=("on",))
    return rec, list(notes)


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
    from duchá.services.ledger import cancel as cancelled

    item = get(lg, ref)
    if item.status == "done":
        raise BadInput(f"item {item.number} is done; reopen it before cancelling")
    cancelled(lg, "item", item, reason, name=f"item {item.number}", noun="item")
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
