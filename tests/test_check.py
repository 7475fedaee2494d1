"""`duchá check` end to end: every rule of plans, inspections and items through `-f json`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Runner, snapshot_db

AS_OF = ("--as-of", "2026-11-30")


def ok(cli: Runner, *args: str) -> None:
    r = cli(*args, *AS_OF, "-f", "json")
    assert r.exit_code == 0, r


def check(cli: Runner, *extra: str, as_of: str = "2026-11-30") -> tuple[int, list[dict]]:
    r = cli("check", *extra, "--as-of", as_of, "-f", "json")
    assert r.exit_code in (0, 1), r
    assert r.stderr == ""  # the summary line is for terminals only
    return r.exit_code, r.json()


def inspect(cli: Runner, topic: str, lead: str, start: str, *extra: str,
            target: str = "kongtong") -> None:
    ok(cli, "inspect", "add", topic, "--lead", lead, "--method", "on-site", "-t", target,
       "--from", start, "--approved-by", "张市长", "--approved-on", "2026-01-02", *extra)


def test_empty_ledger_passes(ledger: Runner) -> None:
    assert check(ledger) == (0, [])


def test_multi_headed_three_organizers_one_warning(ledger: Runner) -> None:
    inspect(ledger, "营商环境督查", "fgw", "2026-06-01")
    inspect(ledger, "校园安全督查", "jyj", "2026-06-10")
    inspect(ledger, "供热管网督查", "zjj", "2026-06-25")
    code, rows = check(ledger)
    assert code == 0  # a warning only
    assert rows == [{
        "rule": "multi-headed", "level": "warning", "subject": "inspection DC-2026-003",
        "unit": "kongtong", "light": "yellow",
        "message": "kongtong inspected by 3 organizers (fgw, jyj, zjj) between 2026-06-01 and "
                   "2026-06-25 (DC-2026-001, DC-2026-002, DC-2026-003): join them in one joint "
                   "inspection"}]
    assert check(ledger, "--strict")[0] == 1


def test_multi_headed_same_three_as_one_joint_inspection(ledger: Runner) -> None:
    inspect(ledger, "营商环境联合督查", "fgw", "2026-06-01", "--with", "jyj", "--with", "zjj")
    assert check(ledger) == (0, [])
    assert check(ledger, "--strict") == (0, [])


def test_multi_headed_window_is_a_setting(ledger: Runner) -> None:
    inspect(ledger, "营商环境督查", "fgw", "2026-06-01")
    inspect(ledger, "校园安全督查", "jyj", "2026-07-02")  # 31 days later
    assert check(ledger) == (0, [])
    ok(ledger, "config", "set", "multi_headed.days", "31")
    assert [r["rule"] for r in check(ledger)[1]] == ["multi-headed"]


def test_one_comprehensive_and_plan_overlap(ledger: Runner) -> None:
    for title, org in (("发改综合督查", "fgw"), ("发改年度考核", "fgw"), ("教育综合督导", "jyj")):
        ok(ledger, "plan", "add", title, "--year", "2026", "--organizer", org, "--kind",
           "comprehensive", "-t", "jingchuan", "--from", "2026-03")
    code, rows = check(ledger)
    assert code == 0
    assert [(r["rule"], r["level"], r["unit"], r["subject"]) for r in rows] == [
        ("one-comprehensive", "warning", "fgw", "plan JH-2026-002"),
        ("plan-overlap", "info", "jingchuan", "plan JH-2026-003")]
    assert "fgw, jyj" in rows[1]["message"]
    ok(ledger, "plan", "cancel", "JH-2026-002", "--reason", "合并")
    assert check(ledger, "--rule", "one-comprehensive") == (0, [])


def test_unplanned_approval_dated_after_start(ledger: Runner) -> None:
    ok(ledger, "inspect", "add", "安全检查", "--lead", "zjj", "--method", "暗访", "-t",
       "kongtong", "--from", "2026-04-01", "--approved-by", "张市长", "--approved-on",
       "2026-04-02")
    code, rows = check(ledger, "--rule", "unplanned-approval")
    assert code == 1
    assert [(r["rule"], r["level"], r["subject"], r["light"]) for r in rows] == [
        ("unplanned-approval", "error", "inspection DC-2026-001", "red")]
    assert "approved only on 2026-04-02, after its start 2026-04-01" in rows[0]["message"]


def test_unplanned_entry_approval_through_plan(ledger: Runner) -> None:
    ok(ledger, "plan", "add", "临时督查", "--year", "2026", "--organizer", "zjj", "--kind",
       "special", "--unplanned")
    ok(ledger, "inspect", "add", "临时督查", "--lead", "zjj", "--method", "written", "-t",
       "kongtong", "--from", "2026-04-01", "--plan", "1")
    assert check(ledger)[0] == 1
    ok(ledger, "plan", "approve", "1", "--by", "张市长", "--on", "2026-03-30", "--ref", "平政办1号")
    assert check(ledger, "--rule", "unplanned-approval") == (0, [])


def test_repeat_inspection_by_topic_and_item(ledger: Runner) -> None:
    ok(ledger, "item", "add", "推进供热", "-c", "meeting", "--lead", "zjj", "--due", "2026-12-31",
       "--assigned", "2026-01-05")
    ok(ledger, "item", "progress", "1", "招标", "--on", "2026-11-20")
    inspect(ledger, "城区供热管网改造督查", "zjj", "2026-05-01")
    inspect(ledger, "城区供热管网改造专项督查", "zjj", "2026-07-30")  # 90 days later
    inspect(ledger, "冬季取暖保障", "zjj", "2026-05-01", "--item", "1", target="jingchuan")
    inspect(ledger, "民生实事", "zjj", "2026-06-01", "--item", "1", target="jingchuan")
    code, rows = check(ledger, "--rule", "repeat-inspection")
    assert code == 0
    assert [(r["subject"], r["unit"]) for r in rows] == [
        ("inspection DC-2026-002", "kongtong"), ("inspection DC-2026-004", "jingchuan")]
    assert "item DB-2026-0001" in rows[1]["message"]
    ok(ledger, "config", "set", "repeat_inspection.days", "89")
    assert len(check(ledger, "--rule", "repeat-inspection")[1]) == 1


def test_report_missing(ledger: Runner) -> None:
    inspect(ledger, "营商环境督查", "fgw", "2026-11-01")
    ok(ledger, "inspect", "finish", "1", "--on", "2026-11-10")
    assert check(ledger, "--rule", "report-missing", as_of="2026-11-25") == (0, [])
    code, rows = check(ledger, "--rule", "report-missing", as_of="2026-11-26")
    assert code == 0
    assert [(r["rule"], r["subject"], r["level"]) for r in rows] == [
        ("report-missing", "inspection DC-2026-001", "warning")]
    ok(ledger, "inspect", "report", "1", "--summary", "良好", "--approved-by", "张市长",
       "--approved-on", "2026-11-28")
    assert check(ledger, "--rule", "report-missing") == (0, [])


def test_item_rules(ledger: Runner) -> None:
    # Overdue (red) and stale: assigned long ago, no progress.
    ok(ledger, "item", "add", "老旧小区改造", "-c", "target", "--lead", "zjj", "--due",
       "2026-11-20", "--assigned", "2026-08-01")
    # Due within 7 days (yellow), fresh progress.
    ok(ledger, "item", "add", "农贸市场提升", "-c", "meeting", "--lead", "fgw", "--due",
       "2026-12-07", "--assigned", "2026-11-01")
    ok(ledger, "item", "progress", "2", "完成招标", "--on", "2026-11-29")
    # An instruction with no progress within 5 working days: assigned Monday 23rd, limit 30th.
    ok(ledger, "item", "add", "关于校车安全的批示", "-c", "批示", "--lead", "jyj", "--due",
       "2026-12-31", "--assigned", "2026-11-23")
    code, rows = check(ledger, "-r", "item-overdue", "-r", "item-stale", "-r",
                       "instruction-limit")
    assert code == 1
    assert [(r["rule"], r["level"], r["subject"], r["light"]) for r in rows] == [
        ("item-overdue", "error", "item DB-2026-0001", "red"),
        ("item-overdue", "warning", "item DB-2026-0002", "yellow"),
        ("item-stale", "warning", "item DB-2026-0001", "yellow")]
    code, rows = check(ledger, "-r", "instruction-limit", as_of="2026-12-01")
    assert [(r["rule"], r["subject"]) for r in rows] == [("instruction-limit", "item DB-2026-0003")]
    ok(ledger, "config", "set", "instruction_limit.workdays", "6")
    assert check(ledger, "-r", "instruction-limit", as_of="2026-12-01") == (0, [])


def test_check_unknown_rule(ledger: Runner) -> None:
    r = ledger("check", "--rule", "nonsense", *AS_OF, "-f", "json")
    assert r.exit_code == 2
    assert r.stderr.startswith("error: unknown rule 'nonsense'; use one of: plan-quota,")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("multi_headed.days", "0", "between 1 and 3660"),
    ("repeat_inspection.similarity", "1.5", "between 0.01 and 1"),
    ("item_stale.days", "lots", "takes a whole number"),
    ("no_such.key", "3", "unknown setting"),
])
def test_config_set_validates(ledger: Runner, db_path: Path, key: str, value: str,
                              message: str) -> None:
    before = snapshot_db(db_path)
    r = ledger("config", "set", key, value, "-f", "json")
    assert r.exit_code == 2 and message in r.stderr, r
    assert snapshot_db(db_path) == before


def test_config_lists_every_threshold_with_design_defaults(ledger: Runner) -> None:
    rows = {r["key"]: r["default"] for r in ledger("config", "list", "-f", "json").json()}
    assert {k: rows[k] for k in ("repeat_inspection.days", "repeat_inspection.similarity",
                                 "multi_headed.days", "item_overdue.yellow_days",
                                 "item_stale.days", "instruction_limit.workdays",
                                 "report_missing.days")} == {
        "repeat_inspection.days": 90, "repeat_inspection.similarity": 0.6,
        "multi_headed.days": 30, "item_overdue.yellow_days": 7, "item_stale.days": 30,
        "instruction_limit.workdays": 5, "report_missing.days": 15}
    ok(ledger, "config", "set", "repeat_inspection.similarity", "70%")
    assert ledger("config", "get", "repeat_inspection.similarity").stdout.strip() == "0.7"
