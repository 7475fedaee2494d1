"""Schema version 9: indexes that cost every write no more than the queries need (issue 15).

Revision ID: 0009
Revises: 0008
ix_event_at goes: no query reads events by their timestamp (`duchá log` and the dated reports
read `on` and the id), and every event written kept it up to date.  A finding's inspection,
item and 回头看 deadline are empty on most rows, and every query that reads these indexes
compares the column with a value, which no empty cell matches: the three indexes keep only
the rows that have one (partial indexes, read by such queries on SQLite and PostgreSQL alike).

The DDL is written out here, as a fresh ledger's create_all writes it from models.py, not read
from there: this step keeps producing schema 9 whatever models.py says later.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PARTIAL = (
    ("ix_finding_inspection", "inspection_id", "inspection_id"),
    ("ix_finding_item", "item_id", "item_id"),
    ("ix_finding_lookback", "status, lookback_due", "lookback_due"),
)


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_event_at")
    for name, columns, kept in PARTIAL:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON finding ({columns}) WHERE {kept} IS NOT NULL")
    op.execute("UPDATE ducha_meta SET value = '9' WHERE key = 'schema_version'")
