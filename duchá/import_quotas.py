"""`duchá import quotas`: a year's plan quota per row, checked and set exactly as
`duchá plan quota set` does (a ledger has one quota a year, so there is no bulk to speak of)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from duchá.errors import BadInput
from duchá.importer import Job, Record

if TYPE_CHECKING:
    from duchá.ledger import Ledger


def prepare(job: Job) -> list[Record]:
    from duchá import plans

    seen: dict[int, int] = {}
    out = []
    for r in job.rows():
        year = r.integer("year")
        if year is None and r.ok:
            r.fail("year", "empty; this column is required")
        elif year is not None and not 1949 <= year <= 2999:
            r.fail("year", f"{year} is not a plan year")
        values = {"max_count": r.integer("max_count"), "reduction": r.text("reduction"),
                  "baseline": r.integer("baseline")}
        if not r.ok or year is None:
            continue
        if year in seen:
            r.fail("year", f"{year} repeats line {seen[year]}")
            continue
        seen[year] = r.line
        if (values["max_count"] is None) == (values["reduction"] is None):
            r.fail("max_count", "give either max_count or reduction for the year, one of them")
            continue
        try:
            plans.check_quota(job.lg, year, **values)
        except BadInput as exc:
            r.fail("reduction" if values["reduction"] else "max_count",
                   exc.message.replace("--max", "max_count").replace("--reduction", "reduction")
                   .replace("--baseline", "baseline"))
            continue
        out.append(Record(r.line, year, None, values, {}, job.lg.today))
    return out


def write(lg: Ledger, records: list[Record]) -> None:
    from duchá import plans

    for rec in records:
        plans.quota_set(lg, rec.year, **rec.values)
