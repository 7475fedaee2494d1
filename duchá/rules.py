"""The rules of supervision work, as pure functions over plain rows and an as-of date.

No database and no printing here: a service gathers the rows with SQL, a rule returns
violations, and the command line renders them.  Rule codes, levels and defaults are DESIGN.md's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

LEVELS = ("error", "warning", "info")
LIGHT_OF_LEVEL = {"error": "red", "warning": "yellow", "info": ""}


@dataclass(frozen=True)
class Violation:
    rule: str
    level: str
    subject: str  # "table number", e.g. "item DB-2026-0001"
    unit: str
    message: str

    @property
    def light(self) -> str:
        return LIGHT_OF_LEVEL.get(self.level, "")

    def row(self) -> dict[str, Any]:
        return {**asdict(self), "light": self.light}


def light(status_open: bool, due: date | None, as_of: date, yellow_days: int) -> str:
    """Red past due, yellow within `yellow_days` of it, green otherwise; blank when closed."""
    if not status_open:
        return ""
    if due is None:
        return "green"
    if due < as_of:
        return "red"
    if (due - as_of).days <= yellow_days:
        return "yellow"
    return "green"
