"""The append-only history: every change is one event row."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from duchá.output import plain

if TYPE_CHECKING:
    from sqlmodel import Session


def snapshot(obj: Any, *, skip: tuple[str, ...] = ("id", "created_at")) -> dict[str, Any]:
    """A row's columns as JSON-ready values (dates as ISO text)."""
    return {k: plain(v) for k, v in obj.model_dump().items() if k not in skip}


def _dump(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=plain)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    table: str,
    subject: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    on: date | None,
) -> None:
    from duchá.models import Event

    session.add(Event(actor=actor, action=action, subject_table=table, subject=subject,
                      before=_dump(before), after=_dump(after), on=on))


def record_many(session: Session, events: list[dict[str, Any]]) -> None:
    """Many events in one executemany (bulk import): the same rows `record` writes.

    Each dict has actor, action, table, subject, before, after and on.  Written in bulk in
    order, so history reads exactly as if each had been recorded by `record`.
    """
    from datetime import UTC, datetime

    from duchá.bulk import insert_rows
    from duchá.models import Event

    now = datetime.now(UTC)
    rows = [{"at": now, "on": e["on"], "actor": e["actor"], "action": e["action"],
             "subject_table": e["table"], "subject": e["subject"],
             "before": _dump(e["before"]), "after": _dump(e["after"]),
             "prev_hash": None, "hash": None} for e in events]
    insert_rows(session, Event.__table__, rows)  # type: ignore[attr-defined]
