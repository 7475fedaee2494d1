"""Running one import: read the file, check every row with its table's preparer, then write
all of it or nothing.  The preparers live by kind: records (importer), the rows that hang off
them (import_children), and quotas, settings and calendar days (import_service).  Records the
ledger already has are updated or skipped (reimport)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.transfer import import_children, import_findings, importer, reimport, rejects, sheets
from duchá.transfer import import_settings as import_service
from duchá.transfer.columns import CHILD_TABLES, SERVICE_TABLES

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


@dataclass(frozen=True)
class Options:
    """How to read the file and what to do with what it says."""

    encoding: str | None = None  # of a text file; the output's is the command's own
    sheet: str | None = None  # a workbook's sheet, by name or 1-based number
    category: str | None = None  # items: the category of rows that say none
    create_units: bool = False  # units the ledger lacks are added (code = name)
    errors: Path | None = None  # the bad rows go there, with their reasons
    dry_run: bool = False
    large: bool = False  # a file of LARGE_FILE bytes or more (a load: see db.file_scope)


# The size (some 5,000 rows of CSV) from which a file is imported as a large one
# (Options.large): freed memory kept for the next columns (duchá.memory), and written as a
# load (db.file_scope), whose few milliseconds of switching the ledger's journal and back
# pay for themselves from there.
LARGE_FILE = 1 << 20


# The preparation of each record table's rows (import_children and import_settings have theirs).
PREPARE = {**importer.PREPARE, "findings": import_findings.prepare}


def validate(lg: Ledger, table: str, sheet: importer.Sheet, options: Options | None = None
             ) -> tuple[importer.Job, Sequence[importer.Record | importer.Block]]:
    opts = options or Options()
    where, more, unknown = importer.map_header(table, sheet)
    job = importer.Job(lg, table, sheet, where, more, create_units=opts.create_units)
    if opts.category:
        job.defaults["category"] = opts.category
    filled = sheets.fill_down(table, sheet, where)
    records: Sequence[importer.Record | importer.Block]
    if table in CHILD_TABLES:
        records = import_children.PREPARE[table](job)
    elif table in SERVICE_TABLES:
        records = import_service.PREPARE[table](job)
    else:
        records = PREPARE[table](job)
        importer.allocate_numbers(job, records)
    if job.errors:
        raise rejects.refuse(job, opts.errors)
    if not records and not _said(sheet, where, more):
        # (every row says something only under columns the import leaves aside)
        raise BadInput(f"{sheet.label} has no row with a value under the columns it imports "
                       f"({', '.join(job.header_of(name) for name in where)}); nothing to "
                       "import")
    if unknown:
        lg.warn(f"columns ignored (not {table} fields): {', '.join(unknown)}")
    for name, lines in filled.items():
        lg.warn(f"blank {job.header_of(name)} taken from the row above (cells merged in the "
                f"sheet the file was saved from) on {rejects.at(sheet.noun, lines)}")
    for what, lines in job.notes.items():
        lg.warn(f"{what} ({rejects.at(sheet.noun, lines)})")
    return job, records


def _said(sheet: importer.Sheet, where: dict[str, int], more: dict[str, list[int]]) -> bool:
    """Whether a row has a value under a column the import reads."""
    read = {*where.values(), *(j for js in more.values() for j in js)}
    return any(i < len(row) and row[i].strip() for _, row in sheet.rows for i in read)


def run(lg: Ledger, table: str, path: Path, options: Options | None = None,
        progress: importer.Progress | None = None) -> dict[str, Any]:
    """Import one file into one table; a summary row."""
    from duchá.memory import freed_memory_kept

    large = options is not None and options.large
    with _no_cycle_collection(), freed_memory_kept() if large else nullcontext():
        return _run(lg, table, path, options, progress)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: a large import holds a few objects per cell until
    it ends, and each of the collector's passes would walk all of them again (a second or
    more of a 100,000-row import) to find the cycles that this work does not make."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _run(lg: Ledger, table: str, path: Path, options: Options | None,
         progress: importer.Progress | None) -> dict[str, Any]:
    opts = options or Options()
    sheet = importer.read(path, table, opts.encoding, opts.sheet)
    job, records = validate(lg, table, sheet, opts)
    sheet.rows.clear()  # every cell is read: the memory of a large file's serves the write
    if progress:
        progress("checked", importer.rows_of(records), importer.rows_of(records))
    # (a Block holds new records of plain rows, without notes)
    new = [rec for rec in records if isinstance(rec, importer.Block) or rec.new]
    rows = [rec for rec in records if not isinstance(rec, importer.Block)]
    changed = [rec for rec in rows if rec.update is not None and rec.update.changed]
    notes = [rec for rec in rows if rec.notes]
    same = sum(1 for rec in rows if rec.update is not None and not rec.update.changed
               and not rec.notes)
    if job.created:
        lg.warn(("would add" if opts.dry_run else "added") + " units the ledger lacked, each "
                "with its name as its code (`duchá unit edit NAME --code CODE` renames it): "
                + ", ".join(job.created))
    if not opts.dry_run:
        if job.created:
            importer.create_units(lg, job, records)
        if table in CHILD_TABLES:
            import_children.write(lg, table, _records(records))
        elif table in SERVICE_TABLES:
            import_service.write(lg, table, _records(records))
        else:
            importer.write(lg, job, new, progress)
            kind = importer.SUBJECT[table]
            reimport.apply(lg, kind, [rec.update for rec in changed if rec.update], {})
            reimport.write_notes(lg, [
                (rec.update.existing.id if rec.update else importer.new_id(job, rec),
                 rec.values["number"], n) for rec in notes for n in rec.notes])
    if table in CHILD_TABLES:
        keys = import_children.key_of(lg, table, _records(records))
    elif table in SERVICE_TABLES:
        keys = import_service.key_of(table, _records(records))
    else:
        keys = _ends(new, "code" if table == "units" else "number")
    added = importer.rows_of(new)
    updated = len({id(rec) for rec in [*changed, *(r for r in notes if not r.new)]})
    return {"table": table, "file": str(path), "encoding": sheet.encoding,
            "sheet": sheet.name, "rows": importer.rows_of(records), "added": added,
            "updated": updated,
            "unchanged": same, "imported": 0 if opts.dry_run else added + updated,
            "first": keys[0] if keys else None, "last": keys[-1] if keys else None,
            "dry_run": opts.dry_run}


def _records(records: Sequence[importer.Record | importer.Block]) -> list[importer.Record]:
    """The records of a table whose rows are read one by one (no Block among them)."""
    out = [rec for rec in records if isinstance(rec, importer.Record)]
    assert len(out) == len(records), "only findings come in blocks"
    return out


def _ends(new: Sequence[importer.Record | importer.Block], key: str) -> list[Any]:
    """The first and the last new record's `key` (a block's first and last row's)."""
    if not new:
        return []
    first, last = new[0], new[-1]
    return [first.values[key][0] if isinstance(first, importer.Block) else first.values[key],
            last.values[key][-1] if isinstance(last, importer.Block) else last.values[key]]
