"""Two writer processes at once never lose a write nor fail on a lock (issue 6)."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import Runner

# 500 each by default: the writers hand the lock over only now and then, and the test needs
# them to overlap.  DUCHA_CONCURRENCY_OPS=5000 for a longer run.
OPS = int(os.environ.get("DUCHA_CONCURRENCY_OPS", "500"))

# Each writer runs OPS separate transactions through the services, as OPS commands would
# (process start-up is left out: 1,000 CLI start-ups would only measure Python's import time).
WRITER = """
import sys
from datetime import date
from duchá.services import items, units
from duchá.db import locate, open_ledger, session_scope
from duchá.services.ledger import Ledger

path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
engine = open_ledger(locate(path))
print("ready", flush=True)
sys.stdin.readline()  # both start together
for i in range(n):
    with session_scope(engine, write=True) as session:
        lg = Ledger(session=session, actor=who, today=date(2026, 6, 1))
        if who == "units":
            units.add(lg, code=f"u{i}", name=f"并发单位{i}", kind="other", parent=None)
        else:
            items.progress(lg, "DB-2026-0001", text=f"进展{i}", on=date(2026, 6, 1),
                           percent=None)
"""


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("unit", "item", "progress", "event")}
    finally:
        con.close()


def test_two_writers_500_operations_each(ledger: Runner, db_path: Path,
                                         report: Callable[[str], None]) -> None:
    r = ledger("item", "add", "推进城区供热管网改造", "-c", "meeting", "--lead", "zjj",
               "--due", "+30d", "--as-of", "2026-06-01", "-f", "csv")
    assert r.exit_code == 0, r
    before = counts(db_path)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), who, str(OPS)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for who in ("units", "progress")]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    start = time.monotonic()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.close()
    errors = [p.stderr.read() if p.stderr else "" for p in procs]
    for p in procs:
        p.wait(timeout=120)
    took = time.monotonic() - start
    assert [p.returncode for p in procs] == [0, 0], errors
    assert not any("locked" in e for e in errors)
    after = counts(db_path)
    assert after == {"unit": before["unit"] + OPS, "item": 1, "progress": OPS,
                     "event": before["event"] + 2 * OPS}
    con = sqlite3.connect(db_path)
    actors = [a for (a,) in con.execute("SELECT actor FROM event ORDER BY id")]
    con.close()
    switches = sum(1 for a, b in itertools.pairwise(actors) if a != b)
    assert switches >= 2  # they really overlapped: not one after the other
    v = ledger("verify", "-f", "json")
    assert v.exit_code == 0, v
    report(f"[concurrency] 2 writers x {OPS} transactions in {took:.1f}s: "
           f"units {before['unit']}->{after['unit']}, progress {after['progress']}, "
           f"events {before['event']}->{after['event']}, {switches} hand-overs between "
           f"writers; {v.stderr.strip()}")
