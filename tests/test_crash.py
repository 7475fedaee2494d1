"""SIGKILL in the middle of a long write leaves the ledger as before it, or as after (issue 6).

The write is one transaction of many item registrations and progress notes through the
services (what an import or a long edit does).  The writer is a forked copy of this process,
so each of the many runs starts in milliseconds.  It reports each record it writes; it is
killed after a random number of them (so the kill lands mid-transaction however loaded the
machine is), or a random moment after its last one (around the commit), and the ledger is
then checked: counts exactly before or exactly after, integrity check and `verify` clean.

The draws (where to kill) come from DUCHA_CRASH_SEED (a fixed default; `random` for a new one),
printed in the run's summary with the counts; DUCHA_CRASH_KILLS sets how many kills to see
and DUCHA_CRASH_ITEMS the size of the transaction.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import Runner

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger

# Per run: ITEMS items and ITEMS progress notes, 2 * ITEMS events in one transaction.
ITEMS = int(os.environ.get("DUCHA_CRASH_ITEMS", "20"))
KILLS = int(os.environ.get("DUCHA_CRASH_KILLS", "20"))
MAX_RUNS = 3 * KILLS  # nearly every run is killed: a bound in runs, not seconds, holds on a
# loaded machine (where the writer is slow) as on a quiet one
DEFAULT_SEED = 20260601


def _seed() -> int:
    text = os.environ.get("DUCHA_CRASH_SEED", str(DEFAULT_SEED))
    return random.SystemRandom().randrange(100_000) if text == "random" else int(text)


def counts(path: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("item", "progress", "event"))
    finally:
        con.close()


def _write(path: Path, signal_fd: int, load: bool) -> None:
    """The long command: one transaction, told to the parent once it has begun writing.
    `load`: on the command's own connection as a large import runs (db.file_scope), in a
    rollback journal; else through an engine's session, in the WAL."""
    from duchá.db import _engines, file_scope, locate, open_ledger, session_scope
    from duchá.services.ledger import Ledger
    from duchá.storage.sql import SqliteSql

    _engines.clear()  # never reuse the parent's connections
    loc = locate(str(path))
    if load:
        with file_scope(loc, write=True, load=True) as (conn, open_session):
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            _items(Ledger(actor="crash", today=date(2026, 6, 1), sql=SqliteSql(conn),
                          open_session=open_session), signal_fd)
        return
    engine = open_ledger(loc)
    with session_scope(engine, write=True) as session:
        _items(Ledger(session=session, actor="crash", today=date(2026, 6, 1)), signal_fd)


def _items(lg: Ledger, signal_fd: int) -> None:
    from duchá.services import items

    for i in range(ITEMS):
        row = items.add(lg, title=f"批量事项{i}", category="policy", lead="fgw",
                        responsible=["jyj"], assigned=date(2026, 6, 1),
                        due=date(2026, 7, 1), source=None, leader=None)
        items.progress(lg, row["number"], text="开始", on=date(2026, 6, 2), percent=10)
        os.write(signal_fd, b"w")


def _run(path: Path, after: int | None, delay: float = 0.0, load: bool = False) -> bool:
    """Fork the writer; SIGKILL it `delay` seconds after its `after`-th record (None: let it
    finish).  True when the kill caught it alive."""
    from duchá.db import dispose_all

    dispose_all()  # the child must inherit no open connection
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(r)
            _write(path, w, load)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(w)
    if after is not None:
        seen = 0
        while seen < after:
            ready, _, _ = select.select([r], [], [], 30)
            assert ready, "the writer stalled"
            chunk = os.read(r, after - seen)
            assert chunk, "the writer ended early"
            seen += len(chunk)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(r)
    if os.WIFEXITED(status):
        assert os.WEXITSTATUS(status) == 0, "the writer failed"
    return os.WIFSIGNALED(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("load", [False, True], ids=["wal", "load"])
def test_sigkill_mid_write_leaves_before_or_after(ledger: Runner, db_path: Path, load: bool,
                                                   report: Callable[[str], None]) -> None:
    """`load`: the writes of a large import, in a rollback journal (db.file_scope); a kill
    leaves the journal, which the next connection rolls back, and the next open puts the
    ledger back in WAL mode."""
    from duchá.db import connect, locate
    from duchá.storage.backup import integrity, verify_file

    seed = _seed()
    rnd = random.Random(seed)
    delta = (ITEMS, ITEMS, 2 * ITEMS)
    _run(db_path, None, load=load)  # one whole run, not killed
    state = counts(db_path)
    assert state == (ITEMS, ITEMS, 5 + 2 * ITEMS)
    killed = rolled_back = landed = hot = 0
    runs = 0
    while killed < KILLS and runs < MAX_RUNS:
        runs += 1
        before = state
        if rnd.random() < 0.8:  # mid-transaction
            was_killed = _run(db_path, rnd.randint(1, ITEMS - 1), rnd.uniform(0, 0.005),
                              load)
        else:  # after the last record: while committing, or just after
            was_killed = _run(db_path, ITEMS, rnd.uniform(0, 0.02), load)
        journal = db_path.with_name(db_path.name + "-journal")
        hot += journal.exists() and journal.stat().st_size > 0
        state = counts(db_path)
        after = tuple(b + d for b, d in zip(before, delta, strict=True))
        assert state in (before, after), f"seed {seed}, run {runs}: {before} -> {state}"
        assert integrity(db_path) is None
        v = verify_file(db_path)
        assert v.ok, (seed, runs, v.problems[:3])
        connect(locate(str(db_path))).close()  # what the next command opens
        assert _mode(db_path) == "wal"
        if was_killed:
            killed += 1
            rolled_back += state == before
            landed += state == after
    report(f"[crash] DUCHA_CRASH_SEED={seed}: {runs} runs of {2 * ITEMS} writes in one "
           f"transaction{' (a load)' if load else ''}, {killed} killed with SIGKILL "
           f"({rolled_back} left the ledger as before, {landed} had committed"
           f"{f', {hot} left a journal to roll back' if load else ''}); ledger now "
           f"items/progress/events = {state}, verify clean after every kill")
    assert killed >= KILLS, f"seed {seed}: only {killed} kills in {runs} runs"
    assert rolled_back >= KILLS // 2  # most kills landed mid-transaction, not after it
    if load:
        assert hot >= KILLS // 2  # killed in the rollback journal, not in the WAL


def _mode(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        con.close()
