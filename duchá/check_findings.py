"""Gatherers for the rules on findings and item progress (registered with check.register).

Each reads only the rows its rule can flag, narrowed in SQL, and hands them to the pure
function in rules.py, so `check` agrees with the lights of `finding list` and `item list`.
"""

from __future__ import annotations

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

    from duchá import lights_sql
    from duchá.models import Finding, Unit

    # The SQL light narrows the rows to those it lights red or yellow; the rule then judges
    # each by the same definition (rules.BY_DUE) and words the message.
    lit = lights_sql.light(lg, "finding", values)
    stmt = (select(Finding.number, Unit.code.label("unit"), Finding.status, Finding.due)  # type: ignore[attr-defined]
            .join(Unit, Unit.id == Finding.unit_id)  # type: ignore[arg-type]
            .where(lit.in_(("red", "yellow"))))
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    return rules.finding_overdue(rows, lg.today, int(values["finding_overdue.yellow_days"]))


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
    from duchá.check_rules import open_items

    return rules.item_lag(open_items(lg), lg.today, float(values["item_lag.margin"]))
