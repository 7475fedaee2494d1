"""Schema version 1: the ledger as the first duchá release created it.

Revision ID: 0001
Revises:
The statements are the DDL that release's `create_all` emitted on SQLite, frozen here so that a
version-1 ledger can be rebuilt exactly (tests migrate one).  Ledgers made by that release have
these tables but no alembic_version table; duchá.storage.migrate stamps them "0001" before
upgrading.
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DDL = (
    (
        'CREATE TABLE ducha_meta ( "key" VARCHAR NOT NULL, value VARCHAR NOT NULL, '
        'PRIMARY KEY ("key") )'
    ),
    (
        'CREATE TABLE unit ( id INTEGER NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT'
        ' NULL, kind VARCHAR NOT NULL, parent_id INTEGER, created_at VARCHAR(32) NOT '
        'NULL, PRIMARY KEY (id), UNIQUE (code), UNIQUE (name), FOREIGN KEY(parent_id) '
        'REFERENCES unit (id) )'
    ),
    (
        'CREATE TABLE setting ( "key" VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY '
        'KEY ("key") )'
    ),
    (
        'CREATE TABLE calendar_override ( day DATE NOT NULL, workday BOOLEAN NOT NULL, '
        'note VARCHAR, PRIMARY KEY (day) )'
    ),
    (
        'CREATE TABLE event ( id INTEGER NOT NULL, at VARCHAR(32) NOT NULL, "on" DATE, '
        'actor VARCHAR NOT NULL, action VARCHAR NOT NULL, subject_table VARCHAR NOT NULL,'
        ' subject VARCHAR NOT NULL, "before" VARCHAR, "after" VARCHAR, prev_hash VARCHAR,'
        ' hash VARCHAR, PRIMARY KEY (id) )'
    ),
    (
        'CREATE INDEX ix_event_at ON event (at)'
    ),
    (
        'CREATE INDEX ix_event_subject ON event (subject_table, subject)'
    ),
    (
        'CREATE TABLE quota ( year INTEGER NOT NULL, max_count INTEGER, reduction FLOAT, '
        'baseline INTEGER, PRIMARY KEY (year) )'
    ),
    (
        'CREATE TABLE extension ( id INTEGER NOT NULL, subject_table VARCHAR(16) NOT '
        'NULL, subject_id INTEGER NOT NULL, requested_on DATE NOT NULL, old_due DATE, '
        'to_date DATE NOT NULL, reason VARCHAR NOT NULL, status VARCHAR NOT NULL, '
        'decided_by VARCHAR, decided_on DATE, created_at VARCHAR(32) NOT NULL, PRIMARY '
        'KEY (id) )'
    ),
    (
        'CREATE INDEX ix_extension_subject ON extension (subject_table, subject_id)'
    ),
    (
        'CREATE TABLE accountability ( id INTEGER NOT NULL, subject_table VARCHAR(16) NOT'
        ' NULL, subject_id INTEGER NOT NULL, who VARCHAR NOT NULL, measure VARCHAR NOT '
        'NULL, basis VARCHAR NOT NULL, "on" DATE NOT NULL, created_at VARCHAR(32) NOT '
        'NULL, PRIMARY KEY (id) )'
    ),
    (
        'CREATE INDEX ix_accountability_subject ON accountability (subject_table, '
        'subject_id)'
    ),
    (
        'CREATE TABLE item ( id INTEGER NOT NULL, number VARCHAR NOT NULL, year INTEGER '
        'NOT NULL, seq INTEGER NOT NULL, title VARCHAR NOT NULL, category VARCHAR NOT '
        'NULL, source VARCHAR, leader VARCHAR, lead_unit_id INTEGER NOT NULL, assigned '
        'DATE NOT NULL, due DATE NOT NULL, status VARCHAR NOT NULL, closed_on DATE, '
        'cancel_reason VARCHAR, created_at VARCHAR(32) NOT NULL, PRIMARY KEY (id), UNIQUE'
        ' (year, seq), UNIQUE (number), FOREIGN KEY(lead_unit_id) REFERENCES unit (id) )'
    ),
    (
        'CREATE INDEX ix_item_status_due ON item (status, due)'
    ),
    (
        'CREATE INDEX ix_item_lead ON item (lead_unit_id, status)'
    ),
    (
        'CREATE INDEX ix_item_seq ON item (seq)'
    ),
    (
        'CREATE TABLE plan_entry ( id INTEGER NOT NULL, number VARCHAR NOT NULL, year '
        'INTEGER NOT NULL, seq INTEGER NOT NULL, organizer_id INTEGER NOT NULL, title '
        'VARCHAR NOT NULL, kind VARCHAR NOT NULL, method VARCHAR, start DATE, "end" DATE,'
        ' planned BOOLEAN NOT NULL, approver VARCHAR, approved_on DATE, approval_ref '
        'VARCHAR, status VARCHAR NOT NULL, cancel_reason VARCHAR, created_at VARCHAR(32) '
        'NOT NULL, PRIMARY KEY (id), UNIQUE (year, seq), UNIQUE (number), FOREIGN '
        'KEY(organizer_id) REFERENCES unit (id) )'
    ),
    (
        'CREATE INDEX ix_plan_year_status ON plan_entry (year, status)'
    ),
    (
        'CREATE INDEX ix_plan_organizer ON plan_entry (organizer_id, year)'
    ),
    (
        'CREATE TABLE item_unit ( item_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, '
        'PRIMARY KEY (item_id, unit_id), FOREIGN KEY(item_id) REFERENCES item (id) ON '
        'DELETE CASCADE, FOREIGN KEY(unit_id) REFERENCES unit (id) )'
    ),
    (
        'CREATE INDEX ix_item_unit_unit ON item_unit (unit_id)'
    ),
    (
        'CREATE TABLE progress ( id INTEGER NOT NULL, item_id INTEGER NOT NULL, "on" DATE'
        ' NOT NULL, text VARCHAR NOT NULL, percent INTEGER, created_at VARCHAR(32) NOT '
        'NULL, PRIMARY KEY (id), FOREIGN KEY(item_id) REFERENCES item (id) ON DELETE '
        'CASCADE )'
    ),
    (
        'CREATE INDEX ix_progress_item_on ON progress (item_id, "on")'
    ),
    (
        'CREATE TABLE plan_target ( plan_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, '
        'PRIMARY KEY (plan_id, unit_id), FOREIGN KEY(plan_id) REFERENCES plan_entry (id) '
        'ON DELETE CASCADE, FOREIGN KEY(unit_id) REFERENCES unit (id) )'
    ),
    (
        'CREATE INDEX ix_plan_target_unit ON plan_target (unit_id)'
    ),
    (
        'CREATE TABLE inspection ( id INTEGER NOT NULL, number VARCHAR NOT NULL, year '
        'INTEGER NOT NULL, seq INTEGER NOT NULL, plan_id INTEGER, lead_id INTEGER NOT '
        'NULL, method VARCHAR NOT NULL, topic VARCHAR NOT NULL, start DATE NOT NULL, '
        '"end" DATE, finished_on DATE, report_summary VARCHAR, report_approved_by '
        'VARCHAR, report_approved_on DATE, report_circulated_on DATE, approver VARCHAR, '
        'approved_on DATE, approval_ref VARCHAR, created_at VARCHAR(32) NOT NULL, PRIMARY'
        ' KEY (id), UNIQUE (year, seq), UNIQUE (number), FOREIGN KEY(plan_id) REFERENCES '
        'plan_entry (id), FOREIGN KEY(lead_id) REFERENCES unit (id) )'
    ),
    (
        'CREATE INDEX ix_inspection_start ON inspection (start)'
    ),
    (
        'CREATE INDEX ix_inspection_plan ON inspection (plan_id)'
    ),
    (
        'CREATE INDEX ix_inspection_lead ON inspection (lead_id)'
    ),
    (
        'CREATE TABLE inspection_member ( inspection_id INTEGER NOT NULL, unit_id INTEGER'
        ' NOT NULL, PRIMARY KEY (inspection_id, unit_id), FOREIGN KEY(inspection_id) '
        'REFERENCES inspection (id) ON DELETE CASCADE, FOREIGN KEY(unit_id) REFERENCES '
        'unit (id) )'
    ),
    (
        'CREATE TABLE inspection_target ( inspection_id INTEGER NOT NULL, unit_id INTEGER'
        ' NOT NULL, PRIMARY KEY (inspection_id, unit_id), FOREIGN KEY(inspection_id) '
        'REFERENCES inspection (id) ON DELETE CASCADE, FOREIGN KEY(unit_id) REFERENCES '
        'unit (id) )'
    ),
    (
        'CREATE INDEX ix_inspection_target_unit ON inspection_target (unit_id)'
    ),
    (
        'CREATE TABLE inspection_item ( inspection_id INTEGER NOT NULL, item_id INTEGER '
        'NOT NULL, PRIMARY KEY (inspection_id, item_id), FOREIGN KEY(inspection_id) '
        'REFERENCES inspection (id) ON DELETE CASCADE, FOREIGN KEY(item_id) REFERENCES '
        'item (id) )'
    ),
    (
        'CREATE INDEX ix_inspection_item_item ON inspection_item (item_id)'
    ),
    (
        'CREATE TABLE finding ( id INTEGER NOT NULL, number VARCHAR NOT NULL, year '
        'INTEGER NOT NULL, seq INTEGER NOT NULL, unit_id INTEGER NOT NULL, inspection_id '
        'INTEGER, item_id INTEGER, description VARCHAR NOT NULL, severity VARCHAR NOT '
        'NULL, mode VARCHAR NOT NULL, found_on DATE NOT NULL, due DATE, status VARCHAR '
        'NOT NULL, plan_text VARCHAR, plan_on DATE, rectified_on DATE, evidence VARCHAR, '
        'verified_on DATE, verified_by VARCHAR, lookback_due DATE, lookback_on DATE, '
        'lookback_result VARCHAR, created_at VARCHAR(32) NOT NULL, PRIMARY KEY (id), '
        'UNIQUE (year, seq), UNIQUE (number), FOREIGN KEY(unit_id) REFERENCES unit (id), '
        'FOREIGN KEY(inspection_id) REFERENCES inspection (id), FOREIGN KEY(item_id) '
        'REFERENCES item (id) )'
    ),
    (
        'CREATE INDEX ix_finding_inspection ON finding (inspection_id)'
    ),
    (
        'CREATE INDEX ix_finding_status_due ON finding (status, due)'
    ),
    (
        'CREATE INDEX ix_finding_unit ON finding (unit_id, status)'
    ),
    (
        'CREATE INDEX ix_finding_item ON finding (item_id)'
    ),
    (
        'CREATE INDEX ix_finding_lookback ON finding (status, lookback_due)'
    ),
)


def upgrade() -> None:
    for statement in DDL:
        op.execute(statement)
    op.execute("INSERT INTO ducha_meta (key, value) VALUES ('application_id', 'duchá ledger')")
    op.execute("INSERT INTO ducha_meta (key, value) VALUES ('schema_version', '1')")
