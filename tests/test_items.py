"""Items: the whole life of a supervision item through the CLI, on a real ledger file."""

import csv
import io
import sqlite3

import pytest

from conftest import Runner, snapshot_db

AS_OF = ["--as-of", "2026-11-28"]


def add(cli: Runner, title: str, *extra: str) -> dict:
    r = cli("item", "add", title, "-f", "json", *AS_OF, *extra)
    assert r.exit_code == 0, r
    return r.json()[0]


@pytest.fixture
def items(ledger: Runner) -> Runner:
    add(ledger, "推进城区供热管网改造", "-c", "会议议定", "--lead", "zjj", "-u", "崆峒",
        "-u", "fgw", "--assigned", "2026-09-01", "--due", "2026-11-01", "--source", "常务会议")
    add(ledger, "办理学位供给建议", "-c", "建议", "--lead", "jyj", "--assigned", "2026-10-01",
        "--due", "2026-12-31")
    add(ledger, "市长批示：冬季取暖保障", "-c", "批示", "--lead", "kongtong",
        "--assigned", "2025-12-20", "--due", "+10d")
    return ledger


def test_numbers_follow_the_assigned_year(items: Runner) -> None:
    rows = items("item", "list", "-f", "json", *AS_OF).json()
    assert [(r["number"], r["due"]) for r in rows] == [
        ("DB-2025-0001", "2025-12-30"),
        ("DB-2026-0001", "2026-11-01"),
        ("DB-2026-0002", "2026-12-31"),
    ]
    first = rows[1]
    assert first["category"] == "meeting" and first["lead_unit"] == "zjj"
    assert first["units"] == "fgw;kongtong"


def test_filters(items: Runner) -> None:
    def numbers(*args: str) -> list[str]:
        r = items("item", "list", "-f", "json", *AS_OF, *args)
        assert r.exit_code == 0, r
        return [x["number"] for x in r.json()]

    assert numbers("--overdue") == ["DB-2025-0001", "DB-2026-0001"]
    assert numbers("--unit", "kongtong") == ["DB-2025-0001", "DB-2026-0001"]  # lead or shared
    assert numbers("--category", "proposal") == ["DB-2026-0002"]
    assert numbers("--search", "取暖") == ["DB-2025-0001"]
    assert numbers("--due-before", "2026-12-01") == ["DB-2025-0001", "DB-2026-0001"]
    assert numbers("--status", "done") == []


def test_progress_close_reopen_cancel(items: Runner) -> None:
    r = items("item", "progress", "DB-2026-0001", "完成管网招标", "--percent", "40",
              "--on", "2026-10-15", "-f", "json")
    assert r.exit_code == 0, r
    shown = items("item", "show", "2026-0001", "-f", "json", *AS_OF).json()
    assert shown["last_progress"] == "2026-10-15" and shown["percent"] == 40
    assert shown["progress"] == [{"on": "2026-10-15", "text": "完成管网招标", "percent": 40}]
    assert shown["days_overdue"] == 27

    assert items("item", "close", "DB-2026-0001", "--on", "2026-11-20").exit_code == 0
    r = items("item", "close", "DB-2026-0001")
    assert r.exit_code == 2 and "already done" in r.stderr
    assert items("item", "reopen", "DB-2026-0001").exit_code == 0
    r = items("item", "cancel", "DB-2026-0001", "--reason", "并入其他事项", "-f", "json")
    assert r.json()[0]["status"] == "cancelled"
    r = items("item", "progress", "DB-2026-0001", "x")
    assert r.exit_code == 2 and "cancelled" in r.stderr


def test_bare_sequence_numbers(items: Runner) -> None:
    assert items("item", "show", "2", "-f", "json").json()["number"] == "DB-2026-0002"
    r = items("item", "show", "1")
    assert r.exit_code == 2 and "ambiguous" in r.stderr
    assert "DB-2025-0001" in r.stderr and "DB-2026-0001" in r.stderr
    r = items("item", "show", "99")
    assert r.exit_code == 2 and "no item 99" in r.stderr


def test_edit_records_history(items: Runner, db_path) -> None:
    r = items("item", "edit", "DB-2026-0002", "--leader", "张副市长", "-u", "fgw", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["units"] == "fgw"
    con = sqlite3.connect(db_path)
    actions = con.execute("SELECT action FROM event WHERE subject='DB-2026-0002' ORDER BY id")
    assert [a for (a,) in actions] == ["add", "edit"]


def test_verbatim_hostile_text(ledger: Runner) -> None:
    for title in ("[bold]重点[/bold]", "=1+1", "'; DROP TABLE item; --"):
        add(ledger, title, "-c", "meeting", "--lead", "fgw", "--due", "2026-12-31")
    rows = ledger("item", "list", "-f", "json").json()
    assert sorted(r["title"] for r in rows) == sorted(
        ["[bold]重点[/bold]", "=1+1", "'; DROP TABLE item; --"])
    table = ledger("item", "list", "-f", "table").stdout
    assert "[bold]重点[/bold]" in table
    rows = list(csv.DictReader(io.StringIO(ledger("item", "list", "-f", "csv").stdout)))
    assert "=1+1" in [r["title"] for r in rows]


BAD = [
    (["item", "add", "x", "-c", "meeting", "--lead", "fgw", "--due", "2026-13-40"], "not a real"),
    (["item", "add", "x", "-c", "meeting", "--lead", "fgw", "--due", "next friday"],
     "is not a date"),
    (["item", "add", "x", "-c", "meeting", "--lead", "fgw", "--due", "2026-01-01",
      "--assigned", "2026-02-01"], "before the assigned date"),
    (["item", "add", "  ", "-c", "meeting", "--lead", "fgw", "--due", "2026-12-31"],
     "empty title"),
    (["item", "add", "x", "-c", "weather", "--lead", "fgw", "--due", "2026-12-31"],
     "unknown category"),
    (["item", "add", "x", "-c", "meeting", "--lead", "nowhere", "--due", "2026-12-31"],
     "unknown unit"),
    (["item", "add", "x", "-c", "meeting", "--due", "2026-12-31"], "Missing option '--lead'"),
    (["item", "close", "DB-2026-0001"], "already done"),
    (["item", "progress", "DB-2026-0002", "x"], "cancelled"),
    (["item", "progress", "DB-2026-0003", "x", "--percent", "140"], "between 0 and 100"),
    (["item", "show", "DB-2026-0099"], "no item"),
    (["item", "list", "--as-of", "yesterday-ish"], "--as-of"),
    (["item", "list", "-f", "yaml"], "unknown format"),
    (["unit", "add", "fgw", "重复"], "already exists"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_changes_nothing(ledger: Runner, db_path, args: list[str],
                                   message: str) -> None:
    for _ in range(3):
        add(ledger, "x", "-c", "meeting", "--lead", "fgw", "--due", "2026-12-31")
    assert ledger("item", "close", "1", *AS_OF).exit_code == 0
    assert ledger("item", "cancel", "2", "--reason", "dup").exit_code == 0
    before = snapshot_db(db_path)
    r = ledger(*args)
    assert r.exit_code == 2, r
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert snapshot_db(db_path) == before
