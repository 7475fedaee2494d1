"""The append-only history: every change is one event row, and the events form a hash chain.

Each event stores `hash` = SHA-256 of its canonical content (every column but `hash`, as the
database stores it, in JSON with sorted keys) and `prev_hash` = the previous event's hash, so an
event edited, inserted or deleted behind the tool's back breaks the chain (`duchá verify`).
A snapshot may leave out fields that are NULL (an import's do: `dump_many(sparse=True)`), and
whoever reads one takes a field left out as NULL.
Events are written only here: `record()` for one change, `chain()` for bulk importers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from operator import methodcaller
from typing import TYPE_CHECKING, Any

from duchá.dates import plain
from duchá.storage.bulk import all_null

if TYPE_CHECKING:
    from sqlmodel import Session

    from duchá.storage.sql import Sql

# The json module's encoder of a string when ensure_ascii is off, as json.dumps uses it.
_ENCODE = json.encoder.encode_basestring

# The columns the hash covers, in the order `duchá verify` reads them back.
HASHED = ("id", "at", "on", "actor", "action", "subject_table", "subject", "before", "after",
          "prev_hash")


def snapshot(obj: Any, *, skip: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """A row's columns as JSON-ready values (dates as ISO text)."""
    return {k: plain(v) for k, v in obj.model_dump().items() if k not in skip}


def dump(value: dict[str, Any] | str | None) -> str | None:
    """A snapshot as the JSON text an event stores (already-dumped text passes through)."""
    if value is None or isinstance(value, str):
        return value
    flat = _flat(value)
    if flat is not None:
        return flat
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=plain)


def _flat(value: dict[str, Any]) -> str | None:
    """`dump`'s text for a dict of text, whole numbers, booleans and nulls, written directly
    (imports and `verify` dump a row at a time); None for anything else.  tests/test_scale.py
    holds it to the json module's."""
    keys = tuple(value)
    order = _ORDERS.get(keys)
    if order is None:
        if not all(type(k) is str for k in keys):
            return None
        order = tuple((k, _ENCODE(k) + ": ") for k in sorted(keys))
        if len(_ORDERS) < 64:  # the few shapes of rows a ledger has
            _ORDERS[keys] = order
    parts = []
    for k, head in order:
        v = value[k]
        kind = type(v)
        if kind is str:
            parts.append(head + _ENCODE(v))
        elif v is None:
            parts.append(head + "null")
        elif kind is int:
            parts.append(head + int.__repr__(v))
        elif kind is bool:
            parts.append(head + ("true" if v else "false"))
        else:
            return None
    return "{" + ", ".join(parts) + "}"


# A dict's keys in their order -> (key, its JSON and ": ") in sorted order.
_ORDERS: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}


_dump = dump  # the earlier private name


def stored_at(at: datetime) -> str:
    """A timestamp exactly as the `at` column stores it (models.UTCText)."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(content: dict[str, Any]) -> str:
    """An event's canonical content: the HASHED columns as stored text, in JSON with sorted
    keys and no spaces (what `digest` hashes)."""
    canon = {k: content.get(k) for k in HASHED}
    return json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# The same text written directly, for the columns' usual values (text, an id, NULL), with the
# json module's own string encoder, without its machinery per call (an import or `verify`
# hashes every event).  tests/test_history.py holds it to `canonical`.  It is written in two
# parts around the previous event's hash, the one value that links an event to the one
# before: a bulk import writes every event's parts first and then runs the chain through them.
_SORTED = tuple(sorted(HASHED))
_HEAD = "{" + ",".join(f'"{k}":%s' for k in _SORTED[:_SORTED.index("prev_hash")]) \
    + ',"prev_hash":'
_TAIL = "".join(f',"{k}":%s' for k in _SORTED[_SORTED.index("prev_hash") + 1:]) + "}"


def digest(content: dict[str, Any]) -> str:
    """SHA-256 of an event's canonical content (`canonical`)."""
    return digest_row([content.get(k) for k in HASHED])


def digest_row(v: Sequence[Any]) -> str:
    """`digest` of the HASHED columns' values given in HASHED's order (a row of the event
    table read in that order, perhaps with more columns after them)."""
    e = _ENCODE  # raises TypeError for anything but text
    try:
        if type(v[0]) is not int:
            raise TypeError(v[0])
        # The values in the order of their sorted keys (_SORTED), written out: an import or
        # `verify` hashes every event.
        text = (_HEAD % (
            "null" if (action := v[4]) is None else e(action),
            "null" if (actor := v[3]) is None else e(actor),
            "null" if (after := v[8]) is None else e(after),
            "null" if (at := v[1]) is None else e(at),
            "null" if (before := v[7]) is None else e(before),
            int.__repr__(v[0]),
            "null" if (on := v[2]) is None else e(on))
            + ("null" if (prev := v[9]) is None else e(prev))
            + _TAIL % (
            "null" if (subject := v[6]) is None else e(subject),
            "null" if (table := v[5]) is None else e(table)))
    except TypeError:  # anything else (never stored): the json module says how
        text = canonical(dict(zip(HASHED, v[:len(HASHED)], strict=True)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


assert _SORTED == ("action", "actor", "after", "at", "before", "id", "on", "prev_hash",
                   "subject", "subject_table"), "digest_row and digest_chain write keys so"


def digest_rows(rows: Sequence[Sequence[Any]]) -> list[str]:
    """`digest_row` of many stored events at once, each with its own prev_hash (`verify`
    checks every event against its hash): the same hashes, each event's text joined from its
    columns' JSON, written a column at a time (each distinct value of a repeating column
    once), and hashed without a Python frame per event."""
    if not rows:
        return []
    try:
        ids, at, on, actor, action, table, subject, before, after, prev = \
            list(zip(*rows, strict=False))[:10]
        if set(map(type, ids)) - {int}:
            raise TypeError(ids)
        texts = map(b"".join, zip(
            _pieces('{"action":%s,"actor":%s,"after":', action, actor),
            map(str.encode, _encoded(after)),
            _pieces(',"at":%s,"before":', at),
            map(str.encode, _encoded(before)),
            map(str.encode, map(',"id":{}'.format, ids)),
            _pieces(',"on":%s,"prev_hash":', on),
            map(str.encode, _encoded(prev)),
            _pieces(',"subject":%s,"subject_table":%s}', subject, table), strict=True))
        return list(map(_HEX, map(hashlib.sha256, texts)))
    except TypeError:  # a value of another type: one event at a time, as digest_row says
        return [digest_row(row) for row in rows]


_HEX = methodcaller("hexdigest")


def digest_chain(columns: Sequence[Sequence[Any]], prev: str | None, *,
                 after_utf8: Sequence[bytes] | None = None) -> list[str]:
    """`digest_row` of many events at once, each linked to the one before: `columns` are
    the HASHED columns but prev_hash (each event's values, in HASHED's order), `prev` the
    hash the first links to; the events' hashes, in order.  Each event's text around its
    link is written a column at a time; then the chain runs through them.  `after_utf8`:
    the after column's texts as UTF-8, when each is a JSON text as `dump` writes it."""
    ids, at, on, actor, action, table, subject, before, after = columns
    try:
        if set(map(type, ids)) - {int}:
            raise TypeError(ids)
        # _HEAD and _TAIL written out, with the keys in _SORTED's order, around the value
        # known only in turn (the link).
        opened = ""
        if after_utf8 is not None:
            afters = _escaped_json(after_utf8)
            opened = '"'  # the quotes around each snapshot, written with its neighbours
        else:
            afters = [a.encode() for a in _encoded(after)]
        # Each event's text up to its link as one piece (one call to the hash for it), and
        # the text after it: made of pieces that are each worked out once per distinct value
        # (an import's action, actor, time and dates repeat) and joined a column at a time.
        heads = _pieces('{"action":%s,"actor":%s,"after":' + opened, action, actor)
        middles = _pieces(opened + ',"at":%s,"before":%s,"id":', at, before)
        dates = _pieces(',"on":%s,"prev_hash":', on)
        numbers = list(map(str.encode, map(int.__repr__, ids)))
        pre = list(map(b"".join, zip(heads, afters, middles, numbers, dates, strict=True)))
        if table and table.count(table[0]) == len(table):  # (an import's: one table)
            end = _pieces(',"subject_table":%s}', table[:1])[0].decode()
            tails = [(',"subject":' + s + end).encode() for s in _encoded(subject)]
        else:
            tails = list(map(b"".join, zip(
                map(str.encode, map(',"subject":'.__add__, _encoded(subject))),
                _pieces(',"subject_table":%s}', table), strict=True)))
    except TypeError:  # a value of another type: one event at a time, as digest_row says
        out = []
        for row in zip(*columns, strict=True):
            prev = digest_row((*row, prev))
            out.append(prev)
        return out
    sha = hashlib.sha256
    out = []
    link = b"null" if prev is None else _ENCODE(prev).encode()
    for piece, t in zip(pre, tails, strict=True):
        digest = sha(piece)
        digest.update(link)
        digest.update(t)
        prev = digest.hexdigest()
        link = f'"{prev}"'.encode()  # hexadecimal: its JSON is itself in quotes
        out.append(prev)
    return out


def _escaped_json(texts: Sequence[bytes]) -> list[bytes]:
    """The UTF-8 of JSON texts as `dump` writes them, escaped as the json module escapes a
    string inside JSON, without the quotes around it.  Such a text holds no raw control
    character (the json module writes each as an escape), so only its quotes and backslashes
    are escaped; and in UTF-8 no byte of another character is one of those two."""
    n = len(texts)
    # (one look at them all: `in` on each would first ask whether its needle is a number,
    # and raise and drop a TypeError per text)
    if b"\\" in b"".join(texts):
        texts = list(map(bytes.replace, texts, [b"\\"] * n, [b"\\\\"] * n))
    return list(map(bytes.replace, texts, [b'"'] * n, [b'\\"'] * n))


def _pieces(template: str, *columns: Sequence[Any]) -> list[bytes]:
    """`template` with each event's values of `columns` as JSON (text and NULLs), encoded;
    each distinct set of values written once.  TypeError for a value of another type."""
    n = len(columns[0])
    if n > 1 and all(col.count(col[0]) == n for col in columns):  # (the same in every event)
        return _pieces(template, *(col[:1] for col in columns)) * n
    rows = list(zip(*columns, strict=True))
    made = {}
    for row in set(rows):
        if not all(v is None or type(v) is str for v in row):
            raise TypeError(row)
        made[row] = (template % tuple("null" if v is None else _ENCODE(v) for v in row)).encode()
    return list(map(made.__getitem__, rows))


def _encoded(values: Sequence[Any]) -> list[str]:
    """A column of text and NULLs as JSON; TypeError for any other value."""
    kinds = set(map(type, values))
    if kinds <= {str} and values and values.count(values[0]) == len(values):
        return [_ENCODE(values[0])] * len(values)  # one text for every event (the action)
    if kinds <= {str}:
        return list(map(_ENCODE, values))
    if kinds <= {str, type(None)}:
        return ["null" if v is None else _ENCODE(v) for v in values]
    raise TypeError(kinds)


class JsonTexts(list[str]):
    """Snapshots as `dump` writes them (`dump_many`): JSON text in which the json module
    wrote every control character as an escape, so none is in the text itself."""


def dump_many(keys: Sequence[str], columns: Sequence[Sequence[Any]], *,
              sparse: bool = False) -> JsonTexts:
    """`dump` of many snapshots with the same keys, given as columns (columns[j][i] is row
    i's value of keys[j]): each value is written as the json module writes it inside the
    dict, a column at a time, the keys and separators once for all rows.  `sparse`: each
    snapshot without its NULL fields (`sparse_of`)."""
    n = len(columns[0]) if columns else 0
    order = sorted(range(len(keys)), key=lambda j: keys[j])
    if sparse:
        order = [j for j in order if not all_null(columns[j])]
    # A sparse row's first field has no separator before it: a column without NULLs leads
    # every row, and the fields sorted before it carry their separator after them.
    anchor = next((at for at, j in enumerate(order) if None not in columns[j]), None) \
        if sparse else 0
    if not all(type(k) is str for k in keys) or len(set(keys)) != len(keys) or (
            order and anchor is None):
        return JsonTexts(dump(sparse_of(dict(zip(keys, row, strict=True))) if sparse
                              else dict(zip(keys, row, strict=True))) or ""
                         for row in zip(*columns, strict=True))
    lead = anchor or 0
    # Each row's text is joined from one piece per column that is not NULL throughout: the
    # key (with the text of the NULL columns before it) and the value, worked out once per
    # distinct value where a column repeats its values (most do: units, dates, statuses).
    pieces: list[Sequence[str]] = []
    text = "{"
    for at, j in enumerate(order):
        col = columns[j]
        key = _ENCODE(keys[j]) + ": "
        kinds, distinct = _kinds(col)
        if sparse and at != lead and NoneType in kinds:  # written only where it is not NULL
            pieces.append(_fields(col, kinds, distinct, text, key, before=at < lead))
            text = ""
            continue
        text += ("" if at == 0 or (sparse and at <= lead) else ", ") + key
        if kinds == {NoneType}:
            text += "null"
            continue
        head, text = text, ""
        if kinds <= {str, NoneType} or kinds <= {int, NoneType}:
            # (no bool among the numbers, as the kinds say)
            write = _ENCODE if str in kinds else int.__repr__
            if distinct is not None and len(distinct) * 4 <= n:
                made = {v: head + ("null" if v is None else write(v)) for v in distinct}
                pieces.append(list(map(made.__getitem__, col)))
            elif NoneType in kinds:
                pieces.append([head + ("null" if v is None else write(v)) for v in col])
            else:  # (the key a piece of its own: no text made per row to hold both)
                pieces.append([head] * n)
                pieces.append(list(map(write, col)))
        else:  # numbers with NULLs, lists, dates...: the json module's text of the value
            pieces.append([head + _json_value(v) for v in col])
    pieces.append([text + "}"] * n)
    return JsonTexts(map("".join, zip(*pieces, strict=True)))


NoneType = type(None)
# The first values of a column that say whether it repeats its values (`_kinds`).
_SAMPLE = 64


def _kinds(col: Sequence[Any]) -> tuple[set[type], set[Any] | None]:
    """The types of a column's values, and its distinct values (None when they cannot be
    held in a set: lists; nor for a long column whose first values all differ, as numbers
    and descriptions do, where the set would hold every value).  Only text and NULLs are
    typed from the distinct values alone: among numbers a set keeps one of 1, 1.0 and True,
    which JSON writes apart."""
    try:
        if len(col) > 4 * _SAMPLE and len(set(col[:_SAMPLE])) == _SAMPLE:
            return set(map(type, col)), None
        distinct = set(col)
    except TypeError:
        return set(map(type, col)), None
    kinds = set(map(type, distinct))
    if not kinds <= {str, NoneType}:
        kinds = set(map(type, col))
    return kinds, distinct


def _fields(col: Sequence[Any], kinds: set[type], distinct: set[Any] | None, text: str,
            key: str, *, before: bool) -> list[str]:
    """A sparse snapshot's field (its `key` and the JSON of its value, nothing where NULL)
    of each row, after `text`: its separator after it (`before` the leading field) or
    before it.  `kinds` and `distinct` as `_kinds` gives them."""
    def field(v: Any) -> str:
        if v is None:
            return text
        value = _ENCODE(v) if type(v) is str else int.__repr__(v) if type(v) is int \
            else _json_value(v)
        return text + key + value + ", " if before else text + ", " + key + value
    if distinct is None or len(kinds - {NoneType}) > 1:  # (lists; 1 and True)
        return list(map(field, col))
    made = {v: field(v) for v in distinct}
    return list(map(made.__getitem__, col))


def sparse_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without its NULL fields, as an import stores a record's (`dump_many`)."""
    return {k: v for k, v in snapshot.items() if v is not None}


def _json_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=plain)


def head(sql: Sql) -> tuple[int, str | None]:
    """The last event's id and hash ((0, None) for an empty history).

    Inside a write transaction (BEGIN IMMEDIATE) no other writer can append meanwhile, so
    two processes never fork the chain.
    """
    if sql.dialect == "postgresql":
        # No BEGIN IMMEDIATE there: hold appends to the chain until this transaction ends.
        sql.execute("LOCK TABLE event IN SHARE ROW EXCLUSIVE MODE")
    row = sql.one("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1")
    return (0, None) if row is None else (int(row[0]), row[1])


def _sql(session: Session) -> Sql:
    """SQL text in the session's transaction, after what the session still holds."""
    from duchá.storage.sql import on_session

    session.flush()
    return on_session(session)


def head_on(session: Session, day: date) -> tuple[int, str | None]:
    """The last event dated (business date) on or before `day`, as (id, hash); (0, None) if
    none.  Its hash anchors every event up to it, so a report that prints it lets the clerk
    check later that the history it was made from still stands (`duchá verify --head`),
    and the report made again later prints the same line."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Event

    row = session.execute(
        select(col(Event.id), col(Event.hash)).where(col(Event.on) <= day)
        .order_by(col(Event.id).desc()).limit(1)).first()
    return (0, None) if row is None else (int(row[0]), row[1])


def _linked(sql: Sql, rows: list[dict[str, Any]]
            ) -> Iterator[tuple[datetime, date | None, tuple[Any, ...]]]:
    """Each event's time and date, and its columns as stored (HASHED's, then the hash),
    linked to the one before; the content hashed once, as it is stored."""
    last_id, prev = head(sql)
    now = datetime.now(UTC)
    now_text = stored_at(now)
    for i, r in enumerate(rows, start=last_id + 1):
        at = r.get("at") or now
        on = r.get("on")
        stored = (i, now_text if at is now else stored_at(at),
                  on.isoformat() if isinstance(on, date) else on, r["actor"], r["action"],
                  r["subject_table"], r["subject"], dump(r.get("before")),
                  dump(r.get("after")), prev)
        prev = digest_row(stored)
        yield at, on, (*stored, prev)


_INSERT = ('INSERT INTO event (id, at, "on", actor, action, subject_table, subject, before, '
           'after, prev_hash, hash) VALUES (:id, :at, :on, :actor, :action, :subject_table, '
           ":subject, :before, :after, :prev_hash, :hash)")


def record(
    sql: Sql,
    *,
    actor: str,
    action: str,
    table: str,
    subject: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    on: date | None,
) -> None:
    """One event, appended to the chain in SQL text (no ORM: `item add` stays quick)."""
    ((_, when, stored),) = _linked(sql, [{
        "actor": actor, "action": action, "subject_table": table, "subject": subject,
        "before": before, "after": after, "on": on}])
    # The date as a date (a server's column is of type date; SQLite binds its ISO text).
    sql.execute(_INSERT, {**dict(zip(HASHED, stored, strict=False)), "on": when,
                          "hash": stored[-1]})


def record_many(session: Session, events: list[dict[str, Any]]) -> None:
    """Many events in one bulk insert (import): the same rows `record` writes.

    Each dict has actor, action, table, subject, before, after and on.  Written in bulk in
    order, so history reads exactly as if each had been recorded by `record`.
    """
    if not events:
        return
    record_columns(_sql(session), actor=[e["actor"] for e in events],
                   action=[e["action"] for e in events], table=[e["table"] for e in events],
                   subject=[e["subject"] for e in events], before=[e["before"] for e in events],
                   after=[e["after"] for e in events], on=[e["on"] for e in events])


def record_columns(sql: Sql, *, actor: Sequence[str], action: Sequence[str],
                   table: Sequence[str], subject: Sequence[str],
                   before: Sequence[dict[str, Any] | str | None],
                   after: Sequence[dict[str, Any] | str | None],
                   on: Sequence[date | None]) -> None:
    """`record_many` of events given as columns (a value per event in each), snapshots as
    dicts or their JSON text (`dump_many`), in SQL text: hashed and inserted as stored text,
    a column at a time, with no conversion per value and no ORM."""
    from duchá.storage.bulk import Utf8Text, insert

    n = len(subject)
    if not n:
        return
    last_id, prev = head(sql)
    at = [stored_at(datetime.now(UTC))] * n
    ids = range(last_id + 1, last_id + 1 + n)
    # (each distinct date written once: an import's events share a few hundred dates)
    days: dict[date | None, str | None] = {o: o.isoformat() for o in set(on)
                                           if isinstance(o, date)}
    on_text = list(map(days.get, on, on))
    befores = _dumped(before)
    afters = _dumped(after)
    columns = (ids, at, on_text, actor, action, table, subject, befores, afters)
    # On SQLite the snapshots are encoded once, for the hash and for the database alike.
    utf8 = Utf8Text(map(str.encode, afters)) \
        if sql.dialect == "sqlite" and isinstance(afters, JsonTexts) else None
    hashes = digest_chain(columns, prev, after_utf8=utf8)
    # The date itself where a server's column is of type date (SQLite stores its ISO text).
    stored_on = on_text if sql.dialect == "sqlite" else on
    insert(sql, "event", (*HASHED, "hash"),
           [ids, at, stored_on, actor, action, table, subject, befores,
            afters if utf8 is None else utf8, [prev, *hashes[:-1]], hashes], n, rowids=True)


def _dumped(values: Sequence[dict[str, Any] | str | None]) -> Sequence[str | None]:
    """Snapshots as the JSON text events store (text and NULLs as they are)."""
    if isinstance(values, JsonTexts):
        return values
    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:
        return values  # type: ignore[return-value]  # only text and None, as checked
    if kinds == {dict}:
        return JsonTexts(map(dump, values))  # type: ignore[arg-type]  # dicts give text
    return [dump(v) for v in values]
