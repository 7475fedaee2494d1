"""The ledger file: creation, location, refusal of unusable files, formats, demo, pipes."""

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Runner, snapshot_db


def test_init_creates_an_owner_only_ledger(cli: Runner, db_path: Path) -> None:
    r = cli("init")
    assert r.exit_code == 0 and "created ledger" in r.stderr
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    from duchá.db import PAGE_SIZE

    # (a bulk import writes a quarter as many pages as with SQLite's default of 4096 bytes)
    assert con.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
    from duchá.models import SCHEMA_VERSION

    meta = dict(con.execute("SELECT key, value FROM ducha_meta"))
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    r = cli("init")
    assert r.exit_code == 3 and "already exists" in r.stderr


def test_missing_ledger_says_to_init(cli: Runner) -> None:
    r = cli("item", "list")
    assert r.exit_code == 3 and "duchá init" in r.stderr


def test_ducha_db_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from duchá.cli import app

    path = tmp_path / "env.db"
    monkeypatch.setenv("DUCHA_DB", str(path))
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    assert path.exists()


def _unusable(tmp_path: Path, kind: str) -> Path:
    if kind == "directory":
        return tmp_path
    path = tmp_path / f"{kind}.db"
    if kind == "text":
        path.write_text("these are my notes, not a ledger\n")
    elif kind == "other-sqlite":
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    elif kind in ("read-only", "newer"):
        from typer.testing import CliRunner

        from duchá.cli import app
        from duchá.db import dispose_all

        CliRunner().invoke(app, ["--db", str(path), "init"])
        dispose_all()
        if kind == "newer":
            con = sqlite3.connect(path)
            con.execute("UPDATE ducha_meta SET value='99' WHERE key='schema_version'")
            con.commit()
            con.close()
        else:
            path.chmod(0o400)
    return path


@pytest.mark.parametrize(("kind", "message"), [
    ("directory", "is a directory"),
    ("text", "not a duchá ledger"),
    ("other-sqlite", "not a duchá ledger"),
    ("read-only", "read-only"),
    ("newer", "newer than this duchá"),
])
def test_unusable_ledgers_exit_3(cli: Runner, tmp_path: Path, kind: str, message: str) -> None:
    path = _unusable(tmp_path, kind)
    before = path.read_bytes() if path.is_file() else None
    r = cli("unit", "add", "x", "某单位", db=path)
    assert r.exit_code == 3, r
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    if before is not None:
        assert path.read_bytes() == before


def test_output_file_with_encoding(ledger: Runner, tmp_path: Path) -> None:
    target = tmp_path / "units.csv"
    r = ledger("unit", "list", "-o", str(target), "--encoding", "gb18030")
    assert r.exit_code == 0 and r.stdout == ""
    text = target.read_bytes().decode("gb18030")
    assert "平凉市教育局" in text and text.startswith("code,name,short_name,kind,parent")
    r = ledger("unit", "list", "-o", str(target), "--encoding", "utf-8-sig")
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    r = ledger("unit", "list", "-o", str(tmp_path / "missing" / "u.csv"))
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_demo_csv_json_and_table_and_never_the_users_ledger(
        cli: Runner, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One test, as each demo takes seconds to build: in a new --db file (csv), then twice in
    its own file of the data directory (json, then table) while DUCHA_DB names the user's."""
    from typer.testing import CliRunner

    from duchá.cli import app

    r = cli("demo", "-f", "csv", "--as-of", "2026-11-30", db=tmp_path / "demo.db")
    assert r.exit_code == 0, r
    # One CSV document: each row says its section (summary, overdue, check).
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    summary = [x for x in rows if x["section"] == "summary"]
    assert len(summary) == 8 and sum(int(x["total"]) for x in summary) >= 40
    overdue = [x for x in rows if x["section"] == "overdue"]
    assert overdue and all(int(x["days_overdue"]) > 0 for x in overdue)
    listed = cli("item", "list", "--all", "-f", "csv", "--as-of", "2026-11-30",
                 db=tmp_path / "demo.db")
    assert len(list(csv.DictReader(io.StringIO(listed.stdout)))) == sum(
        int(x["total"]) for x in summary)

    cli("init")
    before = snapshot_db(db_path)
    monkeypatch.setenv("DUCHA_DB", str(db_path))
    shown = CliRunner().invoke(app, ["demo", "-f", "json", "--as-of", "2026-11-30"])
    assert shown.exit_code == 0, shown.output
    assert snapshot_db(db_path) == before
    data = json.loads(shown.stdout)
    assert {x["category"] for x in data["summary"]} >= {"policy", "instruction"}
    assert [x["number"] for x in data["overdue"]] == [x["number"] for x in overdue]
    (sample,) = (tmp_path / "xdg").rglob("demo.db")
    rows = {table: len(found) for table, found in snapshot_db(sample).items()}
    assert rows["item"] == len(listed.stdout.splitlines()) - 1

    shown = CliRunner().invoke(app, ["demo", "-f", "table", "--as-of", "2026-11-30"])
    assert shown.exit_code == 0, shown.output
    assert "领导批示" in shown.stdout and "───" in shown.stdout
    assert snapshot_db(db_path) == before
    # Made anew: the same sample again, not a second one added to the first.
    assert {table: len(found) for table, found in snapshot_db(sample).items()} == rows


def _ducha(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "duchá", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})


def test_pipe_defaults_to_csv_and_errors_have_no_traceback(cli: Runner, tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert cli("init", db=Path(db)).exit_code == 0  # set up in-process; the pipes are real
    assert cli("unit", "add", "fgw", "平凉市发展和改革委员会", db=Path(db)).exit_code == 0
    out = _ducha("unit", "list", "--db", db)
    assert out.returncode == 0
    assert list(csv.reader(io.StringIO(out.stdout))) == [
        ["code", "name", "short_name", "kind", "parent"],
        ["fgw", "平凉市发展和改革委员会", "发展和改革委员会", "other", ""]]
    bad = _ducha("--db", db, "item", "add", "x", "-c", "meeting", "--lead", "fgw",
                 "--due", "2026-02-30")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    dbg = _ducha("--db", db, "--debug", "item", "add", "x", "-c", "meeting", "--lead", "fgw",
                 "--due", "2026-02-30")
    assert "Traceback" in dbg.stderr
    # --debug adds the traceback and changes nothing else: the same line, the same code.
    assert dbg.returncode == 2 and dbg.stderr.endswith(bad.stderr), dbg.stderr
