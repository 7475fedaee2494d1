"""Schema version 6: a unit's short name (简称), what Chinese output names it by (issue 12).

Revision ID: 0006
Revises: 0005
The column is nullable and starts empty on every existing unit: an empty short name is derived
from the full name when shown (平凉市崆峒区人民政府 -> 崆峒区), so no row changes and the history
still verifies (a field missing from an older event counts as null).  Short names given with
`unit add/edit --short` are unique (the index; NULLs do not collide).

SQLite's ADD COLUMN puts the column after the last one, before the table's constraints, which
is where a fresh ledger's create_all puts it (models.Unit declares it last), so a migrated and
a fresh schema read the same.  The DDL is written out here, not read from models.py, so this
step keeps producing schema 6.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMN = "short_name VARCHAR"
INDEX = "CREATE UNIQUE INDEX ix_unit_short_name ON unit (short_name)"


def upgrade() -> None:
    conn = op.get_bind()
    # PostgreSQL: text compares byte by byte, as models._bytewise_text_on_servers declares.
    column = COLUMN if conn.dialect.name == "sqlite" else 'short_name VARCHAR COLLATE "C"'
    op.execute(f"ALTER TABLE unit ADD COLUMN {column}")
    op.execute(INDEX)
    op.execute("UPDATE ducha_meta SET value = '6' WHERE key = 'schema_version'")
