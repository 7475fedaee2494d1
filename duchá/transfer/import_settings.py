"""`duchá import quotas|settings|calendar`: the ledger's own rules, a handful of rows a year,
each checked and written exactly as its command does (`plan quota set`, `config set`,
`config calendar holiday/workday`), so there is no bulk to speak of."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from duchá.errors import BadInput
from duchá.transfer.importer import Job, Record, Row

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


def _once(r: Row, name: str, value: object, seen: dict[object, int]) -> bool:
    """False (and the row fails) when `value` repeats an earlier line."""
    if value in seen:
        r.fail(name, f"{value} repeats line {seen[value]}")
        return False
    seen[value] = r.line
    return True


def _quotas(job: Job) -> list[Record]:
    from duchá.services import plans

    seen: dict[object, int] = {}
    out = []
    for r in job.rows():
        got = r.read_all()
        year = got.pop("year")
        if year is not None and not 1949 <= year <= 2999:
            r.fail("year", f"{year} is not a plan year")
        if not r.ok or year is None or not _once(r, "year", year, seen):
            continue
        if (got["max_count"] is None) == (got["reduction"] is None):
            r.fail("max_count", "give either max_count or reduction for the year, one of them")
            continue
        if r.check(plans.check_quota, job.lg, year, **got) is None and not r.ok:
            continue
        out.append(Record(r.line, year, None, got, {}, job.lg.today))
    return out


def _settings(job: Job) -> list[Record]:
    from duchá.services import settings

    seen: dict[object, int] = {}
    out = []
    for r in job.rows():
        got = r.read_all()
        key, value = got["key"], got["value"]
        if key is None or value is None:
            continue
        try:
            spec = settings.spec(key)
            spec.parse(value)
        except BadInput as exc:
            r.fail("key" if "setting" in exc.message else "value", exc.message)
            continue
        if _once(r, "key", spec.key, seen):
            out.append(Record(r.line, 0, None, {"key": spec.key, "value": value}))
    return out


def _calendar(job: Job) -> list[Record]:
    seen: dict[object, int] = {}
    out = []
    for r in job.rows():
        got = r.read_all()
        day = got["day"]
        if r.ok and day and _once(r, "day", day, seen):
            out.append(Record(r.line, day.year, None, got))
    return out


PREPARE: dict[str, Callable[[Job], list[Record]]] = {
    "quotas": _quotas, "settings": _settings, "calendar": _calendar}


def write(lg: Ledger, table: str, records: list[Record]) -> None:
    from duchá.services import calendar as workdays
    from duchá.services import plans, settings

    for rec in records:
        v = rec.values
        if table == "quotas":
            plans.quota_set(lg, rec.year, **v)
        elif table == "settings":
            settings.set_value(lg, v["key"], v["value"])
        else:
            workdays.set_days(lg, v["day"], None, workday=v["workday"], note=v["note"])


def key_of(table: str, records: list[Record]) -> list[str]:
    """What names each record in the import summary."""
    name = {"quotas": lambda r: str(r.year), "settings": lambda r: r.values["key"],
            "calendar": lambda r: r.values["day"].isoformat()}[table]
    return [name(rec) for rec in records]
