"""Gatherers for the rules on findings and item progress (registered with check.register).

Each reads only the rows its rule can flag, narrowed by an index, and hands them to the pure
function in rules.py, so `check` agrees with the lights of `finding list` and `item list`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from duchá import rules
from duchá.check import register

if TYPE_CHECKING:
    from duchá.ledger import Ledger


@register("finding-overdue", "error",
          "an open, rectifying or reopened finding past due (red); due within "
          "finding_overdue.yellow_days (yellow)")
def gather_finding_overdue(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from sqlalchemy import select

    from duchá.models import Finding, Unit

    yellow_days = int(values["finding_overdue.yellow_days"])
    # ix_finding_status_due: only running findings due by the end of the yellow margin.
    stmt = (select(Finding.number, Unit.code.label("unit"), Finding.status, Finding.due)  # type: ignore[attr-defined]
            .join(Unit, Unit.id == Finding.unit_id)  # type: ignore[arg-type]
            .where(Finding.status.in_(rules.FINDING_RUNNING),  # type: ignore[attr-defined]
                   Finding.due <= lg.today + timedelta(days=yellow_days)))  # type: ignore[operator]
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    return rules.finding_overdue(rows, lg.today, yellow_days)


@register("lookback-due", "warning",
          "a verified finding whose look-back (回头看) date passed with no result")
def gather_lookback_due(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from sqlalchemy import select

    from duchá.models import Finding, Unit

    # ix_finding_lookback: verified findings whose look-back date has passed.
    stmt = (select(Finding.number, Unit.code.label("unit"), Finding.status,  # type: ignore[attr-defined]
                   Finding.lookback_due, Finding.lookback_result)
            .join(Unit, Unit.id == Finding.unit_id)  # type: ignore[arg-type]
            .where(Finding.status == "verified", Finding.lookback_due < lg.today,  # type: ignore[operator]
                   Finding.lookback_result.is_(None)))  # type: ignore[union-attr]
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    return rules.lookback_due(rows, lg.today)


@register("item-lag", "warning",
          "an open item whose last reported percent is more than item_lag.margin points "
          "behind the share of its time elapsed (序时进度)")
def gather_item_lag(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from sqlalchemy import select

    from duchá.models import Item, Progress, Unit

    last_pct = (select(Progress.percent)
                .where(Progress.item_id == Item.id, Progress.percent.is_not(None))  # type: ignore[union-attr]
                .order_by(Progress.on.desc(), Progress.id.desc())  # type: ignore[attr-defined,union-attr]
                .limit(1).scalar_subquery())
    # ix_item_status_due: open items not yet past due (past due is item-overdue's red).
    stmt = (select(Item.number, Unit.code.label("lead_unit"), Item.status, Item.assigned,  # type: ignore[attr-defined]
                   Item.due, last_pct.label("percent"))
            .join(Unit, Unit.id == Item.lead_unit_id)  # type: ignore[arg-type]
            .where(Item.status == "open", Item.due >= lg.today))  # type: ignore[operator]
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    return rules.item_lag(rows, lg.today, float(values["item_lag.margin"]))
