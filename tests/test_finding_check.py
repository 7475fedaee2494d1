"""`check` on findings and item progress: finding-overdue, lookback-due, item-lag, and the
lights of `finding list` / `item list` agreeing with it row by row (check.run; the `check`
command itself arrives with issue 3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from conftest import DEMO_AS_OF, Runner

AS_OF = date(2026, 11, 30)


@contextmanager
def opened(db_path: Path, as_of: date) -> Iterator[Any]:
    from duchá.db import locate, open_ledger, session_scope
    from duchá.services.ledger import Ledger

    engine = open_ledger(locate(str(db_path)))
    with session_scope(engine, write=False) as session:
        yield Ledger(session=session, actor="test", today=as_of)


def run_check(db_path: Path, as_of: date = AS_OF, only: list[str] | None = None) -> list[dict]:
    from duchá.checks import run as check

    with opened(db_path, as_of) as lg:
        return check.run(lg, only)


MINE = ["finding-overdue", "lookback-due", "item-lag"]


def test_rules_are_registered() -> None:
    from duchá.checks import run as check

    assert set(MINE) <= set(check.codes())
    assert check.parse_codes(["lookback_due"]) == ["lookback-due"]


def test_check_reports_each_rule_on_a_small_ledger(ledger: Runner, db_path: Path) -> None:
    def ok(*args: str) -> None:
        r = ledger(*args, "-f", "csv")
        assert r.exit_code == 0, r

    ok("finding", "add", "逾期", "-u", "jyj", "--mode", "deadline", "--due", "2026-11-25",
       "--on", "2026-10-01")
    ok("finding", "add", "临期", "-u", "fgw", "--mode", "deadline", "--due", "2026-12-02",
       "--on", "2026-10-01")
    ok("finding", "add", "回头看", "-u", "zjj", "--mode", "immediate", "--on", "2026-09-01")
    ok("finding", "rectify", "3", "--evidence", "e", "--on", "2026-09-02")
    ok("finding", "verify", "3", "--by", "王", "--on", "2026-09-03", "--lookback", "2026-11-01")
    ok("item", "add", "供热", "-c", "meeting", "--lead", "zjj", "--due", "2027-02-28",
       "--assigned", "2026-08-01")
    ok("item", "progress", "1", "招标", "--percent", "10", "--on", "2026-10-01")
    rows = run_check(db_path, only=MINE)
    assert [(r["rule"], r["level"], r["subject"], r["unit"], r["light"]) for r in rows] == [
        ("finding-overdue", "error", "finding WT-2026-0001", "jyj", "red"),
        ("finding-overdue", "warning", "finding WT-2026-0002", "fgw", "yellow"),
        ("item-lag", "warning", "item DB-2026-0001", "zjj", "yellow"),
        ("lookback-due", "warning", "finding WT-2026-0003", "zjj", "yellow"),
    ]
    assert rows[0]["message"] == ("rectification 5 days overdue (due 2026-11-25, status open)")
    assert rows[2]["message"] == ("10% done with 57% of the time elapsed (due 2027-02-28); "
                                  "more than 20 points behind")
    # A look-back result clears lookback-due; an approved extension clears the red.
    ok("finding", "lookback", "3", "--result", "ok", "--on", "2026-11-02")
    ok("finding", "extend", "1", "--to", "2026-12-31", "--reason", "x", "--on", "2026-11-20")
    ok("finding", "extend", "1", "--approve", "--by", "张", "--on", "2026-11-21")
    rows = run_check(db_path, only=["finding-overdue", "lookback-due"])
    assert [r["subject"] for r in rows] == ["finding WT-2026-0002"]


# The module's dates are the demo city's (its ledger: conftest's module_demo).
assert AS_OF.isoformat() == DEMO_AS_OF


def test_demo_has_findings_in_every_state(module_demo: Path, cli: Runner) -> None:
    rows = cli("finding", "list", "--all", "--as-of", "2026-11-30", "-f", "json",
               db=module_demo).json()
    assert {r["status"] for r in rows} == {"open", "rectifying", "rectified", "verified",
                                          "reopened"}
    assert {r["light"] for r in rows} == {"red", "yellow", "green", ""}
    stories = {}
    for r in rows:
        rec = cli("finding", "show", r["number"], "-f", "json", db=module_demo).json()
        stories[r["number"]] = rec
    actions = [h["action"] for rec in stories.values() for h in rec["history"]]
    for action in ("plan", "rectify", "verify", "verify-fail", "lookback", "reopen", "extend",
                   "extend-approve", "extend-reject", "account"):
        assert action in actions, action
    rebounds = [rec for rec in stories.values() if rec["lookback_result"] == "rebound"]
    assert rebounds and rebounds[0]["status"] == "reopened"
    decisions = {x["decision"] for rec in stories.values() for x in rec["extensions"]}
    assert decisions == {"approved", "rejected"}
    assert len(cli("finding", "account", "-f", "json", db=module_demo).json()) >= 2


def test_check_on_the_demo_reports_the_three_rules(module_demo: Path) -> None:
    found = {r["rule"] for r in run_check(module_demo)}
    assert set(MINE) <= found


def test_finding_lights_agree_with_check_for_every_row(module_demo: Path) -> None:
    from duchá.services import findings

    with opened(module_demo, AS_OF) as lg:
        rows = findings.query(lg)
    levels = {r["subject"]: r["level"] for r in run_check(module_demo, only=["finding-overdue"])}
    assert len(rows) >= 10
    for r in rows:
        level = levels.get(f"finding {r['number']}")
        assert (r["light"] == "red") == (level == "error"), r
        assert (r["light"] == "yellow") == (level == "warning"), r
        assert r["light"] in ("red", "yellow", "green", "")


def test_item_lights_agree_with_check_for_every_row(module_demo: Path) -> None:
    """Red ⇔ past due (item-overdue's error); yellow ⇔ an item-overdue or item-lag warning.

    item-overdue comes with issue 3: when it is registered its levels are used, otherwise its
    contract from DESIGN.md (red past due, yellow within item_overdue.yellow_days)."""
    from duchá.checks import run as check
    from duchá.services import items

    with opened(module_demo, AS_OF) as lg:
        rows = items.query(lg)
    rules = ["item-lag"] + (["item-overdue"] if "item-overdue" in check.codes() else [])
    levels: dict[str, set[str]] = {}
    for v in run_check(module_demo, only=rules):
        levels.setdefault(v["subject"], set()).add(v["level"])
    assert {r["light"] for r in rows} == {"red", "yellow", "green", ""}
    for r in rows:
        got = set(levels.get(f"item {r['number']}", set()))
        if "item-overdue" not in rules and r["status"] == "open":
            days = (r["due"] - AS_OF).days
            if days < 0:
                got.add("error")
            elif days <= 7:
                got.add("warning")
        assert (r["light"] == "red") == ("error" in got), r
        assert (r["light"] == "yellow") == (got == {"warning"}), r
