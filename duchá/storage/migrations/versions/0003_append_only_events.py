"""Schema version 3: the event table refuses UPDATE and DELETE; records lose created_at.

Revision ID: 0003
Revises: 0002
Triggers make the history append-only in the database itself (issue 10.8); the statements are
repeated from duchá.models.EVENT_GUARD so that this step keeps meaning what it meant when it
was written.  created_at was read by nothing and covered by no snapshot, so it could be changed
behind duchá's back unnoticed: the record's add event already says when it was created, under
the hash chain, so the column is dropped rather than covered.  (SQLite drops a column natively
from 3.35 on.)
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STAMPED = ("unit", "item", "progress", "plan_entry", "inspection", "finding", "extension",
           "accountability")

GUARD = {
    "sqlite": (
        "CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, "
        "'the history is append-only: an event cannot be changed'); END",
        "CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT RAISE(ABORT, "
        "'the history is append-only: an event cannot be deleted'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION ducha_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the history is append-only: an event cannot be changed or "
        "deleted'; END $$",
        "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON event "
        "FOR EACH STATEMENT EXECUTE FUNCTION ducha_event_append_only()",
    ),
}


def upgrade() -> None:
    conn = op.get_bind()
    for table in STAMPED:
        # Plain ALTER TABLE (not a batch copy): on SQLite a copy would drop and recreate tables
        # that others reference while foreign keys are enforced.
        op.execute(f"ALTER TABLE {table} DROP COLUMN created_at")
    for statement in GUARD.get(conn.dialect.name, ()):
        conn.exec_driver_sql(statement)
    op.execute("UPDATE ducha_meta SET value = '3' WHERE key = 'schema_version'")
