"""SIGKILL in the middle of a long write leaves the ledger as before it, or as after (issue 6).

The write is one transaction of many item registrations and progress notes through the
services (what an import or a long edit does).  The writer is a forked copy of this process,
so each of the many runs starts in milliseconds; it is killed at a random moment after its
first write, and the ledger is then checked: counts exactly before or exactly after, and
`verify` (integrity check included) clean.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import Runner

ITEMS = 60  # per run: ITEMS items and ITEMS progress notes, 2 * ITEMS events
KILLS = 20
BUDGET_S = 25.0


def counts(path: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("item", "progress", "event"))
    finally:
        con.close()


def _write(path: Path, signal_fd: int) -> None:
    """The long command: one transaction, told to the parent once it has begun writing."""
    from duchá import items
    from duchá.db import _engines, locate, open_ledger, session_scope
    from duchá.ledger import Ledger

    _engines.clear()  # never reuse the parent's connections
    engine = open_ledger(locate(str(path)))
    with session_scope(engine, write=True) as session:
        lg = Ledger(session=session, actor="crash", today=date(2026, 6, 1))
        for i in range(ITEMS):
            row = items.add(lg, title=f"批量事项{i}", category="policy", lead="fgw",
                            responsible=["jyj"], assigned=date(2026, 6, 1),
                            due=date(2026, 7, 1), source=None, leader=None)
            items.progress(lg, row["number"], text="开始", on=date(2026, 6, 2), percent=10)
            if i == 0:
                os.write(signal_fd, b"w")


def _run(path: Path, kill_after: float | None) -> tuple[bool, float]:
    """Fork the writer; kill it `kill_after` seconds after its first write (None: let it be)."""
    from duchá.db import dispose_all

    dispose_all()  # the child must inherit no open connection
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(r)
            _write(path, w)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(w)
    ready, _, _ = select.select([r], [], [], 30)
    assert ready, "the writer never started writing"
    started = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(r)
    if os.WIFEXITED(status):
        assert os.WEXITSTATUS(status) == 0, "the writer failed"
    return os.WIFSIGNALED(status), time.monotonic() - started


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_mid_write_leaves_before_or_after(ledger: Runner, db_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from duchá.backup import integrity, verify_file

    seed = int(os.environ.get("DUCHA_CRASH_SEED", time.time_ns() % 100_000))
    rnd = random.Random(seed)
    delta = (ITEMS, ITEMS, 2 * ITEMS)
    _, span = _run(db_path, None)  # one whole run: how long the write takes
    state = counts(db_path)
    killed = rolled_back = landed = 0
    runs = 0
    deadline = time.monotonic() + BUDGET_S
    while killed < KILLS and time.monotonic() < deadline:
        runs += 1
        before = state
        was_killed, _ = _run(db_path, rnd.uniform(0, span * 1.15))
        state = counts(db_path)
        after = tuple(b + d for b, d in zip(before, delta, strict=True))
        assert state in (before, after), f"seed {seed}, run {runs}: {before} -> {state}"
        assert integrity(db_path) is None
        v = verify_file(db_path)
        assert v.ok, (seed, runs, v.problems[:3])
        if was_killed:
            killed += 1
            rolled_back += state == before
            landed += state == after
    with capsys.disabled():
        print(f"\n[crash] seed {seed}: {runs} runs of {2 * ITEMS} writes in one transaction "
              f"({span:.2f}s each), {killed} killed with SIGKILL ({rolled_back} left the ledger "
              f"as before, {landed} had committed); ledger now items/progress/events = {state}, "
              "verify clean after every kill")
    assert killed >= KILLS, f"only {killed} kills within {BUDGET_S}s"
    assert rolled_back >= KILLS // 2  # most kills landed mid-transaction, not after it
