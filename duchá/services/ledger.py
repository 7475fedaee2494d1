"""The context every service works in: one session (one transaction), who acts, and when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from duchá.dates import WorkCalendar


@dataclass
class Ledger:
    """Services take a Ledger; they never commit (the command's scope does, once)."""

    session: Session
    actor: str
    today: date
    warnings: list[str] = field(default_factory=list)
    _calendar: WorkCalendar | None = None

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            from sqlmodel import select

            from duchá.dates import WorkCalendar
            from duchá.models import CalendarOverride

            rows = self.session.exec(select(CalendarOverride)).all()
            self._calendar = WorkCalendar({r.day: r.workday for r in rows})
        return self._calendar

    def date(self, text: str, *, base: date | None = None) -> date:
        from duchá.dates import parse_date

        return parse_date(text, today=self.today, base=base, calendar=self.calendar)

    def day(self, text: str | None) -> datetime.date:  # (`date` is the method here)
        """The date an option like `--on` gives, or the as-of date when it gives none."""
        return self.date(text) if text else self.today

    def maybe_date(self, text: str | None, *, base: datetime.date | None = None
                   ) -> datetime.date | None:
        return None if text is None else self.date(text, base=base)

    def warn(self, message: str) -> None:
        """A warning shown on stderr once the command has succeeded."""
        self.warnings.append(message)

    def event(
        self,
        action: str,
        table: str,
        subject: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        on: datetime.date | None = None,
    ) -> None:
        from duchá.history.events import record

        record(self.session, actor=self.actor, action=action, table=table, subject=subject,
               before=before, after=after, on=on or self.today)
