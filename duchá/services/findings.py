"""Findings (发现问题) and their rectification (整改), from the day found to the day verified.

Lifecycle (DESIGN.md "Findings"):

    open ──plan──▶ rectifying ──rectify──▶ rectified ──verify──▶ verified
      │                                       │                     │
      └──────────rectify (立行立改)───────────▶│                     │
    reopened ◀──verify --fail (退回重办)───────┘                     │
    reopened ◀──reopen / lookback --result rebound (反弹)───────────┘

`reopened` behaves like `open`: a plan or a rectification moves it on.  Every transition is one
event with the finding's full snapshot before and after, so `show` replays the whole story.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from duchá import validation
from duchá.errors import BadInput
from duchá.rules import FINDING_RUNNING
from duchá.services import units
from duchá.services.numbers import find, next_number
from duchá.tables import RECORDS
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.models import Finding
    from duchá.services.ledger import Ledger

PREFIX = RECORDS["findings"].prefix or ""

# Each step: the statuses it starts from, and the command that takes it (for messages).
STEPS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "plan": (("open", "reopened"), "plan {n} TEXT", " (→ rectifying)"),
    "rectify": (("open", "rectifying", "reopened"), "rectify {n} --evidence TEXT",
                " (→ rectified)"),
    "verify": (("rectified",), "verify {n} --by NAME", " (→ verified)"),
    "verify-fail": (("rectified",), "verify {n} --fail --reason TEXT", " (→ reopened)"),
    "reopen": (("verified",), "reopen {n} --reason TEXT", " (→ reopened)"),
    "lookback": (("verified",), "lookback {n} --result ok|rebound", ""),
    "extend": (FINDING_RUNNING, "extend {n} --to DATE --reason TEXT", ""),
}
# Events that hang off a finding without moving its status (and may be dated freely).
SIDE_ACTIONS = ("extend", "extend-approve", "extend-reject", "account", "remind", "feedback")
VERBS = {"plan": "given a plan", "rectify": "reported rectified", "verify": "verified",
         "verify-fail": "sent back", "reopen": "reopened", "lookback": "looked back on",
         "extend": "extended"}


def get(lg: Ledger, ref: str) -> Finding:
    from duchá.models import Finding

    return find(lg.session, Finding, PREFIX, ref, "finding")


def next_steps(status: str, number: str = "N") -> list[str]:
    return [f"`duchá finding {how.format(n=number)}`{to}"
            for froms, how, to in STEPS.values() if status in froms]


def require(f: Finding, step: str) -> None:
    """Refuse an illegal transition, naming the steps that are allowed from here."""
    if f.status in STEPS[step][0]:
        return
    allowed = next_steps(f.status, f.number)
    hint = "; next: " + ", ".join(allowed) if allowed else ""
    raise BadInput(f"finding {f.number} is {f.status}; it cannot be {VERBS[step]}{hint}")


def snap(lg: Ledger, f: Finding) -> dict[str, Any]:
    """The finding's full snapshot, with its unit, inspection and item by their numbers."""
    from duchá.history import replay as history

    return history.snap(lg.session, "finding", f)


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput(f"empty {what}")
    return text


def _given(value: str | None, field: str, why: str) -> str:
    """A required text from an option: empty says which one, and why it is needed."""
    text = (value or "").strip()
    if not text:
        raise Invalid(field, f"empty «{field}»; {why}")
    return text


def _not_before_last(lg: Ledger, f: Finding, on: date) -> None:
    """A step may not be dated before the finding's previous step (its story runs forward)."""
    from sqlmodel import col, select

    from duchá.models import Event

    row = lg.session.exec(
        select(col(Event.action), col(Event.on))
        .where(col(Event.subject_table) == "finding", col(Event.subject) == f.number,
               col(Event.action).not_in(SIDE_ACTIONS), col(Event.on).is_not(None))
        .order_by(col(Event.on).desc(), col(Event.id).desc()).limit(1)
    ).first()
    if row is not None and row[1] is not None and on < row[1]:
        raise Invalid("on", f"{on} is before finding {f.number}'s last step ({row[0]} on "
                      f"{row[1]}); give «on» {row[1]} or later")


def add(
    lg: Ledger,
    *,
    text: str,
    unit: str,
    mode: str,
    found: date,
    due: date | None,
    severity: str = "general",
    inspection: str | None = None,
    item: str | None = None,
) -> dict[str, Any]:
    from sqlmodel import col, select

    from duchá.models import Finding, Inspection, InspectionTarget
    from duchá.services import items

    description = _text(text, "description; say what the problem is")
    u = units.resolve(lg, unit)
    due = validation.finding_due(lg, mode=mode, found=found, due=due)
    assert due is not None  # a command's long-term finding must say when (finding_due)
    insp = None
    if inspection:
        insp = find(lg.session, Inspection, "DC", inspection, "inspection")
        if found < insp.start:
            raise Invalid("on", f"the finding is dated {found}, before inspection {insp.number} "
                          f"started ({insp.start}); give «on» {insp.start} or later")
        targets = lg.session.exec(select(col(InspectionTarget.unit_id)).where(
            col(InspectionTarget.inspection_id) == insp.id)).all()
        if u.id not in targets:
            # An inspection may find problems beyond its targets: record it, but say so.
            lg.warn(f"{u.code} ({u.name}) was not among the targets of inspection "
                    f"{insp.number}; the finding was recorded anyway")
    it = items.get(lg, item) if item else None
    seq, number = next_number(lg.session, Finding, PREFIX, found.year)
    f = Finding(number=number, year=found.year, seq=seq, unit_id=u.id or 0,
                inspection_id=insp.id if insp else None, item_id=it.id if it else None,
                description=description, severity=severity, mode=mode, found_on=found, due=due)
    lg.session.add(f)
    lg.session.flush()
    lg.event("add", "finding", number, after=snap(lg, f), on=found)
    return query(lg, numbers=[number])[0]


def _row(lg: Ledger, f: Finding) -> dict[str, Any]:
    return query(lg, numbers=[f.number])[0]


def plan(lg: Ledger, ref: str, *, text: str, on: date) -> dict[str, Any]:
    f = get(lg, ref)
    require(f, "plan")
    _not_before_last(lg, f, on)
    with lg.changing("finding", f, "plan", on=on):
        f.plan_text = _text(text, "plan; give the unit's rectification plan (整改方案)")
        f.plan_on, f.status = on, "rectifying"
    return _row(lg, f)


def rectify(lg: Ledger, ref: str, *, evidence: str, on: date) -> dict[str, Any]:
    f = get(lg, ref)
    require(f, "rectify")
    _not_before_last(lg, f, on)
    with lg.changing("finding", f, "rectify", on=on):
        f.evidence = _given(evidence, "evidence", "say what proves the rectification")
        f.rectified_on, f.status = on, "rectified"
    return _row(lg, f)


def _reopen_due(lg: Ledger, f: Finding, due: date | None, on: date) -> None:
    if due is not None:
        if due < on:
            raise Invalid("due", f"new due date {due} is before {on}; give a later «due»")
        f.due = due


def verify(
    lg: Ledger, ref: str, *, by: str | None, on: date, lookback: date | None = None,
    fail: bool = False, reason: str | None = None, due: date | None = None,
) -> dict[str, Any]:
    """Pass (→ verified, optionally due for a look-back) or fail (退回重办 → reopened)."""
    f = get(lg, ref)
    require(f, "verify-fail" if fail else "verify")
    _not_before_last(lg, f, on)
    if fail:
        if lookback is not None:
            raise Invalid("lookback", "«lookback» goes with a passed verification, not with «fail»")
        why = _given(reason, "reason", "say why the rectification is sent back")
        with lg.changing("finding", f, "verify-fail", on=on) as notes:
            _reopen_due(lg, f, due, on)
            f.status = "reopened"
            # Not a column: the reason or verdict of this step, kept with the event.
            notes["note"] = f"{why} ({by.strip()})" if by and by.strip() else why
        return _row(lg, f)
    if due is not None:
        raise Invalid("due", "«due» goes with «fail» (a new due date for the redo)")
    who = _given(by, "by", "say who re-checked the rectification (复核人)")
    if lookback is not None and lookback <= on:
        raise Invalid("lookback", f"look-back date {lookback} is not after the verification date "
                      f"{on}; give a later «lookback», e.g. +3m")
    with lg.changing("finding", f, "verify", on=on):
        f.status, f.verified_on, f.verified_by = "verified", on, who
        # A new verification starts a new look-back: the old one's result is in the history.
        f.lookback_due, f.lookback_on, f.lookback_result = lookback, None, None
    return _row(lg, f)


def reopen(
    lg: Ledger, ref: str, *, reason: str, on: date, due: date | None = None
) -> dict[str, Any]:
    """A verified problem came back (反弹): the unit must rectify it again."""
    f = get(lg, ref)
    require(f, "reopen")
    _not_before_last(lg, f, on)
    why = _given(reason, "reason", "say how the problem came back")
    with lg.changing("finding", f, "reopen", on=on) as notes:
        _reopen_due(lg, f, due, on)
        f.status = "reopened"
        notes["note"] = why
    return _row(lg, f)


def lookback(
    lg: Ledger, ref: str, *, result: str, on: date, note: str | None = None,
    due: date | None = None,
) -> dict[str, Any]:
    """Record a look-back (回头看): ok keeps it verified, rebound reopens it."""
    f = get(lg, ref)
    require(f, "lookback")
    _not_before_last(lg, f, on)
    if result not in ("ok", "rebound"):
        raise BadInput(f"unknown look-back result '{result}'; use ok or rebound")
    if result != "rebound" and due is not None:
        raise Invalid("due", "«due» goes with «result» rebound (a new due date for the redo)")
    with lg.changing("finding", f, "lookback", on=on) as notes:
        f.lookback_on, f.lookback_result = on, result
        if result == "rebound":
            _reopen_due(lg, f, due, on)
            f.status = "reopened"
        if (note or "").strip():
            notes["note"] = (note or "").strip()
    return _row(lg, f)


LIST_COLUMNS = (
    "number", "unit", "description", "severity", "mode", "found_on", "due", "status", "light",
    "days_overdue", "inspection", "item",
)


def query(
    lg: Ledger,
    *,
    status: str | None = None,
    unit: str | None = None,
    light: str | None = None,
    mode: str | None = None,
    inspection: str | None = None,
    item: str | None = None,
    overdue: bool = False,
    numbers: list[str] | None = None,
    unfinished: bool = False,
) -> list[dict[str, Any]]:
    """Finding rows with their light as of the ledger's date, answered by SQL: unfinished
    ones first, by due date; with `unfinished`, only those (not yet verified).

    The light is rules.LIGHTS["finding"] compiled to SQL; --light and --overdue (= red)
    filter on that same expression, so a filter keeps what it shows.
    """
    from duchá import lights_sql
    from duchá.rules import FINDING_UNFINISHED
    from duchá.services.numbers import locate
    from duchá.storage.sql import Where, quote

    sql = lg.sql
    today = lg.today
    lit = lights_sql.light_text(lg, "finding")
    unfinished_codes = ", ".join(quote(s) for s in FINDING_UNFINISHED)
    where = Where()
    where.equal({
        "finding.status": status,
        "finding.mode": mode,
        "finding.unit_id": units.resolve(lg, unit).id if unit else None,
        "finding.inspection_id": (locate(sql, "inspection", "DC", inspection, "inspection")[0]
                                  if inspection else None),
        "finding.item_id": (locate(sql, "item", RECORDS["items"].prefix or "", item, "item")[0]
                            if item else None),
    })
    if unfinished:
        where.add(f"finding.status IN ({unfinished_codes})")
    where.light(lit, overdue=overdue, light=light)
    where.among("finding.number", numbers)
    query = f"""
        SELECT finding.number AS number, u.code AS unit, finding.description AS description,
               finding.severity AS severity, finding.mode AS mode,
               finding.found_on AS found_on, finding.due AS due, finding.status AS status,
               {lit} AS light, ins.number AS inspection, it.number AS item,
               finding.plan_text AS plan_text, finding.plan_on AS plan_on,
               finding.rectified_on AS rectified_on, finding.evidence AS evidence,
               finding.verified_on AS verified_on, finding.verified_by AS verified_by,
               finding.lookback_due AS lookback_due, finding.lookback_on AS lookback_on,
               finding.lookback_result AS lookback_result, finding.id AS id
        FROM finding JOIN unit u ON u.id = finding.unit_id
        LEFT JOIN inspection ins ON ins.id = finding.inspection_id
        LEFT JOIN item it ON it.id = finding.item_id
        {where.clause()}
        ORDER BY CASE WHEN finding.status IN ({unfinished_codes}) THEN 0 ELSE 1 END,
                 CASE WHEN finding.due IS NULL THEN 1 ELSE 0 END, finding.due, finding.number
    """
    out = []
    for d in sql.dicts(query, where.params, dates=FINDING_DATES):
        d["days_overdue"] = (today - d["due"]).days if d["light"] == "red" else 0
        out.append(d)
    return out


FINDING_DATES = ("found_on", "due", "plan_on", "rectified_on", "verified_on", "lookback_due",
                 "lookback_on")
SHOW_DETAIL = {"add": "description", "plan": "plan_text", "rectify": "evidence",
               "verify": "verified_by", "lookback": "lookback_result"}


def history(lg: Ledger, table: str, number: str) -> list[dict[str, Any]]:
    """Every event of one record, oldest first: date, step, status after it, who, detail."""
    import json

    from duchá.storage.sql import day, stamp
    from duchá.vocab import NOTICE_LEVEL

    rows = []
    for on, action, after_text, actor, at in lg.sql.rows(
            'SELECT "on", action, after, actor, at FROM event '
            "WHERE subject_table = :table AND subject = :subject ORDER BY id",
            {"table": table, "subject": number}):
        after = json.loads(after_text) if after_text else {}
        detail = after.get("note") or after.get(SHOW_DETAIL.get(action, ""), None)
        if action.startswith("extend") and "extension" in after:
            x = after["extension"]
            detail = f"{x['old_due']} → {x['to_date']}: {x['reason']} ({x['status']})"
        elif action == "account" and "accountability" in after:
            a = after["accountability"]
            detail = f"{a['who']}: {a['measure']}"
        elif action == "remind" and "reminder" in after:
            r = after["reminder"]
            detail = f"{r['notice']} {NOTICE_LEVEL.zh(r['level'])}" + (
                f", reply by {r['reply_by']}" if r.get("reply_by") else "")
        elif action == "feedback" and "feedback" in after:
            fb = after["feedback"]
            said = [fb.get("progress") or "", "申请办结" if fb.get("claim") else "",
                    f"需协调: {fb['coordination']}" if fb.get("coordination") else ""]
            detail = f"{fb['form']}: " + "; ".join(x for x in said if x)
        rows.append({"on": day(on), "action": action, "status": after.get("status"),
                     "due": after.get("due"), "actor": actor, "detail": detail,
                     "at": stamp(at)})
    return rows
