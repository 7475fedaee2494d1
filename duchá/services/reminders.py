"""Reminders (催办): numbered notices that chase a unit's overdue and due-soon work, firmer each
time a record stays overdue.

`remind` writes one notice per unit (催办〔2026〕7号) naming its red and yellow records, each at
its step (rules.reminder_step): the first notice on a record urges (催办); a record still
overdue at the next one is supervised (督办), and the notice becomes a 督办通知 with a reply
deadline (reminder_ignored.workdays working days); a record still overdue after that deadline
goes on the 通报 list, which `report units` and its circular name.  The unit that answers for
a record is chased: an item's lead unit, a finding's unit.  Each step is an event on the
record, so `item show`, `finding show` and `log` list the notices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger

TITLES = {"urge": "催办通知", "supervise": "督办通知"}


def doc_number(year: int, seq: int) -> str:
    """A notice's number as documents write it: 催办〔2026〕7号."""
    return f"催办〔{year}〕{seq}号"


def steps_taken(lg: Ledger) -> dict[tuple[str, int], dict[str, Any]]:
    """Per record (kind, id): its furthest step, the reply deadline of its latest 督办通知,
    and the notices that named it, oldest first."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Reminder, ReminderLine
    from duchá.rules import REMINDER_STEPS

    rank = {s: i for i, s in enumerate(REMINDER_STEPS)}
    stmt = (select(col(ReminderLine.item_id), col(ReminderLine.finding_id),
                   col(ReminderLine.level), col(Reminder.number), col(Reminder.reply_by),
                   col(Reminder.issued_on))
            .join(Reminder, col(Reminder.id) == col(ReminderLine.reminder_id))
            .order_by(col(Reminder.issued_on), col(Reminder.id)))
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for item_id, finding_id, level, number, reply_by, issued in lg.session.execute(stmt):
        key = ("item", item_id) if item_id is not None else ("finding", finding_id)
        got = out.setdefault(key, {"last": None, "reply_by": None, "notices": []})
        if got["last"] is None or rank[level] >= rank[got["last"]]:
            got["last"] = level
        if level == "supervise":
            got["reply_by"] = reply_by
        got["notices"].append({"notice": number, "level": level, "on": issued})
    return out


def due_now(lg: Ledger, unit_ids: set[int] | None = None) -> list[dict[str, Any]]:
    """The running records overdue or due soon as of the as-of date (their light by due date,
    rules.BY_DUE: red, or yellow for the margin before it) that have a step to take, each
    with its unit, light, step and the notices that named it before.  A record yellow only
    for lagging behind its schedule (序时进度) is not chased here: `check` names it."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Finding, Unit
    from duchá.rules import BY_DUE, first_rule, reminder_step
    from duchá.services import findings, items, settings

    limits = settings.load(lg)
    today = lg.today

    def chased(kind: str, r: dict[str, Any]) -> bool:
        line = first_rule(BY_DUE[kind], r, today, limits)
        return line is not None and line.name in ("overdue", "due-soon")

    ids = dict(lg.session.execute(select(col(Unit.code), col(Unit.id))).all())
    taken = steps_taken(lg)
    rows = []
    for r in items.query(lg, unfinished=True):
        if (r["assigned"] is None or r["assigned"] <= today) and chased("item", r):
            rows.append({"kind": "item", "id": r["id"], "number": r["number"],
                         "title": r["title"], "unit_id": ids[r["lead_unit"]], "due": r["due"],
                         "light": r["light"], "days_overdue": r["days_overdue"]})
    found = [r for r in findings.query(lg, unfinished=True)
             if r["found_on"] <= today and chased("finding", r)]
    fids = dict(lg.session.execute(
        select(col(Finding.number), col(Finding.id))
        .where(col(Finding.number).in_([r["number"] for r in found]))).all()) if found else {}
    for r in found:
        rows.append({"kind": "finding", "id": fids[r["number"]], "number": r["number"],
                     "title": r["description"], "unit_id": ids[r["unit"]], "due": r["due"],
                     "light": r["light"], "days_overdue": r["days_overdue"]})
    out = []
    for r in rows:
        if unit_ids is not None and r["unit_id"] not in unit_ids:
            continue
        before = taken.get((r["kind"], r["id"]), {"last": None, "reply_by": None,
                                                  "notices": []})
        step = reminder_step(before["last"], before["reply_by"], r["light"] == "red", today)
        if step is not None:
            out.append({**r, "level": step, "before": before["notices"]})
    return out


def remind(lg: Ledger, units: list[str] | None = None) -> list[dict[str, Any]]:
    """Issue today's notices: one per unit with records to chase (or per unit named), each
    recorded with its number, kind and reply deadline, and each record's step an event on
    the record.  The notices' contents, for the documents."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from duchá.history.replay import reminder_note
    from duchá.models import Finding, Item, Reminder, ReminderLine, Unit
    from duchá.services import settings
    from duchá.services import units as unit_service

    today = lg.today
    chosen = unit_service.resolve_many(lg, units) if units else None
    wanted = {u.id for u in chosen if u.id is not None} if chosen is not None else None
    lines = due_now(lg, wanted)
    if not lines:
        raise BadInput(f"nothing to remind as of {today}: no running record "
                       + ("of those units " if chosen else "")
                       + "is overdue or due soon with a step to take")
    by_unit: dict[int, list[dict[str, Any]]] = {}
    for line in lines:
        by_unit.setdefault(line["unit_id"], []).append(line)
    names = {u.id: u for u in lg.session.exec(select(Unit).where(col(Unit.id).in_(
        list(by_unit))))}
    reply_days = int(settings.get(lg, "reminder_ignored.workdays"))
    top = lg.session.exec(select(func.max(col(Reminder.seq)))
                          .where(col(Reminder.year) == today.year)).one() or 0
    notices = []
    order = {"circulate": 0, "supervise": 1, "urge": 2}
    for unit_id in sorted(by_unit, key=lambda i: names[i].code):
        unit = names[unit_id]
        recs = sorted(by_unit[unit_id], key=lambda r: (order[r["level"]], r["kind"] != "item",
                                                       -r["days_overdue"], r["number"]))
        firm = any(r["level"] != "urge" for r in recs)
        kind = "supervise" if firm else "urge"
        top += 1
        notice = Reminder(number=doc_number(today.year, top), year=today.year, seq=top,
                          unit_id=unit_id, issued_on=today, kind=kind,
                          reply_by=lg.calendar.add_workdays(today, reply_days) if firm
                          else None)
        lg.session.add(notice)
        lg.session.flush()
        lg.event("add", "reminder", notice.number, after=_snap(lg, notice), on=today)
        for r in recs:
            model = Item if r["kind"] == "item" else Finding
            record = lg.session.get(model, r["id"])
            step = ReminderLine(reminder_id=notice.id or 0, level=r["level"],
                                **{f"{r['kind']}_id": r["id"]})
            with lg.changing(r["kind"], record, "remind", on=today) as notes:
                lg.session.add(step)
                lg.session.flush()
                notes["reminder"] = reminder_note(notice, r["level"])
        notices.append({"number": notice.number, "unit": unit.code, "unit_name": unit.name,
                        "kind": kind, "title": TITLES[kind], "issued_on": today,
                        "reply_by": notice.reply_by, "records": recs})
    return notices


def _snap(lg: Ledger, notice: Any) -> dict[str, Any]:
    from duchá.history import replay as history

    return history.snap(lg.session, "reminder", notice)


def of_record(lg: Ledger, kind: str, record_id: int) -> list[dict[str, Any]]:
    """The notices that named one record, oldest first (for `item show`, `finding show`)."""
    column = "item_id" if kind == "item" else "finding_id"
    return list(lg.sql.dicts(
        "SELECT r.number AS notice, r.kind AS kind, l.level AS level, r.issued_on AS \"on\", "
        "r.reply_by AS reply_by FROM reminder r JOIN reminder_line l ON l.reminder_id = r.id "
        f"WHERE l.{column} = :record ORDER BY r.issued_on, r.id", {"record": record_id},
        dates=("on", "reply_by")))


def circulated(lg: Ledger, year: int) -> list[dict[str, Any]]:
    """The records put on the 通报 list by a notice of `year`, by unit, with their state as of
    the as-of date (for `report units` and its circular)."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import Finding, Item, Reminder, ReminderLine, Unit

    out = []
    for kind, model, column, title in (
            ("item", Item, col(ReminderLine.item_id), col(Item.title)),
            ("finding", Finding, col(ReminderLine.finding_id), col(Finding.description))):
        stmt = (select(col(Unit.code), col(model.number), title, col(model.due),
                       col(model.status), lights_sql.light(lg, kind).label("light"),
                       col(Reminder.number), col(Reminder.issued_on))
                .select_from(ReminderLine)
                .join(Reminder, col(Reminder.id) == col(ReminderLine.reminder_id))
                .join(model, col(model.id) == column)
                .join(Unit, col(Unit.id) == col(Reminder.unit_id))
                .where(col(ReminderLine.level) == "circulate", col(Reminder.year) == year))
        for code, number, text, due, status, light, notice, on in lg.session.execute(stmt):
            out.append({"unit": code, "kind": kind, "number": number, "title": text,
                        "due": due, "status": status, "light": light,
                        "days_overdue": (lg.today - due).days if light == "red" and due
                        else 0, "notice": notice, "on": on})
    out.sort(key=lambda r: (r["unit"], r["on"], r["number"]))
    return out


def supervision_steps(lg: Ledger) -> list[dict[str, Any]]:
    """Every 督办 step with its notice and deadline and the record's status and due date (the
    rows reminder-ignored reads)."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Finding, Item, Reminder, ReminderLine, Unit

    out = []
    for kind, model, column in (("item", Item, col(ReminderLine.item_id)),
                                ("finding", Finding, col(ReminderLine.finding_id))):
        stmt = (select(col(model.number), col(Unit.code), col(model.status), col(model.due),
                       col(Reminder.number), col(Reminder.reply_by))
                .select_from(ReminderLine)
                .join(Reminder, col(Reminder.id) == col(ReminderLine.reminder_id))
                .join(model, col(model.id) == column)
                .join(Unit, col(Unit.id) == col(Reminder.unit_id))
                .where(col(ReminderLine.level) == "supervise"))
        for number, code, status, due, notice, reply_by in lg.session.execute(stmt):
            out.append({"kind": kind, "number": number, "unit": code, "status": status,
                        "due": due, "notice": notice, "reply_by": reply_by})
    return out
