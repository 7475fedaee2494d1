"""The rules of supervision work, as pure functions over plain rows and an as-of date.

No database and no printing here: a service gathers the rows with SQL, a rule returns
violations, and the command line renders them.  Rule codes, levels and defaults are DESIGN.md's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from duchá.words import count

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


# --- Lights (红黄绿灯): one definition, kept as data ---------------------------------------
#
# A record's light is the light of the first rule of its kind whose condition holds.  The
# conditions are data, built from a handful of primitives, so that two readers share them:
# `light_rule` below judges a plain row (check, and any Python path), and lights_sql.py compiles
# the same rules into one SQL CASE (lists, --light filters, report counts).  Neither reader
# knows what red means; only the tables at the end of this section do.
#
# Missing values follow SQL: arithmetic on NULL is NULL, a comparison with NULL is unknown, and
# an unknown condition does not hold, so both readers treat a missing due or percent alike.


class Expr:
    """A value read from a row as of a date: a field, a constant, a setting, arithmetic."""

    def __add__(self, other: object) -> Expr:
        return Arith("+", self, _wrap(other))

    def __radd__(self, other: object) -> Expr:
        return Arith("+", _wrap(other), self)

    def __sub__(self, other: object) -> Expr:
        return Arith("-", self, _wrap(other))

    def __mul__(self, other: object) -> Expr:
        return Arith("*", self, _wrap(other))

    def __rmul__(self, other: object) -> Expr:
        return Arith("*", _wrap(other), self)

    def __lt__(self, other: object) -> Cond:
        return Cmp("<", self, _wrap(other))

    def __le__(self, other: object) -> Cond:
        return Cmp("<=", self, _wrap(other))

    def __gt__(self, other: object) -> Cond:
        return Cmp(">", self, _wrap(other))

    def __ge__(self, other: object) -> Cond:
        return Cmp(">=", self, _wrap(other))

    # Not __eq__: the nodes stay hashable and comparable as objects.
    def eq(self, other: object) -> Cond:
        return Cmp("=", self, _wrap(other))

    def isin(self, options: tuple[Any, ...]) -> Cond:
        return In(self, tuple(options))

    def is_null(self) -> Cond:
        return IsNull(self)


@dataclass(frozen=True, eq=False)
class Field(Expr):
    """A column of the record's row ("status", "due", "percent" ...)."""

    name: str


@dataclass(frozen=True, eq=False)
class Const(Expr):
    value: Any


@dataclass(frozen=True, eq=False)
class Setting(Expr):
    """A threshold from settings (`duchá config`), e.g. item_overdue.yellow_days."""

    key: str


@dataclass(frozen=True, eq=False)
class AsOf(Expr):
    """The as-of date moved by `days` (a number or a setting)."""

    days: Expr = Const(0)


@dataclass(frozen=True, eq=False)
class Days(Expr):
    """Whole days from `start` to `end` (negative when `end` is earlier)."""

    start: Expr
    end: Expr


@dataclass(frozen=True, eq=False)
class Arith(Expr):
    op: str  # "+", "-" or "*": no division, so SQLite's integer division cannot differ
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class Coalesce(Expr):
    value: Expr
    default: Expr


class Cond:
    """A condition on a row; & | ~ combine conditions."""

    def __and__(self, other: Cond) -> Cond:
        return All((self, other))

    def __or__(self, other: Cond) -> Cond:
        return AnyOf((self, other))

    def __invert__(self) -> Cond:
        return Not(self)


@dataclass(frozen=True, eq=False)
class Cmp(Cond):
    op: str  # "<", "<=", ">", ">=", "="
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class In(Cond):
    value: Expr
    options: tuple[Any, ...]


@dataclass(frozen=True, eq=False)
class IsNull(Cond):
    value: Expr


@dataclass(frozen=True, eq=False)
class All(Cond):
    parts: tuple[Cond, ...]


@dataclass(frozen=True, eq=False)
class AnyOf(Cond):
    parts: tuple[Cond, ...]


@dataclass(frozen=True, eq=False)
class Not(Cond):
    part: Cond


ALWAYS: Cond = All(())


def _wrap(value: object) -> Expr:
    return value if isinstance(value, Expr) else Const(value)


@dataclass(frozen=True)
class LightRule:
    """One line of a light's definition: when `when` holds (and no earlier line did), the
    record's light is `light`; `name` says why, for check's levels and messages."""

    name: str
    when: Cond
    light: str


STATUS, DUE, AS_OF = Field("status"), Field("due"), AsOf()

# Statuses whose due date is still running: the unit owes the office the work.
ITEM_RUNNING = ("open",)
FINDING_RUNNING = ("open", "rectifying", "reopened")
# What lists show by default: work not yet finished.  A rectified finding has no light (the
# unit has done its part) but is not finished until the office has verified it.
ITEM_UNFINISHED = ITEM_RUNNING
FINDING_UNFINISHED = (*FINDING_RUNNING, "rectified")


def _by_due(yellow_days: str) -> tuple[LightRule, ...]:
    return (
        # Long-term work (长期, 持续推进) has no due date and is never red.
        LightRule("no-due", DUE.is_null(), "green"),
        LightRule("overdue", DUE < AS_OF, "red"),
        LightRule("due-soon", DUE <= AsOf(Setting(yellow_days)), "yellow"),
    )


_SPAN = Days(Field("assigned"), DUE)
# 序时进度: the reported percent (none reported counts as 0) more than item_lag.margin points
# behind the elapsed share of the item's time, 100 × elapsed / span, multiplied out so that
# both readers compare whole numbers.  Past due is item-overdue's red, not a lag; an item due
# the day it was assigned has no share of time to lag behind (it is due-soon instead).
ITEM_LAGGING: Cond = (
    (DUE >= AS_OF) & (_SPAN > 0)
    & (100 * Days(Field("assigned"), AS_OF)
       > (Setting("item_lag.margin") + Coalesce(Field("percent"), Const(0))) * _SPAN)
)

# The lights by due date alone: the first lines of each light, and what item-overdue and
# finding-overdue flag (red: error, due-soon yellow: warning).
BY_DUE: dict[str, tuple[LightRule, ...]] = {
    "item": (
        LightRule("finished", ~STATUS.isin(ITEM_RUNNING), ""),
        *_by_due("item_overdue.yellow_days"),
    ),
    "finding": (
        # The unit says it is done; green while the office re-checks (复核) the claim.
        LightRule("re-checking", STATUS.eq("rectified"), "green"),
        LightRule("finished", ~STATUS.isin(FINDING_RUNNING), ""),
        *_by_due("finding_overdue.yellow_days"),
    ),
}
LIGHTS: dict[str, tuple[LightRule, ...]] = {
    "item": (
        *BY_DUE["item"],
        LightRule("lagging", ITEM_LAGGING, "yellow"),
        LightRule("on-track", ALWAYS, "green"),
    ),
    "finding": (
        *BY_DUE["finding"],
        LightRule("on-track", ALWAYS, "green"),
    ),
}
LIGHT_NAMES = ("red", "yellow", "green")


def fields_read(node: Expr | Cond) -> set[str]:
    """The row fields an expression or condition reads (none: a constant as of the date)."""
    match node:
        case Field(name):
            return {name}
        case Const() | Setting():
            return set()
        case AsOf(days):
            return fields_read(days)
        case Days(a, b) | Arith(_, a, b) | Coalesce(a, b) | Cmp(_, a, b):
            return fields_read(a) | fields_read(b)
        case In(v, _) | IsNull(v):
            return fields_read(v)
        case All(parts) | AnyOf(parts):
            return set().union(*(fields_read(p) for p in parts))
        case Not(part):
            return fields_read(part)
    raise TypeError(f"not a light expression: {node!r}")


def light_fields(kind: str) -> set[str]:
    """The fields a row of `kind` must carry for its light."""
    return set().union(*(fields_read(line.when) for line in LIGHTS[kind]))


def _arith(op: str, a: Any, b: Any) -> Any:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    raise ValueError(f"unknown operator {op}")


def value(e: Expr, row: Mapping[str, Any], as_of: date, settings: Mapping[str, Any]) -> Any:
    """The value of `e` for a plain row (None for SQL's NULL)."""
    match e:
        case Field(name):
            return row[name]
        case Const(v):
            return v
        case Setting(key):
            return settings[key]
        case AsOf(days):
            n = value(days, row, as_of, settings)
            return None if n is None else as_of + timedelta(days=int(n))
        case Days(start, end):
            a, b = value(start, row, as_of, settings), value(end, row, as_of, settings)
            return None if a is None or b is None else (b - a).days
        case Arith(op, left, right):
            a, b = value(left, row, as_of, settings), value(right, row, as_of, settings)
            return None if a is None or b is None else _arith(op, a, b)
        case Coalesce(v, default):
            got = value(v, row, as_of, settings)
            return value(default, row, as_of, settings) if got is None else got
    raise TypeError(f"not a light expression: {e!r}")


_CMP = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b, "=": lambda a, b: a == b}


def holds(c: Cond, row: Mapping[str, Any], as_of: date,
          settings: Mapping[str, Any]) -> bool | None:
    """SQL's three-valued truth of `c` for a plain row: True, False or None (unknown)."""
    match c:
        case Cmp(op, left, right):
            a, b = value(left, row, as_of, settings), value(right, row, as_of, settings)
            return None if a is None or b is None else bool(_CMP[op](a, b))
        case In(v, options):
            got = value(v, row, as_of, settings)
            return None if got is None else got in options
        case IsNull(v):
            return value(v, row, as_of, settings) is None
        case All(parts):
            seen = [holds(p, row, as_of, settings) for p in parts]
            return False if False in seen else None if None in seen else True
        case AnyOf(parts):
            seen = [holds(p, row, as_of, settings) for p in parts]
            return True if True in seen else None if None in seen else False
        case Not(part):
            got = holds(part, row, as_of, settings)
            return None if got is None else not got
    raise TypeError(f"not a light condition: {c!r}")


def first_rule(lines: tuple[LightRule, ...], row: Mapping[str, Any], as_of: date,
               settings: Mapping[str, Any]) -> LightRule | None:
    """The first line that holds for the row (None: none does).  Later lines are not read,
    so a row needs only the fields of the lines up to the deciding one."""
    for rule in lines:
        if holds(rule.when, row, as_of, settings):
            return rule
    return None


def light_of(kind: str, row: Mapping[str, Any], as_of: date,
             settings: Mapping[str, Any]) -> str:
    """The row's light by LIGHTS[kind]: "red", "yellow", "green", or "" when finished."""
    rule = first_rule(LIGHTS[kind], row, as_of, settings)
    return rule.light if rule else ""


def finding_light(status: str, due: date | None, as_of: date, yellow_days: int) -> str:
    """A finding's light (LIGHTS["finding"]) from its status and due date."""
    return light_of("finding", {"status": status, "due": due}, as_of,
                    {"finding_overdue.yellow_days": yellow_days})


def item_light(
    status: str,
    assigned: date,
    due: date | None,
    percent: int | None,
    as_of: date,
    yellow_days: int,
    margin: float,
) -> str:
    """An item's light (LIGHTS["item"]): by its due, else yellow when it lags (item-lag)."""
    return light_of("item", {"status": status, "assigned": assigned, "due": due,
                             "percent": percent}, as_of,
                    {"item_overdue.yellow_days": yellow_days, "item_lag.margin": margin})


def item_lagging(
    assigned: date, due: date | None, percent: int | None, as_of: date, margin: float
) -> bool:
    """序时进度 (ITEM_LAGGING): reported percent more than `margin` points behind the elapsed
    share of the item's time; no reported percent counts as 0."""
    row = {"assigned": assigned, "due": due, "percent": percent}
    return holds(ITEM_LAGGING, row, as_of, {"item_lag.margin": margin}) is True


# --- Findings and rectification (issue 4) -------------------------------------------------


def finding_overdue(
    rows: list[dict[str, Any]], as_of: date, yellow_days: int
) -> list[Violation]:
    """`finding-overdue`: a running finding past due (error), or due within the margin (warning).

    A row has number, unit, status and due.
    """
    out = []
    limits = {"finding_overdue.yellow_days": yellow_days}
    for r in rows:
        line = first_rule(BY_DUE["finding"], r, as_of, limits)
        lit = line.name if line else ""
        if lit == "overdue":
            days = (as_of - r["due"]).days
            out.append(Violation("finding-overdue", "error", f"finding {r['number']}", r["unit"],
                                 f"rectification {count(days, 'day')} overdue (due {r['due']}, "
                                 f"status {r['status']})"))
        elif lit == "due-soon":
            days = (r["due"] - as_of).days
            when = "today" if days == 0 else f"in {count(days, 'day')}"
            out.append(Violation("finding-overdue", "warning", f"finding {r['number']}",
                                 r["unit"], f"rectification due {when} ({r['due']}, "
                                 f"status {r['status']})"))
    return out


def lookback_due(rows: list[dict[str, Any]], as_of: date) -> list[Violation]:
    """`lookback-due`: a verified finding whose look-back date has passed with no result.

    A row has number, unit, status, lookback_due and lookback_result.
    """
    out = []
    for r in rows:
        when = r["lookback_due"]
        if r["status"] != "verified" or when is None or r["lookback_result"] is not None:
            continue
        if when < as_of:
            out.append(Violation("lookback-due", "warning", f"finding {r['number']}", r["unit"],
                                 f"look-back (回头看) was due {when}, "
                                 f"{count((as_of - when).days, 'day')} ago, and has no result"))
    return out


def elapsed_percent(assigned: date, due: date, as_of: date) -> float:
    """The share of an item's time (assigned to due) already elapsed, 0-100."""
    span = (due - assigned).days
    if span <= 0:
        return 100.0 if as_of >= due else 0.0
    return max(0.0, min(100.0, 100.0 * (as_of - assigned).days / span))


def item_lag(rows: list[dict[str, Any]], as_of: date, margin: float) -> list[Violation]:
    """`item-lag`: an open item behind its 序时进度 (warning).

    A row has number, lead_unit, status, assigned, due and percent (last reported, or None).
    """
    out = []
    for r in rows:
        if r["status"] not in ITEM_RUNNING:
            continue
        if item_lagging(r["assigned"], r["due"], r["percent"], as_of, margin):
            elapsed = elapsed_percent(r["assigned"], r["due"], as_of)
            pct = r["percent"] or 0
            out.append(Violation("item-lag", "warning", f"item {r['number']}", r["lead_unit"],
                                 f"{pct}% done with {elapsed:.0f}% of the time elapsed "
                                 f"(due {r['due']}); more than {margin:g} points behind"))
    return out


# ---------------------------------------------------------------------------------------------
# Plans, inspections and items (issue 3).  Rows are plain dicts; each function's docstring names
# the keys it reads.  Window rules sort per unit and sweep once: the work grows with the number
# of inspections and the window's width, never with the square of the ledger.

def quota_allowed(quota: dict[str, Any] | None, prev_count: int) -> int | None:
    """The allowed count of a year: `max_count`, else floor(baseline × (1 - reduction)).

    `baseline` is the stored one when the previous year is not in the ledger, else the
    previous year's count of non-cancelled entries.  None when the year has no quota.
    """
    if not quota:
        return None
    if quota.get("max_count") is not None:
        return int(quota["max_count"])
    if quota.get("reduction") is None:
        return None
    base = quota["baseline"] if quota.get("baseline") is not None else prev_count
    # Rounded to 9 places first so that 12 × 0.5 is 6, not 5.999...
    return int(round(base * (1 - float(quota["reduction"])), 9) // 1)


def plan_quota(plans: list[dict[str, Any]], quotas: dict[int, dict[str, Any]]) -> list[Violation]:
    """Years whose non-cancelled entries exceed the allowed count.

    plans: year, status.  quotas: year → {max_count, reduction, baseline}.
    """
    used: dict[int, int] = {}
    for p in plans:
        if p["status"] != "cancelled":
            used[p["year"]] = used.get(p["year"], 0) + 1
    out = []
    for year in sorted(quotas):
        allowed = quota_allowed(quotas[year], used.get(year - 1, 0))
        n = used.get(year, 0)
        if allowed is not None and n > allowed:
            out.append(Violation(
                "plan-quota", "error", f"quota {year}", "",
                f"{year} plan has {n} entries, {n - allowed} over the allowed {allowed}: "
                f"cancel or merge {n - allowed}"))
    return out


def one_comprehensive(plans: list[dict[str, Any]]) -> list[Violation]:
    """An organizer with more than one non-cancelled comprehensive entry in a year.

    plans: number, year, organizer, kind, status.  One warning per organizer and year.
    """
    groups: dict[tuple[str, int], list[str]] = {}
    for p in plans:
        if p["kind"] == "comprehensive" and p["status"] != "cancelled":
            groups.setdefault((p["organizer"], p["year"]), []).append(p["number"])
    out = []
    for (org, year), numbers in sorted(groups.items()):
        if len(numbers) > 1:
            numbers.sort()
            out.append(Violation(
                "one-comprehensive", "warning", f"plan {numbers[-1]}", org,
                f"{org} has {len(numbers)} comprehensive entries in {year} "
                f"({', '.join(numbers)}): at most one a year"))
    return out


def unplanned_approval(inspections: list[dict[str, Any]]) -> list[Violation]:
    """An inspection with no plan entry and no approval dated on or before its start.

    inspections: number, lead, start, approved_on, plan (number or None), plan_planned,
    plan_approved_on.  An unplanned plan entry's approval counts for its inspections.
    """
    out = []
    for i in inspections:
        if i.get("plan") and i.get("plan_planned"):
            continue
        dates = [d for d in (i.get("approved_on"), i.get("plan_approved_on")) if d is not None]
        if any(d <= i["start"] for d in dates):
            continue
        if dates:
            why = f"approved only on {min(dates)}, after its start {i['start']}"
        elif i.get("plan"):
            why = f"its unplanned entry {i['plan']} was never approved"
        else:
            why = "no plan entry and no approval"
        out.append(Violation(
            "unplanned-approval", "error", f"inspection {i['number']}", i["lead"],
            f"unplanned inspection {i['number']} ({i['topic']}): {why}; approve and file it "
            "before it starts"))
    return out


def bigrams(text: str) -> set[str]:
    """Character bigrams of a topic, ignoring spaces and punctuation (works for Chinese)."""
    chars = [c for c in text.lower() if c.isalnum()]
    if len(chars) == 1:
        return {chars[0]}
    return {chars[k] + chars[k + 1] for k in range(len(chars) - 1)}


def similarity(a: str, b: str) -> float:
    """Character-bigram Jaccard similarity of two topics (0..1)."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def _by_unit(inspections: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    per: dict[str, list[dict[str, Any]]] = {}
    for i in inspections:
        for unit in i["targets"]:
            per.setdefault(unit, []).append(i)
    for rows in per.values():
        rows.sort(key=lambda r: (r["start"], r["number"]))
    return per


def repeat_inspection(
    inspections: list[dict[str, Any]], *, days: int, cut: float
) -> list[Violation]:
    """The same unit inspected again on the same topic or item within `days` (start to start).

    inspections: number, topic, start, targets (unit codes), items (item numbers).
    One warning per later inspection and unit, naming the earlier one.
    """
    from collections import deque

    out = []
    for unit, rows in sorted(_by_unit(inspections).items()):
        window: deque[tuple[dict[str, Any], set[str]]] = deque()
        for cur in rows:
            while window and (cur["start"] - window[0][0]["start"]).days > days:
                window.popleft()
            grams = bigrams(cur["topic"])
            for prev, pgrams in reversed(window):
                shared = set(prev["items"]) & set(cur["items"])
                union = grams | pgrams
                sim = len(grams & pgrams) / len(union) if union else 0.0
                if shared or sim >= cut:
                    gap = (cur["start"] - prev["start"]).days
                    why = (f"item {', '.join(sorted(shared))}" if shared
                           else f"topic similarity {sim:.2f}")
                    out.append(Violation(
                        "repeat-inspection", "warning", f"inspection {cur['number']}", unit,
                        f"{unit} inspected again {count(gap, 'day')} after {prev['number']} on "
                        f"the same subject ({why}): use the earlier results"))
                    break
            window.append((cur, grams))
    return out


def _organizers(i: dict[str, Any]) -> frozenset[str]:
    return frozenset([i["lead"], *i.get("members", ())])


def _some(numbers: list[str], limit: int = 10) -> str:
    """A list of record numbers for a message, cut short on a crowded ledger."""
    more = f" and {len(numbers) - limit} more" if len(numbers) > limit else ""
    return ", ".join(numbers[:limit]) + more


def multi_headed(inspections: list[dict[str, Any]], *, days: int) -> list[Violation]:
    """A unit inspected by two or more organizers within `days`, not as one joint inspection.

    inspections: number, lead, members, start, targets.  A sliding window per unit counts the
    distinct organizer groups (a joint inspection is one group); every window holding two or
    more groups joins one cluster, and each cluster is ONE warning naming all its organizers.
    """
    from collections import Counter, deque

    out = []
    for unit, rows in sorted(_by_unit(inspections).items()):
        window: deque[dict[str, Any]] = deque()
        groups: Counter[frozenset[str]] = Counter()
        clusters: list[list[dict[str, Any]]] = []
        in_cluster: set[int] = set()
        last_hit: date | None = None
        for cur in rows:
            while window and (cur["start"] - window[0]["start"]).days > days:
                old = window.popleft()
                groups[_organizers(old)] -= 1
                if not groups[_organizers(old)]:
                    del groups[_organizers(old)]
            window.append(cur)
            groups[_organizers(cur)] += 1
            if len(groups) < 2:
                continue
            # The previous offending window is still open: the two are one cluster.
            if last_hit is None or (cur["start"] - last_hit).days > days:
                clusters.append([])
                in_cluster = set()
            # Members not yet in the cluster are the newest ones: walk back until a known one.
            fresh = []
            for r in reversed(window):
                if id(r) in in_cluster:
                    break
                fresh.append(r)
            in_cluster.update(id(r) for r in fresh)
            clusters[-1].extend(reversed(fresh))
            last_hit = cur["start"]
        for cluster in clusters:
            orgs = sorted(set().union(*(_organizers(r) for r in cluster)))
            first, last = cluster[0]["start"], cluster[-1]["start"]
            numbers = _some([r["number"] for r in cluster])
            out.append(Violation(
                "multi-headed", "warning", f"inspection {cluster[-1]['number']}", unit,
                f"{unit} inspected by {len(orgs)} organizers ({', '.join(orgs)}) between "
                f"{first} and {last} ({numbers}): join them in one joint inspection"))
    return out


def plan_overlap(plans: list[dict[str, Any]]) -> list[Violation]:
    """Non-cancelled plan entries of different organizers on one unit in overlapping windows.

    plans: number, organizer, status, start, end (end None: the start day), targets.  Per unit
    the windows are swept in order of start; each run of overlapping windows with two or more
    organizers is one info line suggesting a joint inspection.
    """
    per: dict[str, list[dict[str, Any]]] = {}
    for p in plans:
        if p["status"] == "cancelled" or p.get("start") is None:
            continue
        for unit in p["targets"]:
            per.setdefault(unit, []).append(p)
    out = []
    for unit, rows in sorted(per.items()):
        rows.sort(key=lambda r: (r["start"], r["number"]))
        runs: list[list[dict[str, Any]]] = []
        reach = None
        for p in rows:
            end = p.get("end") or p["start"]
            if reach is not None and p["start"] <= reach:
                runs[-1].append(p)
                reach = max(reach, end)
            else:
                runs.append([p])
                reach = end
        for run in runs:
            orgs = sorted({p["organizer"] for p in run})
            if len(orgs) > 1:
                numbers = _some([p["number"] for p in run])
                out.append(Violation(
                    "plan-overlap", "info", f"plan {run[-1]['number']}", unit,
                    f"{unit} is planned for {', '.join(orgs)} in overlapping windows "
                    f"({numbers}): merge them into a joint inspection"))
    return out


def report_missing(inspections: list[dict[str, Any]], as_of: date, *, days: int) -> list[
    Violation
]:
    """An inspection that ended more than `days` ago with no approved report.

    inspections: number, lead, topic, end (the actual or planned end), report_approved_on.
    """
    out = []
    for i in inspections:
        end = i.get("end")
        if end is None or i.get("report_approved_on") is not None:
            continue
        late = (as_of - end).days - days
        if late > 0:
            out.append(Violation(
                "report-missing", "warning", f"inspection {i['number']}", i["lead"],
                f"inspection {i['number']} ({i['topic']}) ended {end} and has no approved "
                f"report, {count(late, 'day')} past the {days}-day limit"))
    return out


def item_overdue(items: list[dict[str, Any]], as_of: date, *, yellow_days: int) -> list[
    Violation
]:
    """An open item past due (error, red) or due within `yellow_days` (warning, yellow): the
    item's light by due date (BY_DUE).

    items: number, title, lead_unit, status, due.
    """
    out = []
    limits = {"item_overdue.yellow_days": yellow_days}
    for i in items:
        line = first_rule(BY_DUE["item"], i, as_of, limits)
        colour = line.name if line else ""
        if colour == "overdue":
            out.append(Violation(
                "item-overdue", "error", f"item {i['number']}", i["lead_unit"],
                f"{i['title']}: due {i['due']}, {count((as_of - i['due']).days, 'day')} overdue"))
        elif colour == "due-soon":
            left = (i["due"] - as_of).days
            out.append(Violation(
                "item-overdue", "warning", f"item {i['number']}", i["lead_unit"],
                f"{i['title']}: due {i['due']}, {count(left, 'day')} left"))
    return out


def item_stale(items: list[dict[str, Any]], as_of: date, *, days: int) -> list[Violation]:
    """An open item with no progress note for `days` or more (counted from its assignment
    when it has none; an item with neither, its assignment unknown, has nothing to count).

    items: number, title, lead_unit, status, assigned, last_progress.
    """
    out = []
    for i in items:
        if i["status"] != "open":
            continue
        since = i.get("last_progress") or i["assigned"]
        if since is None:
            continue
        quiet = (as_of - since).days
        if quiet >= days:
            what = "no progress note since" if i.get("last_progress") else "no progress note " \
                "since it was assigned on"
            out.append(Violation(
                "item-stale", "warning", f"item {i['number']}", i["lead_unit"],
                f"{i['title']}: {what} {since} ({count(quiet, 'day')})"))
    return out


def instruction_limit(
    items: list[dict[str, Any]], as_of: date, *, workdays: int, add_workdays: Any
) -> list[Violation]:
    """An open instruction item with no progress within `workdays` working days of assignment.

    items: number, title, lead_unit, category, status, assigned, first_progress.
    add_workdays(day, n) → the n-th working day after `day` (the statutory calendar).
    """
    out = []
    for i in items:
        if i["category"] != "instruction" or i["status"] != "open" or i["assigned"] is None:
            continue
        limit = add_workdays(i["assigned"], workdays)
        first = i.get("first_progress")
        if first is not None and first <= limit:
            continue
        if first is None and as_of <= limit:
            continue
        what = f"first progress only on {first}" if first else "no progress yet"
        out.append(Violation(
            "instruction-limit", "warning", f"item {i['number']}", i["lead_unit"],
            f"{i['title']}: instruction assigned {i['assigned']} had to show progress within "
            f"{workdays} working days (by {limit}); {what}"))
    return out


# ---------------------------------------------------------------------------------------------
# The weekly cycle with the units (issue 14): feedback forms and reminders.

# The steps a record takes in the notices to its unit, in order: 催办, then 督办 with a
# reply deadline, then onto the 通报 list.
REMINDER_STEPS = ("urge", "supervise", "circulate")


def form_state(due: date, returned_on: date | None, as_of: date) -> str:
    """Where a unit's form of a round stands: returned (by the due date), late (returned
    after it), missing (not back and past due) or waiting (not back, not yet due)."""
    if returned_on is not None:
        return "returned" if returned_on <= due else "late"
    return "missing" if as_of > due else "waiting"


def feedback_missing(forms: list[dict[str, Any]], as_of: date, *, workdays: int,
                     add_workdays: Any) -> list[Violation]:
    """`feedback-missing`: a unit's form not returned: a warning from the day after the
    round's due date, an error once `workdays` working days past it have gone by.

    forms: form (its number), round, unit, due, returned_on.
    add_workdays(day, n) → the n-th working day after `day` (the statutory calendar).
    """
    out = []
    for f in forms:
        if form_state(f["due"], f["returned_on"], as_of) != "missing":
            continue
        limit = add_workdays(f["due"], workdays)
        late = count((as_of - f["due"]).days, "day")
        if as_of > limit:
            out.append(Violation(
                "feedback-missing", "error", f"form {f['form']}", f["unit"],
                f"form {f['form']} of round {f['round']} was due back {f['due']} and is "
                f"{late} late, past the {count(workdays, 'working day')} allowed (to {limit})"))
        else:
            out.append(Violation(
                "feedback-missing", "warning", f"form {f['form']}", f["unit"],
                f"form {f['form']} of round {f['round']} was due back {f['due']} and is "
                f"{late} late; an error after {limit}"))
    return out


def reminder_step(last: str | None, reply_by: date | None, overdue: bool,
                  as_of: date) -> str | None:
    """The step a red or yellow record takes in the next notice to its unit, or None when it
    has none to take now.

    `last` is the furthest step it has taken (REMINDER_STEPS), `reply_by` the reply deadline
    of its latest 督办通知, `overdue` whether it is past due (red).  The first notice urges
    (催办), due soon or overdue; a record still overdue after that is supervised (督办); one
    still overdue after its 督办's reply deadline goes on the 通报 list; and there it stays.
    """
    if last is None:
        return "urge"
    if not overdue:
        return None
    if last == "urge":
        return "supervise"
    if last == "supervise" and reply_by is not None and as_of > reply_by:
        return "circulate"
    return None


def reminder_ignored(rows: list[dict[str, Any]], as_of: date) -> list[Violation]:
    """`reminder-ignored`: a record still overdue (red) after the reply deadline of its
    latest 督办通知 (error).

    rows: kind (item or finding), number, unit, status, due, notice, reply_by; one per
    督办 step of a record (the latest deadline counts).
    """
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["kind"], r["number"])
        if key not in latest or r["reply_by"] > latest[key]["reply_by"]:
            latest[key] = r
    out = []
    for (kind, number), r in sorted(latest.items()):
        line = first_rule(BY_DUE[kind], r, as_of, {f"{kind}_overdue.yellow_days": 0})
        if line is None or line.name != "overdue" or as_of <= r["reply_by"]:
            continue
        out.append(Violation(
            "reminder-ignored", "error", f"{kind} {number}", r["unit"],
            f"still overdue (due {r['due']}, {count((as_of - r['due']).days, 'day')}) "
            f"{count((as_of - r['reply_by']).days, 'day')} after the reply deadline "
            f"{r['reply_by']} of 督办通知 {r['notice']}"))
    return out
