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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duchá import validation
from duchá.errors import BadInput
from duchá.tables import RECORDS
from duchá.transfer.columns import IGNORED, TABLES, Column, key, lookup
from duchá.words import a

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger
    from duchá.vocab import Vocab

Progress = Callable[[str, int, int], None]  # (phase, done, total)

MAX_ERRORS_SHOWN = 50
BINARY_PROBE = 64 * 1024
NUL = b"\x00"
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
    """A row read by Row.read_all as the record's columns (lead_unit as lead_unit_id, as its
    RefSpec says) and its lists (responsible units, as its LinkSpecs say)."""
    rec = RECORDS[table]
    column_of = {spec.name: spec.column for spec in rec.refs}
    lists = {spec.name for spec in rec.links}
    values: dict[str, Any] = {}
    links: dict[str, list[Any]] = {}
    for name, value in got.items():
        if name in lists:
            links[name] = value
        else:
            values[column_of.get(name, name)] = value
    return values, links


# ---------------------------------------------------------------- reading the file


@dataclass
class Sheet:
    """A CSV file read and decoded: its header and its data rows with their line numbers."""

    path: Path
    encoding: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The file's text and the encoding it was read with, or BadInput naming the line."""
    if encoding:
        enc = "utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding
        try:
            return data.decode(enc), encoding
        except UnicodeDecodeError as exc:
            raise validation.Invalid(
                "encoding", f"{path}: line {_line_of(data, exc.start)} is not valid {encoding}; "
                "save the file in that encoding or pass another «encoding»") from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise BadInput(f"{path}: starts with a UTF-8 mark but line "
                           f"{_line_of(data, exc.start)} is not UTF-8 (mixed encodings); save "
                           "the whole file in one encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_line = _line_of(data, exc.start)
    # Not UTF-8.  If other lines are non-ASCII *and* valid UTF-8, the file mixes encodings
    # (rows pasted from two sources); GB18030 would read it "successfully" as garbage.
    for n, line in enumerate(data.split(b"\n"), start=1):
        if n != bad_line and max(line, default=0) >= 0x80:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            raise BadInput(f"{path}: mixed encodings: line {n} is UTF-8 but line {bad_line} is "
                           "not; save the whole file in one encoding (UTF-8 or GB18030)")
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise validation.Invalid(
            "encoding", f"{path}: line {_line_of(data, exc.start)} is neither UTF-8 nor "
            "GB18030 text; save the file as CSV (UTF-8) or pass «encoding»") from None


def read(path: Path, encoding: str | None = None) -> Sheet:
    """Read a CSV file, refusing what is not one (empty, binary, undecodable, no rows)."""
    import csv
    import io

    if not path.exists():
        raise BadInput(f"no file {path}; check the path")
    if path.is_dir():
        raise BadInput(f"{path} is a folder; give a CSV file")
    with path.open("rb") as fh:
        # A large binary file is refused from its first block, before reading it all.
        data = fh.read(BINARY_PROBE)
        if NUL not in data:
            data += fh.read()
    if NUL in data:
        raise BadInput(f"{path} is not a CSV text file (binary data on line "
                       f"{_line_of(data, data.index(NUL))}); export the sheet as CSV first")
    text, used = decode(path, data, encoding)
    if not text.strip().strip("\ufeff").strip():
        raise BadInput(f"{path} is empty; give a CSV file with a header line and rows")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = record
            else:
                rows.append((line, record))
    except csv.Error as exc:
        raise BadInput(f"{path}: line {start}: not readable as CSV ({exc}); check the "
                       "quotes on that line") from None
    if header is None:
        raise BadInput(f"{path} is empty; give a CSV file with a header line and rows")
    if not rows:
        raise BadInput(f"{path} has a header but no rows; nothing to import")
    return Sheet(path, used, header, rows)


def map_header(table: str, sheet: Sheet) -> tuple[dict[str, int], list[str]]:
    """Field -> column index, and the headers that are ignored; BadInput on missing columns."""
    names = lookup(table)
    where: dict[str, int] = {}
    unknown: list[str] = []
    errors: list[str] = []
    for i, h in enumerate(sheet.header):
        k = key(h)
        if not k or k in IGNORED:
            continue
        name = names.get(k)
        if name is None:
            unknown.append(h.strip())
        elif name in where:
            errors.append(f"columns '{sheet.header[where[name]].strip()}' and '{h.strip()}' "
                          f"both mean {name}; keep one")
        else:
            where[name] = i
    missing = [c for c in TABLES[table] if c.required and c.name not in where]
    for c in missing:
        errors.append(f"missing required column {c.name} ({' / '.join(c.zh)})")
    if errors:
        raise BadInput(f"{sheet.path}: line 1 (header): " + "; ".join(errors)
                       + "; `duchá import --help` lists the columns")
    return where, unknown


# ---------------------------------------------------------------- checking rows


@dataclass
class Row:
    """One data row's raw values and the checks that turn them into typed values."""

    job: Job
    line: int
    values: dict[str, str | None]
    ok: bool = True

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.job.errors.append(f"line {self.line}: {self.job.header_of(column)}: {message}")

    def refuse(self, exc: validation.Invalid) -> None:
        """A service's or validation's verdict on a value, naming the file's column."""
        self.ok = False
        said = exc.said(lambda name: self.job.header_of(self.job.column_of(name)))
        self.job.errors.append(f"line {self.line}: {said}")

    def check(self, rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A rule of validation.py on the row's values: its verdict names the column."""
        try:
            return rule(*args, **kwargs)
        except validation.Invalid as exc:
            self.refuse(exc)
            return None

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None and required:
            self.fail(name, "empty; this column is required")
        return value

    def date(self, name: str, *, base: date | None = None, required: bool = False,
             default: date | None = None) -> date | None:
        raw = self.text(name, required)
        if raw is None:
            return default
        # Big files repeat the same few hundred dates: parse each text once (relative forms
        # depend on their base, so the base is part of the key).
        cache = self.job.dates
        cache_key = (raw, base if raw[0] in "+-" else None)
        if cache_key not in cache:
            try:
                cache[cache_key] = self.job.lg.date(raw, base=base)
            except BadInput as exc:
                cache[cache_key] = exc
        found = cache[cache_key]
        if isinstance(found, BadInput):
            self.fail(name, found.message)
            return None
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

    def unit(self, name: str, *, required: bool = False) -> int | None:
        raw = self.text(name, required)
        if raw is None:
            return None
        unit_id, message = self.job.unit_id(raw)
        if unit_id is None:
            self.fail(name, message)
        return unit_id

    def units(self, name: str) -> list[int]:
        raw = self.text(name)
        out: list[int] = []
        for part in _SPLIT.split(raw or ""):
            if part:
                unit_id, message = self.job.unit_id(part)
                if unit_id is None:
                    self.fail(name, message)
                elif unit_id not in out:
                    out.append(unit_id)
        return out

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
        if kind == "date":
            default = self.job.lg.today if col.default == "today" else None
            return self.date(name, base=got.get(col.base) if col.base else None,
                             required=col.required, default=default)
        if kind in ("month-start", "month-end"):
            return self.month_bound(name, end=kind == "month-end")
        if kind == "vocab":
            from duchá import vocab

            return self.vocab(name, getattr(vocab, col.vocab or ""), required=col.required,
                              default=col.default)
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
        after the column it counts from), but the row's own number and subject."""
        got: dict[str, Any] = {}
        for col in TABLES[self.job.table]:
            if col.kind not in ("number", "subject"):
                got[col.name] = self.read(col, got)
        return got


@dataclass
class Job:
    """One import: the ledger, the sheet, and what validation has collected."""

    lg: Ledger
    table: str
    sheet: Sheet
    where: dict[str, int]
    errors: list[str] = field(default_factory=list)
    _units: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    dates: dict[tuple[str, date | None], date | BadInput] = field(default_factory=dict)
    terms: dict[tuple[str, str], str | BadInput] = field(default_factory=dict)
    _numbers: dict[str, dict[str, int]] = field(default_factory=dict)

    def column_of(self, field_name: str) -> str:
        """The table's column that a service's field is (`max` is max_count's alias)."""
        from duchá.tables import TABLES

        for col in TABLES.get(self.table, ()):
            if field_name == col.name or field_name in col.aliases:
                return col.name
        return field_name

    def header_of(self, name: str) -> str:
        i = self.where.get(name)
        return self.sheet.header[i].strip() if i is not None else name

    def unit_id(self, text: str) -> tuple[int | None, str]:
        """A unit resolved like everywhere else, cached per distinct text (many rows share)."""
        from duchá.services import units

        if text not in self._units:
            try:
                self._units[text] = (units.resolve(self.lg, text).id, "")
            except BadInput as exc:
                self._units[text] = (None, exc.message)
        return self._units[text]

    def ledger_numbers(self, table: str) -> dict[str, int]:
        """number -> id of a table's records in the ledger (one query, on first need)."""
        if table not in self._numbers:
            from sqlalchemy import select

            model = models_by_table()[table]
            rows = self.lg.session.execute(select(model.number, model.id))
            self._numbers[table] = {n: i for n, i in rows}
        return self._numbers[table]

    def rows(self) -> Iterator[Row]:
        width = len(self.sheet.header)
        for line, cells in self.sheet.rows:
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                self.errors.append(f"line {line}: {len(cells)} cells but the header has "
                                   f"{width} columns; check the commas and quotes")
                continue
            values: dict[str, str | None] = {}
            for name, i in self.where.items():
                v = cells[i].strip() if i < len(cells) else ""
                values[name] = v or None
            yield Row(self, line, values)


def models_by_table() -> dict[str, Any]:
    from duchá import models as m

    return {"units": m.Unit, "items": m.Item, "plans": m.PlanEntry,
            "inspections": m.Inspection, "findings": m.Finding}


# ---------------------------------------------------------------- per-table preparation


@dataclass
class Record:
    """A checked row: its column values, its links (unit or item ids) and its number, given
    (seq) or still to allocate (seq None) in `year`; `on` is its history event's date."""

    line: int
    year: int
    seq: int | None
    values: dict[str, Any]
    links: dict[str, list[Any]] = field(default_factory=dict)  # ids; a unit's parent_code
    on: date | None = None


def _items(job: Job) -> list[Record]:
    out = []
    for r in job.rows():
        got = r.read_all()
        got["status"] = got["status"] or ("done" if got["closed_on"] else "open")
        if r.ok:
            r.check(validation.item_dates, assigned=got["assigned"], due=got["due"],
                    status=got["status"], closed_on=got["closed_on"])
        num = r.number("items")
        if not r.ok:
            continue
        values, links = fields("items", got)
        links["units"] = [u for u in links["units"] if u != values["lead_unit_id"]]
        year, seq = num if num else (got["assigned"].year, None)
        out.append(Record(r.line, year, seq, values, links, got["assigned"]))
    return out


def _plans(job: Job) -> list[Record]:
    out = []
    for r in job.rows():
        got = r.read_all()
        start, end = got["start"], got["end"]
        if start and end and end < start:
            r.fail("end", f"{end} is before the start {start}")
        num = r.number("plans")
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
        got = r.read_all()
        start, end = got["start"], got["end"]
        if start and end and end < start:
            r.fail("end", f"{end} is before the start {start}")
        num = r.number("inspections")
        if not r.ok:
            continue
        values, links = fields("inspections", got)
        links["members"] = [m for m in links["members"] if m != values["lead_id"]]
        year, seq = num if num else (start.year, None)
        out.append(Record(r.line, year, seq, values, links, start))
    return out


def _findings(job: Job) -> list[Record]:
    lg = job.lg
    out = []
    for r in job.rows():
        got = r.read_all()
        if r.ok:  # the same defaults and checks as `finding add`
            got["due"] = r.check(validation.finding_due, lg, mode=got["mode"],
                                 found=got["found_on"], due=got["due"], long_term_open=True)
        implied = ("verified" if got["verified_on"] else "rectified" if got["rectified_on"]
                   else "rectifying" if got["plan_text"] or got["plan_on"] else "open")
        got["status"] = got["status"] or implied
        if r.ok:
            r.check(validation.finding_status_dates, status=got["status"],
                    rectified_on=got["rectified_on"], verified_on=got["verified_on"])
        num = r.number("findings")
        if not r.ok:
            continue
        values, links = fields("findings", got)
        year, seq = num if num else (got["found_on"].year, None)
        out.append(Record(r.line, year, seq, values, links, got["found_on"]))
    return out


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


PREPARE = {"units": _units, "items": _items, "plans": _plans, "inspections": _inspections,
           "findings": _findings}


# ---------------------------------------------------------------- numbering and writing


def allocate_numbers(job: Job, records: list[Record]) -> None:
    """Check given numbers against the file and the ledger; allocate the missing ones."""
    from sqlalchemy import func, select

    if job.table == "units":
        return
    prefix, width = PREFIX[job.table]
    model = models_by_table()[job.table]
    taken = job.ledger_numbers(job.table)
    seen: dict[tuple[int, int], int] = {}
    for rec in records:
        if rec.seq is None:
            continue
        number = f"{prefix}-{rec.year}-{rec.seq:0{width}d}"
        if (rec.year, rec.seq) in seen:
            job.errors.append(f"line {rec.line}: number {number} repeats line "
                              f"{seen[(rec.year, rec.seq)]}")
        elif number in taken:
            job.errors.append(f"line {rec.line}: number {number} is already in the ledger")
        seen.setdefault((rec.year, rec.seq), rec.line)
    years = {rec.year for rec in records if rec.seq is None}
    top: dict[int, int] = {}
    if years:
        stmt = select(model.year, func.max(model.seq)).where(model.year.in_(years)) \
            .group_by(model.year)
        top = {y: s or 0 for y, s in job.lg.session.execute(stmt)}
    for (y, s) in seen:
        top[y] = max(top.get(y, 0), s)
    for rec in records:
        if rec.seq is None:
            top[rec.year] = top.get(rec.year, 0) + 1
            rec.seq = top[rec.year]
    for rec in records:
        rec.values["number"] = f"{prefix}-{rec.year}-{rec.seq:0{width}d}"
        rec.values["year"] = rec.year
        rec.values["seq"] = rec.seq


def _next_id(lg: Ledger, model: Any) -> int:
    from sqlalchemy import func, select

    return (lg.session.execute(select(func.max(model.id))).scalar() or 0) + 1


def write(lg: Ledger, job: Job, records: list[Record],
          progress: Progress | None = None) -> list[dict[str, Any]]:
    """Insert the records, their links and their events in bulk; the events' snapshots."""
    from sqlalchemy import bindparam, update

    from duchá import models as m
    from duchá.history import replay as history
    from duchá.history.events import record_many
    from duchá.services import units
    from duchá.storage.bulk import insert_rows
    from duchá.tables import table_of

    table = job.table
    model = models_by_table()[table]
    first = _next_id(lg, model)
    code_of = {u.id: u.code for u in units._all(lg)}
    if table == "units":
        for i, rec in enumerate(records):
            code_of[first + i] = rec.values["code"]
        by_code = {rec.values["code"].lower(): first + i for i, rec in enumerate(records)}
        for rec in records:
            parent = rec.links.pop("parent_code", None)
            if parent:
                rec.values["parent_id"] = by_code[parent[0]]
    rows: list[dict[str, Any]] = []
    links: dict[str, list[dict[str, Any]]] = {}
    specs = {spec.name: spec for spec in RECORDS[table].links}
    snapshots: list[dict[str, Any]] = []
    item_numbers: dict[int, str] = {}
    if table in ("inspections", "findings"):
        item_numbers = {i: n for n, i in job.ledger_numbers("items").items()}
    insp_numbers: dict[int, str] = {}
    if table == "findings":
        insp_numbers = {i: n for n, i in job.ledger_numbers("inspections").items()}
    plan_numbers: dict[int, str] = {}
    if table == "inspections":
        plan_numbers = {i: n for n, i in job.ledger_numbers("plans").items()}
    # The snapshot's references (history.Ref: lead unit by code, plan by number...), as
    # history.snap builds them, from the lookups already at hand.
    labels: dict[str, dict[Any, str]] = {"Unit": code_of, "Item": item_numbers,
                                         "Inspection": insp_numbers, "PlanEntry": plan_numbers}
    refs = history.KINDS[SUBJECT[table]].refs
    for i, rec in enumerate(records):
        rid = first + i
        rows.append({"id": rid, **rec.values})
        # events.snapshot's JSON-ready values (dates as ISO text), without a call per value.
        snap = {k: v.isoformat() if isinstance(v, date) else v for k, v in rec.values.items()}
        for name, ids in rec.links.items():
            spec = specs[name]
            links.setdefault(name, []).extend({spec.parent: rid, spec.child: x} for x in ids)
            snap[name] = sorted(labels[spec.target][x] for x in ids)
        for ref in refs:
            key = rec.values.get(ref.column)
            snap[ref.name] = None if key is None else labels[ref.target].get(key)
        snapshots.append(snap)
    total = len(rows)
    # A unit's parent may come later in the file: parents are set once all rows exist
    # (SQLite checks the foreign key per statement).
    parents = [{"_id": row["id"], "_parent": row["parent_id"]} for row in rows
               if table == "units" and row["parent_id"] is not None]
    insert_rows(lg.session, model.__table__,
                [{**r, "parent_id": None} for r in rows] if parents else rows,
                (lambda n: progress("insert", n, total)) if progress else None)
    if parents:
        t = model.__table__
        lg.session.execute(update(t).where(t.c.id == bindparam("_id"))
                           .values(parent_id=bindparam("_parent")), parents)
    for name, link_rows in links.items():
        insert_rows(lg.session, table_of(getattr(m, specs[name].table)), link_rows)
    subject = SUBJECT[table]
    key_field = "code" if table == "units" else "number"
    record_many(lg.session, [
        {"actor": lg.actor, "action": "import", "table": subject,
         "subject": rec.values[key_field], "before": None, "after": snap, "on": rec.on or lg.today}
        for rec, snap in zip(records, snapshots, strict=True)
    ])
    if table == "units":
        units._forget(lg)
    if progress:
        progress("events", total, total)
    return snapshots
