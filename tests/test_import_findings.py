"""Findings imported a batch at a time (import_findings.batch_records) are what the row-by-row
check makes of the same file: the same rows, numbers, events, warnings and errors."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import UNITS, Runner
from duchá import validation
from duchá.transfer import import_findings

HEADER = ("单位,问题描述,问题性质,整改方式,发现日期,整改时限,整改状态,整改完成日期,销号日期,"
          "是否整改到位")
NAMES = [name for _, name, _ in UNITS] + [code for code, _, _ in UNITS]
MODES = ["立行立改", "限期整改", "长期整改", "", "deadline"]
DAYS = [date(2026, 1, 5) + timedelta(days=7 * i) for i in range(40)]


def taizhang(seed: int, rows: int, odd: float, kinds: int = 6) -> str:
    """A findings 台账 as clerks keep one: mostly plain rows, and with chance `odd` a row that
    is not (长期, a due date counted from the date found, 整改到位 without a date, a wrong
    date, a status its dates contradict, a description repeated)."""
    rnd = random.Random(seed)
    lines = [HEADER]
    for i in range(rows):
        found = rnd.choice(DAYS)
        due = (found + timedelta(days=rnd.choice([0, 10, 30, 90]))).isoformat()
        mode = rnd.choice(MODES)
        if mode == "长期整改":
            due = rnd.choice([due, "长期"])
        status, rectified, verified, done = "", "", "", ""
        if rnd.random() < 0.3:
            rectified = (found + timedelta(days=5)).isoformat()
            if rnd.random() < 0.5:
                verified = (found + timedelta(days=9)).isoformat()
                status = rnd.choice(["", "已销号", "verified"])
        else:  # (statuses that differ on rows whose dates look alike)
            status = ("", "整改中", "未整改", "open")[i % 4]
        description = f"发现问题{i}：台账不规范"
        if rnd.random() < odd:
            kind = rnd.randrange(kinds)
            if kind == 0:
                due, mode = "长期", rnd.choice(["", "长期整改"])
            elif kind == 1:
                due = "+20d"
            elif kind == 2:
                done, rectified, verified, status = "是", "", "", ""
            elif kind == 3:
                due = (found - timedelta(days=3)).isoformat()
            elif kind == 4:
                status = "已复核"
                verified = ""
            else:
                description = f"发现问题{rnd.randrange(i + 1)}：台账不规范"
        lines.append(",".join([rnd.choice(NAMES), description, rnd.choice(["一般", "严重"]),
                               mode, found.isoformat(), due, status, rectified, verified,
                               done]))
    return "\n".join(lines) + "\n"


def ledger_rows(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        return {
            "finding": con.execute("SELECT * FROM finding ORDER BY id").fetchall(),
            # (not `at`, the time of writing, nor the hashes that cover it)
            "event": con.execute('SELECT id, "on", actor, action, subject_table, subject, '
                                 '"before", "after" FROM event ORDER BY id').fetchall(),
            "unit": con.execute("SELECT * FROM unit ORDER BY id").fetchall()}
    finally:
        con.close()


def both_ways(ledger: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
              db_path: Path, *more: str) -> tuple[list, list]:
    """The import of `text` into two copies of the ledger: as it runs, and with every batch
    left to the row-by-row check; what each said and left in its ledger."""
    f = tmp_path / "问题台账.csv"
    f.write_text(text, encoding="utf-8")
    other = tmp_path / "rows.db"
    with sqlite3.connect(db_path) as src, sqlite3.connect(other) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    taken: list[int] = []
    records = import_findings.batch_records

    def counted(*args):  # type: ignore[no-untyped-def]
        made = records(*args)
        taken.append(made is not None)
        return made

    monkeypatch.setattr(import_findings, "batch_records", counted)
    fast = ledger("import", "findings", str(f), "-f", "json", "--as-of", "2026-11-30", *more)
    monkeypatch.setattr(import_findings, "batch_records", lambda *args: None)
    slow = ledger("import", "findings", str(f), "-f", "json", "--as-of", "2026-11-30", *more,
                  db=other)
    said = [(r.exit_code, r.stdout.replace(str(other), str(db_path)), r.stderr)
            for r in (fast, slow)]
    return ([said[0], ledger_rows(db_path), taken], [said[1], ledger_rows(other)])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_plain_taizhang_reads_the_same_a_batch_at_a_time(
        ledger: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path,
        seed: int) -> None:
    text = taizhang(seed, 1500, odd=0.0)
    (said, rows, taken), (said_slow, rows_slow) = both_ways(ledger, tmp_path, monkeypatch,
                                                           text, db_path)
    assert said[0] == 0, said
    assert said == said_slow
    assert rows == rows_slow
    assert len(rows["finding"]) == 1500
    assert sum(taken) >= 2, taken  # (the first batches read most of the cells row by row)


@pytest.mark.parametrize(("seed", "kinds"), [(4, 3), (5, 3), (6, 6), (7, 6)])
def test_odd_rows_read_the_same_either_way(
        ledger: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path,
        seed: int, kinds: int) -> None:
    """Rows that are not plain among plain ones (长期, +20d, 整改到位 without a date; with
    kinds 6 also a due date before the date found, a status without its date, a description
    repeated): the same findings, notes and errors."""
    text = taizhang(seed, 1400, odd=0.01, kinds=kinds)
    (said, rows, taken), (said_slow, rows_slow) = both_ways(ledger, tmp_path, monkeypatch,
                                                           text, db_path)
    assert said == said_slow
    assert rows == rows_slow
    assert sum(taken) >= 2, taken
    if kinds == 3:
        assert said[0] == 0, said
        assert "rectified on the as-of date" in said[2]
        assert len(rows["finding"]) == 1400
    else:
        assert said[0] == 2 and "nothing imported" in said[2], said


def test_a_finding_named_twice_across_batches_is_refused(
        ledger: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        db_path: Path) -> None:
    lines = taizhang(8, 1200, odd=0.0).splitlines()
    lines[1100] = lines[1100].replace("发现问题1099：", "发现问题3：").replace(
        lines[1100].split(",")[0], lines[4].split(",")[0], 1)
    (said, rows, _), (said_slow, rows_slow) = both_ways(  # (nothing imported either way)
        ledger, tmp_path, monkeypatch, "\n".join(lines) + "\n", db_path)
    assert said == said_slow
    assert said[0] == 2 and said[2].count("\n") >= 1
    assert "line 1101" in said[2] and "the same description and unit as line 5" in said[2]
    assert rows["finding"] == rows_slow["finding"] == []


def test_units_the_ledger_lacks_are_added_the_same_either_way(
        ledger: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        db_path: Path) -> None:
    """--create-units: the plain rows name the new units by stand-ins until they are added."""
    rnd = random.Random(9)
    lines = taizhang(9, 1100, odd=0.0).splitlines()
    new_units = ["华亭市人民政府", "崇信县人民政府", "平凉市审计局"]
    lines = [lines[0]] + [line.replace(line.split(",")[0], rnd.choice(new_units), 1)
                          if rnd.random() < 0.3 else line for line in lines[1:]]
    (said, rows, taken), (said_slow, rows_slow) = both_ways(
        ledger, tmp_path, monkeypatch, "\n".join(lines) + "\n", db_path, "--create-units")
    assert said == said_slow
    assert said[0] == 0, said
    assert "added units the ledger lacked" in said[2]
    assert rows == rows_slow
    assert len(rows["unit"]) == len(UNITS) + 3 and len(rows["finding"]) == 1100
    assert all(taken)


@pytest.fixture(scope="module")
def demo_lg(module_demo: Path) -> Iterator[Any]:
    from duchá.db import locate, open_ledger, session_scope
    from duchá.services.ledger import Ledger

    engine = open_ledger(locate(str(module_demo)))
    with session_scope(engine, write=False) as session:
        yield Ledger(session=session, actor="test", today=date(2026, 11, 30))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["immediate", "deadline", "long-term"]),
                          st.integers(0, 30), st.none() | st.integers(-5, 40)),
                min_size=1, max_size=30))
def test_finding_dues_is_finding_due_row_by_row(demo_lg: Any,
                                               rows: list[tuple[str, int, int | None]]) -> None:
    modes = [m for m, _, _ in rows]
    found = [date(2026, 3, 1) + timedelta(days=f) for _, f, _ in rows]
    due = [None if d is None else date(2026, 3, 1) + timedelta(days=d) for _, _, d in rows]
    expected: list = []
    refused = set()
    for i, (m, f, d) in enumerate(zip(modes, found, due, strict=True)):
        try:
            expected.append(validation.finding_due(demo_lg, mode=m, found=f, due=d,
                                                   long_term_open=True))
        except validation.Invalid:
            expected.append(None)
            refused.add(i)
    assert validation.finding_dues(demo_lg, modes=modes, found=found, due=due) == (
        expected, refused)
