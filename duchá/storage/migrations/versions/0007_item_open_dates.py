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
    kept = [r[0] for r in conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'item' "
        "AND sql IS NOT NULL ORDER BY type, name")]
    columns = ", ".join(f'"{r[1]}"' for r in conn.exec_driver_sql("PRAGMA table_info(item)"))
    conn.exec_driver_sql("ALTER TABLE item RENAME TO _ducha_old_item")
    conn.exec_driver_sql(new_sql)
    conn.exec_driver_sql(f"INSERT INTO item ({columns}) SELECT {columns} FROM _ducha_old_item")
    conn.exec_driver_sql("DROP TABLE _ducha_old_item")
    for statement in kept:
        conn.exec_driver_sql(statement)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA legacy_alter_table = ON")
        try:
            _rebuild_sqlite()
        finally:
            conn.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    else:
        op.execute("ALTER TABLE item ALTER COLUMN assigned DROP NOT NULL")
        op.execute("ALTER TABLE item ALTER COLUMN due DROP NOT NULL")
        op.execute('ALTER TABLE item ADD COLUMN remarks VARCHAR COLLATE "C"')
    op.execute("UPDATE ducha_meta SET value = '7' WHERE key = 'schema_version'")
