"""Date parsing and working days on the Chinese statutory calendar.

Accepted forms (DESIGN.md "Dates and working days"): 2026-12-31, 2026/12/31, 20261231,
2026年12月31日, 12月31日 (the as-of year), today, tomorrow, yesterday, and relative
+10d, +2w, +3m, +5wd counted from a base date (the record's own start, else the as-of date).
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from datetime import date, timedelta

from duchá.errors import BadInput

ACCEPTED = (
    "2026-12-31, 2026/12/31, 20261231, 2026年12月31日, 12月31日, today, tomorrow, "
    "+10d, +2w, +3m or +5wd (working days)"
)
MONTH_ACCEPTED = "2026-03, 2026/3, 202603 or 2026年3月"

_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ZH_YMD = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_ZH_MD = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_REL = re.compile(r"^([+-])\s*(\d{1,5})\s*(wd|d|w|m|个?工作日|天|日|周|个?月)$")
_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_COMPACT_YM = re.compile(r"^(\d{4})(\d{2})$")
_ZH_YM = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(份)?$")

# A supervision deadline or record date lies within a working life of today; anything
# further is a typo (0001-01-01, +99999wd) and would only overflow date arithmetic later.
HORIZON_YEARS = 50
_HORIZON_DAYS = HORIZON_YEARS * 366

_WORDS = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1, "yesterday": -1, "昨天": -1}


def _make(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise BadInput(f"'{text}' is not a real date ({exc}); use {ACCEPTED}") from None


def parse_date(
    text: str,
    *,
    today: date,
    base: date | None = None,
    calendar: WorkCalendar | None = None,
) -> date:
    """Parse one date; relative forms count from `base` (default `today`).  Dates more than
    HORIZON_YEARS from `today` are refused."""
    return within_horizon(_parse(text, today=today, base=base, calendar=calendar), today, text)


def within_horizon(day: date, today: date, text: str) -> date:
    if abs((day - today).days) > _HORIZON_DAYS:
        what = day.isoformat() if text.strip() == day.isoformat() else f"'{text}' ({day})"
        raise BadInput(f"{what} is more than {HORIZON_YEARS} years from {today}; "
                       "check the date")
    return day


def check_year(year: int, today: date) -> int:
    """A plan or report year: within HORIZON_YEARS of today, like every date."""
    if abs(year - today.year) > HORIZON_YEARS:
        raise BadInput(f"year {year} is more than {HORIZON_YEARS} years from {today.year}; "
                       "give a year like " + str(today.year))
    return year


def _parse(text: str, *, today: date, base: date | None, calendar: WorkCalendar | None
           ) -> date:
    raw = (text or "").strip()
    key = raw.lower()
    if not key:
        raise BadInput(f"empty date; use {ACCEPTED}")
    if key in _WORDS:
        return today + timedelta(days=_WORDS[key])
    for pattern in (_YMD, _COMPACT, _ZH_YMD):
        m = pattern.match(key)
        if m:
            return _make(int(m[1]), int(m[2]), int(m[3]), raw)
    m = _ZH_MD.match(key)
    if m:
        return _make(today.year, int(m[1]), int(m[2]), raw)
    m = _REL.match(key)
    if m:
        sign = 1 if m[1] == "+" else -1
        n = int(m[2]) * sign
        unit = m[3]
        start = base or today
        if abs(n) * (31 if unit.endswith("月") or unit == "m" else 7) > 2 * _HORIZON_DAYS:
            raise BadInput(f"'{text}' is more than {HORIZON_YEARS} years away; check the date")
        try:
            if unit in ("d", "天", "日"):
                return start + timedelta(days=n)
            if unit in ("w", "周"):
                return start + timedelta(weeks=n)
            if unit.endswith("月") or unit == "m":
                from dateutil.relativedelta import relativedelta

                return start + relativedelta(months=n)
            return (calendar or WorkCalendar()).add_workdays(start, n)
        except (OverflowError, ValueError):  # past year 9999 or before year 1
            raise BadInput(f"'{text}' from {start} falls outside the calendar; give a "
                           "nearer date") from None
    raise BadInput(f"'{text}' is not a date; use {ACCEPTED}")


def parse_month(text: str) -> tuple[date, date]:
    """A month ('2026-03', '2026年3月') as its first and last day."""
    raw = (text or "").strip()
    for pattern in (_YM, _COMPACT_YM, _ZH_YM):
        m = pattern.match(raw)
        if m:
            y, mo = int(m[1]), int(m[2])
            if not 1 <= mo <= 12 or y < 1:
                break
            return date(y, mo, 1), date(y, mo, monthrange(y, mo)[1])
    raise BadInput(f"'{text}' is not a month; use {MONTH_ACCEPTED}")


def parse_date_or_month(text: str, *, today: date, end: bool) -> date:
    """A window bound: a date, or a month meaning its first (start) or last (end) day."""
    try:
        first, last = parse_month(text)
    except BadInput:
        try:
            return parse_date(text, today=today)
        except BadInput as exc:
            if "years from" in exc.message:
                raise
            raise BadInput(
                f"'{text}' is neither a date nor a month; use {ACCEPTED}, or a month like "
                f"{MONTH_ACCEPTED}"
            ) from None
    return within_horizon(last if end else first, today, text)


class WorkCalendar:
    """Working days: the statutory calendar (chinesecalendar), local overrides first.

    A year the package does not cover falls back to Monday-Friday; the years that did are
    collected in `fallback_years` so the command line can say so once.
    """

    def __init__(self, overrides: dict[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self.fallback_years: set[int] = set()
        self._cache: dict[date, bool] = {}

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        result = self._statutory(day)
        self._cache[day] = result
        return result

    def _statutory(self, day: date) -> bool:
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.fallback_years.add(day.year)
            return day.weekday() < 5

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it, for negative n)."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        day = start
        while remaining:
            day += timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def plain(value: object) -> object:
    """A JSON-ready value: dates as ISO text, everything else unchanged (what events store
    and machine formats print)."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def days(values: Iterable[date]) -> list[str]:
    return [v.isoformat() for v in values]
