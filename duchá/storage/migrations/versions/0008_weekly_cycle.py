"""Schema version 8: the weekly cycle with the units (issue 14).

Revision ID: 0008
Revises: 0007
Five new tables, empty on an existing ledger, so no row changes and the history still
verifies: the rounds of feedback forms (form_round), each unit's form in a round (form_sheet),
the units' answers on the records of their forms (feedback), the numbered 催办 and 督办 notices
(reminder) and the records each notice names at their step (reminder_line).

The DDL is written out here, as a fresh ledger's create_all writes it from models.py on each
dialect (the id column, and text compared byte by byte on PostgreSQL), not read from there:
this step keeps producing schema 8 whatever models.py says later.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = (
    "CREATE TABLE form_round (id {ID} NOT NULL, number {TEXT} NOT NULL, year INTEGER NOT NULL, "
    "seq INTEGER NOT NULL, issued_on DATE NOT NULL, due DATE NOT NULL, PRIMARY KEY (id), "
    "UNIQUE (year, seq), UNIQUE (number), "
    "CONSTRAINT ck_form_round_due CHECK (due >= issued_on))",
    "CREATE TABLE form_sheet (id {ID} NOT NULL, number {TEXT} NOT NULL, "
    "round_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, records {TEXT} NOT NULL, "
    "returned_on DATE, PRIMARY KEY (id), UNIQUE (round_id, unit_id), UNIQUE (number), "
    "FOREIGN KEY(round_id) REFERENCES form_round (id), "
    "FOREIGN KEY(unit_id) REFERENCES unit (id))",
    "CREATE INDEX ix_form_sheet_unit ON form_sheet (unit_id)",
    "CREATE TABLE reminder (id {ID} NOT NULL, number {TEXT} NOT NULL, year INTEGER NOT NULL, "
    "seq INTEGER NOT NULL, unit_id INTEGER NOT NULL, issued_on DATE NOT NULL, "
    "kind {TEXT} NOT NULL, reply_by DATE, PRIMARY KEY (id), UNIQUE (year, seq), "
    "UNIQUE (number), FOREIGN KEY(unit_id) REFERENCES unit (id), "
    "CONSTRAINT ck_reminder_kind CHECK (kind IN ('urge', 'supervise')), "
    "CONSTRAINT ck_reminder_reply_by CHECK ((kind = 'supervise') = (reply_by IS NOT NULL)))",
    "CREATE INDEX ix_reminder_unit ON reminder (unit_id)",
    "CREATE TABLE feedback (id {ID} NOT NULL, sheet_id INTEGER NOT NULL, item_id INTEGER, "
    'finding_id INTEGER, "on" DATE NOT NULL, progress {TEXT}, percent INTEGER, '
    "claim BOOLEAN NOT NULL, done_on DATE, evidence {TEXT}, coordination {TEXT}, "
    "PRIMARY KEY (id), FOREIGN KEY(sheet_id) REFERENCES form_sheet (id), "
    "FOREIGN KEY(item_id) REFERENCES item (id), "
    "FOREIGN KEY(finding_id) REFERENCES finding (id), "
    "CONSTRAINT ck_feedback_subject CHECK ((item_id IS NULL) <> (finding_id IS NULL)), "
    "CONSTRAINT ck_feedback_percent CHECK (percent IS NULL OR percent BETWEEN 0 AND 100), "
    "CONSTRAINT ck_feedback_claim CHECK (claim OR done_on IS NULL))",
    "CREATE INDEX ix_feedback_finding ON feedback (finding_id)",
    "CREATE INDEX ix_feedback_item ON feedback (item_id)",
    "CREATE INDEX ix_feedback_sheet ON feedback (sheet_id)",
    "CREATE TABLE reminder_line (id {ID} NOT NULL, reminder_id INTEGER NOT NULL, "
    "item_id INTEGER, finding_id INTEGER, level {TEXT} NOT NULL, PRIMARY KEY (id), "
    "FOREIGN KEY(reminder_id) REFERENCES reminder (id), "
    "FOREIGN KEY(item_id) REFERENCES item (id), "
    "FOREIGN KEY(finding_id) REFERENCES finding (id), "
    "CONSTRAINT ck_reminder_line_subject CHECK ((item_id IS NULL) <> (finding_id IS NULL)), "
    "CONSTRAINT ck_reminder_line_level CHECK (level IN ('urge', 'supervise', 'circulate')))",
    "CREATE INDEX ix_reminder_line_finding ON reminder_line (finding_id)",
    "CREATE INDEX ix_reminder_line_item ON reminder_line (item_id)",
    "CREATE INDEX ix_reminder_line_notice ON reminder_line (reminder_id)",
)
TYPES = {
    "sqlite": {"ID": "INTEGER", "TEXT": "VARCHAR"},
    "postgresql": {"ID": "SERIAL", "TEXT": 'VARCHAR COLLATE "C"'},
}


def upgrade() -> None:
    conn = op.get_bind()
    types = TYPES.get(conn.dialect.name, TYPES["sqlite"])
    for statement in TABLES:
        op.execute(statement.format(**types))
    op.execute("UPDATE ducha_meta SET value = '8' WHERE key = 'schema_version'")
