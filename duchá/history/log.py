"""`duchá log`: the history as rows, oldest first, for one record, unit or setting or all."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


def _changes(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if after is None and before is not None:
        return "deleted"
    if before is None:
        pairs = [f"{k}={_plainval(v)}" for k, v in sorted((after or {}).items())
                 if v not in (None, [], "")]
        text = ", ".join(pairs)
        return text if len(text) <= 200 else text[:197] + "..."
    parts = []
    for k in sorted(set(before) | set(after or {})):
        old, new = before.get(k), (after or {}).get(k)
        if old != new:
            parts.append(f"{k}: {_plainval(old)} → {_plainval(new)}")
    return "; ".join(parts)


def _plainval(v: Any) -> str:
    if v is None:
        return "∅"
    if isinstance(v, list):
        return ",".join(str(x) for x in v) or "∅"
    return str(v)


def log(
    lg: Ledger,
    *,
    subject: str | None = None,
    table: str | None = None,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Events, oldest first: all, or one record's (by its number, code or key)."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from duchá.errors import BadInput, NotFound
    from duchá.models import Event

    stmt = select(Event)
    if table:
        stmt = stmt.where(col(Event.subject_table) == table)
    if subject is not None:
        want = subject.strip()
        if not want:
            raise BadInput("empty subject; give a record number, unit code or setting key")
        match = func.lower(col(Event.subject)) == want.lower()
        if lg.session.exec(select(col(Event.id)).where(match).limit(1)).first() is None:
            from duchá.services import units

            try:  # a unit may be named the way every other command accepts it
                want = units.resolve(lg, want).code
            except BadInput:
                raise NotFound(f"no history for '{subject}'; give a record number "
                               "(DB-2026-0001), a unit code or a setting key") from None
            match = col(Event.subject) == want
        stmt = stmt.where(match)
    if since is not None:
        stmt = stmt.where(col(Event.on) >= since)
    stmt = stmt.order_by(col(Event.id))
    rows = []
    for e in lg.session.exec(stmt):
        before = json.loads(e.before) if e.before else None
        after = json.loads(e.after) if e.after else None
        rows.append({
            "id": e.id, "at": e.at.isoformat(timespec="seconds"), "on": e.on,
            "actor": e.actor, "action": e.action, "table": e.subject_table,
            "subject": e.subject, "changes": _changes(e.action, before, after),
            "before": before, "after": after, "hash": e.hash,
        })
    return rows
