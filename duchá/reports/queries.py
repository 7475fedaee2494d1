"""Reports: the dashboard, the overdue list, the weekly report, the unit scoreboard and the
draft inspection report.  Each is SQL over the indexed tables returning plain rows; the
Markdown documents are composed from those rows by pure functions (no printing here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput
from duchá.rules import FINDING_RUNNING as OPEN_FINDING
from duchá.rules import ITEM_RUNNING, LIGHT_NAMES, LIGHTS, first_rule

if TYPE_CHECKING:
    from duchá.output import Lang
    from duchá.services.ledger import Ledger

ITEM_STATUSES = ("open", "done", "cancelled")
FINDING_STATUSES = ("open", "rectifying", "rectified", "verified", "reopened")
# What `report overdue` lists: every record whose light is one of these.
OVERDUE_LIGHTS = ("red", "yellow")


def _sum_if(cond: Any) -> Any:
    from sqlalchemy import case, func

    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


# ---------------------------------------------------------------- report overdue


def overdue(lg: Ledger, *, unit: str | None = None, kind: str | None = None,
            min_days: int | None = None) -> list[dict[str, Any]]:
    """Items and findings whose light is red or yellow (rules.LIGHTS), most overdue first.

    Yellow is due soon, or for an item also behind its 序时进度 (item-lag) however far its due
    date is: the rows are exactly the red and yellow of `item list` and `finding list`.
    days_overdue is negative for yellow rows (days still left).
    """
    from duchá import lights_sql
    from duchá.services import settings, units
    from duchá.storage.sql import day, quote

    sql = lg.sql
    today = lg.today
    limits = settings.load(lg)
    params: dict[str, Any] = {}
    if unit:
        params["unit"] = units.resolve(lg, unit).id
    lights = ", ".join(quote(name) for name in OVERDUE_LIGHTS)
    days = sql.days("{}", sql.day_literal(today))  # days overdue, worked out by the database
    out: list[dict[str, Any]] = []
    for name, title, unit_code, last_on, joined, of_unit in (
            ("item", "item.title", "lead.code",
             '(SELECT max(pr."on") FROM progress pr WHERE pr.item_id = item.id)',
             "item JOIN unit lead ON lead.id = item.lead_unit_id", units.ITEMS_OF_UNIT),
            ("finding", "finding.description", "u.code",
             sql.greatest("finding.plan_on", "finding.rectified_on"),
             "finding JOIN unit u ON u.id = finding.unit_id", "finding.unit_id = :unit")):
        if kind not in (None, name):
            continue
        lit = lights_sql.light_text(lg, name, limits)
        out.extend({"kind": name, "number": number, "title": text, "unit": code,
                    "due": day(due), "days_overdue": late, "light": light, "status": status,
                    "last_progress": day(last)}
                   for number, text, code, due, late, status, last, light in sql.stream(f"""
                SELECT {name}.number, {title}, {unit_code}, {name}.due,
                       {days.format(f"{name}.due")}, {name}.status, {last_on}, {lit}
                FROM {joined}
                WHERE {lit} IN ({lights}) {"AND " + of_unit if unit else ""}""", params))
    if min_days is not None:
        out = [r for r in out if r["days_overdue"] is not None and r["days_overdue"] >= min_days]
    out.sort(key=lambda r: (r["days_overdue"] is None, -(r["days_overdue"] or 0), r["kind"],
                            r["number"]))
    return out


def _days_overdue(due: date | None, today: date) -> int | None:
    return None if due is None else (today - due).days


# ---------------------------------------------------------------- report status


def _quota(lg: Ledger, year: int) -> dict[str, Any]:
    """The year's quota as `plan quota show` gives it (plans.quota_row, rules.quota_allowed)."""
    from duchá.services import plans

    row = plans.quota_row(lg, year)
    return {k: row[k] for k in ("year", "allowed", "used", "headroom")}


def status(lg: Ledger) -> dict[str, list[dict[str, Any]]]:
    """The dashboard's numbers: by status and light, by category, red units, plan quota.

    The lights are counted by GROUP BY over the same SQL light as `item list` shows."""
    from sqlalchemy import func, label, select
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import Finding, Item, Unit
    from duchá.services import items, settings

    today = lg.today
    limits = settings.load(lg)
    by_status: list[dict[str, Any]] = []
    lights = {kind: lights_sql.light(lg, kind, limits) for kind in ("item", "finding")}
    for kind, model, statuses in (("item", Item, ITEM_STATUSES),
                                  ("finding", Finding, FINDING_STATUSES)):
        # Grouped outside: PostgreSQL matches a GROUP BY expression with parameters to the
        # selected one only by its text, which the driver may number differently.
        rows = select(col(model.status), lights[kind].label("light")).subquery()
        stmt = select(rows.c.status, rows.c.light, func.count()).group_by(rows.c.status,
                                                                         rows.c.light)
        found: dict[str, dict[str, int]] = {}
        for s, light, n in lg.session.execute(stmt):
            found.setdefault(s, {})[light] = n
        for s in statuses:
            n = found.get(s, {})
            by_status.append({"kind": kind, "status": s, "count": sum(n.values()),
                              **{name: n.get(name, 0) for name in LIGHT_NAMES}})
    red_items = (select(label("uid", col(Item.lead_unit_id)), func.count().label("n"))
                 .where(lights["item"] == "red").group_by(col(Item.lead_unit_id)))
    red_findings = (select(label("uid", col(Finding.unit_id)), func.count().label("n"))
                    .where(lights["finding"] == "red").group_by(col(Finding.unit_id)))
    counts: dict[int, list[int]] = {}
    for i, stmt in enumerate((red_items, red_findings)):
        for uid, n in lg.session.execute(stmt):
            counts.setdefault(uid, [0, 0])[i] = n
    names = {u.id: (u.code, u.name) for u in lg.session.execute(select(Unit)).scalars()}
    top = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), names[kv[0]][0]))[:10]
    red_units = [{"unit": names[uid][0], "name": names[uid][1], "red_items": a,
                  "red_findings": b, "red": a + b} for uid, (a, b) in top]
    return {"by_status": by_status, "by_category": items.counts(lg), "red_units": red_units,
            "quota": [_quota(lg, today.year)]}


# ---------------------------------------------------------------- report weekly

_WEEK = re.compile(r"^(?:(\d{4})\s*-?\s*)?w(?:eek)?\s*(\d{1,2})$", re.IGNORECASE)


def parse_week(text: str | None, today: date, lg: Ledger | None = None) -> tuple[int, int]:
    """(ISO year, week) from '2026-W48', '2026W48', 'W48' (this year) or a date in it."""
    if not text:
        y, w, _ = today.isocalendar()
        return y, w
    raw = text.strip()
    m = _WEEK.match(raw.replace("第", "").replace("周", ""))
    if m:
        y, w = int(m[1] or today.isocalendar()[0]), int(m[2])
        try:
            date.fromisocalendar(y, w, 1)
        except ValueError:
            raise BadInput(f"{y} has no ISO week {w}; use 2026-W48 or a date") from None
        return y, w
    if lg is None:
        raise BadInput(f"'{text}' is not a week; use 2026-W48, W48 or a date in the week")
    try:
        day = lg.date(raw)
    except BadInput:
        raise BadInput(f"'{text}' is not a week; use 2026-W48, W48 or a date in the week") \
            from None
    y, w, _ = day.isocalendar()
    return y, w


def _snapshots() -> Any:
    """Events that hold a record's full snapshot: a progress note is an event on its item too,
    but its `after` is the note (history.note_actions); a deleted record has no `after`."""
    from sqlalchemy import and_, not_, or_
    from sqlmodel import col

    from duchá.history.replay import note_actions
    from duchá.models import Event

    return and_(or_(*(and_(col(Event.subject_table) == t,
                           not_(col(Event.action).in_(note_actions(t))))
                      for t in ("item", "finding"))), col(Event.after).is_not(None))


def _state_at(lg: Ledger, end: date, *, changed_after: date | None = None
              ) -> dict[tuple[str, str], dict[str, Any]]:
    """Every item's and finding's last full snapshot recorded on or before `end`; with
    `changed_after`, only those of the records changed after that day (`_changed_after`)."""
    from sqlalchemy import exists, func, select
    from sqlalchemy.orm import aliased
    from sqlmodel import col

    from duchá.models import Event

    ranked = (select(col(Event.subject_table), col(Event.subject), col(Event.after),
                     func.row_number().over(
                         partition_by=(col(Event.subject_table), col(Event.subject)),
                         order_by=(col(Event.on).desc(), col(Event.id).desc())).label("rn"))
              .where(_snapshots(), col(Event.on) <= end))
    if changed_after is not None:
        later = aliased(Event)
        ranked = ranked.where(exists().where(
            col(later.subject_table) == col(Event.subject_table),
            col(later.subject) == col(Event.subject), col(later.on) > changed_after))
    sub = ranked.subquery()
    stmt = select(sub.c.subject_table, sub.c.subject, sub.c.after).where(sub.c.rn == 1)
    return {(t, s): json.loads(a) for t, s, a in lg.session.execute(stmt)}


def _changed_after(lg: Ledger, day: date) -> set[tuple[str, str]]:
    """The items and findings with a snapshot dated after `day`: the only ones whose state at
    the end of `day` may differ from a later one."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Event

    stmt = (select(col(Event.subject_table), col(Event.subject)).distinct()
            .where(_snapshots(), col(Event.on) > day))
    return {(t, s) for t, s in lg.session.execute(stmt)}


def _units_at(lg: Ledger, end: date) -> dict[int, tuple[str, str]]:
    """Unit id -> (code, name) as they were at the end of `end`: today's with the renames
    made after it undone, newest first."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Event, Unit

    units = {i: (c, n) for i, c, n in lg.session.execute(
        select(col(Unit.id), col(Unit.code), col(Unit.name)))}
    renames = lg.session.execute(
        select(col(Event.before), col(Event.after))
        .where(col(Event.subject_table) == "unit", col(Event.action) == "edit",
               col(Event.on) > end)
        .order_by(col(Event.id).desc()))
    for before, after in renames:
        # Newest first: the unit stands as this edit left it, under the code it gave.
        b, a = json.loads(before or "{}"), json.loads(after or "{}")
        for i, (code, _) in units.items():
            if code == a.get("code") and b.get("code") and b.get("name"):
                units[i] = (b["code"], b["name"])
                break
    return units


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _status_on(table: str, snap: dict[str, Any], end: date) -> str | None:
    """The record's status at the end of `end`: a snapshot may already hold a step dated
    after it (closed, rectified or verified later), which does not count yet."""
    status = snap.get("status")
    if table == "item":
        closed = _d(snap.get("closed_on"))
        return "open" if status == "done" and closed is not None and closed > end else status
    if status not in ("rectified", "verified"):
        return status
    rectified, verified = _d(snap.get("rectified_on")), _d(snap.get("verified_on"))
    done = rectified or verified
    if done is not None and done > end:
        return "rectifying"
    if status == "verified" and verified is not None and verified > end:
        return "rectified"
    return status


def _pending(table: str, snap: dict[str, Any], end: date) -> bool:
    """Still to be done at the end of `end` (dated transitions after it do not count yet)."""
    running = ITEM_RUNNING if table == "item" else OPEN_FINDING
    return _status_on(table, snap, end) in running


def _red_on(table: str, snap: dict[str, Any], end: date, limits: dict[str, Any]) -> bool:
    """The record's light (rules.LIGHTS, the one definition) as of `end` is red.

    Only the lines up to the last red one are read (a later line cannot make it red): today
    they read the status and the due date alone, so a past week's report stays the same
    whatever the thresholds are set to later."""
    start = _d(snap.get("assigned") if table == "item" else snap.get("found_on"))
    if start is not None and start > end:
        return False
    lines = LIGHTS[table]
    last_red = max(i for i, line in enumerate(lines) if line.light == "red")
    row = {"status": _status_on(table, snap, end), "due": _d(snap.get("due")), "assigned": start}
    rule = first_rule(lines[:last_red + 1], row, end, limits)
    return rule is not None and rule.light == "red"


def _weekly_sections() -> tuple[tuple[str, str], ...]:
    from duchá.vocab import WEEKLY_SECTION

    return tuple((t.code, t.zh) for t in WEEKLY_SECTION.terms)


# (code, Chinese name) of each section, in the report's order (vocab.WEEKLY_SECTION).
WEEKLY_SECTIONS = _weekly_sections()


def weekly(lg: Ledger, week: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What happened in an ISO week, as the ledger's history said at the week's end.

    `overdue` lists every item and finding still red at the week's end (or on the as-of date,
    for the week under way), most overdue first; `new` marks those that were not red at the
    end of the week before.  meta counts each section, the new ones (`newly_overdue`), and
    the overdue by unit (`by_unit`).
    """
    from sqlalchemy import select
    from sqlmodel import col

    from duchá.models import Event
    from duchá.services import settings

    y, w = parse_week(week, lg.today, lg)
    monday = date.fromisocalendar(y, w, 1)
    sunday = monday + timedelta(days=6)
    # Overdue is measured at the week's end, or today while the week is under way.
    cut = max(monday, min(sunday, lg.today))
    before = monday - timedelta(days=1)
    state = _state_at(lg, sunday)
    units = _units_at(lg, sunday)
    limits = settings.load(lg)
    rows: list[dict[str, Any]] = []

    def add(section: str, table: str, snap: dict[str, Any], on: date | None,
            **extra: Any) -> None:
        unit_id: Any = snap.get("lead_unit_id") if table == "item" else snap.get("unit_id")
        code, name = units.get(unit_id, ("", ""))
        rows.append({"section": section, "kind": table, "number": snap["number"],
                     "title": snap.get("title") or snap.get("description"),
                     "unit": code, "unit_name": name, "date": on, "due": _d(snap.get("due")),
                     "status": snap.get("status"), **extra})

    def in_week(d: date | None, lo: date = monday, hi: date = sunday) -> bool:
        return d is not None and lo <= d <= hi

    red: list[tuple[tuple[str, str], dict[str, Any]]] = []
    for key, snap in sorted(state.items()):
        table = key[0]
        start = _d(snap.get("assigned") if table == "item" else snap.get("found_on"))
        if in_week(start):
            add("registered", table, snap, start)
        if table == "item" and snap.get("status") == "done" and in_week(_d(snap.get("closed_on"))):
            add("closed", table, snap, _d(snap.get("closed_on")))
        if table == "finding" and snap.get("status") == "verified" and in_week(
                _d(snap.get("verified_on"))):
            add("verified", table, snap, _d(snap.get("verified_on")))
        due = _d(snap.get("due"))
        if _red_on(table, snap, cut, limits):
            red.append((key, snap))
        # An item whose assignment is unknown (a blank 交办时间) was there all along.
        if _pending(table, snap, sunday) and (start is None or start <= sunday) and in_week(
                due, monday + timedelta(days=7), sunday + timedelta(days=7)):
            add("due_next_week", table, snap, due)
    # New: not red at the end of the week before, as the history stood then.  A record with
    # no snapshot dated after that day stood then as it stands at this week's end.
    changed = _changed_after(lg, before) if red else set()
    earlier = _state_at(lg, before, changed_after=before) if changed else {}
    for key, snap in red:
        due = _d(snap.get("due"))
        then = earlier.get(key) if key in changed else snap
        was = then is not None and _red_on(key[0], then, before, limits)
        add("overdue", key[0], snap, due, days_overdue=(cut - due).days if due else None,
            new=not was)
    # Reopenings are transitions, read from the week's own events.
    moves = lg.session.execute(
        select(col(Event.subject_table), col(Event.subject), col(Event.on), col(Event.before),
               col(Event.after))
        .where(col(Event.subject_table).in_(("item", "finding")), col(Event.on) >= monday,
               col(Event.on) <= sunday, col(Event.before).is_not(None))
        .order_by(col(Event.on), col(Event.id)))
    for table, subject, on, before_text, after in moves:
        b, a = json.loads(before_text), json.loads(after or "null") or {}
        into = "open" if table == "item" else "reopened"
        if "number" in a and a.get("status") == into and b.get("status") not in (into, "open"):
            add("reopened", table, a, on)
        del subject
    order = {s: i for i, (s, _) in enumerate(WEEKLY_SECTIONS)}
    rows.sort(key=lambda r: (order[r["section"]], -(r.get("days_overdue") or 0),
                             r["kind"] != "item", r["date"] or date.min, r["number"]))
    from duchá.history import events

    head_id, head = events.head_on(lg.session, sunday)
    overdue = [r for r in rows if r["section"] == "overdue"]
    meta = {"week": f"{y}-W{w:02d}", "start": monday, "end": sunday, "as_of": cut,
            **{s: sum(1 for r in rows if r["section"] == s) for s, _ in WEEKLY_SECTIONS},
            "newly_overdue": sum(1 for r in overdue if r["new"]),
            "by_unit": overdue_by_unit(overdue), "head_event": head_id, "head": head}
    return meta, rows


def overdue_by_unit(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The overdue rows counted per unit (an item counts for its lead unit), most first."""
    by: dict[str, dict[str, Any]] = {}
    for r in rows:
        u = by.setdefault(r["unit"], {"unit": r["unit"], "name": r.get("unit_name") or r["unit"],
                                      "items": 0, "findings": 0, "total": 0, "new": 0})
        u["items" if r["kind"] == "item" else "findings"] += 1
        u["total"] += 1
        u["new"] += 1 if r.get("new") else 0
    return sorted(by.values(), key=lambda u: (-u["total"], -u["new"], u["unit"]))


def _md_cell(value: Any) -> str:
    from duchá.output import cell

    return " ".join(cell(value).split()).replace("|", "\\|")


def md_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    head = "| " + " | ".join(h for _, h in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(_md_cell(r.get(k)) for k, _ in columns) + " |" for r in rows]
    return "\n".join([head, rule, *body])


WEEKLY_COUNTS = (*WEEKLY_SECTIONS[:5], ("newly_overdue", "新增逾期"), WEEKLY_SECTIONS[5])


def md_rows(rows: list[dict[str, Any]], spec: str, lang: Lang) -> str:
    """A Markdown table of rows in `lang`, its columns declared as output.cols declares them."""
    from duchá.output import cols

    columns = cols(spec)
    return md_table([lang.row(r, columns) for r in rows], [(c.key, c.zh) for c in columns])


def weekly_markdown(meta: dict[str, Any], rows: list[dict[str, Any]],
                    lang: Lang | None = None) -> str:
    """The weekly report as Markdown; `lang` (default Chinese, without unit short names)
    says whether kinds, units and statuses show in Chinese."""
    from duchá.output import Lang

    lang = lang or Lang(zh=True)
    parts = [f"# 督查工作周报 {meta['week']}（{meta['start']} 至 {meta['end']}）", "",
             md_table([{"what": f"{zh} ({s})", "n": meta[s]} for s, zh in WEEKLY_COUNTS],
                      [("what", "项目"), ("n", "数量")])]
    spec = ("kind:类型:RECORD_KIND number:编号 title:事项/问题 unit:单位:unit date:日期 "
            "due:时限 status:状态:status")
    for s, zh in WEEKLY_SECTIONS:
        part = [r for r in rows if r["section"] == s]
        parts += ["", f"## {zh} ({s})", ""]
        if s == "overdue":
            parts += [f"截至 {meta['as_of']} 逾期未办结 {len(part)} 项，其中本周新增 "
                      f"{meta['newly_overdue']} 项（标“新增”）。", ""]
            if part:
                parts += [md_rows([{**r, "mark": "新增" if r["new"] else ""} for r in part],
                                  "kind:类型:RECORD_KIND number:编号 title:事项/问题 "
                                  "unit:单位:unit due:时限 days_overdue:逾期天数 "
                                  "status:状态:status mark:新增", lang),
                          "", "### 各单位逾期情况", "",
                          md_rows(meta["by_unit"], "unit:单位:unit items:逾期事项 "
                                  "findings:逾期问题 total:合计 new:其中新增", lang)]
            continue
        parts.append(md_rows(part, spec, lang) if part else "无。")
    # The closing line anchors the history the report was made from (DESIGN: verify --head).
    if meta.get("head"):
        parts += ["", "---", "", f"历史链头（截至 {meta['end']} 的事件 #{meta['head_event']}）："
                  f"`{meta['head']}`；核验：`duchá verify --head {meta['head'][:16]}`"]
    else:
        parts += ["", "---", "", f"历史链头：截至 {meta['end']} 尚无记录。"]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- report units


# The counts of a unit's scoreboard row (report units).
SCORE_COUNTS = ("items_open", "items_overdue", "items_on_time", "items_late", "findings_open",
                "findings_overdue", "findings_verified", "findings_reopened",
                "findings_on_time", "findings_late", "inspections", "organizers",
                "accountability", "circulated")


def unit_scores(lg: Ledger, year: int | None = None) -> list[dict[str, Any]]:
    """The scoreboard per unit for a year (records of that year; open and overdue as of
    --as-of): items, findings, on-time rate, inspections received, accountability."""
    from sqlalchemy import distinct, extract, func, label, select, union
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import (
        Accountability,
        Event,
        Finding,
        Inspection,
        InspectionMember,
        InspectionTarget,
        Item,
        Unit,
    )
    from duchá.services import settings

    y = year or lg.today.year
    lo, hi = date(y, 1, 1), date(y, 12, 31)
    score: dict[int, dict[str, Any]] = {}

    def put(stmt: Any, names: tuple[str, ...]) -> None:
        for uid, *values in lg.session.execute(stmt):
            row = score.setdefault(uid, {})
            for n, v in zip(names, values, strict=True):
                row[n] = (row.get(n) or 0) + (v or 0)

    is_open = col(Item.status) == "open"
    limits = settings.load(lg)
    # Overdue is a red light, as `item list` and `finding list` show it.
    put(select(col(Item.lead_unit_id), _sum_if(is_open),
               _sum_if(lights_sql.light(lg, "item", limits) == "red"),
               _sum_if((col(Item.status) == "done") & (col(Item.due).is_(None)
                                                       | (col(Item.closed_on) <= col(Item.due)))),
               _sum_if((col(Item.status) == "done") & (col(Item.closed_on) > col(Item.due))))
        .where(col(Item.year) == y).group_by(col(Item.lead_unit_id)),
        ("items_open", "items_overdue", "items_on_time", "items_late"))
    f_open = col(Finding.status).in_(OPEN_FINDING)
    f_done = col(Finding.status).in_(("rectified", "verified"))
    put(select(col(Finding.unit_id), _sum_if(f_open),
               _sum_if(lights_sql.light(lg, "finding", limits) == "red"),
               _sum_if(col(Finding.status) == "verified"),
               _sum_if(f_done & ((col(Finding.due).is_(None))
                                 | (col(Finding.rectified_on) <= col(Finding.due)))),
               _sum_if(f_done & (col(Finding.rectified_on) > col(Finding.due))))
        .where(col(Finding.year) == y).group_by(col(Finding.unit_id)),
        ("findings_open", "findings_overdue", "findings_verified", "findings_on_time",
         "findings_late"))
    # Reopened (verification failed or the problem rebounded): any event that moved the
    # finding into "reopened", whatever command wrote it.
    into = '%"status": "reopened"%'
    put(select(col(Finding.unit_id), func.count(distinct(col(Finding.id))))
        .join(Event, (col(Event.subject_table) == "finding")
              & (col(Event.subject) == col(Finding.number)))
        .where(col(Finding.year) == y, col(Event.after).like(into),
               col(Event.before).is_(None) | col(Event.before).not_like(into))
        .group_by(col(Finding.unit_id)), ("findings_reopened",))
    # The burden on the inspected (基层减负): inspections received, and by how many organizers.
    organizers = union(
        select(label("iid", col(Inspection.id)), label("org", col(Inspection.lead_id))),
        select(col(InspectionMember.inspection_id), col(InspectionMember.unit_id)),
    ).subquery()
    put(select(col(InspectionTarget.unit_id), func.count(distinct(col(Inspection.id))),
               func.count(distinct(organizers.c.org)))
        .join(Inspection, col(Inspection.id) == col(InspectionTarget.inspection_id))
        .join(organizers, organizers.c.iid == col(Inspection.id))
        .where(col(Inspection.start) >= lo, col(Inspection.start) <= hi)
        .group_by(col(InspectionTarget.unit_id)), ("inspections", "organizers"))
    for table, model, unit_col in (("item", Item, col(Item.lead_unit_id)),
                                   ("finding", Finding, col(Finding.unit_id))):
        put(select(unit_col, func.count()).select_from(Accountability)
            .join(model, (col(Accountability.subject_table) == table)
                  & (col(Accountability.subject_id) == model.id))
            .where(extract("year", col(Accountability.on)) == y).group_by(unit_col),
            ("accountability",))
    # Records put on the 通报 list by a notice of the year (remind: 催办, 督办, then 通报).
    from duchá.services.reminders import circulated

    listed: dict[str, list[str]] = {}
    for c in circulated(lg, y):
        listed.setdefault(c["unit"], []).append(c["number"])
    out = []
    for u in lg.session.execute(select(Unit).order_by(col(Unit.code))).scalars():
        r: dict[str, Any] = {k: 0 for k in SCORE_COUNTS}
        r.update(score.get(u.id or 0, {}))
        r["circulated"] = len(listed.get(u.code, []))
        r["circulated_records"] = listed.get(u.code, [])
        good = r["items_on_time"] + r["findings_on_time"]
        judged = good + r["items_late"] + r["findings_late"] + r["items_overdue"] \
            + r["findings_overdue"]
        out.append({"unit": u.code, "name": u.name, "year": y, **r,
                    "on_time_rate": round(100 * good / judged, 1) if judged else None})
    out.sort(key=lambda r: (r["on_time_rate"] is None, -(r["on_time_rate"] or 0), r["unit"]))
    return out


def unit_circular(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Whom the circular (通报) of `report units` praises and whom it names for criticism.

    Praised: every unit whose work of the year was all on time (on-time rate 100%), with
    nothing overdue, no problem come back and nothing on the 通报 list, most work first.
    Criticised, by name (指名道姓): every unit with an overdue item or finding (a red light,
    as `report units` counts it) or a record put on the 通报 list after its 催办 and 督办
    (`remind`), most overdue first.  totals sums each count of the scoreboard over the units.
    """
    def overdue(r: dict[str, Any]) -> int:
        return int(r["items_overdue"] + r["findings_overdue"])

    praised = sorted((r for r in rows if r["on_time_rate"] == 100.0 and not overdue(r)
                      and not r["findings_reopened"] and not r["circulated"]),
                     key=lambda r: (-(r["items_on_time"] + r["findings_on_time"]), r["unit"]))
    criticised = sorted((r for r in rows if overdue(r) or r["circulated"]),
                        key=lambda r: (-overdue(r), -r["findings_reopened"], -r["circulated"],
                                       r["unit"]))
    return {"praised": praised, "criticised": criticised,
            "totals": {k: sum(r[k] for r in rows) for k in SCORE_COUNTS}}


# ---------------------------------------------------------------- report inspection N


def inspection(lg: Ledger, ref: str) -> dict[str, Any]:
    """Everything a draft 督查情况报告 needs about one inspection."""
    from sqlalchemy import select
    from sqlmodel import col

    from duchá import lights_sql
    from duchá.models import (
        Finding,
        Inspection,
        InspectionItem,
        InspectionMember,
        InspectionTarget,
        Item,
        PlanEntry,
        Unit,
    )
    from duchá.services.numbers import find

    ins = find(lg.session, Inspection, "DC", ref, "inspection")
    units = {u.id: u for u in lg.session.execute(select(Unit)).scalars()}

    def unit_list(link: Any) -> list[dict[str, Any]]:
        ids = lg.session.execute(select(link.unit_id).where(link.inspection_id == ins.id)).scalars()
        return sorted(({"unit": units[i].code, "name": units[i].name} for i in ids),
                      key=lambda r: r["unit"])

    plan = lg.session.get(PlanEntry, ins.plan_id) if ins.plan_id else None
    covered = [{"number": n, "title": t, "due": d, "status": s} for n, t, d, s in
               lg.session.execute(select(col(Item.number), col(Item.title), col(Item.due),
                                         col(Item.status))
                                  .join(InspectionItem, col(InspectionItem.item_id) == col(Item.id))
                                  .where(col(InspectionItem.inspection_id) == ins.id)
                                  .order_by(col(Item.number)))]
    found = []
    for f, light in lg.session.execute(
            select(Finding, lights_sql.light(lg, "finding"))
            .where(col(Finding.inspection_id) == ins.id)
            .order_by(col(Finding.unit_id), col(Finding.seq))):
        found.append({"number": f.number, "unit": units[f.unit_id].code,
                      "unit_name": units[f.unit_id].name, "description": f.description,
                      "severity": f.severity, "mode": f.mode, "due": f.due,
                      "status": f.status, "light": light})
    found.sort(key=lambda r: (r["unit"], r["number"]))
    record = {"number": ins.number, "topic": ins.topic, "method": ins.method,
              "lead": units[ins.lead_id].code, "lead_name": units[ins.lead_id].name,
              "plan": plan.number if plan else None, "start": ins.start, "end": ins.end,
              "approval_ref": ins.approval_ref, "report_summary": ins.report_summary,
              "report_approved_by": ins.report_approved_by,
              "report_approved_on": ins.report_approved_on,
              "report_circulated_on": ins.report_circulated_on}
    return {"record": record, "members": unit_list(InspectionMember),
            "targets": unit_list(InspectionTarget), "items": covered, "findings": found}


def _iso(d: date) -> str:
    return d.isoformat()


def inspection_organizers(data: dict[str, Any]) -> str:
    rec = data["record"]
    return "、".join([rec["lead_name"], *(m["name"] for m in data["members"])])


def inspection_facts(data: dict[str, Any], day: Callable[[date], str] = _iso, to: str = " 至 "
                     ) -> list[tuple[str, str]]:
    """The draft report's particulars (督查单位, 方式, 时间, 对象), dates written by `day`."""
    from duchá.vocab import METHOD

    rec = data["record"]
    # "2026-11-02 至 2026-11-05", or "2026-11-02 起" while it runs (`to` without spaces in
    # Chinese prose).
    when = day(rec["start"]) + (f"{to}{day(rec['end'])}" if rec["end"]
                                else to.replace("至", "起").rstrip())
    return [("督查单位", inspection_organizers(data)), ("督查方式", METHOD.zh(rec["method"])),
            ("督查时间", when),
            ("督查对象", "、".join(t["name"] for t in data["targets"]) or "（未登记）")]


def inspection_overview(data: dict[str, Any]) -> str:
    """The report's 基本情况: the approved summary, else what the record says was done."""
    from duchá.vocab import METHOD

    rec = data["record"]
    return rec["report_summary"] or (
        f"按照工作安排，{inspection_organizers(data)}采取{METHOD.zh(rec['method'])}方式，"
        f"对{len(data['targets'])}个单位开展了{rec['topic']}督查。")


def inspection_asks(data: dict[str, Any], today: date,
                    day: Callable[[date], str] = _iso) -> list[str]:
    """The report's 下一步要求, from its open findings, their modes and due dates."""
    rec = data["record"]
    pending = [f for f in data["findings"] if f["status"] in OPEN_FINDING]
    asks = []
    immediate = [f for f in pending if f["mode"] == "immediate"]
    if immediate:
        asks.append(f"对{len(immediate)}个立行立改问题，相关单位要立即整改，于整改时限内报送整改结果。")
    dated = sorted((f for f in pending if f["due"]), key=lambda f: f["due"])
    if dated:
        units = "、".join(dict.fromkeys(f["unit_name"] for f in dated))
        asks.append(f"{units}要制定整改方案，明确责任人和时限，最迟于{day(dated[-1]['due'])}前"
                    f"完成整改并报送佐证材料；最早一项时限为{day(dated[0]['due'])}。")
    overdue_n = sum(1 for f in data["findings"] if f["light"] == "red")
    if overdue_n:
        asks.append(f"截至{day(today)}，已有{overdue_n}个问题超过整改时限，请督促相关单位说明情况。")
    asks.append("督查机构将对整改情况进行复核，对易反弹问题适时开展“回头看”。")
    if rec["report_approved_on"]:
        by = rec["report_approved_by"] or ""
        asks.append(f"本报告已于{day(rec['report_approved_on'])}经{by}审定。")
    else:
        asks.append("本报告经领导审定后印发通报。")
    return asks


def findings_by_unit(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The inspection's findings grouped by unit name, in the order they were found."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for f in data["findings"]:
        by_unit.setdefault(f["unit_name"], []).append(f)
    return by_unit


def inspection_markdown(data: dict[str, Any], today: date, lang: Lang | None = None) -> str:
    """A draft 督查情况报告 for the leader to approve; its tables' values in `lang` (default
    Chinese)."""
    from duchá.output import Lang

    lang = lang or Lang(zh=True)
    rec = data["record"]
    parts = [f"# 关于{rec['topic']}的督查情况报告（草稿）", "",
             f"- 编号：{rec['number']}" + (f"（计划 {rec['plan']}）" if rec["plan"] else ""),
             *(f"- {label}：{value}" for label, value in inspection_facts(data)), ""]
    parts += ["## 一、基本情况", "", inspection_overview(data), ""]
    parts += ["## 二、督查事项", ""]
    parts.append(md_rows(data["items"], "number:编号 title:事项 due:落实时限 "
                         "status:状态:ITEM_STATUS", lang)
                 if data["items"] else "本次督查未关联督办事项。")
    parts += ["", "## 三、发现的问题及整改要求", ""]
    if not data["findings"]:
        parts.append("本次督查未发现问题。")
    for n, (name, rows) in enumerate(findings_by_unit(data).items(), start=1):
        parts += [f"### （{n}）{name}（{len(rows)} 个问题）", ""]
        parts += [md_rows(rows, "number:编号 description:问题 severity:性质:SEVERITY "
                          "mode:整改方式:MODE due:整改时限 status:状态:FINDING_STATUS", lang), ""]
    parts += ["", "## 四、下一步要求", ""]
    parts += [f"{i}. {a}" for i, a in enumerate(inspection_asks(data, today), start=1)]
    return "\n".join(parts) + "\n"
