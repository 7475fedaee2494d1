"""Shared fixtures: every test gets its own ledger file and data directory in tmp_path."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from duchá.cli import app
from duchá.db import dispose_all

# Typer's CliRunner builds the Click command tree from the Typer app on every invoke (a tenth
# of a second, most of a short command).  The tree never changes, so every test shares one,
# as one real run of `duchá` builds it once.
typer.testing._get_command = functools.cache(typer.main.get_command)  # type: ignore[assignment]

DEMO_AS_OF = "2026-11-30"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No test touches the real user data directory or a real clock-dependent default."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DUCHA_DB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    dispose_all()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo city as of DEMO_AS_OF, built once per session through the real `demo`
    command.  Read-only: fixtures copy it (demo_copy) rather than change it."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    r = CliRunner().invoke(app, ["--db", str(path), "--as-of", DEMO_AS_OF, "-f", "csv", "demo"])
    assert r.exit_code == 0, r.output
    dispose_all()  # checkpoints the WAL: the file alone is the ledger
    return path


def demo_copy(template: Path, folder: Path, name: str = "demo.db") -> Path:
    """A fresh copy of the demo ledger in `folder`, for a test or a module to use."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(template, folder / name))


@pytest.fixture
def report(record_property: Callable[[str, object], None]) -> Callable[[str], None]:
    """Show a line (a test's counts: runs, kills, seeds) in the run's summary.  Printing from
    the test would be lost under pytest-xdist; a report property reaches the controller."""

    def say(line: str) -> None:
        record_property("report", line)

    return say


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [value for key in ("passed", "failed") for rep in terminalreporter.stats.get(key, [])
             if getattr(rep, "when", "call") == "call"
             for name, value in getattr(rep, "user_properties", ()) if name == "report"]
    if lines:
        terminalreporter.section("counts")
        for line in lines:
            terminalreporter.write_line(str(line))


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<Result {self.exit_code} stdout={self.stdout[:500]!r} stderr={self.stderr!r}>"


Runner = Callable[..., Result]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def cli(db_path: Path) -> Runner:
    """Run duchá against the test ledger: cli("item", "list", "-f", "json")."""
    runner = CliRunner()

    def run(*args: str, db: Path | None = None, input: str | None = None) -> Result:
        r = runner.invoke(app, ["--db", str(db or db_path), *args], input=input)
        if r.exception and not isinstance(r.exception, SystemExit):
            raise r.exception
        return Result(r.exit_code, r.stdout, r.stderr)

    return run


@pytest.fixture(scope="module")
def module_demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory,
                request: pytest.FixtureRequest) -> Path:
    """A copy of the demo city shared by one module's tests, made once for the module."""
    return demo_copy(demo_template, tmp_path_factory.mktemp(request.module.__name__))


@pytest.fixture
def on_demo(cli: Runner, module_demo: Path) -> Runner:
    """Run duchá on the module's demo copy as of DEMO_AS_OF."""
    def run(*args: str) -> Result:
        return cli("--as-of", DEMO_AS_OF, *args, db=module_demo)

    return run


# The units of the test ledgers: two counties and three departments of one city.
UNITS = (
    ("kongtong", "平凉市崆峒区人民政府", "county"),
    ("jingchuan", "泾川县人民政府", "county"),
    ("fgw", "平凉市发展和改革委员会", "department"),
    ("jyj", "平凉市教育局", "department"),
    ("zjj", "平凉市住房和城乡建设局", "department"),
)


@pytest.fixture
def ledger(cli: Runner) -> Runner:
    """A fresh ledger with the five UNITS."""
    assert cli("init").exit_code == 0
    for code, name, kind in UNITS:
        r = cli("unit", "add", code, name, "--kind", kind)
        assert r.exit_code == 0, r
    return cli


def snapshot_db(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to prove that a failed command changed nothing."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        con.close()


def unguard(path: Path) -> None:
    """What an attacker does first to rewrite the history: drop the triggers that make the
    event table refuse UPDATE and DELETE (schema 3)."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        con.executescript("DROP TRIGGER IF EXISTS event_no_update; "
                          "DROP TRIGGER IF EXISTS event_no_delete;")
    finally:
        con.close()


def migration_step(filename: str):
    """A migration script of duchá/storage/migrations/versions loaded as a module, to compare
    what it froze with what models.py declares now."""
    import importlib.util

    path = Path(__file__).parent.parent / "duchá" / "storage" / "migrations" / "versions" / filename
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    step = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(step)
    return step
