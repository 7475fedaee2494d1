"""`duchá report ...`: overdue (cron), weekly (reproducible), status, units, inspection."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from conftest import Runner

ITEMS = (
    "number,title,category,lead_unit,units,assigned,due,status,closed_on\n"
    "DB-2026-0001,供热管网改造,meeting,fgw,kongtong,2026-09-01,2026-11-20,,\n"
    "DB-2026-0002,老旧小区改造,target,kongtong,,2026-10-01,2026-12-01,,\n"
    "DB-2026-0003,减税降费,policy,jyj,,2026-10-01,2026-12-31,,\n"
    "DB-2026-0004,学位供给,proposal,jyj,,2026-10-01,2026-11-01,done,2026-10-30\n"
)
INSPECTIONS = (
    "lead,members,method,topic,targets,items,start,end\n"
    "fgw,jyj,on-site,供热保障,\"kongtong;jingchuan\",DB-2026-0001,2026-11-02,2026-11-05\n"
    "zjj,,written,供热保障书面督查,kongtong,,2026-11-10,2026-11-12\n"
)
FINDINGS = (
    "inspection,unit,description,mode,found_on,due,status,plan_on,rectified_on,verified_on\n"
    "DC-2026-001,kongtong,管网漏损严重,deadline,2026-11-05,2026-11-10,,,,\n"
    "DC-2026-001,jingchuan,台账不全,immediate,2026-11-05,2026-11-30,rectifying,2026-11-08,,\n"
    "DC-2026-001,jingchuan,储煤不足,deadline,2026-10-20,2026-11-01,,,2026-10-31,2026-11-02\n"
    "DC-2026-002,kongtong,\"应急预案缺失|待补\",long-term,2026-11-12,2026-12-20,,,,\n"
    "DC-2026-002,kongtong,整改不到位,deadline,2026-11-12,2026-12-25,重新整改,,,\n"
)


def load(cli: Runner, tmp_path: Path, **files: str) -> None:
    for table, text in files.items():
        f = tmp_path / f"{table}.csv"
        f.write_text(text, encoding="utf-8")
        r = cli("import", table, str(f), "-f", "csv", "--as-of", "2026-11-28")
        assert r.exit_code == 0, r


def office(cli: Runner, tmp_path: Path) -> None:
    load(cli, tmp_path, items=ITEMS, inspections=INSPECTIONS, findings=FINDINGS)
    r = cli("item", "progress", "1", "完成招标", "--on", "2026-11-15", "-f", "csv")
    assert r.exit_code == 0, r


def test_overdue_rows_lights_and_order(ledger: Runner, tmp_path: Path) -> None:
    office(ledger, tmp_path)
    r = ledger("report", "overdue", "-f", "json", "--as-of", "2026-11-28")
    assert r.exit_code == 0, r
    assert [(x["kind"], x["number"], x["unit"], x["days_overdue"], x["light"], x["status"],
             x["last_progress"]) for x in r.json()] == [
        ("finding", "WT-2026-0001", "kongtong", 18, "red", "open", None),
        ("item", "DB-2026-0001", "fgw", 8, "red", "open", "2026-11-15"),
        ("finding", "WT-2026-0002", "jingchuan", -2, "yellow", "rectifying", "2026-11-08"),
        ("item", "DB-2026-0002", "kongtong", -3, "yellow", "open", None),
        # Due in 33 days but 64% of its time gone with nothing reported: yellow by item-lag,
        # as `item list` shows it.
        ("item", "DB-2026-0003", "jyj", -33, "yellow", "open", None),
    ]
    only = ledger("report", "overdue", "-f", "json", "--as-of", "2026-11-28", "--unit", "崆峒",
                  "--kind", "item", "--min-days", "-5").json()
    # An item counts for a unit it leads or shares (kongtong shares DB-2026-0001).
    assert [x["number"] for x in only] == ["DB-2026-0001", "DB-2026-0002"]
    red = ledger("report", "overdue", "-f", "json", "--as-of", "2026-11-28", "--min-days", "1")
    assert [x["number"] for x in red.json()] == ["WT-2026-0001", "DB-2026-0001"]


def test_overdue_csv_pipes_into_python(ledger: Runner, tmp_path: Path, db_path: Path) -> None:
    office(ledger, tmp_path)
    env = {**os.environ, "DUCHA_DB": str(db_path)}
    reader = ("import csv,sys; rows=list(csv.DictReader(sys.stdin)); "
              "print(len(rows), rows[0]['number'], rows[0]['days_overdue'], rows[0]['title'])")
    cmd = (f"{sys.executable} -m duchá report overdue -f csv --as-of 2026-11-28 | "
           f"{sys.executable} -c \"{reader}\"")
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5 WT-2026-0001 18 管网漏损严重"


def test_fail_on_exit_codes_both_ways(ledger: Runner, tmp_path: Path) -> None:
    office(ledger, tmp_path)
    r = ledger("report", "overdue", "--fail-on", "red", "-f", "csv", "--as-of", "2026-11-28")
    assert r.exit_code == 1
    assert len(list(csv.DictReader(io.StringIO(r.stdout)))) == 5  # the rows still come out
    r = ledger("report", "overdue", "--fail-on", "red", "-f", "csv", "--as-of", "2026-11-01")
    assert r.exit_code == 0, r
    # Nothing is past due yet; the three items behind their 序时进度 are yellow.
    assert r.stdout.startswith("kind,number,title,unit,due,days_overdue,light,status,"
                               "last_progress\n")
    assert {x["light"] for x in csv.DictReader(io.StringIO(r.stdout))} == {"yellow"}
    # On 11-18 DB-2026-0001 (due 11-20) is yellow, not red.
    args = ("report", "overdue", "--kind", "item", "-f", "csv", "--as-of", "2026-11-18")
    assert ledger(*args, "--fail-on", "red").exit_code == 0
    assert ledger(*args, "--fail-on", "yellow").exit_code == 1
    bad = ledger(*args, "--fail-on", "orange")
    assert bad.exit_code == 2
    assert "--fail-on takes red or yellow" in bad.stderr


def weekly(cli: Runner, as_of: str, *extra: str) -> tuple[str, list[dict]]:
    md = cli("report", "weekly", "--week", "2026-W48", "--as-of", as_of, *extra)
    assert md.exit_code == 0, md
    rows = cli("report", "weekly", "--week", "2026-W48", "--as-of", as_of, "-f", "json", *extra)
    assert rows.exit_code == 0, rows
    return md.stdout, rows.json()


def test_weekly_report_for_a_past_week_is_the_same_after_later_edits(
        ledger: Runner, tmp_path: Path) -> None:
    load(ledger, tmp_path, items=(
        "number,title,category,lead_unit,assigned,due\n"
        "DB-2026-0001,新交办供热任务,instruction,fgw,2026-11-24,2026-12-03\n"
        "DB-2026-0002,老旧小区改造,target,kongtong,2026-10-01,2026-11-25\n"
        "DB-2026-0003,减税降费,policy,jyj,2026-10-01,2026-12-31\n"),
        findings=("unit,description,mode,found_on,due\n"
                  "kongtong,储煤不足,deadline,2026-11-25,2026-12-25\n"))
    assert ledger("item", "close", "3", "--on", "2026-11-26", "--as-of", "2026-11-26",
                  "-f", "csv").exit_code == 0
    md, rows = weekly(ledger, "2026-11-29")
    assert [(x["section"], x["number"]) for x in rows] == [
        ("registered", "DB-2026-0001"), ("registered", "WT-2026-0001"),
        ("closed", "DB-2026-0003"), ("overdue", "DB-2026-0002"),
        ("due_next_week", "DB-2026-0001"),
    ]
    assert md.startswith("# 督查工作周报 2026-W48（2026-11-23 至 2026-11-29）\n")
    assert "| 新增逾期 (newly_overdue) | 1 |" in md
    # The ledger moves on: the overdue item is closed, a due date moves, the closed item
    # reopens, new work arrives.
    later = ("--as-of", "2026-12-03", "-f", "csv")
    for args in (("item", "close", "2"), ("item", "edit", "1", "--due", "2027-01-31"),
                 ("item", "reopen", "3"),
                 ("item", "add", "新事项", "-c", "meeting", "--lead", "fgw", "--due", "+10d",
                  "--assigned", "2026-12-02"),
                 ("item", "progress", "1", "已开工")):
        r = ledger(*args, *later)
        assert r.exit_code == 0, r
    load(ledger, tmp_path, findings="unit,description,mode,found_on\nzjj,新问题,immediate,"
         "2026-12-01\n")
    assert weekly(ledger, "2026-12-05") == (md, rows)
    # ... while the week of the edits reports them.
    w49 = ledger("report", "weekly", "--week", "2026-W49", "--as-of", "2026-12-05",
                 "-f", "json").json()
    assert ("reopened", "DB-2026-0003") in [(x["section"], x["number"]) for x in w49]
    assert ("closed", "DB-2026-0002") in [(x["section"], x["number"]) for x in w49]


def test_weekly_defaults_to_the_as_of_week_and_rejects_bad_weeks(ledger: Runner) -> None:
    r = ledger("report", "weekly", "--as-of", "2026-01-01")
    assert r.exit_code == 0, r
    assert r.stdout.startswith("# 督查工作周报 2026-W01（2025-12-29 至 2027-01-04）".replace(
        "2027-01-04", "2026-01-04"))
    r = ledger("report", "weekly", "--week", "2026-W60", "--as-of", "2026-01-01")
    assert r.exit_code == 2
    assert "2026 has no ISO week 60" in r.stderr


def test_status_numbers(ledger: Runner, tmp_path: Path) -> None:
    office(ledger, tmp_path)
    data = ledger("report", "status", "-f", "json", "--as-of", "2026-11-28").json()
    by = {(x["kind"], x["status"]): x for x in data["by_status"]}
    # DB-2026-0003 lags its 序时进度: yellow here as in `item list` and `report overdue`.
    assert by[("item", "open")] == {"kind": "item", "status": "open", "count": 3, "red": 1,
                                    "yellow": 2, "green": 0}
    assert by[("finding", "verified")]["count"] == 1
    assert (by[("finding", "open")]["red"], by[("finding", "rectifying")]["yellow"]) == (1, 1)
    assert data["red_units"] == [
        {"unit": "fgw", "name": "平凉市发展和改革委员会", "red_items": 1, "red_findings": 0,
         "red": 1},
        {"unit": "kongtong", "name": "平凉市崆峒区人民政府", "red_items": 0, "red_findings": 1,
         "red": 1}]
    assert data["quota"] == [{"year": 2026, "allowed": None, "used": 0, "headroom": None}]
    table = ledger("report", "status", "-f", "table", "--as-of", "2026-11-28")
    assert table.exit_code == 0, table
    assert "督办事项 items" in table.stdout and "█" in table.stdout


def test_unit_scoreboard(ledger: Runner, tmp_path: Path) -> None:
    office(ledger, tmp_path)
    rows = {x["unit"]: x for x in ledger("report", "units", "-f", "json", "--as-of",
                                         "2026-11-28").json()}
    k = rows["kongtong"]
    assert (k["items_open"], k["findings_open"], k["findings_overdue"], k["findings_reopened"],
            k["inspections"], k["organizers"]) == (1, 3, 1, 1, 2, 3)
    assert rows["jingchuan"]["findings_reopened"] == 0
    j = rows["jingchuan"]
    assert (j["findings_verified"], j["findings_on_time"], j["inspections"],
            j["organizers"]) == (1, 1, 1, 2)
    assert rows["jyj"]["items_on_time"] == 1 and rows["jyj"]["on_time_rate"] == 100.0
    assert rows["fgw"]["on_time_rate"] == 0.0


def test_inspection_report_draft(ledger: Runner, tmp_path: Path) -> None:
    office(ledger, tmp_path)
    md = ledger("report", "inspection", "DC-2026-001", "--as-of", "2026-11-28")
    assert md.exit_code == 0, md
    text = md.stdout
    assert text.startswith("# 关于供热保障的督查情况报告（草稿）\n")
    assert "- 督查单位：平凉市发展和改革委员会、平凉市教育局" in text
    assert "- 督查方式：实地督查" in text
    # A document is Chinese whatever the locale (issue 12); --lang en shows the codes.
    assert "| DB-2026-0001 | 供热管网改造 | 2026-11-20 | 在办 |" in text
    en = ledger("--lang", "en", "report", "inspection", "1", "--as-of", "2026-11-28").stdout
    assert "| DB-2026-0001 | 供热管网改造 | 2026-11-20 | open |" in en
    assert "| WT-2026-0002 | 台账不全 | general | immediate | 2026-11-30 | rectifying |" in en
    assert "### （1）泾川县人民政府（2 个问题）" in text
    assert "| WT-2026-0002 | 台账不全 | 一般 | 立行立改 | 2026-11-30 | 整改中 |" in text
    assert "已有1个问题超过整改时限" in text
    data = ledger("report", "inspection", "1", "-f", "json", "--as-of", "2026-11-28").json()
    assert [f["number"] for f in data["findings"]] == ["WT-2026-0002", "WT-2026-0003",
                                                       "WT-2026-0001"]
    two = ledger("report", "inspection", "2", "--as-of", "2026-11-28").stdout
    assert "应急预案缺失\\|待补" in two  # a pipe in stored text cannot break the table
    missing = ledger("report", "inspection", "DC-2026-009", "--as-of", "2026-11-28")
    assert missing.exit_code == 2
    assert "no inspection DC-2026-009" in missing.stderr


def test_demo_ends_with_where_the_sample_is_and_what_to_try(cli: Runner,
                                                            tmp_path: Path) -> None:
    sample = tmp_path / "demo.db"
    r = cli("demo", "--as-of", "2026-11-30", "-f", "csv", db=sample)
    assert r.exit_code == 0, r
    assert r.stdout.startswith("section,category,name,open,overdue,done,cancelled,total,")
    lines = r.stderr.splitlines()
    assert lines[0] == f"sample ledger: {sample} (as of 2026-11-30)"
    tries = [x.strip() for x in lines[lines.index("try:") + 1:]]
    assert len(tries) == 3
    for line in tries:
        assert line.startswith(f"duchá --db {sample} ")
        args = line.split()[3:]
        if "xlsx" in args:
            args[args.index("-o") + 1] = str(tmp_path / "demo.xlsx")
        ran = cli(*args, "-f", "csv" if "xlsx" not in args else "xlsx", db=sample)
        assert ran.exit_code in (0, 1), ran  # --fail-on red exits 1 on the sample


def test_weekly_in_other_formats_and_to_a_file(ledger: Runner, tmp_path: Path) -> None:
    office(ledger, tmp_path)
    target = tmp_path / "周报.md"
    r = ledger("report", "weekly", "--week", "2026-W45", "--as-of", "2026-11-28", "-o",
               str(target))
    assert r.exit_code == 0, r
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 督查工作周报 2026-W45（2026-11-02 至 2026-11-08）")
    assert "| 问题 | WT-2026-0001 | 管网漏损严重 | 崆峒区 | 2026-11-05 |" in text
    assert ledger("report", "weekly", "--week", "2026-W45", "--as-of", "2026-11-28",
                  "-f", "markdown").stdout == text
    rows = ledger("report", "weekly", "--week", "2026-11-03", "--as-of", "2026-11-28", "-f",
                  "csv").stdout.splitlines()
    assert rows[0] == "section,kind,number,title,unit,date,due,status,days_overdue,new"
    assert "verified,finding,WT-2026-0003,储煤不足,jingchuan,2026-11-02,2026-11-01,verified,," \
        in rows


def test_weekly_shows_unit_codes_as_they_were_that_week(ledger: Runner) -> None:
    def weekly(week: str) -> set[tuple[str, str]]:
        r = ledger("report", "weekly", "--week", week, "--as-of", "2026-11-30", "-f", "json")
        assert r.exit_code == 0, r
        return {(row["number"], row["unit"]) for row in r.json()
                if row["section"] == "registered"}

    r = ledger("item", "add", "供热", "-c", "meeting", "--lead", "fgw", "--due", "+30d",
               "--as-of", "2026-11-03")
    assert r.exit_code == 0, r
    for new, on in (("fzggw", "2026-11-18"), ("fgj", "2026-11-25")):
        r = ledger("unit", "edit", "fgw" if new == "fzggw" else "fzggw", "--code", new,
                   "--as-of", on)
        assert r.exit_code == 0, r
    assert weekly("2026-W45") == {("DB-2026-0001", "fgw")}
    r = ledger("item", "add", "管网", "-c", "meeting", "--lead", "fgj", "--due", "+30d",
               "--as-of", "2026-11-26")
    assert weekly("2026-W48") == {("DB-2026-0002", "fgj")}
