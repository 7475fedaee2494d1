"""`duchá check`: gather each rule's rows with SQL, run the pure rule, collect violations.

A rule registers a gatherer with @register(code, level, help).  The gatherer reads what its
rule needs through the Ledger's session (indexed queries, no ORM object churn), calls the pure
function in rules.py, and returns its violations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput

if TYPE_CHECKING:
    from duchá.rules import Violation
    from duchá.services.ledger import Ledger

Gatherer = Callable[["Ledger", dict[str, Any]], list["Violation"]]


@dataclass(frozen=True)
class RuleInfo:
    code: str
    level: str
    help: str
    gather: Gatherer


REGISTRY: dict[str, RuleInfo] = {}
LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


def register(code: str, level: str, help: str) -> Callable[[Gatherer], Gatherer]:
    def wrap(fn: Gatherer) -> Gatherer:
        REGISTRY[code] = RuleInfo(code, level, help, fn)
        return fn

    return wrap


# DESIGN.md's order, so listings and help read like the design's rule table.
DESIGN_ORDER = (
    "plan-quota", "one-comprehensive", "unplanned-approval", "repeat-inspection",
    "multi-headed", "plan-overlap", "finding-overdue", "item-overdue", "item-stale",
    "instruction-limit", "lookback-due", "report-missing", "item-lag", "feedback-missing",
    "reminder-ignored",
)


RULE_MODULES = ("duchá.checks.plans", "duchá.checks.findings", "duchá.checks.cycle")


def _load_rule_modules() -> None:
    """Import the modules whose gatherers register themselves."""
    from importlib import import_module

    for name in RULE_MODULES:
        import_module(name)


def codes() -> list[str]:
    _load_rule_modules()
    rank = {code: i for i, code in enumerate(DESIGN_ORDER)}
    return sorted(REGISTRY, key=lambda c: rank.get(c, len(rank)))


def parse_codes(texts: list[str] | None) -> list[str] | None:
    if not texts:
        return None
    known = codes()
    out = []
    for t in texts:
        code = t.strip().lower().replace("_", "-")
        if code not in known:
            raise BadInput(f"unknown rule '{t}'; use one of: {', '.join(known)}")
        out.append(code)
    return out


def run(lg: Ledger, only: list[str] | None = None) -> list[dict[str, Any]]:
    """Every violation as a row (rule, level, subject, unit, message, light), worst first."""
    from duchá.services import settings

    _load_rule_modules()
    values = settings.load(lg)
    found: list[Violation] = []
    for code in codes():
        info = REGISTRY[code]
        if only is None or code in only:
            found.extend(info.gather(lg, values))
    found.sort(key=lambda v: (LEVEL_ORDER.get(v.level, 9), v.rule, v.subject))
    return [v.row() for v in found]
