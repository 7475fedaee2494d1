"""Schema version 5: extension and accountability rows keep their subject.

Revision ID: 0005
Revises: 0004
Their subject is an item or a finding, named by (subject_table, subject_id); a foreign key can
point at one table only, so triggers stand in for it (issue 11): a row naming no existing
subject is refused, and an item or finding that rows still name cannot be deleted or take
another id.  The statements are copied from duchá.models.SUBJECT_GUARD as they were when this
step was written.  Rows that already name a missing subject stop the migration, named.
"""

from __future__ import annotations

from alembic import op

from duchá.errors import LedgerUnusable

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GUARD = {
    "sqlite": (
        'CREATE TRIGGER extension_subject_insert BEFORE INSERT ON extension WHEN NOT '
        "EXISTS (SELECT 1 FROM item WHERE NEW.subject_table = 'item' AND id = "
        'NEW.subject_id) AND NOT EXISTS (SELECT 1 FROM finding WHERE NEW.subject_table '
        "= 'finding' AND id = NEW.subject_id) BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY "
        "constraint failed: extension names no such item or finding'); END",
        'CREATE TRIGGER extension_subject_update BEFORE UPDATE OF subject_table, '
        'subject_id ON extension WHEN NOT EXISTS (SELECT 1 FROM item WHERE '
        "NEW.subject_table = 'item' AND id = NEW.subject_id) AND NOT EXISTS (SELECT 1 "
        "FROM finding WHERE NEW.subject_table = 'finding' AND id = NEW.subject_id) "
        "BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: extension names no "
        "such item or finding'); END",
        'CREATE TRIGGER accountability_subject_insert BEFORE INSERT ON accountability '
        "WHEN NOT EXISTS (SELECT 1 FROM item WHERE NEW.subject_table = 'item' AND id = "
        'NEW.subject_id) AND NOT EXISTS (SELECT 1 FROM finding WHERE NEW.subject_table '
        "= 'finding' AND id = NEW.subject_id) BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY "
        "constraint failed: accountability names no such item or finding'); END",
        'CREATE TRIGGER accountability_subject_update BEFORE UPDATE OF subject_table, '
        'subject_id ON accountability WHEN NOT EXISTS (SELECT 1 FROM item WHERE '
        "NEW.subject_table = 'item' AND id = NEW.subject_id) AND NOT EXISTS (SELECT 1 "
        "FROM finding WHERE NEW.subject_table = 'finding' AND id = NEW.subject_id) "
        "BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: accountability names "
        "no such item or finding'); END",
        'CREATE TRIGGER item_subject_delete BEFORE DELETE ON item WHEN EXISTS (SELECT 1 '
        "FROM extension WHERE subject_table = 'item' AND subject_id = OLD.id) OR EXISTS "
        "(SELECT 1 FROM accountability WHERE subject_table = 'item' AND subject_id = "
        "OLD.id) BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: the item has "
        "extensions or accountability'); END",
        'CREATE TRIGGER item_subject_rekey BEFORE UPDATE OF id ON item WHEN NEW.id <> '
        "OLD.id AND (EXISTS (SELECT 1 FROM extension WHERE subject_table = 'item' AND "
        'subject_id = OLD.id) OR EXISTS (SELECT 1 FROM accountability WHERE '
        "subject_table = 'item' AND subject_id = OLD.id)) BEGIN SELECT RAISE(ABORT, "
        "'FOREIGN KEY constraint failed: the item has extensions or accountability'); "
        'END',
        'CREATE TRIGGER finding_subject_delete BEFORE DELETE ON finding WHEN EXISTS '
        "(SELECT 1 FROM extension WHERE subject_table = 'finding' AND subject_id = "
        'OLD.id) OR EXISTS (SELECT 1 FROM accountability WHERE subject_table = '
        "'finding' AND subject_id = OLD.id) BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY "
        "constraint failed: the finding has extensions or accountability'); END",
        'CREATE TRIGGER finding_subject_rekey BEFORE UPDATE OF id ON finding WHEN '
        'NEW.id <> OLD.id AND (EXISTS (SELECT 1 FROM extension WHERE subject_table = '
        "'finding' AND subject_id = OLD.id) OR EXISTS (SELECT 1 FROM accountability "
        "WHERE subject_table = 'finding' AND subject_id = OLD.id)) BEGIN SELECT "
        "RAISE(ABORT, 'FOREIGN KEY constraint failed: the finding has extensions or "
        "accountability'); END",
    ),
    "postgresql": (
        'CREATE FUNCTION ducha_subject_exists() RETURNS trigger LANGUAGE plpgsql AS $$ '
        "BEGIN IF NOT ((NEW.subject_table = 'item' AND EXISTS (SELECT 1 FROM item WHERE "
        "id = NEW.subject_id)) OR (NEW.subject_table = 'finding' AND EXISTS (SELECT 1 "
        'FROM finding WHERE id = NEW.subject_id))) THEN RAISE foreign_key_violation '
        "USING MESSAGE = TG_TABLE_NAME || ' names no such item or finding'; END IF; "
        'RETURN NEW; END $$',
        'CREATE FUNCTION ducha_subject_kept() RETURNS trigger LANGUAGE plpgsql AS $$ '
        "BEGIN IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id) AND (EXISTS (SELECT 1 FROM "
        'extension WHERE subject_table = TG_TABLE_NAME AND subject_id = OLD.id) OR '
        'EXISTS (SELECT 1 FROM accountability WHERE subject_table = TG_TABLE_NAME AND '
        "subject_id = OLD.id)) THEN RAISE foreign_key_violation USING MESSAGE = 'the ' "
        "|| TG_TABLE_NAME || ' has extensions or accountability'; END IF; IF TG_OP = "
        "'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
        'CREATE TRIGGER extension_subject BEFORE INSERT OR UPDATE OF subject_table, '
        'subject_id ON extension FOR EACH ROW EXECUTE FUNCTION ducha_subject_exists()',
        'CREATE TRIGGER accountability_subject BEFORE INSERT OR UPDATE OF '
        'subject_table, subject_id ON accountability FOR EACH ROW EXECUTE FUNCTION '
        'ducha_subject_exists()',
        'CREATE TRIGGER item_subject_kept BEFORE DELETE OR UPDATE OF id ON item FOR '
        'EACH ROW EXECUTE FUNCTION ducha_subject_kept()',
        'CREATE TRIGGER finding_subject_kept BEFORE DELETE OR UPDATE OF id ON finding '
        'FOR EACH ROW EXECUTE FUNCTION ducha_subject_kept()',
    ),
}


def upgrade() -> None:
    conn = op.get_bind()
    for child in ("extension", "accountability"):
        orphan = conn.exec_driver_sql(
            f"SELECT id, subject_table, subject_id FROM {child} c WHERE NOT EXISTS "
            "(SELECT 1 FROM item WHERE c.subject_table = 'item' AND item.id = c.subject_id) "
            "AND NOT EXISTS (SELECT 1 FROM finding WHERE c.subject_table = 'finding' "
            "AND finding.id = c.subject_id) ORDER BY id").first()
        if orphan is not None:
            raise LedgerUnusable(f"cannot migrate: {child} row {orphan[0]} names "
                                 f"{orphan[1]} id {orphan[2]}, which does not exist")
    for statement in GUARD.get(conn.dialect.name, ()):
        conn.exec_driver_sql(statement)
    op.execute("UPDATE ducha_meta SET value = '5' WHERE key = 'schema_version'")
