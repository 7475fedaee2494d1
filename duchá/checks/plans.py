"""Gatherers for the rules on items, plans and inspections (registered with check.register).

Each gatherer reads plain rows with a few set-based queries (one per table and link table,
never one per record), caches them on the session for the other rules of the same run, and
hands them to the pure function in rules.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from duchá import rules
from duchá.checks.run import register

if TYPE_CHECKING:
    from duchá.rules import Violation
    from duchá.services.ledger import Ledger

Rows = list[dict[str, Any]]


def _cached(lg: Ledger, key: str, load: Callable[[Ledger], Any]) -> Any:
    cache = lg.session.info.setdefault("check_rows", {})
    if key not in cache:
        cache[key] = load(lg)
    return cache[key]


def _unit_codes(lg: Ledger) -> dict[int, str]:
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Unit

    return {i: c for i, c in lg.session.execute(select(col(Unit.id), col(Unit.code))).all()}


def _links(lg: Ledger, table: Any, owner: str, codes: dict[int, str]) -> dict[int, list[str]]:
    from sqlalchemy import select

    out: dict[int, list[str]] = {}
    for owner_id, unit_id in lg.session.execute(select(table.c[owner], table.c.unit_id)).all():
        out.setdefault(owner_id, []).append(codes.get(unit_id, ""))
    return out


def load_plans(lg: Ledger) -> Rows:
    from sqlalchemy import select

    from duchá.models import PlanEntry, PlanTarget
    from duchá.tables import table_of

    codes = _unit_codes(lg)
    targets = _links(lg, table_of(PlanTarget), "plan_id", codes)
    t = table_of(PlanEntry)
    rows = []
    for r in lg.session.execute(select(t.c.id, t.c.number, t.c.year, t.c.organizer_id, t.c.kind,
                                       t.c.status, t.c.start, t.c.end)).mappings():
        rows.append({**r, "organizer": codes.get(r["organizer_id"], ""),
                     "targets": sorted(targets.get(r["id"], []))})
    return rows


def load_quotas(lg: Ledger) -> dict[int, dict[str, Any]]:
    from sqlmodel import select

    from duchá.models import Quota
    from duchá.services.plans import quota_dict

    return {q.year: quota_dict(q) or {} for q in lg.session.exec(select(Quota)).all()}


def load_inspections(lg: Ledger) -> Rows:
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import (
        Inspection,
        InspectionItem,
        InspectionMember,
        InspectionTarget,
        Item,
        PlanEntry,
    )
    from duchá.tables import table_of

    codes = _unit_codes(lg)
    members = _links(lg, table_of(InspectionMember), "inspection_id", codes)
    targets = _links(lg, table_of(InspectionTarget), "inspection_id", codes)
    items: dict[int, list[str]] = {}
    stmt = select(col(InspectionItem.inspection_id), col(Item.number)).join(
        Item, col(Item.id) == col(InspectionItem.item_id))
    for iid, number in lg.session.execute(stmt).all():
        items.setdefault(iid, []).append(number)
    i = table_of(Inspection)
    p = table_of(PlanEntry)
    stmt = select(
        i.c.id, i.c.number, i.c.topic, i.c.lead_id, i.c.start, i.c.end, i.c.approved_on,
        i.c.report_approved_on, p.c.number.label("plan"), p.c.planned.label("plan_planned"),
        p.c.approved_on.label("plan_approved_on"),
    ).select_from(i.outerjoin(p, p.c.id == i.c.plan_id))
    rows = []
    for r in lg.session.execute(stmt).mappings():
        rows.append({**r, "lead": codes.get(r["lead_id"], ""),
                     "members": sorted(members.get(r["id"], [])),
                     "targets": sorted(targets.get(r["id"], [])),
                     "items": sorted(items.get(r["id"], []))})
    return rows


def load_open_items(lg: Ledger) -> Rows:
    """Items still running, with what their light reads (rules.light_fields)."""
    from sqlalchemy import Integer, func, label, literal_column, select
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import Item, Progress, Unit

    prog = (select(col(Progress.item_id), func.min(col(Progress.on)).label("first_progress"),
                   func.max(col(Progress.on)).label("last_progress"))
            .group_by(col(Progress.item_id)).subquery())
    stmt = (
        select(col(Item.number), col(Item.title), col(Item.category), col(Item.status),
               col(Item.assigned), col(Item.due),
               label("lead_unit", col(Unit.code)), prog.c.first_progress, prog.c.last_progress,
               literal_column(lights_sql.last_percent(), Integer()).label("percent"))
        .join(Unit, col(Unit.id) == col(Item.lead_unit_id))
        .outerjoin(prog, prog.c.item_id == col(Item.id))
        .where(col(Item.status).in_(rules.ITEM_RUNNING))
    )
    return [dict(r) for r in lg.session.execute(stmt).mappings()]


def plans(lg: Ledger) -> Rows:
    return _cached(lg, "plans", load_plans)


def inspections(lg: Ledger) -> Rows:
    return _cached(lg, "inspections", load_inspections)


def open_items(lg: Ledger) -> Rows:
    return _cached(lg, "open_items", load_open_items)


@register("plan-quota", "error", "a year's non-cancelled plan entries above its allowed count")
def check_plan_quota(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.plan_quota(plans(lg), load_quotas(lg))


@register("one-comprehensive", "warning",
          "an organizer with more than one comprehensive entry in a year")
def check_one_comprehensive(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.one_comprehensive(plans(lg))


@register("unplanned-approval", "error",
          "an inspection with no plan entry and no approval dated on or before its start")
def check_unplanned_approval(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.unplanned_approval(inspections(lg))


@register("repeat-inspection", "warning",
          "the same unit inspected again on the same topic or item within N days")
def check_repeat_inspection(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.repeat_inspection(inspections(lg), days=int(s["repeat_inspection.days"]),
                                   cut=float(s["repeat_inspection.similarity"]))


@register("multi-headed", "warning",
          "a unit inspected by two or more organizers within N days, not as one joint group")
def check_multi_headed(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.multi_headed(inspections(lg), days=int(s["multi_headed.days"]))


@register("plan-overlap", "info",
          "plan entries of different organizers on one unit in overlapping windows")
def check_plan_overlap(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.plan_overlap(plans(lg))


@register("report-missing", "warning", "an inspection ended N days ago with no approved report")
def check_report_missing(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.report_missing(inspections(lg), lg.today, days=int(s["report_missing.days"]))


@register("item-overdue", "error", "an open item past due (red) or due within N days (yellow)")
def check_item_overdue(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.item_overdue(open_items(lg), lg.today,
                              yellow_days=int(s["item_overdue.yellow_days"]))


@register("item-stale", "warning", "an open item with no progress note for N days")
def check_item_stale(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.item_stale(open_items(lg), lg.today, days=int(s["item_stale.days"]))


@register("instruction-limit", "warning",
          "an instruction item with no progress within N working days of assignment")
def check_instruction_limit(lg: Ledger, s: dict[str, Any]) -> list[Violation]:
    return rules.instruction_limit(open_items(lg), lg.today,
                                   workdays=int(s["instruction_limit.workdays"]),
                                   add_workdays=lg.calendar.add_workdays)
