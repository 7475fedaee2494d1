"""Feedback forms (反馈表), the office's weekly round with the units: each unit gets the list
of its running work (`form out`), fills in its progress and sends it back (`form in`), and
the clerk sees who answered and who is late (`form status`).

A round (FK-2026-001) records the day it was issued, the day the forms are due back and one
form per unit (FK-2026-001-03) with the record numbers it carries.  A returned form is
checked whole before anything is written: every number must be on that unit's form of that
round.  Its answers are kept as they came (models.Feedback, an event on the record), a
progress note goes on the item as a note typed by the clerk would, and a completion claim
(申请办结) is only listed for the clerk to confirm with `item close` or `finding rectify`:
the office re-checks what a unit says it has done before anything is closed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.models import FormRound, FormSheet
    from duchá.services.ledger import Ledger
    from duchá.transfer.forms import Returned

PREFIX = "FK"  # 反馈: rounds FK-2026-001, their forms FK-2026-001-01
WIDTH = 3


def get_round(lg: Ledger, ref: str | None) -> FormRound:
    """The round `ref` names (FK-2026-001 or its sequence), or the latest one."""
    from sqlmodel import col, select

    from duchá.models import FormRound
    from duchá.services.numbers import find

    if ref is not None:
        return find(lg.session, FormRound, PREFIX, ref, "round")
    latest = lg.session.exec(select(FormRound).order_by(col(FormRound.issued_on).desc(),
                                                        col(FormRound.id).desc())).first()
    if latest is None:
        raise BadInput("no round of feedback forms yet; `duchá form out -o DIR` sends one")
    return latest


# ---------------------------------------------------------------- form out


def running(lg: Ledger) -> dict[int, list[dict[str, Any]]]:
    """The running work of each unit (by id), as its form lists it: the open items it leads
    or shares, then the findings at it still to rectify, each by due date, with its light as
    of the as-of date and its latest progress."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from duchá.models import Feedback, Finding, Progress, Unit
    from duchá.rules import FINDING_RUNNING
    from duchá.services import findings, items

    ids = dict(lg.session.execute(select(col(Unit.code), col(Unit.id))).all())
    last_note = _latest(lg, select(col(Progress.item_id), col(Progress.on), col(Progress.text),
                                   col(Progress.percent),
                                   func.row_number().over(
                                       partition_by=col(Progress.item_id),
                                       order_by=(col(Progress.on).desc(),
                                                 col(Progress.id).desc())).label("rn")))
    last_answer = _latest(lg, select(col(Feedback.finding_id), col(Feedback.on),
                                     col(Feedback.progress), col(Feedback.percent),
                                     func.row_number().over(
                                         partition_by=col(Feedback.finding_id),
                                         order_by=(col(Feedback.on).desc(),
                                                   col(Feedback.id).desc())).label("rn"))
                          .where(col(Feedback.finding_id).is_not(None),
                                 col(Feedback.progress).is_not(None)))
    out: dict[int, list[dict[str, Any]]] = {}
    for r in items.query(lg, unfinished=True):
        if r["assigned"] is not None and r["assigned"] > lg.today:
            continue  # (an unknown assignment date counts as long since)
        row = {"kind": "item", "number": r["number"], "title": r["title"], "due": r["due"],
               "light": r["light"], "last": _said(last_note.get(r["id"]))}
        codes = [r["lead_unit"], *(c for c in r["units"].split(";") if c)]
        for code in dict.fromkeys(codes):
            out.setdefault(ids[code], []).append(row)
    numbers = {}
    for r in findings.query(lg, unfinished=True):
        if r["status"] not in FINDING_RUNNING or r["found_on"] > lg.today:
            continue
        numbers[r["number"]] = r
    finding_ids = dict(lg.session.execute(
        select(col(Finding.number), col(Finding.id))
        .where(col(Finding.number).in_(list(numbers)))).all()) if numbers else {}
    for number, r in numbers.items():
        answer = last_answer.get(finding_ids[number])
        plan = f"{r['plan_on']} 整改方案：{r['plan_text']}" if r["plan_text"] else None
        out.setdefault(ids[r["unit"]], []).append(
            {"kind": "finding", "number": number, "title": r["description"], "due": r["due"],
             "light": r["light"], "last": _said(answer) or plan})
    return out


def _latest(lg: Ledger, ranked: Any) -> dict[int, tuple[date, str, int | None]]:
    from sqlalchemy import select

    sub = ranked.subquery()
    stmt = select(*[c for c in sub.c if c.name != "rn"]).where(sub.c.rn == 1)
    return {r[0]: (r[1], r[2], r[3]) for r in lg.session.execute(stmt)}


def _said(note: tuple[date, str, int | None] | None) -> str | None:
    if note is None:
        return None
    on, text, percent = note
    return f"{on} {text}" + (f"（{percent}%）" if percent is not None else "")


def out(lg: Ledger, *, units: list[str] | None, due: date) -> list[dict[str, Any]]:
    """A new round: one form per unit with running work (or per unit named), recorded with
    the day it is issued (the as-of date) and due back.  The forms' contents, for the
    files."""
    from duchá.models import FormRound, FormSheet
    from duchá.services import units as unit_service
    from duchá.services.numbers import next_number

    issued = lg.today
    if due < issued:
        raise Invalid("due", f"«due» {due} is before the day the forms go out ({issued}); "
                      "give a later date")
    work = running(lg)
    if units:
        chosen = unit_service.resolve_many(lg, units)
        for u in chosen:
            if u.id not in work:
                lg.warn(f"{u.code} ({u.name}) has no running items or findings: no form for it")
    else:
        chosen = [u for u in unit_service._all(lg) if u.id in work]
    chosen = sorted((u for u in chosen if u.id in work), key=lambda u: u.code)
    if not chosen:
        raise BadInput("no unit has running items or findings as of "
                       f"{issued}; there is nothing to send")
    seq, number = next_number(lg.session, FormRound, PREFIX, issued.year, WIDTH)
    rnd = FormRound(number=number, year=issued.year, seq=seq, issued_on=issued, due=due)
    lg.session.add(rnd)
    lg.session.flush()
    lg.event("add", "round", number, after=_snap(lg, "round", rnd), on=issued)
    forms = []
    for k, u in enumerate(chosen, start=1):
        assert u.id is not None and rnd.id is not None  # stored rows
        rows = sorted(work[u.id], key=lambda r: (r["kind"] != "item", r["due"] or date.max,
                                                 r["number"]))
        sheet = FormSheet(number=f"{number}-{k:02d}", round_id=rnd.id, unit_id=u.id,
                          records=";".join(r["number"] for r in rows))
        lg.session.add(sheet)
        lg.session.flush()
        lg.event("add", "form", sheet.number, after=_snap(lg, "form", sheet), on=issued)
        forms.append({"form": sheet.number, "round": number, "unit": u.code,
                      "unit_name": u.name, "issued_on": issued, "due": due, "rows": rows})
    return forms


def _snap(lg: Ledger, table: str, record: Any) -> dict[str, Any]:
    from duchá.history import replay as history

    return history.snap(lg.session, table, record)


# ---------------------------------------------------------------- form in


class _Checked:
    """One returned form, checked: its form and round, and its answers ready to record."""

    def __init__(self, returned: Returned, sheet: FormSheet, rnd: FormRound, unit: str,
                 short: str) -> None:
        self.returned, self.sheet, self.round, self.unit = returned, sheet, rnd, unit
        self.short = short  # the unit's short name, for its notes on items it shares
        self.answers: list[dict[str, Any]] = []
        self.errors: list[str] = []


def read_in(lg: Ledger, returned: list[Returned]) -> list[dict[str, Any]]:
    """Record the returned forms: every row of every file is checked first, and one bad row
    records nothing at all (BadInput naming the file and the row).  A form read again
    records only what differs from what it said before: the same form, nothing.

    One row per file: what it held and what was recorded, and the claims and the questions
    for coordination among what was recorded (for the clerk to act on)."""
    checked = [_check(lg, r) for r in returned]
    seen: dict[str, str] = {}
    for c in checked:
        if c.sheet.number in seen and not c.errors:
            c.errors.append(f"it is form {c.sheet.number} again, as {seen[c.sheet.number]}; "
                            "give each form once")
        seen.setdefault(c.sheet.number, str(c.returned.path))
    bad = [c for c in checked if c.errors]
    if bad:
        first = bad[0]
        shown = first.errors[:5]
        more = len(first.errors) - len(shown)
        others = [str(c.returned.path) for c in bad[1:]]
        raise BadInput(
            f"{first.returned.path}: {' | '.join(shown)}"
            + (f" | ... and {more} more" if more > 0 else "")
            + (f"; also refused: {', '.join(others)}" if others else "")
            + "; nothing was recorded: correct the form or leave it out, and read again")
    return [_record(lg, c) for c in checked]


def _check(lg: Ledger, returned: Returned) -> _Checked:
    from sqlmodel import col, select

    from duchá.models import FormRound, FormSheet, Unit

    number = returned.meta["form"]
    sheet = lg.session.exec(select(FormSheet).where(col(FormSheet.number) == number)).first()
    if sheet is None:
        raise BadInput(f"{returned.path}: form {number} was not sent from this ledger; "
                       "`duchá form status` lists the forms of a round")
    rnd = lg.session.get(FormRound, sheet.round_id)
    unit = lg.session.get(Unit, sheet.unit_id)
    assert rnd is not None and unit is not None  # foreign keys
    from duchá.services.units import short_name

    c = _Checked(returned, sheet, rnd, unit.code, short_name(unit))
    said = returned.meta.get("unit")
    if said is not None and said != unit.code:
        c.errors.append(f"it says unit {said} but form {number} went to {unit.code} "
                        f"({unit.name})")
    if lg.today < rnd.issued_on:
        raise BadInput(f"{returned.path}: read as of {lg.today}, before form {number} was "
                       f"sent ({rnd.issued_on}); read it as of the day it came back "
                       "(`duchá --as-of DATE form in FILE`)")
    carried = sheet.records.split(";") if sheet.records else []
    where: dict[str, int] = {}
    noun = returned.noun
    for line, values in returned.rows:
        n = (values.get("number") or "").strip()
        filled = {k: values.get(k) for k in ("progress", "percent", "claim", "done_on",
                                             "evidence", "coordination")}
        if not n:
            if any(filled.values()):
                c.errors.append(f"{noun} {line}: no 编号; keep the number of each record")
            continue
        if n not in carried:
            owner = _owner(lg, n)
            c.errors.append(f"{noun} {line}: {n} is not on this form (form {number} of "
                            f"{unit.code}){owner}")
            continue
        if n in where:
            c.errors.append(f"{noun} {line}: {n} again (first on {noun} {where[n]})")
            continue
        where[n] = line
        answer = _answer(lg, c, noun, line, n, filled)
        if answer is not None:
            c.answers.append(answer)
    return c


def _owner(lg: Ledger, number: str) -> str:
    """Whose record a number is, for the message about a number on the wrong form."""
    from duchá.services import findings, items

    try:
        if number.upper().startswith("WT"):
            f = findings.query(lg, numbers=[findings.get(lg, number).number])[0]
            return f" but a finding at {f['unit']}"
        it = items.query(lg, numbers=[items.get(lg, number).number])[0]
        return f" but an item of {it['lead_unit']}"
    except BadInput:
        return " nor in the ledger"


_PERCENT = re.compile(r"^(\d{1,3})(?:\.0+)?\s*[%％]?$")


def _answer(lg: Ledger, c: _Checked, noun: str, line: int, number: str,
            filled: dict[str, str | None]) -> dict[str, Any] | None:
    """One row's answer, typed, or None when the unit left it empty; errors go to `c`."""
    from duchá.services import findings, items

    if not any(filled.values()):
        return None
    at = f"{noun} {line} ({number})"
    ok = True
    kind = "finding" if number.upper().startswith("WT") else "item"
    record: Any
    if kind == "finding":
        record = findings.get(lg, number)
        start = record.found_on
    else:
        record = items.get(lg, number)
        start = record.assigned
    percent = None
    if filled["percent"] is not None:
        m = _PERCENT.match(filled["percent"])
        if m is None or int(m[1]) > 100:
            c.errors.append(f"{at}: 完成进度 '{filled['percent']}' is not a whole number "
                            "from 0 to 100")
            ok = False
        else:
            percent = int(m[1])
    claim = False
    if filled["claim"] is not None:
        from duchá.vocab import YES_NO

        try:
            claim = YES_NO.parse(filled["claim"]) == "true"
        except BadInput:
            c.errors.append(f"{at}: 申请办结 '{filled['claim']}' is not 是 or 否")
            ok = False
    done_on = None
    if filled["done_on"] is not None:
        try:
            done_on = lg.date(filled["done_on"])
        except BadInput as exc:
            c.errors.append(f"{at}: 完成日期: {exc.message}")
            ok = False
        else:
            if not claim:
                c.errors.append(f"{at}: 完成日期 given but 申请办结 is not 是; say 是 or "
                                "clear the date")
                ok = False
            elif done_on > lg.today:
                c.errors.append(f"{at}: 完成日期 {done_on} is after the day the form came "
                                f"back ({lg.today})")
                ok = False
            elif start is not None and done_on < start:
                c.errors.append(f"{at}: 完成日期 {done_on} is before the {kind} began "
                                f"({start})")
                ok = False
    progress = _text(filled["progress"])
    if percent is not None and progress is None:
        c.errors.append(f"{at}: 完成进度 given without 本期进展; say what was done")
        ok = False
    if not ok:
        return None
    return {"kind": kind, "number": number, "record": record, "progress": progress,
            "percent": percent, "claim": bool(claim), "done_on": done_on if claim else None,
            "evidence": _text(filled["evidence"]),
            "coordination": _text(filled["coordination"])}


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


ANSWER_FIELDS = ("progress", "percent", "claim", "done_on", "evidence", "coordination")


def _record(lg: Ledger, c: _Checked) -> dict[str, Any]:
    from sqlmodel import col, select

    from duchá.history.replay import feedback_note
    from duchá.models import Feedback
    from duchá.services import items

    on = lg.today
    sheet = c.sheet
    before = {}
    for fb in lg.session.exec(select(Feedback).where(col(Feedback.sheet_id) == sheet.id)
                              .order_by(col(Feedback.id))):
        before[(fb.item_id, fb.finding_id)] = tuple(getattr(fb, k) for k in ANSWER_FIELDS)
    recorded: list[dict[str, Any]] = []
    unchanged = 0
    for a in c.answers:
        rec = a["record"]
        key = (rec.id, None) if a["kind"] == "item" else (None, rec.id)
        if before.get(key) == tuple(a[k] for k in ANSWER_FIELDS):
            unchanged += 1
            continue
        fb = Feedback(sheet_id=sheet.id or 0, on=on,
                      **{k: a[k] for k in ANSWER_FIELDS},
                      **({"item_id": rec.id} if a["kind"] == "item" else
                         {"finding_id": rec.id}))
        note = None
        if a["kind"] == "item" and a["progress"] is not None:
            if rec.status == "open":
                # The lead unit answers for the item and its percent; a unit that shares it
                # says what it did, under its name (its percent stays with its answer).
                lead = rec.lead_unit_id == sheet.unit_id
                note = a["progress"] if lead else f"{c.short}：{a['progress']}"
                items.progress(lg, rec.number, text=note, on=on,
                               percent=a["percent"] if lead else None)
            else:
                lg.warn(f"item {rec.number} is {rec.status}: {c.unit}'s progress on it is kept "
                        "with the form but not added as a progress note")
        with lg.changing(a["kind"], rec, "feedback", on=on) as notes:
            lg.session.add(fb)
            lg.session.flush()
            notes["feedback"] = feedback_note(fb, sheet.number)
        recorded.append({**{k: a[k] for k in ANSWER_FIELDS}, "kind": a["kind"],
                         "number": rec.number, "unit": c.unit, "form": sheet.number,
                         "on": on, "note": note, "status": rec.status})
    first = sheet.returned_on is None
    if first:
        with lg.changing("form", sheet, "return", on=on):
            sheet.returned_on = on
    from duchá.rules import form_state

    state = form_state(c.round.due, sheet.returned_on, on)
    return {"file": str(c.returned.path), "form": sheet.number, "round": c.round.number,
            "unit": c.unit, "returned_on": sheet.returned_on, "state": state,
            "answers": len(c.answers), "recorded": len(recorded), "unchanged": unchanged,
            "claimed": sum(1 for r in recorded if r["claim"]),
            "flagged": sum(1 for r in recorded if r["coordination"]),
            "rows": recorded, "again": not first}


def confirm_hint(kind: str, number: str, done_on: date | None, evidence: str | None) -> str:
    """The command that confirms a unit's completion claim, once the office has checked it."""
    on = f" --on {done_on}" if done_on else ""
    if kind == "item":
        return f"duchá item close {number}{on}"
    proof = (evidence or "单位申请办结").replace('"', "'")
    return f'duchá finding rectify {number} --evidence "{proof}"{on}'


def answers_of(lg: Ledger, kind: str, record_id: int) -> list[dict[str, Any]]:
    """The units' answers on one record, oldest first (for `item show`, `finding show`); an
    answer asking for coordination is flagged 需协调."""
    column = "item_id" if kind == "item" else "finding_id"
    rows = lg.sql.dicts(
        'SELECT s.number AS form, f."on" AS "on", f.progress AS progress, '
        "f.percent AS percent, f.claim AS claim, f.done_on AS done_on, "
        "f.evidence AS evidence, f.coordination AS coordination "
        "FROM feedback f JOIN form_sheet s ON s.id = f.sheet_id "
        f'WHERE f.{column} = :record ORDER BY f."on", f.id', {"record": record_id},
        convert={"claim": bool}, dates=("on", "done_on"))
    return [{**r, "flag": "需协调" if r["coordination"] else ""} for r in rows]


# ---------------------------------------------------------------- form status


def status(lg: Ledger, ref: str | None = None) -> dict[str, Any]:
    """A round: each unit's form (returned, late, missing or waiting, with the level
    feedback-missing gives it today), the completion claims among the answers with what
    confirms each, and the questions the units want coordinated (需协调)."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá import rules
    from duchá.models import Feedback, Finding, FormSheet, Item, Unit
    from duchá.services import settings

    rnd = get_round(lg, ref)
    limit = int(settings.get(lg, "feedback_missing.workdays"))
    stmt = (select(col(FormSheet.number), col(FormSheet.records), col(FormSheet.returned_on),
                   col(Unit.code), col(Unit.name))
            .join(Unit, col(Unit.id) == col(FormSheet.unit_id))
            .where(col(FormSheet.round_id) == rnd.id).order_by(col(FormSheet.number)))
    forms = []
    for number, records, returned_on, code, name in lg.session.execute(stmt):
        forms.append({"round": rnd.number, "form": number, "unit": code, "name": name,
                      "records": len(records.split(";")) if records else 0,
                      "issued_on": rnd.issued_on, "due": rnd.due, "returned_on": returned_on,
                      "state": rules.form_state(rnd.due, returned_on, lg.today)})
    found = rules.feedback_missing(forms, lg.today, workdays=limit,
                                   add_workdays=lg.calendar.add_workdays)
    level = {v.subject.removeprefix("form "): v.level for v in found}
    for f in forms:
        f["level"] = level.get(f["form"], "")
        f["days_late"] = max(0, ((f["returned_on"] or lg.today) - f["due"]).days)
    answers = []
    for table, model, column in (("item", Item, col(Feedback.item_id)),
                                 ("finding", Finding, col(Feedback.finding_id))):
        stmt2 = (select(Feedback, col(model.number), col(model.status), col(FormSheet.number),
                        col(Unit.code))
                 .join(model, col(model.id) == column)
                 .join(FormSheet, col(FormSheet.id) == col(Feedback.sheet_id))
                 .join(Unit, col(Unit.id) == col(FormSheet.unit_id))
                 .where(col(FormSheet.round_id) == rnd.id))
        for fb, number, rec_status, form, code in lg.session.execute(stmt2):
            answers.append((table, fb, number, rec_status, form, code))
    answers.sort(key=lambda a: (a[1].id or 0))
    claims, needs = [], []
    confirmed = {"item": ("done",), "finding": ("rectified", "verified")}
    for table, fb, number, rec_status, form, code in answers:
        if fb.claim:
            done = rec_status in confirmed[table]
            claims.append({"kind": table, "number": number, "unit": code, "form": form,
                           "on": fb.on, "done_on": fb.done_on, "evidence": fb.evidence,
                           "status": rec_status, "confirm": "" if done else
                           confirm_hint(table, number, fb.done_on, fb.evidence)})
        if fb.coordination:
            needs.append({"kind": table, "number": number, "unit": code, "form": form,
                          "on": fb.on, "coordination": fb.coordination, "flag": "需协调"})
    return {"round": {"round": rnd.number, "issued_on": rnd.issued_on, "due": rnd.due},
            "forms": forms, "claims": claims, "coordination": needs}
