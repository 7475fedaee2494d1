"""Schema version 9: constraints and indexes that cost a write no more than they must (issue 15).

Revision ID: 0009
Revises: 0008
A CHECK that a code is one of a list (`status IN ('open', ...)`) made SQLite build a temporary
table of the list for every row written, as it codes an IN list of more than two values inside
a CHECK (20,000 to 65,000 instructions a row: a quarter to a half of a plain insert).  The
same condition written as equalities joined by OR (`status = 'open' OR status = ...`) is
compared in place; it lets through exactly the rows the IN list let through, NULL included,
so no row is checked again.  PostgreSQL replaces each constraint in place.  SQLite cannot,
so each such table is rebuilt (duchá.storage.migrations.rebuild) from its old text with the
conditions rewritten.

ix_event_at goes: no query reads events by their timestamp (`duchá log` and the dated reports
read `on` and the id), and every event written kept it up to date.  A finding's inspection,
item and 回头看 deadline are empty on most rows, and every query that reads these indexes
compares the column with a value, which no empty cell matches: the three indexes keep only
the rows that have one (partial indexes, read by such queries on SQLite and PostgreSQL alike).

The conditions and DDL are written out here, not read from models.py: this step keeps
producing schema 9 whatever models.py says later.
"""

from __future__ import annotations

import re

from alembic import op

from duchá.errors import LedgerUnusable
from duchá.storage.migrations.rebuild import legacy_alter, rebuild_sqlite

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_METHOD = "'self-check', 'written', 'on-site', 'third-party', 'unannounced'"
_CATEGORY = ("'policy', 'decision', 'meeting', 'target', 'proposal', 'instruction', 'visit', "
             "'assigned'")
# Schema 8's conditions that name a list of codes, by table: (constraint, condition).
LISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "unit": (("ck_unit_kind", "kind IN ('county', 'department', 'agency', 'other')"),),
    "item": (("ck_item_category", f"category IN ({_CATEGORY})"),
             ("ck_item_status", "status IN ('open', 'done', 'cancelled')")),
    "plan_entry": (
        ("ck_plan_entry_kind",
         "kind IN ('comprehensive', 'special', 'assessment', 'evaluation', 'other')"),
        ("ck_plan_entry_method", f"method IS NULL OR method IN ({_METHOD})"),
        ("ck_plan_entry_status", "status IN ('planned', 'done', 'cancelled')")),
    "inspection": (("ck_inspection_method", f"method IN ({_METHOD})"),),
    "finding": (
        ("ck_finding_severity", "severity IN ('general', 'serious')"),
        ("ck_finding_mode", "mode IN ('immediate', 'deadline', 'long-term')"),
        ("ck_finding_status",
         "status IN ('open', 'rectifying', 'rectified', 'verified', 'reopened')")),
    "extension": (("ck_extension_subject", "subject_table IN ('item', 'finding')"),
                  ("ck_extension_status", "status IN ('pending', 'approved', 'rejected')")),
    "accountability": (("ck_accountability_subject", "subject_table IN ('item', 'finding')"),),
    "reminder": (("ck_reminder_kind", "kind IN ('urge', 'supervise')"),),
    "reminder_line": (("ck_reminder_line_level", "level IN ('urge', 'supervise', 'circulate')"),),
}
_LIST = re.compile(r"(\w+) IN \(([^)]*)\)")

PARTIAL = (
    ("ix_finding_inspection", "inspection_id", "inspection_id"),
    ("ix_finding_item", "item_id", "item_id"),
    ("ix_finding_lookback", "status, lookback_due", "lookback_due"),
)


def as_equalities(condition: str) -> str:
    """Schema 9's text of a condition: each `column IN ('a', 'b')` as
    `column = 'a' OR column = 'b'` (only ever joined to the rest by OR)."""
    return _LIST.sub(lambda m: " OR ".join(f"{m[1]} = {code}" for code in m[2].split(", ")),
                     condition)


def _rebuild_sqlite(table: str, checks: tuple[tuple[str, str], ...]) -> None:
    conn = op.get_bind()
    old_sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    new_sql = old_sql
    for name, condition in checks:
        old = f"CONSTRAINT {name} CHECK ({condition})"
        if old not in new_sql:
            raise LedgerUnusable(f"cannot migrate: the {table} table does not read as schema 8 "
                                 f"expects ({old} not found)")
        new_sql = new_sql.replace(old, f"CONSTRAINT {name} CHECK ({as_equalities(condition)})")
    rebuild_sqlite(conn, table, new_sql)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        with legacy_alter(conn):
            for table, checks in LISTS.items():
                _rebuild_sqlite(table, checks)
    else:
        for table, checks in LISTS.items():
            for name, condition in checks:
                op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} "
                           f"CHECK ({as_equalities(condition)})")
    op.execute("DROP INDEX IF EXISTS ix_event_at")
    for name, columns, kept in PARTIAL:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON finding ({columns}) WHERE {kept} IS NOT NULL")
    op.execute("UPDATE ducha_meta SET value = '9' WHERE key = 'schema_version'")
