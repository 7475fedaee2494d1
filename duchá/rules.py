"""The rules of supervision work, as pure functions over plain rows and an as-of date.

No database and no printing here: a service gathers the rows with SQL, a rule returns
violations, and the command line renders them.  Rule codes, levels and defaults are DESIGN.md's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

LEVELS = ("error", "warning", "info")
LIGHT_OF_LEVEL = {"error": "red", "warning": "yellow", "info": ""}


@dataclass(frozen=True)
class Violation:
    rule: str
    level: str
    subject: str  # "table number", e.g. "item DB-2026-0001"
    unit: str
    message: str

    @property
    def light(self) -> str:
        return LIGHT_OF_LEVEL.get(self.level, "")

    def row(self) -> dict[str, Any]:
        return {**asdict(self), "light": self.light}


def light(status_open: bool, due: date | None, as_of: date, yellow_days: int) -> str:
    """Red past due, yellow within `yellow_days` of it, green otherwise; blank when closed."""
    if not status_open:
        return ""
    if due is None:
        return "green"
    if due < as_of:
        return "red"
    if (due - as_of).days <= yellow_days:
        return "yellow"
    return "green"


# --- Findings and rectification (issue 4) -------------------------------------------------

# Statuses whose due date is still running: the unit owes the office a rectification.
FINDING_RUNNING = ("open", "rectifying", "reopened")


def finding_light(status: str, due: date | None, as_of: date, yellow_days: int) -> str:
    """A finding's light: by its due while the unit owes work; green while the office
    re-checks a claimed rectification; blank once verified (or in any closed state)."""
    if status in FINDING_RUNNING:
        return light(True, due, as_of, yellow_days)
    if status == "rectified":
        return "green"
    return ""


def finding_overdue(
    rows: list[dict[str, Any]], as_of: date, yellow_days: int
) -> list[Violation]:
    """`finding-overdue`: a running finding past due (error), or due within the margin (warning).

    A row has number, unit, status and due.
    """
    out = []
    for r in rows:
        lit = finding_light(r["status"], r["due"], as_of, yellow_days)
        if lit == "red":
            days = (as_of - r["due"]).days
            out.append(Violation("finding-overdue", "error", f"finding {r['number']}", r["unit"],
                                 f"rectification {days} days overdue (due {r['due']}, "
                                 f"status {r['status']})"))
        elif lit == "yellow":
            days = (r["due"] - as_of).days
            when = "today" if days == 0 else f"in {days} days"
            out.append(Violation("finding-overdue", "warning", f"finding {r['number']}",
                                 r["unit"], f"rectification due {when} ({r['due']}, "
                                 f"status {r['status']})"))
    return out


def lookback_due(rows: list[dict[str, Any]], as_of: date) -> list[Violation]:
    """`lookback-due`: a verified finding whose look-back date has passed with no result.

    A row has number, unit, status, lookback_due and lookback_result.
    """
    out = []
    for r in rows:
        when = r["lookback_due"]
        if r["status"] != "verified" or when is None or r["lookback_result"] is not None:
            continue
        if when < as_of:
            out.append(Violation("lookback-due", "warning", f"finding {r['number']}", r["unit"],
                                 f"look-back (回头看) was due {when}, "
                                 f"{(as_of - when).days} days ago, and has no result"))
    return out


def elapsed_percent(assigned: date, due: date, as_of: date) -> float:
    """The share of an item's time (assigned to due) already elapsed, 0-100."""
    span = (due - assigned).days
    if span <= 0:
        return 100.0 if as_of >= due else 0.0
    return max(0.0, min(100.0, 100.0 * (as_of - assigned).days / span))


def item_lagging(
    assigned: date, due: date, percent: int | None, as_of: date, margin: float
) -> bool:
    """序时进度: reported percent more than `margin` points behind the elapsed share.

    No reported percent counts as 0: the office has no evidence of progress.  A past-due item
    is not "lagging" (item-overdue already turns it red).
    """
    if due < as_of:
        return False
    return elapsed_percent(assigned, due, as_of) - (percent or 0) > margin


def item_lag(rows: list[dict[str, Any]], as_of: date, margin: float) -> list[Violation]:
    """`item-lag`: an open item behind its 序时进度 (warning).

    A row has number, lead_unit, status, assigned, due and percent (last reported, or None).
    """
    out = []
    for r in rows:
        if r["status"] != "open":
            continue
        if item_lagging(r["assigned"], r["due"], r["percent"], as_of, margin):
            elapsed = elapsed_percent(r["assigned"], r["due"], as_of)
            pct = r["percent"] or 0
            out.append(Violation("item-lag", "warning", f"item {r['number']}", r["lead_unit"],
                                 f"{pct}% done with {elapsed:.0f}% of the time elapsed "
                                 f"(due {r['due']}); more than {margin:g} points behind"))
    return out


def item_light(
    status: str,
    assigned: date,
    due: date,
    percent: int | None,
    as_of: date,
    yellow_days: int,
    margin: float,
) -> str:
    """An item's light: item-overdue's red/yellow, and yellow too when item-lag flags it."""
    lit = light(status == "open", due, as_of, yellow_days)
    if lit == "green" and item_lagging(assigned, due, percent, as_of, margin):
        return "yellow"
    return lit
