"""Findings end to end: lifecycle, due dates, extensions, accountability, lights, bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import Runner, snapshot_db


def add(cli: Runner, *args: str, as_of: str = "2026-09-01") -> dict:
    r = cli("finding", "add", *args, "--as-of", as_of, "-f", "json")
    assert r.exit_code == 0, r
    return r.json()[0]


def step(cli: Runner, *args: str, as_of: str = "2026-12-31") -> dict:
    r = cli("finding", *args, "--as-of", as_of, "-f", "json")
    assert r.exit_code == 0, r
    return r.json()[0]


def show(cli: Runner, number: str = "1", as_of: str = "2026-12-31") -> dict:
    r = cli("finding", "show", number, "--as-of", as_of, "-f", "json")
    assert r.exit_code == 0, r
    return r.json()


def make_inspection(db_path: Path, targets: list[str], start: date = date(2026, 9, 1)) -> str:
    """An inspection row made through the ORM (the `inspect` commands come with issue 3)."""
    from sqlmodel import select

    from duchá.db import locate, open_ledger, session_scope
    from duchá.models import Inspection, InspectionTarget, Unit

    engine = open_ledger(locate(str(db_path)))
    with session_scope(engine, write=True) as s:
        ids = {u.code: u.id for u in s.exec(select(Unit)).all()}
        insp = Inspection(number="DC-2026-001", year=2026, seq=1, lead_id=ids["fgw"],
                          method="on-site", topic="校园食品安全专项督查", start=start)
        s.add(insp)
        s.flush()
        for code in targets:
            s.add(InspectionTarget(inspection_id=insp.id, unit_id=ids[code]))
    return "DC-2026-001"


# --- due dates ---------------------------------------------------------------------------


def test_immediate_default_due_counts_working_days_across_national_day(ledger: Runner) -> None:
    row = add(ledger, "食堂台账不全", "-u", "jyj", "--mode", "immediate", "--on", "2026-09-30")
    assert (row["number"], row["found_on"], row["due"]) == ("WT-2026-0001", "2026-09-30",
                                                            "2026-10-13")
    assert (row["status"], row["mode"], row["severity"]) == ("open", "immediate", "general")


def test_deadline_default_is_thirty_calendar_days_and_due_takes_working_days(
        ledger: Runner) -> None:
    assert add(ledger, "a", "-u", "jyj", "--mode", "限期整改", "--on", "2026-09-30")["due"] == \
        "2026-10-30"
    row = add(ledger, "b", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-30",
              "--due", "+3wd", "--severity", "严重")
    assert (row["due"], row["severity"]) == ("2026-10-10", "serious")  # 10-10 is a swapped Saturday
    assert add(ledger, "c", "-u", "jyj", "--mode", "long-term", "--due", "2027-06-30",
               "--on", "2026-09-30")["due"] == "2027-06-30"


def test_immediate_default_follows_the_setting(ledger: Runner) -> None:
    assert ledger("config", "set", "finding.immediate_workdays", "2").exit_code == 0
    assert add(ledger, "a", "-u", "jyj", "--mode", "immediate", "--on", "2026-11-27")["due"] == \
        "2026-12-01"  # Friday + 2 working days


# --- the whole story ---------------------------------------------------------------------


def test_walk_through_every_step_and_show_lists_each_with_date_and_actor(
        ledger: Runner) -> None:
    n = add(ledger, "食堂台账不全", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-01",
            "--actor", "李干事")["number"]
    walk = [
        ("张科长", "plan", n, "一周内补齐台账", "--on", "2026-09-05"),
        ("教育局", "rectify", n, "--evidence", "台账照片", "--on", "2026-09-20"),
        ("王科长", "verify", n, "--fail", "--reason", "佐证不实", "--on", "2026-09-22"),
        ("教育局", "rectify", n, "--evidence", "补齐台账及检查记录", "--on", "2026-09-28"),
        ("王科长", "verify", n, "--by", "王科长", "--on", "2026-09-29", "--lookback", "+2m"),
        ("赵科员", "lookback", n, "--result", "rebound", "--note", "台账又中断",
         "--on", "2026-11-29", "--due", "+10d"),
        ("教育局", "rectify", n, "--evidence", "建立周检制度", "--on", "2026-12-05"),
        ("王科长", "verify", n, "--by", "王科长", "--on", "2026-12-08"),
    ]
    statuses = []
    for actor, *args in walk:
        statuses.append(step(ledger, *args, "--actor", actor)["status"])
    assert statuses == ["rectifying", "rectified", "reopened", "rectified", "verified",
                        "reopened", "rectified", "verified"]
    rec = show(ledger, n)
    assert (rec["status"], rec["light"]) == ("verified", "")
    assert [(h["on"], h["action"], h["status"], h["actor"]) for h in rec["history"]] == [
        ("2026-09-01", "add", "open", "李干事"),
        ("2026-09-05", "plan", "rectifying", "张科长"),
        ("2026-09-20", "rectify", "rectified", "教育局"),
        ("2026-09-22", "verify-fail", "reopened", "王科长"),
        ("2026-09-28", "rectify", "rectified", "教育局"),
        ("2026-09-29", "verify", "verified", "王科长"),
        ("2026-11-29", "lookback", "reopened", "赵科员"),
        ("2026-12-05", "rectify", "rectified", "教育局"),
        ("2026-12-08", "verify", "verified", "王科长"),
    ]
    details = [h["detail"] for h in rec["history"]]
    assert details[3] == "佐证不实" and details[6] == "台账又中断"
    # The look-back was due two months after the verification; the rebound moved the due.
    assert rec["history"][5]["due"] == "2026-10-01"
    assert rec["history"][6]["due"] == "2026-12-09"
    assert (rec["verified_on"], rec["verified_by"], rec["lookback_due"]) == (
        "2026-12-08", "王科长", None)


def test_reopen_a_verified_finding_with_a_new_due(ledger: Runner) -> None:
    add(ledger, "a", "-u", "jyj", "--mode", "immediate", "--on", "2026-09-01")
    step(ledger, "rectify", "1", "--evidence", "e", "--on", "2026-09-02")
    step(ledger, "verify", "1", "--by", "王", "--on", "2026-09-03", "--lookback", "2026-12-01")
    row = step(ledger, "reopen", "1", "--reason", "群众再次反映", "--on", "2026-10-01",
               "--due", "+15d", as_of="2026-10-10")
    assert (row["status"], row["due"], row["light"]) == ("reopened", "2026-10-16", "green")
    hist = show(ledger)["history"]
    assert (hist[-1]["action"], hist[-1]["detail"]) == ("reopen", "群众再次反映")


def test_lookback_ok_keeps_it_verified(ledger: Runner) -> None:
    add(ledger, "a", "-u", "jyj", "--mode", "immediate", "--on", "2026-09-01")
    step(ledger, "rectify", "1", "--evidence", "e", "--on", "2026-09-02")
    step(ledger, "verify", "1", "--by", "王", "--on", "2026-09-03", "--lookback", "+1m")
    row = step(ledger, "lookback", "1", "--result", "ok", "--on", "2026-10-03")
    assert row["status"] == "verified"
    rec = show(ledger)
    assert (rec["lookback_due"], rec["lookback_on"], rec["lookback_result"]) == (
        "2026-10-03", "2026-10-03", "ok")


# --- extensions and accountability -------------------------------------------------------


def test_extension_moves_the_due_date_only_when_approved(ledger: Runner) -> None:
    add(ledger, "a", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-01")  # due 10-01
    r = ledger("finding", "extend", "1", "--to", "2026-10-20", "--reason", "需财政资金",
               "--on", "2026-09-20", "-f", "json")
    assert r.exit_code == 0, r
    assert (r.json()[0]["due"], r.json()[0]["decision"]) == ("2026-10-01", "pending")
    r = ledger("finding", "extend", "1", "--reject", "--by", "张主任", "--on", "2026-09-21",
               "-f", "json")
    assert (r.json()[0]["due"], r.json()[0]["decision"]) == ("2026-10-01", "rejected")
    ledger("finding", "extend", "1", "--to", "2026-10-15", "--reason", "再次申请",
           "--on", "2026-09-25")
    r = ledger("finding", "extend", "1", "--approve", "--by", "张主任", "--on", "2026-09-26",
               "-f", "json")
    assert (r.json()[0]["due"], r.json()[0]["decision"]) == ("2026-10-15", "approved")
    rec = show(ledger)
    assert rec["due"] == "2026-10-15"
    assert [(x["to_date"], x["decision"], x["decided_by"]) for x in rec["extensions"]] == [
        ("2026-10-20", "rejected", "张主任"), ("2026-10-15", "approved", "张主任")]
    assert [h["action"] for h in rec["history"]] == [
        "add", "extend", "extend-reject", "extend", "extend-approve"]


def test_a_second_request_waits_for_the_first_decision(ledger: Runner, db_path: Path) -> None:
    add(ledger, "a", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-01")
    ledger("finding", "extend", "1", "--to", "2026-10-20", "--reason", "x", "--on", "2026-09-20")
    before = snapshot_db(db_path)
    r = ledger("finding", "extend", "1", "--to", "2026-10-25", "--reason", "y",
               "--on", "2026-09-21")
    assert r.exit_code == 2
    assert "already has an extension awaiting a decision" in r.stderr
    r = ledger("finding", "extend", "1", "--approve", "--by", "x", "--reject")
    assert r.exit_code == 2 and "not both" in r.stderr
    assert snapshot_db(db_path) == before


def test_item_extension_and_accountability(ledger: Runner) -> None:
    assert ledger("item", "add", "供热", "-c", "meeting", "--lead", "zjj", "--due", "2026-10-31",
                  "--assigned", "2026-09-01").exit_code == 0
    r = ledger("item", "extend", "1", "--to", "2026-12-31", "--reason", "冬季停工",
               "--on", "2026-10-20", "-f", "json")
    assert r.exit_code == 0, r
    r = ledger("item", "extend", "1", "--approve", "--by", "张市长", "--on", "2026-10-22",
               "-f", "json")
    assert r.json()[0]["due"] == "2026-12-31"
    r = ledger("item", "account", "1", "--who", "住建局分管负责人", "--measure", "约谈",
               "--basis", "实施意见第十条", "--on", "2026-11-02", "-f", "json")
    assert r.exit_code == 0, r
    item = ledger("item", "show", "1", "-f", "json").json()
    assert item["due"] == "2026-12-31"
    assert [(x["old_due"], x["to_date"], x["decision"], x["decided_by"])
            for x in item["extensions"]] == [("2026-10-31", "2026-12-31", "approved", "张市长")]
    assert item["accountability"] == [{"who": "住建局分管负责人", "measure": "约谈",
                                       "basis": "实施意见第十条", "on": "2026-11-02"}]
    log = ledger("item", "account", "-f", "json").json()
    assert log == [{"subject": "item DB-2026-0001", "unit": "zjj", "who": "住建局分管负责人",
                    "measure": "约谈", "basis": "实施意见第十条", "on": "2026-11-02"}]


def test_finding_accountability_is_shown_and_exported(ledger: Runner) -> None:
    add(ledger, "a", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-01")
    r = ledger("finding", "account", "1", "--who", "某校长", "--measure", "通报批评",
               "--basis", "平政办发〔2019〕1号", "--on", "2026-10-05", "-f", "csv")
    assert r.exit_code == 0, r
    rec = show(ledger)
    assert rec["accountability"] == [{"who": "某校长", "measure": "通报批评",
                                      "basis": "平政办发〔2019〕1号", "on": "2026-10-05"}]
    assert rec["history"][-1]["action"] == "account"
    csv = ledger("finding", "account", "-f", "csv").stdout.splitlines()
    assert csv == ["subject,unit,who,measure,basis,on",
                   "finding WT-2026-0001,jyj,某校长,通报批评,平政办发〔2019〕1号,2026-10-05"]


# --- inspections -------------------------------------------------------------------------


def test_finding_from_an_inspection_on_a_target(ledger: Runner, db_path: Path) -> None:
    make_inspection(db_path, ["jyj"])
    r = ledger("finding", "add", "a", "-u", "jyj", "--inspection", "1", "--mode", "immediate",
               "--on", "2026-09-02", "-f", "json")
    assert r.exit_code == 0 and r.stderr == ""
    assert r.json()[0]["inspection"] == "DC-2026-001"
    rows = ledger("finding", "list", "--inspection", "DC-2026-001", "-f", "json").json()
    assert [x["number"] for x in rows] == ["WT-2026-0001"]


def test_finding_on_a_unit_the_inspection_did_not_target_is_recorded_with_a_warning(
        ledger: Runner, db_path: Path) -> None:
    make_inspection(db_path, ["jyj"])
    r = ledger("finding", "add", "a", "-u", "zjj", "--inspection", "DC-2026-001",
               "--mode", "immediate", "--on", "2026-09-02", "-f", "json")
    assert r.exit_code == 0, r
    assert r.stderr.splitlines() == [
        "warning: zjj (平凉市住房和城乡建设局) was not among the targets of inspection "
        "DC-2026-001; the finding was recorded anyway"]
    assert r.json()[0]["unit"] == "zjj"
    assert len(ledger("finding", "list", "-f", "json").json()) == 1


# --- lights ------------------------------------------------------------------------------


def test_finding_list_lights_and_light_filter(ledger: Runner) -> None:
    for text, due in (("red", "2026-11-29"), ("yellow", "2026-12-03"), ("green", "2026-12-04"),
                      ("done", "2026-11-01"), ("claimed", "2026-11-01")):
        add(ledger, text, "-u", "jyj", "--mode", "deadline", "--due", due, "--on", "2026-10-01")
    step(ledger, "rectify", "4", "--evidence", "e", "--on", "2026-10-02")
    step(ledger, "verify", "4", "--by", "王", "--on", "2026-10-03")
    step(ledger, "rectify", "5", "--evidence", "e", "--on", "2026-10-02")
    as_of = ("--as-of", "2026-11-30", "-f", "json")
    rows = ledger("finding", "list", "--all", *as_of).json()
    assert {r["description"]: (r["light"], r["days_overdue"]) for r in rows} == {
        "red": ("red", 1), "yellow": ("yellow", 0), "green": ("green", 0),
        "done": ("", 0), "claimed": ("green", 0)}
    for lit, expect in (("red", ["red"]), ("yellow", ["yellow"]),
                        ("green", ["claimed", "green"]), ("红灯", ["red"])):
        got = ledger("finding", "list", "--all", "--light", lit, *as_of).json()
        assert sorted(r["description"] for r in got) == expect, lit
    assert [r["description"] for r in ledger("finding", "list", "--overdue", *as_of).json()] == \
        ["red"]
    r = ledger("finding", "list", "--light", "blue", *as_of)
    assert r.exit_code == 2 and "unknown light 'blue'" in r.stderr


def test_item_list_lights_and_light_filter(ledger: Runner) -> None:
    for title, due in (("past", "2026-11-29"), ("soon", "2026-12-07"), ("later", "2026-12-08"),
                       ("lagging", "2027-03-01"), ("closed", "2026-11-01")):
        r = ledger("item", "add", title, "-c", "meeting", "--lead", "zjj", "--due", due,
                   "--assigned", "2026-11-01")
        assert r.exit_code == 0, r
    for n in ("1", "2", "3"):
        ledger("item", "progress", n, "进展", "--percent", "90", "--on", "2026-11-20")
    ledger("item", "progress", "4", "进展", "--percent", "5", "--on", "2026-11-20")
    ledger("item", "close", "5", "--on", "2026-11-02")
    as_of = ("--as-of", "2026-11-30", "-f", "json")
    rows = ledger("item", "list", "--all", *as_of).json()
    assert {r["title"]: r["light"] for r in rows} == {
        "past": "red", "soon": "yellow", "later": "green", "lagging": "green", "closed": ""}
    # Lagging: 5% reported with 35 of 120 days (29%) gone is 24 points behind > 20.
    assert ledger("config", "set", "item_lag.margin", "20").exit_code == 0
    rows = ledger("item", "list", "--as-of", "2026-12-06", "-f", "json").json()
    assert {r["title"]: r["light"] for r in rows}["lagging"] == "yellow"
    for lit, expect in (("red", ["past"]), ("yellow", ["soon"]), ("green", ["lagging", "later"])):
        got = ledger("item", "list", "--all", "--light", lit, *as_of).json()
        assert sorted(r["title"] for r in got) == expect, lit


def test_lookback_before_the_verification_date_is_refused(ledger: Runner, db_path: Path) -> None:
    add(ledger, "a", "-u", "jyj", "--mode", "deadline", "--on", "2026-09-01")
    step(ledger, "rectify", "1", "--evidence", "e", "--on", "2026-09-05")
    before = snapshot_db(db_path)
    r = ledger("finding", "verify", "1", "--by", "王", "--on", "2026-09-10",
               "--lookback", "2026-09-09", "-f", "json")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "error: look-back date 2026-09-09 is not after the verification date 2026-09-10; "
        "give a later --lookback, e.g. +3m"]
    assert snapshot_db(db_path) == before


def test_a_finding_dated_before_its_inspection_started_is_refused(
        ledger: Runner, db_path: Path) -> None:
    make_inspection(db_path, ["jyj"], start=date(2026, 9, 10))
    before = snapshot_db(db_path)
    r = ledger("finding", "add", "a", "-u", "jyj", "--inspection", "1", "--mode", "immediate",
               "--on", "2026-09-09", "-f", "json")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "error: the finding is dated 2026-09-09, before inspection DC-2026-001 started "
        "(2026-09-10); give --on 2026-09-10 or later"]
    assert snapshot_db(db_path) == before


def test_a_finding_about_an_item(ledger: Runner) -> None:
    assert ledger("item", "add", "供热", "-c", "meeting", "--lead", "zjj", "--due", "+30d",
                  "--assigned", "2026-09-01").exit_code == 0
    row = add(ledger, "管网漏损", "-u", "zjj", "--item", "DB-2026-0001", "--mode", "deadline",
              "--on", "2026-09-05")
    assert (row["item"], row["inspection"]) == ("DB-2026-0001", None)
    assert [r["number"] for r in ledger("finding", "list", "--item", "1", "-f", "json").json()] \
        == ["WT-2026-0001"]
    assert ledger("finding", "list", "--unit", "jyj", "-f", "json").json() == []
