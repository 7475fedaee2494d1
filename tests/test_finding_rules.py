"""The finding and progress rules as pure functions, at their boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from duchá import rules

AS_OF = date(2026, 11, 30)


def frow(status: str = "open", due: date | None = AS_OF, number: str = "WT-2026-0001"):
    return {"number": number, "unit": "jyj", "status": status, "due": due}


@pytest.mark.parametrize(("offset", "level"), [
    (-1, "error"),      # one day past due: red
    (0, "warning"),     # due today: not yet overdue, yellow
    (3, "warning"),     # the last day of the 3-day margin
    (4, None),          # just beyond it: green, no violation
])
def test_finding_overdue_boundaries(offset: int, level: str | None) -> None:
    found = rules.finding_overdue([frow(due=AS_OF + timedelta(days=offset))], AS_OF, 3)
    assert [v.level for v in found] == ([level] if level else [])
    if level:
        assert found[0].rule == "finding-overdue"
        assert found[0].subject == "finding WT-2026-0001"
        assert found[0].unit == "jyj"


def test_finding_overdue_message_counts_calendar_days() -> None:
    (v,) = rules.finding_overdue([frow(due=date(2026, 11, 20))], AS_OF, 3)
    assert v.message.startswith("rectification 10 days overdue (due 2026-11-20")


@pytest.mark.parametrize("status", ["open", "rectifying", "reopened"])
def test_running_statuses_can_be_overdue(status: str) -> None:
    assert len(rules.finding_overdue([frow(status, AS_OF - timedelta(days=9))], AS_OF, 3)) == 1


@pytest.mark.parametrize("status", ["rectified", "verified"])
def test_rectified_and_verified_are_never_overdue(status: str) -> None:
    assert rules.finding_overdue([frow(status, date(2026, 1, 1))], AS_OF, 3) == []


@pytest.mark.parametrize(("status", "due", "light"), [
    ("open", AS_OF - timedelta(days=1), "red"),
    ("reopened", AS_OF + timedelta(days=2), "yellow"),
    ("rectifying", AS_OF + timedelta(days=30), "green"),
    ("rectified", AS_OF - timedelta(days=30), "green"),
    ("verified", AS_OF - timedelta(days=30), ""),
])
def test_finding_light(status: str, due: date, light: str) -> None:
    assert rules.finding_light(status, due, AS_OF, 3) == light


def lrow(lookback_due: date | None, result: str | None = None, status: str = "verified"):
    return {"number": "WT-2026-0002", "unit": "fgw", "status": status,
            "lookback_due": lookback_due, "lookback_result": result}


def test_lookback_due_boundaries() -> None:
    day = timedelta(days=1)
    assert rules.lookback_due([lrow(AS_OF)], AS_OF) == []  # due today has not passed
    (v,) = rules.lookback_due([lrow(AS_OF - day)], AS_OF)
    assert (v.rule, v.level, v.subject) == ("lookback-due", "warning", "finding WT-2026-0002")
    assert "1 day ago" in v.message
    assert rules.lookback_due([lrow(AS_OF - day, "ok")], AS_OF) == []
    assert rules.lookback_due([lrow(None)], AS_OF) == []
    assert rules.lookback_due([lrow(AS_OF - day, status="reopened")], AS_OF) == []


def irow(percent: int | None, assigned: date = date(2026, 1, 1), due: date = date(2026, 12, 31),
         status: str = "open"):
    return {"number": "DB-2026-0001", "lead_unit": "zjj", "status": status,
            "assigned": assigned, "due": due, "percent": percent}


def test_elapsed_percent() -> None:
    a, d = date(2026, 1, 1), date(2026, 1, 11)
    assert rules.elapsed_percent(a, d, date(2026, 1, 6)) == 50.0
    assert rules.elapsed_percent(a, d, date(2025, 12, 1)) == 0.0
    assert rules.elapsed_percent(a, d, date(2026, 2, 1)) == 100.0
    assert rules.elapsed_percent(a, a, a) == 100.0


def test_item_lag_boundary_is_strictly_more_than_the_margin() -> None:
    # 100-day item, 60 days gone: 60% of the time elapsed.
    a, d, on = date(2026, 1, 1), date(2026, 4, 11), date(2026, 3, 2)
    assert rules.elapsed_percent(a, d, on) == 60.0
    assert rules.item_lag([irow(40, a, d)], on, 20) == []          # exactly 20 behind
    (v,) = rules.item_lag([irow(39, a, d)], on, 20)               # 21 behind
    assert (v.rule, v.level, v.subject, v.unit) == ("item-lag", "warning", "item DB-2026-0001",
                                                    "zjj")
    assert v.message.startswith("39% done with 60% of the time elapsed")
    assert len(rules.item_lag([irow(None, a, d)], on, 20)) == 1   # nothing reported counts as 0


def test_item_lag_skips_closed_and_past_due_items() -> None:
    a, d = date(2026, 1, 1), date(2026, 4, 11)
    assert rules.item_lag([irow(0, a, d, "done")], date(2026, 3, 2), 20) == []
    # Past due is item-overdue's red, not a lag.
    assert rules.item_lag([irow(0, a, d)], date(2026, 4, 12), 20) == []


@pytest.mark.parametrize(("status", "due", "percent", "light"), [
    ("open", date(2026, 11, 29), 100, "red"),
    ("open", date(2026, 12, 7), 100, "yellow"),   # within the 7-day margin
    ("open", date(2026, 12, 8), 100, "green"),    # just beyond it
    ("open", date(2027, 1, 10), 0, "yellow"),     # behind schedule (item-lag)
    ("done", date(2026, 1, 1), 0, ""),
    ("cancelled", date(2026, 1, 1), 0, ""),
])
def test_item_light(status: str, due: date, percent: int, light: str) -> None:
    assert rules.item_light(status, date(2026, 6, 1), due, percent, AS_OF, 7, 20) == light
