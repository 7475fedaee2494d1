"""New findings from a batch of plain rows, checked a column at a time.

Most rows of a large findings 台账 are plainly new findings: every cell was read before in the
file (Job.batches read it ahead), no number is given, and no row names a finding of the ledger
or repeats another.  Such a batch is checked here with the same rules as a row of
`importer._finding_new`, a column at a time and each rule once per distinct set of values,
and its records made without a Python function per cell.  A batch where any row is not plain,
or breaks a rule, is left to the row-by-row check, which says what is wrong and where.
"""

from __future__ import annotations

from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

from duchá import validation
from duchá.tables import RECORDS
from duchá.transfer import importer, reimport

if TYPE_CHECKING:
    from duchá.transfer.importer import Batch, Job, Record

_DONE = ("rectified", "verified")


def records(job: Job, match: reimport.Matcher, batch: Batch, code_of: dict[int, str]
            ) -> list[Record] | None:
    """The findings of the batch's rows in the order of the file: the plain rows' made here,
    the others' by importer.finding_row; None when the batch has a blank row or rows that
    name the same finding as each other or as a row before (then the order of the rows
    decides, and the whole batch is read row by row)."""
    if not all(batch.said):
        return None
    odd = batch.read_ahead()
    v = batch.values()
    numbers = batch.cells.get("number")
    if numbers is not None:  # (a row's own number is matched against the ledger's row by row)
        odd.update(i for i, number in enumerate(numbers) if number is not None)
    keys = [(reimport.same_text(text), unit) for text, unit in
            zip(v["description"], v["unit"], strict=True) if text is not None and unit is not None]
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
    match.take([(reimport.same_text(text), unit) for text, unit in
                zip(v["description"], v["unit"], strict=True)], lines)
    made = _made(lines, v, {"due": due, "status": status})
    if not odd:
        return made
    rows, fresh = batch.rows(), iter(made)
    out = []
    for i in range(n):
        if i not in odd:
            out.append(next(fresh))
        elif (rec := importer.finding_row(job, match, rows[i], code_of)) is not None:
            out.append(rec)
    return out


def _statuses(v: dict[str, list[Any]], done: list[bool | None]) -> tuple[list[str], set[int]]:
    """Each row's status: its cell, else what its dates say (importer.implied_status); and
    the rows whose status and dates disagree, or that say 整改到位 without a date (the row
    by row check says how, or notes the date it takes)."""
    out = []
    odd = set()
    for j, (given, rectified_on, verified_on, plan_text, plan_on, said_done) in enumerate(zip(
            v["status"], v["rectified_on"], v["verified_on"], v["plan_text"], v["plan_on"],
            done, strict=True)):
        status = given or importer.implied_status(verified_on, rectified_on, said_done,
                                                  plan_text, plan_on)
        out.append(status)
        if (status in _DONE and rectified_on is None) or (said_done and status not in _DONE):
            odd.add(j)
            continue
        try:
            validation.finding_status_dates(status=status, rectified_on=rectified_on,
                                            verified_on=verified_on)
        except validation.Invalid:
            odd.add(j)
    return out, odd


def _made(lines: list[int], v: dict[str, list[Any]], checked: dict[str, list[Any]]
          ) -> list[Record]:
    """The records of the batch's rows: each row's values under the names and in the order
    that importer.fields gives a row read by Row.read_all."""
    names = [name for name in v if name != "rectified"]
    shape, lists = importer.fields("findings", dict.fromkeys(names))
    renamed = {spec.column: spec.name for spec in RECORDS["findings"].refs}
    columns = [checked[name] if name in checked else v[name]
               for name in (renamed.get(column, column) for column in shape)]
    n = len(lines)
    values = list(map(dict, map(zip, repeat(list(shape), n), zip(*columns, strict=True))))
    links = list(map(dict, map(zip, repeat(list(lists), n),
                               zip(*(v[name] for name in lists), strict=True)))) \
        if lists else [{} for _ in range(n)]
    found = v["found_on"]
    return list(map(importer.Record, lines, [d.year for d in found], repeat(None, n),
                    values, links, found))
