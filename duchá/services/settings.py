"""Thresholds of the rules, with the defaults of DESIGN.md, and the office's name for its
documents; validated on `config set`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger


@dataclass(frozen=True)
class Spec:
    """A setting: its default, and its range (for a text, the range of its length)."""

    key: str
    default: int | float | str
    low: float
    high: float
    help: str

    def parse(self, text: str) -> int | float | str:
        if isinstance(self.default, str):
            return self._text(text)
        raw = text.strip().rstrip("%") if isinstance(self.default, float) else text.strip()
        try:
            value: int | float = float(raw) if isinstance(self.default, float) else int(raw)
        except ValueError:
            kind = "a number" if isinstance(self.default, float) else "a whole number"
            raise BadInput(f"{self.key} takes {kind}, not '{text}'") from None
        if isinstance(self.default, float) and text.strip().endswith("%"):
            value = value / 100
        if not self.low <= value <= self.high:
            raise BadInput(f"{self.key} must be between {_num(self.low)} and {_num(self.high)}, "
                           f"not {text}")
        return value

    def _text(self, text: str) -> str:
        value = " ".join(text.split())
        if any(not c.isprintable() for c in value):
            raise BadInput(f"{self.key} takes plain text, without control characters")
        if not self.low <= len(value) <= self.high:
            raise BadInput(f"{self.key} takes {_num(self.low)} to {_num(self.high)} "
                           f"characters, not {len(value)}")
        return value


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


SPECS: dict[str, Spec] = {s.key: s for s in (
    Spec("repeat_inspection.days", 90, 1, 3660,
         "window in days for repeat-inspection (same unit, same topic or item)"),
    Spec("repeat_inspection.similarity", 0.6, 0.01, 1.0,
         "bigram Jaccard similarity at which two topics are the same"),
    Spec("multi_headed.days", 30, 1, 3660,
         "window in days for multi-headed (several organizers on one unit)"),
    Spec("finding_overdue.yellow_days", 3, 0, 365,
         "a finding due within this many days is yellow"),
    Spec("item_overdue.yellow_days", 7, 0, 365, "an item due within this many days is yellow"),
    Spec("item_stale.days", 30, 1, 3660, "an open item with no progress this long is stale"),
    Spec("instruction_limit.workdays", 5, 1, 365,
         "working days within which an instruction item needs progress"),
    Spec("report_missing.days", 15, 1, 3660,
         "days after an inspection's end by which its report must be approved"),
    Spec("finding.immediate_workdays", 5, 1, 365,
         "default due for an immediate (立行立改) finding, in working days"),
    Spec("finding.deadline_days", 30, 1, 3660,
         "default due for a deadline (限期整改) finding, in calendar days"),
    Spec("item_lag.margin", 20, 0, 100,
         "percentage points an item's progress may lag behind elapsed time before yellow"),
    Spec("form.due_workdays", 3, 1, 60,
         "working days after `form out` by which the units return their forms (its --due)"),
    Spec("feedback_missing.workdays", 3, 0, 60,
         "working days after a round's due date before a form not returned is an error "
         "(a warning from the day after the due date)"),
    Spec("reminder_ignored.workdays", 5, 1, 60,
         "working days a 督办通知 gives for the reply; a record still overdue after it is "
         "reminder-ignored (and the next `remind` puts it on the 通报 list)"),
    Spec("office.name", "督查室", 2, 40,
         "the issuing office in the header and signature of .docx documents, e.g. "
         "平凉市人民政府督查室"),
)}


def spec(key: str) -> Spec:
    found = SPECS.get(key.strip().replace("-", "_"))
    if found is None:
        raise BadInput(f"unknown setting '{key}'; `duchá config list` shows them all")
    return found


def load(lg: Ledger) -> dict[str, Any]:
    """Every setting's value in force: stored ones over the defaults."""
    values: dict[str, Any] = {k: s.default for k, s in SPECS.items()}
    for key, value in lg.sql.rows("SELECT key, value FROM setting"):
        if key in values:
            values[key] = json.loads(value)
    return values


def rows(lg: Ledger) -> list[dict[str, Any]]:
    values = load(lg)
    return [{"key": k, "value": values[k], "default": s.default, "help": s.help}
            for k, s in SPECS.items()]


def get(lg: Ledger, key: str) -> Any:
    return load(lg)[spec(key).key]


def set_value(lg: Ledger, key: str, text: str) -> dict[str, Any]:
    from duchá.models import Setting

    s = spec(key)
    value = s.parse(text)
    old = lg.session.get(Setting, s.key)
    before = {"key": s.key, "value": json.loads(old.value) if old else s.default}
    if old is None:
        lg.session.add(Setting(key=s.key, value=json.dumps(value)))
    else:
        old.value = json.dumps(value)
        lg.session.add(old)
    lg.event("set", "setting", s.key, before=before, after={"key": s.key, "value": value})
    return {"key": s.key, "value": value, "default": s.default, "help": s.help}
