"""The context every service works in: one session (one transaction), who acts, and when."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from duchá.dates import WorkCalendar
    from duchá.errors import BadInput


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

    def deadline(self, text: str, *, base: datetime.date | None = None
                 ) -> datetime.date | None:
        """A due date or a deadline phrase of a 台账 (6月底前, 年底前); None for 长期."""
        from duchá.dates import parse_deadline

        return parse_deadline(text, today=self.today, base=base, calendar=self.calendar)

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

    @contextmanager
    def changing(self, table: str, record: Any, action: str, *,
                 on: datetime.date | None = None,
                 unchanged: BadInput | None = None) -> Iterator[dict[str, Any]]:
        """The one way to change a record and keep its history: the snapshot before, the
        body's change, the snapshot after and the event, in this transaction.

            with lg.changing("item", item, "close", on=day):
                item.status, item.closed_on = "done", day

        The body may put notes about the step (a reason, a verdict) in the yielded dict; they
        go into the event's `after` beside the snapshot.  With `unchanged`, a change that
        leaves the snapshot as it was raises that error.
        """
        from duchá.history.replay import KINDS, snap

        before = snap(self.session, table, record)
        notes: dict[str, Any] = {}
        yield notes
        self.session.add(record)
        self.session.flush()
        after = snap(self.session, table, record)
        if unchanged is not None and after == before:
            raise unchanged
        subject = str(after[KINDS[table].key])
        self.event(action, table, subject, before=before, after={**after, **notes}, on=on)
