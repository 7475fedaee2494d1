"""Where the ledger lives, how it is opened, and the one transaction each command runs in.

Location: `--db PATH|URL` > `DUCHA_DB` > the per-user data directory.  Every SQLite connection
gets its pragmas from a connect listener (pragmas are per connection).  A write scope starts
with BEGIN IMMEDIATE so two writers queue on the busy timeout instead of failing when a read
transaction tries to upgrade to a write.  On PostgreSQL a write scope takes one ledger-wide
advisory lock instead (the same queue, so numbers and the event chain never fork), and a read
scope reads one snapshot (REPEATABLE READ), as a SQLite read transaction does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duchá.errors import LedgerUnusable

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

APPLICATION_ID = "duchá ledger"
BUSY_TIMEOUT_MS = 30_000
# Each connection's page cache, in KiB (PRAGMA cache_size takes it negative): SQLite's
# default of 2 MB holds 125 of a ledger's 16 KB pages (PAGE_SIZE), and `verify` on 100,000
# findings read the file's 8,100 pages 555,734 times over (3 s of CPU in the kernel, a fifth
# of its time); `check` and `report status` tens of thousands of times.  16 MB keeps what
# they return to (1,350 reads for `check`), taken only as pages are read.
CACHE_KIB = 16384
# Any fixed 64-bit number names the ledger's writer lock on a PostgreSQL server; this one is
# "duchá" in ASCII-ish hex, so it is unlikely to collide with another application's lock.
PG_WRITE_LOCK = 0x6475636861
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("ducha", appauthor=False)) / "ledger.db"


@dataclass(frozen=True)
class Location:
    """A ledger's address: a SQLAlchemy URL, and the file behind it when it is SQLite."""

    url: str
    path: Path | None

    def __str__(self) -> str:
        if self.path:
            return str(self.path)
        # Messages name the ledger; they must not print the password in its URL.
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except ArgumentError:
            return self.url


def locate(db: str | None) -> Location:
    raw = db or os.environ.get("DUCHA_DB") or str(default_path())
    if "://" in raw:
        if raw.startswith("sqlite:///"):
            path = Path(raw.removeprefix("sqlite:///")).expanduser()
            return Location(f"sqlite:///{path}", path)
        return Location(raw, None)
    path = Path(raw).expanduser()
    return Location(f"sqlite:///{path}", path)


def _on_connect(dbapi_conn: Any, _record: object) -> None:
    import sqlite3

    # The driver must not open transactions on its own: our "begin" listener does.
    dbapi_conn.isolation_level = None
    if not _ADAPTED:
        # None and bytes bound as they are by adapters (the module's, for every connection,
        # so registered once): without one, Python 3.11's driver seeks an adapting protocol
        # for each such value it binds, raising and dropping an AttributeError on the way,
        # which a large import pays per empty cell and per snapshot (bulk.Utf8Text).
        sqlite3.register_adapter(type(None), _NULL)
        sqlite3.register_adapter(bytes, bytes)  # (bytes(b) is b itself)
        _ADAPTED.append(True)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()
    # journal_mode=WAL is not set here: it is persistent in the file, so ledgers get it when
    # they are created or opened (_ensure_wal), and a foreign SQLite file opened by mistake is
    # left exactly as it was.


_ADAPTED: list[bool] = []  # (the adapters are registered: once per process)
_NULLS: dict[object, None] = {}
_NULL = _NULLS.get  # None for None, in C: no Python frame per value
_engines: dict[str, Engine] = {}
_begin_mode: ContextVar[str] = ContextVar("begin_mode", default="DEFERRED")


def engine_for(loc: Location) -> Engine:
    if loc.url in _engines:
        return _engines[loc.url]
    from sqlalchemy import create_engine, event

    if loc.path is not None:
        engine = create_engine(loc.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_connect)

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql(f"BEGIN {_begin_mode.get()}")
    else:
        engine = create_engine(loc.url)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "begin", _pg_begin)
    _engines[loc.url] = engine
    return engine


def _pg_begin(conn: Connection) -> None:
    # The driver has opened the transaction; these are its first statements.
    if _begin_mode.get() == "IMMEDIATE":
        # Writers queue here, like SQLite's BEGIN IMMEDIATE on its busy timeout.  READ
        # COMMITTED (the default) then shows each statement what the previous writer committed.
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
    else:
        # A report or `verify` reads many tables: one snapshot, so a writer committing
        # meanwhile cannot make it see half a change.
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise LedgerUnusable(f"{path} is a directory, not a ledger; pass a file path with --db")
    if not path.exists():
        raise LedgerUnusable(f"no ledger at {path}; run `duchá init` first, or pass --db PATH")
    if not os.access(path, os.R_OK):
        raise LedgerUnusable(f"ledger {path} is not readable; check its permissions")
    # Root passes os.access on any file, so the owner's write bit is checked as well.
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o200:
        raise LedgerUnusable(
            f"ledger {path} is read-only; make it writable (chmod u+w) or copy it elsewhere"
        )
    with path.open("rb") as fh:
        head = fh.read(16)
    if head and head != SQLITE_MAGIC:
        raise LedgerUnusable(f"{path} is not a duchá ledger (not an SQLite file)")


def read_schema_version(engine: Engine) -> int | None:
    """The ledger's schema version, or None when the database is not a duchá ledger."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    # Connecting is outside the try: a server that cannot be reached (or refuses the login)
    # is "cannot open", not "not a ledger".  SQLite connects to any file and fails below.
    with engine.connect() as conn:
        try:
            rows: dict[str, str] = dict(
                conn.execute(text("SELECT key, value FROM ducha_meta")).all())
        except DatabaseError as exc:
            if trouble(exc) is not None:
                raise
            return None
    return _version_of(rows)


def _version_of(meta: dict[str, str]) -> int | None:
    """The schema version that ducha_meta's rows give, None when they are not a ledger's."""
    if meta.get("application_id") != APPLICATION_ID:
        return None
    try:
        return int(meta.get("schema_version", ""))
    except ValueError:
        return None


def _ensure_wal(engine: Engine) -> None:
    # On the driver connection: SQLAlchemy would wrap the pragma in a transaction, where
    # SQLite refuses to change the journal mode.
    raw = engine.raw_connection()
    try:
        _wal(raw)
    finally:
        raw.close()


# The page size of a new ledger file, in bytes.  A large import fills tens of megabytes of
# new pages: with pages four times SQLite's default, a quarter as many to allocate, split
# off, index and write.  A 100,000-row import took 9% less CPU in eight paired runs, and
# `verify`'s integrity check a fifth less.  An existing ledger keeps the size it was made
# with (`storage.backup` restores into it at that size).
PAGE_SIZE = 16384


def _first_pages(engine: Engine) -> None:
    """A new, empty ledger file's page size (fixed by the first page written), then WAL."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(f"PRAGMA page_size={PAGE_SIZE}")
        cur.close()
        _wal(raw)
    finally:
        raw.close()


def _wal(raw: Any) -> None:
    """journal_mode=WAL on a driver connection outside any transaction.  The switch needs
    the file to itself for a moment: with another process in a transaction on it, it is
    left to the next open at once rather than waited for."""
    import sqlite3

    cur = raw.cursor()
    if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            _switch_journal(cur, "WAL")
        except sqlite3.OperationalError:
            pass  # another process holds the file; the next open switches it
    cur.close()


def _switch_journal(cur: Any, mode: str) -> str:
    """PRAGMA journal_mode=`mode` without waiting on the busy timeout (a switch needs the
    file to itself for a moment; another process on it is a reason not to switch now, not
    to wait); the mode the file is in after."""
    cur.execute("PRAGMA busy_timeout=0")
    try:
        return str(cur.execute(f"PRAGMA journal_mode={mode}").fetchone()[0]).lower()
    finally:
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _judge(loc: Location, version: int | None) -> int:
    """The ledger's version when this duchá can open it (an older one is migrated)."""
    from duchá.schema import SCHEMA_VERSION

    if version is None:
        raise LedgerUnusable(f"{loc} is not a duchá ledger; run `duchá init` on a new path")
    if version > SCHEMA_VERSION:
        raise LedgerUnusable(
            f"ledger {loc} has schema version {version}, newer than this duchá "
            f"({SCHEMA_VERSION}); upgrade duchá to open it"
        )
    return version


def open_ledger(loc: Location, *, notify: Callable[[str], None] | None = None) -> Engine:
    """An engine on an existing, usable ledger of this schema version (else LedgerUnusable).

    An older ledger is migrated first (a copy is kept beside it); `notify` hears about it.
    """
    from duchá.schema import SCHEMA_VERSION

    try:
        if loc.path is not None:
            _check_file(loc.path)
            engine = engine_for(loc)
            version = read_schema_version(engine)
            if version is not None:
                _ensure_wal(engine)
        else:
            engine = engine_for(loc)
            version = read_schema_version(engine)
    except LedgerUnusable:
        raise
    except Exception as exc:  # a locked or corrupt file surfaces here first
        raise LedgerUnusable(describe(exc, loc)) from None
    if _judge(loc, version) < SCHEMA_VERSION:
        # Only now is Alembic imported: the version check above is one small query.
        from duchá.storage.migrate import upgrade

        token = _begin_mode.set("IMMEDIATE")  # a second opener waits, then finds it migrated
        try:
            upgrade(loc, engine, notify=notify or _to_stderr)
        finally:
            _begin_mode.reset(token)
    return engine


def connect(loc: Location, *, notify: Callable[[str], None] | None = None
            ) -> sqlite3.Connection:
    """The driver's own connection to an existing, usable ledger file of this schema version
    (else LedgerUnusable), with the pragmas every connection gets: what a command that reads
    with SQL text (storage/sql.py) opens instead of an engine, so that SQLAlchemy is not
    loaded unless a service asks for a session (`file_scope`).  An older ledger is migrated
    first, through open_ledger."""
    import sqlite3

    from duchá.schema import SCHEMA_VERSION

    assert loc.path is not None, "a ledger file"
    _check_file(loc.path)
    try:
        conn = sqlite3.connect(loc.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise LedgerUnusable(describe(exc, loc)) from None
    try:
        _on_connect(conn, None)
        try:
            meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM ducha_meta"))
            version = _version_of(meta)
        except sqlite3.DatabaseError as exc:
            if trouble(exc) is not None:
                raise
            version = None
        if version is not None:
            _wal(conn)
        older = _judge(loc, version) < SCHEMA_VERSION
    except LedgerUnusable:
        conn.close()
        raise
    except Exception as exc:  # a locked or corrupt file surfaces here first
        conn.close()
        raise LedgerUnusable(describe(exc, loc)) from None
    if older:
        conn.close()
        open_ledger(loc, notify=notify)
        return connect(loc, notify=notify)
    return conn


# The connection that a session on a ledger file runs on: the command's own (file_scope).
_lent: ContextVar[Any] = ContextVar("lent_connection", default=None)


def _lent_connection() -> Any:
    conn = _lent.get()
    assert conn is not None, "a session on a ledger file is made inside file_scope"
    return conn


def _lending_engine(loc: Location) -> Engine:
    """An engine whose one connection is the command's own sqlite3 connection, in the
    transaction the command began: cached per file like engine_for's (its compiled
    statements serve the next command of the process), its connection replaced per scope."""
    key = f"lent:{loc.url}"
    if key not in _engines:
        import sqlite3

        from sqlalchemy import create_engine
        from sqlalchemy.pool import StaticPool

        # No begin listener: the transaction is already open.  No reset on return: the
        # scope, not the pool, commits or rolls back.
        engine = create_engine(loc.url, creator=_lent_connection, poolclass=StaticPool,
                               pool_reset_on_return=None)
        # The dialect learns the database on its first connection and then rolls it back:
        # that must be a connection of its own, not a command's open transaction.
        token = _lent.set(sqlite3.connect(":memory:"))
        try:
            engine.connect().close()
        finally:
            engine.pool.dispose()
            _lent.reset(token)
        _engines[key] = engine
    return _engines[key]


@contextmanager
def file_scope(loc: Location, *, write: bool, notify: Callable[[str], None] | None = None,
               load: bool = False
               ) -> Iterator[tuple[sqlite3.Connection, Callable[[], Session]]]:
    """One transaction on a ledger file, on the driver's connection: BEGIN IMMEDIATE for a
    writer (two writers queue on the busy timeout), DEFERRED for a reader.  Yields the
    connection and a maker of the SQLModel session on that same connection and transaction,
    for the services that write or read through the ORM; it commits once at the end (the
    session's pending changes first) and rolls back on any error.  `load`: a writer that
    adds many rows (a large import) runs in a rollback journal when it can (`_journal_off`)."""
    conn = connect(loc, notify=notify)
    rollback_journal = False
    sessions: list[Session] = []
    token = _lent.set(conn)

    def open_session() -> Session:
        from sqlmodel import Session

        session = Session(_lending_engine(loc), expire_on_commit=False)
        sessions.append(session)
        return session

    try:
        rollback_journal = load and write and _journal_off(conn)
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
        yield conn, open_session
        for session in sessions:
            session.commit()  # flushes what it still holds; commits the connection
        if conn.in_transaction:
            conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    finally:
        for session in sessions:
            session.close()
        if rollback_journal:
            _wal(conn)
        if sessions:
            _lending_engine(loc).pool.dispose()  # the next scope lends another connection
        _lent.reset(token)
        conn.close()


def _journal_off(conn: sqlite3.Connection) -> bool:
    """Switch the ledger from its WAL to a rollback journal for one large write, if no other
    connection has it open; whether it switched.

    In WAL mode every page a load writes is written twice, to the WAL at the commit and
    again into the file at the checkpoint that follows; a rollback journal keeps only the
    few pages the load changes in place, and the new pages go once into the file (a
    third of the CPU a 100,000-row import spends in the kernel).  The commit stays atomic,
    and a kill leaves a journal that the next connection rolls back.  Only the last
    connection may leave WAL mode: with another process on the file (even idle), SQLite
    refuses at once (no busy wait here) and the load runs in the WAL as any write does.  The
    scope switches back after its commit, and an open that finds the file in rollback mode
    (after a kill, or when a reader kept the switch back from happening) switches it
    (`connect`)."""
    import sqlite3

    try:
        return _switch_journal(conn, "DELETE") == "delete"
    except sqlite3.OperationalError:
        return False


def upgrade_file(path: Path) -> None:
    """Migrate a ledger file that nobody else uses (a backup being restored); no copy taken."""
    from duchá.storage.migrate import run

    loc = locate(str(path))
    token = _begin_mode.set("IMMEDIATE")
    try:
        run(engine_for(loc))
    finally:
        _begin_mode.reset(token)
        eng = _engines.pop(loc.url, None)
        if eng is not None:
            eng.dispose()


def _to_stderr(message: str) -> None:
    import sys

    sys.stderr.write(f"{message}\n")


def create_ledger(loc: Location) -> Engine:
    """Create a new ledger (file mode 0600); refuses to touch an existing file."""
    from sqlalchemy import text
    from sqlmodel import Session, SQLModel

    import duchá.models as m
    from duchá.storage.migrate import VERSION_TABLE_DDL, revision

    if loc.path is not None:
        if loc.path.is_dir():
            raise LedgerUnusable(f"{loc.path} is a directory; pass a file path with --db")
        if loc.path.exists() and loc.path.stat().st_size > 0:
            raise LedgerUnusable(f"{loc.path} already exists; it was not changed")
        loc.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(loc.path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(loc.path, 0o600)
    engine = engine_for(loc)
    if loc.path is None:
        return _create_on_server(loc, engine)
    _first_pages(engine)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(m.Meta(key="application_id", value=APPLICATION_ID))
        session.add(m.Meta(key="schema_version", value=str(m.SCHEMA_VERSION)))
        # The Alembic record too, so a later duchá migrates from the right revision.
        session.execute(text(VERSION_TABLE_DDL))
        session.execute(text("INSERT INTO alembic_version VALUES (:v)"),
                        {"v": revision(m.SCHEMA_VERSION)})
        session.commit()
    return engine


def _create_on_server(loc: Location, engine: Engine) -> Engine:
    """A new ledger in an empty database on a server: all of it in one transaction.

    There is no file to test for "already exists", so the database itself is checked: a
    ledger, or any other table, means `init` was pointed at the wrong database.
    """
    from sqlalchemy import insert, inspect, text
    from sqlmodel import SQLModel

    import duchá.models as m
    from duchá.storage.migrate import VERSION_TABLE_DDL, revision

    try:
        found = read_schema_version(engine)
    except Exception as exc:  # no server, wrong password, no such database
        raise LedgerUnusable(f"cannot open ledger {loc}: {_short(exc)}") from None
    if found is not None:
        raise LedgerUnusable(f"{loc} already holds a duchá ledger (schema {found}); "
                             "it was not changed")
    token = _begin_mode.set("IMMEDIATE")  # a second `init` at the same moment waits, then fails
    try:
        with engine.begin() as conn:
            tables = sorted(inspect(conn).get_table_names())
            if tables:
                shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
                raise LedgerUnusable(f"database {loc} is not empty (tables: {shown}); "
                                     "create an empty database for the ledger")
            SQLModel.metadata.create_all(conn)
            conn.execute(insert(m.Meta), [
                {"key": "application_id", "value": APPLICATION_ID},
                {"key": "schema_version", "value": str(m.SCHEMA_VERSION)}])
            # The Alembic record too, so a later duchá migrates from the right revision.
            conn.execute(text(VERSION_TABLE_DDL))
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"),
                         {"v": revision(m.SCHEMA_VERSION)})
    finally:
        _begin_mode.reset(token)
    return engine


@contextmanager
def session_scope(engine: Engine, *, write: bool) -> Iterator[Session]:
    """One transaction: commits once at the end, rolls back on any error."""
    from sqlmodel import Session

    token = _begin_mode.set("IMMEDIATE" if write else "DEFERRED")
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        _begin_mode.reset(token)


def trouble(exc: BaseException) -> str | None:
    """What is wrong with the file or its disk, when the database error says: damaged,
    full, read-only, locked; None for any other error (a missing table: not a ledger)."""
    text = _short(exc).lower()
    if "malformed" in text or "not a database" in text or "disk i/o error" in text:
        return "damaged"
    if "disk is full" in text or "no space" in text:
        return "full"
    if "readonly" in text or "read-only" in text or "unable to open database file" in text:
        return "read-only"
    if "locked" in text or "busy" in text:
        return "locked"
    return None


def describe(exc: BaseException, loc: Location | None = None) -> str:
    """One line that says what is wrong with the ledger and what to do about it."""
    name = str(loc) if loc is not None else "the ledger"
    path = loc.path if loc is not None else None
    kind = trouble(exc)
    if kind == "damaged":
        found = newest_copy(path) if path is not None else None
        where = (f"; the newest copy beside it is {found}" if found is not None
                 else "; no copy was found beside it")
        return (f"{name} is damaged ({_short(exc)}): restore it from a backup with "
                f"`duchá restore BACKUP`{where}")
    if kind == "full":
        return f"the disk holding {name} is full; free some space and run the command again"
    if kind == "read-only":
        folder = path.parent if path is not None else None
        if folder is not None and not os.access(folder, os.W_OK):
            return (f"the folder {folder} is not writable, and SQLite keeps its journal beside "
                    "the ledger; make the folder writable or move the ledger")
        return f"{name} cannot be written ({_short(exc)}); check its permissions and its disk"
    if kind == "locked":
        return (f"{name} is locked by another program that has held it longer than "
                f"{BUSY_TIMEOUT_MS // 1000} s; try again when it is done")
    return f"cannot open ledger {name}: {_short(exc)}"


def newest_copy(path: Path) -> Path | None:
    """The most recent backup or kept copy of a ledger in its folder (`duchá backup` into
    the folder, a migration's .bak, a restore's before-restore copy)."""
    own = {path.name, *(f"{path.name}{s}" for s in ("-wal", "-shm", "-journal"))}
    found = []
    try:
        for p in path.parent.iterdir():
            if p.name in own or not p.name.startswith(path.stem) or not p.is_file():
                continue
            if p.name.endswith(("-wal", "-shm", "-journal", ".part")):
                continue
            with p.open("rb") as fh:
                if fh.read(16) == SQLITE_MAGIC:
                    found.append((p.stat().st_mtime, p))
    except OSError:
        return None
    return max(found)[1] if found else None


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__
