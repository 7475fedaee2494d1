"""Dates: every accepted form, clear errors, and working days on the statutory calendar."""

from datetime import date

import pytest

from duchá.dates import WorkCalendar, parse_date, parse_date_or_month, parse_month
from duchá.errors import BadInput

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-31", date(2026, 12, 31)),
    ("2026/12/31", date(2026, 12, 31)),
    ("2026/1/5", date(2026, 1, 5)),
    ("20261231", date(2026, 12, 31)),
    ("2026年12月31日", date(2026, 12, 31)),
    ("2026年1月5号", date(2026, 1, 5)),
    ("12月31日", date(2026, 12, 31)),
    ("today", TODAY),
    ("Tomorrow", date(2026, 11, 29)),
    ("+10d", date(2026, 12, 8)),
    ("+2w", date(2026, 12, 12)),
    ("+3m", date(2027, 2, 28)),
    ("-1d", date(2026, 11, 27)),
])
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", [
    "2026-13-01", "2026-02-30", "31/12/2026", "next week", "", "+5x", "2026", "12/31",
])
def test_rejected_forms_name_the_accepted_ones(text: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_date(text, today=TODAY)
    assert "2026-12-31" in err.value.message and "+5wd" in err.value.message


def test_relative_dates_count_from_the_record_start() -> None:
    assert parse_date("+10d", today=TODAY, base=date(2026, 1, 1)) == date(2026, 1, 11)


def test_working_days_across_national_day_2026() -> None:
    # 10-01..10-07 are holidays; Saturday 10-10 is a swapped working day.
    cal = WorkCalendar()
    assert cal.is_workday(date(2026, 10, 10))
    assert not cal.is_workday(date(2026, 10, 5))
    assert cal.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert parse_date("+5wd", today=date(2026, 9, 30), calendar=cal) == date(2026, 10, 13)
    assert cal.add_workdays(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert cal.fallback_years == set()


def test_uncovered_year_falls_back_to_weekdays_and_says_so() -> None:
    cal = WorkCalendar()
    # 2031-01-03 is a Friday; the next working day under the fallback is Monday the 6th.
    assert cal.add_workdays(date(2031, 1, 3), 1) == date(2031, 1, 6)
    assert cal.fallback_years == {2031}


def test_local_overrides_win() -> None:
    cal = WorkCalendar({date(2026, 10, 9): False})
    assert cal.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 14)


def test_months() -> None:
    assert parse_month("2026-03") == (date(2026, 3, 1), date(2026, 3, 31))
    assert parse_month("2026年2月") == (date(2026, 2, 1), date(2026, 2, 28))
    assert parse_date_or_month("2026-03", today=TODAY, end=True) == date(2026, 3, 31)
    assert parse_date_or_month("2026-03-05", today=TODAY, end=True) == date(2026, 3, 5)
    with pytest.raises(BadInput):
        parse_month("2026-13")
    with pytest.raises(BadInput):
        parse_date_or_month("March", today=TODAY, end=False)
