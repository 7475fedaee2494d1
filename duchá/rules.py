"""The rules of supervision work, as pure functions over plain rows and an as-of date.

No database and no printing here: a service gathers the rows with SQL, a rule returns
violations, and the command line renders them.  Rule codes, levels and defaults are DESIGN.md's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
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


# --- Findings and rectification (issue 4) -------------------------------------------------

# Statuses whose due date is still running: the unit owes the office a rectification.
FINDING_RUNNING = ("open", "rectifying", "reopened")


def finding_light(status: str, due: date | None, as_of: date, yellow_days: int) -> str:
    """A finding's light: by its due while the unit owes work; green while the office
    re-checks a claimed rectification; blank once verified (or in any closed state)."""
    if status in FINDING_RUNNING:
        return light(True, due, as_of, yellow_days)
    if status == "rectified":
        return "green"
    return ""


def finding_overdue(
    rows: list[dict[str, Any]], as_of: date, yellow_days: int
) -> list[Violation]:
    """`finding-overdue`: a running finding past due (error), or due within the margin (warning).

    A row has number, unit, status and due.
    """
    out = []
    for r in rows:
        lit = finding_light(r["status"], r["due"], as_of, yellow_days)
        if lit == "red":
            days = (as_of - r["due"]).days
            out.append(Violation("finding-overdue", "error", f"finding {r['number']}", r["unit"],
                                 f"rectification {count(days, 'day')} overdue (due {r['due']}, "
                                 f"status {r['status']})"))
        elif lit == "yellow":
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


def item_lagging(
    assigned: date, due: date, percent: int | None, as_of: date, margin: float
) -> bool:
    """序时进度: reported percent more than `margin` points behind the elapsed share.

    No reported percent counts as 0: the office has no evidence of progress.  A past-due item
    is not "lagging" (item-overdue already turns it red).
    """
    if due < as_of:
        return False
    return elapsed_percent(assigned, due, as_of) - (percent or 0) > margin


def item_lag(rows: list[dict[str, Any]], as_of: date, margin: float) -> list[Violation]:
    """`item-lag`: an open item behind its 序时进度 (warning).

    A row has number, lead_unit, status, assigned, due and percent (last reported, or None).
    """
    out = []
    for r in rows:
        if r["status"] != "open":
            continue
        if item_lagging(r["assigned"], r["due"], r["percent"], as_of, margin):
            elapsed = elapsed_percent(r["assigned"], r["due"], as_of)
            pct = r["percent"] or 0
            out.append(Violation("item-lag", "warning", f"item {r['number']}", r["lead_unit"],
                                 f"{pct}% done with {elapsed:.0f}% of the time elapsed "
                                 f"(due {r['due']}); more than {margin:g} points behind"))
    return out


def item_light(
    status: str,
    assigned: date,
    due: date,
    percent: int | None,
    as_of: date,
    yellow_days: int,
    margin: float,
) -> str:
    """An item's light: item-overdue's red/yellow, and yellow too when item-lag flags it."""
    lit = light(status == "open", due, as_of, yellow_days)
    if lit == "green" and item_lagging(assigned, due, percent, as_of, margin):
        return "yellow"
    return lit


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
    """An open item past due (error, red) or due within `yellow_days` (warning, yellow).

    items: number, title, lead_unit, status, due.
    """
    out = []
    for i in items:
        colour = light(i["status"] == "open", i["due"], as_of, yellow_days)
        if colour == "red":
            out.append(Violation(
                "item-overdue", "error", f"item {i['number']}", i["lead_unit"],
                f"{i['title']}: due {i['due']}, {count((as_of - i['due']).days, 'day')} overdue"))
        elif colour == "yellow":
            left = (i["due"] - as_of).days
            out.append(Violation(
                "item-overdue", "warning", f"item {i['number']}", i["lead_unit"],
                f"{i['title']}: due {i['due']}, {count(left, 'day')} left"))
    return out


def item_stale(items: list[dict[str, Any]], as_of: date, *, days: int) -> list[Violation]:
    """An open item with no progress note for `days` or more (counted from its assignment
    when it has none).

    items: number, title, lead_unit, status, assigned, last_progress.
    """
    out = []
    for i in items:
        if i["status"] != "open":
            continue
        since = i.get("last_progress") or i["assigned"]
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
        if i["category"] != "instruction" or i["status"] != "open":
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
