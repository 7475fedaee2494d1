"""Inspections (督查) actually carried out: joint groups, targets, items, finish and report."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.services import units
from duchá.services.numbers import find, next_number
from duchá.tables import RECORDS
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.models import Inspection
    from duchá.services.ledger import Ledger

PREFIX = RECORDS["inspections"].prefix or ""


def get(lg: Ledger, ref: str) -> Inspection:
    from duchá.models import Inspection

    return find(lg.session, Inspection, PREFIX, ref, "inspection")


def _links(lg: Ledger, insp: Inspection) -> dict[str, list[str]]:
    from duchá.history import replay as history

    return history.links(lg.session, "inspection", insp)


def _snap(lg: Ledger, insp: Inspection) -> dict[str, Any]:
    from duchá.history import replay as history

    return history.snap(lg.session, "inspection", insp)


def status(insp: Inspection, today: date) -> str:
    if insp.report_approved_on is not None:
        return "reported"
    if insp.finished_on is not None:
        return "finished"
    return "planned" if insp.start > today else "ongoing"


def row(lg: Ledger, insp: Inspection) -> dict[str, Any]:
    from duchá.models import PlanEntry, Unit

    links = _links(lg, insp)
    lead = lg.session.get(Unit, insp.lead_id)
    plan = lg.session.get(PlanEntry, insp.plan_id) if insp.plan_id else None
    return {
        "number": insp.number, "topic": insp.topic, "lead": lead.code if lead else "",
        "members": ";".join(links["members"]), "method": insp.method,
        "targets": ";".join(links["targets"]), "items": ";".join(links["items"]),
        "start": insp.start, "end": insp.end, "finished_on": insp.finished_on,
        "plan": plan.number if plan else None,
        "approver": insp.approver, "approved_on": insp.approved_on,
        "approval_ref": insp.approval_ref,
        "report_summary": insp.report_summary, "report_approved_by": insp.report_approved_by,
        "report_approved_on": insp.report_approved_on,
        "report_circulated_on": insp.report_circulated_on,
        "status": status(insp, lg.today),
    }


def add(
    lg: Ledger,
    *,
    topic: str,
    lead: str,
    members: list[str],
    method: str,
    targets: list[str],
    start: date,
    end: date | None,
    plan: str | None,
    items: list[str],
    approved_by: str | None,
    approved_on: date | None,
    approval_ref: str | None,
) -> dict[str, Any]:
    from duchá.models import Inspection, InspectionItem, InspectionMember, InspectionTarget
    from duchá.services import items as item_service

    topic = (topic or "").strip()
    if not topic:
        raise BadInput("empty topic; say what the inspection is about")
    if not targets:
        raise Invalid("target", "an inspection needs at least one «target» unit (the unit "
                      "inspected)")
    if end is not None and end < start:
        raise Invalid("to", f"end {end} is before the start {start}; give «to» on or after "
                      "«from»")
    if (approved_by is None) != (approved_on is None):
        raise Invalid("approved_by", "an approval needs both «approved_by» and «approved_on»")
    lead_unit = units.resolve(lg, lead)
    member_units = [u for u in units.resolve_many(lg, members) if u.id != lead_unit.id]
    target_units = units.resolve_many(lg, targets)
    entry = None
    if plan is not None:
        from duchá.services import plans

        entry = plans.get(lg, plan, start.year)  # a bare "--plan 3" means this year's 3
        if entry.year != start.year:
            raise BadInput(f"plan entry {entry.number} is for {entry.year}, but the inspection "
                           f"starts in {start.year}; give an entry of {start.year}")
        if entry.status == "cancelled":
            raise Invalid("plan", f"plan entry {entry.number} is cancelled; give another «plan»")
    item_rows = [item_service.get(lg, n) for n in items]
    seq, number = next_number(lg.session, Inspection, PREFIX, start.year)
    insp = Inspection(number=number, year=start.year, seq=seq,
                      plan_id=entry.id if entry else None, lead_id=lead_unit.id or 0,
                      method=method, topic=topic, start=start, end=end,
                      approver=approved_by.strip() if approved_by else None,
                      approved_on=approved_on, approval_ref=approval_ref)
    lg.session.add(insp)
    lg.session.flush()
    iid = insp.id or 0
    for u in member_units:
        lg.session.add(InspectionMember(inspection_id=iid, unit_id=u.id or 0))
    for u in target_units:
        lg.session.add(InspectionTarget(inspection_id=iid, unit_id=u.id or 0))
    for it in {i.id: i for i in item_rows}.values():
        lg.session.add(InspectionItem(inspection_id=iid, item_id=it.id or 0))
    lg.session.flush()
    lg.event("add", "inspection", number, after=_snap(lg, insp), on=start)
    approvals = [d for d in (approved_on, entry.approved_on if entry else None) if d]
    if not (entry and entry.planned) and not any(d <= start for d in approvals):
        lg.warn(f"{number} has no plan entry and no approval dated on or before {start}; "
                "`duchá check` reports it as unplanned-approval")
    return row(lg, insp)


def list_rows(lg: Ledger, *, year: int | None = None, unit: str | None = None) -> list[
    dict[str, Any]
]:
    from sqlalchemy import or_
    from sqlmodel import col, select

    from duchá.models import Inspection, InspectionMember, InspectionTarget

    stmt = select(Inspection)
    if year is not None:
        stmt = stmt.where(col(Inspection.year) == year)
    if unit:
        u = units.resolve(lg, unit)
        stmt = stmt.where(or_(
            col(Inspection.lead_id) == u.id,
            col(Inspection.id).in_(select(col(InspectionTarget.inspection_id))
                              .where(col(InspectionTarget.unit_id) == u.id)),
            col(Inspection.id).in_(select(col(InspectionMember.inspection_id))
                              .where(col(InspectionMember.unit_id) == u.id)),
        ))
    stmt = stmt.order_by(col(Inspection.start), col(Inspection.number))
    return [row(lg, i) for i in lg.session.exec(stmt).all()]


def show(lg: Ledger, ref: str) -> dict[str, Any]:
    return row(lg, get(lg, ref))


def finish(lg: Ledger, ref: str, *, on: date) -> dict[str, Any]:
    insp = get(lg, ref)
    if insp.finished_on is not None:
        raise BadInput(f"{insp.number} already finished on {insp.finished_on}")
    if on < insp.start:
        raise BadInput(f"finish date {on} is before the inspection started ({insp.start})")
    with lg.changing("inspection", insp, "finish", on=on):
        insp.finished_on = on
        insp.end = on  # the actual end replaces the planned one
    if insp.plan_id is not None:
        from duchá.services import plans

        plans.mark_done(lg, insp.plan_id, on)
    return row(lg, insp)


def report(
    lg: Ledger,
    ref: str,
    *,
    summary: str,
    approved_by: str,
    approved_on: date,
    circulated_on: date | None,
) -> dict[str, Any]:
    """Record the inspection report (督查情况报告), its approval and its circulation (通报)."""
    insp = get(lg, ref)
    if insp.start > lg.today:
        raise BadInput(f"{insp.number} starts on {insp.start}, after {lg.today}; report it "
                       "once it has started")
    if approved_on < insp.start:
        raise Invalid("approved_on", f"report approved on {approved_on}, before the inspection "
                      "started "
                       f"({insp.start}); give «approved_on» on or after it")
    if circulated_on is not None and circulated_on < approved_on:
        raise BadInput(f"circulated on {circulated_on}, before the report was approved "
                       f"({approved_on})")
    if not (summary or "").strip():
        raise Invalid("summary", "empty «summary»; say what the inspection found")
    if not (approved_by or "").strip():
        raise Invalid("approved_by", "empty «approved_by»; say who approved the report")
    with lg.changing("inspection", insp, "report", on=approved_on):
        insp.report_summary = summary.strip()
        insp.report_approved_by = approved_by.strip()
        insp.report_approved_on = approved_on
        insp.report_circulated_on = circulated_on
    return row(lg, insp)
