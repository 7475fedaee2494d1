"""`duchá import progress|extensions|accountability`: the records that hang off items and
findings, checked like every other import and written in bulk with the events the commands
would have written, so `duchá verify` and the weekly report read them like typed-in ones.

An imported extension is history: it does not move its subject's due date (the items or
findings file already carries the due date in force).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from duchá.transfer.importer import _NUMBER, Job, Record, Row

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger

KIND_OF_PREFIX = {"DB": "item", "WT": "finding"}
TABLE_OF_KIND = {"item": "items", "finding": "findings"}


@dataclass(frozen=True)
class Subject:
    """What the checks need of an item or a finding."""

    kind: str
    id: int
    number: str
    start: date | None  # an item's assigned date may be unknown
    status: str
    closed_on: date | None


def _subjects(job: Job) -> dict[str, Subject]:
    """Every item and finding by number (two queries, once per import)."""
    from sqlalchemy import select

    from duchá import models as m
    from duchá.tables import table_of

    out: dict[str, Subject] = {}
    it, fi = table_of(m.Item), table_of(m.Finding)
    for i, n, start, status, closed in job.lg.session.execute(
            select(it.c.id, it.c.number, it.c.assigned, it.c.status, it.c.closed_on)):
        out[n] = Subject("item", i, n, start, status, closed)
    for i, n, start, status in job.lg.session.execute(
            select(fi.c.id, fi.c.number, fi.c.found_on, fi.c.status)):
        out[n] = Subject("finding", i, n, start, status, None)
    return out


def _subject(r: Row, name: str, known: dict[str, Subject], *,
             kinds: tuple[str, ...] = ("item", "finding")) -> Subject | None:
    raw = r.text(name, True)
    if raw is None:
        return None
    m = _NUMBER.match(raw)
    kind = KIND_OF_PREFIX.get(m[1].upper()) if m else None
    if m is None or kind not in kinds:
        like = " or ".join({"item": "an item number like DB-2026-0001",
                            "finding": "a finding number like WT-2026-0001"}[k] for k in kinds)
        r.fail(name, f"'{raw}' is not {like}")
        return None
    number = f"{m[1].upper()}-{m[2]}-{int(m[3]):04d}"  # items and findings both have 4 digits
    found = known.get(number)
    if found is None:
        r.fail(name, f"no {kind} {raw} in the ledger; import the {TABLE_OF_KIND[kind]} first")
    return found


def _began(r: Row, name: str, subject: Subject | None, on: date | None) -> None:
    """A record dated before its item was assigned or its finding found is refused."""
    if on and subject and subject.start and on < subject.start:
        began = "was assigned" if subject.kind == "item" else "was found"
        r.fail(name, f"{on} is before {subject.kind} {subject.number} {began} "
                     f"({subject.start})")


def _by_title(job: Job) -> dict[tuple[str, int], list[str]]:
    """Item numbers by title (as reimport compares them) and lead unit."""
    from sqlalchemy import select

    from duchá import models as m
    from duchá.tables import table_of
    from duchá.transfer.reimport import same_text

    it = table_of(m.Item)
    out: dict[tuple[str, int], list[str]] = {}
    for number, title, lead in job.lg.session.execute(
            select(it.c.number, it.c.title, it.c.lead_unit_id)):
        out.setdefault((same_text(title), lead), []).append(number)
    return out


def _named_item(r: Row, got: dict[str, object], known: dict[str, Subject],
                titles: dict[tuple[str, int], list[str]]) -> Subject | None:
    """A progress sheet's item named by its title (and lead unit, when the title is not
    enough) instead of its number."""
    from duchá.transfer.reimport import same_text

    title, lead = got["title"], got["lead_unit"]
    if not isinstance(title, str):
        r.fail("item", "empty; give the item's number (事项编号) or its title (事项名称)")
        return None
    hits = [n for (t, u), numbers in titles.items() for n in numbers
            if t == same_text(title) and (lead is None or u == lead)]
    if len(hits) == 1:
        return known[hits[0]]
    if hits:
        r.fail("title", f"'{title}' is the title of {', '.join(sorted(hits))}; give the lead "
               "unit (牵头单位) or the number")
    elif r.ok:
        r.fail("title", f"no item titled '{title}' in the ledger; import the items first")
    return None


def _progress(job: Job) -> list[Record]:
    known = _subjects(job)
    titles = _by_title(job) if "item" not in job.where else {}
    seen = _notes(job)
    stamp = job.stamp()
    out = []
    for r in job.rows():
        item = _subject(r, "item", known, kinds=("item",)) if r.given("item") else None
        got = r.read_all()
        title_given = got.pop("title")
        got.pop("lead_unit")
        if item is None and not r.given("item"):
            item = _named_item(r, {"title": title_given,
                                   "lead_unit": r.cell("lead_unit") and got_lead(r)},
                               known, titles)
        if not r.given("on") and stamp is not None:
            got["on"] = stamp  # the sheet's 填报时间
        on, percent = got["on"], got["percent"]
        _began(r, "on", item, on)
        if percent is not None and not 0 <= percent <= 100:
            r.fail("percent", f"{percent} is not between 0 and 100")
        if item and on and item.closed_on and on > item.closed_on:
            r.fail("on", f"{on} is after item {item.number} was closed ({item.closed_on})")
        if r.ok and item and on:
            if (item.id, on, same(got["text"])) in seen:
                continue  # imported before: the same note on the same day
            seen.add((item.id, on, same(got["text"])))
            out.append(Record(r.line, on.year, None, {"item_id": item.id, **got}, {}, on))
    return out


def got_lead(r: Row) -> int | None:
    """The lead unit a progress sheet's row names, if it names one."""
    ids, _ = r.job.unit_ids(r.cell("lead_unit") or "", r.line, "lead_unit")
    return ids[0] if ids else None


def same(text: str) -> str:
    from duchá.transfer.reimport import same_text

    return same_text(text)


def _notes(job: Job) -> set[tuple[int, date, str]]:
    """The progress notes already in the ledger: a sheet imported again adds none twice."""
    from sqlalchemy import select

    from duchá import models as m
    from duchá.tables import table_of

    t = table_of(m.Progress)
    return {(i, on, same(text)) for i, on, text in job.lg.session.execute(
        select(t.c.item_id, t.c.on, t.c.text))}


def _extensions(job: Job) -> list[Record]:
    known = _subjects(job)
    pending: dict[str, int] = {}
    out = []
    for r in job.rows():
        subject = _subject(r, "subject", known)
        got = r.read_all()
        requested, old_due, to = got["requested_on"], got["old_due"], got["to_date"]
        status, decided_by, decided_on = got["status"], got["decided_by"], got["decided_on"]
        _began(r, "requested_on", subject, requested)
        if old_due and to and to <= old_due:
            r.fail("to_date", f"{to} is not after the old due date {old_due}; an extension "
                   "asks for a later date")
        if status in ("approved", "rejected") and r.ok and not (decided_by and decided_on):
            r.fail("decided_by" if not decided_by else "decided_on",
                   f"empty but the extension is {status}; give who decided and when")
        if status == "pending" and (decided_by or decided_on):
            r.fail("status", "pending but a decision is given; say approved or rejected")
        if decided_on and requested and decided_on < requested:
            r.fail("decided_on", f"{decided_on} is before the request ({requested})")
        if subject and status == "pending":
            if subject.number in pending:
                r.fail("subject", f"{subject.number} already has a pending extension on line "
                       f"{pending[subject.number]}; decide one of them")
            pending.setdefault(subject.number, r.line)
        if r.ok and subject and requested and to:
            out.append(Record(r.line, requested.year, None, {
                "subject_table": subject.kind, "subject_id": subject.id, **got,
            }, {}, decided_on or requested))
    _pending_in_ledger(job, out)
    return out


def _pending_in_ledger(job: Job, records: list[Record]) -> None:
    from sqlalchemy import select

    from duchá import models as m
    from duchá.tables import table_of

    t = table_of(m.Extension)
    waiting = set(job.lg.session.execute(
        select(t.c.subject_table, t.c.subject_id).where(t.c.status == "pending")).all())
    for rec in records:
        v = rec.values
        if v["status"] == "pending" and (v["subject_table"], v["subject_id"]) in waiting:
            job.error(rec.line, f"this {v['subject_table']} already has an "
                              "extension awaiting a decision in the ledger; decide it first")


def _accountability(job: Job) -> list[Record]:
    known = _subjects(job)
    out = []
    for r in job.rows():
        subject = _subject(r, "subject", known)
        got = r.read_all()
        _began(r, "on", subject, got["on"])
        if r.ok and subject and got["on"]:
            out.append(Record(r.line, got["on"].year, None, {
                "subject_table": subject.kind, "subject_id": subject.id, **got,
            }, {}, got["on"]))
    return out


PREPARE = {"progress": _progress, "extensions": _extensions,
           "accountability": _accountability}


def _numbers(lg: Ledger) -> dict[tuple[str, int], str]:
    """(kind, id) -> number of every item and finding."""
    from sqlalchemy import select

    from duchá import models as m
    from duchá.tables import table_of

    out: dict[tuple[str, int], str] = {}
    for kind, model in (("item", m.Item), ("finding", m.Finding)):
        t = table_of(model)
        out.update({(kind, i): n for i, n in lg.session.execute(select(t.c.id, t.c.number))})
    return out


def write(lg: Ledger, table: str, records: list[Record]) -> None:
    """Insert the rows and, per row, the event its command would have written."""
    from duchá import models as m
    from duchá.history import replay as history
    from duchá.history.events import record_many, snapshot
    from duchá.storage.bulk import insert_rows
    from duchá.tables import table_of
    from duchá.transfer.reimport import write_notes

    numbers = _numbers(lg)
    if table == "progress":  # as an item sheet's 进展情况 are written
        write_notes(lg, [(rec.values["item_id"], numbers[("item", rec.values["item_id"])],
                          rec.values) for rec in records])
        return
    model = m.Extension if table == "extensions" else m.Accountability
    key = "extension" if table == "extensions" else "accountability"
    ids: dict[str, list[int]] = {}
    for rec in records:
        ids.setdefault(rec.values["subject_table"], []).append(rec.values["subject_id"])
    # The subjects' snapshots only (not the whole ledger's): they go into each event.
    snaps = {k: history.current(lg.session, k, sorted(set(v))) for k, v in ids.items()}
    insert_rows(lg.session, table_of(model),
                [rec.values for rec in records])
    events = []
    for rec in records:
        v = rec.values
        subject = numbers[(v["subject_table"], v["subject_id"])]
        state = snaps[v["subject_table"]][subject]
        action = ("account" if table == "accountability" else
                  {"pending": "extend", "approved": "extend-approve",
                   "rejected": "extend-reject"}[v["status"]])
        events.append({"actor": lg.actor, "action": action, "table": v["subject_table"],
                       "subject": subject, "before": state, "on": rec.on,
                       "after": {**state, key: snapshot(model(**v))}})
    record_many(lg.session, events)


def key_of(lg: Ledger, table: str, records: list[Record]) -> list[str]:
    """The subject number of each record, for the import summary."""
    numbers = _numbers(lg)
    if table == "progress":
        return [numbers[("item", rec.values["item_id"])] for rec in records]
    return [numbers[(rec.values["subject_table"], rec.values["subject_id"])] for rec in records]
