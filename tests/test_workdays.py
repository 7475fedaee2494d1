"""`duchá config calendar ...`: local days off and working weekends, which working-day counts
follow and `verify` checks."""

from __future__ import annotations

from conftest import Runner

AS_OF = ("--as-of", "2026-11-28")


def run(cli: Runner, *args: str) -> list[dict]:
    r = cli(*args, *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    return r.json()


def test_days_off_and_working_weekends_move_working_day_dates(ledger: Runner) -> None:
    # 2031 is beyond the statutory calendar: Monday to Friday, until the office says more.
    add = ("item", "add", "x", "-c", "meeting", "--lead", "fgw", "--assigned", "2031-01-30",
           "--due", "+5wd")
    r = ledger(*add, *AS_OF, "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["due"] == "2031-02-06"
    assert "does not cover 2031" in r.stderr and "config calendar holiday" in r.stderr
    days = run(ledger, "config", "calendar", "holiday", "2031-02-01", "--to", "+6d",
               "--note", "春节")
    assert [(d["day"], d["workday"], d["note"]) for d in days] == [
        (f"2031-02-0{i}", False, "春节") for i in range(1, 8)]
    run(ledger, "config", "calendar", "workday", "2031-02-08", "--note", "调休")
    # Thu 30 Jan + 5 working days: Fri 31, Sat 8 Feb (调休), Mon 10, Tue 11, Wed 12.
    assert run(ledger, *add)[0]["due"] == "2031-02-12"
    listed = run(ledger, "config", "calendar", "list", "--year", "2031")
    assert [d["day"] for d in listed][-1] == "2031-02-08"
    assert listed[-1]["statutory"] == "day off (Monday-Friday guess)"
    cleared = run(ledger, "config", "calendar", "clear", "2031-02-03", "--to", "2031-02-07")
    assert [c["day"] for c in cleared] == [f"2031-02-0{i}" for i in range(3, 8)]
    assert run(ledger, *add)[0]["due"] == "2031-02-06"  # Fri 31, Mon 3 ... Thu 6 again
    assert len(run(ledger, "config", "calendar", "list")) == 3
    log = run(ledger, "log", "--table", "calendar")
    assert [e["action"] for e in log] == ["set"] * 8 + ["clear"] * 5
    v = ledger("verify", "-f", "json")
    assert v.exit_code == 0, v
    assert {"table": "calendar", "records": 3, "events": 13, "note": ""} in v.json()


def test_the_statutory_calendar_column(ledger: Runner) -> None:
    rows = run(ledger, "config", "calendar", "workday", "2026-10-10", "--note", "国庆调休")
    # A Saturday that the statutory calendar already makes a 调休 working day, and New
    # Year's Day, a Thursday that it makes a day off.
    assert rows[0]["statutory"] == "workday"
    setting_again = run(ledger, "config", "calendar", "workday", "2026-10-10",
                        "--note", "国庆调休")
    assert setting_again == rows
    assert len(run(ledger, "log", "--table", "calendar")) == 1  # no change, no event
    assert run(ledger, "config", "calendar", "holiday", "2026-01-01")[0]["statutory"] == "day off"
    assert run(ledger, "config", "calendar", "clear", "2026-01-01")[0]["day"] == "2026-01-01"
