"""Schema version 4: CHECK constraints, so the database refuses an impossible row.

Revision ID: 0004
Revises: 0003
Statuses and other coded values must be one of their vocabulary's codes, a percent lies in
0..100, a due date is not before the start, and dates that go with a status are there exactly
when it is (issue 11).  The constraints are copied from duchá.models.CHECKS as they were when
this step was written, not read from there: a code added to vocab.py later is a new schema
version with its own step, and this one keeps producing schema 4.

Rows that break a constraint stop the migration with a message naming them (nothing is
written).  PostgreSQL adds constraints in place.  SQLite cannot, so each table is rebuilt: the
old one is renamed aside, the new one created from its old text with the constraints appended
(where a fresh ledger's create_all puts them, so both schemas read the same), the rows copied,
the old table dropped and its indexes created again.  duchá.storage.migrate runs SQLite steps with
foreign keys off (checked before commit), so dropping a table others reference neither
cascades nor fails; legacy_alter_table keeps the rename from rewriting those references.
The event table, with its append-only triggers, is not touched.
"""

from __future__ import annotations

from alembic import op

from duchá.errors import LedgerUnusable
from duchá.storage.migrations.rebuild import legacy_alter, rebuild_sqlite

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CATEGORY = ("'policy', 'decision', 'meeting', 'target', 'proposal', 'instruction', 'visit', "
             "'assigned'")
_METHOD = "'self-check', 'written', 'on-site', 'third-party', 'unannounced'"

CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "unit": (("ck_unit_kind", "kind IN ('county', 'department', 'agency', 'other')"),),
    "item": (
        ("ck_item_category", f"category IN ({_CATEGORY})"),
        ("ck_item_status", "status IN ('open', 'done', 'cancelled')"),
        ("ck_item_due", "due IS NULL OR due >= assigned"),
        ("ck_item_closed_on", "(status = 'done') = (closed_on IS NOT NULL)"),
    ),
    "progress": (("ck_progress_percent", "percent IS NULL OR percent BETWEEN 0 AND 100"),),
    "plan_entry": (
        ("ck_plan_entry_kind",
         "kind IN ('comprehensive', 'special', 'assessment', 'evaluation', 'other')"),
        ("ck_plan_entry_method", f"method IS NULL OR method IN ({_METHOD})"),
        ("ck_plan_entry_status", "status IN ('planned', 'done', 'cancelled')"),
        ("ck_plan_entry_window", 'start IS NULL OR "end" IS NULL OR "end" >= start'),
    ),
    "inspection": (
        ("ck_inspection_method", f"method IN ({_METHOD})"),
        ("ck_inspection_end", '"end" IS NULL OR "end" >= start'),
    ),
    "finding": (
        ("ck_finding_severity", "severity IN ('general', 'serious')"),
        ("ck_finding_mode", "mode IN ('immediate', 'deadline', 'long-term')"),
        ("ck_finding_status",
         "status IN ('open', 'rectifying', 'rectified', 'verified', 'reopened')"),
        ("ck_finding_due", "due IS NULL OR due >= found_on"),
        ("ck_finding_rectified_on", "status <> 'rectified' OR rectified_on IS NOT NULL"),
        ("ck_finding_verified_on", "status <> 'verified' OR verified_on IS NOT NULL"),
    ),
    "extension": (
        ("ck_extension_subject", "subject_table IN ('item', 'finding')"),
        ("ck_extension_status", "status IN ('pending', 'approved', 'rejected')"),
        ("ck_extension_later", "old_due IS NULL OR to_date > old_due"),
        ("ck_extension_decided_by", "(status = 'pending') = (decided_by IS NULL)"),
        ("ck_extension_decided_on", "(status = 'pending') = (decided_on IS NULL)"),
        ("ck_extension_decided_after", "decided_on IS NULL OR decided_on >= requested_on"),
    ),
    "accountability": (
        ("ck_accountability_subject", "subject_table IN ('item', 'finding')"),
    ),
}

# The readable name of a row in the message about rows that break a constraint.
_LABEL = {"item": "number", "plan_entry": "number", "inspection": "number",
          "finding": "number", "unit": "code"}


def _refuse_broken_rows() -> None:
    conn = op.get_bind()
    broken = []
    for table, checks in CHECKS.items():
        label = _LABEL.get(table, "id")
        for _name, condition in checks:
            # NOT (NULL) is NULL, not true: a row the CHECK lets through is not listed here.
            rows = conn.exec_driver_sql(
                f"SELECT {label} FROM {table} WHERE NOT ({condition}) ORDER BY id").fetchall()
            if rows:
                shown = ", ".join(str(r[0]) for r in rows[:3]) + (", ..." if len(rows) > 3 else "")
                broken.append(f"{table} {shown} ({condition})")
    if broken:
        raise LedgerUnusable(
            "the ledger holds rows that schema 4 refuses: " + "; ".join(broken) +
            "; correct them with the duchá that wrote them (or in SQL), then open it again")


def _rebuild_sqlite(table: str, checks: tuple[tuple[str, str], ...]) -> None:
    conn = op.get_bind()
    old_sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    body = old_sql.rstrip().removesuffix(")").rstrip()
    added = "".join(f", \n\tCONSTRAINT {name} CHECK ({condition})" for name, condition in checks)
    rebuild_sqlite(conn, table, f"{body}{added}\n)")


def upgrade() -> None:
    _refuse_broken_rows()
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        with legacy_alter(conn):
            for table, checks in CHECKS.items():
                _rebuild_sqlite(table, checks)
    else:
        for table, checks in CHECKS.items():
            for name, condition in checks:
                op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition})")
    op.execute("UPDATE ducha_meta SET value = '4' WHERE key = 'schema_version'")
