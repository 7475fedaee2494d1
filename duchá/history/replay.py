"""Replaying the history: what each record should look like, `duchá verify` and `duchá log`.

Every record kind whose changes are events is registered here once, with how to take its
current snapshot (the same shape its service writes into an event's `after`: events.snapshot
plus its link lists).  `verify` then works by rule, for every registered kind:

- the events form an unbroken hash chain (events.digest; prev_hash = the previous hash);
- per record, the last event's `after` equals the record's current snapshot, a record with no
  event or an event whose record is gone is reported;
- child rows written by an action of their own (an item's progress notes) match those events
  one for one.

A field missing from an event counts as null, so a migration that adds a nullable column
keeps old ledgers verifiable, and an import stores each record's snapshot without its empty
fields (half the history's size).  The reference fields (Ref: a unit by its code, a plan by its
number) are the exception where their id is there: events written before they were pinned
simply lack them.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from itertools import groupby, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from duchá.dates import plain
from duchá.history.events import HASHED, digest_rows, dump, snapshot
from duchá.tables import LinkSpec, RefSpec, table_name

if TYPE_CHECKING:
    from sqlmodel import Session

    from duchá.storage.sql import Sql


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
    model: str  # the SQLModel class's name (looked up only where the ORM is used)
    key: str  # the snapshot field that is the event's subject (number, unit code, setting key)
    links: tuple[Link, ...] = ()
    refs: tuple[Ref, ...] = ()
    # The snapshot from the row's values (column -> value, dates as date or ISO text);
    # default: every column but id, as events.snapshot gives it.
    snap: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    annotations: tuple[str, ...] = ()  # keys of `after` that describe the step, not the record

    def unit_fields(self) -> tuple[str, ...]:
        """Snapshot fields holding unit codes: what a rename changes without an event."""
        refs: list[Ref | Link] = [*self.refs, *self.links]
        return tuple(x.name for x in refs if x.target == "Unit" and x.label == "code")

    @property
    def table_name(self) -> str:
        return table_name(self.model)

    @cached_property
    def ref_columns(self) -> dict[str, str]:
        """Each reference field's id column (a unit's code: unit_id)."""
        return {r.name: r.column for r in self.refs}


@dataclass(frozen=True)
class Child:
    """Rows added one per event whose `after` is the row (not the parent's snapshot)."""

    table: str  # subject_table of the events (the parent's kind)
    action: str
    model: str  # the SQLModel class's name
    # (subject, after) per row, ordered by subject as `bytewise` sorts (events' subjects so).
    rows: Callable[[Sql], Iterable[tuple[str, dict[str, Any]]]]
    pick: str | None = None  # the row is after[pick], not the whole `after`
    actions: tuple[str, ...] = ()  # more actions that write the same rows (default: action)
    # With identity: rows change; the last event per identity says what the row holds.
    identity: tuple[str, ...] = ()
    # For rows that are the whole `after` of their events (no pick, no identity): per row
    # (subject, its JSON text as events.dump writes it, or None where unsure, then what `value`
    # reads the row from), ordered as `rows`.  Equal texts are equal values of the same types:
    # rows whose texts are their events' texts need not be read as values.
    texts: Callable[[Sql], Iterable[tuple[Any, ...]]] | None = None
    value: Callable[[tuple[Any, ...]], dict[str, Any]] | None = None

    @property
    def table_name(self) -> str:
        return table_name(self.model)


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


def _lists(session: Session, link: Link, ids: list[int]) -> dict[int, list[str]]:
    from sqlalchemy import select

    from duchá.tables import table_of

    lt, tt = table_of(model(link.table)), table_of(model(link.target))
    stmt = (select(lt.c[link.parent], tt.c[link.label])
            .select_from(lt.join(tt, tt.c.id == lt.c[link.child]))
            .where(lt.c[link.parent].in_(ids)))
    out: dict[int, list[str]] = defaultdict(list)
    for parent, label in session.execute(stmt):
        out[parent].append(label)
    return {k: sorted(v) for k, v in out.items()}


def links(session: Session, table: str, obj: Any) -> dict[str, list[str]]:
    """One record's linked codes or numbers (its units, targets, items...), each sorted."""
    return {link.name: _lists(session, link, [obj.id]).get(obj.id, [])
            for link in KINDS[table].links}


def snap(session: Session, table: str, obj: Any) -> dict[str, Any]:
    """One record's full snapshot, as its events store it, from its ORM object (what a
    service writes into an event); `snapshots` reads the same from the tables."""
    kind = KINDS[table]
    data = kind.snap(obj.model_dump()) if kind.snap else snapshot(obj)
    for ref in kind.refs:
        key = getattr(obj, ref.column)
        target = session.get(model(ref.target), key) if key is not None else None
        data[ref.name] = getattr(target, ref.label) if target is not None else None
    return {**data, **links(session, table, obj)}


# What a column's declared type in SQLite's catalog holds (the types SQLModel declares).
_DECLARED: dict[str, type] = {"BOOLEAN": bool, "DATE": date, "DATETIME": datetime,
                              "TIMESTAMP": datetime, "INTEGER": int, "VARCHAR": str,
                              "TEXT": str, "FLOAT": float, "NUMERIC": float}


def columns(sql: Sql, table: str) -> dict[str, type | None]:
    """A table's columns and what each holds in Python (str, int, date, bool...).

    On SQLite from the ledger's own catalog, so that a command that writes with SQL text
    (`item add`) never loads the models; elsewhere from the model.  tests/test_history.py
    holds the two to the same answer for every table, on fresh and migrated ledgers."""
    if sql.dialect == "sqlite":
        return {name: _DECLARED.get(str(declared).split("(")[0].strip().upper())
                for _, name, declared, *_ in sql.rows(f'PRAGMA table_info("{table}")')}
    from sqlmodel import SQLModel

    import duchá.models  # noqa: F401  (the tables' metadata)

    return {c.name: _python_type(c.type) for c in SQLModel.metadata.tables[table].columns}


def _reader(sql: Sql, table: str, extra: Sequence[tuple[str, str]] = ()
            ) -> tuple[list[str], Callable[[Iterable[tuple[Any, ...]]],
                                            Iterator[dict[str, Any]]]]:
    """The select list of every column of `table` (alias r) but id, then the `extra`
    (SQL, name) pairs, and what turns its rows into JSON-ready values: a boolean as true or
    false (SQLite stores 1 or 0), a date as its ISO text (as events.snapshot)."""
    kinds = columns(sql, table)
    names = [n for n in kinds if n != "id"]
    select = [f'r."{n}" AS "{n}"' for n in names] + [f'{q} AS "{n}"' for q, n in extra]
    names += [n for _, n in extra]
    flags = [i for i, n in enumerate(names) if kinds.get(n) is bool]
    dates = [i for i, n in enumerate(names) if kinds.get(n) in (date, datetime)]

    def as_is(rows: Iterable[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
        return map(dict, map(zip, repeat(names), rows))  # no call of ours per row

    def fixed(rows: Iterable[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            got = list(row)
            for i in flags:
                if got[i] is not None:
                    got[i] = bool(got[i])
            for i in dates:
                got[i] = plain(got[i])
            yield dict(zip(names, got, strict=True))

    # SQLite's dates already are ISO text.
    return select, fixed if flags or (dates and sql.dialect != "sqlite") else as_is


def snapshots(sql: Sql, table: str, ids: Sequence[int] | None = None
              ) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record of a kind (or those with `ids`) as (subject, snapshot), ordered by
    subject as `Sql.bytewise` orders: the references and lists are joined in the query, so
    one record at a time is held, whatever the size of the ledger."""
    key = KINDS[table].key
    return ((str(data[key]), data) for data in _records(sql, table, ids))


def _records(sql: Sql, table: str, ids: Sequence[int] | None = None
             ) -> Iterator[dict[str, Any]]:
    """`snapshots` without their subjects (data[kind.key], as text)."""
    from duchá.storage.sql import placeholders

    kind = KINDS[table]
    extra: list[tuple[str, str]] = []
    joins = []
    for i, ref in enumerate(kind.refs):
        target = table_name(ref.target)
        joins.append(f'LEFT JOIN {target} ref{i} ON ref{i}.id = r."{ref.column}"')
        extra.append((f'ref{i}."{ref.label}"', ref.name))
    for link in kind.links:
        lt, tt = table_name(link.table), table_name(link.target)
        extra.append((f"(SELECT {sql.json_list(f'lt.{link.label}')} FROM {lt} lk "
                      f'JOIN {tt} lt ON lt.id = lk."{link.child}" '
                      f'WHERE lk."{link.parent}" = r.id)', link.name))
    select, values = _reader(sql, kind.table_name, extra)
    key = f'r."{kind.key}"'
    if columns(sql, kind.table_name)[kind.key] is not str:
        key = sql.bytewise(key)  # a year, a day: sorted as the text of the events' subjects
    params: dict[str, Any] = {}
    where = ""
    if ids is not None:
        listed, params = placeholders("id", ids)
        where = f"WHERE r.id IN ({listed})" if ids else "WHERE 1 = 0"
    lists = [link.name for link in kind.links]
    rows = sql.stream(f"SELECT {', '.join(select)} FROM {kind.table_name} r {' '.join(joins)} "
                      f"{where} ORDER BY {key}", params)
    if not lists and kind.snap is None:
        return values(rows)  # (most records)
    return _finished(kind, values(rows), lists)


def _finished(kind: Kind, rows: Iterator[dict[str, Any]], lists: list[str]
              ) -> Iterator[dict[str, Any]]:
    for got in rows:
        for name in lists:
            got[name] = sorted(json.loads(got[name] or "[]"))
        yield kind.snap(got) if kind.snap else got


def _python_type(kind: Any) -> type | None:
    """What a column's values are in Python (str, int, date, bool...), None if unsaid."""
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def current(session: Session, table: str, ids: list[int] | None = None
            ) -> dict[str, dict[str, Any]]:
    """Every record of a kind (or those with `ids`) by its subject, as snapshots."""
    from duchá.storage.sql import on_session

    if ids is not None and len(ids) > 10_000:
        ids = None  # past SQL's parameter limits, reading them all is as cheap
    session.flush()
    return dict(snapshots(on_session(session), table, ids))


def _register_known() -> None:
    # Keys an event may add to `after` that tell about the step, not the record's state.
    notes = ("note", "extension", "accountability", "reminder", "feedback")
    from duchá.tables import RECORDS

    # The numbered records and units, as tables.py describes them.
    for rec in RECORDS.values():
        register(Kind(
            rec.kind, rec.model, rec.key,
            refs=rec.refs, links=rec.links,
            annotations=notes if rec.kind in ("item", "finding") else ()))
    register(Kind("setting", "Setting", "key",
                  snap=lambda s: {"key": s["key"], "value": json.loads(s["value"])}))
    register(Kind("calendar", "CalendarOverride", "day", snap=lambda c: {
        "day": plain(c["day"]), "workday": bool(c["workday"]), "note": c["note"]}))
    register(Kind("quota", "Quota", "year", snap=lambda q: {
        "year": q["year"], "max_count": q["max_count"], "reduction": q["reduction"],
        "baseline": q["baseline"]}))

    progress = ('SELECT item.number, p."on", p.text, p.percent FROM progress p '
                "JOIN item ON item.id = p.item_id ORDER BY item.number")

    def progress_value(row: tuple[Any, ...]) -> dict[str, Any]:
        return {"on": plain(row[2]), "text": row[3], "percent": row[4]}

    def progress_rows(sql: Sql) -> Iterable[tuple[str, dict[str, Any]]]:
        for number, on, text, percent in sql.stream(progress):
            yield number, {"on": plain(on), "text": text, "percent": percent}

    def progress_texts(sql: Sql) -> Iterator[tuple[Any, ...]]:
        e = json.encoder.encode_basestring
        for number, on, text, percent in sql.stream(progress):
            if type(on) is not str:
                on = plain(on)  # a date (PostgreSQL)
            said = None  # events.dump's text of the row, where its values are the usual
            if type(on) is str and type(text) is str:
                if percent is None:
                    said = f'{{"on": {e(on)}, "percent": null, "text": {e(text)}}}'
                elif type(percent) is int:
                    said = f'{{"on": {e(on)}, "percent": {percent:d}, "text": {e(text)}}}'
            yield number, said, on, text, percent

    register_child(Child("item", "progress", "Progress", progress_rows,
                         texts=progress_texts, value=progress_value))

    def attached(name: str, table: str) -> Callable[[Sql], Iterable[tuple[str, dict[str, Any]]]]:
        def rows(sql: Sql) -> Iterable[tuple[str, dict[str, Any]]]:
            subject = "coalesce(s.number, '?')"  # (a row whose subject is gone)
            select, values = _reader(sql, table_name(name), [(subject, "_subject")])
            for got in values(sql.stream(
                    f"SELECT {', '.join(select)} FROM {table_name(name)} r "
                    f"LEFT JOIN {table} s ON s.id = r.subject_id WHERE r.subject_table = "
                    f"'{table}' ORDER BY {sql.bytewise(subject)}")):
                yield got.pop("_subject"), got

        return rows

    # Accountability records are written once, by an "account" event that carries them.
    for table in ("item", "finding"):
        register_child(Child(table, "account", "Accountability",
                             attached("Accountability", table),
                             pick="accountability"))
        # Extensions change after the request (approved or rejected): the last event about
        # each request says what the row must hold.
        register_child(Child(table, "extend", "Extension",
                             attached("Extension", table),
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
    register(Kind("round", "FormRound", "number"))
    register(Kind("form", "FormSheet", "number",
                  refs=(Ref("round", "round_id", "FormRound", "number"),
                        Ref("unit", "unit_id", "Unit"))))
    register(Kind("reminder", "Reminder", "number", refs=(Ref("unit", "unit_id", "Unit"),)))

    def answers(table: str) -> Callable[[Sql], Iterable[tuple[str, dict[str, Any]]]]:
        def rows(sql: Sql) -> Iterable[tuple[str, dict[str, Any]]]:
            from types import SimpleNamespace

            from duchá.storage.sql import day

            column = "item_id" if table == "item" else "finding_id"
            for number, on, progress, percent, claim, done_on, evidence, coordination, form \
                    in sql.stream(
                        'SELECT subj.number, f."on", f.progress, f.percent, f.claim, '
                        "f.done_on, f.evidence, f.coordination, s.number FROM feedback f "
                        f"JOIN {table} subj ON subj.id = f.{column} "
                        "JOIN form_sheet s ON s.id = f.sheet_id ORDER BY subj.number"):
                fb = SimpleNamespace(on=day(on), progress=progress, percent=percent,
                                     claim=claim, done_on=day(done_on), evidence=evidence,
                                     coordination=coordination)
                yield number, feedback_note(fb, form)

        return rows

    def steps(table: str) -> Callable[[Sql], Iterable[tuple[str, dict[str, Any]]]]:
        def rows(sql: Sql) -> Iterable[tuple[str, dict[str, Any]]]:
            from types import SimpleNamespace

            from duchá.storage.sql import day

            column = "item_id" if table == "item" else "finding_id"
            for number, notice, kind, issued_on, reply_by, level in sql.stream(
                    "SELECT subj.number, r.number, r.kind, r.issued_on, r.reply_by, l.level "
                    "FROM reminder r JOIN reminder_line l ON l.reminder_id = r.id "
                    f"JOIN {table} subj ON subj.id = l.{column} ORDER BY subj.number"):
                yield number, reminder_note(SimpleNamespace(
                    number=notice, kind=kind, issued_on=day(issued_on),
                    reply_by=day(reply_by)), level)

        return rows

    for table in ("item", "finding"):
        register_child(Child(table, "feedback", "Feedback", answers(table), pick="feedback"))
        register_child(Child(table, "remind", "ReminderLine", steps(table), pick="reminder"))


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


# Events whole: the HASHED columns in their order (what digest_row takes), then the hash.
_EVENT_SQL = "SELECT " + ", ".join(f'"{c}"' for c in HASHED) + ", hash FROM event"


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


def _integrity(sql: Sql) -> list[str]:
    """SQLite's own check of the file (pages, b-trees, every index against its table).

    quick_check skips comparing index entries with their rows, so an overwritten index page
    would pass it; integrity_check reads them all.  Other databases check their own storage.
    """
    if sql.dialect != "sqlite":
        return []
    import sqlite3

    from duchá.errors import LedgerUnusable

    try:
        rows = [str(r[0]) for r in sql.stream("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:
        text = str(exc).splitlines()[0]
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


def verify(sql: Sql, *, head: str | None = None, integrity: bool = True) -> Verdict:
    """Check the file, the chain, and that every record equals what its history says.

    With `head` (a hash or a prefix of one, as head_prefix accepts), also that the chain still
    holds that event: a history cut short or rewritten since the head was noted fails.
    `integrity=False` skips SQLite's file check (a caller that has just run it).

    In bounded memory, whatever the size of the ledger: the database finds the events that
    do not follow the one before (and the edits, where the renames are noted, which are few);
    then, kind by kind, the events in the order of their subjects are merged with the records
    and the child rows read in the same order, one subject at a time, each event hashed as it
    is read (those of a table with no kind after them).
    """
    v = Verdict()
    if integrity:
        damage = _integrity(sql)
        if damage:
            for line in damage:
                v.add(None, "file", "integrity_check", f"the ledger file is damaged: {line}")
            v.problems[0]["problem"] += ("; restore it from a backup (`duchá restore PATH`); "
                                         "records were not compared")
            return v
    want_head = head_prefix(head) if head is not None else None
    chain = _chain(sql, v, want_head)
    linked = len(v.problems)
    # Each event is hashed where the comparison reads it whole (those of tables with no kind
    # apart); an event's altered content is told after its links, before its record.
    altered = Verdict()
    unhashed = _Unhashed(sql, altered)
    child_problems: dict[int, Verdict] = {i: Verdict() for i in range(len(CHILDREN))}
    child_counts: dict[int, list[int]] = {i: [0, 0] for i in range(len(CHILDREN))}
    for table, kind in KINDS.items():
        records = _compare(sql, v, unhashed, kind, chain, child_problems, child_counts)
        v.summary.append({"table": table, "records": records,
                          "events": chain.per_table[table]})
    from duchá.storage.sql import placeholders

    listed, params = placeholders("t", list(KINDS))
    for row in sql.stream(f"{_EVENT_SQL} WHERE subject_table IS NULL "
                          f"OR subject_table NOT IN ({listed})", params):
        unhashed.add((row,))  # (a part at a time, however many there are)
    unhashed.flush()
    v.problems[linked:linked] = altered.problems
    for i, child in enumerate(CHILDREN):
        v.problems.extend(child_problems[i].problems)
        name = child.table_name
        # Accountability and extensions hang off items and findings: one summary row each.
        entry = next((x for x in v.summary if x["table"] == name), None)
        if entry is None:
            entry = {"table": name, "records": 0, "events": 0}
            v.summary.append(entry)
        entry["records"] += child_counts[i][0]
        entry["events"] += child_counts[i][1]
    for table, n in _unchecked(sql).items():
        v.summary.append({"table": table, "records": n,
                          "events": chain.per_table.get(table, 0), "note": "not checked"})
    order = {p["event"]: i for i, p in enumerate(v.problems)}
    v.problems.sort(key=lambda p: (p["event"] is None, p["event"] or 0, order[p["event"]]))
    for s in v.summary:
        s.setdefault("note", "")
    return v


@dataclass
class _Chain:
    """What the pass over the chain keeps for the comparison: little, and no snapshot."""

    renames: _Renames = field(default_factory=lambda: _Renames())
    # (table, old key) -> the last event that renamed the record away from that key: an
    # earlier event under the old key no longer describes a record.
    moved: dict[tuple[str, str], int] = field(default_factory=dict)
    per_table: Counter[str] = field(default_factory=Counter)


def _chain(sql: Sql, v: Verdict, want_head: str | None) -> _Chain:
    """The events in order, each linked to the one before (its hash, that it matches its
    content, is checked where `_compare` reads it): the database finds the broken links, so
    no event is read here but those and the edits, where renames are noted."""
    out = _Chain()
    for table, n in sql.stream("SELECT subject_table, count(*) FROM event GROUP BY subject_table"):
        out.per_table[table] += n
    last = sql.one("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1")
    last_id, v.head = (0, None) if last is None else (last[0], last[1])
    v.events = sum(out.per_table.values())
    differs = "IS NOT" if sql.dialect == "sqlite" else "IS DISTINCT FROM"
    for eid, table, subject, action, broken, prev_id in sql.stream(
            f"SELECT e.id, e.subject_table, e.subject, e.action, e.prev_hash {differs} p.hash, "
            "p.id FROM event e LEFT JOIN event p ON p.id = "
            "(SELECT max(q.id) FROM event q WHERE q.id < e.id) "
            f"WHERE e.prev_hash {differs} p.hash OR e.hash IS NULL ORDER BY e.id"):
        if broken:
            v.add(eid, table, subject,
                  f"event {eid} ({action} {table} {subject}) does not follow event "
                  f"{prev_id or 0}: an event between them was deleted or inserted, or the chain "
                  "was rewritten")
        else:
            v.add(eid, table, subject, f"event {eid} ({action} {table} {subject}) has no hash: "
                  "it was written outside duchá")
    pure_child = {(c.table, a) for c in CHILDREN if c.pick is None
                  for a in (c.action, *c.actions)}
    for eid, table, subject, action, before in sql.stream(
            'SELECT id, subject_table, subject, action, "before" FROM event '
            'WHERE "before" IS NOT NULL AND "after" IS NOT NULL ORDER BY id'):
        if (table, action) in pure_child:
            continue
        kind = KINDS.get(table)
        if kind is None:
            continue
        try:
            old = str(json.loads(before).get(kind.key, subject))
        except (ValueError, AttributeError):
            old = subject
        if old != subject:  # renamed (a unit's code): the old name is no longer a record
            out.moved[(table, old)] = eid
            if table == "unit":
                out.renames.add(eid, old, subject)
    if want_head is not None:
        held = [eid for (eid,) in sql.stream(
            "SELECT id FROM event WHERE substr(hash, 1, :n) = :head ORDER BY id LIMIT 2",
            {"n": len(want_head), "head": want_head})]
        _anchor(v, want_head, held, last_id)
    return out


class _Unhashed:
    """Events read whole (rows of _EVENT_SQL), held until there are enough to hash at once
    (digest_rows); each whose content no longer matches its hash is told in `altered` (one
    with no hash the chain's pass told).  Memory holds one such part of the history."""

    PART = 512

    def __init__(self, sql: Sql, altered: Verdict) -> None:
        self.texts = sql.dialect == "sqlite"  # there every value already is as hashed
        self.altered = altered
        self.rows: list[tuple[Any, ...]] = []

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.rows.extend(rows if self.texts else (tuple(map(_text, r)) for r in rows))
        if len(self.rows) >= self.PART:
            self.flush()

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        for row, digest in zip(rows, digest_rows(rows), strict=True):
            if row[10] is not None and digest != row[10]:
                eid, action, table, subject = row[0], row[4], row[5], row[6]
                self.altered.add(eid, table, subject, f"event {eid} ({action} {table} "
                                 f"{subject}) was altered after it was written: its content "
                                 "does not match its hash")


def _groups(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Consecutive rows with the same first value (the subject), as one group each."""
    for subject, group in groupby(rows, key=itemgetter(0)):
        yield str(subject), list(group)


def _compare(sql: Sql, v: Verdict, unhashed: _Unhashed, kind: Kind, chain: _Chain,
             child_problems: dict[int, Verdict], child_counts: dict[int, list[int]]) -> int:
    """A kind's records against their last events, and its child rows against theirs, one
    subject at a time; the number of records.  Each event's content is held to its hash
    where it is read whole (`unhashed` hashes them a part at a time)."""
    table = kind.table
    unit_fields = kind.unit_fields()
    pinned = {r.name for r in kind.refs}
    children = [(i, c) for i, c in enumerate(CHILDREN) if c.table == table]
    child_of = {a: (i, c) for i, c in children for a in (c.action, *c.actions)}
    moved = {s: eid for (t, s), eid in chain.moved.items() if t == table}
    events = groupby(sql.stream(
        f"{_EVENT_SQL} WHERE subject_table = :table "
        f"ORDER BY {sql.bytewise('subject') if sql.dialect != 'sqlite' else 'subject'}, id",
        {"table": table}), key=itemgetter(6))
    records = _records(sql, table)
    key = kind.key
    as_text = columns(sql, kind.table_name)[key] is not str
    # Children whose rows come with their JSON text (Child.texts): matched to their events'
    # texts first, read as values only for a subject where those differ.
    quick: set[int] = set()
    streams: list[Iterable[tuple[Any, ...]]] = []
    for i, c in children:
        if c.texts is not None and c.pick is None and not c.identity:
            quick.add(i)
            streams.append(c.texts(sql))
        else:
            streams.append(c.rows(sql))
    kids = [_groups(x) for x in streams]
    ev = next(events, None)
    rec = next(records, None)
    rec_subject = None if rec is None else str(rec[key]) if as_text else rec[key]
    heads = [next(k, None) for k in kids]
    live = [n for n, h in enumerate(heads) if h is not None]  # child streams not yet done
    renames = chain.renames
    n_records = 0
    while True:
        # The next subject of any stream (all sorted alike).
        subject = ev[0] if ev is not None else None
        if rec_subject is not None and (subject is None or rec_subject < subject):
            subject = rec_subject
        for n in live:
            h = heads[n]
            if h is not None and (subject is None or h[0] < subject):
                subject = h[0]
        if subject is None:
            return n_records
        evs: list[tuple[Any, ...]] = []
        if ev is not None and ev[0] == subject:
            evs, ev = list(ev[1]), next(events, None)
        have = None
        while rec_subject == subject:
            have, rec = rec, next(records, None)
            rec_subject = None if rec is None else str(rec[key]) if as_text else rec[key]
            n_records += 1
        last: tuple[int, str | None] | None = None
        filed: dict[int, dict[tuple[str, str, str, str], list[int]]] = {}
        said: dict[int, list[str | None]] = {}  # quick children: their events' texts
        unhashed.add(evs)
        for row in evs:
            eid, action, after = row[0], row[4], row[8]
            hit = child_of.get(action)
            if hit is not None:
                i, child = hit
                if i in quick:
                    said.setdefault(i, []).append(after)
                    continue
                _child_event(child, filed.setdefault(i, defaultdict(list)), eid, subject,
                             after, action if child.identity else child.action)
                if child.pick is None:
                    continue
            last = (eid, after)
        if last is not None and moved.get(subject, 0) > last[0]:
            last = None  # renamed away since
        want = _expected(kind, last, renames, unit_fields, have)
        if want is None or want != have or not pinned.issubset(want):
            _judge(v, kind, subject, last, want, have, pinned)
        if not (live or filed or said):
            continue  # (most records: no child rows, no events about them)
        for n, (i, child) in enumerate(children):
            h = heads[n]
            found: list[Any] = []
            if h is not None and h[0] == subject:
                found, heads[n] = h[1], next(kids[n], None)
                if heads[n] is None:
                    live.remove(n)
            if i in quick:
                if found or i in said:
                    _quick_child(child_problems[i], child, child_counts[i], subject, found,
                                 said.get(i, []), evs)
            elif found or i in filed:
                _judge_child(child_problems[i], child, child_counts[i], subject, found,
                             filed.get(i, {}))


def _quick_child(v: Verdict, child: Child, counts: list[int], subject: str,
                 found: list[tuple[Any, ...]], said: list[str | None],
                 evs: Iterable[tuple[Any, ...]]) -> None:
    """One subject's rows of a child read with their texts (Child.texts) against the texts
    of its events: the same texts as many times each, or else as _judge_child finds."""
    texts = [row[1] for row in found]
    if None not in texts and None not in said and sorted(texts) == sorted(said):  # type: ignore[type-var]
        counts[0] += len(texts)
        counts[1] += len(said)
        return
    assert child.value is not None
    filed: dict[tuple[str, str, str, Any], list[int]] = defaultdict(list)
    actions = (child.action, *child.actions)
    for row in evs:
        if row[4] in actions:
            _child_event(child, filed, row[0], subject, row[8], child.action)
    _judge_child(v, child, counts, subject, [(subject, child.value(row)) for row in found],
                 filed)


_DECODER = json.JSONDecoder()


def _loads(text: str) -> Any:
    """json.loads, without its wrappers for the usual text (every event's snapshot)."""
    try:
        value, end = _DECODER.raw_decode(text)
    except ValueError:
        return json.loads(text)  # its own error, or what leading spaces hide from raw_decode
    return value if end == len(text) else json.loads(text)


def _expected(kind: Kind, last: tuple[int, str | None] | None, renames: _Renames,
              unit_fields: tuple[str, ...], have: dict[str, Any] | None
              ) -> dict[str, Any] | None:
    """What the last event says the record holds, in today's unit codes; None when there is
    no such event, it deleted the record, or its snapshot cannot be read.  The fields of the
    record (`have`) that the snapshot leaves out are null there, but for a reference that an
    event written before references were pinned lacks (its id is there, its code is not)."""
    if last is None or last[1] is None:
        return None
    try:
        want = _loads(last[1])
    except ValueError:
        return None
    if not isinstance(want, dict):
        return None
    if not want.keys().isdisjoint(kind.annotations):  # (a step's event: seldom the last)
        for k in kind.annotations:
            want.pop(k, None)
    if have is not None and len(want) < len(have):
        filled = dict.fromkeys(have)
        filled.update(want)
        for ref in kind.ref_columns.keys() - want.keys():
            if ref in filled and want.get(kind.ref_columns[ref]) is not None:
                del filled[ref]  # (an event written before references were pinned)
        want = filled
    renames.translate(unit_fields, want, last[0])
    return want


def _judge(v: Verdict, kind: Kind, subject: str, last: tuple[int, str | None] | None,
           want: dict[str, Any] | None, have: dict[str, Any] | None, pinned: set[str]
           ) -> None:
    """One record against its last event (`want`, as _expected read it)."""
    table = kind.table
    eid, after = last if last is not None else (None, None)
    if after is None:
        if have is not None:
            what = (f"{table} {subject} has no event: it was added outside duchá"
                    if eid is None else
                    f"{table} {subject} exists but event {eid} deleted it")
            v.add(eid, table, subject, what)
        return
    if have is None:
        v.add(eid, table, subject,
              f"{table} {subject} is gone: event {eid} says it exists; it was deleted "
              "outside duchá")
        return
    if want is None:
        v.add(eid, table, subject, f"event {eid} holds no readable snapshot")
        return
    # Events written before snapshots pinned references by code lack these fields:
    # nothing to compare them with (their ids still are compared).
    unpinned = pinned - want.keys()
    diffs = [k for k in sorted((want.keys() | have.keys()) - unpinned)
             if want.get(k) != have.get(k)]
    if diffs:
        k = diffs[0]
        more = f" (and {len(diffs) - 1} more fields)" if len(diffs) > 1 else ""
        v.add(eid, table, subject,
              f"{table} {subject} was changed outside duchá: {k} is {_show(have.get(k))}"
              f" but event {eid} says {_show(want.get(k))}{more}")


def _judge_child(v: Verdict, child: Child, counts: list[int], subject: str,
                 found: list[tuple[str, dict[str, Any]]],
                 filed: dict[tuple[str, str, str, Any], list[int]]) -> None:
    """One subject's child rows against the events that wrote them: each row must be what
    an event wrote, as many times as the events wrote it.  Rows and events are matched by
    their values (_value_key), the text of an event shown where it matters."""
    rows: Counter[Any] = Counter()
    row_of: dict[Any, dict[str, Any]] = {}
    for _, after in found:
        k = dump(after) or "" if child.identity else _value_key(after)
        rows[k] += 1
        row_of.setdefault(k, after)
    if child.identity:  # rows that change: followed by their texts
        events = {a: ids for (_, a), ids in _follow(child, filed).items()}
    else:
        events = {a: ids for (t, act, _, a), ids in filed.items()
                  if t == child.table and act == child.action}
    counts[0] += len(found)
    counts[1] += sum(len(ids) for ids in events.values())
    bad = [k for k in rows.keys() | events.keys() if rows.get(k, 0) != len(events.get(k, ()))]
    if not bad:
        return
    text = {k: dump(row_of[k]) or "" if k in row_of else _text_of(k) for k in bad}
    noun = "note" if child.pick is None else "record"
    name = f"{child.action} {noun} on {child.table} {subject}"
    for k in sorted(bad, key=text.__getitem__):
        n_rows, ids = rows.get(k, 0), events.get(k, [])
        if n_rows > len(ids):
            v.add(ids[0] if ids else None, child.table, subject,
                  f"{name} {text[k]} has no event: it was added or changed outside duchá")
        else:
            v.add(ids[n_rows], child.table, subject,
                  f"{name} of event {ids[n_rows]} is gone or changed outside duchá")


def _value_key(after: Any) -> Any:
    """A child row (or what an event says it holds) as a key equal for equal values of the
    same types: no text to write per row.  What is not a dict of plain values keys by its
    JSON text."""
    if isinstance(after, dict):
        key = tuple(sorted((k, type(x), x) for k, x in after.items()))
        try:
            hash(key)
            return key
        except TypeError:
            pass
    return ("json", dump(after) if not isinstance(after, str) else after)


def _text_of(key: Any) -> str:
    """The JSON text of a _value_key (or the text a key is)."""
    if isinstance(key, str):
        return key
    if len(key) == 2 and key[0] == "json":
        return str(key[1] or "")
    return dump({k: x for k, _, x in key}) or ""


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


def _child_event(child: Child, events: dict[tuple[str, str, str, Any], list[int]], eid: int,
                 subject: str, after: str | None, action: str) -> None:
    """File an event under its child row: the whole `after`, or the part `pick` names; by
    its text for rows that change (identity), else by its values (_value_key)."""
    text = after or ""
    value: Any = None
    try:
        value = _loads(text) if text else None
        if child.pick is not None:
            value = value.get(child.pick)
            text = dump(value) or ""
    except (ValueError, AttributeError):
        value = None
        if child.pick is not None:
            text = ""
    if child.identity:
        events[(child.table, action, subject, text)].append(eid)
    else:
        key = ("json", text) if value is None else _value_key(value)
        events[(child.table, action, subject, key)].append(eid)


def _identity(child: Child, after: str) -> str:
    try:
        data = json.loads(after)
    except ValueError:
        return after
    return json.dumps([data.get(k) for k in child.identity], ensure_ascii=False)


# Every table of the models, in their metadata's order, so that verify names them without
# loading the models: tests/test_history.py holds it to SQLModel.metadata.tables.
def _unchecked(sql: Sql) -> dict[str, int]:
    """Tables holding rows that no registered kind, link or child accounts for (the ledger's
    catalog says which tables there are: one a later migration adds is checked too)."""
    covered = {"event", "ducha_meta", "alembic_version"}
    for kind in KINDS.values():
        covered.add(kind.table_name)
        covered.update(table_name(link.table) for link in kind.links)
    covered.update(c.table_name for c in CHILDREN)
    out = {}
    for name in sql.tables():
        if name in covered:
            continue
        n = sql.scalar(f'SELECT count(*) FROM "{name}"')
        if n:
            out[name] = n
    return out
