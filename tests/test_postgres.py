"""One ledger shared on a PostgreSQL server (DESIGN.md "Storage": any SQLAlchemy URL).

These tests run where DUCHA_TEST_PG names a PostgreSQL role that may create databases, e.g.
postgresql+psycopg://ducha:ducha@127.0.0.1/ducha (`.ci/run` provisions a server and sets it);
without it they skip, saying so.  Each test works in a database of its own, made for it and
dropped after it.  The databases collate Chinese by pinyin (ICU `zh`), as an office's would,
so that any ORDER BY leaning on the server's locale shows up as a difference from SQLite.

The strongest check is `test_the_office_story_reads_the_same_as_on_sqlite`: one office's year
told through the CLI to a SQLite file and to PostgreSQL, every output compared.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import Result, Runner
from duchá.cli import app
from duchá.db import dispose_all

ADMIN_ENV = "DUCHA_TEST_PG"
AS_OF = "2026-06-01"
BAD, LEDGER = 2, 3


# --- databases -------------------------------------------------------------------------------


def _admin_url() -> str:
    url = os.environ.get(ADMIN_ENV, "").strip()
    if not url:
        pytest.skip(f"{ADMIN_ENV} is unset: no PostgreSQL server to test against "
                    "(set it to a URL of a role that may create databases; .ci/run does)")
    return url


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (no "+psycopg" driver suffix)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _connect(url: str, *, autocommit: bool = True) -> Any:
    import psycopg

    return psycopg.connect(_libpq(url), autocommit=autocommit)


@contextmanager
def new_database(admin: str) -> Iterator[str]:
    """A new, empty database collated for Chinese; its SQLAlchemy URL.  Dropped afterwards."""
    from sqlalchemy.engine import make_url

    name = f"ducha_test_{uuid.uuid4().hex[:12]}"
    import psycopg

    with _connect(admin) as con:  # CREATE DATABASE cannot run inside a transaction
        try:
            con.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                        "LOCALE_PROVIDER icu ICU_LOCALE 'zh' LOCALE 'C'")
        except psycopg.errors.Error:
            # A server built without ICU: the server's own default collation, still not C
            # when the cluster was made with a real locale.
            con.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_all()  # our pooled connections would keep the database open
        with _connect(admin) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url() -> Iterator[str]:
    with new_database(_admin_url()) as url:
        yield url


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (sorted: some tables have no single-column key)."""
    with _connect(url) as con:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "ORDER BY table_name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}


def runner(db: str) -> Runner:
    cli = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        r = cli.invoke(app, ["--db", db, *args], input=input)
        if r.exception and not isinstance(r.exception, SystemExit):
            raise r.exception
        return Result(r.exit_code, r.stdout, r.stderr)

    return run


def one_error(r: Result, code: int, says: str) -> None:
    """The error contract: exit code, one `error:` line on stderr, nothing on stdout."""
    assert r.exit_code == code, r
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, repr(r.stderr)
    assert says in r.stderr, r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr


# --- the story, told twice -------------------------------------------------------------------

ITEMS_CSV = (
    "title,category,lead_unit,units,assigned,due\n"
    "老旧小区改造,target,kongtong,,2026-05-01,2026-12-01\n"
    "减税降费政策落实,policy,JYJ,fgw;zjj,2026-05-10,2026-05-20\n"
)
UNITS_CSV = "code,name,kind\nhuating,华亭市人民政府,county\nczj,平凉市财政局,department\n"
PLANS_CSV = ("title,kind,organizer,targets,start,end,planned\n"
             "安全生产专项督查,special,zjj,huating;czj,2026-06-01,2026-06-20,否\n")
FINDINGS_CSV = ("unit,description,severity,mode,found_on,due,status,rectified_on\n"
                "huating,台账未及时更新,serious,deadline,2026-05-12,6月底前,rectified,2026-05-30\n"
                "czj,资金拨付滞后,general,long-term,2026-05-14,长期,,\n")

# (label, arguments).  Every step runs as of AS_OF unless it says otherwise.  Unit codes mix
# cases ("JYJ") and the names are Chinese, so byte order and pinyin order disagree.
STORY: list[tuple[str, tuple[str, ...]]] = [
    ("unit-kongtong", ("unit", "add", "kongtong", "平凉市崆峒区人民政府", "--kind", "county")),
    ("unit-jingchuan", ("unit", "add", "jingchuan", "泾川县人民政府", "--kind", "county")),
    ("unit-fgw", ("unit", "add", "fgw", "平凉市发展和改革委员会", "--kind", "department")),
    ("unit-jyj", ("unit", "add", "JYJ", "平凉市教育局", "--kind", "department")),
    ("unit-zjj", ("unit", "add", "zjj", "平凉市住房和城乡建设局", "--kind", "department")),
    ("unit-dup", ("unit", "add", "jyj", "平凉市教育局")),
    ("unit-list", ("unit", "list", "-f", "json")),
    ("unit-show-part", ("unit", "show", "发展和改革", "-f", "json")),
    ("unit-show-code-case", ("unit", "show", "jyj", "-f", "json")),
    ("unit-ambiguous", ("unit", "show", "平凉市")),
    ("unit-edit", ("unit", "edit", "JYJ", "--name", "平凉市教育局（体育局）")),
    ("item-1", ("item", "add", "推进城区供热管网改造 ABC", "-c", "会议议定", "--lead", "zjj",
                "-u", "崆峒", "--due", "+30d", "--source", "市政府常务会议")),
    ("item-2", ("item", "add", "市长关于冬季取暖保障的批示", "-c", "批示", "--lead", "JYJ",
                "--due", "+5wd")),
    ("item-3", ("item", "add", "100% 完成污水管网建设", "-c", "target", "--lead", "fgw",
                "--assigned", "2026-04-01", "--due", "2026-05-01")),
    ("item-progress", ("item", "progress", "1", "完成管网招标", "--percent", "40")),
    ("item-list", ("item", "list", "-f", "json")),
    ("search-case", ("item", "list", "--search", "abc", "-f", "json")),
    ("search-percent", ("item", "list", "--search", "100%", "-f", "json")),
    ("search-chinese", ("item", "list", "--search", "批示", "-f", "json")),
    ("search-source", ("item", "list", "--search", "常务会议", "-f", "json")),
    ("item-overdue", ("item", "list", "--overdue", "-f", "json")),
    ("item-close", ("item", "close", "2")),
    ("item-reopen", ("item", "reopen", "2")),
    ("item-close-again", ("item", "close", "2", "--on", "2026-06-01")),
    ("item-extend", ("item", "extend", "1", "--to", "2026-12-31", "--reason", "冬季停工")),
    ("item-extend-ok", ("item", "extend", "1", "--approve", "--by", "张市长")),
    ("item-account", ("item", "account", "3", "--who", "发改委分管负责人", "--measure", "约谈",
                      "--basis", "实施意见第十条")),
    ("item-show", ("item", "show", "1", "-f", "json")),
    ("quota", ("plan", "quota", "set", "2026", "--max", "1")),
    ("plan-1", ("plan", "add", "营商环境综合督查", "--year", "2026", "--organizer", "fgw",
                "--kind", "comprehensive", "-t", "崆峒", "-t", "泾川", "--from", "2026-03",
                "--to", "2026-04")),
    ("plan-2", ("plan", "add", "校园安全暗访", "--year", "2026", "--organizer", "JYJ", "--kind",
                "special", "--unplanned")),
    ("plan-approve", ("plan", "approve", "JH-2026-002", "--by", "张市长", "--on", "2026-02-20",
                      "--ref", "平政办函〔2026〕12号")),
    ("quota-show", ("plan", "quota", "show", "2026", "-f", "json")),
    ("plan-list", ("plan", "list", "-f", "json")),
    ("inspect-1", ("inspect", "add", "营商环境综合督查", "--lead", "fgw", "--with", "JYJ",
                   "--method", "实地", "-t", "崆峒", "-t", "泾川", "--from", "2026-03-02",
                   "--to", "2026-03-10", "--plan", "JH-2026-001", "--item", "1")),
    ("inspect-2", ("inspect", "add", "供热管网专项督查", "--lead", "zjj", "--method", "on-site",
                   "-t", "kongtong", "--from", "2026-04-02")),
    ("inspect-finish", ("inspect", "finish", "DC-2026-001", "--on", "2026-03-10")),
    ("inspect-report", ("inspect", "report", "DC-2026-001", "--summary", "总体良好",
                        "--approved-by", "张市长", "--approved-on", "2026-03-20")),
    ("inspect-list", ("inspect", "list", "-f", "json")),
    ("finding-1", ("finding", "add", "投诉办理不及时", "--unit", "崆峒", "--inspection",
                   "DC-2026-001", "--mode", "限期整改", "--on", "2026-03-05")),
    ("finding-2", ("finding", "add", "台账不全", "--unit", "泾川", "--inspection", "DC-2026-001",
                   "--mode", "立行立改", "--on", "2026-03-05")),
    ("finding-3", ("finding", "add", "储煤不足", "--unit", "zjj", "--item", "1", "--mode",
                   "deadline", "--severity", "serious", "--on", "2026-05-20")),
    ("finding-plan", ("finding", "plan", "WT-2026-0001", "一周内建立投诉台账", "--on",
                      "2026-03-08")),
    ("finding-rectify", ("finding", "rectify", "1", "--evidence", "台账及回访记录", "--on",
                         "2026-03-20")),
    ("finding-verify", ("finding", "verify", "1", "--by", "王科长", "--lookback", "+1m",
                        "--on", "2026-03-25")),
    ("finding-lookback", ("finding", "lookback", "1", "--result", "rebound", "--on",
                          "2026-04-25")),
    ("finding-extend", ("finding", "extend", "1", "--to", "2026-07-15", "--reason", "汛期",
                        "--on", "2026-04-01")),
    ("finding-extend-ok", ("finding", "extend", "1", "--approve", "--by", "张主任", "--on",
                           "2026-04-02")),
    ("finding-account", ("finding", "account", "2", "--who", "某局长", "--measure", "通报批评",
                         "--basis", "实施意见")),
    ("finding-illegal", ("finding", "verify", "3", "--by", "王科长")),
    ("finding-list", ("finding", "list", "-f", "json")),
    ("finding-show", ("finding", "show", "1", "-f", "json")),
    ("import-units", ("import", "units", "{tmp}/units.csv")),
    ("unit-after-import", ("unit", "add", "sthjj", "平凉市生态环境局", "--kind", "department")),
    ("import-items", ("import", "items", "{tmp}/items.csv")),
    ("item-after-import", ("item", "add", "导入后新增事项", "-c", "assigned", "--lead", "czj",
                           "--due", "+10d")),
    ("import-plans", ("import", "plans", "{tmp}/plans.csv")),
    ("import-findings", ("import", "findings", "{tmp}/findings.csv")),
    ("finding-after-import", ("finding", "add", "导入后新增问题", "--unit", "czj", "--mode",
                              "立行立改", "--on", "2026-05-20")),
    ("imported-findings", ("finding", "list", "--all", "-f", "json")),
    ("check", ("check", "-f", "json")),
    ("check-rule", ("check", "--rule", "plan-quota", "-f", "json")),
    ("report-status", ("report", "status", "-f", "json")),
    ("report-overdue", ("report", "overdue", "-f", "json", "--fail-on", "red")),
    ("report-weekly", ("report", "weekly", "--week", "2026-W22")),
    ("report-units", ("report", "units", "--year", "2026", "-f", "json")),
    ("report-inspection", ("report", "inspection", "DC-2026-001")),
    ("export-json", ("export", "-f", "json")),
    ("export-items-csv", ("export", "items", "-f", "csv")),
    ("export-xlsx", ("export", "-f", "xlsx", "-o", "{tmp}/out.xlsx")),
    ("log-item", ("log", "DB-2026-0001", "-f", "json")),
    ("log-unit", ("log", "教育局", "-f", "json")),
    ("log-all", ("log", "--full", "-f", "json")),
    ("verify", ("verify", "-f", "json")),
]

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")
_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_HEAD = re.compile(r"\b[0-9a-f]{12,63}\b")  # the chain head, shortened in messages


def _tell(db: str, folder: Path, where: str) -> dict[str, tuple[int, str, str]]:
    """Run the story; each step's exit code, stdout and stderr, with what must differ
    between two ledgers (where it is, when it was written, hence the hashes) blanked."""
    folder.mkdir()
    (folder / "items.csv").write_text(ITEMS_CSV, encoding="utf-8")
    (folder / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    (folder / "plans.csv").write_text(PLANS_CSV, encoding="utf-8")
    (folder / "findings.csv").write_text(FINDINGS_CSV, encoding="utf-8")
    run = runner(db)
    assert run("init").exit_code == 0
    out = {}
    for label, args in STORY:
        argv = [a.replace("{tmp}", str(folder)) for a in args]
        r = run("--as-of", AS_OF, *argv)

        def norm(text: str) -> str:
            text = text.replace(where, "<ledger>").replace(str(folder), "<tmp>")
            return _HEAD.sub("<hash>", _HASH.sub("<hash>", _TIMESTAMP.sub("<at>", text)))

        out[label] = (r.exit_code, norm(r.stdout), norm(r.stderr))
    return out


def _xlsx(path: Path) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return {ws.title: [[_TIMESTAMP.sub("<at>", c) if isinstance(c, str) else c for c in row]
                       for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_the_office_story_reads_the_same_as_on_sqlite(pg_url: str, tmp_path: Path) -> None:
    from duchá.db import locate

    sqlite_db = tmp_path / "ledger.db"
    lite = _tell(str(sqlite_db), tmp_path / "lite", str(sqlite_db))
    dispose_all()
    pg = _tell(pg_url, tmp_path / "pg", str(locate(pg_url)))
    differ = [(label, lite[label], pg[label]) for label, _ in STORY if lite[label] != pg[label]]
    assert not differ, differ[:3]
    assert _xlsx(tmp_path / "lite" / "out.xlsx") == _xlsx(tmp_path / "pg" / "out.xlsx")

    # Equal is not enough: both could be wrong.  What a clerk sees on PostgreSQL:
    failing = {"unit-dup": BAD, "unit-ambiguous": BAD, "finding-illegal": BAD, "check": 1,
               "check-rule": 1, "report-overdue": 1}
    assert {label: pg[label][0] for label, _ in STORY if pg[label][0]} == failing, pg

    def rows(label: str) -> Any:
        code, stdout, stderr = pg[label]
        assert code == 0, (label, stderr)
        return json.loads(stdout)

    def numbers(label: str) -> list[str]:
        return [r["number"] for r in rows(label)]

    # Byte order, as on SQLite, whatever the server's collation (pinyin would put fgw first).
    assert [u["code"] for u in rows("unit-list")] == ["JYJ", "fgw", "jingchuan", "kongtong",
                                                       "zjj"]
    assert rows("unit-show-part")["code"] == "fgw"
    assert rows("unit-show-code-case")["code"] == "JYJ"
    for label, says in (("unit-dup", "already exists"), ("unit-ambiguous", "is ambiguous"),
                        ("finding-illegal", "")):
        code, stdout, stderr = pg[label]
        assert code == BAD and stdout == "" and stderr.startswith("error: ") and says in stderr
    assert numbers("item-list") == ["DB-2026-0003", "DB-2026-0002", "DB-2026-0001"]
    assert numbers("search-case") == ["DB-2026-0001"]  # ASCII case ignored on both
    assert numbers("search-percent") == ["DB-2026-0003"]  # "%" is a character, not a pattern
    assert numbers("search-chinese") == ["DB-2026-0002"]
    assert numbers("search-source") == ["DB-2026-0001"]
    assert numbers("item-overdue") == ["DB-2026-0003"]
    assert rows("item-show")["due"] == "2026-12-31"
    assert [(f["number"], f["status"]) for f in rows("finding-list")] == [
        ("WT-2026-0002", "open"), ("WT-2026-0003", "open"), ("WT-2026-0001", "reopened")]
    show = rows("finding-show")
    assert show["due"] == "2026-07-15"
    assert [h["action"] for h in show["history"]][:5] == [
        "add", "plan", "rectify", "verify", "lookback"]
    # Imports continue the numbering and ordinary adds continue after them (the sequences).
    assert pg["unit-after-import"][0] == 0 and pg["item-after-import"][0] == 0
    assert pg["finding-after-import"][0] == 0, pg["finding-after-import"]
    # (A long-term finding, with no due date, lists after the dated ones on both databases.)
    assert [(f["number"], f["status"], f["due"]) for f in rows("imported-findings")
            if f["number"] >= "WT-2026-0004"] == [
        ("WT-2026-0006", "open", "2026-05-27"), ("WT-2026-0004", "rectified", "2026-06-30"),
        ("WT-2026-0005", "open", None)]
    export = rows("export-json")
    assert [i["number"] for i in export["items"]] == [f"DB-2026-{n:04d}" for n in range(1, 7)]
    assert [u["code"] for u in export["units"]] == ["JYJ", "czj", "fgw", "huating", "jingchuan",
                                                    "kongtong", "sthjj", "zjj"]
    code, stdout, _ = pg["check"]
    assert code == 1
    assert {"plan-quota", "unplanned-approval", "item-overdue"} <= {
        v["rule"] for v in json.loads(stdout)}
    assert pg["report-overdue"][0] == 1  # --fail-on red: item 3 is red
    assert pg["report-weekly"][1].startswith("# 督查工作周报 2026-W22")
    assert "总体良好" in pg["report-inspection"][1]
    assert [r["action"] for r in rows("log-item")][:2] == ["add", "progress"]
    assert rows("log-unit")[0]["subject"] == "JYJ"
    assert pg["verify"][0] == 0 and pg["verify"][2].startswith("verified: ")


def test_the_demo_city_reads_the_same_as_on_sqlite(pg_url: str, tmp_path: Path) -> None:
    """The sample prefecture-level city: hundreds of records through every service."""
    commands = [("demo",), ("check",), ("report", "status"), ("report", "units", "--year", "2026"),
                ("report", "weekly", "--week", "2026-W48"), ("finding", "list"), ("export",)]
    seen = []
    for db in (str(tmp_path / "demo.db"), pg_url):
        run = runner(db)
        seen.append([(r.exit_code, r.stdout) for r in (
            run("--as-of", "2026-11-30", "-f", "json", *args) for args in commands)])
        dispose_all()
    assert seen[0] == seen[1]
    assert seen[1][0][0] == 0 and len(json.loads(seen[1][-1][1])["findings"]) > 10


# --- the ledger itself -----------------------------------------------------------------------


def test_init_records_the_schema_and_refuses_a_second_time(pg_url: str) -> None:
    from duchá.models import SCHEMA_VERSION
    from duchá.storage.migrate import revision

    run = runner(pg_url)
    r = run("init")
    assert r.exit_code == 0, r
    assert "ducha:***@" in r.stderr and ":ducha@" not in r.stderr  # no password shown
    with _connect(pg_url) as con:
        meta = dict(con.execute("SELECT key, value FROM ducha_meta").fetchall())
        alembic = con.execute("SELECT version_num FROM alembic_version").fetchall()
    assert meta == {"application_id": "duchá ledger", "schema_version": str(SCHEMA_VERSION)}
    assert alembic == [(revision(SCHEMA_VERSION),)]
    before = dump(pg_url)
    one_error(run("init"), LEDGER, "already holds a duchá ledger")
    assert dump(pg_url) == before

    # Opening it again is one small query: no migration, Alembic not even imported.
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom duchá.cli import app\n"
            f"r = CliRunner().invoke(app, ['--db', {pg_url!r}, 'unit', 'list', '-f', 'csv'])\n"
            "print(r.exit_code, 'alembic' in sys.modules, repr(r.stderr))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "0 False ''"
    assert dump(pg_url) == before

    # A newer schema is refused, as on SQLite.
    with _connect(pg_url) as con:
        con.execute("UPDATE ducha_meta SET value = %s WHERE key = 'schema_version'",
                    (str(SCHEMA_VERSION + 1),))
    one_error(run("unit", "list"), LEDGER, f"schema version {SCHEMA_VERSION + 1}, newer")


def test_a_schema_1_ledger_on_the_server_is_migrated_when_opened(pg_url: str) -> None:
    """Schema 1 -> this one (the event hash chain, append-only events, CHECK constraints,
    subject triggers, units' short names) through the Alembic scripts, on PostgreSQL."""
    import psycopg

    run = runner(pg_url)
    for args in (("init",), ("unit", "add", "zjj", "平凉市住房和城乡建设局"),
                 ("item", "add", "供热", "-c", "meeting", "--lead", "zjj", "--due", "+30d"),
                 ("item", "progress", "1", "开工")):
        assert run("--as-of", AS_OF, *args).exit_code == 0
    current = dump(pg_url)
    dispose_all()
    from duchá.models import CHECKS, SCHEMA_VERSION

    with _connect(pg_url) as con:  # what schema 1 looked like: no chain, no ix_event_on,
        # events open to UPDATE, a created_at column on the records, no CHECK constraints,
        # no triggers keeping extensions' subjects
        for table in ("extension", "accountability"):
            con.execute(f"DROP TRIGGER {table}_subject ON {table}")
        for table in ("item", "finding"):
            con.execute(f"DROP TRIGGER {table}_subject_kept ON {table}")
        con.execute("DROP FUNCTION ducha_subject_exists()")
        con.execute("DROP FUNCTION ducha_subject_kept()")
        cycle = ("reminder_line", "reminder", "feedback", "form_sheet", "form_round")
        for table in cycle:  # schema 8, the weekly cycle
            con.execute(f"DROP TABLE {table}")
        for table, checks in CHECKS.items():
            for name, _ in checks:
                if table not in cycle:
                    con.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        con.execute("DROP TRIGGER event_append_only ON event")
        con.execute("DROP FUNCTION ducha_event_append_only()")
        con.execute("UPDATE event SET prev_hash = NULL, hash = NULL")
        con.execute("DROP INDEX ix_event_on")
        con.execute("DROP INDEX ix_unit_short_name")  # schema 6: units' short names
        con.execute("ALTER TABLE unit DROP COLUMN short_name")
        for table in ("unit", "item", "progress", "plan_entry", "inspection", "finding",
                      "extension", "accountability"):
            con.execute(f"ALTER TABLE {table} ADD COLUMN created_at VARCHAR(32) NOT NULL "
                        "DEFAULT '2026-01-01T00:00:00.000000+00:00'")
        # schema 7: items' dates could not be empty and there was no 备注
        con.execute("ALTER TABLE item DROP COLUMN remarks")
        con.execute("ALTER TABLE item ALTER COLUMN assigned SET NOT NULL")
        con.execute("ALTER TABLE item ALTER COLUMN due SET NOT NULL")
        # schema 9: events were indexed by their timestamp, findings' indexes held every row
        con.execute("CREATE INDEX ix_event_at ON event (at)")
        for name, columns in (("ix_finding_inspection", "inspection_id"),
                              ("ix_finding_item", "item_id"),
                              ("ix_finding_lookback", "status, lookback_due")):
            con.execute(f"DROP INDEX {name}")
            con.execute(f"CREATE INDEX {name} ON finding ({columns})")
        con.execute("UPDATE ducha_meta SET value = '1' WHERE key = 'schema_version'")
        con.execute("UPDATE alembic_version SET version_num = '0001'")
    r = run("verify")
    assert r.exit_code == 0, r
    assert "no copy taken" in r.stderr and f"migrated from schema 1 to {SCHEMA_VERSION}" in r.stderr
    assert dump(pg_url) == current  # the chain rebuilt exactly as duchá writes it
    with _connect(pg_url) as con:
        assert con.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_event_on'").fetchone()
        assert not con.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_event_at'"
                               ).fetchone()
        assert con.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_finding_item'"
                           ).fetchone()[0].endswith("WHERE (item_id IS NOT NULL)")
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            con.execute("DELETE FROM event")
        names = {r[0] for r in con.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conrelid <> 0")}
        assert names == {name for checks in CHECKS.values() for name, _ in checks}
        with pytest.raises(psycopg.errors.CheckViolation, match="ck_progress_percent"):
            con.execute("UPDATE progress SET percent = 140")
        assert con.execute(
            "SELECT column_name, is_nullable, collation_name FROM information_schema.columns "
            "WHERE table_name = 'item' AND column_name IN ('assigned', 'due', 'remarks') "
            "ORDER BY column_name").fetchall() == [
            ("assigned", "YES", None), ("due", "YES", None), ("remarks", "YES", "C")]
    r = run("verify")
    assert r.exit_code == 0 and "migrat" not in r.stderr  # once only


def test_init_refuses_a_database_with_other_tables(pg_url: str) -> None:
    with _connect(pg_url) as con:
        con.execute("CREATE TABLE payroll (id int)")
    one_error(runner(pg_url)("init"), LEDGER, "is not empty (tables: payroll)")
    assert list(dump(pg_url)) == ["payroll"]


def test_a_server_that_refuses_the_login_is_one_line_without_the_password(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    wrong = make_url(pg_url).set(password="not-the-Secret").render_as_string(
        hide_password=False)
    r = runner(wrong)("item", "list")
    one_error(r, LEDGER, "cannot open ledger")
    assert "not-the-Secret" not in r.stderr


def test_backup_and_restore_say_to_use_pg_dump(pg_url: str, tmp_path: Path) -> None:
    run = runner(pg_url)
    assert run("init").exit_code == 0
    before = dump(pg_url)
    r = run("backup", str(tmp_path / "copy.db"))
    one_error(r, BAD, "works on SQLite ledger files only")
    assert "back it up with pg_dump" in r.stderr and ":ducha@" not in r.stderr
    (tmp_path / "copy.db").write_bytes(b"")
    one_error(run("restore", str(tmp_path / "copy.db")), BAD, "restore it with pg_restore")
    assert not (tmp_path / "copy.db").read_bytes()
    assert dump(pg_url) == before


def test_verify_names_rows_changed_behind_duchas_back(pg_url: str) -> None:
    import psycopg

    run = runner(pg_url)
    for args in (("init",), ("unit", "add", "zjj", "平凉市住房和城乡建设局"),
                 ("item", "add", "供热", "-c", "meeting", "--lead", "zjj", "--due", "+30d"),
                 ("item", "add", "取暖", "-c", "meeting", "--lead", "zjj", "--due", "+30d")):
        assert run("--as-of", AS_OF, *args).exit_code == 0
    r = run("verify", "-f", "json")
    assert r.exit_code == 0, r
    with _connect(pg_url) as con:  # what someone with psql could do
        con.execute("UPDATE item SET title = '篡改' WHERE number = 'DB-2026-0002'")
    r = run("verify", "-f", "json")
    assert r.exit_code == 1
    problems = [p for p in r.json() if p.get("problem")]
    assert [p["subject"] for p in problems] == ["DB-2026-0002"], problems
    assert "篡改" in problems[0]["problem"]
    with _connect(pg_url) as con:
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            con.execute("UPDATE event SET actor = 'someone' WHERE id = 2")
    with _connect(pg_url) as con:  # as an attacker would: the guard dropped first
        con.execute("DROP TRIGGER event_append_only ON event")
        con.execute("UPDATE event SET actor = 'someone' WHERE id = 2")
    r = run("verify", "-f", "json")
    assert r.exit_code == 1
    assert any("event 2 " in p["problem"] and "altered" in p["problem"]
               for p in r.json() if p.get("problem")), r.json()
    with _connect(pg_url) as con:  # an event taken out of the chain
        con.execute("DELETE FROM event WHERE id = 2")
    r = run("verify", "-f", "json")
    assert r.exit_code == 1
    assert any("event 3 " in p["problem"] and "does not follow event 1" in p["problem"]
               for p in r.json() if p.get("problem")), r.json()


def test_a_read_sees_one_snapshot_while_another_clerk_writes(pg_url: str) -> None:
    """`verify` and reports read many tables: a commit meanwhile must not show half-way."""
    from sqlalchemy import func, select

    from duchá.db import locate, open_ledger, session_scope
    from duchá.models import Unit

    run = runner(pg_url)
    assert run("init").exit_code == 0
    assert run("unit", "add", "fgw", "平凉市发展和改革委员会").exit_code == 0
    count = select(func.count()).select_from(Unit)
    with session_scope(open_ledger(locate(pg_url)), write=False) as s:
        assert s.execute(count).scalar_one() == 1
        assert run("unit", "add", "jyj", "平凉市教育局").exit_code == 0  # commits meanwhile
        assert s.execute(count).scalar_one() == 1
    with session_scope(open_ledger(locate(pg_url)), write=False) as s:
        assert s.execute(count).scalar_one() == 2


# --- bad input: the whole matrix of test_bad_input.py, on PostgreSQL -------------------------


def _bad_cases() -> list[Any]:
    from test_bad_input import CASES

    out = []
    for name, args, code, says in CASES:
        if "--db" in args:
            continue  # about ledger files and folders, which a server has not got
        if name == "init-existing":
            code, says = LEDGER, "already holds a duchá ledger"
        elif name.startswith("backup"):
            code, says = BAD, "back it up with pg_dump"
        elif name.startswith("restore"):
            code, says = BAD, "restore it with pg_restore"
        out.append(pytest.param(args, code, says, id=name))
    return out


@pytest.fixture(scope="module")
def bad_ledger() -> Iterator[str]:
    from test_bad_input import build_template

    with new_database(_admin_url()) as url:
        build_template(url)
        yield url


@pytest.mark.parametrize(("args", "code", "says"), _bad_cases())
def test_bad_input_changes_nothing(bad_ledger: str, demo_template: Path, tmp_path: Path,
                                   args: list[str], code: int, says: str) -> None:
    from test_bad_input import _files_for

    _files_for(tmp_path, demo_template)  # (a SQLite ledger to cut short: cases with --db are
    # left out above, so any ledger does)
    before = dump(bad_ledger)
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{db}", bad_ledger) for a in args]
    r = runner(bad_ledger)("--as-of", "2026-06-01", "-f", "csv", *argv)
    one_error(r, code, says.replace("{tmp}", str(tmp_path)))
    assert "\x1b" not in r.stderr
    assert dump(bad_ledger) == before


# --- two offices writing at once -------------------------------------------------------------

OPS = 100
WRITER = """
import sys
from datetime import date
from duchá.services import items, units
from duchá.db import locate, open_ledger, session_scope
from duchá.services.ledger import Ledger

url, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
engine = open_ledger(locate(url))
print("ready", flush=True)
sys.stdin.readline()  # both start together
for i in range(n):
    with session_scope(engine, write=True) as session:
        lg = Ledger(session=session, actor=who, today=date(2026, 6, 1))
        # Both take the next item number first thing: without one writer lock from the
        # start of the transaction they would read the same max(seq) and collide.
        items.add(lg, title=f"并发事项{who}{i}", category="meeting", lead="zjj",
                  responsible=[], assigned=date(2026, 6, 1), due=date(2026, 7, 1),
                  source=None, leader=None)
        units.add(lg, code=f"{who}{i}", name=f"并发单位{who}{i}", kind="other", parent=None)
"""


def test_two_writers_at_once_lose_nothing(pg_url: str) -> None:
    run = runner(pg_url)
    assert run("init").exit_code == 0
    assert run("unit", "add", "zjj", "平凉市住房和城乡建设局").exit_code == 0
    dispose_all()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, pg_url, who, str(OPS)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for who in ("a", "b")]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n", p.stderr
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.close()
    errors = [p.stderr.read() if p.stderr else "" for p in procs]
    assert [p.wait(timeout=120) for p in procs] == [0, 0], errors
    with _connect(pg_url) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("unit", "item", "event")}
        numbers = [n for (n,) in con.execute("SELECT number FROM item ORDER BY id")]
        actors = {a for (a,) in con.execute("SELECT DISTINCT actor FROM event")}
    assert counts == {"unit": 1 + 2 * OPS, "item": 2 * OPS, "event": 1 + 4 * OPS}
    assert numbers == [f"DB-2026-{n:04d}" for n in range(1, 2 * OPS + 1)]  # none twice
    assert {"a", "b"} <= actors
    r = run("verify")
    assert r.exit_code == 0, r
    assert r.stderr.startswith(f"verified: {1 + 4 * OPS} events")
