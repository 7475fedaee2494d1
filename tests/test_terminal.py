"""Behaviour on a real terminal (a pseudo-terminal): table by default, colour unless NO_COLOR."""

import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Runner


def _on_tty(args: list[str], env: dict[str, str], *, stderr_too: bool = False) -> str:
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "duchá", *args], stdout=slave,
                            stderr=slave if stderr_too else subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminal_gets_a_coloured_table_unless_no_color(ledger: Runner, db_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["COLUMNS"] = "120"
    coloured = _on_tty(["--db", str(db_path), "unit", "list"], {**env, "TERM": "xterm"})
    assert "───" in coloured and "平凉市教育局" in coloured
    assert "\x1b[" in coloured
    plain = _on_tty(["--db", str(db_path), "unit", "list"],
                    {**env, "NO_COLOR": "1", "TERM": "xterm"})
    assert "───" in plain and "\x1b[" not in plain


def test_event_timestamps_are_utc(ledger: Runner, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    stamps = [at for (at,) in con.execute("SELECT at FROM event")]
    assert stamps and all(at.endswith("+00:00") for at in stamps)
    actors = {a for (a,) in con.execute("SELECT actor FROM event")}
    assert actors and "" not in actors


def test_check_prints_a_summary_line_on_a_terminal(ledger: Runner, db_path: Path) -> None:
    for year, n in (("2025", 2), ("2026", 2)):
        for i in range(n):
            r = ledger("plan", "add", f"督查{year}-{i}", "--year", year, "--organizer", "fgw",
                       "--kind", "special", "--as-of", f"{year}-01-05")
            assert r.exit_code == 0, r
    assert ledger("plan", "quota", "set", "2026", "--max", "1").exit_code == 0
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    screen = _on_tty(["--db", str(db_path), "check", "--as-of", "2026-11-30"], env,
                     stderr_too=True)
    assert "plan-quota" in screen
    assert "1 error, 0 warnings, 0 notes as of 2026-11-30" in screen
    piped = ledger("check", "--as-of", "2026-11-30", "-f", "csv")
    assert piped.exit_code == 1 and piped.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize(("columns", "layout"), [("200", "table"), ("60", "records")])
def test_wide_screens_get_a_table_narrow_ones_a_record_per_block(
        ledger: Runner, db_path: Path, columns: str, layout: str) -> None:
    r = ledger("finding", "add", "城区供热投诉办理不及时，群众反映强烈", "-u", "kongtong", "--mode",
               "deadline", "--on", "2026-09-29", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    env = {**os.environ, "COLUMNS": columns, "TERM": "xterm", "NO_COLOR": "1"}
    screen = _on_tty(["--db", str(db_path), "finding", "list", "--as-of", "2026-11-28"], env)
    lines = screen.splitlines()
    assert all(len(line.rstrip()) <= int(columns) for line in lines)
    if layout == "table":
        row = next(line for line in lines if "WT-2026-0001" in line)
        for cell in ("kongtong", "城区供热投诉办理不及时，群众反映强烈", "2026-09-29", "2026-10-29",
                     "open", "red", "30"):
            assert cell in row, row
    else:
        assert "-[ 1 ]" in screen
        for field, value in (("number", "WT-2026-0001"), ("due", "2026-10-29"),
                             ("days_overdue", "30"), ("light", "red")):
            assert any(line.split() == [field, value] for line in lines), (field, screen)
