"""`duchá inspect ...` through the command line."""

from __future__ import annotations

from conftest import Runner

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


def test_bare_plan_number_means_the_inspections_year(ledger: Runner) -> None:
    for year in ("2025", "2025", "2026"):
        run(ledger, "plan", "add", f"{year}年专项", "--year", year, "--organizer", "fgw",
            "--kind", "special")
    made = run(ledger, "inspect", "add", "专项", "--lead", "fgw", "--method", "written", "-t",
               "jyj", "--from", "2026-04-01", "--plan", "1")
    assert made["plan"] == "JH-2026-001"
    r = ledger("inspect", "add", "专项", "--lead", "fgw", "--method", "written", "-t", "jyj",
               "--from", "2026-04-01", "--plan", "2", *AS_OF, "-f", "json")
    assert r.exit_code == 2
    assert r.stderr == "error: no plan 2 of 2026; `duchá plan list` shows the numbers\n"
