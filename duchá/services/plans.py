"""The annual inspection plan (年度督查计划): entries, approval of unplanned ones, and quotas."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.services import units
from duchá.services.numbers import find, next_number
from duchá.tables import RECORDS
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.models import PlanEntry, Quota
    from duchá.services.ledger import Ledger

PREFIX = RECORDS["plans"].prefix or ""


def get(lg: Ledger, ref: str, year: int | None = None) -> PlanEntry:
    from duchá.models import PlanEntry

    return find(lg.session, PlanEntry, PREFIX, ref, "plan", year)


def _targets(lg: Ledger, entry: PlanEntry) -> list[str]:
    from duchá.history import replay as history

    return history.links(lg.session, "plan", entry)["targets"]


def _snap(lg: Ledger, entry: PlanEntry) -> dict[str, Any]:
    from duchá.history import replay as history

    return history.snap(lg.session, "plan", entry)


def _code(lg: Ledger, unit_id: int) -> str:
    from duchá.models import Unit

    u = lg.session.get(Unit, unit_id)
    return u.code if u else ""


def row(lg: Ledger, entry: PlanEntry) -> dict[str, Any]:
    return {
        "number": entry.number, "year": entry.year, "organizer": _code(lg, entry.organizer_id),
        "title": entry.title, "kind": entry.kind, "method": entry.method,
        "targets": ";".join(_targets(lg, entry)), "start": entry.start, "end": entry.end,
        "planned": entry.planned, "approver": entry.approver, "approved_on": entry.approved_on,
        "approval_ref": entry.approval_ref, "status": entry.status,
        "cancel_reason": entry.cancel_reason,
    }


def window(lg: Ledger, start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """A plan window from --from/--to text: dates or months ("--from 2026-03" alone is March)."""
    from duchá.dates import parse_date_or_month, parse_month

    first = parse_date_or_month(start, today=lg.today, end=False) if start else None
    last = parse_date_or_month(end, today=lg.today, end=True) if end else None
    if last is None and start:
        try:
            last = parse_month(start)[1]
        except BadInput:
            last = None  # a single day: the window is open-ended
    return first, last


def add(
    lg: Ledger,
    *,
    title: str,
    year: int,
    organizer: str,
    kind: str,
    method: str | None,
    targets: list[str],
    start: date | None,
    end: date | None,
    unplanned: bool,
) -> dict[str, Any]:
    from duchá.models import PlanEntry, PlanTarget

    title = (title or "").strip()
    if not title:
        raise BadInput("empty title; give the plan entry's title in quotes")
    if not 2000 <= year <= 2100:
        raise Invalid("year", f"«year» {year} is not a plan year; give a year like 2026")
    if start and end and end < start:
        raise Invalid("to", f"window end {end} is before its start {start}; give «to» on or "
                      "after «from»")
    for bound in (start, end):
        if bound is not None and bound.year != year:
            raise Invalid("year", f"window date {bound} is outside plan year {year}; give dates in "
                           f"{year} or another «year»")
    org = units.resolve(lg, organizer)
    seq, number = next_number(lg.session, PlanEntry, PREFIX, year)
    entry = PlanEntry(number=number, year=year, seq=seq, organizer_id=org.id or 0, title=title,
                      kind=kind, method=method, start=start, end=end, planned=not unplanned)
    lg.session.add(entry)
    lg.session.flush()
    for u in units.resolve_many(lg, targets):
        lg.session.add(PlanTarget(plan_id=entry.id or 0, unit_id=u.id or 0))
    lg.session.flush()
    lg.event("add", "plan", number, after=_snap(lg, entry))
    q = quota_row(lg, year)
    if q["allowed"] is not None and q["used"] > q["allowed"]:
        lg.warn(f"{number} puts {year} over its quota: {q['used']} entries, {q['allowed']} "
                "allowed (`duchá check` reports it as plan-quota)")
    if unplanned:
        lg.warn(f"{number} is unplanned: record its approval with `duchá plan approve "
                f"{number} --by NAME --on DATE --ref DOCNO` before it starts")
    return row(lg, entry)


def list_rows(lg: Ledger, *, year: int | None = None, organizer: str | None = None) -> list[
    dict[str, Any]
]:
    from sqlmodel import col, select

    from duchá.models import PlanEntry

    stmt = select(PlanEntry)
    if year is not None:
        stmt = stmt.where(col(PlanEntry.year) == year)
    if organizer:
        stmt = stmt.where(col(PlanEntry.organizer_id) == units.resolve(lg, organizer).id)
    stmt = stmt.order_by(col(PlanEntry.year), col(PlanEntry.seq))
    return [row(lg, e) for e in lg.session.exec(stmt).all()]


def show(lg: Ledger, ref: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The entry and the inspections carried out under it."""
    from sqlmodel import col, select

    from duchá.models import Inspection

    entry = get(lg, ref)
    done = lg.session.exec(select(Inspection).where(col(Inspection.plan_id) == entry.id)
                           .order_by(col(Inspection.start))).all()
    return row(lg, entry), [{"number": i.number, "topic": i.topic, "start": i.start,
                             "end": i.end} for i in done]


def approve(lg: Ledger, ref: str, *, by: str, on: date, doc: str) -> dict[str, Any]:
    """Record the approval and filing (审批报备) of an unplanned entry."""
    entry = get(lg, ref)
    if entry.planned:
        raise BadInput(f"{entry.number} is in the approved annual plan; only unplanned entries "
                       "need `plan approve`")
    if entry.status == "cancelled":
        raise BadInput(f"{entry.number} is cancelled; nothing to approve")
    if entry.approved_on is not None:
        raise BadInput(f"{entry.number} was already approved on {entry.approved_on} "
                       f"({entry.approval_ref})")
    if not (by or "").strip() or not (doc or "").strip():
        raise Invalid("by", "approval needs «by» (who approved) and «ref» (the document number)")
    with lg.changing("plan", entry, "approve", on=on):
        entry.approver, entry.approved_on, entry.approval_ref = by.strip(), on, doc.strip()
    if entry.start is not None and on > entry.start:
        lg.warn(f"{entry.number} approved on {on}, after its window starts ({entry.start})")
    return row(lg, entry)


def cancel(lg: Ledger, ref: str, *, reason: str) -> dict[str, Any]:
    from duchá.services.ledger import cancel as cancelled

    entry = get(lg, ref)
    cancelled(lg, "plan", entry, reason, name=entry.number, noun="entry")
    return row(lg, entry)


def mark_done(lg: Ledger, plan_id: int, on: date) -> None:
    """A planned entry whose inspection finished is done (called by inspections.finish)."""
    from duchá.models import PlanEntry

    entry = lg.session.get(PlanEntry, plan_id)
    if entry is None or entry.status != "planned":
        return
    with lg.changing("plan", entry, "finish", on=on):
        entry.status = "done"


# Quotas -------------------------------------------------------------------------------------

def parse_reduction(text: str) -> float:
    """'50%', '50' or '0.5' as a ratio between 0 and 1."""
    raw = (text or "").strip()
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise Invalid("reduction", f"«reduction» takes a percentage like 50%, not '{text}'"
                      ) from None
    if raw.endswith("%") or value > 1:
        value = value / 100
    if not 0 <= value <= 1:
        raise Invalid("reduction", f"«reduction» must be between 0% and 100%, not {text}")
    return value


def used_counts(lg: Ledger) -> dict[int, int]:
    """Non-cancelled entries per year."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from duchá.models import PlanEntry

    stmt = (select(col(PlanEntry.year), func.count()).where(col(PlanEntry.status) != "cancelled")
            .group_by(col(PlanEntry.year)))
    return {y: n for y, n in lg.session.exec(stmt).all()}


def _has_year(lg: Ledger, year: int) -> bool:
    from sqlmodel import col, select

    from duchá.models import PlanEntry

    return lg.session.exec(select(col(PlanEntry.id)).where(col(PlanEntry.year) == year)
                           .limit(1)).first() is not None


def quota_dict(q: Quota | None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {"year": q.year, "max_count": q.max_count, "reduction": q.reduction,
            "baseline": q.baseline}


def quota_row(lg: Ledger, year: int, counts: dict[int, int] | None = None) -> dict[str, Any]:
    from duchá.models import Quota
    from duchá.rules import quota_allowed

    counts = used_counts(lg) if counts is None else counts
    q = quota_dict(lg.session.get(Quota, year))
    allowed = quota_allowed(q, counts.get(year - 1, 0))
    if q and q["reduction"] is not None:
        baseline = q["baseline"] if q["baseline"] is not None else counts.get(year - 1, 0)
    else:
        baseline = None
    used = counts.get(year, 0)
    return {"year": year, "baseline": baseline,
            "reduction": f"{q['reduction'] * 100:g}%" if q and q["reduction"] is not None
            else None,
            "allowed": allowed, "used": used,
            "headroom": None if allowed is None else allowed - used}


# More entries than any office's year could hold: a bigger number is a typo (and past 2**63
# no database column holds it).
MAX_ENTRIES = 100_000


def check_quota(lg: Ledger, year: int, *, max_count: int | None, reduction: str | None,
                baseline: int | None) -> float | None:
    """The reduction as a ratio, once the quota's values are known to make sense."""
    if (max_count is None) == (reduction is None):
        raise Invalid("max_count", "give either «max_count» N or «reduction» PERCENT")
    if max_count is not None and not 0 <= max_count <= MAX_ENTRIES:
        raise Invalid("max_count", f"«max_count» must be between 0 and {MAX_ENTRIES}, not "
                      f"{max_count}")
    if baseline is not None and reduction is None:
        raise Invalid("baseline", "«baseline» goes with «reduction» (it is the previous year's "
                      "count)")
    if baseline is not None and not 0 <= baseline <= MAX_ENTRIES:
        raise Invalid("baseline", f"«baseline» must be between 0 and {MAX_ENTRIES}, not "
                      f"{baseline}")
    ratio = parse_reduction(reduction) if reduction is not None else None
    if ratio is not None and baseline is None and not _has_year(lg, year - 1):
        raise Invalid("baseline", f"{year - 1} has no plan entries in the ledger to reduce "
                      "from; give «baseline» N (its number of entries)")
    return ratio


def quota_set(
    lg: Ledger,
    year: int,
    *,
    max_count: int | None,
    reduction: str | None,
    baseline: int | None,
) -> dict[str, Any]:
    from duchá.models import Quota

    ratio = check_quota(lg, year, max_count=max_count, reduction=reduction, baseline=baseline)
    old = lg.session.get(Quota, year)
    before = quota_dict(old)
    if old is None:
        old = Quota(year=year)
    old.max_count, old.reduction, old.baseline = max_count, ratio, baseline
    lg.session.add(old)
    lg.session.flush()
    lg.event("set", "quota", str(year), before=before, after=quota_dict(old))
    q = quota_row(lg, year)
    if q["allowed"] is not None and q["used"] > q["allowed"]:
        lg.warn(f"{year} already has {q['used']} entries, over the {q['allowed']} allowed")
    return q


def quota_rows(lg: Ledger, year: int | None = None) -> list[dict[str, Any]]:
    """Per year with a quota (or the one asked for): baseline, reduction, allowed, used,
    headroom."""
    from sqlmodel import select

    from duchá.models import Quota

    counts = used_counts(lg)
    years = [year] if year is not None else sorted(
        q.year for q in lg.session.exec(select(Quota)).all())
    return [quota_row(lg, y, counts) for y in years]
