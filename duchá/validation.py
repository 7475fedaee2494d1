"""The checks a record's values must pass, whoever writes them: a command (through its service)
or an import.  Each check names the field it is about, so that a command can say `--due` and
an import can name the spreadsheet's column; the message itself names no flag.

The database holds the same facts as CHECK constraints (models.py): these give the clerk a
sentence before the database would refuse the row.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from itertools import compress, count
from typing import TYPE_CHECKING

from duchá.errors import BadInput

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


class Invalid(BadInput):
    """A value that breaks a rule of its record; `field` names it.

    The message names no command-line flag and no column.  Where it must say what gave a
    value, it writes the field as «due»: `said` fills in the name the reader knows, `--due` on
    the command line or 落实时限 in a spreadsheet.  A message without one gets the field's
    name in front.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.template = message
        super().__init__(self.said(lambda name: f"--{name.replace('_', '-')}"))

    def said(self, name_of: Callable[[str], str]) -> str:
        text = _NAMED.sub(lambda m: name_of(m[1]), self.template)
        return text if text != self.template else f"{name_of(self.field)}: {text}"


_NAMED = re.compile(r"«(\w+)»")


def item_dates(*, assigned: date | None, due: date | None, status: str = "open",
               closed_on: date | None = None) -> None:
    """An item is due on or after its assignment, and closed (on or after it) iff done.  An
    unknown assignment (a blank 交办时间) or a long-term item (no due date) has nothing to
    compare."""
    if due is not None and assigned is not None and due < assigned:
        raise Invalid("due", f"due date {due} is before the assigned date {assigned}; give a "
                      "due date on or after it")
    if status == "done" and closed_on is None:
        raise Invalid("closed_on", "the item is done but has no closed date; give the date it "
                      "was closed")
    if status != "done" and closed_on is not None:
        raise Invalid("status", f"{status} but a closed date is given; say done or clear the "
                      "date")
    if closed_on is not None and assigned is not None and closed_on < assigned:
        raise Invalid("closed_on", f"closed date {closed_on} is before the assigned date "
                      f"{assigned}")


def finding_due(lg: Ledger, *, mode: str, found: date, due: date | None,
                long_term_open: bool = False) -> date | None:
    """The finding's due date: as given, else by its mode (立行立改: N working days on the
    statutory calendar; 限期整改: N calendar days), never before the date found.  A long-term
    (长期整改) finding added by command must say when; one imported from an old ledger may
    have none (`long_term_open`)."""
    if due is None and mode == "long-term" and long_term_open:
        return None
    if due is None:
        from duchá.services import settings

        values = settings.load(lg)
        if mode == "immediate":
            due = lg.calendar.add_workdays(found, int(values["finding.immediate_workdays"]))
        elif mode == "deadline":
            due = found + timedelta(days=int(values["finding.deadline_days"]))
        else:
            raise Invalid("due", "a long-term (长期整改) finding needs a due date: the date by "
                          "which the rectification must be complete, e.g. 2027-06-30 or +6m")
    if _before(due, found):
        raise Invalid("due", f"due date {due} is before the date found ({found}); give a due "
                      "date on or after it")
    return due


# A due date that comes before the date the finding was found: never allowed.  (The
# comparison itself, so that finding_dues maps it over a column without a call of ours.)
_before: Callable[[date, date], bool] = operator.lt


def finding_dues(lg: Ledger, *, modes: Sequence[str], found: Sequence[date],
                 due: Sequence[date | None]) -> tuple[list[date | None], set[int]]:
    """`finding_due` of many findings imported from an old ledger (long_term_open), a column
    at a time: each row's date as finding_due gives it, and the rows it refuses (their date
    here is None; finding_due on the row says why).  The default of a missing date is worked
    out once per mode and date found (a big file repeats a few hundred); a date given stands
    when it is not before the date found, as in finding_due."""
    out = list(due)
    refused: set[int] = set()
    if None in out:
        defaults: dict[tuple[str, date], date | Invalid | None] = {}
        for i in [i for i, d in enumerate(out) if d is None]:
            key = (modes[i], found[i])
            if key not in defaults:
                try:
                    defaults[key] = finding_due(lg, mode=key[0], found=key[1], due=None,
                                                long_term_open=True)
                except Invalid as exc:
                    defaults[key] = exc
            value = defaults[key]
            if isinstance(value, Invalid):
                refused.add(i)
            else:
                out[i] = value
    # (a row without a date compared as due on the day found: never before it)
    dated: Sequence[date] = [f if d is None else d for d, f in zip(out, found, strict=True)] \
        if None in out else out  # type: ignore[assignment]  # (no None in out there)
    refused.update(compress(count(), map(_before, dated, found)))
    for i in refused:
        out[i] = None
    return out, refused


def finding_status_dates(*, status: str, rectified_on: date | None,
                         verified_on: date | None) -> None:
    """A rectified finding says when; a verified one says when it was verified."""
    if status == "verified" and verified_on is None:
        raise Invalid("verified_on", "the finding is verified but has no verified date; give "
                      "the date verified")
    if status == "rectified" and rectified_on is None:
        raise Invalid("rectified_on", "the finding is rectified but has no date; give the "
                      "date it was rectified")
