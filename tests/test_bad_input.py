"""The bad-input matrix (issue 6): every command, given bad input, prints ONE line on stderr
starting "error:", exits with the right code, and leaves the ledger exactly as it was.

Cases of the commands on this branch (unit, item, config, init, verify, backup, restore, log
and the global options); the plan, inspection, finding, check, report, import and export
cases join at merge.  "{tmp}" in an argument is the test's folder, "{db}" the ledger.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import snapshot_db
from duchá.cli import app
from duchá.db import dispose_all

BAD, LEDGER = 2, 3

CASES: list[tuple[str, list[str], int, str]] = [
    # -- units
    ("unit-dup-code", ["unit", "add", "fgw", "重复单位"], BAD, "unit code 'fgw' already exists"),
    ("unit-dup-name", ["unit", "add", "edu", "平凉市教育局"], BAD, "already exists with code jyj"),
    ("unit-empty-code", ["unit", "add", " ", "新单位"], BAD, "empty unit code"),
    ("unit-space-code", ["unit", "add", "a b", "新单位"], BAD, "contains spaces"),
    ("unit-empty-name", ["unit", "add", "new", "  "], BAD, "empty unit name"),
    ("unit-kind", ["unit", "add", "new", "新单位", "--kind", "planet"], BAD, "planet"),
    ("unit-parent", ["unit", "add", "new", "新单位", "--parent", "nowhere"], BAD,
     "unknown unit 'nowhere'"),
    ("unit-ambiguous", ["unit", "show", "平凉市"], BAD, "is ambiguous"),
    ("unit-unknown", ["unit", "show", "财政"], BAD, "unknown unit '财政'"),
    ("unit-edit-nothing", ["unit", "edit", "fgw"], BAD, "nothing to change"),
    ("unit-edit-taken", ["unit", "edit", "fgw", "--code", "JYJ"], BAD, "already exists"),
    ("unit-own-parent", ["unit", "edit", "fgw", "--parent", "fgw"], BAD, "its own parent"),
    ("unit-list-kind", ["unit", "list", "--kind", "planet"], BAD, "planet"),
    # -- items
    ("item-empty-title", ["item", "add", "  ", "-c", "policy", "--lead", "fgw", "--due", "+3d"],
     BAD, "empty title"),
    ("item-category", ["item", "add", "t", "-c", "nonsense", "--lead", "fgw", "--due", "+3d"],
     BAD, "unknown category 'nonsense'"),
    ("item-lead", ["item", "add", "t", "-c", "policy", "--lead", "nowhere", "--due", "+3d"],
     BAD, "unknown unit 'nowhere'"),
    ("item-unit", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "-u", "平凉市",
                   "--due", "+3d"], BAD, "ambiguous"),
    ("item-unreal-date", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                          "2026-02-30"], BAD, "'2026-02-30' is not a real date"),
    ("item-far-date", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due", "+99999m"],
     BAD, "falls outside the calendar"),
    ("item-due-before", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                         "2020-01-01"], BAD, "is before the assigned date"),
    ("item-escape-date", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                          "0\n\x1b[2J\x1b]0;x\x07"], BAD,
     "'0\\n\\x1b[2J\\x1b]0;x\\x07' is not a date"),
    ("item-missing-lead", ["item", "add", "t", "-c", "policy", "--due", "+3d"], BAD,
     "Missing option '--lead'"),
    ("item-no-such", ["item", "show", "DB-2026-0099"], BAD, "no item DB-2026-0099"),
    ("item-wrong-prefix", ["item", "show", "WT-2026-0001"], BAD, "is not a item number"),
    ("item-superscript", ["item", "show", "²"], BAD, "'²' is not a item number"),
    ("item-huge-number", ["item", "show", "9" * 40], BAD, "is not a item number"),
    ("item-edit-nothing", ["item", "edit", "1"], BAD, "nothing to change"),
    ("item-edit-due", ["item", "edit", "1", "--due", "2020-01-01"], BAD,
     "is before the assigned date"),
    ("item-progress-empty", ["item", "progress", "1", " "], BAD, "empty progress note"),
    ("item-progress-percent", ["item", "progress", "1", "x", "--percent", "101"], BAD,
     "--percent must be between 0 and 100"),
    ("item-progress-early", ["item", "progress", "1", "x", "--on", "2020-01-01"], BAD,
     "before the item was assigned"),
    ("item-progress-done", ["item", "progress", "2", "x"], BAD, "is done"),
    ("item-close-done", ["item", "close", "2"], BAD, "already done"),
    ("item-reopen-open", ["item", "reopen", "1"], BAD, "already open"),
    ("item-cancel-reason", ["item", "cancel", "1", "--reason", " "], BAD, "empty --reason"),
    ("item-list-status", ["item", "list", "--status", "weird"], BAD, "weird"),
    ("item-list-date", ["item", "list", "--due-before", "someday"], BAD,
     "'someday' is not a date"),
    # -- settings
    ("config-unknown", ["config", "get", "nope"], BAD, "unknown setting 'nope'"),
    ("config-not-number", ["config", "set", "multi_headed.days", "abc"], BAD,
     "takes a whole number"),
    ("config-range", ["config", "set", "multi_headed.days", "0"], BAD, "must be between 1"),
    ("config-nan", ["config", "set", "repeat_inspection.similarity", "nan"], BAD,
     "must be between"),
    ("config-missing", ["config", "set", "multi_headed.days"], BAD, "Missing argument"),
    # -- the ledger itself and the global options
    ("init-existing", ["init"], LEDGER, "already exists; it was not changed"),
    ("as-of", ["item", "list", "--as-of", "soon"], BAD, "--as-of: 'soon' is not a date"),
    ("format", ["item", "list", "-f", "weird"], BAD, "unknown format 'weird'"),
    ("encoding", ["item", "list", "--encoding", "latin1"], BAD, "unknown encoding 'latin1'"),
    ("output-folder", ["item", "list", "-o", "{tmp}/no/such/x.csv"], BAD, "does not exist"),
    ("no-command", ["frobnicate"], BAD, "No such command 'frobnicate'"),
    ("no-ledger", ["--db", "{tmp}/missing.db", "item", "list"], LEDGER, "no ledger at"),
    ("not-a-ledger", ["--db", "{tmp}/notes.txt", "verify"], LEDGER, "is not a duchá ledger"),
    ("ledger-is-dir", ["--db", "{tmp}", "unit", "list"], LEDGER, "is a directory"),
    # -- verify, log, backup, restore
    ("verify-missing", ["--db", "{tmp}/missing.db", "verify"], LEDGER, "no ledger at"),
    ("verify-extra", ["verify", "now"], BAD, "unexpected extra argument"),
    ("log-unknown", ["log", "DB-2026-0099"], BAD, "no history for 'DB-2026-0099'"),
    ("log-empty", ["log", " "], BAD, "empty subject"),
    ("log-since", ["log", "--since", "last tuesday"], BAD, "'last tuesday' is not a date"),
    ("backup-exists", ["backup", "{tmp}/exists.db"], BAD, "already exists; pass --force"),
    ("backup-folder", ["backup", "{tmp}/no/such/x.db"], BAD, "does not exist"),
    ("backup-itself", ["backup", "{db}", "--force"], BAD, "is the ledger itself"),
    ("backup-missing-ledger", ["--db", "{tmp}/missing.db", "backup", "{tmp}/b.db"], LEDGER,
     "no ledger at"),
    ("restore-missing", ["restore", "{tmp}/nothing.db"], BAD, "no backup file at"),
    ("restore-not-ledger", ["restore", "{tmp}/notes.txt"], BAD, "is not a duchá ledger backup"),
    ("restore-itself", ["restore", "{db}"], BAD, "is the ledger itself"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ledger built once: five units, item 1 open, item 2 done."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    run = CliRunner()

    def ok(*args: str) -> None:
        r = run.invoke(app, ["--db", str(path), "--as-of", "2026-06-01", "-f", "csv", *args])
        assert r.exit_code == 0, r.stderr

    ok("init")
    for code, name in (("kongtong", "平凉市崆峒区人民政府"), ("jingchuan", "泾川县人民政府"),
                       ("fgw", "平凉市发展和改革委员会"), ("jyj", "平凉市教育局"),
                       ("zjj", "平凉市住房和城乡建设局")):
        ok("unit", "add", code, name)
    ok("item", "add", "推进城区供热管网改造", "-c", "meeting", "--lead", "zjj", "-u", "fgw",
       "--due", "+30d")
    ok("item", "add", "市长关于冬季取暖保障的批示", "-c", "批示", "--lead", "jyj", "--due", "+5wd")
    ok("item", "close", "2")
    dispose_all()  # checkpoints the WAL: the file alone is the ledger
    return path


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()
            if not p.name.endswith(("-wal", "-shm")) and p.name != "xdg"}


@pytest.mark.parametrize(("args", "code", "says"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input(template: Path, tmp_path: Path, args: list[str], code: int,
                   says: str) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(template, db)
    (tmp_path / "exists.db").write_text("keep")
    (tmp_path / "notes.txt").write_text("not a ledger\n")
    before, files = snapshot_db(db), _files(tmp_path)
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{db}", str(db)) for a in args]
    r = CliRunner().invoke(app, ["--db", str(db), "--as-of", "2026-06-01", "-f", "csv", *argv])
    assert r.exit_code == code, (r.exit_code, r.stderr)
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, repr(r.stderr)
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert says in r.stderr, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert snapshot_db(db) == before
    assert _files(tmp_path) == files
    assert (tmp_path / "exists.db").read_text() == "keep"
