"""`duchá demo` shows every rule of plans, inspections and items firing, and ends with check."""

from __future__ import annotations

import pytest

from conftest import Runner

RULES = {"plan-quota", "one-comprehensive", "unplanned-approval", "repeat-inspection",
         "multi-headed", "plan-overlap", "report-missing", "item-overdue", "item-stale",
         "instruction-limit"}


# Early January too: the inspections then start in the year before the plan year.
@pytest.mark.parametrize("as_of", ["2026-11-30", "2026-01-10"])
def test_demo_fires_every_rule_of_plans_and_inspections(cli: Runner, as_of: str) -> None:
    r = cli("demo", "--as-of", as_of, "-f", "json")
    assert r.exit_code == 0, r
    out = r.json()
    assert list(out)[-1] == "check"
    fired = {row["rule"] for row in out["check"]}
    assert RULES <= fired, RULES - fired
    multi = [row for row in out["check"] if row["rule"] == "multi-headed"]
    assert len(multi) == 1 and "(fgw, jyj, sthjj)" in multi[0]["message"]
    quota = [row for row in out["check"] if row["rule"] == "plan-quota"]
    assert quota[0]["message"].startswith(f"{as_of[:4]} plan has 6 entries, 2 over the allowed 4")
    assert "warning:" not in r.stderr


def test_demo_check_agrees_with_check_command(cli: Runner, db_path) -> None:
    demo = cli("demo", "--as-of", "2026-11-30", "-f", "json").json()["check"]
    r = cli("check", "--as-of", "2026-11-30", "-f", "json")
    assert r.exit_code == 1  # the demo holds errors (the quota, an unplanned inspection)
    assert r.json() == demo
