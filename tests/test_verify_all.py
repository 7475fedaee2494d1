"""`verify` covers every kind of record the commands write: the demo verifies, and a change made
behind duchá's back to any of them is named."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import Runner


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from duchá.cli import app
    from duchá.db import dispose_all

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    r = CliRunner().invoke(app, ["--db", str(path), "demo", "--as-of", "2026-11-30", "-f", "csv"])
    assert r.exit_code == 0, r.output
    dispose_all()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(demo_file)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def test_the_demo_verifies(cli: Runner, demo: Path) -> None:
    r = cli("verify", "-f", "json", db=demo)
    assert r.exit_code == 0, r
    rows = r.json()
    tables = [row["table"] for row in rows]
    assert {"item", "finding", "plan", "inspection", "quota", "progress", "extension",
            "accountability"} <= set(tables)
    assert len(tables) == len(set(tables)), tables  # one row a table
    con = sqlite3.connect(demo)
    for table in ("extension", "accountability"):
        (n,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert n > 0 and next(x for x in rows if x["table"] == table)["records"] == n
    con.close()


@pytest.mark.parametrize(("sql", "named"), [
    ("UPDATE finding SET status='verified' WHERE number='WT-2026-0001'", "WT-2026-0001"),
    ("UPDATE plan_entry SET status='cancelled' WHERE seq=1 AND year=2026", "JH-2026-001"),
    ("DELETE FROM inspection_target WHERE inspection_id=1", "DC-"),
    ("UPDATE quota SET max_count=99", "quota"),
    ("UPDATE extension SET status='approved' WHERE status='rejected'", "extend record"),
    ("UPDATE accountability SET measure='无'", "account record"),
    ("UPDATE item SET due='2027-01-01' WHERE seq=1", "DB-2026-0001"),
])
def test_a_change_behind_the_tools_back_is_named(cli: Runner, demo: Path, sql: str,
                                                 named: str) -> None:
    con = sqlite3.connect(demo)
    assert con.execute(sql).rowcount >= 1
    con.commit()
    con.close()
    r = cli("verify", db=demo)
    assert r.exit_code == 1, r
    assert named in r.stderr or named in r.stdout


def test_a_request_repeated_after_its_rejection_verifies(ledger: Runner) -> None:
    as_of = ("--as-of", "2026-09-15", "-f", "json")
    steps = (("finding", "add", "x", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-01"),
             ("finding", "extend", "1", "--to", "2026-11-01", "--reason", "r"),
             ("finding", "extend", "1", "--reject", "--by", "张"),
             ("finding", "extend", "1", "--to", "2026-11-01", "--reason", "r"))
    for args in steps:
        r = ledger(*args, *as_of)
        assert r.exit_code == 0, r
    v = ledger("verify", *as_of)
    assert v.exit_code == 0, v
    assert next(x for x in v.json() if x["table"] == "extension")["records"] == 2
