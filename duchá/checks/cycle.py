"""Gatherers for the rules of the weekly cycle with the units (registered with check.register):
forms not returned (feedback-missing) and 督办 notices left unanswered (reminder-ignored)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from duchá import rules
from duchá.checks.run import register

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


@register("feedback-missing", "error",
          "a unit's feedback form not returned: a warning the day after the round's due date, "
          "an error after feedback_missing.workdays working days")
def gather_feedback_missing(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from sqlalchemy import label, select
    from sqlmodel import col

    from duchá.models import FormRound, FormSheet, Unit

    # Only forms still out and past their round's due date can be flagged.
    stmt = (select(label("form", col(FormSheet.number)), label("round", col(FormRound.number)),
                   label("unit", col(Unit.code)), col(FormRound.due), col(FormSheet.returned_on))
            .join(FormRound, col(FormRound.id) == col(FormSheet.round_id))
            .join(Unit, col(Unit.id) == col(FormSheet.unit_id))
            .where(col(FormSheet.returned_on).is_(None), col(FormRound.due) < lg.today))
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    return rules.feedback_missing(rows, lg.today,
                                  workdays=int(values["feedback_missing.workdays"]),
                                  add_workdays=lg.calendar.add_workdays)


@register("reminder-ignored", "error",
          "a record still overdue after the reply deadline of its 督办通知 "
          "(reminder_ignored.workdays working days)")
def gather_reminder_ignored(lg: Ledger, values: dict[str, Any]) -> list[rules.Violation]:
    from duchá.services.reminders import supervision_steps

    return rules.reminder_ignored(supervision_steps(lg), lg.today)
