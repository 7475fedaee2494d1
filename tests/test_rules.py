"""The plan, inspection and item rules on plain rows, at their boundaries (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from duchá import rules

D0 = date(2026, 3, 2)


def plan(number: str, *, year: int = 2019, organizer: str = "fgw", kind: str = "special",
         status: str = "planned", start: date | None = None, end: date | None = None,
         targets: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"number": number, "year": year, "organizer": organizer, "kind": kind,
            "status": status, "start": start, "end": end, "targets": list(targets)}


def insp(number: str, start: date, *, lead: str = "fgw", members: tuple[str, ...] = (),
         targets: tuple[str, ...] = ("kongtong",), topic: str = "营商环境专项督查",
         items: tuple[str, ...] = (), plan: str | None = None, plan_planned: bool = False,
         plan_approved_on: date | None = None, approved_on: date | None = None,
         end: date | None = None, report_approved_on: date | None = None) -> dict[str, Any]:
    return {"number": number, "start": start, "lead": lead, "members": list(members),
            "targets": list(targets), "topic": topic, "items": list(items), "plan": plan,
            "plan_planned": plan_planned, "plan_approved_on": plan_approved_on,
            "approved_on": approved_on, "end": end, "report_approved_on": report_approved_on}


def item(number: str = "DB-2026-0001", *, status: str = "open", due: date = D0,
         assigned: date = date(2026, 1, 5), category: str = "meeting",
         first: date | None = None, last: date | None = None) -> dict[str, Any]:
    return {"number": number, "title": "供热", "lead_unit": "zjj", "status": status, "due": due,
            "assigned": assigned, "category": category, "first_progress": first,
            "last_progress": last}


def codes(found: list[rules.Violation]) -> list[str]:
    return [v.rule for v in found]


# plan-quota -----------------------------------------------------------------------------------

def test_quota_allowed_is_floor_of_reduction() -> None:
    assert rules.quota_allowed({"reduction": 0.5}, 12) == 6
    assert rules.quota_allowed({"reduction": 0.5}, 7) == 3
    assert rules.quota_allowed({"reduction": 0.3}, 10) == 7
    assert rules.quota_allowed({"reduction": 0.5, "baseline": 40}, 12) == 20
    assert rules.quota_allowed({"max_count": 4}, 12) == 4
    assert rules.quota_allowed(None, 12) is None


def _years(n2018: int, n2019: int, cancelled2019: int = 0) -> list[dict[str, Any]]:
    rows = [plan(f"JH-2018-{k:03d}", year=2018) for k in range(n2018)]
    rows += [plan(f"JH-2019-{k:03d}", year=2019) for k in range(n2019)]
    rows += [plan(f"JH-2019-9{k:02d}", year=2019, status="cancelled")
             for k in range(cancelled2019)]
    return rows


def test_plan_quota_exactly_at_quota_is_fine() -> None:
    assert rules.plan_quota(_years(12, 6), {2019: {"reduction": 0.5}}) == []


def test_plan_quota_one_over_is_an_error() -> None:
    [v] = rules.plan_quota(_years(12, 7), {2019: {"reduction": 0.5}})
    assert (v.rule, v.level, v.subject, v.light) == ("plan-quota", "error", "quota 2019", "red")
    assert "7 entries, 1 over the allowed 6" in v.message


def test_plan_quota_cancelled_entries_do_not_count() -> None:
    assert rules.plan_quota(_years(12, 6, cancelled2019=3), {2019: {"reduction": 0.5}}) == []
    # Cancelled entries of the base year do not count either: 10 live of 12 allow 5.
    rows = _years(12, 6)
    rows[0]["status"] = rows[1]["status"] = "cancelled"
    assert codes(rules.plan_quota(rows, {2019: {"reduction": 0.5}})) == ["plan-quota"]


def test_plan_quota_max_zero_forbids_any_entry() -> None:
    assert rules.plan_quota(_years(0, 0), {2019: {"max_count": 0}}) == []
    assert codes(rules.plan_quota(_years(0, 1), {2019: {"max_count": 0}})) == ["plan-quota"]


# one-comprehensive ----------------------------------------------------------------------------

def test_one_comprehensive_allows_one_a_year() -> None:
    rows = [plan("JH-2026-001", year=2026, kind="comprehensive"),
            plan("JH-2025-001", year=2025, kind="comprehensive"),
            plan("JH-2026-002", year=2026, kind="special"),
            plan("JH-2026-003", year=2026, kind="comprehensive", organizer="jyj")]
    assert rules.one_comprehensive(rows) == []


def test_one_comprehensive_second_entry_warns_once() -> None:
    rows = [plan(f"JH-2026-00{k}", year=2026, kind="comprehensive") for k in (1, 2, 3)]
    [v] = rules.one_comprehensive(rows)
    assert (v.level, v.unit, v.subject) == ("warning", "fgw", "plan JH-2026-003")
    assert "JH-2026-001, JH-2026-002, JH-2026-003" in v.message


def test_one_comprehensive_cancelled_does_not_count() -> None:
    rows = [plan("JH-2026-001", year=2026, kind="comprehensive"),
            plan("JH-2026-002", year=2026, kind="comprehensive", status="cancelled")]
    assert rules.one_comprehensive(rows) == []


# unplanned-approval ---------------------------------------------------------------------------

def test_unplanned_without_approval_is_an_error() -> None:
    [v] = rules.unplanned_approval([insp("DC-2026-001", D0)])
    assert (v.rule, v.level, v.subject, v.unit) == (
        "unplanned-approval", "error", "inspection DC-2026-001", "fgw")


def test_approval_on_the_start_day_is_fine() -> None:
    assert rules.unplanned_approval([insp("DC-2026-001", D0, approved_on=D0)]) == []


def test_approval_dated_after_the_start_is_a_violation() -> None:
    [v] = rules.unplanned_approval([insp("DC-2026-001", D0, approved_on=D0 + timedelta(1))])
    assert "after its start" in v.message


def test_planned_entry_needs_no_approval() -> None:
    assert rules.unplanned_approval(
        [insp("DC-2026-001", D0, plan="JH-2026-001", plan_planned=True)]) == []


def test_unplanned_entry_carries_its_approval() -> None:
    ok = insp("DC-2026-001", D0, plan="JH-2026-001", plan_approved_on=D0 - timedelta(3))
    bad = insp("DC-2026-002", D0, plan="JH-2026-002")
    late = insp("DC-2026-003", D0, plan="JH-2026-003", plan_approved_on=D0 + timedelta(1))
    found = rules.unplanned_approval([ok, bad, late])
    assert [v.subject for v in found] == ["inspection DC-2026-002", "inspection DC-2026-003"]
    assert "never approved" in found[0].message


# repeat-inspection ----------------------------------------------------------------------------

def test_similarity_of_chinese_topics() -> None:
    assert rules.similarity("城区供热管网改造", "城区供热管网改造") == 1.0
    assert rules.similarity("城区供热管网改造督查", "城区供热管网改造专项督查") >= 0.6
    assert rules.similarity("校园安全检查", "城区供热管网改造") == 0.0


def test_repeat_within_90_days_but_not_91() -> None:
    a = insp("DC-2026-001", D0, topic="城区供热管网改造")
    b = insp("DC-2026-002", D0 + timedelta(90), topic="城区供热管网改造", lead="zjj")
    c = insp("DC-2026-003", D0 + timedelta(91), topic="城区供热管网改造", lead="zjj")
    [v] = rules.repeat_inspection([a, b], days=90, cut=0.6)
    assert (v.rule, v.level, v.subject, v.unit) == (
        "repeat-inspection", "warning", "inspection DC-2026-002", "kongtong")
    assert "DC-2026-001" in v.message
    assert rules.repeat_inspection([a, c], days=90, cut=0.6) == []


def test_repeat_at_the_similarity_cut() -> None:
    # 4 shared bigrams of 8: exactly 0.5.
    a = insp("DC-2026-001", D0, topic="营商环境专项督查")
    b = insp("DC-2026-002", D0 + timedelta(5), topic="营商环境督查")
    assert rules.similarity(a["topic"], b["topic"]) == 0.5
    assert codes(rules.repeat_inspection([a, b], days=90, cut=0.5)) == ["repeat-inspection"]
    assert rules.repeat_inspection([a, b], days=90, cut=0.51) == []


def test_repeat_on_a_shared_item_whatever_the_topic() -> None:
    a = insp("DC-2026-001", D0, topic="供热", items=("DB-2026-0001",))
    b = insp("DC-2026-002", D0 + timedelta(10), topic="校园安全", items=("DB-2026-0001",))
    [v] = rules.repeat_inspection([a, b], days=90, cut=0.6)
    assert "item DB-2026-0001" in v.message


def test_repeat_needs_the_same_unit() -> None:
    a = insp("DC-2026-001", D0, targets=("kongtong",))
    b = insp("DC-2026-002", D0 + timedelta(10), targets=("jingchuan",))
    assert rules.repeat_inspection([a, b], days=90, cut=0.6) == []


# multi-headed ---------------------------------------------------------------------------------

def test_three_organizers_within_30_days_one_warning_naming_all() -> None:
    rows = [insp("DC-2026-001", D0, lead="fgw", topic="营商环境"),
            insp("DC-2026-002", D0 + timedelta(10), lead="jyj", topic="校园安全"),
            insp("DC-2026-003", D0 + timedelta(20), lead="zjj", topic="供热管网")]
    [v] = rules.multi_headed(rows, days=30)
    assert (v.rule, v.level, v.unit) == ("multi-headed", "warning", "kongtong")
    assert "3 organizers (fgw, jyj, zjj)" in v.message
    assert "DC-2026-001, DC-2026-002, DC-2026-003" in v.message


def test_joint_inspection_is_never_multi_headed() -> None:
    joint = insp("DC-2026-001", D0, lead="fgw", members=("jyj", "zjj"))
    assert rules.multi_headed([joint], days=30) == []
    again = insp("DC-2026-002", D0 + timedelta(5), lead="fgw", members=("zjj", "jyj"))
    assert rules.multi_headed([joint, again], days=30) == []


def test_multi_headed_30_days_but_not_31() -> None:
    a = insp("DC-2026-001", D0, lead="fgw")
    b = insp("DC-2026-002", D0 + timedelta(30), lead="jyj")
    c = insp("DC-2026-003", D0 + timedelta(31), lead="jyj")
    assert codes(rules.multi_headed([a, b], days=30)) == ["multi-headed"]
    assert rules.multi_headed([a, c], days=30) == []


def test_multi_headed_same_organizer_twice_is_not() -> None:
    rows = [insp("DC-2026-001", D0), insp("DC-2026-002", D0 + timedelta(3))]
    assert rules.multi_headed(rows, days=30) == []


def test_multi_headed_separate_clusters_and_units() -> None:
    rows = [insp("DC-2026-001", D0, lead="fgw"),
            insp("DC-2026-002", D0 + timedelta(3), lead="jyj"),
            insp("DC-2026-003", D0 + timedelta(200), lead="fgw"),
            insp("DC-2026-004", D0 + timedelta(201), lead="zjj"),
            insp("DC-2026-005", D0 + timedelta(3), lead="zjj", targets=("jingchuan",))]
    found = rules.multi_headed(rows, days=30)
    assert [(v.unit, v.subject) for v in found] == [
        ("kongtong", "inspection DC-2026-002"), ("kongtong", "inspection DC-2026-004")]


def test_multi_headed_sweeps_a_large_ledger() -> None:
    # 3,000 inspections on one unit, a different organizer every 40 days: no two within 30
    # days, so nothing fires; a pairwise comparison would make 4.5 million comparisons.
    rows = [insp(f"DC-{k}", D0 + timedelta(40 * k), lead=f"u{k}") for k in range(3000)]
    assert rules.multi_headed(rows, days=30) == []


# plan-overlap ---------------------------------------------------------------------------------

def test_plan_overlap_of_two_organizers() -> None:
    a = plan("JH-2026-001", start=date(2026, 3, 1), end=date(2026, 3, 31), targets=("kongtong",))
    b = plan("JH-2026-002", organizer="jyj", start=date(2026, 3, 31), end=date(2026, 4, 10),
             targets=("kongtong",))
    [v] = rules.plan_overlap([a, b])
    assert (v.rule, v.level, v.unit, v.light) == ("plan-overlap", "info", "kongtong", "")
    assert "fgw, jyj" in v.message


def test_plan_overlap_boundaries() -> None:
    a = plan("JH-2026-001", start=date(2026, 3, 1), end=date(2026, 3, 31), targets=("kongtong",))
    after = plan("JH-2026-002", organizer="jyj", start=date(2026, 4, 1), end=date(2026, 4, 9),
                 targets=("kongtong",))
    same_org = plan("JH-2026-003", start=date(2026, 3, 5), targets=("kongtong",))
    cancelled = plan("JH-2026-004", organizer="zjj", status="cancelled",
                     start=date(2026, 3, 5), end=date(2026, 3, 6), targets=("kongtong",))
    other_unit = plan("JH-2026-005", organizer="zjj", start=date(2026, 3, 5),
                      targets=("jingchuan",))
    assert rules.plan_overlap([a, after, same_org, cancelled, other_unit]) == []


# report-missing -------------------------------------------------------------------------------

def test_report_missing_after_15_days_not_at_15() -> None:
    end = date(2026, 3, 10)
    row = insp("DC-2026-001", D0, end=end)
    assert rules.report_missing([row], end + timedelta(15), days=15) == []
    [v] = rules.report_missing([row], end + timedelta(16), days=15)
    assert (v.rule, v.level, v.subject) == ("report-missing", "warning", "inspection DC-2026-001")
    reported = insp("DC-2026-002", D0, end=end, report_approved_on=end)
    ongoing = insp("DC-2026-003", D0)
    assert rules.report_missing([reported, ongoing], end + timedelta(99), days=15) == []


# item-overdue, item-stale, instruction-limit --------------------------------------------------

def test_item_overdue_red_and_yellow() -> None:
    as_of = date(2026, 11, 30)
    rows = [item("A", due=as_of - timedelta(1)), item("B", due=as_of),
            item("C", due=as_of + timedelta(7)), item("D", due=as_of + timedelta(8)),
            item("E", due=as_of - timedelta(9), status="done")]
    found = rules.item_overdue(rows, as_of, yellow_days=7)
    assert [(v.subject, v.level, v.light) for v in found] == [
        ("item A", "error", "red"), ("item B", "warning", "yellow"),
        ("item C", "warning", "yellow")]


def test_item_stale_at_30_days_not_29() -> None:
    as_of = date(2026, 11, 30)
    rows = [item("A", last=as_of - timedelta(30)), item("B", last=as_of - timedelta(29)),
            item("C", assigned=as_of - timedelta(30)),
            item("D", last=as_of - timedelta(90), status="cancelled")]
    found = rules.item_stale(rows, as_of, days=30)
    assert [v.subject for v in found] == ["item A", "item C"]


def _weekdays(day: date, n: int) -> date:
    while n:
        day += timedelta(1)
        if day.weekday() < 5:
            n -= 1
    return day


def test_instruction_limit_in_working_days() -> None:
    assigned = date(2026, 3, 6)  # a Friday: five working days later is Friday 13th
    limit = date(2026, 3, 13)
    on_time = item("A", category="instruction", assigned=assigned, first=limit)
    late = item("B", category="instruction", assigned=assigned, first=limit + timedelta(1))
    none = item("C", category="instruction", assigned=assigned)
    other = item("D", category="meeting", assigned=assigned)
    found = rules.instruction_limit([on_time, late, none, other], limit, workdays=5,
                                    add_workdays=_weekdays)
    assert [v.subject for v in found] == ["item B"]
    found = rules.instruction_limit([on_time, late, none, other], limit + timedelta(1),
                                    workdays=5, add_workdays=_weekdays)
    assert [v.subject for v in found] == ["item B", "item C"]
    assert "by 2026-03-13" in found[1].message


def test_crowded_cluster_message_stays_one_line_of_reason() -> None:
    rows = [insp(f"DC-2026-{k:03d}", D0 + timedelta(k), lead=f"o{k % 3}") for k in range(15)]
    [v] = rules.multi_headed(rows, days=30)
    assert "DC-2026-009 and 5 more" in v.message and "DC-2026-010" not in v.message


def test_messages_agree_in_number() -> None:
    from duchá.words import a, count

    assert [count(0, "day"), count(1, "day"), count(2, "day"), count(1, "entry", "entries"),
            count(3, "entry", "entries")] == ["0 days", "1 day", "2 days", "1 entry", "3 entries"]
    assert (a("item"), a("inspection"), a("plan entry"), a("finding")) == (
        "an item", "an inspection", "a plan entry", "a finding")
