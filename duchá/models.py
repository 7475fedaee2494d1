"""The ledger's tables.  No I/O here: engines and sessions live in db.py.

Enumerated values are stored as their English codes (plain strings) so that the SQLite file
reads well in any tool; the allowed codes and their Chinese names are in vocab.py.
Timestamps are stored as UTC ISO-8601 text (see UTCText) and dates as SQLite DATE.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, Index, String, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from duchá import vocab
from duchá.schema import SCHEMA_VERSION as SCHEMA_VERSION  # this schema's version (issue 6)


class UTCText(TypeDecorator[datetime]):
    """An aware UTC datetime stored as ISO text.

    SQLite has no time zones and SQLModel refuses naive datetimes at flush, so timestamps are
    normalised to UTC on the way in and come back aware on the way out.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: timestamps must carry a time zone")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCText)


class Meta(SQLModel, table=True):
    """Key/value facts about the ledger itself: application id and schema version."""

    __tablename__ = "ducha_meta"
    key: str = Field(primary_key=True)
    value: str


class Unit(SQLModel, table=True):
    """单位.  `short_name` (简称, 住建局) is what Chinese output names the unit by; when it is
    empty, one is derived from the full name (services.units.derive_short_name)."""

    __tablename__ = "unit"
    # Schema 6 added short_name (migration 0006 appends it to an existing table, so it is
    # declared last here too) and its unique index.
    __table_args__ = (Index("ix_unit_short_name", "short_name", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str = Field(unique=True)
    kind: str = "other"
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
    short_name: str | None = None


class Item(SQLModel, table=True):
    """督办事项: a task under supervision."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_item_status_due", "status", "due"),
        Index("ix_item_lead", "lead_unit_id", "status"),
        Index("ix_item_seq", "seq"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    seq: int
    title: str
    category: str
    source: str | None = None
    leader: str | None = None
    lead_unit_id: int = Field(foreign_key="unit.id")
    # Schema 7: unknown (a blank 交办时间 in an imported 台账) and long-term (长期: no due).
    assigned: date | None = None
    due: date | None = None
    status: str = vocab.ITEM_NEW
    closed_on: date | None = None
    cancel_reason: str | None = None
    remarks: str | None = None  # 备注, schema 7


class ItemUnit(SQLModel, table=True):
    """责任单位: the other units that share an item's work."""

    __tablename__ = "item_unit"
    __table_args__ = (Index("ix_item_unit_unit", "unit_id"),)
    item_id: int = Field(foreign_key="item.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class Progress(SQLModel, table=True):
    """进展动态: a dated progress note on an item."""

    __tablename__ = "progress"
    __table_args__ = (Index("ix_progress_item_on", "item_id", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", ondelete="CASCADE")
    on: date
    text: str
    percent: int | None = None


class Setting(SQLModel, table=True):
    """A threshold changed from its default; value is JSON text."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class CalendarOverride(SQLModel, table=True):
    """A local correction to the statutory working-day calendar."""

    __tablename__ = "calendar_override"
    day: date = Field(primary_key=True)
    workday: bool
    note: str | None = None


class Event(SQLModel, table=True):
    """One change to the ledger.  Append-only (the database refuses UPDATE and DELETE, see
    EVENT_GUARD); hash-chained (prev_hash, hash)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_subject", "subject_table", "subject"),
        Index("ix_event_on", "on"),  # schema 2: `duchá log --since` and dated reports
        # (no index on `at` since schema 9: no query reads events by their timestamp)
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    on: date | None = None
    actor: str
    action: str
    subject_table: str
    subject: str
    before: str | None = None
    after: str | None = None
    prev_hash: str | None = None
    hash: str | None = None


# Schema 3: the database itself refuses to change or delete an event, so a slip in an SQL
# shell cannot rewrite the history, and whoever means to must drop these first (which verify
# --head against a noted head still catches).  Restore copies whole pages, so no trigger
# fires; a later migration that must rewrite events drops them and creates them again in its
# own step.  Created with the table (fresh ledgers) and by migration 0003 (older ones): the
# texts must stay identical to that step's, as a migrated ledger must equal a fresh one.
EVENT_GUARD: dict[str, tuple[str, ...]] = {
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


def _guard_events() -> None:
    from sqlalchemy import DDL, event

    for dialect, statements in EVENT_GUARD.items():
        for statement in statements:
            # A literal "%" would be read as a parameter marker by DDL: there is none here.
            event.listen(Event.__table__, "after_create",  # type: ignore[attr-defined]
                         DDL(statement).execute_if(dialect=dialect))


_guard_events()


class PlanEntry(SQLModel, table=True):
    """年度督查计划: one activity in a year's inspection plan."""

    __tablename__ = "plan_entry"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_plan_year_status", "year", "status"),
        Index("ix_plan_organizer", "organizer_id", "year"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    seq: int
    organizer_id: int = Field(foreign_key="unit.id")
    title: str
    kind: str
    method: str | None = None
    start: date | None = None
    end: date | None = None
    planned: bool = True
    approver: str | None = None
    approved_on: date | None = None
    approval_ref: str | None = None
    status: str = "planned"
    cancel_reason: str | None = None


class PlanTarget(SQLModel, table=True):
    __tablename__ = "plan_target"
    __table_args__ = (Index("ix_plan_target_unit", "unit_id"),)
    plan_id: int = Field(foreign_key="plan_entry.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class Quota(SQLModel, table=True):
    """A year's reduction quota: allowed directly (max_count) or from a reduction ratio."""

    __tablename__ = "quota"
    year: int = Field(primary_key=True)
    max_count: int | None = None
    reduction: float | None = None
    baseline: int | None = None


class Inspection(SQLModel, table=True):
    """督查: an inspection actually carried out, with its report."""

    __tablename__ = "inspection"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_inspection_start", "start"),
        Index("ix_inspection_lead", "lead_id"),
        Index("ix_inspection_plan", "plan_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    seq: int
    plan_id: int | None = Field(default=None, foreign_key="plan_entry.id")
    lead_id: int = Field(foreign_key="unit.id")
    method: str
    topic: str
    start: date
    end: date | None = None
    finished_on: date | None = None
    report_summary: str | None = None
    report_approved_by: str | None = None
    report_approved_on: date | None = None
    report_circulated_on: date | None = None
    approver: str | None = None
    approved_on: date | None = None
    approval_ref: str | None = None


class InspectionMember(SQLModel, table=True):
    """A joint inspection's other organizers (联合督查组)."""

    __tablename__ = "inspection_member"
    inspection_id: int = Field(foreign_key="inspection.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class InspectionTarget(SQLModel, table=True):
    __tablename__ = "inspection_target"
    __table_args__ = (Index("ix_inspection_target_unit", "unit_id"),)
    inspection_id: int = Field(foreign_key="inspection.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class InspectionItem(SQLModel, table=True):
    __tablename__ = "inspection_item"
    __table_args__ = (Index("ix_inspection_item_item", "item_id"),)
    inspection_id: int = Field(foreign_key="inspection.id", primary_key=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", primary_key=True)


def _where_set(name: str, *columns: str) -> Index:
    """An index of the rows whose last column is set (schema 9): for a column empty on most
    rows (a finding's inspection, item, 回头看 deadline) that queries compare with a value,
    which no empty cell matches, so both databases read the partial index for them."""
    kept = text(f"{columns[-1]} IS NOT NULL")
    return Index(name, *columns, sqlite_where=kept, postgresql_where=kept)


class Finding(SQLModel, table=True):
    """发现问题: a problem found at a unit, followed until verified."""

    __tablename__ = "finding"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_finding_status_due", "status", "due"),
        Index("ix_finding_unit", "unit_id", "status"),
        _where_set("ix_finding_inspection", "inspection_id"),
        _where_set("ix_finding_item", "item_id"),
        _where_set("ix_finding_lookback", "status", "lookback_due"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    seq: int
    unit_id: int = Field(foreign_key="unit.id")
    inspection_id: int | None = Field(default=None, foreign_key="inspection.id")
    item_id: int | None = Field(default=None, foreign_key="item.id")
    description: str
    severity: str = "general"
    mode: str
    found_on: date
    due: date | None = None
    status: str = "open"
    plan_text: str | None = None
    plan_on: date | None = None
    rectified_on: date | None = None
    evidence: str | None = None
    verified_on: date | None = None
    verified_by: str | None = None
    lookback_due: date | None = None
    lookback_on: date | None = None
    lookback_result: str | None = None


class Extension(SQLModel, table=True):
    """延期: a request to move an item's or a finding's due date, then its decision."""

    __tablename__ = "extension"
    __table_args__ = (Index("ix_extension_subject", "subject_table", "subject_id"),)
    id: int | None = Field(default=None, primary_key=True)
    subject_table: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: int
    requested_on: date
    old_due: date | None = None
    to_date: date
    reason: str
    status: str = "pending"
    decided_by: str | None = None
    decided_on: date | None = None


class Accountability(SQLModel, table=True):
    """问责: a measure taken against a person or unit over an item or a finding."""

    __tablename__ = "accountability"
    __table_args__ = (Index("ix_accountability_subject", "subject_table", "subject_id"),)
    id: int | None = Field(default=None, primary_key=True)
    subject_table: str = Field(sa_column=Column(String(16), nullable=False))
    subject_id: int
    who: str
    measure: str
    basis: str
    on: date


class FormRound(SQLModel, table=True):
    """反馈轮次: one round of feedback forms sent to the units (`form out`), schema 8."""

    __tablename__ = "form_round"
    __table_args__ = (UniqueConstraint("year", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    seq: int
    issued_on: date
    due: date


class FormSheet(SQLModel, table=True):
    """反馈表: one unit's form in a round, the records it carries (their numbers, `;` between)
    and the day it came back."""

    __tablename__ = "form_sheet"
    __table_args__ = (
        UniqueConstraint("round_id", "unit_id"),
        Index("ix_form_sheet_unit", "unit_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    round_id: int = Field(foreign_key="form_round.id")
    unit_id: int = Field(foreign_key="unit.id")
    records: str
    returned_on: date | None = None


class Feedback(SQLModel, table=True):
    """A unit's answer on one record of its form: progress, a completion claim (申请办结, which
    the office confirms), what needs coordinating (需协调)."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_sheet", "sheet_id"),
        Index("ix_feedback_item", "item_id"),
        Index("ix_feedback_finding", "finding_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="form_sheet.id")
    item_id: int | None = Field(default=None, foreign_key="item.id")
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    on: date
    progress: str | None = None
    percent: int | None = None
    claim: bool = False
    done_on: date | None = None
    evidence: str | None = None
    coordination: str | None = None


class Reminder(SQLModel, table=True):
    """催办通知 or 督办通知: a numbered notice (催办〔2026〕3号) to one unit."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("year", "seq"), Index("ix_reminder_unit", "unit_id"))
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    year: int
    seq: int
    unit_id: int = Field(foreign_key="unit.id")
    issued_on: date
    kind: str
    reply_by: date | None = None


class ReminderLine(SQLModel, table=True):
    """One record in a notice, at its step: 催办, 督办, or put on the 通报 list."""

    __tablename__ = "reminder_line"
    __table_args__ = (
        Index("ix_reminder_line_notice", "reminder_id"),
        Index("ix_reminder_line_item", "item_id"),
        Index("ix_reminder_line_finding", "finding_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id")
    item_id: int | None = Field(default=None, foreign_key="item.id")
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    level: str


def _one_of(column: str, terms: vocab.Vocab | tuple[str, ...]) -> str:
    """`column` is one of the codes, as equalities joined by OR (schema 9): SQLite codes an
    IN list of more than two values inside a CHECK as a temporary table built for every row
    written, and compares equalities in place.  The same rows pass, NULL included."""
    codes = terms.codes if isinstance(terms, vocab.Vocab) else list(terms)
    if any("'" in code for code in codes):  # would need escaping in the DDL text
        raise ValueError(f"a code with a quote cannot go into a CHECK constraint: {codes}")
    return " OR ".join(f"{column} = '{code}'" for code in codes)


# Schema 4: the database itself refuses an impossible row, whoever writes it (an SQL shell, a
# script, a bug).  The services and the importer still check first and say what is wrong; these
# are the last line of defence, and only state what every legal command already guarantees.
# The allowed codes come from vocab.py, so a new code there changes the schema: it needs a
# migration (tests/test_constraints.py says so).  Migration 0004 holds a frozen copy.
# The text is plain SQL that SQLite and PostgreSQL read alike ("end" is a keyword there).
CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "unit": (("ck_unit_kind", _one_of("kind", vocab.UNIT_KIND)),),
    "item": (
        ("ck_item_category", _one_of("category", vocab.CATEGORY)),
        ("ck_item_status", _one_of("status", vocab.ITEM_STATUS)),
        # NULL passes: a long-term item (长期) has no due date.
        ("ck_item_due", "due IS NULL OR due >= assigned"),
        # `close` sets both, `reopen` clears both, `cancel` only runs on an open item.
        ("ck_item_closed_on", "(status = 'done') = (closed_on IS NOT NULL)"),
    ),
    "progress": (("ck_progress_percent", "percent IS NULL OR percent BETWEEN 0 AND 100"),),
    "plan_entry": (
        ("ck_plan_entry_kind", _one_of("kind", vocab.PLAN_KIND)),
        ("ck_plan_entry_method", "method IS NULL OR " + _one_of("method", vocab.METHOD)),
        ("ck_plan_entry_status", _one_of("status", vocab.PLAN_STATUS)),
        ("ck_plan_entry_window", 'start IS NULL OR "end" IS NULL OR "end" >= start'),
    ),
    "inspection": (
        ("ck_inspection_method", _one_of("method", vocab.METHOD)),
        ("ck_inspection_end", '"end" IS NULL OR "end" >= start'),
    ),
    "finding": (
        ("ck_finding_severity", _one_of("severity", vocab.SEVERITY)),
        ("ck_finding_mode", _one_of("mode", vocab.MODE)),
        ("ck_finding_status", _one_of("status", vocab.FINDING_STATUS)),
        ("ck_finding_due", "due IS NULL OR due >= found_on"),
        # Only one way: a reopened finding keeps the dates of the rectification it redoes.
        ("ck_finding_rectified_on", "status <> 'rectified' OR rectified_on IS NOT NULL"),
        ("ck_finding_verified_on", "status <> 'verified' OR verified_on IS NOT NULL"),
    ),
    "extension": (
        ("ck_extension_subject", _one_of("subject_table", ("item", "finding"))),
        ("ck_extension_status", _one_of("status", vocab.EXTENSION_STATUS)),
        ("ck_extension_later", "old_due IS NULL OR to_date > old_due"),
        # Decided once, by someone, on a day: pending is exactly "no decision yet".
        ("ck_extension_decided_by", "(status = 'pending') = (decided_by IS NULL)"),
        ("ck_extension_decided_on", "(status = 'pending') = (decided_on IS NULL)"),
        ("ck_extension_decided_after", "decided_on IS NULL OR decided_on >= requested_on"),
    ),
    "accountability": (
        ("ck_accountability_subject", _one_of("subject_table", ("item", "finding"))),
    ),
    # Schema 8: the weekly cycle (forms and reminders).
    "form_round": (("ck_form_round_due", "due >= issued_on"),),
    "feedback": (
        ("ck_feedback_subject", "(item_id IS NULL) <> (finding_id IS NULL)"),
        ("ck_feedback_percent", "percent IS NULL OR percent BETWEEN 0 AND 100"),
        ("ck_feedback_claim", "claim OR done_on IS NULL"),
    ),
    "reminder": (
        ("ck_reminder_kind", _one_of("kind", vocab.NOTICE)),
        ("ck_reminder_reply_by", "(kind = 'supervise') = (reply_by IS NOT NULL)"),
    ),
    "reminder_line": (
        ("ck_reminder_line_subject", "(item_id IS NULL) <> (finding_id IS NULL)"),
        ("ck_reminder_line_level", _one_of("level", vocab.NOTICE_LEVEL)),
    ),
}


def _check_tables() -> None:
    # Appended after the tables are built rather than listed in __table_args__: SQLAlchemy
    # renders constraints in creation order, so these come last in CREATE TABLE, where
    # migration 0004 puts them on an existing table; a fresh and a migrated ledger then have
    # the same schema text (tests/test_migrations.py compares them).
    for table, checks in CHECKS.items():
        for name, condition in checks:
            SQLModel.metadata.tables[table].append_constraint(
                CheckConstraint(condition, name=name))


_check_tables()


# Schema 5: an extension (延期) or an accountability (问责) row names its subject, an item or a
# finding, by (subject_table, subject_id).  A foreign key can point at one table only, so the
# database keeps this reference with triggers instead: a row whose subject does not exist is
# refused, and an item or finding that still has such rows can be neither deleted nor given
# another id.  The texts are frozen in migration 0005 as well; a fresh and a migrated ledger
# must hold the same (tests/test_migrations.py compares them).
_SUBJECTS = ("item", "finding")
_ATTACHED = ("extension", "accountability")


def _subject_guard_sqlite() -> tuple[str, ...]:
    out = []
    for child in _ATTACHED:
        missing = " AND ".join(
            f"NOT EXISTS (SELECT 1 FROM {t} WHERE NEW.subject_table = '{t}' "
            "AND id = NEW.subject_id)" for t in _SUBJECTS)
        for when, name in (("INSERT", "insert"),
                           ("UPDATE OF subject_table, subject_id", "update")):
            out.append(f"CREATE TRIGGER {child}_subject_{name} BEFORE {when} ON {child} "
                       f"WHEN {missing} BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint "
                       f"failed: {child} names no such item or finding'); END")
    for parent in _SUBJECTS:
        used = " OR ".join(
            f"EXISTS (SELECT 1 FROM {c} WHERE subject_table = '{parent}' "
            "AND subject_id = OLD.id)" for c in _ATTACHED)
        out.append(f"CREATE TRIGGER {parent}_subject_delete BEFORE DELETE ON {parent} "
                   f"WHEN {used} BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: "
                   f"the {parent} has extensions or accountability'); END")
        out.append(f"CREATE TRIGGER {parent}_subject_rekey BEFORE UPDATE OF id ON {parent} "
                   f"WHEN NEW.id <> OLD.id AND ({used}) BEGIN SELECT RAISE(ABORT, "
                   f"'FOREIGN KEY constraint failed: the {parent} has extensions or "
                   "accountability'); END")
    return tuple(out)


def _subject_guard_postgresql() -> tuple[str, ...]:
    exists = " OR ".join(
        f"(NEW.subject_table = '{t}' AND EXISTS (SELECT 1 FROM {t} WHERE id = NEW.subject_id))"
        for t in _SUBJECTS)
    used = " OR ".join(
        f"EXISTS (SELECT 1 FROM {c} WHERE subject_table = TG_TABLE_NAME "
        "AND subject_id = OLD.id)" for c in _ATTACHED)
    out = [
        "CREATE FUNCTION ducha_subject_exists() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF NOT ({exists}) THEN RAISE foreign_key_violation USING MESSAGE = "
        "TG_TABLE_NAME || ' names no such item or finding'; END IF; RETURN NEW; END $$",
        "CREATE FUNCTION ducha_subject_kept() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id) AND ({used}) THEN "
        "RAISE foreign_key_violation USING MESSAGE = 'the ' || TG_TABLE_NAME || "
        "' has extensions or accountability'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    ]
    for child in _ATTACHED:
        out.append(f"CREATE TRIGGER {child}_subject BEFORE INSERT OR UPDATE OF subject_table, "
                   f"subject_id ON {child} FOR EACH ROW EXECUTE FUNCTION ducha_subject_exists()")
    for parent in _SUBJECTS:
        out.append(f"CREATE TRIGGER {parent}_subject_kept BEFORE DELETE OR UPDATE OF id ON "
                   f"{parent} FOR EACH ROW EXECUTE FUNCTION ducha_subject_kept()")
    return tuple(out)


SUBJECT_GUARD: dict[str, tuple[str, ...]] = {
    "sqlite": _subject_guard_sqlite(),
    "postgresql": _subject_guard_postgresql(),
}


def _guard_subjects() -> None:
    from sqlalchemy import DDL, event

    for dialect, statements in SUBJECT_GUARD.items():
        for statement in statements:
            # After the whole schema: the triggers name three tables.
            event.listen(SQLModel.metadata, "after_create",
                         DDL(statement).execute_if(dialect=dialect))


_guard_subjects()


def _bytewise_text_on_servers() -> None:
    """Text columns compare byte by byte (COLLATE "C") on PostgreSQL, as SQLite's do.

    A server database takes its collation from how it was created (en_US, zh_CN, ICU...), so
    `ORDER BY code`, min/max and lower() would otherwise change with the server's locale and
    differ from the same ledger in a SQLite file.  Only the PostgreSQL DDL changes.
    """
    from sqlmodel.sql.sqltypes import AutoString

    for table in SQLModel.metadata.tables.values():
        for col in table.columns:
            kind = col.type
            if isinstance(kind, String | AutoString) and getattr(kind, "collation", None) is None:
                length = getattr(kind, "length", None)
                col.type = kind.with_variant(String(length, collation="C"), "postgresql")


_bytewise_text_on_servers()
