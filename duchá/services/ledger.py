"""The context every service works in: one transaction, who acts, and when."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from duchá.dates import WorkCalendar
    from duchá.errors import BadInput
    from duchá.storage.sql import Sql


class Ledger:
    """Services take a Ledger; they never commit (the command's scope does, once).

    Two ways into the same transaction: `sql` runs SQL text (storage/sql.py) for the reads
    that need no ORM objects, `session` is the SQLModel session for writes and the other
    reads.  On a ledger file the command opens only the driver's connection, and the session
    is made on that connection the first time a service asks for it (`open_session`), so a
    command that only reads with SQL text never loads SQLAlchemy.
    """

    def __init__(self, *, actor: str, today: datetime.date, session: Session | None = None,
                 sql: Sql | None = None,
                 open_session: Callable[[], Session] | None = None) -> None:
        self.actor = actor
        self.today = today
        self.warnings: list[str] = []
        self.cache: dict[str, Any] = {}  # what a service reads once per command (units)
        self._session = session
        self._sql = sql
        self._open_session = open_session
        self._calendar: WorkCalendar | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            if self._open_session is None:
                raise RuntimeError("this ledger has no session")
            self._session = self._open_session()
        return self._session

    @property
    def sql(self) -> Sql:
        """SQL text in this transaction, seeing every change the session has made."""
        if self._session is not None:
            self._session.flush()
        if self._sql is None:
            from duchá.storage.sql import on_session

            self._sql = on_session(self.session)
        return self._sql

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            from duchá.dates import WorkCalendar

            rows = self.sql.rows("SELECT day, workday FROM calendar_override")
            self._calendar = WorkCalendar({  # ISO text on SQLite, a date on a server
                d if isinstance(d, date) else date.fromisoformat(d): bool(w) for d, w in rows})
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

        record(self.sql, actor=self.actor, action=action, table=table, subject=subject,
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


def cancel(lg: Ledger, table: str, record: Any, reason: str, *, name: str, noun: str) -> None:
    """The cancel step (撤销) of items and plan entries: a record is cancelled once, and only
    with a reason, which it keeps and its history records.  `name` says which record in an
    error, `noun` what kind it is."""
    from duchá.errors import BadInput
    from duchá.validation import Invalid

    if record.status == "cancelled":
        raise BadInput(f"{name} is already cancelled")
    if not (reason or "").strip():
        raise Invalid("reason", f"empty «reason»; say why the {noun} is cancelled")
    with lg.changing(table, record, "cancel"):
        record.status, record.cancel_reason = "cancelled", reason.strip()
