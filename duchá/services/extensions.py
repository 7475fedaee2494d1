"""Extensions (延期) and accountability (问责): records that hang off an item or a finding.

An extension is asked for before the current due date, to a later date, and decided once;
only an approved one moves the due date.  Each step is an event on the subject (the item's or
finding's number) whose `after` is the subject's full snapshot plus the changed child record
under "extension" or "accountability".
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.history.events import snapshot
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger

KINDS = ("item", "finding")


def _subject(lg: Ledger, kind: str, ref: str) -> Any:
    """The item or finding that `ref` names."""
    if kind == "item":
        from duchá.services import items

        return items.get(lg, ref)
    from duchá.services import findings

    return findings.get(lg, ref)


def _running(kind: str, obj: Any) -> bool:
    from duchá.rules import FINDING_RUNNING

    return obj.status == "open" if kind == "item" else obj.status in FINDING_RUNNING


def _pending(lg: Ledger, kind: str, obj: Any) -> Any:
    from sqlmodel import col, select

    from duchá.models import Extension

    return lg.session.exec(select(Extension).where(
        col(Extension.subject_table) == kind, col(Extension.subject_id) == obj.id,
        col(Extension.status) == "pending")).first()


def _start(kind: str, obj: Any) -> date | None:
    """When the work began: an item's assigned date (None when unknown), a finding's date."""
    start: date | None = obj.assigned if kind == "item" else obj.found_on
    return start


def request(
    lg: Ledger, kind: str, ref: str, *, to: date, reason: str, on: date
) -> dict[str, Any]:
    from duchá.models import Extension

    obj = _subject(lg, kind, ref)
    if not _running(kind, obj):
        raise BadInput(f"{kind} {obj.number} is {obj.status}; only running work can be "
                       "extended")
    why = (reason or "").strip()
    if not why:
        raise Invalid("reason", "empty «reason»; say why more time is needed")
    start = _start(kind, obj)
    if start is not None and on < start:
        raise BadInput(f"request dated {on} is before {kind} {obj.number} began "
                       f"({_start(kind, obj)})")
    if obj.due is not None and on > obj.due:
        raise BadInput(f"{kind} {obj.number} fell due on {obj.due}; an extension must be asked "
                       f"before the due date, not on {on}")
    if obj.due is not None and to <= obj.due:
        raise Invalid("to", f"«to» {to} is not after the current due date {obj.due}; "
                       "an extension asks for a later date")
    if to <= on:
        # Work with no due date (长期) has nothing to compare with; approved, such a date would
        # put the due date before the start, which the ledger refuses.
        raise Invalid("to", f"«to» {to} is not after the request date {on}; "
                       "an extension asks for a later date")
    if _pending(lg, kind, obj) is not None:
        raise BadInput(f"{kind} {obj.number} already has an extension awaiting a decision; "
                       f"`duchá {kind} extend {obj.number} --approve|--reject --by NAME` first")
    with lg.changing(kind, obj, "extend", on=on) as notes:
        ext = Extension(subject_table=kind, subject_id=obj.id, requested_on=on,
                        old_due=obj.due, to_date=to, reason=why)
        lg.session.add(ext)
        lg.session.flush()
        notes["extension"] = snapshot(ext)
    return _row(obj, ext)


def decide(
    lg: Ledger, kind: str, ref: str, *, approve: bool, by: str, on: date
) -> dict[str, Any]:
    obj = _subject(lg, kind, ref)
    ext = _pending(lg, kind, obj)
    if ext is None:
        raise BadInput(f"{kind} {obj.number} has no extension awaiting a decision; "
                       f"request one with `duchá {kind} extend {obj.number} --to DATE "
                       "--reason TEXT`")
    who = (by or "").strip()
    if not who:
        raise Invalid("by", "empty «by»; say who decided the extension")
    if on < ext.requested_on:
        raise BadInput(f"decision dated {on} is before the request ({ext.requested_on})")
    action = "extend-approve" if approve else "extend-reject"
    with lg.changing(kind, obj, action, on=on) as notes:
        ext.status = "approved" if approve else "rejected"
        ext.decided_by, ext.decided_on = who, on
        if approve:
            obj.due = ext.to_date
        lg.session.add(ext)
        lg.session.flush()
        notes["extension"] = snapshot(ext)
    return _row(obj, ext)


def _row(obj: Any, ext: Any) -> dict[str, Any]:
    return {"number": obj.number, "due": obj.due, **_ext_row(ext)}


def _ext_row(ext: Any) -> dict[str, Any]:
    return {"requested_on": ext.requested_on, "old_due": ext.old_due, "to_date": ext.to_date,
            "reason": ext.reason, "decision": ext.status, "decided_by": ext.decided_by,
            "decided_on": ext.decided_on}


def extensions_of(lg: Ledger, kind: str, subject_id: int) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    from duchá.models import Extension

    rows = lg.session.exec(select(Extension).where(
        col(Extension.subject_table) == kind, col(Extension.subject_id) == subject_id)
        .order_by(col(Extension.id))).all()
    return [_ext_row(x) for x in rows]


def account(
    lg: Ledger, kind: str, ref: str, *, who: str, measure: str, basis: str, on: date
) -> dict[str, Any]:
    """Record an accountability measure (问责) over an item or a finding."""
    from duchá.models import Accountability

    obj = _subject(lg, kind, ref)
    values: dict[str, Any] = {}
    for name, value, what in (("who", who, "say who is held accountable"),
                              ("measure", measure, "say what measure was taken"),
                              ("basis", basis, "give the rule or document it rests on")):
        text = (value or "").strip()
        if not text:
            raise BadInput(f"empty --{name}; {what}")
        values[name] = text
    start = _start(kind, obj)
    if start is not None and on < start:
        raise BadInput(f"accountability dated {on} is before {kind} {obj.number} began "
                       f"({_start(kind, obj)})")
    with lg.changing(kind, obj, "account", on=on) as notes:
        rec = Accountability(subject_table=kind, subject_id=obj.id, on=on, **values)
        lg.session.add(rec)
        lg.session.flush()
        notes["accountability"] = snapshot(rec)
    return {"number": obj.number, **_acc_row(rec)}


def _acc_row(rec: Any) -> dict[str, Any]:
    return {"who": rec.who, "measure": rec.measure, "basis": rec.basis, "on": rec.on}


def accountability_of(lg: Ledger, kind: str, subject_id: int) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    from duchá.models import Accountability

    rows = lg.session.exec(select(Accountability).where(
        col(Accountability.subject_table) == kind, col(Accountability.subject_id) == subject_id)
        .order_by(col(Accountability.on), col(Accountability.id))).all()
    return [_acc_row(x) for x in rows]


def accountability_rows(lg: Ledger) -> list[dict[str, Any]]:
    """Every accountability record with its subject's number and unit (for export)."""
    from sqlalchemy import label, select
    from sqlmodel import col

    from duchá.models import Accountability, Finding, Item, Unit

    out = []
    for kind, model, unit_col in (("item", Item, col(Item.lead_unit_id)),
                                  ("finding", Finding, col(Finding.unit_id))):
        stmt = (select(col(model.number), label("unit", col(Unit.code)), col(Accountability.who),
                       col(Accountability.measure), col(Accountability.basis),
                       col(Accountability.on))
                .join(model, col(model.id) == col(Accountability.subject_id))
                .join(Unit, col(Unit.id) == unit_col)
                .where(col(Accountability.subject_table) == kind))
        for r in lg.session.execute(stmt).mappings():
            out.append({"subject": f"{kind} {r['number']}", **dict(r)})
    out.sort(key=lambda r: (r["on"], r["subject"]))
    return out
