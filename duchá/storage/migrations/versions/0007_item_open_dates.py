"""Schema version 7: an item's dates may be unknown or open, and it keeps its 备注.

Revision ID: 0007
Revises: 0006
Real 台账 (issue 13) hold long-term items (长期, 持续推进: no due date, never red) and rows
whose 交办时间 is blank (unknown, not today), and a 备注 column worth keeping.  So item.due and
item.assigned lose NOT NULL and item gains `remarks`.  Their CHECK constraints already let NULL
through (`due IS NULL OR due >= assigned`).

PostgreSQL changes the columns in place.  SQLite cannot drop a NOT NULL, so the item table is
rebuilt as 0004 rebuilds tables: renamed aside, created again from its old text with the two
NOT NULLs dropped and `remarks` after `cancel_reason` (where a fresh ledger's create_all puts
it, so both schemas read the same), the rows copied, the old table dropped, its indexes and
triggers (schema 5's subject guard) created again.  Foreign keys are checked before commit
(duchá.storage.migrate).
"""

from __future__ import annotations

import re

from alembic import op

from duchá.errors import LedgerUnusable
from duchá.storage.migrations.rebuild import legacy_alter, rebuild_sqlite

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The column texts of schema 6, and what schema 7 makes of them.
CHANGES = (
    (re.compile(r"\bassigned DATE NOT NULL\b"), "assigned DATE"),
    (re.compile(r"\bdue DATE NOT NULL\b"), "due DATE"),
    (re.compile(r"(\bcancel_reason VARCHAR,)"), r"\1 \n\tremarks VARCHAR,"),
)


def _rebuild_sqlite() -> None:
    conn = op.get_bind()
    old_sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'item'").scalar_one()
    new_sql = old_sql
    for pattern, replacement in CHANGES:
        new_sql, n = pattern.subn(replacement, new_sql, count=1)
        if n != 1:
            raise LedgerUnusable(f"cannot migrate: the item table does not read as schema 6 "
                                 f"expects ({pattern.pattern} not found)")
    rebuild_sqlite(conn, "item", new_sql)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        with legacy_alter(conn):
            _rebuild_sqlite()
    else:
        op.execute("ALTER TABLE item ALTER COLUMN assigned DROP NOT NULL")
        op.execute("ALTER TABLE item ALTER COLUMN due DROP NOT NULL")
        op.execute('ALTER TABLE item ADD COLUMN remarks VARCHAR COLLATE "C"')
    op.execute("UPDATE ducha_meta SET value = '7' WHERE key = 'schema_version'")
