"""`duchá inspect ...` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Runner, snapshot_db

AS_OF = ("--as-of", "2026-11-30")


def run(cli: Runner, *args: str) -> dict:
    r = cli(*args, *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    out = r.json()
    return out[0] if isinstance(out, list) else out


def test_joint_inspection_with_plan_items_finish_and_report(ledger: Runner) -> None:
    run(ledger, "plan", "add", "营商环境专项督查", "--year", "2026", "--organizer", "fgw",
        "--kind", "special", "-t", "kongtong", "--from", "2026-03")
    run(ledger, "item", "add", "推进供热", "-c", "meeting", "--lead", "zjj", "--due",
        "2026-12-31", "--assigned", "2026-02-01")
    r = ledger("inspect", "add", "营商环境专项督查", "--lead", "fgw", "--with", "zjj", "--with",
               "jyj", "--method", "实地", "-t", "崆峒", "-t", "jingchuan", "--from", "2026-03-02",
               "--to", "+5d", "--plan", "JH-2026-001", "--item", "1", *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    assert r.stderr == ""
    row = r.json()[0]
    assert {k: row[k] for k in ("number", "lead", "members", "method", "targets", "start",
                                "end", "plan", "status")} == {
        "number": "DC-2026-001", "lead": "fgw", "members": "jyj;zjj", "method": "on-site",
        "targets": "jingchuan;kongtong", "start": "2026-03-02", "end": "2026-03-07",
        "plan": "JH-2026-001", "status": "ongoing"}
    fin = run(ledger, "inspect", "finish", "1", "--on", "2026-03-06")
    assert (fin["end"], fin["status"]) == ("2026-03-06", "finished")
    assert run(ledger, "plan", "show", "1")["status"] == "done"
    rep = run(ledger, "inspect", "report", "DC-2026-001", "--summary", "发现问题5个",
              "--approved-by", "张市长", "--approved-on", "2026-03-20", "--circulated-on",
              "2026-03-25")
    assert rep["report_approved_on"] == "2026-03-20" and rep["status"] == "reported"
    shown = run(ledger, "inspect", "show", "DC-2026-001")
    assert shown["items"] == "DB-2026-0001" and shown["report_circulated_on"] == "2026-03-25"
    listed = ledger("inspect", "list", "--unit", "jyj", *AS_OF, "-f", "json").json()
    assert [x["number"] for x in listed] == ["DC-2026-001"]


def test_unplanned_inspection_warns_and_keeps_its_approval(ledger: Runner) -> None:
    r = ledger("inspect", "add", "安全检查", "--lead", "zjj", "--method", "暗访", "-t", "kongtong",
               "--from", "2026-04-01", *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    assert "DC-2026-001 has no plan entry and no approval" in r.stderr
    r = ledger("inspect", "add", "安全检查2", "--lead", "zjj", "--method", "written", "-t",
               "jingchuan", "--from", "2026-04-01", "--approved-by", "李副市长",
               "--approved-on", "2026-03-28", "--approval-ref", "平政办〔2026〕3号", *AS_OF,
               "-f", "json")
    assert r.exit_code == 0 and r.stderr == ""
    shown = run(ledger, "inspect", "show", "2")
    assert (shown["approver"], shown["approved_on"], shown["approval_ref"]) == (
        "李副市长", "2026-03-28", "平政办〔2026〕3号")


@pytest.mark.parametrize(("args", "message"), [
    (("inspect", "add", "x", "--lead", "fgw", "--method", "telepathy", "-t", "kongtong",
      "--from", "2026-04-01"), "unknown method 'telepathy'"),
    (("inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "--from", "2026-04-01"),
     "at least one --target unit"),
    (("inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t", "kongtong",
      "--from", "2026-04-10", "--to", "2026-04-01"), "end 2026-04-01 is before the start"),
    (("inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t", "kongtong",
      "--from", "2026-04-10", "--plan", "JH-2025-001"), "is for 2025, but the inspection"),
    (("inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t", "nowhere",
      "--from", "2026-04-10"), "unknown unit 'nowhere'"),
    (("inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t", "kongtong",
      "--from", "2026-04-10", "--approved-by", "张市长"), "needs both --approved-by"),
    (("inspect", "report", "DC-2026-002", "--summary", "s", "--approved-by", "张",
      "--approved-on", "2026-12-03"), "report it once it has started"),
    (("inspect", "report", "DC-2026-001", "--summary", "s", "--approved-by", "张",
      "--approved-on", "2026-03-01"), "before the inspection started (2026-03-02)"),
    (("inspect", "finish", "DC-2026-001", "--on", "2026-03-01"), "before the inspection"),
    (("inspect", "show", "DC-2026-009"), "no inspection DC-2026-009"),
])
def test_inspect_bad_input_changes_nothing(ledger: Runner, db_path: Path,
                                           args: tuple[str, ...], message: str) -> None:
    run(ledger, "plan", "add", "旧计划", "--year", "2025", "--organizer", "fgw", "--kind",
        "special")
    run(ledger, "inspect", "add", "已开始", "--lead", "fgw", "--method", "on-site", "-t",
        "kongtong", "--from", "2026-03-02", "--approved-by", "张", "--approved-on", "2026-03-01")
    run(ledger, "inspect", "add", "未开始", "--lead", "fgw", "--method", "on-site", "-t",
        "kongtong", "--from", "2026-12-02", "--approved-by", "张", "--approved-on", "2026-11-01")
    before = snapshot_db(db_path)
    r = ledger(*args, *AS_OF, "-f", "json")
    assert r.exit_code == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], r
    assert snapshot_db(db_path) == before
