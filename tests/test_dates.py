"""Dates: every accepted form, clear errors, and working days on the statutory calendar."""

from datetime import date

import pytest

from duchá.dates import (
    WorkCalendar,
    parse_date,
    parse_date_or_month,
    parse_deadline,
    parse_month,
)
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


ASSIGNED = date(2025, 3, 1)  # a row of last year's 台账, imported in 2026


@pytest.mark.parametrize(("text", "expected"), [
    # long-term: no due date
    ("长期", None), ("长期坚持", None), ("持续推进", None), ("常态化", None), (" 长期 ", None),
    # ...前 and ...底 forms, with and without a year (the year of the assigned date)
    ("2026年9月30日前", date(2026, 9, 30)), ("9月30日前", date(2025, 9, 30)),
    ("2026-09-30前", date(2026, 9, 30)), ("2026年9月30日之前", date(2026, 9, 30)),
    ("2026年3月底", date(2026, 3, 31)), ("2026年3月底前", date(2026, 3, 31)),
    ("6月底前", date(2025, 6, 30)), ("6月底", date(2025, 6, 30)), ("六月底前", date(2025, 6, 30)),
    ("十二月末", date(2025, 12, 31)), ("2026年10月底前完成", date(2026, 10, 31)),
    ("2026年6月中旬", date(2026, 6, 20)), ("2026年6月上旬", date(2026, 6, 10)),
    ("12月31日", date(2025, 12, 31)),
    # a month alone: its last day
    ("2026年12月", date(2026, 12, 31)), ("2026.12", date(2026, 12, 31)),
    ("2026-02", date(2026, 2, 28)), ("2026年2月份", date(2026, 2, 28)),
    # the year, its halves and quarters
    ("年底前", date(2025, 12, 31)), ("年内", date(2025, 12, 31)), ("年底", date(2025, 12, 31)),
    ("2026年底前", date(2026, 12, 31)), ("上半年", date(2025, 6, 30)),
    ("2026年上半年", date(2026, 6, 30)), ("下半年", date(2025, 12, 31)),
    ("一季度", date(2025, 3, 31)), ("二季度", date(2025, 6, 30)), ("三季度", date(2025, 9, 30)),
    ("四季度", date(2025, 12, 31)), ("第三季度末", date(2025, 9, 30)),
    ("2026年第一季度", date(2026, 3, 31)), ("3季度", date(2025, 9, 30)),
    # counted from the assigned date
    ("30日内", date(2025, 3, 31)), ("3个月内", date(2025, 6, 1)),
    # what parse_date takes, and full-width digits as an IME types them
    ("2026-12-31", date(2026, 12, 31)), ("+30d", date(2025, 3, 31)),
    ("２０２６年９月３０日前", date(2026, 9, 30)),
])
def test_deadline_phrases(text: str, expected: date | None) -> None:
    assert parse_deadline(text, today=TODAY, base=ASSIGNED) == expected


def test_deadline_without_a_base_takes_the_as_of_year() -> None:
    assert parse_deadline("6月底前", today=TODAY) == date(2026, 6, 30)
    assert parse_deadline("年底前", today=TODAY) == date(2026, 12, 31)


@pytest.mark.parametrize("text", ["下个月", "2026年13月底", "第五季度", "2026", "尽快", ""])
def test_deadline_errors_name_the_phrases(text: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_deadline(text, today=TODAY, base=ASSIGNED)
    assert "长期" in err.value.message and "6月底前" in err.value.message
