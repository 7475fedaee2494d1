"""One light per record (issue 10, point 1): rules.LIGHTS is the only definition, and every
command that shows or counts lights agrees with it.

Three tiers: the definition on plain rows; the Python evaluator against the SQL CASE on
hypothesis-generated ledgers built through the services; and every light-showing command of
the CLI on the demo ledger over many as-of dates.  `export` is not among them: it writes the
stored columns and shows no light.

DUCHA_LIGHT_STEP sets the demo's stride in days (default 45; 3 for a long run) and
DUCHA_LIGHT_EXAMPLES the hypothesis examples (default 15).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import DEMO_AS_OF
from duchá import rules
from duchá.cli import app

AS_OF = date(2026, 11, 30)
LIMITS = {"item_overdue.yellow_days": 7, "finding_overdue.yellow_days": 3,
          "item_lag.margin": 20}
STEP = int(os.environ.get("DUCHA_LIGHT_STEP", "45"))
EXAMPLES = int(os.environ.get("DUCHA_LIGHT_EXAMPLES", "15"))


# --- the definition on plain rows --------------------------------------------------------------

def item(status: str = "open", due: date | None = AS_OF + timedelta(60),
         assigned: date = AS_OF - timedelta(40), percent: int | None = 100) -> dict[str, Any]:
    return {"status": status, "assigned": assigned, "due": due, "percent": percent}


def light(kind: str, row: dict[str, Any], as_of: date = AS_OF, **limits: Any) -> str:
    values = {**LIMITS, **{k.replace("__", "."): v for k, v in limits.items()}}
    return rules.light_of(kind, row, as_of, values)


@pytest.mark.parametrize(("row", "expected"), [
    (item(due=AS_OF - timedelta(1)), "red"),
    (item(due=AS_OF), "yellow"),                       # due today is not yet overdue
    (item(due=AS_OF + timedelta(7)), "yellow"),        # the last day of the margin
    (item(due=AS_OF + timedelta(8)), "green"),
    (item(due=None, percent=0), "green"),              # long-term (长期): never red, no lag
    (item("done", due=AS_OF - timedelta(90)), ""),
    (item("cancelled"), ""),
    # 100-day item, 40 days gone: 40% elapsed.  Lag is strictly more than the margin.
    (item(assigned=AS_OF - timedelta(40), due=AS_OF + timedelta(60), percent=20), "green"),
    (item(assigned=AS_OF - timedelta(40), due=AS_OF + timedelta(60), percent=19), "yellow"),
    (item(assigned=AS_OF - timedelta(40), due=AS_OF + timedelta(60), percent=None), "yellow"),
    (item(assigned=AS_OF + timedelta(5), due=AS_OF + timedelta(60), percent=None), "green"),
])
def test_item_light_lines(row: dict[str, Any], expected: str) -> None:
    assert light("item", row) == expected


@pytest.mark.parametrize(("status", "due", "expected"), [
    ("open", AS_OF - timedelta(1), "red"),
    ("rectifying", AS_OF + timedelta(3), "yellow"),
    ("reopened", AS_OF + timedelta(4), "green"),
    ("open", None, "green"),
    ("rectified", AS_OF - timedelta(30), "green"),     # the office re-checks the claim
    ("verified", AS_OF - timedelta(30), ""),
])
def test_finding_light_lines(status: str, due: date | None, expected: str) -> None:
    assert light("finding", {"status": status, "due": due}) == expected
    assert rules.finding_light(status, due, AS_OF, 3) == expected


def test_thresholds_come_from_settings() -> None:
    row = item(due=AS_OF + timedelta(10))
    assert light("item", row) == "green"
    assert light("item", row, item_overdue__yellow_days=10) == "yellow"
    lagging = item(assigned=AS_OF - timedelta(40), due=AS_OF + timedelta(60), percent=10)
    assert light("item", lagging, item_lag__margin=30) == "green"
    assert light("item", lagging, item_lag__margin=29) == "yellow"


def test_the_wrappers_read_the_same_definition() -> None:
    row = item(assigned=AS_OF - timedelta(40), due=AS_OF + timedelta(60), percent=0)
    assert rules.item_light(row["status"], row["assigned"], row["due"], row["percent"], AS_OF,
                            7, 20) == light("item", row) == "yellow"
    assert rules.item_lagging(row["assigned"], row["due"], 0, AS_OF, 20)
    assert not rules.item_lagging(row["assigned"], None, 0, AS_OF, 20)


def test_missing_values_follow_sql() -> None:
    due = rules.Field("due")
    row = {"due": None}
    assert rules.holds(due < rules.AS_OF, row, AS_OF, {}) is None
    assert rules.holds(~(due < rules.AS_OF), row, AS_OF, {}) is None
    assert rules.holds((due < rules.AS_OF) & due.is_null(), row, AS_OF, {}) is None
    assert rules.holds((due < rules.AS_OF) | due.is_null(), row, AS_OF, {}) is True
    assert rules.holds(rules.ALWAYS, row, AS_OF, {}) is True


def test_the_sql_columns_are_the_fields_the_lights_read() -> None:
    from duchá import lights_sql

    assert rules.light_fields("item") == {"status", "assigned", "due", "percent"}
    assert rules.light_fields("finding") == {"status", "due"}
    for kind in ("item", "finding"):
        assert set(lights_sql.columns(kind)) == rules.light_fields(kind)


def test_check_levels_are_the_by_due_lines() -> None:
    rows = [{"number": n, "title": "t", "lead_unit": "zjj", "unit": "zjj", "status": "open",
             "due": AS_OF + timedelta(d)} for n, d in (("A", -1), ("B", 0), ("C", 40))]
    assert [v.level for v in rules.item_overdue(rows, AS_OF, yellow_days=7)] == \
        ["error", "warning"]
    assert [v.level for v in rules.finding_overdue(rows, AS_OF, 3)] == ["error", "warning"]


# --- the Python evaluator against the SQL CASE -------------------------------------------------

def every_row_shape(engine: Any) -> None:
    """Every combination of status, a missing or present due and percent, in a table whose
    due may be NULL (as items' will be for long-term work): the CASE gives the evaluator's
    light for each."""
    from sqlalchemy import Column, Date, Integer, MetaData, String, Table, insert

    from duchá import lights_sql

    meta = MetaData()
    t = Table("light_rows", meta, Column("id", Integer, primary_key=True),
              Column("status", String), Column("assigned", Date), Column("due", Date),
              Column("percent", Integer), prefixes=["TEMPORARY"])
    rows = []
    for status in ("open", "done", "cancelled", "rectifying", "rectified", "verified",
                   "reopened"):
        for due in (None, *(AS_OF + timedelta(d) for d in (-30, -1, 0, 1, 3, 4, 7, 8, 60))):
            # None: an item whose 交办时间 was blank in its 台账 (schema 7)
            for assigned in (AS_OF - timedelta(40), AS_OF, AS_OF + timedelta(2), due, None):
                for percent in (None, 0, 19, 20, 21, 100):
                    rows.append({"id": len(rows) + 1, "status": status, "assigned": assigned,
                                 "due": due, "percent": percent})
    with engine.connect() as con:
        meta.create_all(con)
        con.execute(insert(t), rows)
        sql = on_connection(con)
        fields = {name: name for name in ("status", "assigned", "due", "percent")}
        for kind in ("item", "finding"):
            for limits in (LIMITS, {**LIMITS, "item_lag.margin": 20.5}):
                case = lights_sql.light_case(kind, fields, AS_OF, limits, sql)
                got = dict(sql.rows(f"SELECT id, {case} FROM light_rows"))
                assert got == {r["id"]: rules.light_of(kind, r, AS_OF, limits)
                               for r in rows}, kind
        con.rollback()


def on_connection(con: Any) -> Any:
    """SQL text on a SQLAlchemy connection, as storage/sql.py runs it for a command."""
    from duchá.storage.sql import ServerSql, SqliteSql

    if con.dialect.name == "sqlite":
        return SqliteSql(con.connection.driver_connection)
    return ServerSql(con)


def test_sql_case_equals_the_evaluator_on_every_kind_of_row() -> None:
    from sqlalchemy import create_engine

    every_row_shape(create_engine("sqlite://"))


def test_sql_case_equals_the_evaluator_on_postgresql() -> None:
    """Where DUCHA_TEST_PG names a server (tests/test_postgres.py): date - date there."""
    from sqlalchemy import create_engine

    url = os.environ.get("DUCHA_TEST_PG", "").strip()
    if not url:
        pytest.skip("DUCHA_TEST_PG is unset: no PostgreSQL server to test against")
    engine = create_engine(url)
    try:
        every_row_shape(engine)
    finally:
        engine.dispose()


class Rollback(Exception):
    """Ends an example's transaction so the next one starts from the same ledger."""


@contextmanager
def writable(db: Path, as_of: date) -> Iterator[Any]:
    from duchá.db import locate, open_ledger, session_scope
    from duchá.services.ledger import Ledger

    engine = open_ledger(locate(str(db)))
    with suppress(Rollback), session_scope(engine, write=True) as session:
        yield Ledger(session=session, actor="test", today=as_of)
        raise Rollback


@pytest.fixture(scope="module")
def empty_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("lights") / "ledger.db"
    runner = CliRunner()
    for args in (["init"], ["unit", "add", "fgw", "平凉市发展和改革委员会"],
                 ["unit", "add", "jyj", "平凉市教育局"]):
        r = runner.invoke(app, ["--db", str(db), *args, "-f", "csv"])
        assert r.exit_code == 0, r.output
    return db


DAY0 = date(2026, 1, 1)
days = st.integers(0, 400)
item_spec = st.fixed_dictionaries({
    "assigned": days, "span": st.integers(0, 200), "unit": st.sampled_from(["fgw", "jyj"]),
    "notes": st.lists(st.tuples(st.integers(0, 200), st.none() | st.integers(0, 100)),
                      max_size=3),
    "fate": st.sampled_from(["open", "open", "done", "cancelled"]),
    "long_term": st.booleans(),  # 长期: no due date (schema 7)
})
finding_spec = st.fixed_dictionaries({
    "found": days, "span": st.integers(0, 60), "unit": st.sampled_from(["fgw", "jyj"]),
    "steps": st.sampled_from([(), ("plan",), ("rectify",), ("plan", "rectify"),
                              ("rectify", "verify"), ("rectify", "fail"),
                              ("rectify", "verify", "reopen")]),
})


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=st.lists(item_spec, min_size=1, max_size=6),
       found=st.lists(finding_spec, max_size=6), as_of=days,
       yellow=st.integers(0, 10), f_yellow=st.integers(0, 10), margin=st.integers(0, 60))
def test_generated_ledgers_sql_equals_python(
        empty_ledger: Path, items: list[dict[str, Any]], found: list[dict[str, Any]],
        as_of: int, yellow: int, f_yellow: int, margin: int) -> None:
    from duchá.reports import queries as reports
    from duchá.services import findings
    from duchá.services import items as item_service
    from duchá.services import settings as stored

    today = DAY0 + timedelta(as_of)
    with writable(empty_ledger, today) as lg:
        for key, v in (("item_overdue.yellow_days", yellow),
                       ("finding_overdue.yellow_days", f_yellow), ("item_lag.margin", margin)):
            stored.set_value(lg, key, str(v))
        percents: dict[str, int | None] = {}
        for spec in items:
            start = DAY0 + timedelta(spec["assigned"])
            number = item_service.add(
                lg, title="事项", category="meeting", lead=spec["unit"], responsible=[],
                assigned=start, due=None if spec["long_term"] else start + timedelta(
                    spec["span"]), source=None, leader=None)["number"]
            percents[number] = None
            for offset, pct in sorted(spec["notes"], key=lambda n: n[0]):
                item_service.progress(lg, number, text="进展", on=start + timedelta(offset),
                                      percent=pct)
                if pct is not None:
                    percents[number] = pct  # the latest note that gives a percent
            if spec["fate"] == "done":
                item_service.close(lg, number, on=start + timedelta(spec["span"] // 2))
            elif spec["fate"] == "cancelled":
                item_service.cancel(lg, number, reason="撤销")
        for spec in found:
            on = DAY0 + timedelta(spec["found"])
            number = findings.add(lg, text="问题", unit=spec["unit"], mode="deadline", found=on,
                                  due=on + timedelta(spec["span"]))["number"]
            for n, step in enumerate(spec["steps"], start=1):
                when = on + timedelta(n)
                if step == "plan":
                    findings.plan(lg, number, text="方案", on=when)
                elif step == "rectify":
                    findings.rectify(lg, number, evidence="佐证", on=when)
                elif step == "verify":
                    findings.verify(lg, number, by="王", on=when)
                elif step == "fail":
                    findings.verify(lg, number, by="王", on=when, fail=True, reason="不到位")
                else:
                    findings.reopen(lg, number, reason="反弹", on=when)
        limits = stored.load(lg)
        listed = {"item": item_service.query(lg), "finding": findings.query(lg)}
        for r in listed["item"]:
            assert r["percent"] == percents[r["number"]], r
        expected: dict[str, dict[str, str]] = {}
        for kind, rows in listed.items():
            expected[kind] = {r["number"]: rules.light_of(kind, r, today, limits) for r in rows}
            assert {r["number"]: r["light"] for r in rows} == expected[kind], kind
        for lit in rules.LIGHT_NAMES:
            assert {r["number"] for r in item_service.query(lg, light=lit)} == \
                {n for n, v in expected["item"].items() if v == lit}
            assert {r["number"] for r in findings.query(lg, light=lit)} == \
                {n for n, v in expected["finding"].items() if v == lit}
        by_status = reports.status(lg)["by_status"]
        for kind, rows in listed.items():
            counts = Counter((r["status"], expected[kind][r["number"]]) for r in rows)
            for row in (x for x in by_status if x["kind"] == kind):
                assert {lit: row[lit] for lit in rules.LIGHT_NAMES} == \
                    {lit: counts[(row["status"], lit)] for lit in rules.LIGHT_NAMES}, row
        overdue = {(r["kind"], r["number"], r["light"]) for r in reports.overdue(lg)}
        assert overdue == {(kind, n, v) for kind, lights in expected.items()
                           for n, v in lights.items() if v in ("red", "yellow")}


# --- every command on the demo, over many as-of dates ------------------------------------------

# The module's dates are the demo city's (its ledger: conftest's module_demo).
assert AS_OF.isoformat() == DEMO_AS_OF


def as_of_dates() -> list[date]:
    """A year around the demo's date, every STEP days, and the two dates of the issue."""
    dates = {AS_OF - timedelta(180) + timedelta(d) for d in range(0, 366, STEP)}
    return sorted(dates | {AS_OF, date(2026, 12, 15)})


CHECK_RULES = {"item-overdue": "item", "item-lag": "item", "finding-overdue": "finding"}


def test_every_command_shows_the_same_lights_on_the_demo(module_demo: Path) -> None:
    # conftest builds the Click command tree once for the hundreds of runs below.
    runner = CliRunner()

    def run(*args: str, as_of: date) -> Any:
        import json

        r = runner.invoke(app, ["--db", str(module_demo), *args, "--as-of", as_of.isoformat(),
                                "-f", "json"])
        assert r.exit_code in (0, 1), (args, r.output)
        return json.loads(r.stdout)

    seen: Counter[str] = Counter()
    for day in as_of_dates():
        lists = {"item": run("item", "list", "--all", as_of=day),
                 "finding": run("finding", "list", "--all", as_of=day)}
        lights = {kind: {r["number"]: r["light"] for r in rows} for kind, rows in lists.items()}
        seen.update(v for kinds in lights.values() for v in kinds.values())

        def having(kind: str, *wanted: str, lights: dict[str, dict[str, str]] = lights
                   ) -> set[str]:
            return {n for n, v in lights[kind].items() if v in wanted}

        where = f"as of {day}"
        for kind in ("item", "finding"):
            for lit in rules.LIGHT_NAMES:
                filtered = {r["number"]
                            for r in run(kind, "list", "--all", "--light", lit, as_of=day)}
                assert filtered == having(kind, lit), (where, kind, lit)
            overdue = {r["number"] for r in run(kind, "list", "--all", "--overdue", as_of=day)}
            assert overdue == having(kind, "red"), (where, kind)

        status = run("report", "status", as_of=day)
        for row in status["by_status"]:
            rows = [r for r in lists[row["kind"]] if r["status"] == row["status"]]
            assert row["count"] == len(rows), (where, row)
            for lit in rules.LIGHT_NAMES:
                assert row[lit] == sum(r["light"] == lit for r in rows), (where, row, lit)
        for row in status["by_category"]:
            assert row["overdue"] == sum(r["light"] == "red" and r["category"] == row["category"]
                                         for r in lists["item"]), (where, row)
        reds = Counter(r["lead_unit"] for r in lists["item"] if r["light"] == "red")
        red_findings = Counter(r["unit"] for r in lists["finding"] if r["light"] == "red")
        for row in status["red_units"]:
            assert (row["red_items"], row["red_findings"]) == \
                (reds[row["unit"]], red_findings[row["unit"]]), (where, row)
        assert len(status["red_units"]) == min(10, len(set(reds) | set(red_findings))), where

        report = {(r["kind"], r["number"], r["light"]) for r in run("report", "overdue",
                                                                  as_of=day)}
        assert report == {(kind, n, v) for kind in lights for n, v in lights[kind].items()
                          if v in ("red", "yellow")}, where

        found: dict[tuple[str, str], str] = {}
        for v in run("check", *(a for c in CHECK_RULES for a in ("--rule", c)), as_of=day):
            key = (CHECK_RULES[v["rule"]], v["subject"].split()[-1])
            # A record's light is its worst violation's: red over yellow.
            if found.get(key) != "red":
                found[key] = v["light"]
        for kind in lights:
            assert {n: v for (k, n), v in found.items() if k == kind} == \
                {n: v for n, v in lights[kind].items() if v in ("red", "yellow")}, (where, kind)

        units = run("report", "units", "--year", str(day.year), as_of=day)
        for row in units:
            for kind, column, unit_key in (("item", "items_overdue", "lead_unit"),
                                           ("finding", "findings_overdue", "unit")):
                assert row[column] == sum(
                    r["light"] == "red" and r[unit_key] == row["unit"]
                    and r["number"].split("-")[1] == str(day.year)
                    for r in lists[kind]), (where, row["unit"], column)
    # The dates reach every light, so the comparisons above were not vacuous.
    assert {"red", "yellow", "green", ""} <= set(seen)
