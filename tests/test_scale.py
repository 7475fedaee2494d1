"""What the budgets of issue 15 rest on, as behaviours (the times themselves are measured by
bench/bench_budgets.py, never here): the commands that read with SQL text do not load the ORM;
`verify` holds one subject at a time, however long the history; the fast encoders write what
the json module writes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import DEMO_AS_OF, demo_copy
from duchá.cli import app

HEAVY = ("sqlalchemy", "sqlmodel", "duchá.models", "rich.table",
         "tabulate", "alembic", "pydantic")


@pytest.mark.parametrize("args", [
    ["finding", "show", "WT-2026-0001"],
    ["item", "show", "DB-2026-0001"],
    ["report", "overdue"],
    ["item", "list", "--unit", "jyj"],
    ["finding", "list", "--light", "red"],
    ["verify"],
    ["item", "add", "完善城区停车设施", "-c", "会议议定", "--lead", "发改委", "-u", "崆峒",
     "--due", "+30d"],
])
def test_reads_in_sql_text_do_not_load_the_orm(demo_template: Path, tmp_path: Path,
                                               args: list[str]) -> None:
    """A ledger file is read on the driver's connection: SQLAlchemy, SQLModel and the models
    are not even imported (their import alone outweighs such a command), nor pydantic, which
    Typer would load to convert the options' values (commands/coerce.py)."""
    db = demo_copy(demo_template, tmp_path)
    code = (
        "import sys, io, contextlib\n"
        "from duchá.cli import app\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try: app(sys.argv[1:])\n"
        "    except SystemExit as exc: assert exc.code in (0, None), exc.code\n"
        "assert out.getvalue().count('\\n') > 1, out.getvalue()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, "--db", str(db), "--as-of", DEMO_AS_OF,
                           *args, "-f", "csv"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
    if args[:2] == ["item", "add"]:  # the SQL-text write keeps the history whole
        r = CliRunner().invoke(app, ["--db", str(db), "--as-of", DEMO_AS_OF, "verify"])
        assert r.exit_code == 0, r.output
        shown = CliRunner().invoke(app, ["--db", str(db), "--as-of", DEMO_AS_OF, "item",
                                         "list", "--search", "完善城区停车设施", "-f", "csv"])
        assert "完善城区停车设施,meeting,fgw,kongtong" in shown.stdout, shown.stdout


def test_an_import_does_not_load_the_orm(demo_template: Path, tmp_path: Path) -> None:
    """An import into a ledger file reads, numbers and writes its records, their links, their
    progress notes and their events in SQL text: SQLAlchemy and the models are not imported,
    and the history still verifies."""
    db = demo_copy(demo_template, tmp_path)
    items = tmp_path / "items.csv"
    items.write_text("事项名称,事项类别,牵头单位,责任单位,交办时间,落实时限,进展情况\n"
                     "推进老旧小区改造,会议议定,住建局,崆峒、华亭,2026-10-09,12月底前,已完成设计\n",
                     encoding="utf-8")
    findings = tmp_path / "findings.csv"
    findings.write_text("责任单位,发现问题,整改方式,发现日期,整改时限\n"
                        "fgw,台账不规范,限期整改,2026-10-12,2026-11-30\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from duchá.cli import app\n"
        "for table, path in (('items', sys.argv[1]), ('findings', sys.argv[2])):\n"
        "    try: app(['--db', sys.argv[3], '--as-of', sys.argv[4], 'import', table, path])\n"
        "    except SystemExit as exc: assert exc.code in (0, None), exc.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(items), str(findings), str(db),
                           DEMO_AS_OF], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
    run = CliRunner()
    r = run.invoke(app, ["--db", str(db), "--as-of", DEMO_AS_OF, "verify"])
    assert r.exit_code == 0, r.output
    shown = run.invoke(app, ["--db", str(db), "--as-of", DEMO_AS_OF, "item", "list",
                             "--search", "推进老旧小区改造", "-f", "csv"])
    row = ",推进老旧小区改造,meeting,zjj,huating;kongtong,2026-10-09,2026-12-31,open,,2026-11-30,"
    assert row in shown.stdout, shown.output
    number = shown.stdout.splitlines()[1].split(",")[0]
    shown = run.invoke(app, ["--db", str(db), "--as-of", DEMO_AS_OF, "item", "show", number])
    assert "已完成设计" in shown.stdout, shown.output


def _findings_file(folder: Path, rows: int, first: int = 0) -> Path:
    path = folder / "findings.csv"
    lines = ["责任单位,发现问题,整改方式,发现日期,整改时限"]
    lines += [f"fgw,台账不规范{i},限期整改,2026-10-12,2026-11-30"
              for i in range(first, first + rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("other_reader", [False, True], ids=["alone", "beside-a-reader"])
def test_a_large_import_is_a_load_and_the_ledger_stays_in_wal(
        demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        other_reader: bool) -> None:
    """A file of LARGE_FILE bytes or more is written in a rollback journal when the ledger is the
    import's alone, and in the WAL beside another connection (at once: no busy wait); either
    way the rows and their history are in, and the ledger is in WAL mode after."""
    import sqlite3
    import time

    from duchá import db as dbmod
    from duchá.transfer import run as import_run

    path = demo_copy(demo_template, tmp_path)
    monkeypatch.setattr(import_run, "LARGE_FILE", 1000)
    switched: list[bool] = []
    journal_off = dbmod._journal_off
    monkeypatch.setattr(dbmod, "_journal_off",
                        lambda conn: switched.append(journal_off(conn)) or switched[-1])
    reader = sqlite3.connect(path) if other_reader else None
    if reader is not None:
        reader.execute("SELECT count(*) FROM finding").fetchone()  # open on the WAL, idle
    run = CliRunner()
    small = tmp_path / "small"
    small.mkdir()
    begun = time.monotonic()
    r = run.invoke(app, ["--db", str(path), "--as-of", DEMO_AS_OF, "import", "findings",
                         str(_findings_file(small, 3))])
    assert r.exit_code == 0, r.output
    assert switched == []  # under LARGE_FILE: the WAL as any write
    r = run.invoke(app, ["--db", str(path), "--as-of", DEMO_AS_OF, "import", "findings",
                         str(_findings_file(tmp_path, 300, first=3))])
    assert r.exit_code == 0, r.output
    assert time.monotonic() - begun < dbmod.BUSY_TIMEOUT_MS / 1000
    assert switched == [not other_reader]
    if reader is not None:
        assert reader.execute("SELECT count(*) FROM finding WHERE description LIKE "
                              "'台账不规范%'").fetchone()[0] == 303
        reader.close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT count(*) FROM event WHERE action = 'import' AND "
                           "subject_table = 'finding'").fetchone()[0] >= 303
    finally:
        con.close()
    assert not path.with_name(path.name + "-journal").exists()
    r = run.invoke(app, ["--db", str(path), "--as-of", DEMO_AS_OF, "verify"])
    assert r.exit_code == 0, r.output


def test_a_large_import_keeps_the_memory_it_frees(
        demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large file (a dry run too) is read, checked and written with the C allocator told
    to keep what it frees (duchá.memory); a small one leaves the allocator as it is."""
    from contextlib import contextmanager

    from duchá import memory
    from duchá.transfer import run as import_run

    entered: list[str] = []
    real = memory.freed_memory_kept

    @contextmanager
    def spy():  # type: ignore[no-untyped-def]
        with real() as kept:
            entered.append("kept" if kept else "not kept")
            yield kept

    monkeypatch.setattr(memory, "freed_memory_kept", spy)
    monkeypatch.setattr(import_run, "LARGE_FILE", 1000)
    path = demo_copy(demo_template, tmp_path)
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    run = CliRunner()
    for folder, rows, dry in ((small, 3, []), (large, 300, ["--dry-run"]), (large, 300, [])):
        r = run.invoke(app, ["--db", str(path), "--as-of", DEMO_AS_OF, "import", "findings",
                             str(_findings_file(folder, rows)), *dry])
        assert r.exit_code == 0, r.output
    glibc = memory._mallopt() is not None
    assert entered == ["kept" if glibc else "not kept"] * 2
    assert run.invoke(app, ["--db", str(path), "verify"]).exit_code == 0


def test_the_allocator_goes_back_to_its_thresholds_as_far_as_it_was_told(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """mallopt as glibc answers it: each threshold it took is set back after, and a refusal
    (0) stops there; without a mallopt nothing is asked."""
    from duchá import memory

    for answers, kept, restored in (([1, 1], True, [-3, -1]), ([1, 0], False, [-3]),
                                    ([0], False, [])):
        calls: list[tuple[int, int]] = []
        replies = iter(answers)

        def mallopt(param: int, value: int, calls: list[tuple[int, int]] = calls,
                    replies: Iterator[int] = replies) -> int:
            calls.append((param, value))
            return next(replies, 1)

        monkeypatch.setattr(memory, "_mallopt", lambda mallopt=mallopt: mallopt)
        with memory.freed_memory_kept() as got:
            assert got is kept
            told = list(calls)
        assert [p for p, _ in told] == [-3, -1][:len(answers)]
        assert calls[len(told):] == [(p, memory._DEFAULT) for p in restored]
    monkeypatch.setattr(memory, "_mallopt", lambda: None)
    with memory.freed_memory_kept() as got:
        assert got is False


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_bulk_load_holds_its_pages_in_memory_only_in_the_wal(
        tmp_path: Path, journal: str) -> None:
    """In the WAL a large load keeps its pages in memory till the commit (a page spilled
    there is read back through it); in a rollback journal it keeps the connection's cache
    and lets its pages go into the file as they fill."""
    import sqlite3

    from duchá import db
    from duchá.storage import bulk
    from duchá.storage.sql import SqliteSql

    con = sqlite3.connect(tmp_path / "l.db", isolation_level=None)
    try:
        con.execute(f"PRAGMA journal_mode={journal}")
        con.execute(f"PRAGMA cache_size=-{db.CACHE_KIB}")  # (a ledger connection's)
        con.execute("CREATE TABLE t (x)")
        con.execute("BEGIN IMMEDIATE")
        with bulk.loading(SqliteSql(con), {"t": bulk.CHUNK + 1}):
            (size,) = con.execute("PRAGMA cache_size").fetchone()
        con.execute("ROLLBACK")
    finally:
        con.close()
    assert size == -(bulk.BULK_CACHE_KIB if journal == "wal" else db.CACHE_KIB)
    assert db.CACHE_KIB < bulk.BULK_CACHE_KIB


def test_the_catalog_and_the_models_say_the_same_columns(tmp_path: Path) -> None:
    """SQL-text writes and snapshots read a SQLite table's columns from the ledger's catalog
    and table names by the models' naming rule: both agree with the models, on a fresh
    ledger and on a first-release ledger migrated to this schema."""
    import inspect
    import sqlite3

    from sqlmodel import SQLModel
    from test_migrations import v1_ledger

    import duchá.models as m
    from duchá.history.replay import _python_type, columns
    from duchá.storage.sql import SqliteSql
    from duchá.tables import table_name

    for name, cls in vars(m).items():
        if inspect.isclass(cls) and issubclass(cls, SQLModel) and hasattr(cls, "__table__") \
                and name != "Meta":
            assert table_name(name) == cls.__tablename__, name
    fresh = tmp_path / "fresh.db"
    assert CliRunner().invoke(app, ["--db", str(fresh), "init"]).exit_code == 0
    old = v1_ledger(tmp_path / "old.db")
    r = CliRunner().invoke(app, ["--db", str(old), "item", "list", "-f", "csv"])
    assert r.exit_code == 0, r.output  # (opening it migrates it)
    for db in (fresh, old):
        sql = SqliteSql(sqlite3.connect(db))
        for t in SQLModel.metadata.sorted_tables:
            # What the readers act on: which columns there are, and which hold flags, dates
            # and whole numbers (text may be declared VARCHAR or TEXT).
            want = {c.name: _python_type(c.type) for c in t.columns}
            got = columns(sql, t.name)
            assert list(got) == list(want) or set(got) == set(want), (db.name, t.name)
            for kind in (bool, date, int):
                assert {n for n, k in got.items() if k is kind} == \
                    {n for n, k in want.items() if k is kind}, (db.name, t.name, kind)


def _ledger(folder: Path, findings: int) -> Path:
    folder.mkdir()
    db = folder / "l.db"
    units = folder / "units.csv"
    units.write_text("code,name\nfgw,平凉市发展和改革委员会\njyj,平凉市教育局\n", encoding="utf-8")
    sheet = folder / "findings.csv"
    lines = ["unit,description,mode,found_on,due"]
    lines += [f"{'fgw' if i % 2 else 'jyj'},问题{i}：台账不全,deadline,2026-0{1 + i % 9}-01,"
              f"2026-10-{1 + i % 28:02d}" for i in range(findings)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["init"], ["import", "units", str(units)], ["import", "findings", str(sheet)]):
        r = runner.invoke(app, ["--db", str(db), "--as-of", "2026-11-30", *args, "-f", "csv"])
        assert r.exit_code == 0, r.output
    return db


def _peak_of_verify(db: Path) -> tuple[int, int]:
    """Python's peak allocation while verify runs, and the events it read."""
    import sqlite3

    from duchá.history import replay
    from duchá.storage.sql import SqliteSql

    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("BEGIN")
        tracemalloc.start()
        verdict = replay.verify(SqliteSql(con))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        con.close()
    assert verdict.ok, verdict.problems[:3]
    return peak, verdict.events


def test_verify_holds_one_subject_at_a_time(tmp_path: Path) -> None:
    """Eight times the history, about the same memory: verify streams the events and the
    records side by side instead of holding every snapshot (the budget: 200 MB at a million
    findings)."""
    small, n_small = _peak_of_verify(_ledger(tmp_path / "small", 500))
    big, n_big = _peak_of_verify(_ledger(tmp_path / "big", 4000))
    assert n_big > 7 * n_small
    assert big < 1.5 * small + 200_000, (small, big)


def _json_canonical(content: dict[str, object]) -> str:
    from duchá.history.events import HASHED

    canon = {k: content.get(k) for k in HASHED}
    text = json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
VALUE = st.one_of(st.none(), TEXT, st.integers(), st.booleans(),
                  st.floats(allow_nan=False), st.dates())


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({
    "id": st.integers(min_value=1), "at": TEXT, "on": st.one_of(st.none(), TEXT),
    "actor": TEXT, "action": TEXT, "subject_table": TEXT, "subject": TEXT,
    "before": st.one_of(st.none(), TEXT), "after": st.one_of(st.none(), TEXT),
    "prev_hash": st.one_of(st.none(), TEXT)}), VALUE)
def test_digest_is_the_sha256_of_the_canonical_json(content: dict[str, object],
                                                    odd: object) -> None:
    from duchá.history.events import digest

    assert digest(content) == _json_canonical(content)
    if isinstance(odd, date):
        odd = odd.isoformat()  # a stored event holds text, never a date object
    content["on"] = odd  # a value of another type takes the json module's path
    assert digest(content) == _json_canonical(content)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(TEXT, VALUE, max_size=8),
       st.dictionaries(TEXT, st.lists(TEXT, max_size=3), max_size=2))
def test_dump_writes_what_the_json_module_writes(flat: dict[str, object],
                                                 lists: dict[str, object]) -> None:
    from duchá.dates import plain
    from duchá.history.events import dump

    for value in (flat, {**flat, **lists}):
        assert dump(value) == json.dumps(value, ensure_ascii=False, sort_keys=True,
                                         default=plain)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "a": TEXT, "b": st.one_of(st.none(), TEXT), "c": st.integers(), "d": VALUE,
    "e": st.none(), "f": st.lists(TEXT, max_size=3)}), min_size=1, max_size=5))
def test_dump_many_writes_what_dump_writes(rows: list[dict[str, object]]) -> None:
    from duchá.history.events import dump, dump_many, sparse_of

    keys = list(rows[0])
    assert dump_many(keys, [[r[k] for r in rows] for k in keys]) == [dump(r) for r in rows]
    assert dump_many(keys, [[r[k] for r in rows] for k in keys], sparse=True) == [
        dump(sparse_of(r)) for r in rows]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from("abcdefg"), st.one_of(st.none(), VALUE)),
                min_size=1, max_size=6), st.permutations("abcdefg"))
def test_a_sparse_dump_many_leaves_out_null_fields(rows: list[dict[str, object]],
                                                   keys: list[str]) -> None:
    """An import's snapshots without their NULL fields: any field may lead a row, any be
    NULL in some rows, in none or in all (the separators fall where dump puts them)."""
    from duchá.history.events import dump, dump_many, sparse_of

    keys = [k for k in keys if any(k in r for r in rows)] or keys[:1]  # (a column: n rows)
    full = [{k: r.get(k) for k in keys} for r in rows]
    got = dump_many(keys, [[r[k] for r in full] for k in keys], sparse=True)
    assert got == [dump({k: v for k, v in r.items() if v is not None}) for r in full]
    assert all(None not in json.loads(t).values() for t in got)
    assert [dump(sparse_of(r)) for r in full] == got


FEW = st.sampled_from([None, "一般", 'say "hi"', "back\\slash", "", 0, 1, True, False, 2.0])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "unit": st.sampled_from(["dept01", "dept02", None]), "status": FEW,
    "seq": st.sampled_from([1, 2, 3, None]), "mixed": FEW, "one": st.just("同")}),
    min_size=4, max_size=40))
def test_dump_many_of_repeating_values_writes_what_dump_writes(
        rows: list[dict[str, object]]) -> None:
    """Columns that repeat a few values (written once per value), with NULLs, numbers,
    booleans (True is not 1) and quotes among them."""
    from duchá.history.events import dump, dump_many

    keys = list(rows[0])
    assert dump_many(keys, [[r[k] for r in rows] for k in keys]) == [dump(r) for r in rows]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), VALUE), min_size=1, max_size=4),
       st.integers(min_value=0, max_value=300), st.sampled_from([257, 300, 600]))
def test_dump_many_of_long_columns_of_distinct_values_writes_what_dump_writes(
        odd: list[object], at: int, n: int) -> None:
    """An import's numbers and descriptions: columns long enough that their first values,
    all different, have them typed without a set of every value; NULLs and values of other
    types (True beside 1, 1.0, quotes) further down in some, and the sparse form too."""
    from duchá.history.events import dump, dump_many, sparse_of

    text = [f'问题 "{i}"' for i in range(n)]
    text[at % n: at % n + len(odd)] = odd
    text = text[:n]
    rows = [{"number": f"WT-2026-{i:05d}", "seq": i, "description": d, "unit": "dept01",
             "count": i if i != at else odd[0]}
            for i, d in enumerate(text)]
    keys = list(rows[0])
    columns = [[r[k] for r in rows] for k in keys]
    assert dump_many(keys, columns) == [dump(r) for r in rows]
    assert dump_many(keys, columns, sparse=True) == [dump(sparse_of(r)) for r in rows]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(TEXT, st.one_of(st.none(), TEXT), TEXT, st.one_of(st.none(), TEXT),
                          st.sampled_from(["import", "edit"]), st.sampled_from(["finding", "item"]),
                          st.one_of(st.none(), TEXT),
                          st.sampled_from(["2026-06-01T00:00:00.000000+00:00",
                                           "2026-06-02T08:00:00.000000+00:00"])),
                min_size=1, max_size=5), st.one_of(st.none(), TEXT), st.booleans())
def test_digest_chain_links_as_digest_row_does(events: list[tuple[str | None, ...]],
                                               prev: str | None, same: bool) -> None:
    """Columns whose values repeat (an import's) or vary (a mix of events), NULLs among them."""
    from duchá.history.events import digest_chain, digest_row

    rows = [(i, "2026-06-01T00:00:00.000000+00:00" if same else at, on,
             "clerk" if same else actor, "import" if same else action,
             "finding" if same else table, subject, None if same else before, after)
            for i, (actor, on, subject, after, action, table, before, at)
            in enumerate(events, start=7)]
    expected, link = [], prev
    for row in rows:
        link = digest_row((*row, link))
        expected.append(link)
    assert digest_chain(list(zip(*rows, strict=True)), prev) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(TEXT, VALUE, max_size=6), min_size=1, max_size=5),
       st.one_of(st.none(), TEXT))
def test_digest_chain_of_snapshots_in_utf8_links_as_digest_row_does(
        snapshots: list[dict[str, object]], prev: str | None) -> None:
    """Snapshots that `dump` wrote (quotes, backslashes and control characters in their
    values, escaped there) are hashed from their UTF-8 as digest_row hashes their text."""
    from duchá.history.events import JsonTexts, digest_chain, digest_row, dump

    afters = JsonTexts(dump(s) or "" for s in snapshots)
    rows = [(i, "2026-06-01T00:00:00.000000+00:00", "2026-06-01", "clerk", "import",
             "finding", f"WT-2026-{i:04d}", None, after) for i, after in enumerate(afters, 1)]
    expected, link = [], prev
    for row in rows:
        link = digest_row((*row, link))
        expected.append(link)
    assert digest_chain(list(zip(*rows, strict=True)), prev,
                        after_utf8=[a.encode() for a in afters]) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(TEXT, st.one_of(st.none(), TEXT), TEXT, st.one_of(st.none(), TEXT),
                          st.sampled_from(["import", "edit"]), st.sampled_from(["finding", "item"]),
                          st.one_of(st.none(), TEXT), st.one_of(st.none(), TEXT),
                          st.sampled_from(["2026-06-01T00:00:00.000000+00:00",
                                           "2026-06-02T08:00:00.000000+00:00"]),
                          st.one_of(st.none(), TEXT, st.just(1.5), st.just(7))),
                min_size=0, max_size=6), st.booleans())
def test_digest_rows_hashes_as_digest_row_does(
        events: list[tuple[object, ...]], same: bool) -> None:
    """Stored events as `verify` reads them (the hash column after them), each with its own
    link: repeating values or varied ones, NULLs, escapes, and a value of another type (a
    number where text belongs) that only the json module writes."""
    from duchá.history.events import digest_row, digest_rows

    rows = [(i, "2026-06-01T00:00:00.000000+00:00" if same else at, on,
             "clerk" if same else actor, "import" if same else action,
             "finding" if same else table, subject, None if same else before, after, prev,
             "stored hash")
            for i, (actor, on, subject, after, action, table, before, prev, at, odd)
            in enumerate(events, start=7)]
    if rows and events[0][9] is not None:  # an odd value where text belongs, in one event
        rows[0] = (*rows[0][:3], events[0][9], *rows[0][4:])
    assert digest_rows(rows) == [digest_row(row) for row in rows]


class _Answers:
    """A stand-in for Sql that answers every query with the same rows."""

    dialect = "sqlite"

    def __init__(self, rows: list[tuple[object, ...]]) -> None:
        self._rows = rows

    def stream(self, query: str, params: object = None) -> object:
        return iter(self._rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(VALUE, VALUE, VALUE), max_size=6))
def test_a_child_rows_text_is_the_text_its_event_holds(rows: list[tuple[object, ...]]) -> None:
    """verify matches progress notes to their events by text where it can: a row's text is
    events.dump's of its values, or None (then it is compared by value)."""
    from duchá.history.events import dump
    from duchá.history.replay import CHILDREN

    (child,) = [c for c in CHILDREN if c.action == "progress"]
    assert child.texts is not None and child.value is not None
    got = list(child.texts(_Answers([("DB-2026-0001", *r) for r in rows])))  # type: ignore[arg-type]
    assert len(got) == len(rows)
    for row in got:
        assert row[0] == "DB-2026-0001"
        if row[1] is not None:
            assert row[1] == dump(child.value(row))
            assert json.loads(row[1]) == child.value(row)
    usual = ("2026-06-01", "开工建设\n", 40)
    (row,) = child.texts(_Answers([("DB-2026-0001", *usual)]))  # type: ignore[arg-type]
    assert row[1] == dump(child.value(row))


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(["a", "b", "中", " ", "\u3000", "\t", ",", "\n", "\r\n", "\r",
                                 "\x0b", "\x85", "\u2028"]), max_size=60).map("".join),
       suffix=st.sampled_from([".csv", ".tsv"]))
def test_a_csv_without_quotes_reads_as_csv_reader_reads_it(
        text: str, suffix: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A file without quotes is split at its line ends and delimiters directly: the same rows,
    on the same lines, as csv.reader gives (blank rows left out)."""
    from duchá.transfer.sheets import _text_rows

    path = tmp_path_factory.mktemp("csv") / f"t{suffix}"
    path.write_bytes(("h,i\n" + text).encode("utf-8"))
    _, delimiter, rows = _text_rows(path, None)
    assert list(rows) == csv_reader_rows("h,i\n" + text, delimiter)


def csv_reader_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The rows csv.reader reads from `text` that say something, each with the line it
    starts on: what `_text_rows` must give."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = [], 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if any(map(str.strip, record)):
            rows.append((line, record))
    return rows


def test_a_ledger_connection_keeps_more_than_sqlites_default_page_cache(tmp_path: Path) -> None:
    """A ledger's 16 KB pages would fill SQLite's default 2 MB cache at 125 pages, and
    `verify` or `check` read the same pages from the file again and again."""
    from duchá import db

    path = tmp_path / "l.db"
    r = CliRunner().invoke(app, ["--db", str(path), "init"])
    assert r.exit_code == 0, r.output
    con = db.connect(db.locate(str(path)))
    try:
        (size,) = con.execute("PRAGMA cache_size").fetchone()
        (page,) = con.execute("PRAGMA page_size").fetchone()
    finally:
        con.close()
    assert size == -db.CACHE_KIB
    assert db.CACHE_KIB * 1024 // page >= 1000  # pages held, against the default's 125


def test_none_and_bytes_bind_through_the_adapters_registered_once(tmp_path: Path) -> None:
    """Without an adapter, Python 3.11's driver looks for an adapting protocol on each None
    and bytes value it binds (an exception raised and dropped per empty cell of an import);
    the ledger's connections register one for each, once for the process."""
    import sqlite3

    from duchá import db

    r = CliRunner().invoke(app, ["--db", str(tmp_path / "l.db"), "init"])
    assert r.exit_code == 0, r.output
    protocol = sqlite3.PrepareProtocol
    assert (type(None), protocol) in sqlite3.adapters
    assert (bytes, protocol) in sqlite3.adapters
    assert db._ADAPTED == [True]


CELL = st.sampled_from(["dept01", "一般", "", " ", "\u3000", "\t", "2026-06-01", " 长期 ",
                        "a b", "\x0b", "问题"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=8),
       st.sampled_from(["\n", "\r\n", "mixed"]), st.sampled_from([",", "\t"]),
       st.booleans(), st.sampled_from([1, 5, 16, 1 << 20]), st.booleans())
def test_a_file_without_quotes_reads_as_csv_reader_reads_it(
        tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], ending: str,
        delimiter: str, last_break: bool, piece: int, bom: bool) -> None:
    """As the test above, on files made of cells as a 台账's are, whose line ends are \\r\\n
    throughout (Excel's: the header's too, so the split on \\r\\n itself is taken), \\n
    throughout, or both; blank lines and lines of delimiters and spaces among them.  A
    large file is decoded and split a piece of about `piece` bytes at a time (a few lines
    each here, to cut small ones): the rows and their lines are the same, and Excel's UTF-8
    mark ahead of the text is left out and named."""
    from unittest import mock

    from duchá.transfer import sheets
    from duchá.transfer.sheets import _text_rows

    ends = ["\r\n" if ending == "mixed" and i % 2 else "\n" if ending == "mixed" else ending
            for i in range(len(rows))]
    text = "".join(delimiter.join(r) + e for r, e in zip(rows, ends, strict=True))
    if not last_break:
        text = text.rstrip("\r\n")
    text = "序号" + delimiter + "单位" + ("\n" if ending == "mixed" else ending) + text
    path = tmp_path_factory.mktemp("q") / ("t.tsv" if delimiter == "\t" else "t.csv")
    path.write_bytes(b"\xef\xbb\xbf" * bom + text.encode("utf-8"))
    with mock.patch.object(sheets, "_PIECE", piece):
        used, _, got = _text_rows(path, None)
    assert list(got) == csv_reader_rows(text, delimiter)
    assert used == ("utf-8-sig" if bom else "utf-8")


def test_the_spaces_a_line_may_hold_are_those_str_strip_takes() -> None:
    from duchá.transfer.sheets import _SPACES

    assert _SPACES == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
