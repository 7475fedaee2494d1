"""`duchá plan ...` and `plan quota ...` through the command line."""

from __future__ import annotations

from pathlib import Path

from conftest import Runner

AS_OF = ("--as-of", "2019-12-31")


def add(cli: Runner, title: str, year: int, *extra: str) -> dict:
    r = cli("plan", "add", title, "--year", str(year), "--organizer", "fgw", "--kind", "special",
            *extra, *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    return r.json()[0]


def check(cli: Runner, *extra: str) -> tuple[int, list[dict]]:
    r = cli("check", *extra, *AS_OF, "-f", "json")
    assert r.exit_code in (0, 1), r
    return r.exit_code, r.json()


def test_plan_add_list_show(ledger: Runner) -> None:
    r = ledger("plan", "add", "营商环境专项督查", "--year", "2026", "--organizer", "发改",
               "--kind", "专项", "--method", "实地", "-t", "kongtong", "-t", "jingchuan",
               "--from", "2026-03", "--to", "2026年4月", "--as-of", "2026-01-05", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json() == [{
        "number": "JH-2026-001", "year": 2026, "organizer": "fgw", "title": "营商环境专项督查",
        "kind": "special", "method": "on-site", "targets": "jingchuan;kongtong",
        "start": "2026-03-01", "end": "2026-04-30", "planned": True, "approved_on": None,
        "status": "planned"}]
    # A month alone is the whole month.
    r = ledger("plan", "add", "教育督导", "--year", "2026", "--organizer", "jyj", "--kind",
               "assessment", "--from", "2026-05", "-f", "json")
    assert (r.json()[0]["start"], r.json()[0]["end"]) == ("2026-05-01", "2026-05-31")
    rows = ledger("plan", "list", "--organizer", "jyj", "-f", "json").json()
    assert [x["number"] for x in rows] == ["JH-2026-002"]
    rec = ledger("plan", "show", "1", "-f", "json").json()
    assert rec["targets"] == "jingchuan;kongtong" and rec["inspections"] == []


def test_quota_arithmetic_of_the_seed(ledger: Runner) -> None:
    """2018 with 12 entries and a 50% reduction allows 6 in 2019; a 7th fails check."""
    for k in range(12):
        add(ledger, f"2018年督查{k}", 2018)
    r = ledger("plan", "quota", "set", "2019", "--reduction", "50%", *AS_OF, "-f", "json")
    assert r.exit_code == 0, r
    assert r.json() == [{"year": 2019, "baseline": 12, "reduction": "50%", "allowed": 6,
                         "used": 0, "headroom": 6}]
    for k in range(6):
        add(ledger, f"2019年督查{k}", 2019)
    assert check(ledger, "--rule", "plan-quota") == (0, [])
    r = ledger("plan", "add", "第七项", "--year", "2019", "--organizer", "fgw", "--kind",
               "special", *AS_OF, "-f", "json")
    assert r.exit_code == 0, r  # recorded, with a warning
    assert "JH-2019-007 puts 2019 over its quota: 7 entries, 6 allowed" in r.stderr
    code, rows = check(ledger)
    assert code == 1
    assert rows == [{"rule": "plan-quota", "level": "error", "subject": "quota 2019", "unit": "",
                     "message": "2019 plan has 7 entries, 1 over the allowed 6: cancel or "
                     "merge 1", "light": "red"}]
    shown = ledger("plan", "quota", "show", "-f", "json").json()
    assert shown[0]["used"] == 7 and shown[0]["headroom"] == -1
    r = ledger("plan", "cancel", "JH-2019-007", "--reason", "并入联合督查", *AS_OF, "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["status"] == "cancelled"
    assert check(ledger) == (0, [])


def test_quota_max_and_baseline(ledger: Runner) -> None:
    r = ledger("plan", "quota", "set", "2026", "--reduction", "0.3", "--baseline", "20",
               "-f", "json")
    assert r.json()[0]["allowed"] == 14 and r.json()[0]["baseline"] == 20
    r = ledger("plan", "quota", "set", "2026", "--max", "0", "-f", "json")
    assert r.json()[0]["allowed"] == 0 and r.json()[0]["reduction"] is None
    assert ledger("plan", "quota", "show", "2027", "-f", "json").json()[0]["allowed"] is None


def test_unplanned_entry_approval(ledger: Runner) -> None:
    r = ledger("plan", "add", "临时督查", "--year", "2026", "--organizer", "zjj", "--kind",
               "special", "--unplanned", "--as-of", "2026-05-01", "-f", "json")
    assert r.json()[0]["planned"] is False
    assert "plan approve JH-2026-001" in r.stderr
    r = ledger("plan", "approve", "JH-2026-001", "--by", "张市长", "--on", "2026-05-06",
               "--ref", "平政办〔2026〕12号", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["approved_on"] == "2026-05-06"
    assert r.json()[0]["approval_ref"] == "平政办〔2026〕12号"
    log = ledger("plan", "approve", "1", "--by", "x", "--on", "2026-05-07", "--ref", "y")
    assert log.exit_code == 2 and "already approved on 2026-05-06" in log.stderr


def test_plan_events_carry_full_snapshots(ledger: Runner, db_path: Path) -> None:
    import json
    import sqlite3

    add(ledger, "营商环境", 2026, "-t", "kongtong")
    ledger("plan", "cancel", "1", "--reason", "合并", "-f", "json")
    ledger("plan", "quota", "set", "2026", "--max", "3", "-f", "json")
    con = sqlite3.connect(db_path)
    rows = con.execute("SELECT action, subject_table, subject, before, after FROM event "
                       "WHERE subject_table IN ('plan', 'quota') ORDER BY id").fetchall()
    con.close()
    assert [r[:3] for r in rows] == [("add", "plan", "JH-2026-001"),
                                     ("cancel", "plan", "JH-2026-001"),
                                     ("set", "quota", "2026")]
    after = json.loads(rows[1][4])
    assert after["status"] == "cancelled" and after["targets"] == ["kongtong"]
    assert json.loads(rows[1][3])["status"] == "planned"
    assert json.loads(rows[2][4]) == {"year": 2026, "max_count": 3, "reduction": None,
                                      "baseline": None}


def test_dashboard_quota_is_the_quota_show_answer(ledger: Runner) -> None:
    """One answer for the allowed count: 10 × (1 − 0.9) is 1, not the 0 that float
    arithmetic gives without rounding, in `plan quota show` and `report status` alike."""
    assert ledger("plan", "quota", "set", "2026", "--reduction", "90%", "--baseline",
                  "10").exit_code == 0
    shown = ledger("plan", "quota", "show", "2026", "-f", "json").json()
    dash = ledger("--as-of", "2026-06-01", "report", "status", "-f", "json").json()
    assert shown[0]["allowed"] == 1
    assert dash["quota"] == [{"year": 2026, "allowed": 1, "used": 0, "headroom": 1}]
