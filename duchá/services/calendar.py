"""Local corrections to the statutory working-day calendar (`duchá config calendar ...`).

chinesecalendar knows each year's holidays once the State Council publishes them (usually in
November for the next year); until then, or for a local arrangement, the office records the
days itself.  Each day set or cleared is one event, so `verify` checks these rows too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger

MAX_SPAN = 366


def snap(row: Any) -> dict[str, Any]:
    return {"day": row.day.isoformat(), "workday": bool(row.workday), "note": row.note}


def _days(start: date, end: date | None) -> list[date]:
    end = end or start
    if end < start:
        raise Invalid("to", f"«to» {end} is before {start}; give a last day on or after the first")
    span = (end - start).days + 1
    if span > MAX_SPAN:
        raise BadInput(f"{span} days is more than a year; give a shorter range")
    return [start + timedelta(days=i) for i in range(span)]


def set_days(lg: Ledger, start: date, end: date | None, *, workday: bool,
             note: str | None) -> list[dict[str, Any]]:
    """Mark the days from `start` to `end` as working days or days off."""
    from duchá.models import CalendarOverride

    text = (note or "").strip() or None
    rows = []
    for day in _days(start, end):
        row = lg.session.get(CalendarOverride, day)
        before = snap(row) if row else None
        if row is None:
            row = CalendarOverride(day=day, workday=workday, note=text)
        else:
            row.workday, row.note = workday, text
        lg.session.add(row)
        lg.session.flush()
        after = snap(row)
        if after != before:
            lg.event("set", "calendar", day.isoformat(), before=before, after=after, on=lg.today)
        rows.append(_row(row))
    return rows


def clear_days(lg: Ledger, start: date, end: date | None) -> list[dict[str, Any]]:
    """Remove the local corrections from `start` to `end`: the statutory calendar applies."""
    from duchá.models import CalendarOverride

    cleared = []
    for day in _days(start, end):
        row = lg.session.get(CalendarOverride, day)
        if row is None:
            continue
        before = snap(row)
        lg.session.delete(row)
        lg.session.flush()
        lg.event("clear", "calendar", day.isoformat(), before=before, after=None, on=lg.today)
        cleared.append(before)
    if not cleared:
        last = f" to {end}" if end and end != start else ""
        raise BadInput(f"no local calendar day on {start}{last}; `duchá config calendar list` "
                       "shows them")
    return [{**c, "statutory": _statutory(date.fromisoformat(c["day"]))} for c in cleared]


def list_days(lg: Ledger, year: int | None) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    from duchá.models import CalendarOverride

    stmt = select(CalendarOverride).order_by(col(CalendarOverride.day))
    if year is not None:
        stmt = stmt.where(col(CalendarOverride.day) >= date(year, 1, 1),
                          col(CalendarOverride.day) <= date(year, 12, 31))
    return [_row(r) for r in lg.session.exec(stmt).all()]


def _statutory(day: date) -> str:
    """What the statutory calendar alone says of `day` (the local corrections left out)."""
    from duchá.dates import WorkCalendar

    cal = WorkCalendar()
    kind = "workday" if cal.is_workday(day) else "day off"
    return f"{kind} (Monday-Friday guess)" if cal.fallback_years else kind


def _row(row: Any) -> dict[str, Any]:
    return {**snap(row), "statutory": _statutory(row.day)}
