"""Date parsing and working days on the Chinese statutory calendar.

Accepted forms (DESIGN.md "Dates and working days"): 2026-12-31, 2026/12/31, 20261231,
2026年12月31日, 12月31日 (the as-of year), today, tomorrow, yesterday, and relative
+10d, +2w, +3m, +5wd counted from a base date (the record's own start, else the as-of date).

Deadlines (落实时限, 整改时限) also take the phrases real 台账 are written in (parse_deadline):
长期 / 长期坚持 / 持续推进 (long-term: no due date), 2026年9月30日前, 6月底前, 2026年3月底, a
month alone (2026年12月, 2026.12: its last day), 年底前 / 年内 (31 December), 上半年 (30 June),
一季度 ... 四季度 / 第三季度末 (the quarter's last day), 30日内 / 3个月内 (counted from the base).
A phrase without a year takes the base date's year (an item's assigned date), else the as-of
year.
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
DEADLINE_ACCEPTED = ("长期 (no due date), 2026年9月30日前, 6月底前, 2026年12月, 年底前, 上半年, "
                     "三季度末 or 30日内")

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


# Long-term work: no due date, never red (DESIGN.md "Dates and working days").
LONG_TERM = ("长期", "长期坚持", "长期推进", "长期任务", "持续推进", "持续开展", "常态化",
             "常态化推进", "长期持续")
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10, "十一": 11, "十二": 12}
_NUM = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])"
_TAIL = re.compile(r"(?:之前|以前|前|完成|截止|止|为止)+$")
_YEAR = re.compile(r"^(?:(\d{4})\s*年?)?\s*")
_WITHIN = re.compile(r"^(\d{1,4})\s*(个?工作日|天|日|周|个?星期|个?月)(?:内|以内|之内)$")
_HALF = re.compile(r"^(上|下)半年(?:底|末)?$")
_QUARTER = re.compile(r"^第?([一二三四1-4])\s*季度(?:末|底)?$")
_YEAR_END = re.compile(r"^(?:年底|年末|年内|全年|年终|年度内)$")
_MONTH_PART = re.compile(rf"^{_NUM}\s*月份?(底|末|上旬|中旬|下旬)?$")
_MONTH_DAY = re.compile(rf"^{_NUM}\s*月\s*(\d{{1,2}})\s*[日号]?$")


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _ZH_DIGITS[text]


def _month_end(y: int, m: int, text: str) -> date:
    if not 1 <= m <= 12:
        raise BadInput(f"'{text}' has no month {m}; use {DEADLINE_ACCEPTED}")
    return date(y, m, monthrange(y, m)[1])


def parse_deadline(text: str, *, today: date, base: date | None = None,
                   calendar: WorkCalendar | None = None) -> date | None:
    """A due date as 台账 write it; None for long-term work (长期, 持续推进).  Everything
    parse_date takes is taken too.  Phrases without a year take `base`'s year, else today's."""
    raw = (text or "").strip()
    key = re.sub(r"\s+", "", raw.translate(_FULL_WIDTH)).rstrip("。.；;，,")
    if key in LONG_TERM:
        return None
    found = _deadline(key, (base or today).year, base or today, calendar) if key else None
    if found is not None:
        return within_horizon(found, today, text)
    try:
        return parse_date(key, today=today, base=base, calendar=calendar)
    except BadInput as exc:
        if "is not a date" not in exc.message and "empty date" not in exc.message:
            raise
    raise BadInput(f"'{text}' is not a date or a deadline; use {ACCEPTED}, or "
                   f"{DEADLINE_ACCEPTED}")


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")


def _deadline(key: str, year: int, start: date, calendar: WorkCalendar | None) -> date | None:
    m = _WITHIN.match(key)
    if m:
        n, unit = int(m[1]), m[2]
        short = {"天": "d", "日": "d", "周": "w", "星期": "w", "个星期": "w"}.get(unit)
        unit = short or ("wd" if "工作日" in unit else "m")
        try:
            return parse_date(f"+{n}{unit}", today=start, base=start, calendar=calendar)
        except BadInput:
            return None
    core = _TAIL.sub("", key) or key
    if core != key:  # 2026-09-30前, 2026年9月30日之前
        try:
            return _parse(core, today=start, base=None, calendar=calendar)
        except BadInput:
            pass
    for candidate in (core, key):
        try:
            _, last = parse_month(candidate)  # 2026年12月, 2026.12, 2026-12
        except BadInput:
            continue
        return last
    y = _YEAR.match(core)
    assert y is not None  # the pattern matches every text (all of it is optional)
    if y[1]:
        year = int(y[1])
    rest = core[y.end():]
    if rest.startswith("年"):  # 2026年底: the year's own 年 was taken as a unit
        rest = rest[1:]
    if not rest:
        return None
    if _YEAR_END.match(rest) or _YEAR_END.match("年" + rest):
        return date(year, 12, 31)
    m = _HALF.match(rest)
    if m:
        return date(year, 6, 30) if m[1] == "上" else date(year, 12, 31)
    m = _QUARTER.match(rest)
    if m:
        return _month_end(year, 3 * _number(m[1]), key)
    m = _MONTH_PART.match(rest)
    if m:
        month = _number(m[1])
        part = m[2]
        if part == "上旬":
            return _make(year, month, 10, key)
        if part == "中旬":
            return _make(year, month, 20, key)
        return _month_end(year, month, key)
    m = _MONTH_DAY.match(rest)
    if m:
        return _make(year, _number(m[1]), int(m[2]), key)
    return None


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
