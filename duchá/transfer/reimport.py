"""Importing the same 台账 again (issue 13): the clerk brings in an updated sheet every week.

A row that names a record already in the ledger (its number, or an item's title and lead unit,
a finding's description and unit) updates that record or, when nothing it says is new, is
skipped; it never makes a duplicate.  A cell left blank changes nothing.  An update is written
as the commands write it, through `Ledger.changing`: the record's other fields as one "edit"
event, then a change of status as the step's own event (an item's close, reopen or cancel; a
finding's plan, rectify, verify or reopen), so the history and `duchá verify` read it like
changes made by hand.  New progress (进展情况) becomes a progress note, unless the item already
has one with the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from duchá.dates import plain

if TYPE_CHECKING:
    from collections.abc import Sequence

    from duchá.services.ledger import Ledger
    from duchá.transfer.importer import Job, Row

# The columns each kind's status step writes, beside the status itself.
STEP_FIELDS = {
    "item": ("status", "closed_on", "cancel_reason"),
    "finding": ("status", "plan_text", "plan_on", "rectified_on", "evidence", "verified_on",
                "verified_by"),
}
# The event of a change of status, by the status it reaches.
STEP_ACTION = {
    "item": {"done": "close", "open": "reopen", "cancelled": "cancel"},
    "finding": {"rectifying": "plan", "rectified": "rectify", "verified": "verify",
                "reopened": "reopen", "open": "reopen"},
}
# The date a status step happened on, by the status it reaches.
STEP_DATE = {"done": "closed_on", "rectifying": "plan_on", "rectified": "rectified_on",
             "verified": "verified_on"}


def same_text(text: str | None) -> str:
    """A title compared as a clerk reads it: spaces and line breaks do not count."""
    # str.split's whitespace is the regex \s (str.isspace), at a quarter of the regex's cost.
    return "".join(text.split()) if text else ""


def same_texts(texts: Sequence[str | None]) -> list[str]:
    """`same_text` of a column (no call of ours per text where none is empty)."""
    if None in texts or "" in texts:
        return list(map(same_text, texts))
    return list(map("".join, map(str.split, texts)))  # type: ignore[arg-type]  # (no None)


@dataclass
class Existing:
    """A record of the ledger that a row names."""

    id: int
    number: str
    snap: dict[str, Any]


@dataclass
class Update:
    """What a row changes in an existing record: its fields (an "edit"), its status (a step
    of its own), and its links; empty when the row says nothing new."""

    existing: Existing
    fields: dict[str, Any] = field(default_factory=dict)
    step: dict[str, Any] = field(default_factory=dict)
    links: dict[str, list[int]] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.step or self.links is not None)


class Matcher:
    """The ledger's records of one kind by number and by what names them in a 台账 (an item's
    title and lead unit, a finding's description and unit), and the rows seen so far."""

    def __init__(self, job: Job, kind: str) -> None:
        self.job, self.kind = job, kind
        table = "items" if kind == "item" else "findings"
        self.text_field = "title" if kind == "item" else "description"
        self.unit_field = "lead_unit_id" if kind == "item" else "unit_id"
        self.ids = job.ledger_numbers(table)
        self.snaps: dict[str, dict[str, Any]] = {}
        if self.ids:  # (the history's module loaded only for a ledger that has some)
            from duchá.history import replay as history

            self.snaps = dict(history.snapshots(job.lg.sql, kind, None))
        self.by_key: dict[tuple[str, int], list[str]] = {}
        for number, snap in self.snaps.items():
            k = (same_text(snap[self.text_field]), snap[self.unit_field])
            self.by_key.setdefault(k, []).append(number)
        self.seen: dict[tuple[str, int], int] = {}
        self.seen_numbers: dict[str, int] = {}

    def fresh(self, keys: list[tuple[str, int]]) -> bool:
        """Whether rows named by these keys (the text as `same_text` reads it, the unit) are
        all new records: none repeats another of them or a row seen before, none names a
        record of the ledger.  `find` says the same of each such row, one at a time."""
        return (len(set(keys)) == len(keys) and self.seen.keys().isdisjoint(keys)
                and self.by_key.keys().isdisjoint(keys))

    def take(self, keys: list[tuple[str, int]], lines: list[int]) -> None:
        """The rows of `fresh` keys seen, at these lines."""
        self.seen.update(zip(keys, lines, strict=True))

    def find(self, r: Row, number: str | None, text: str | None, unit: int | None
             ) -> Existing | None:
        """The record the row names, or None for a new one; a row that repeats another row
        of the file, or names two records, fails."""
        if number is not None:
            if number in self.seen_numbers:
                r.ok = False
                self.job.error(r.line, f"number {number} repeats "
                               f"{self.job.at(self.seen_numbers[number])}")
                return None
            self.seen_numbers[number] = r.line
            if number in self.ids:
                return Existing(self.ids[number], number, self.snaps[number])
            return None
        if text is None or unit is None:
            return None
        k = (same_text(text), unit)
        first = self.seen.setdefault(k, r.line)
        if first != r.line:
            what = "title and lead unit" if self.kind == "item" else "description and unit"
            r.fail(self.text_field, f"the same {what} as {self.job.at(first)}; one row "
                   f"per {self.kind} (give each its number to keep both)")
            return None
        hits = self.by_key.get(k)
        if hits is None:
            return None
        if len(hits) > 1:
            r.fail(self.text_field, f"matches {', '.join(sorted(hits))} in the ledger; give "
                   "the number of the one this row updates")
            return None
        return Existing(self.ids[hits[0]], hits[0], self.snaps[hits[0]])


def plan(kind: str, existing: Existing, r: Row, values: dict[str, Any],
         links: dict[str, list[int]], code_of: dict[int, str]) -> Update:
    """What the row changes in `existing`: the columns the row gives (a blank cell changes
    nothing) whose value differs from the record's, and the lists it gives."""
    implied = r.job.implied.get(r.line, set())
    snap = existing.snap
    by_column = _field_of_column(kind)
    update = Update(existing)
    for column, value in values.items():
        name = by_column.get(column, column)
        if not (r.given(name) or column in implied):
            continue
        if plain(value) == snap.get(column):
            continue
        target = update.step if column in STEP_FIELDS[kind] else update.fields
        target[column] = value
    for name, ids in links.items():
        if not (r.given(name) or name in implied):
            continue
        codes = sorted({code_of.get(i, f"?{i}") for i in ids})
        if codes != sorted(snap.get(name) or []) or any(i < 0 for i in ids):
            update.links = {**(update.links or {}), name: ids}
    if update.step and "status" not in update.step:
        update.fields.update(update.step)  # a date or text of the same status: an edit
        update.step = {}
    return update


@cache
def _field_of_column(kind: str) -> dict[str, str]:
    """A reference's field by the column it is stored in (lead_unit_id: lead_unit)."""
    from duchá.tables import BY_KIND

    return {spec.column: spec.name for spec in BY_KIND[kind].refs}


def apply(lg: Ledger, kind: str, updates: list[Update], on: dict[int, date]) -> None:
    """Write the updates, each through Ledger.changing: an "edit" for the fields and links,
    then the status step's own event."""
    if not updates:  # (nothing to load the models for)
        return
    from duchá.history.replay import model
    from duchá.tables import BY_KIND

    rec = BY_KIND[kind]
    cls = model(rec.model)
    for u in updates:
        obj = lg.session.get(cls, u.existing.id)
        assert obj is not None  # matched in this transaction
        if u.fields or u.links is not None:
            with lg.changing(kind, obj, "edit", on=lg.today):
                for column, value in u.fields.items():
                    setattr(obj, column, value)
                for name, ids in (u.links or {}).items():
                    _relink(lg, rec, name, u.existing.id, ids)
        if u.step:
            status = u.step["status"]
            day = u.step.get(STEP_DATE.get(status, "")) or on.get(u.existing.id) or lg.today
            with lg.changing(kind, obj, STEP_ACTION[kind][status], on=day):
                for column, value in u.step.items():
                    setattr(obj, column, value)
                if kind == "item" and status != "done":
                    obj.closed_on = None
                if kind == "item" and status != "cancelled":
                    obj.cancel_reason = None


def _relink(lg: Ledger, rec: Any, name: str, owner: int, ids: list[int]) -> None:
    from sqlalchemy import delete, insert

    from duchá.history.replay import model
    from duchá.tables import table_of

    spec = next(s for s in rec.links if s.name == name)
    t = table_of(model(spec.table))
    lg.session.execute(delete(t).where(t.c[spec.parent] == owner))
    if ids:
        lg.session.execute(insert(t), [{spec.parent: owner, spec.child: i} for i in ids])


def notes_of(lg: Ledger, item_ids: list[int]) -> dict[int, set[str]]:
    """The progress texts each of these items already has (to add a note only once)."""
    from sqlalchemy import select

    from duchá import models as m
    from duchá.tables import table_of

    t = table_of(m.Progress)
    stmt = select(t.c.item_id, t.c.text)
    if len(item_ids) <= 10_000:
        stmt = stmt.where(t.c.item_id.in_(item_ids))
    out: dict[int, set[str]] = {}
    for item_id, text in lg.session.execute(stmt):
        out.setdefault(item_id, set()).add(same_text(text))
    return out


def write_notes(lg: Ledger, notes: list[tuple[int, str, dict[str, Any]]]) -> None:
    """Progress notes (item id, its number, the note) in bulk, each with the "progress" event
    `item progress` writes."""
    from duchá.history.events import record_columns
    from duchá.storage.bulk import insert

    if not notes:
        return
    n = len(notes)
    sql = lg.sql
    insert(sql, "progress", ["item_id", "on", "text", "percent"],
           [[i for i, _, _ in notes], [x["on"] for _, _, x in notes],
            [x["text"] for _, _, x in notes], [x["percent"] for _, _, x in notes]], n)
    record_columns(
        sql, actor=[lg.actor] * n, action=["progress"] * n, table=["item"] * n,
        subject=[number for _, number, _ in notes], before=[None] * n,
        after=[{"on": x["on"].isoformat(), "text": x["text"], "percent": x["percent"]}
               for _, _, x in notes], on=[x["on"] for _, _, x in notes])


def note_day(v: dict[str, Any], stamp: date | None, today: date) -> date:
    """The date of the progress a row reports: the sheet's 填报时间, else the as-of date; not
    before the item was assigned nor after it was closed (`v`: the item's values)."""
    day = stamp or today
    if v.get("closed_on") is not None and day > v["closed_on"]:
        day = v["closed_on"]
    if v.get("assigned") is not None and day < v["assigned"]:
        day = v["assigned"]
    return day
