"""`duchá import TABLE FILE`: read the office's existing spreadsheets (CSV) into the ledger.

Reading: the encoding is UTF-8, UTF-8 with a BOM or GB18030 (what Chinese Excel and WPS save),
detected or given; headers are English field names or the usual Chinese ones (columns.py).
Validation: every row is checked first and every error is collected with its line number; one
bad row means nothing is imported.  Writing: rows go in with one executemany per table (core
INSERTs with ids assigned here), never ORM objects one by one, and every record gets its
"import" event with the full snapshot, like a record added by hand.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import chain, compress, count, repeat
from operator import attrgetter, is_, is_not, itemgetter, setitem
from typing import TYPE_CHECKING, Any

from duchá import validation, vocab
from duchá.errors import BadInput, NotFound
from duchá.services.units import split_names
from duchá.tables import RECORDS, table_name
from duchá.transfer import reimport, sheets
from duchá.transfer.columns import TABLES, Column, key, lookup
from duchá.transfer.grid import Grid, Rows
from duchá.words import a

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger
    from duchá.vocab import Vocab

Progress = Callable[[str, int, int], None]  # (phase, done, total)

MAX_ERRORS_SHOWN = 20
_NUMBER = re.compile(r"^([A-Za-z]{2})-?(\d{4})-?(\d{1,6})$")
_SPLIT = re.compile(r"\s*[;,，、；\n]\s*")
_TRUE = {"true", "yes", "y", "1", "是", "计划内", "有"}
_FALSE = {"false", "no", "n", "0", "否", "计划外", "无"}

# Number prefix and digits per numbered table (tables.RECORDS).
PREFIX = {t: (r.prefix, r.width) for t, r in RECORDS.items() if r.prefix}
SUBJECT = {r.table: r.kind for r in RECORDS.values()}
# (table, column) -> the table a ref or refs column names records of (inspections.plan: plans).
_TABLE_OF_MODEL = {r.model: r.table for r in RECORDS.values()}
_TARGET = {(r.table, spec.name): _TABLE_OF_MODEL[spec.target]
           for r in RECORDS.values() for spec in r.refs}
_TARGET.update({(r.table, spec.name): _TABLE_OF_MODEL[spec.target]
                for r in RECORDS.values() for spec in r.links})


def fields(table: str, got: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A row read by Row.read_all made the record's columns (lead_unit as lead_unit_id, as its
    RefSpec says), and its lists (responsible units, as its LinkSpecs say) taken out.  In
    place: `got` is the row's own dict, and a copy per row would cost more than the renaming."""
    column_of, lists = _SHAPES[table]
    for name, column in column_of.items():
        if name in got:
            got[column] = got.pop(name)
    return got, {name: got.pop(name) for name in lists if name in got} if lists else {}


# Per table: the fields that hold a date (a snapshot holds it as ISO text).
DATES = {t: frozenset(c.name for c in columns if c.kind in ("date", "deadline"))
          for t, columns in TABLES.items()}
# Per table: the column each reference is stored in, and the names of its lists.
_SHAPES = {t: ({spec.name: spec.column for spec in r.refs}, {spec.name for spec in r.links})
           for t, r in RECORDS.items()}


# What Job.reading says of an empty cell: read it (Row.read), or a new empty list.
_READ = object()
_LIST = object()
# A cell that Job.rows did not read ahead: Row.read_all reads it.
_AHEAD = object()
# Rows read ahead at a time (Job.rows): what the rows before a batch read is known in it.
# The first batch is smaller: nothing is known yet, and each of its rows is read whole.
_BATCH = 512
_FIRST_BATCH = 64


# ---------------------------------------------------------------- reading the file

Sheet = sheets.Sheet
read = sheets.read


def map_header(table: str, sheet: Sheet) -> tuple[dict[str, int], dict[str, list[int]],
                                                 list[str]]:
    """Field -> column index, the further columns of a list field (配合单位 beside 责任单位),
    and the headers that are ignored; BadInput on missing columns."""
    names = lookup(table)
    kinds = {c.name: c.kind for c in TABLES[table]}
    where: dict[str, int] = {}
    more: dict[str, list[int]] = {}
    unknown: list[str] = []
    errors: list[str] = []
    for i, h in enumerate(sheet.header):
        k = key(h)
        name = names.get(k) if k else None
        if name is None:
            if not sheets.ignored(table, h):
                unknown.append(h.strip())
        elif name in where and kinds[name] in ("units", "refs"):
            more.setdefault(name, []).append(i)  # one list from both
        elif name in where:
            errors.append(f"columns '{sheet.header[where[name]].strip()}' and '{h.strip()}' "
                          f"both mean {name}; keep one")
        else:
            where[name] = i
    missing = [c for c in TABLES[table] if c.required and c.name not in where]
    for c in missing:
        errors.append(f"missing required column {c.name} ({' / '.join(c.zh)})")
    if errors:
        found = (f" (the rows above it were taken as titles: {'; '.join(sheet.titles)[:80]})"
                 if sheet.titles else "")
        if not where:
            found = (f"; no row among the first {sheets.HEADER_SEARCH} names {table} "
                     "columns, so the first was taken as the header")
        raise BadInput(f"{sheet.label}: {sheet.noun} {sheet.header_line} (header): "
                       + "; ".join(errors) + found
                       + "; `duchá import --help` lists the columns")
    return where, more, unknown


# ---------------------------------------------------------------- checking rows


@dataclass(slots=True)
class Row:
    """One data row's raw values and the checks that turn them into typed values."""

    job: Job
    line: int
    # The cells of the file's columns (stripped, None for empty) as its batch's columns hold
    # them (Job._batch), the row's at `at`: nothing per row (`cell` reads one).
    columns: dict[str, list[str | None]]
    at: int
    # What read_all returns, read ahead by Job.rows from values seen before; _AHEAD where
    # the cell is read here, in read_all (`pending`: somewhere).
    ahead: dict[str, Any] | None = None
    pending: bool = True
    ok: bool = True
    # Columns whose cell said 长期 (long-term: no due date), not blank.
    long_term: frozenset[str] = frozenset()
    # Units named after the first in a one-unit column (two lead units: 崇信县、华亭市).
    extra: dict[str, list[int]] | None = None
    # (Both made for the few rows that have some: an empty set and dict for every row would
    # cost more than the row's other fields.)

    def cell(self, name: str) -> str | None:
        """The row's cell of a field; None when empty or not in the file."""
        texts = self.columns.get(name)
        return None if texts is None else texts[self.at]

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.job.error(self.line, f"{self.job.header_of(column)}: {message}")

    def refuse(self, exc: validation.Invalid) -> None:
        """A service's or validation's verdict on a value, naming the file's column."""
        self.ok = False
        said = exc.said(lambda name: self.job.header_of(self.job.column_of(name)))
        self.job.error(self.line, said)

    def check(self, rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A rule of validation.py on the row's values: its verdict names the column."""
        try:
            return rule(*args, **kwargs)
        except validation.Invalid as exc:
            self.refuse(exc)
            return None

    def given(self, name: str) -> bool:
        """Whether the file has the column and this row's cell says something."""
        return self.cell(name) is not None

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.cell(name)
        if value is None and required:
            self.fail(name, "empty; this column is required")
        return value

    def date(self, name: str, *, base: date | None = None, required: bool = False,
             default: date | None = None, deadline: bool = False) -> date | None:
        raw = self.cell(name)
        if raw is None:
            if required:
                self.fail(name, "empty; this column is required" + (
                    " (a date, or a deadline as 台账 write it: 6月底前, 年底前, 长期)"
                    if deadline else ""))
            return default
        # Big files repeat the same few hundred dates: parse each text once (relative forms
        # and deadlines without a year depend on their base, so the base is part of the key).
        cache = self.job.dates
        cache_key = (raw, None if _base_free(raw, deadline) else base, deadline)
        if cache_key not in cache:
            try:
                cache[cache_key] = (self.job.lg.deadline(raw, base=base) if deadline
                                    else self.job.lg.date(raw, base=base))
            except BadInput as exc:
                cache[cache_key] = exc
        found = cache[cache_key]
        if isinstance(found, BadInput):
            self.fail(name, found.message)
            return None
        if found is None:
            self.long_term |= {name}
        return found

    def month_bound(self, name: str, *, end: bool) -> datetime.date | None:  # not Row.date
        from duchá.dates import parse_date_or_month

        raw = self.text(name)
        if raw is None:
            return None
        try:
            return parse_date_or_month(raw, today=self.job.lg.today, end=end)
        except BadInput as exc:
            self.fail(name, exc.message)
            return None

    def vocab(self, name: str, vocab: Vocab, *, required: bool = False,
              default: str | None = None) -> str | None:
        raw = self.text(name, required)
        if raw is None:
            return default
        cache = self.job.terms
        if (vocab.label, raw) not in cache:
            try:
                cache[(vocab.label, raw)] = vocab.parse(raw)
            except BadInput as exc:
                cache[(vocab.label, raw)] = exc
        found = cache[(vocab.label, raw)]
        if isinstance(found, BadInput):
            self.fail(name, found.message)
            return None
        return found

    def _names(self, name: str) -> list[int]:
        """The units a cell names: a list split outside brackets, a group (各县（市、区）)
        as its units; each unknown name is noted once for the whole file."""
        out: list[int] = []
        for part in split_names(self.cell(name)):
            ids, message = self.job.unit_ids(part, self.line, name)
            if message:
                self.fail(name, message)
            for unit_id in ids:
                if unit_id not in out:
                    out.append(unit_id)
        return out

    def unit(self, name: str, *, required: bool = False) -> int | None:
        """One unit.  More than one named: the first, the others kept in `extra` for the
        preparer to place (an item's further lead units become responsible ones)."""
        raw = self.text(name, required)
        if raw is None:
            return None
        first = split_names(raw)[0] if raw else ""
        if self.job.is_group(first):
            self.fail(name, f"'{first}' is a group of units; name the one unit that leads "
                      "(the group can be among the responsible units)")
            return None
        ids = self._names(name)
        if not ids:
            return None
        if len(ids) > 1 and (self.job.table, name) != ("items", "lead_unit"):
            self.fail(name, f"'{raw}' names {len(ids)} units; this column takes one (one row "
                      "per unit)")
            return None
        if len(ids) > 1:
            self.extra = {**(self.extra or {}), name: ids[1:]}
        return ids[0]

    def units(self, name: str) -> list[int]:
        return self._names(name)

    def integer(self, name: str) -> int | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            return int(raw.removesuffix(".0"))
        except ValueError:
            self.fail(name, f"'{raw}' is not a whole number")
            return None

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        self.fail(name, f"'{raw}' is not yes/no (true/false, 是/否)")
        return default

    def ref(self, name: str, table: str, raw: str | None = None) -> int | None:
        """The id of a record in the ledger named by its number (DC-2026-001, ...)."""
        raw = raw if raw is not None else self.text(name)
        if raw is None:
            return None
        prefix, width = PREFIX[table]
        m = _NUMBER.match(raw)
        number = f"{prefix}-{m[2]}-{int(m[3]):0{width}d}" if m and m[1].upper() == prefix \
            else None
        found = self.job.ledger_numbers(table).get(number or "")
        if found is None:
            self.fail(name, f"no {SUBJECT[table]} {raw} in the ledger; import the "
                      f"{table} first")
        return found

    def number(self, table: str) -> tuple[int, int] | None:
        """(year, seq) from the row's own number, or None to allocate one."""
        raw = self.text("number")
        if raw is None:
            return None
        prefix, _ = PREFIX[table]
        m = _NUMBER.match(raw)
        if not m or m[1].upper() != prefix:
            self.fail("number", f"'{raw}' is not {a(SUBJECT[table])} number like "
                      f"{prefix}-2026-{'1'.zfill(PREFIX[table][1])}")
            return None
        return int(m[2]), int(m[3])

    def read(self, col: Column, got: dict[str, Any]) -> Any:
        """One cell read as its column says (tables.Column.kind); None when empty."""
        name, kind = col.name, col.kind
        if col.required and kind in ("int", "bool", "units", "refs", "month-start", "month-end",
                                     "ref") and self.text(name, True) is None:
            return None
        if kind in ("date", "deadline"):
            default = self.job.lg.today if col.default == "today" else None
            return self.date(name, base=got.get(col.base) if col.base else None,
                             required=col.required, default=default,
                             deadline=kind == "deadline")
        if kind in ("month-start", "month-end"):
            return self.month_bound(name, end=kind == "month-end")
        if kind == "vocab":
            return self.vocab(name, getattr(vocab, col.vocab or ""), required=col.required,
                              default=self.job.defaults.get(name, col.default))
        if kind == "unit":
            return self.unit(name, required=col.required)
        if kind == "units":
            return self.units(name)
        if kind == "int":
            return self.integer(name)
        if kind == "bool":
            return self.boolean(name, col.default == "yes")
        if kind == "ref":
            return self.ref(name, _TARGET[(self.job.table, name)])
        if kind == "refs":
            found: list[int] = []
            for part in _SPLIT.split(self.text(name) or ""):
                rid = self.ref(name, _TARGET[(self.job.table, name)], part) if part else None
                if rid is not None and rid not in found:
                    found.append(rid)
            return found
        return self.text(name, col.required)

    def read_all(self) -> dict[str, Any]:
        """Every column of the table read in the order tables.py lists them (a relative date
        after the column it counts from), but the row's own number and subject.  The cells
        Job.rows read ahead (a value read before without a word about it) are taken as
        they are; the others are read here, in that order."""
        got = self.ahead
        if got is not None and not self.pending:
            return got
        if got is None:
            got = {col.name: _AHEAD for col, _ in self.job.reading()}
        for col, empty in self.job.reading():
            name = col.name
            if got[name] is not _AHEAD:
                continue
            raw = self.cell(name)
            if empty is _READ or raw is not None:
                got[name] = self._read_once(col, got, raw)
            else:  # an empty cell of a column that needs none: what `read` would give
                got[name] = [] if empty is _LIST else empty
        return got

    def _read_once(self, col: Column, got: dict[str, Any], raw: str | None) -> Any:
        """`read`, and what it gave kept for the cells of the rows after that say the same
        (Job.rows), when that value stands for the text alone: no word about the row, no
        relative date, no list (each row its own)."""
        job = self.job
        said = self._said()
        value = self.read(col, got)
        if raw is not None and col.name in job.known and said == self._said() \
                and (col.kind not in ("date", "deadline")
                     or _base_free(raw, col.kind == "deadline")):
            job.known[col.name][raw] = value
        return value

    def _said(self) -> tuple[int, int, int]:
        """What has been said about the row: its errors, its 长期 cells, its further units."""
        return (len(self.job.errors.get(self.line, ())), len(self.long_term),
                len(self.extra or ()))


@dataclass(slots=True)
class Batch:
    """Some rows of the file read together (Job.batches): each column's cells, and what
    Row.read_all gives for them, a column at a time."""

    job: Job
    lines: list[int]
    cells: dict[str, list[str | None]]  # the file's columns (stripped, None for empty)
    same: dict[str, Any]  # the value of each column the file lacks, the same in every row
    ahead: dict[str, list[Any]]  # the others, read ahead; _AHEAD where a cell is still to read
    todo: set[int]  # the rows with a cell still to read (Row.read_all reads it)
    said: list[bool]  # whether the row has a cell that says something (else it is blank)
    _rows: list[Row] | None = None
    _read: dict[int, Row] = field(default_factory=dict)  # rows made and read by read_ahead

    def read_ahead(self) -> set[int]:
        """Read the cells still to read, row by row in order (Row.read_all), into `values`;
        the rows (by their place in the batch) that read with a word about them: an error, a
        长期, a further unit.  Every row must say something (`said`)."""
        assert all(self.said), "blank rows are read row by row"
        odd: set[int] = set()
        if self.todo:
            for i in sorted(self.todo):
                r = self._read[i] = self._row(i)  # (`rows` takes it up if the batch needs all)
                got = r.read_all()
                if not r.ok or r._said() != (0, 0, 0):
                    odd.add(i)
                for name, values in self.ahead.items():
                    values[i] = got[name]
            self.todo = set()
        return odd

    def values(self) -> dict[str, list[Any]]:
        """What read_all gives for each row, a column at a time (after `read_ahead`)."""
        n = len(self.lines)
        return {name: self.ahead[name] if name in self.ahead else [value] * n
                for name, value in self.same.items()}

    def rows(self) -> list[Row]:
        """The rows that say something, each with its values: `same` copied, then the
        others set a column at a time, and the rows made, all without a Python loop."""
        if self._rows is None:
            n = len(self.lines)
            gots = list(map(dict.copy, repeat(self.same, n)))
            for name, values in self.ahead.items():
                deque(map(setitem, gots, repeat(name), values), maxlen=0)
            made = map(Row, repeat(self.job), self.lines, repeat(self.cells), count(), gots,
                       map(self.todo.__contains__, count()))
            self._rows = list(compress(made, self.said))
            for i, r in self._read.items():  # (only when every row says something)
                self._rows[i] = r
        return self._rows

    def _row(self, i: int) -> Row:
        """Row i alone, as `rows` makes it."""
        got = dict(self.same)
        for name, values in self.ahead.items():
            got[name] = values[i]
        return Row(self.job, self.lines[i], self.cells, i, got, i in self.todo)


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _base_free(raw: str, deadline: bool) -> bool:
    """Whether a date cell reads the same whatever its base date (a relative +30d, or a
    deadline phrase without a year like 6月底前, counts from it)."""
    return _ISO.match(raw) is not None or (raw[0] not in "+-" and not deadline)


@dataclass
class Job:
    """One import: the ledger, the sheet, and what validation has collected."""

    lg: Ledger
    table: str
    sheet: Sheet
    where: dict[str, int]
    more: dict[str, list[int]] = field(default_factory=dict)  # further columns of a list
    defaults: dict[str, str] = field(default_factory=dict)  # category: --category
    create_units: bool = False
    # line -> what is wrong with it (one stderr line per row); unknown unit names apart.
    errors: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    unknown: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    notes: dict[str, list[int]] = field(default_factory=dict)  # warning -> the lines
    created: dict[str, int] = field(default_factory=dict)  # --create-units: name -> stand-in id
    # line -> columns a re-imported row changes without its own cell saying so (办结 with no
    # 办结日期 closes on the as-of date; a second lead unit joins the responsible units).
    implied: dict[int, set[str]] = field(default_factory=dict)
    _notes_known: dict[int, set[str]] | None = None
    _units: dict[str, tuple[list[int], str, bool]] = field(default_factory=dict)
    _groups: dict[str, bool] = field(default_factory=dict)
    dates: dict[tuple[str, date | None, bool], date | BadInput | None] = field(
        default_factory=dict)
    terms: dict[tuple[str, str], str | BadInput] = field(default_factory=dict)
    _numbers: dict[str, dict[str, int]] = field(default_factory=dict)
    _reading: list[tuple[Column, Any]] | None = None
    # column -> cell text -> what Row.read gave for it (Row._read_once), for the columns
    # whose value depends on the text alone: read ahead for the rows that repeat it.
    known: dict[str, dict[str | None, Any]] = field(default_factory=dict)

    def error(self, line: int, message: str) -> None:
        self.errors[line].append(message)

    def reading(self) -> list[tuple[Column, Any]]:
        """The columns Row.read_all reads, each with what an empty cell of it reads as
        (_LIST: a new empty list), or _READ where `Row.read` must see it (a required column
        says what is missing)."""
        if self._reading is None:
            self._reading = [(col, self._empty(col)) for col in TABLES[self.table]
                             if col.kind not in ("number", "subject")]
            for col, empty in self._reading:
                if col.kind not in ("text", "units", "refs"):
                    self.known[col.name] = {} if empty is _READ else {None: empty}
        return self._reading

    def _empty(self, col: Column) -> Any:
        kind = col.kind
        if col.required:
            return _READ
        if kind in ("date", "deadline"):
            return self.lg.today if col.default == "today" else None
        if kind == "vocab":
            return self.defaults.get(col.name, col.default)
        if kind == "bool":
            return col.default == "yes"
        if kind in ("units", "refs"):
            return _LIST
        if kind in ("text", "month-start", "month-end", "unit", "int", "ref"):
            return None
        return _READ

    def known_notes(self, item_id: int) -> set[str]:
        """The progress texts an item of the ledger has (loaded once for all of them)."""
        if self._notes_known is None:
            self._notes_known = reimport.notes_of(self.lg, list(
                self.ledger_numbers("items").values()))
        return self._notes_known.get(item_id, set())

    def stamp(self) -> date | None:
        """The sheet's 填报时间 (in its title lines), the date of the progress it reports."""
        text = self.sheet.stamp
        if text is None:
            return None
        try:
            return self.lg.date(text)
        except BadInput:
            return None

    def note(self, what: str, line: int) -> None:
        """A warning about some rows, shown once with their lines."""
        self.notes.setdefault(what, []).append(line)

    def at(self, line: int) -> str:
        return f"{self.sheet.noun} {line}"

    def column_of(self, field_name: str) -> str:
        """The table's column that a service's field is (`max` is max_count's alias)."""
        for col in TABLES.get(self.table, ()):
            if field_name == col.name or field_name in col.aliases:
                return col.name
        return field_name

    def header_of(self, name: str) -> str:
        """A column as the file names it; one it lacks as the file's language would."""
        i = self.where.get(name)
        if i is not None:
            return self.sheet.header[i].strip()
        col = next((c for c in TABLES.get(self.table, ()) if c.name == name), None)
        chinese = any(not h.isascii() for h in self.sheet.header)
        return col.zh_header if col is not None and chinese else name

    def is_group(self, text: str) -> bool:
        """Whether a name means a group of units (各县（市、区）), asked once per text."""
        if text not in self._groups:
            from duchá.services.units import GROUPS, group_key

            self._groups[text] = group_key(text) in GROUPS
        return self._groups[text]

    def unit_ids(self, text: str, line: int, column: str) -> tuple[list[int], str]:
        """The units a name means (one, or a group's), resolved like everywhere else and
        cached per distinct text (many rows share); an error message when there are none."""
        from duchá.services import units

        if text not in self._units:
            members = units.group(self.lg, text)
            if members is not None:
                ids = [u.id for u in members if u.id is not None]
                why = "" if ids else (f"'{text}' means every unit of its kind, and the ledger "
                                      "has none yet; add them first (`duchá unit list`)")
                self._units[text] = (ids, why, False)
            else:
                try:
                    found = units.resolve(self.lg, text).id
                    self._units[text] = ([found] if found is not None else [], "", False)
                except NotFound as exc:
                    self._units[text] = ([], exc.message, True)
                except BadInput as exc:
                    self._units[text] = ([], exc.message, False)
        ids, message, unknown = self._units[text]
        if unknown and self.create_units:
            stand_in = self.created.setdefault(text, -1 - len(self.created))
            return [stand_in], ""
        if unknown:
            self.unknown.setdefault(text, []).append((line, self.header_of(column)))
        return ids, message

    def ledger_numbers(self, table: str) -> dict[str, int]:
        """number -> id of a table's records in the ledger (one query, on first need)."""
        if table not in self._numbers:
            self._numbers[table] = dict(self.lg.sql.rows(
                f"SELECT number, id FROM {RECORDS[table].sql_table}"))
        return self._numbers[table]

    def rows(self) -> Iterator[Row]:
        """The data rows with their values, a batch at a time, each cell read ahead when
        its text was read before (Row.read_all reads the others)."""
        for batch in self.batches():
            yield from batch.rows()

    def batches(self) -> Iterator[Batch]:
        """The data rows a batch at a time, their cells read ahead a column at a time (a
        batch is read when the rows before it have been: what they read is known in it)."""
        rows = self.sheet.rows
        yield self._batch(rows[:_FIRST_BATCH])
        for start in range(_FIRST_BATCH, len(rows), _BATCH):
            yield self._batch(rows[start:start + _BATCH])

    def _batch(self, rows: Rows) -> Batch:
        width = len(self.sheet.header)
        take: Callable[[int], list[Any]]
        if isinstance(rows, Grid) and rows.width == width:  # (the header is one of its rows)
            lines, take = rows.lines, rows.stripped
        else:
            kept = rows
            grid = list(map(itemgetter(1), rows))
            if max(map(len, grid), default=0) > width:
                kept = []
                for line, row in rows:
                    if len(row) > width and any(c.strip() for c in row[width:]):
                        self.error(line, f"{len(row)} cells but the header has {width} "
                                   "columns; check the commas and quotes")
                        continue
                    kept.append((line, row))
                grid = list(map(itemgetter(1), kept))
            lines = list(map(itemgetter(0), kept))
            take = partial(_column, grid, shortest=min(map(len, grid), default=0))
        raw = [self._cells(take, name) for name in self.where]
        column = dict(zip(self.where, raw, strict=True))
        n = len(lines)
        # What read_all gives, a column at a time: in a column the file lacks, the same for
        # every row (in `same`); in the others, read ahead (`ahead`).
        same: dict[str, Any] = {}
        ahead: dict[str, list[Any]] = {}
        for col, empty in self.reading():
            name = col.name
            texts = column.get(name)
            if texts is None and empty is not _READ and empty is not _LIST:
                same[name] = empty
                continue
            same[name] = None  # (its place in the order of the columns)
            texts = texts or [None] * n
            if name in self.known:  # what the same text read as before, else read it
                ahead[name] = list(map(self.known[name].get, texts, repeat(_AHEAD, n)))
            elif col.kind != "text":  # a list: each row its own
                ahead[name] = [[] if v is None and empty is _LIST else _AHEAD for v in texts]
            elif empty is _READ:  # required text: an empty cell is an error of its row
                ahead[name] = [_AHEAD if v is None else v for v in texts] if None in texts \
                    else texts
            else:  # text as it is (an empty cell reads as None)
                ahead[name] = texts
        # The rows with a cell to read in read_all: after the first batches, seldom any.
        todo: set[int] = set()
        for values in ahead.values():
            if _AHEAD in values:
                todo.update(i for i, v in enumerate(values) if v is _AHEAD)
        # (not the blank ones; every row says something where a column has no empty cell)
        said = [True] * n if any(None not in col for col in raw) else \
            list(map(any, zip(*raw, strict=False)))
        return Batch(self, lines, column, same, ahead, todo, said)

    def _cells(self, take: Callable[[int], list[Any]], name: str) -> list[str | None]:
        """A column's cells, stripped, None for empty (`take`: column j's stripped cells); a
        list field's further columns (配合单位 beside 责任单位) joined to it."""
        texts: list[str | None] = take(self.where[name])
        for j in self.more.get(name, ()):
            more = take(j)
            texts = [f"{v}、{w}" if v and w else v or w for v, w in zip(texts, more, strict=True)]
        # (A column without an empty cell, as most are, is taken without a pass over it;
        # `all` asks each text its length, where `in` would compare it with "".)
        return texts if all(texts) else list(map(_NONE_IF_EMPTY.get, texts, texts))


# An empty cell's text -> None (its .get(text, text) leaves any other text as it is).
_NONE_IF_EMPTY: dict[str | None, None] = {"": None}


def _column(rows: list[list[str]], i: int, shortest: int) -> list[str | None]:
    """The stripped cells of column i (empty in a row too short to have it)."""
    if shortest > i:
        return list(map(str.strip, map(itemgetter(i), rows)))
    return [(c[i] if i < len(c) else "").strip() for c in rows]


# ---------------------------------------------------------------- per-table preparation


@dataclass(slots=True)
class Record:
    """A checked row: its column values, its links (unit or item ids) and its number, given
    (seq) or still to allocate (seq None) in `year`; `on` is its history event's date."""

    line: int
    year: int
    seq: int | None
    values: dict[str, Any]
    links: dict[str, list[Any]] = field(default_factory=dict)  # ids; a unit's parent_code
    on: date | None = None
    # A record already in the ledger that the row names (issue 13: import again): what the
    # row changes in it, nothing when the row says nothing new.
    update: reimport.Update | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)  # an item's new progress
    id: int | None = None  # given by `write`

    @property
    def new(self) -> bool:
        return self.update is None


@dataclass(slots=True)
class Block:
    """New records kept in columns (import_findings, and `write` for all it writes): what a
    Record per row would hold, each a list with a value per row, and `values` a column per
    field under the names of a Record's values."""

    lines: list[int]
    year: list[int]
    seq: list[int | None]
    values: dict[str, list[Any]]
    links: list[dict[str, list[Any]]] | None  # each row's (None: no lists in any row)
    on: list[date | None]
    ids: Sequence[int] = ()  # given by `write`

    def __len__(self) -> int:
        return len(self.lines)

    @classmethod
    def of(cls, items: Sequence[Record | Block], names: Sequence[str]) -> Block:
        """The records and blocks as one block, in their order, with the fields `names`."""
        blocks: list[Block] = []
        run: list[Record] = []
        for it in items:
            if isinstance(it, Record):
                run.append(it)
                continue
            if run:
                blocks.append(cls._of_records(run, names))
                run = []
            blocks.append(it)
        if run or not blocks:
            blocks.append(cls._of_records(run, names))
        if len(blocks) == 1:
            return blocks[0]
        links = None
        if any(b.links for b in blocks):
            links = [x for b in blocks for x in (b.links or [{} for _ in b.lines])]

        def joined(get: Callable[[Block], Sequence[Any]]) -> list[Any]:
            return list(chain.from_iterable(map(get, blocks)))

        return cls(joined(attrgetter("lines")), joined(attrgetter("year")),
                   joined(attrgetter("seq")),
                   {name: list(chain.from_iterable(b.values[name] for b in blocks))
                    for name in names},
                   links, joined(attrgetter("on")), joined(attrgetter("ids")))

    @classmethod
    def _of_records(cls, records: list[Record], names: Sequence[str]) -> Block:
        values = [r.values for r in records]
        columns = [list(map(itemgetter(name), values)) for name in names]
        return cls([r.line for r in records], [r.year for r in records],
                   [r.seq for r in records], dict(zip(names, columns, strict=True)),
                   [r.links for r in records] if any(r.links for r in records) else None,
                   [r.on for r in records], [r.id for r in records if r.id is not None])

    def part(self, start: int, stop: int) -> Block:
        return Block(self.lines[start:stop], self.year[start:stop], self.seq[start:stop],
                     {k: v[start:stop] for k, v in self.values.items()},
                     None if self.links is None else self.links[start:stop],
                     self.on[start:stop], self.ids[start:stop])


def rows_of(records: Sequence[Record | Block]) -> int:
    """How many rows the records and blocks hold."""
    return sum(len(it) if isinstance(it, Block) else 1 for it in records)


def number_text(table: str, num: tuple[int, int] | None) -> str | None:
    if num is None:
        return None
    prefix, width = PREFIX[table]
    return f"{prefix}-{num[0]}-{num[1]:0{width}d}"


def _category(job: Job, r: Row, got: dict[str, Any]) -> str | None:
    """A row's category: its cell, else what its section heading (三、领导批示事项) or its
    source (市长批示) says, listed in a warning, else `--category` for the file."""
    from duchá.vocab import CATEGORY

    if r.given("category"):
        return got["category"]
    said = job.sheet.sections.get(r.line)
    found = (CATEGORY.infer(said) or _named(CATEGORY, said)) if said else None
    where = "its section"
    if found is None:
        found, where = CATEGORY.infer(got["source"]), job.header_of("source")
    if found is not None:
        job.note(f"事项类别 taken from {where}: {CATEGORY.zh(found)}", r.line)
        return found
    if got["category"] is None:
        r.fail("category", "empty, and neither the section nor the source says one; give "
               "the category in the row, or one for the whole file (`duchá import items FILE "
               "--category 会议议定`)")
    return got["category"]


def _named(vocab: Vocab, text: str) -> str | None:
    found = {t.code for t in vocab.terms if t.zh in text}
    return found.pop() if len(found) == 1 else None


def _items(job: Job) -> list[Record]:
    from duchá.transfer import reimport

    match = reimport.Matcher(job, "item")
    code_of = unit_codes(job)
    stamp = job.stamp()
    out = []
    for r in job.rows():
        got = r.read_all()
        lead = got["lead_unit"]
        extra = r.extra.pop("lead_unit", []) if r.extra else []
        if extra:
            job.note("two or more lead units: the first leads, the others became "
                     "responsible units", r.line)
            job.implied.setdefault(r.line, set()).add("units")
        got["units"] = [u for u in dict.fromkeys([*extra, *got["units"]]) if u != lead]
        progress = got.pop("progress")
        num = r.number("items")
        existing = match.find(r, number_text("items", num), got["title"], lead)
        if existing is not None:
            rec = _item_update(job, r, got, existing, code_of)
        else:
            got["category"] = _category(job, r, got)
            rec = _item_new(job, r, got, num)
        if rec is None or not r.ok:
            continue
        if progress:
            known = job.known_notes(rec.update.existing.id) if rec.update else set()
            if reimport.same_text(progress) not in known:
                rec.notes.append({"on": reimport.note_day(rec.values, stamp, job.lg.today),
                                  "text": progress, "percent": None})
        out.append(rec)
    return out


def _item_new(job: Job, r: Row, got: dict[str, Any], num: tuple[int, int] | None
              ) -> Record | None:
    status = got["status"] or ("done" if got["closed_on"] else "open")
    got["status"] = status
    if status == "done" and got["closed_on"] is None and r.ok:
        got["closed_on"] = job.lg.today
        job.note(f"办结 without a 办结日期: closed on the as-of date {job.lg.today}", r.line)
    if r.ok:
        r.check(validation.item_dates, assigned=got["assigned"], due=got["due"],
                status=status, closed_on=got["closed_on"])
    if not r.ok:
        return None
    values, links = fields("items", got)
    year, seq = num if num else ((got["assigned"] or job.lg.today).year, None)
    return Record(r.line, year, seq, values, links, got["assigned"])


def _item_update(job: Job, r: Row, got: dict[str, Any], existing: reimport.Existing,
                 code_of: dict[int, str]) -> Record | None:
    """The row as a change to an item already in the ledger: its final state checked as a
    whole, and the columns it changes."""
    snap = existing.snap
    final: dict[str, Any] = {k: snap.get(k) for k in ("assigned", "due", "status",
                                                       "closed_on")}
    for k in ("assigned", "due", "closed_on"):
        final[k] = date.fromisoformat(final[k]) if final[k] else None
    implied = job.implied.setdefault(r.line, set())
    if r.given("assigned"):
        final["assigned"] = got["assigned"]
    if r.given("due"):
        final["due"] = got["due"]
    status = got["status"] or ("done" if r.given("closed_on") else None)
    if status is not None and not r.given("status"):
        implied.add("status")
    if status is not None:
        final["status"] = status
    if r.given("closed_on"):
        final["closed_on"] = got["closed_on"]
    if final["status"] == "done" and final["closed_on"] is None:
        final["closed_on"] = job.lg.today
        implied.add("closed_on")
        job.note(f"办结 without a 办结日期: closed on the as-of date {job.lg.today}", r.line)
    if final["status"] != "done":
        final["closed_on"] = None
        if snap.get("closed_on"):
            implied.add("closed_on")
    if r.ok:
        r.check(validation.item_dates, assigned=final["assigned"], due=final["due"],
                status=final["status"], closed_on=final["closed_on"])
    if not r.ok:
        return None
    got.update(final)
    if not (r.given("title") and r.given("number")):
        got["title"] = snap["title"]  # matched by its title: the title as the ledger has it
    values, links = fields("items", got)
    if not r.given("number"):
        values.pop("lead_unit_id")  # matched by its lead unit: unchanged
    update = reimport.plan("item", existing, r, values, links, code_of)
    rec = Record(r.line, 0, None, {**values, "number": existing.number}, links, None, update)
    return rec


def _period(r: Row) -> tuple[dict[str, Any], date | None, date | None, tuple[int, int] | None]:
    """A plan's or an inspection's row: its values, start and end (not the other way round)
    and its own number, if it gives one."""
    got = r.read_all()
    start, end = got["start"], got["end"]
    if start and end and end < start:
        r.fail("end", f"{end} is before the start {start}")
    return got, start, end, r.number(r.job.table)


def _plans(job: Job) -> list[Record]:
    out = []
    for r in job.rows():
        got, start, _, num = _period(r)
        if not r.ok:
            continue
        year = num[0] if num else got.pop("year") or (start.year if start else job.lg.today.year)
        got.pop("year", None)
        values, links = fields("plans", got)
        out.append(Record(r.line, year, num[1] if num else None, values, links, job.lg.today))
    return out


def _inspections(job: Job) -> list[Record]:
    out = []
    for r in job.rows():
        got, start, _, num = _period(r)
        if not r.ok or start is None:  # (start is a required column: an ok row has it)
            continue
        values, links = fields("inspections", got)
        links["members"] = [m for m in links["members"] if m != values["lead_id"]]
        year, seq = num if num else (start.year, None)
        out.append(Record(r.line, year, seq, values, links, start))
    return out


def unit_codes(job: Job) -> dict[int, str]:
    from duchá.services import units

    return {u.id: u.code for u in units._all(job.lg) if u.id is not None}


def _units(job: Job) -> list[Record]:
    from duchá.services import units

    lg = job.lg
    existing = units._all(lg)
    codes = {u.code.lower(): u for u in existing}
    names = {u.name: u for u in existing}
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    seen_shorts: dict[str, int] = {}
    pending: list[tuple[Row, Record, str | None]] = []
    for r in job.rows():
        got = r.read_all()
        code, name = got["code"], got["name"]
        short = None
        try:  # the checks of `unit add --short`
            short = units.check_short(got["short_name"], existing)
        except BadInput as exc:
            r.fail("short_name", exc.message)
        if short and short in seen_shorts:
            r.fail("short_name", f"'{short}' repeats line {seen_shorts[short]}")
        elif short:
            seen_shorts[short] = r.line
        if code and any(c.isspace() for c in code):
            r.fail("code", f"'{code}' contains spaces; use a short code like fgw")
        if code and code.lower() in codes:
            r.fail("code", f"'{code}' already exists ({codes[code.lower()].name})")
        elif code and code.lower() in seen_codes:
            r.fail("code", f"'{code}' repeats line {seen_codes[code.lower()]}")
        if name and name in names:
            r.fail("name", f"'{name}' already exists with code {names[name].code}")
        elif name and name in seen_names:
            r.fail("name", f"'{name}' repeats line {seen_names[name]}")
        if code:
            seen_codes.setdefault(code.lower(), r.line)
        if name:
            seen_names.setdefault(name, r.line)
        rec = Record(r.line, 0, None, {"code": code, "name": name, "kind": got["kind"],
                                       "parent_id": None, "short_name": short}, {}, lg.today)
        pending.append((r, rec, got["parent"]))
    # Parents may be earlier or later in the same file: resolve once all codes are known.
    file_codes = {rec.values["code"].lower(): rec for _, rec, _ in pending if rec.values["code"]}
    out = []
    for r, rec, parent in pending:
        if parent:
            if parent.lower() in file_codes:
                rec.links["parent_code"] = [parent.lower()]
            else:
                rec.values["parent_id"] = r.unit("parent")
        if r.ok:
            out.append(rec)
    return out


# (findings: import_findings.prepare)
PREPARE: dict[str, Callable[[Job], Sequence[Record | Block]]] = {
    "units": _units, "items": _items, "plans": _plans, "inspections": _inspections}


# ---------------------------------------------------------------- numbering and writing


def allocate_numbers(job: Job, records: Sequence[Record | Block]) -> None:
    """Check given numbers against the file and the ledger; allocate the missing ones."""
    from duchá.storage.sql import placeholders

    if job.table == "units":
        return
    # The new records (the others keep their numbers), a value per row in file order.
    items = [it for it in records if isinstance(it, Block) or it.update is None]
    given: list[int | None] = []
    year_of: list[int] = []
    line_of: list[int] = []
    for it in items:
        if isinstance(it, Block):
            given += it.seq
            year_of += it.year
            line_of += it.lines
        else:
            given.append(it.seq)
            year_of.append(it.year)
            line_of.append(it.line)
    prefix, width = PREFIX[job.table]
    taken = job.ledger_numbers(job.table)
    seen: dict[tuple[int, int], int] = {}
    years = set(compress(year_of, map(is_, given, repeat(None))))  # the years to allocate in
    for i in compress(count(), map(is_not, given, repeat(None))):
        year, seq, line = year_of[i], given[i], line_of[i]
        assert seq is not None  # (as chosen)
        number = f"{prefix}-{year}-{seq:0{width}d}"
        if (year, seq) in seen:
            job.error(line, f"number {number} repeats {job.at(seen[(year, seq)])}")
        elif number in taken:
            job.error(line, f"number {number} is already in the ledger")
        seen.setdefault((year, seq), line)
    top: dict[int, int] = {}
    if years:
        among, params = placeholders("y", sorted(years))
        top = {int(y): s or 0 for y, s in job.lg.sql.rows(
            f"SELECT year, max(seq) FROM {RECORDS[job.table].sql_table} WHERE year IN ({among}) "
            "GROUP BY year", params)}
    for (y, s) in seen:
        top[y] = max(top.get(y, 0), s)
    # The next numbers of each year in the order of the rows, then each record's number,
    # year and seq set.
    after = {y: count(top.get(y, 0) + 1) for y in years}
    if years and given.count(None) == len(given):  # (no row gives one: each the next)
        seqs = list(map(next, map(after.__getitem__, year_of)))
    else:
        seqs = [s if s is not None else next(after[y]) for s, y in zip(given, year_of,
                                                                        strict=True)]
    number_of = f"{prefix}-%d-%0{width}d"  # PREFIX-year-seq, as above (% formats fastest)
    numbers = list(map(number_of.__mod__, zip(year_of, seqs, strict=True)))
    at = 0
    for it in items:
        if isinstance(it, Block):
            k = len(it)
            it.seq = list(seqs[at:at + k])
            it.values.update(number=numbers[at:at + k], year=year_of[at:at + k],
                             seq=seqs[at:at + k])
            at += k
        else:  # (stored one by one: update's keywords make a dict per record)
            values = it.values
            it.seq = seqs[at]
            values["number"] = numbers[at]
            values["year"] = year_of[at]
            values["seq"] = seqs[at]
            at += 1


def new_id(job: Job, rec: Record) -> int:
    """The id `write` gave a new record."""
    assert rec.id is not None, "written first"
    return rec.id


def _unit_kind(name: str) -> str:
    """What a unit's name says it is: 华亭市 and 崇信县 are county-level, 交通运输局 a
    department."""
    if name.endswith(("县", "区", "市", "旗", "政府")) and not name.startswith("市直"):
        return "county"
    if name.endswith(("局", "委", "办", "委员会", "厅", "中心", "办公室", "部", "院", "所")):
        return "department"
    return "other"


def create_units(lg: Ledger, job: Job, records: Sequence[Record | Block]) -> None:
    """Add the units the file names and the ledger lacks (code = the name, spaces removed),
    then give the records their ids instead of the stand-ins."""
    from duchá.services import units

    real: dict[int, int] = {}
    for name, stand_in in job.created.items():
        code = "".join(name.split())
        units.add(lg, code=code, name=name, kind=_unit_kind(name), parent=None)
        unit_id = units.resolve(lg, code).id
        assert unit_id is not None  # just stored
        real[stand_in] = unit_id

    def swap(value: Any) -> Any:
        return real.get(value, value) if isinstance(value, int) else value

    for rec in records:
        if isinstance(rec, Block):  # (new records of plain rows: their columns swapped)
            for column, values in rec.values.items():
                if column.endswith("_id"):
                    rec.values[column] = list(map(swap, values))
            for links in rec.links or ():
                for name, ids in links.items():
                    links[name] = [swap(i) for i in ids]
            continue
        for column, value in rec.values.items():
            if column.endswith("_id"):
                rec.values[column] = swap(value)
        for name, ids in rec.links.items():
            rec.links[name] = [swap(i) for i in ids]
        if rec.update is not None and rec.update.links is not None:
            rec.update.links = {n: [swap(i) for i in ids]
                                for n, ids in rec.update.links.items()}
        if rec.update is not None:
            rec.update.fields = {k: swap(v) if k.endswith("_id") else v
                                 for k, v in rec.update.fields.items()}


def _next_id(lg: Ledger, table: str) -> int:
    return int(lg.sql.scalar(f"SELECT max(id) FROM {RECORDS[table].sql_table}") or 0) + 1


def write(lg: Ledger, job: Job, records: Sequence[Record | Block],
          progress: Progress | None = None) -> None:
    """Insert the records, their links and their events in bulk, a column at a time."""
    from duchá.services import units

    table = job.table
    first = _next_id(lg, table)
    code_of = {u.id: u.code for u in units._all(lg)}
    at = first
    for it in records:
        if isinstance(it, Block):
            it.ids = range(at, at + len(it))
            at += len(it)
        else:
            it.id = at
            at += 1
    if table == "units":  # (units come as records, row by row)
        units_of = [rec for rec in records if isinstance(rec, Record)]
        for rec in units_of:
            assert rec.id is not None  # just given
            code_of[rec.id] = rec.values["code"]
        by_code = {rec.values["code"].lower(): rec.id for rec in units_of}
        for rec in units_of:
            parent = rec.links.pop("parent_code", None)
            if parent:
                rec.values["parent_id"] = by_code[parent[0]]
    total = at - first
    if records:
        _write(lg, job, records, code_of, progress)
    if table == "units":
        units._forget(lg)
    if progress:
        progress("events", total, total)


# Records written per part of a large import: each part's rows, snapshots and events are built,
# inserted and let go before the next, so memory holds one part of them, not the whole file.
WRITE_PART = 10000


def _write(lg: Ledger, job: Job, records: Sequence[Record | Block], code_of: dict[int, str],
           progress: Progress | None) -> None:
    from duchá.storage.bulk import loading

    table = job.table
    names = list(records[0].values)
    n = rows_of(records)
    labels = _Labels(job, code_of)
    sql = lg.sql
    counts = {RECORDS[table].sql_table: n, "event": n}
    for spec in RECORDS[table].links:
        counts[table_name(spec.table)] = sum(
            len(links.get(spec.name, ())) for it in records
            for links in ((it.links or ()) if isinstance(it, Block) else (it.links,)))
    with loading(sql, counts):
        done = 0
        for part in _parts(records):
            # (each part's columns joined from its records: no copy of the whole file's)
            block = Block.of(part, names)
            _write_part(lg, job, block, labels)
            done += len(block)
            del block
            if progress:
                progress("insert", done, n)
    # A unit's parent may come later in the file: parents are set once all rows exist
    # (SQLite checks the foreign key per statement).
    if table == "units":
        sql.execute_many(f"UPDATE {RECORDS[table].sql_table} SET parent_id = :_parent "
                         "WHERE id = :_id",
                         [{"_id": rec.id, "_parent": rec.values["parent_id"]}
                          for rec in records if isinstance(rec, Record)
                          and rec.values["parent_id"] is not None])


def _parts(records: Sequence[Record | Block]) -> Iterator[list[Record | Block]]:
    """The records in runs of about WRITE_PART rows, in order (a block longer than that
    cut in pieces)."""
    run: list[Record | Block] = []
    size = 0
    for it in records:
        if isinstance(it, Block) and len(it) > WRITE_PART:
            if run:
                yield run
                run, size = [], 0
            for start in range(0, len(it), WRITE_PART):
                yield [it.part(start, start + WRITE_PART)]
            continue
        run.append(it)
        size += len(it) if isinstance(it, Block) else 1
        if size >= WRITE_PART:
            yield run
            run, size = [], 0
    if run:
        yield run


# The tables whose records a snapshot names by number, by the target of its reference.
_LABELLED = {"Item": "items", "Inspection": "inspections", "PlanEntry": "plans"}


class _Labels(dict[str, dict[Any, str]]):
    """The snapshot's references (history.Ref: lead unit by code, plan by number...), as
    history.snap builds them, from the lookups already at hand: target -> id -> label.  A
    table's numbers are looked up when a row first refers to one of its records (most
    imports name no item, inspection nor plan)."""

    def __init__(self, job: Job, code_of: dict[int, str]) -> None:
        super().__init__(Unit=code_of)
        self.job = job

    def __missing__(self, target: str) -> dict[Any, str]:
        made = self[target] = {i: number for number, i in
                               self.job.ledger_numbers(_LABELLED[target]).items()}
        return made


def _write_part(lg: Ledger, job: Job, block: Block, labels: _Labels) -> None:
    """Insert some of the records, their links and their events, a column at a time."""
    from duchá.history.events import JsonTexts, dump, dump_many, record_columns, sparse_of
    from duchá.storage.bulk import all_null, insert, iso_dates

    table = job.table
    n = len(block)
    ids = block.ids if isinstance(block.ids, range) else list(block.ids)
    column = block.values
    names = list(column)
    specs = {spec.name: spec for spec in RECORDS[table].links}
    # events.snapshot's JSON-ready values (dates as ISO text), a column at a time.
    snap: dict[str, Sequence[Any]] = {}
    for name, col in column.items():
        if all_null(col):  # NULL in every row: nothing to write out
            snap[name] = col
            continue
        # (a column holds one type, and NULLs: its first value says which)
        first = type(next(v for v in col if v is not None))
        if first is date:
            col = iso_dates(col)
        elif issubclass(first, date):
            col = [v.isoformat() if isinstance(v, date) else v for v in col]
        snap[name] = col
    links: dict[str, list[tuple[int | None, Any]]] = {}  # (record id, linked id) pairs
    rows_links = block.links or [{}] * n
    link_names = list(rows_links[0])
    for name in link_names:
        spec, label = specs[name], labels[specs[name].target]
        links[name] = [(rid, x) for rid, row in zip(ids, rows_links, strict=True)
                       for x in row[name]]
        snap[name] = [sorted(label[x] for x in row[name]) for row in rows_links]
    for ref in RECORDS[table].refs:  # (the history's references: replay.KINDS takes them)
        keys = column.get(ref.column, [None] * n)
        if all_null(keys):
            snap[ref.name] = [None] * n
            continue
        # (None, no id, is no label's key: its label is None)
        snap[ref.name] = list(map(labels[ref.target].get, keys))
    if block.links is None or all(list(row) == link_names for row in rows_links):
        after = dump_many(list(snap), list(snap.values()), sparse=True)
    else:  # records with different lists: each snapshot with its own
        after = JsonTexts()
        for i, row in enumerate(rows_links):
            one = {k: v[i] for k, v in snap.items() if k not in specs or k in row}
            after.append(dump(sparse_of(one)) or "")
    sql = lg.sql
    # SQLite stores a date as its ISO text, the snapshot's; a server takes the date itself.
    stored = [snap[name] if sql.dialect == "sqlite" else column[name] for name in names]
    if table == "units":  # parents are set once every unit of the file is in (`_write`)
        stored[names.index("parent_id")] = [None] * n
    insert(sql, RECORDS[table].sql_table, ["id", *names], [ids, *stored], n, rowids=True)
    for name, pairs in links.items():
        spec = specs[name]
        insert(sql, table_name(spec.table), [spec.parent, spec.child],
               [[p for p, _ in pairs], [c for _, c in pairs]], len(pairs))
    key_field = "code" if table == "units" else "number"
    today = lg.today
    record_columns(sql, actor=[lg.actor] * n, action=["import"] * n,
                   table=[SUBJECT[table]] * n, subject=column[key_field], before=[None] * n,
                   after=after, on=[on or today for on in block.on])
