"""Gatherers for the rules on findings and item progress (registered with check.register).

Each reads only the rows its rule can flag, narrowed in SQL, and hands them to the pure
function in rules.py, so `check` agrees with the lights of `finding list` and `item list`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from duchá import rules
from duchá.checks.run import register

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


@register("finding-overdue", "error",
          "an open, rectifying or reopened finding past due (red); due within "
          "finding_overdue.yellow_days (yellow)")
def gather_finding_overdue(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from sqlalchemy import label, select
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import Finding, Unit

    # The SQL light narrows the rows to those it lights red or yellow; the rule then judges
    # each by the same definition (rules.BY_DUE) and words the message.
    lit = lights_sql.light(lg, "finding", values)
    stmt = (select(col(Finding.number), label("unit", col(Unit.code)), col(Finding.status),
                   col(Finding.due))
            .join(Unit, col(Unit.id) == col(Finding.unit_id))
            .where(lit.in_(("red", "yellow"))))
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    return rules.finding_overdue(rows, lg.today, int(values["finding_overdue.yellow_days"]))


@register("lookback-due", "warning",
          "a verified finding whose look-back (回头看) date passed with no result")
def gather_lookback_due(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from sqlalchemy import label, select
    from sqlmodel import col

    from duchá.models import Finding, Unit

    # ix_finding_lookback: verified findings whose look-back date has passed.
    stmt = (select(col(Finding.number), label("unit", col(Unit.code)), col(Finding.status),
                   col(Finding.lookback_due), col(Finding.lookback_result))
            .join(Unit, col(Unit.id) == col(Finding.unit_id))
            .where(col(Finding.status) == "verified", col(Finding.lookback_due) < lg.today,
                   col(Finding.lookback_result).is_(None)))
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    return rules.lookback_due(rows, lg.today)


@register("item-lag", "warning",
          "an open item whose last reported percent is more than item_lag.margin points "
          "behind the share of its time elapsed (序时进度)")
def gather_item_lag(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from duchá.checks.plans import open_items

    return rules.item_lag(open_items(lg), lg.today, float(values["item_lag.margin"]))
