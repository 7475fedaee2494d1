"""Replaying the history: what each record should look like, `duchá verify` and `duchá log`.

Every record kind whose changes are events is registered here once, with how to take its
current snapshot (the same shape its service writes into an event's `after`: events.snapshot
plus its link lists).  `verify` then works by rule, for every registered kind:

- the events form an unbroken hash chain (events.digest; prev_hash = the previous hash);
- per record, the last event's `after` equals the record's current snapshot, a record with no
  event or an event whose record is gone is reported;
- child rows written by an action of their own (an item's progress notes) match those events
  one for one.

A field missing from an old event counts as null, so a migration that adds a nullable column
keeps old ledgers verifiable; the reference fields (Ref: a unit by its code, a plan by its
number) are the exception: events written before they were pinned simply lack them.

References are pinned by what they mean, not by surrogate ids: an item's lead unit is its
code, so two units' ids swapped behind duchá's back show as changed records.  A unit's code
changes by a legal rename without events on the records that name it, so verify follows the
renames in the event stream and reads each snapshot in the names of its own time (_Renames).

Tables with rows that no kind covers are listed as unchecked.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from duchá.history.events import digest, dump, snapshot
from duchá.tables import LinkSpec, RefSpec, table_of

if TYPE_CHECKING:
    from sqlmodel import Session



# A list in a record's snapshot drawn from a link table (an item's responsible units):
# snapshot[name] = sorted target.label of the link rows whose `parent` column is the record's id.
Link = LinkSpec
# A field of a record's snapshot that names the row a foreign key points at, by what the clerk
# sees (a unit's code, an item's number), not by its surrogate id, so that ids swapped behind
# duchá's back show as a changed record: snapshot[name] = target.label of the row `column` holds.
Ref = RefSpec


def model(name: str) -> Any:
    """The SQLModel class a table description names."""
    import duchá.models as m

    return getattr(m, name)


@dataclass(frozen=True)
class Kind:
    """A record kind whose every change is an event of subject_table `table`."""

    table: str
    model: Any
    key: str  # the snapshot field that is the event's subject (number, unit code, setting key)
    links: tuple[Link, ...] = ()
    refs: tuple[Ref, ...] = ()
    snap: Callable[[Any], dict[str, Any]] | None = None  # default: events.snapshot
    annotations: tuple[str, ...] = ()  # keys of `after` that describe the step, not the record

    def unit_fields(self) -> tuple[str, ...]:
        """Snapshot fields holding unit codes: what a rename changes without an event."""
        refs: list[Ref | Link] = [*self.refs, *self.links]
        return tuple(x.name for x in refs if x.target == "Unit" and x.label == "code")


@dataclass(frozen=True)
class Child:
    """Rows added one per event whose `after` is the row (not the parent's snapshot)."""

    table: str  # subject_table of the events (the parent's kind)
    action: str
    model: Any
    rows: Callable[[Session], Iterable[tuple[str, dict[str, Any]]]]  # (subject, after) per row
    pick: str | None = None  # the row is after[pick], not the whole `after`
    actions: tuple[str, ...] = ()  # more actions that write the same rows (default: action)
    # With identity: rows change; the last event per identity says what the row holds.
    identity: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {}
CHILDREN: list[Child] = []


def note_actions(table: str) -> tuple[str, ...]:
    """Actions on a record of `table` whose event `after` is a child row (an item's progress
    note), not the record's snapshot."""
    return tuple(a for c in CHILDREN if c.table == table and c.pick is None
                 for a in (c.action, *c.actions))


def register(kind: Kind) -> Kind:
    KINDS[kind.table] = kind
    return kind


def register_child(child: Child) -> Child:
    CHILDREN.append(child)
    return child


def _lists(session: Session, link: Link, ids: list[int] | None = None) -> dict[int, list[str]]:
    from sqlalchemy import select

    lt, tt = table_of(model(link.table)), table_of(model(link.target))
    stmt = (select(lt.c[link.parent], tt.c[link.label])
            .select_from(lt.join(tt, tt.c.id == lt.c[link.child])))
    if ids is not None:
        stmt = stmt.where(lt.c[link.parent].in_(ids))
    out: dict[int, list[str]] = defaultdict(list)
    for parent, label in session.execute(stmt):
        out[parent].append(label)
    return {k: sorted(v) for k, v in out.items()}


def links(session: Session, table: str, obj: Any) -> dict[str, list[str]]:
    """One record's linked codes or numbers (its units, targets, items...), each sorted."""
    return {link.name: _lists(session, link, [obj.id]).get(obj.id, [])
            for link in KINDS[table].links}


def snap(session: Session, table: str, obj: Any) -> dict[str, Any]:
    """One record's full snapshot, as its events store it: the one place that builds it."""
    kind = KINDS[table]
    data = (kind.snap or snapshot)(obj)
    for ref in kind.refs:
        key = getattr(obj, ref.column)
        target = session.get(model(ref.target), key) if key is not None else None
        data[ref.name] = getattr(target, ref.label) if target is not None else None
    return {**data, **links(session, table, obj)}


def current(session: Session, table: str, ids: list[int] | None = None
            ) -> dict[str, dict[str, Any]]:
    """Every record of a kind (or those with `ids`) by its subject, as snapshots (a few
    queries, not one per row)."""
    from sqlmodel import select

    kind = KINDS[table]
    if ids is not None and len(ids) > 10_000:
        ids = None  # past SQL's parameter limits, reading them all is as cheap
    lists = {link.name: _lists(session, link, ids) for link in kind.links}
    labels = {(r.target, r.label): _numbers(session, model(r.target), r.label)
              for r in kind.refs}
    snap_one = kind.snap or snapshot
    stmt = select(kind.model)
    if ids is not None:
        stmt = stmt.where(kind.model.id.in_(ids))
    out = {}
    for obj in session.exec(stmt).all():
        data = snap_one(obj)
        for ref in kind.refs:
            key = getattr(obj, ref.column)
            data[ref.name] = None if key is None else labels[(ref.target, ref.label)].get(key)
        for link in kind.links:
            data[link.name] = lists[link.name].get(obj.id, [])
        out[str(data[kind.key])] = data
    return out


def _numbers(session: Session, model: Any, label: str = "number") -> dict[int, str]:
    from sqlalchemy import select

    t = model.__table__
    return dict(session.execute(select(t.c.id, t.c[label])).all())


def _register_known() -> None:
    import duchá.models as m

    # Keys an event may add to `after` that tell about the step, not the record's state.
    notes = ("note", "extension", "accountability", "reminder", "feedback")
    from duchá.tables import RECORDS

    # The numbered records and units, as tables.py describes them.
    for rec in RECORDS.values():
        register(Kind(
            rec.kind, getattr(m, rec.model), rec.key,
            refs=rec.refs, links=rec.links,
            annotations=notes if rec.kind in ("item", "finding") else ()))
    register(Kind("setting", m.Setting, "key",
                  snap=lambda s: {"key": s.key, "value": json.loads(s.value)}))
    register(Kind("calendar", m.CalendarOverride, "day", snap=lambda c: {
        "day": c.day.isoformat(), "workday": bool(c.workday), "note": c.note}))
    register(Kind("quota", m.Quota, "year", snap=lambda q: {
        "year": q.year, "max_count": q.max_count, "reduction": q.reduction,
        "baseline": q.baseline}))

    def progress_rows(session: Session) -> Iterable[tuple[str, dict[str, Any]]]:
        from sqlalchemy import select
        from sqlmodel import col

        stmt = (select(col(m.Item.number), col(m.Progress.on), col(m.Progress.text),
                       col(m.Progress.percent))
                .join(m.Item, col(m.Item.id) == col(m.Progress.item_id)))
        for number, on, text, percent in session.execute(stmt):
            yield number, {"on": on.isoformat(), "text": text, "percent": percent}

    register_child(Child("item", "progress", m.Progress, progress_rows))

    def attached(model: Any,
                 table: str) -> Callable[[Session], Iterable[tuple[str, dict[str, Any]]]]:
        def rows(session: Session) -> Iterable[tuple[str, dict[str, Any]]]:
            from sqlmodel import select

            numbers = _numbers(session, m.Item if table == "item" else m.Finding)
            for rec in session.exec(select(model).where(model.subject_table == table)).all():
                yield numbers.get(rec.subject_id, "?"), snapshot(rec)

        return rows

    # Accountability records are written once, by an "account" event that carries them.
    for table in ("item", "finding"):
        register_child(Child(table, "account", m.Accountability,
                             attached(m.Accountability, table),
                             pick="accountability"))
        # Extensions change after the request (approved or rejected): the last event about
        # each request says what the row must hold.
        register_child(Child(table, "extend", m.Extension,
                             attached(m.Extension, table),
                             pick="extension",
                             actions=("extend", "extend-approve", "extend-reject"),
                             identity=("subject_id", "requested_on", "old_due", "to_date",
                                       "reason")))
    _register_cycle()


def feedback_note(fb: Any, form: str) -> dict[str, Any]:
    """A unit's answer on one record (models.Feedback) as its event carries it under
    "feedback": `form` is the number of the form it came on."""
    return {"form": form, "on": fb.on.isoformat(), "progress": fb.progress,
            "percent": fb.percent, "claim": bool(fb.claim),
            "done_on": fb.done_on.isoformat() if fb.done_on else None,
            "evidence": fb.evidence, "coordination": fb.coordination}


def reminder_note(notice: Any, level: str) -> dict[str, Any]:
    """A record's step in a notice (models.Reminder) as its event carries it under
    "reminder"."""
    return {"notice": notice.number, "kind": notice.kind, "level": level,
            "on": notice.issued_on.isoformat(),
            "reply_by": notice.reply_by.isoformat() if notice.reply_by else None}


def _register_cycle() -> None:
    """The weekly cycle (schema 8): rounds, forms and notices are records of their own; a
    unit's answer and a record's step in a notice are written once, by a "feedback" or a
    "remind" event on the item or finding that carries them."""
    import duchá.models as m

    register(Kind("round", m.FormRound, "number"))
    register(Kind("form", m.FormSheet, "number",
                  refs=(Ref("round", "round_id", "FormRound", "number"),
                        Ref("unit", "unit_id", "Unit"))))
    register(Kind("reminder", m.Reminder, "number", refs=(Ref("unit", "unit_id", "Unit"),)))

    def answers(table: str) -> Callable[[Session], Iterable[tuple[str, dict[str, Any]]]]:
        def rows(session: Session) -> Iterable[tuple[str, dict[str, Any]]]:
            from sqlalchemy import select
            from sqlmodel import col

            subject = m.Item if table == "item" else m.Finding
            column = col(m.Feedback.item_id if table == "item" else m.Feedback.finding_id)
            stmt = (select(m.Feedback, col(subject.number), col(m.FormSheet.number))
                    .join(subject, col(subject.id) == column)
                    .join(m.FormSheet, col(m.FormSheet.id) == col(m.Feedback.sheet_id)))
            for fb, number, form in session.execute(stmt):
                yield number, feedback_note(fb, form)

        return rows

    def steps(table: str) -> Callable[[Session], Iterable[tuple[str, dict[str, Any]]]]:
        def rows(session: Session) -> Iterable[tuple[str, dict[str, Any]]]:
            from sqlalchemy import select
            from sqlmodel import col

            subject = m.Item if table == "item" else m.Finding
            column = col(m.ReminderLine.item_id if table == "item"
                         else m.ReminderLine.finding_id)
            stmt = (select(m.Reminder, col(m.ReminderLine.level), col(subject.number))
                    .join(m.ReminderLine, col(m.ReminderLine.reminder_id) == col(m.Reminder.id))
                    .join(subject, col(subject.id) == column))
            for notice, level, number in session.execute(stmt):
                yield number, reminder_note(notice, level)

        return rows

    for table in ("item", "finding"):
        register_child(Child(table, "feedback", m.Feedback, answers(table), pick="feedback"))
        register_child(Child(table, "remind", m.ReminderLine, steps(table), pick="reminder"))


_register_known()


# ---------------------------------------------------------------------------------- verify


@dataclass
class Verdict:
    problems: list[dict[str, Any]] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0
    head: str | None = None
    anchored: int | None = None  # the event of the head `verify --head` was given

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, event: int | None, table: str, subject: str, problem: str) -> None:
        self.problems.append({"event": event, "table": table, "subject": subject,
                              "problem": problem})


_EVENT_SQL = ('SELECT id, at, "on", actor, action, subject_table, subject, "before", "after", '
              "prev_hash, hash FROM event ORDER BY id")


def _text(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date | datetime) else v


def _show(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


class _Renames:
    """Unit codes followed through the renames in the event stream.

    A snapshot written at event e names units by their codes as of e; what those units are
    called now follows every rename after e, in order.  Only later renames apply, because a
    code freed by a rename may be taken by a new unit afterwards: a snapshot naming that code
    before the rename means the old unit, one after it the new unit.
    """

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.moves: list[tuple[str, str]] = []
        self._memo: dict[tuple[str, int], str] = {}

    def add(self, eid: int, old: str, new: str) -> None:
        self.ids.append(eid)
        self.moves.append((old, new))
        self._memo.clear()

    def now(self, code: str, eid: int) -> str:
        k = bisect_right(self.ids, eid)
        if k == len(self.ids):
            return code
        hit = self._memo.get((code, k))
        if hit is None:
            hit = code
            for old, new in self.moves[k:]:
                if hit == old:
                    hit = new
            self._memo[(code, k)] = hit
        return hit

    def translate(self, fields: tuple[str, ...], want: dict[str, Any], eid: int) -> None:
        """Rewrite the unit codes (in `fields`) of a snapshot written at `eid` into today's."""
        if not self.ids or eid >= self.ids[-1]:
            return
        for name in fields:
            value = want.get(name)
            if isinstance(value, list):
                want[name] = sorted(self.now(c, eid) if isinstance(c, str) else c
                                    for c in value)
            elif isinstance(value, str):
                want[name] = self.now(value, eid)


def _integrity(session: Session) -> list[str]:
    """SQLite's own check of the file (pages, b-trees, every index against its table).

    quick_check skips comparing index entries with their rows, so an overwritten index page
    would pass it; integrity_check reads them all.  Other databases check their own storage.
    """
    if session.get_bind().dialect.name != "sqlite":
        return []
    from sqlalchemy.exc import DatabaseError

    from duchá.errors import LedgerUnusable

    try:
        rows = [str(r[0]) for r in
                session.connection().exec_driver_sql("PRAGMA integrity_check(20)")]
    except DatabaseError as exc:
        text = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise LedgerUnusable(f"the ledger file is damaged and cannot be read ({text}); restore "
                             "it from a backup (`duchá restore PATH`)") from None
    if rows == ["ok"]:
        return []
    # SQLite heads its report with "*** in database main ***" and may fold lines: one
    # complaint per line, so each is one row and one line of a message.
    lines = (ln.strip() for r in rows for ln in r.splitlines())
    return [ln for ln in lines if ln and not ln.startswith("***")]


def head_prefix(text: str) -> str:
    """A chain head as the clerk noted it: the whole hash or a prefix of 8 or more hex digits."""
    from duchá.errors import BadInput

    want = text.strip().lower()
    if not 8 <= len(want) <= 64 or any(c not in "0123456789abcdef" for c in want):
        raise BadInput(f"'{text}' is not a chain head; give the hash (at least its first 8 hex "
                       "digits) that `duchá verify`, `report weekly` or `backup` printed")
    return want


def verify(session: Session, *, head: str | None = None, integrity: bool = True) -> Verdict:
    """Check the file, the chain, and that every record equals what its history says.

    With `head` (a hash or a prefix of one, as head_prefix accepts), also that the chain still
    holds that event: a history cut short or rewritten since the head was noted fails.
    `integrity=False` skips SQLite's file check (a caller that has just run it).
    """
    v = Verdict()
    if integrity:
        damage = _integrity(session)
        if damage:
            for line in damage:
                v.add(None, "file", "integrity_check", f"the ledger file is damaged: {line}")
            v.problems[0]["problem"] += ("; restore it from a backup (`duchá restore PATH`); "
                                         "records were not compared")
            return v
    want_head = head_prefix(head) if head is not None else None
    held: list[int] = []  # events whose hash starts with want_head
    renames = _Renames()
    child_of = {(c.table, a): c for c in CHILDREN for a in (c.action, *c.actions)}
    last: dict[tuple[str, str], tuple[int, str | None]] = {}  # (table, subject) -> event, after
    child_events: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    per_table: Counter[str] = Counter()
    prev_hash: str | None = None
    prev_id = 0
    for row in session.connection().exec_driver_sql(_EVENT_SQL):
        content = dict(zip(("id", "at", "on", "actor", "action", "subject_table", "subject",
                            "before", "after", "prev_hash"), (_text(x) for x in row[:10]),
                           strict=True))
        eid, table, subject, action = row[0], row[5], row[6], row[4]
        stored = row[10]
        v.events += 1
        per_table[table] += 1
        what = f"event {eid} ({action} {table} {subject})"
        if row[9] != prev_hash:
            v.add(eid, table, subject,
                  f"{what} does not follow event {prev_id}: an event between them was "
                  "deleted or inserted, or the chain was rewritten")
        if stored is None:
            v.add(eid, table, subject, f"{what} has no hash: it was written outside duchá")
        elif digest(content) != stored:
            v.add(eid, table, subject,
                  f"{what} was altered after it was written: its content does not match its hash")
        if want_head is not None and stored and stored.startswith(want_head):
            held.append(eid)
        prev_hash, prev_id = stored, eid
        child = child_of.get((table, action))
        if child is not None:
            _child_event(child, child_events, eid, subject, row[8],
                         action if child.identity else child.action)
            if child.pick is None:
                continue
        kind = KINDS.get(table)
        if kind is None:
            continue
        if row[7] is not None and row[8] is not None:
            try:
                old = str(json.loads(row[7]).get(kind.key, subject))
            except (ValueError, AttributeError):
                old = subject
            if old != subject:  # renamed (a unit's code): the old name is no longer a record
                last.pop((table, old), None)
                if table == "unit":
                    renames.add(eid, old, subject)
        last[(table, subject)] = (eid, row[8])
    v.head = prev_hash
    if want_head is not None:
        _anchor(v, want_head, held, prev_id)

    for table, kind in KINDS.items():
        unit_fields = kind.unit_fields()
        pinned = {r.name for r in kind.refs}
        now = current(session, table)
        expected = {s: ea for (t, s), ea in last.items() if t == table}
        for subject in sorted(set(now) | set(expected)):
            eid, after = expected.get(subject, (None, None))
            if after is None:
                if subject in now:
                    what = (f"{table} {subject} has no event: it was added outside duchá"
                            if eid is None else
                            f"{table} {subject} exists but event {eid} deleted it")
                    v.add(eid, table, subject, what)
                continue
            if subject not in now:
                v.add(eid, table, subject,
                      f"{table} {subject} is gone: event {eid} says it exists; it was deleted "
                      "outside duchá")
                continue
            try:
                want = json.loads(after)
            except ValueError:
                v.add(eid, table, subject, f"event {eid} holds no readable snapshot")
                continue
            have = now[subject]
            for k in kind.annotations:
                want.pop(k, None)
            renames.translate(unit_fields, want, eid or 0)
            # Events written before snapshots pinned references by code lack these fields:
            # nothing to compare them with (their ids still are compared).
            unpinned = pinned - set(want)
            diffs = [k for k in sorted((set(want) | set(have)) - unpinned)
                     if want.get(k) != have.get(k)]
            if diffs:
                k = diffs[0]
                more = f" (and {len(diffs) - 1} more fields)" if len(diffs) > 1 else ""
                v.add(eid, table, subject,
                      f"{table} {subject} was changed outside duchá: {k} is {_show(have.get(k))}"
                      f" but event {eid} says {_show(want.get(k))}{more}")
        v.summary.append({"table": table, "records": len(now), "events": per_table[table]})

    for child in CHILDREN:
        rows: Counter[tuple[str, str]] = Counter(
            (s, dump(after) or "") for s, after in child.rows(session))
        if child.identity:
            events = _follow(child, child_events)
        else:
            events = {(s, a): ids for (t, act, s, a), ids in child_events.items()
                      if t == child.table and act == child.action}
        for key in sorted(set(rows) | set(events)):
            subject, after = key
            n_rows, ids = rows.get(key, 0), events.get(key, [])
            noun = "note" if child.pick is None else "record"
            name = f"{child.action} {noun} on {child.table} {subject}"
            if n_rows > len(ids):
                v.add(ids[0] if ids else None, child.table, subject,
                      f"{name} {after} has no event: it was added or changed outside duchá")
            elif n_rows < len(ids):
                v.add(ids[n_rows], child.table, subject,
                      f"{name} of event {ids[n_rows]} is gone or changed outside duchá")
        table_name = child.model.__tablename__
        # Accountability and extensions hang off items and findings: one summary row each.
        entry = next((x for x in v.summary if x["table"] == table_name), None)
        if entry is None:
            entry = {"table": table_name, "records": 0, "events": 0}
            v.summary.append(entry)
        entry["records"] += sum(rows.values())
        entry["events"] += sum(len(i) for i in events.values())

    for table, n in _unchecked(session).items():
        v.summary.append({"table": table, "records": n, "events": per_table.get(table, 0),
                          "note": "not checked"})
    order = {p["event"]: i for i, p in enumerate(v.problems)}
    v.problems.sort(key=lambda p: (p["event"] is None, p["event"] or 0, order[p["event"]]))
    for s in v.summary:
        s.setdefault("note", "")
    return v


def _anchor(v: Verdict, want: str, held: list[int], last_id: int) -> None:
    """Whether the chain still holds the head noted earlier (`verify --head`)."""
    from duchá.errors import BadInput

    if len(held) > 1:
        raise BadInput(f"chain head '{want}' matches events {held[0]} and {held[1]}; give more "
                       "of its digits")
    if not held:
        now = f"its head is now {v.head[:16]} (event {last_id})" if v.head else "it is empty"
        v.add(None, "event", want,
              f"the chain no longer holds head {want}: the history was cut short or rewritten "
              f"since that head was noted ({v.events} events; {now})")
        return
    v.anchored = held[0]


def _follow(child: Child, child_events: dict[tuple[str, str, str, str], list[int]]
            ) -> dict[tuple[str, str], list[int]]:
    """What rows with an identity must hold: each request (child.action) starts a row, and a
    later event of another action with the same identity (a decision) replaces the newest
    row of that identity while it is pending; a decision with no pending request before it
    (an import) is a row alone.  Two requests alike in every identity field stay two rows."""
    ordered = sorted(((eid, act, s, a) for (t, act, s, a), ids in child_events.items()
                      if t == child.table for eid in ids))
    rows: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for eid, act, s, a in ordered:
        if act not in (child.action, *child.actions):
            continue
        same = rows[(s, _identity(child, a))]
        if act != child.action and same and _pending(same[-1][1]):
            same[-1] = (eid, a)
        else:
            same.append((eid, a))
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (s, _), states in rows.items():
        for eid, a in states:
            out[(s, a)].append(eid)
    return out


def _pending(after: str) -> bool:
    try:
        return json.loads(after).get("status") == "pending"
    except (ValueError, AttributeError):
        return False


def _child_event(child: Child, events: dict[tuple[str, str, str, str], list[int]], eid: int,
                 subject: str, after: str | None, action: str) -> None:
    """File an event under its child row: the whole `after`, or the part `pick` names."""
    text = after or ""
    if child.pick is not None:
        try:
            text = dump(json.loads(text).get(child.pick)) or ""
        except (ValueError, AttributeError):
            text = ""
    events[(child.table, action, subject, text)].append(eid)


def _identity(child: Child, after: str) -> str:
    try:
        data = json.loads(after)
    except ValueError:
        return after
    return json.dumps([data.get(k) for k in child.identity], ensure_ascii=False)


def _unchecked(session: Session) -> dict[str, int]:
    """Tables holding rows that no registered kind, link or child accounts for."""
    from sqlalchemy import func, select
    from sqlmodel import SQLModel

    covered = {"event", "ducha_meta"}
    for kind in KINDS.values():
        covered.add(kind.model.__tablename__)
        covered.update(model(link.table).__tablename__ for link in kind.links)
    covered.update(c.model.__tablename__ for c in CHILDREN)
    out = {}
    for name, table in SQLModel.metadata.tables.items():
        if name in covered:
            continue
        n = session.execute(select(func.count()).select_from(table)).scalar_one()
        if n:
            out[name] = n
    return out
