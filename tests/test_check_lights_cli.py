"""`check` through the CLI on the demo agrees with the lights of `finding list` and `item list`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, Runner

AS_OF = ("--as-of", "2026-11-30")


@pytest.fixture
def demo(cli: Runner, module_demo: Path) -> Runner:
    """The module's demo copy (its tests only read it), as of AS_OF."""
    assert AS_OF == ("--as-of", DEMO_AS_OF)
    db = module_demo

    def run(*args: str) -> object:
        return cli(*args, *AS_OF, db=db)

    return run  # type: ignore[return-value]


def test_check_reports_the_finding_rules_and_exits_1(demo: Runner) -> None:
    r = demo("check", "-f", "json")
    assert r.exit_code == 1
    codes = {row["rule"] for row in r.json()}
    assert {"finding-overdue", "lookback-due", "item-lag"} <= codes
    only = demo("check", "--rule", "lookback-due", "-f", "json").json()
    assert only and {row["rule"] for row in only} == {"lookback-due"}


def test_finding_lights_agree_with_check(demo: Runner) -> None:
    rows = demo("check", "--rule", "finding-overdue", "-f", "json").json()
    flagged = {r["subject"].split()[-1]: r["light"] for r in rows}
    for light in ("red", "yellow"):
        listed = {f["number"] for f in demo("finding", "list", "--light", light, "-f", "json")
                  .json()}
        assert listed == {n for n, lit in flagged.items() if lit == light}, light
        assert listed, f"the demo has {light} findings"


def test_item_lights_agree_with_check(demo: Runner) -> None:
    rows = demo("check", "--rule", "item-overdue", "--rule", "item-lag", "-f", "json").json()
    red = {r["subject"].split()[-1] for r in rows if r["light"] == "red"}
    yellow = {r["subject"].split()[-1] for r in rows if r["light"] == "yellow"} - red
    items = demo("item", "list", "-f", "json").json()
    assert {i["number"] for i in items if i["light"] == "red"} == red
    assert {i["number"] for i in items if i["light"] == "yellow"} == yellow
    assert red and yellow
