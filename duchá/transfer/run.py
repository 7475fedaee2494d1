"""Running one import: read the file, check every row with its table's preparer, then write
all of it or nothing.  The preparers live by kind: records (importer), the rows that hang off
them (import_children), and quotas, settings and calendar days (import_service)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.transfer import import_children, importer
from duchá.transfer import import_settings as import_service
from duchá.transfer.columns import CHILD_TABLES, SERVICE_TABLES

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


def validate(lg: Ledger, table: str, sheet: importer.Sheet
             ) -> tuple[importer.Job, list[importer.Record]]:
    where, unknown = importer.map_header(table, sheet)
    job = importer.Job(lg, table, sheet, where)
    if table in CHILD_TABLES:
        records = import_children.PREPARE[table](job)
    elif table in SERVICE_TABLES:
        records = import_service.PREPARE[table](job)
    else:
        records = importer.PREPARE[table](job)
        importer.allocate_numbers(job, records)
    if job.errors:
        shown = job.errors[:importer.MAX_ERRORS_SHOWN]
        more = len(job.errors) - len(shown)
        tail = f" | ... and {more} more" if more > 0 else ""
        bad = len({e.split(":", 1)[0] for e in job.errors})
        raise BadInput(f"{sheet.path}: {bad} bad line{'s' if bad != 1 else ''}, nothing "
                       "imported; fix them and import again: " + " | ".join(shown) + tail)
    if unknown:
        lg.warn(f"columns ignored (not {table} fields): {', '.join(unknown)}")
    return job, records


def run(lg: Ledger, table: str, path: Path, *, encoding: str | None = None,
        dry_run: bool = False, progress: importer.Progress | None = None) -> dict[str, Any]:
    """Import one CSV file into one table; a summary row."""
    sheet = importer.read(path, encoding)
    job, records = validate(lg, table, sheet)
    if progress:
        progress("checked", len(records), len(records))
    if table in CHILD_TABLES:
        if not dry_run:
            import_children.write(lg, table, records)
        keys = import_children.key_of(lg, table, records)
    elif table in SERVICE_TABLES:
        if not dry_run:
            import_service.write(lg, table, records)
        keys = import_service.key_of(table, records)
    else:
        if not dry_run:
            importer.write(lg, job, records, progress)
        key_field = "code" if table == "units" else "number"
        keys = [rec.values[key_field] for rec in records]
    return {"table": table, "file": str(path), "encoding": sheet.encoding, "rows": len(records),
            "imported": 0 if dry_run else len(records), "first": keys[0] if keys else None,
            "last": keys[-1] if keys else None, "dry_run": dry_run}
