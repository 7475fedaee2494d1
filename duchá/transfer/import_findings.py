"""`duchá import findings`: the rows of a findings 台账 checked and made into findings.

Row by row (`finding_row`), as `finding add` checks a finding, or as an update of the finding
of the ledger that the row names (reimport.py).  Most rows of a large 台账 are plainly new
findings, though: read before in the file (Job.batches reads them ahead), without a number,
naming no finding of the ledger nor another row.  A batch of such rows is checked a column at
a time (`batch_records`), with the same rules run once per distinct set of values, and made
into a Block of columns instead of a dict per row; the rows among them that are not plain go
row by row, in their place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import compress, count
from operator import itemgetter, not_
from typing import Any

from duchá import validation
from duchá.tables import RECORDS
from duchá.transfer import reimport
from duchá.transfer.importer import (
    DATES,
    Batch,
    Block,
    Job,
    Record,
    Row,
    fields,
    number_text,
    unit_codes,
)

# The statuses of a finding whose rectification is done (整改到位).
_DONE = ("rectified", "verified")


def prepare(job: Job) -> list[Record | Block]:
    """The file's rows checked and made into findings: a batch of rows at a time where it
    can (`batch_records`), else row by row (`finding_row`)."""
    match = reimport.Matcher(job, "finding")
    code_of = unit_codes(job)
    out: list[Record | Block] = []
    for batch in job.batches():
        made = batch_records(job, match, batch, code_of)
        if made is not None:
            out.extend(made)
            continue
        for r in batch.rows():
            rec = finding_row(job, match, r, code_of)
            if rec is not None:
                out.append(rec)
    return out


def finding_row(job: Job, match: reimport.Matcher, r: Row, code_of: dict[int, str]
                ) -> Record | None:
    """A row read and checked on its own: a new finding, an update of one in the ledger,
    or None (its errors said)."""
    numbered = "number" in job.where  # (else no row has a number to read)
    got = r.read_all()
    done = got.pop("rectified")  # 是否整改到位
    done = done if r.given("rectified") else None
    if "due" in r.long_term:  # 长期: long-term rectification, no due date
        if r.given("mode") and got["mode"] != "long-term":
            r.fail("due", f"says 长期 but the rectification mode is {got['mode']}; write "
                   "a date, or the mode 长期整改")
        got["mode"] = "long-term"
    num = r.number("findings") if numbered else None
    existing = match.find(r, number_text("findings", num), got["description"],
                          got["unit"])
    if existing is not None:
        rec = _finding_update(job, r, got, existing, done, code_of)
    else:
        rec = _finding_new(job, r, got, num, done)
    return rec if rec is not None and r.ok else None


def _rectified_today(job: Job, r: Row, got: dict[str, Any]) -> None:
    if got["status"] in _DONE and got["rectified_on"] is None:
        got["rectified_on"] = job.lg.today
        job.implied.setdefault(r.line, set()).add("rectified_on")
        job.note(f"整改到位 without a 整改完成日期: rectified on the as-of date {job.lg.today}",
                 r.line)


def implied_status(verified_on: date | None, rectified_on: date | None, done: bool | None,
                   plan_text: str | None, plan_on: date | None) -> str:
    """A new finding's status when its row gives none: what its dates say."""
    return ("verified" if verified_on else "rectified" if rectified_on or done
            else "rectifying" if plan_text or plan_on else "open")


def _finding_new(job: Job, r: Row, got: dict[str, Any], num: tuple[int, int] | None,
                 done: bool | None) -> Record | None:
    # The same defaults and checks as `finding add`, called here rather than through Row.check,
    # whose repacked keywords cost more than these rules, twice per row.
    if r.ok:
        try:
            got["due"] = validation.finding_due(job.lg, mode=got["mode"], found=got["found_on"],
                                                due=got["due"], long_term_open=True)
        except validation.Invalid as exc:
            r.refuse(exc)
            got["due"] = None
    got["status"] = got["status"] or implied_status(
        got["verified_on"], got["rectified_on"], done, got["plan_text"], got["plan_on"])
    if done and got["status"] not in _DONE:
        r.fail("rectified", f"says 是 but the status is {got['status']}")
    _rectified_today(job, r, got)
    if r.ok:
        try:
            validation.finding_status_dates(status=got["status"],
                                            rectified_on=got["rectified_on"],
                                            verified_on=got["verified_on"])
        except validation.Invalid as exc:
            r.refuse(exc)
    if not r.ok:
        return None
    values, links = fields("findings", got)
    year, seq = num if num else (got["found_on"].year, None)
    return Record(r.line, year, seq, values, links, got["found_on"])


def _finding_update(job: Job, r: Row, got: dict[str, Any], existing: reimport.Existing,
                    done: bool | None, code_of: dict[int, str]) -> Record | None:
    snap = existing.snap
    dates = DATES["findings"]
    final: dict[str, Any] = {k: date.fromisoformat(v) if v and k in dates else v
                             for k, v in snap.items()}
    implied = job.implied.setdefault(r.line, set())
    for k, v in got.items():
        if r.given(k) or (k == "due" and "due" in r.long_term):
            final[k] = v
    if "due" in r.long_term:
        final["mode"] = "long-term"
        implied.add("mode")
    if done and not r.given("status") and final["status"] not in _DONE:
        final["status"] = "rectified"
        implied.add("status")
    _rectified_today(job, r, final)
    if r.ok and final["due"] is not None:  # (a date given is only held to the date found)
        r.check(validation.finding_due, job.lg, mode=final["mode"], found=final["found_on"],
                due=final["due"])
    if r.ok:
        r.check(validation.finding_status_dates, status=final["status"],
                rectified_on=final["rectified_on"], verified_on=final["verified_on"])
    if not r.ok:
        return None
    for k in ("mode", "status", "rectified_on"):
        if k in implied:
            got[k] = final[k]
    values, links = fields("findings", got)
    if not r.given("number"):  # matched by its description and unit: those stay
        values.pop("unit_id", None)
        values["description"] = snap["description"]
    update = reimport.plan("finding", existing, r, values, links, code_of)
    return Record(r.line, 0, None, {**values, "number": existing.number}, links, None, update)


def batch_records(job: Job, match: reimport.Matcher, batch: Batch, code_of: dict[int, str]
                  ) -> list[Record | Block] | None:
    """The findings of the batch's rows in the order of the file: the plain rows' made here,
    the others' by finding_row; None when the batch has a blank row or rows that
    name the same finding as each other or as a row before (then the order of the rows
    decides, and the whole batch is read row by row)."""
    if not all(batch.said):
        return None
    odd = batch.read_ahead()
    v = batch.values()
    numbers = batch.cells.get("number")
    if numbers is not None:  # (a row's own number is matched against the ledger's row by row)
        odd.update(i for i, number in enumerate(numbers) if number is not None)
    texts, units = v["description"], v["unit"]
    named = list(zip(reimport.same_texts(texts), units, strict=True))
    keys = named if None not in texts and None not in units else [
        k for k, text, unit in zip(named, texts, units, strict=True)
        if text is not None and unit is not None]
    if not match.fresh(keys):
        return None
    n = len(batch.lines)
    plain = list(range(n)) if not odd else [i for i in range(n) if i not in odd]
    if odd:
        v = {name: [values[i] for i in plain] for name, values in v.items()}
    given = batch.cells.get("rectified")
    done: list[bool | None] = [None] * len(plain) if given is None else [
        value if given[i] is not None else None
        for i, value in zip(plain, v["rectified"], strict=True)]
    due, refused = validation.finding_dues(job.lg, modes=v["mode"], found=v["found_on"],
                                           due=v["due"])
    status, disagree = _statuses(v, done)
    if refused or disagree:  # (row by row, where they say why)
        keep = [j not in refused and j not in disagree for j in range(len(plain))]
        odd.update(i for i, kept in zip(plain, keep, strict=True) if not kept)
        plain = list(compress(plain, keep))
        due = list(compress(due, keep))
        status = list(compress(status, keep))
        v = {name: list(compress(values, keep)) for name, values in v.items()}
    lines = [batch.lines[i] for i in plain] if odd else batch.lines
    match.take([named[i] for i in plain] if odd else named, lines)
    made = _made(lines, v, {"due": due, "status": status})
    if not odd:
        return [made]
    # The plain rows between the others, each run a block, and the others' records.
    rows = batch.rows()
    out: list[Record | Block] = []
    at = start = 0
    for i in range(n):
        if i not in odd:
            at += 1
            continue
        if at > start:
            out.append(made.part(start, at))
            start = at
        if (rec := finding_row(job, match, rows[i], code_of)) is not None:
            out.append(rec)
    if at > start:
        out.append(made.part(start, at))
    return out


def _statuses(v: dict[str, list[Any]], done: list[bool | None]) -> tuple[list[str], set[int]]:
    """Each row's status: its cell, else what its dates say (implied_status); and the rows
    whose status and dates disagree, or that say 整改到位 without a date (the row by row
    check says how, or notes the date it takes)."""
    columns = (v["status"], v["verified_on"], v["rectified_on"], done, v["plan_text"],
               v["plan_on"])
    n = len(done)
    if not n:
        return [], set()
    # What _status_of says of a row depends on its status, on 整改到位 and on which of
    # the other cells say something, not on the dates they say: once per such pattern,
    # made of the cells that differ between the batch's rows (in a 台账 without a status,
    # a plan or 整改到位 column, only whether the dates are there).
    keys = [col if j in (0, 3) else _said(col) for j, col in enumerate(columns)
            if col.count(col[0]) != n]
    pattern: Sequence[Any] = [None] * n if not keys else keys[0] if len(keys) == 1 \
        else list(zip(*keys, strict=True))
    verdicts = _each_pattern(_status_of, pattern, columns)
    status = list(map(itemgetter(0), verdicts))
    return status, set(compress(count(), map(not_, map(itemgetter(1), verdicts))))


def _said(column: Sequence[Any]) -> list[bool]:
    """Whether each value says something (a date, a text that is not empty)."""
    return list(map(bool, column))


def _status_of(given: str | None, verified_on: date | None, rectified_on: date | None,
               done: bool | None, plan_text: str | None, plan_on: date | None
               ) -> tuple[str, bool]:
    """A plain row's status (`_statuses`), and whether it may be taken as it is."""
    status = given or implied_status(verified_on, rectified_on, done, plan_text, plan_on)
    if (status in _DONE and rectified_on is None) or (done and status not in _DONE):
        return status, False
    return status, _dates_agree(status, rectified_on, verified_on)


def _each_pattern(rule: Callable[..., Any], pattern: Sequence[Any],
                  columns: Sequence[Sequence[Any]]) -> list[Any]:
    """A rule on each row's values of `columns`, run on the first row of each distinct
    `pattern` only: the rule's verdict depends on the row's pattern alone."""
    n = len(pattern)
    first = dict(zip(reversed(pattern), range(n - 1, -1, -1), strict=True))
    verdicts = {key: rule(*(col[i] for col in columns)) for key, i in first.items()}
    return list(map(verdicts.__getitem__, pattern))


def _dates_agree(status: str, rectified_on: date | None, verified_on: date | None) -> bool:
    try:
        validation.finding_status_dates(status=status, rectified_on=rectified_on,
                                        verified_on=verified_on)
    except validation.Invalid:
        return False
    return True


def _made(lines: list[int], v: dict[str, list[Any]], checked: dict[str, list[Any]]) -> Block:
    """The new findings of plain rows: the rows' values under the names and in the order
    that importer.fields gives a row read by Row.read_all (as `_finding_new` makes them)."""
    names = [name for name in v if name != "rectified"]
    shape, lists = fields("findings", dict.fromkeys(names))
    source = {spec.column: spec.name for spec in RECORDS["findings"].refs}
    values = {column: checked.get(name, v[name])
              for column, name in ((c, source.get(c, c)) for c in shape)}
    links = [dict(zip(lists, row, strict=True)) for row in zip(*(v[name] for name in lists),
                                                               strict=True)] \
        if lists else None
    found = v["found_on"]
    return Block(lines, [d.year for d in found], [None] * len(lines), values, links,
                 list(found))
