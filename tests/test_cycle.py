"""The weekly cycle with the units (issue 14): feedback forms out (`form out`) and back
(`form in`), who is late (`form status`, feedback-missing), and reminders that escalate
(`remind`: 催办, 督办, then the 通报 list; reminder-ignored; `report units`).

The forms are made by `form out` and filled in with openpyxl as a unit would; every command
runs through the command line against a real ledger file."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook

from conftest import DEMO_AS_OF, Runner, demo_copy, snapshot_db
from duchá import rules

# The story's dates: Monday 2026-11-23 the forms go out, due back Thursday 11-26.
ISSUED, DUE = "2026-11-23", "2026-11-26"
FORMS = {"fgw": "FK-2026-001-01", "jyj": "FK-2026-001-02", "kongtong": "FK-2026-001-03"}
# The columns of a form, as `form out` writes them (row 5 is the header).
COLUMN = {"number": "A", "progress": "F", "percent": "G", "claim": "H", "done_on": "I",
          "evidence": "J", "coordination": "K"}


def ok(run: Runner, *args: str, code: int = 0) -> Any:
    r = run(*args)
    assert r.exit_code == code, r
    return r


@pytest.fixture
def city(ledger: Runner) -> Runner:
    """Three items and a finding: fgw leads one that kongtong shares, kongtong leads one due
    2026-11-10, jyj leads one; a finding at kongtong due 2026-11-20."""
    for args in (
        ("item", "add", "推进城区供热管网改造", "-c", "meeting", "--lead", "fgw", "-u", "kongtong",
         "--assigned", "2026-10-01", "--due", "2026-12-31"),
        ("item", "add", "老旧小区改造", "-c", "target", "--lead", "kongtong",
         "--assigned", "2026-10-01", "--due", "2026-11-10"),
        ("item", "add", "校园安全专项整治", "-c", "assigned", "--lead", "jyj",
         "--assigned", "2026-10-01", "--due", "2026-12-31"),
        ("finding", "add", "投诉办理不及时", "-u", "kongtong", "--mode", "deadline",
         "--on", "2026-10-15", "--due", "2026-11-20"),
    ):
        ok(ledger, *args, "--as-of", "2026-10-15", "-f", "csv")
    return ledger


def send(run: Runner, folder: Path) -> dict[str, Path]:
    r = ok(run, "form", "out", "--due", DUE, "-o", str(folder), "--as-of", ISSUED, "-f", "json")
    return {row["unit"]: Path(row["file"]) for row in r.json()}


def fill(form: Path, answers: dict[str, dict[str, Any]], out: Path,
         numbers: dict[str, str] | None = None) -> Path:
    """Fill a form in as a unit would: answers by record number, in the unit's columns;
    `numbers` changes a row's 编号 (what a careless unit could do)."""
    wb = load_workbook(form)
    ws = wb["反馈表"]
    for row in range(6, ws.max_row + 1):
        number = ws[f"A{row}"].value
        for key, value in answers.get(number, {}).items():
            ws[f"{COLUMN[key]}{row}"] = value
        if numbers and number in numbers:
            ws[f"A{row}"] = numbers[number]
    wb.save(out)
    return out


KONGTONG = {
    "DB-2026-0001": {"progress": "完成管网招标", "percent": 40},
    "DB-2026-0002": {"progress": "改造全部完成", "percent": 100, "claim": "是",
                     "done_on": date(2026, 11, 24), "evidence": "竣工验收单"},
    "WT-2026-0001": {"progress": "已建立投诉台账", "coordination": "需住建部门配合清理积案"},
}


def test_a_form_is_one_units_running_work_locked_and_identified(city: Runner,
                                                                 tmp_path: Path) -> None:
    files = send(city, tmp_path / "反馈表")
    assert set(files) == set(FORMS) and all(p.exists() for p in files.values())
    wb = load_workbook(files["kongtong"])
    ws = wb["反馈表"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    # The round and the unit are identified inside the file, in cells and properties.
    assert rows[1][:8] == ["表号", FORMS["kongtong"], "轮次", "FK-2026-001", "填报单位",
                           "平凉市崆峒区人民政府", "单位代码", "kongtong"]
    assert rows[2][:4] == ["下发日期", ISSUED, "反馈截止", DUE]
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props == {"ducha.form": FORMS["kongtong"], "ducha.round": "FK-2026-001",
                     "ducha.unit": "kongtong"}
    assert rows[4] == ["编号", "事项/问题", "落实时限", "灯", "最近进展", "本期进展", "完成进度(%)",
                       "申请办结（是/否）", "完成日期", "佐证材料", "需协调解决的问题"]
    # Its running work, items (led or shared) then findings, by due date, each with its
    # light (the shared item is yellow: behind its schedule, 序时进度).
    assert [r[:4] for r in rows[5:]] == [
        ["DB-2026-0002", "老旧小区改造", "2026-11-10", "红灯"],
        ["DB-2026-0001", "推进城区供热管网改造", "2026-12-31", "黄灯"],
        ["WT-2026-0001", "投诉办理不及时", "2026-11-20", "红灯"]]
    # Structure protected without a password: the office's columns locked, the unit's open.
    assert ws.protection.sheet and not ws.protection.password
    assert all(ws[f"{c}6"].protection.locked for c in "ABCDE")
    assert not any(ws[f"{c}6"].protection.locked for c in "FGHIJK")
    assert sorted(str(dv.sqref) for dv in ws.data_validations.dataValidation) == [
        "G6:G8", "H6:H8", "I6:I8"]
    # The round is recorded: issued, due, one form per unit.
    status = ok(city, "form", "status", "--as-of", ISSUED, "-f", "json").json()
    assert [(f["form"], f["unit"], f["records"], f["issued_on"], f["due"], f["state"])
            for f in status["forms"]] == [
        (FORMS["fgw"], "fgw", 1, ISSUED, DUE, "waiting"),
        (FORMS["jyj"], "jyj", 1, ISSUED, DUE, "waiting"),
        (FORMS["kongtong"], "kongtong", 3, ISSUED, DUE, "waiting")]


def test_round_trip_records_progress_lists_the_claim_and_closes_nothing(
        city: Runner, db_path: Path, tmp_path: Path) -> None:
    files = send(city, tmp_path / "反馈表")
    filled = fill(files["kongtong"], KONGTONG, tmp_path / "崆峒区反馈.xlsx")
    r = ok(city, "form", "in", str(filled), "--as-of", "2026-11-25", "-f", "json")
    data = r.json()
    (read,) = data["forms"]
    assert (read["form"], read["unit"], read["returned_on"], read["state"], read["answers"],
            read["recorded"], read["unchanged"], read["claimed"], read["flagged"]) == (
        FORMS["kongtong"], "kongtong", "2026-11-25", "returned", 3, 3, 0, 1, 1)
    # The claim is listed with what confirms it; the coordination note is flagged.
    assert [(c["number"], c["done_on"], c["evidence"], c["confirm"]) for c in data["claims"]] == [
        ("DB-2026-0002", "2026-11-24", "竣工验收单",
         "duchá item close DB-2026-0002 --on 2026-11-24")]
    assert [(n["number"], n["flag"], n["coordination"]) for n in data["coordination"]] == [
        ("WT-2026-0001", "需协调", "需住建部门配合清理积案")]
    # Progress recorded on the return date, as notes typed by the clerk would be: on the
    # item it leads with its percent, on the one it shares under its name.
    shown = ok(city, "item", "show", "DB-2026-0002", "-f", "json").json()
    assert shown["progress"][-1] == {"on": "2026-11-25", "text": "改造全部完成", "percent": 100}
    shown = ok(city, "item", "show", "DB-2026-0001", "-f", "json").json()
    assert shown["progress"][-1] == {"on": "2026-11-25", "text": "崆峒区：完成管网招标",
                                     "percent": None}
    assert (shown["feedback"][0]["form"], shown["feedback"][0]["percent"]) == (
        FORMS["kongtong"], 40)
    # Never closed by a form: the claimed item and the finding are still open.
    claimed = ok(city, "item", "show", "DB-2026-0002", "-f", "json").json()
    assert claimed["status"] == "open" and claimed["closed_on"] is None
    assert claimed["feedback"][0]["claim"] is True
    finding = ok(city, "finding", "show", "WT-2026-0001", "-f", "json").json()
    assert finding["status"] == "open"
    assert finding["feedback"][0]["flag"] == "需协调"
    assert finding["history"][-1]["action"] == "feedback"
    # form status: kongtong back on time, the others still out; the claim awaits the clerk.
    status = ok(city, "form", "status", "--as-of", "2026-11-25", "-f", "json").json()
    assert [f["state"] for f in status["forms"]] == ["waiting", "waiting", "returned"]
    assert status["claims"][0]["confirm"] == "duchá item close DB-2026-0002 --on 2026-11-24"
    assert status["coordination"][0]["coordination"] == "需住建部门配合清理积案"
    assert ok(city, "verify", "-f", "csv").exit_code == 0
    # The clerk checks and confirms: then the claim needs nothing more.
    ok(city, "item", "close", "DB-2026-0002", "--on", "2026-11-24", "-f", "csv")
    status = ok(city, "form", "status", "--as-of", "2026-11-26", "-f", "json").json()
    assert (status["claims"][0]["status"], status["claims"][0]["confirm"]) == ("done", "")
    del db_path


def test_reading_the_same_form_again_records_nothing(city: Runner, db_path: Path,
                                                     tmp_path: Path) -> None:
    files = send(city, tmp_path / "反馈表")
    filled = fill(files["kongtong"], KONGTONG, tmp_path / "崆峒区反馈.xlsx")
    ok(city, "form", "in", str(filled), "--as-of", "2026-11-25", "-f", "csv")
    before = snapshot_db(db_path)
    r = ok(city, "form", "in", str(filled), "--as-of", "2026-11-27", "-f", "json")
    (read,) = r.json()["forms"]
    assert (read["recorded"], read["unchanged"], read["returned_on"]) == (0, 3, "2026-11-25")
    assert r.json()["claims"] == []
    assert "nothing new recorded" in r.stderr
    assert snapshot_db(db_path) == before
    # A unit's corrected form records only what changed.
    changed = {**KONGTONG, "DB-2026-0001": {"progress": "完成管网招标", "percent": 55}}
    again = fill(files["kongtong"], changed, tmp_path / "崆峒区反馈-更正.xlsx")
    (read,) = ok(city, "form", "in", str(again), "--as-of", "2026-11-27", "-f",
                 "json").json()["forms"]
    assert (read["recorded"], read["unchanged"]) == (1, 2)


def test_a_form_carrying_another_units_number_is_refused_and_records_nothing(
        city: Runner, db_path: Path, tmp_path: Path) -> None:
    files = send(city, tmp_path / "反馈表")
    good = fill(files["kongtong"], KONGTONG, tmp_path / "崆峒区反馈.xlsx")
    # jyj's form, with kongtong's item number typed over its own row.
    bad = fill(files["jyj"], {"DB-2026-0003": {"progress": "完成排查"}}, tmp_path / "教育局.xlsx",
               numbers={"DB-2026-0003": "DB-2026-0002"})
    before = snapshot_db(db_path)
    r = city("form", "in", str(good), str(bad), "--as-of", "2026-11-25")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: {bad}: row 6: DB-2026-0002 is not on this form "
                               f"(form {FORMS['jyj']} of jyj) but an item of kongtong")
    assert "nothing was recorded" in r.stderr
    assert snapshot_db(db_path) == before  # not even the good form


def test_every_row_is_checked_and_the_error_names_file_and_row(city: Runner, db_path: Path,
                                                              tmp_path: Path) -> None:
    files = send(city, tmp_path / "反馈表")
    bad = fill(files["kongtong"], {
        "DB-2026-0002": {"progress": "进行中", "percent": 140},
        "DB-2026-0001": {"claim": "也许"},
        "WT-2026-0001": {"progress": "完成", "done_on": "2026-11-24"},
    }, tmp_path / "崆峒区.xlsx")
    before = snapshot_db(db_path)
    r = city("form", "in", str(bad), "--as-of", "2026-11-25")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    for said in ("row 6 (DB-2026-0002): 完成进度 '140' is not a whole number from 0 to 100",
                 "row 7 (DB-2026-0001): 申请办结 '也许' is not 是 or 否",
                 "row 8 (WT-2026-0001): 完成日期 given but 申请办结 is not 是"):
        assert said in r.stderr, r.stderr
    assert r.stderr.startswith(f"error: {bad}: ")
    assert snapshot_db(db_path) == before
    future = fill(files["kongtong"], {"DB-2026-0002": {"progress": "完成", "claim": "是",
                                                       "done_on": "2026-12-01"}},
                  tmp_path / "崆峒区2.xlsx")
    r = city("form", "in", str(future), "--as-of", "2026-11-25")
    assert r.exit_code == 2 and "is after the day the form came back (2026-11-25)" in r.stderr


def test_a_returned_form_saved_as_csv_reads_the_same(city: Runner, tmp_path: Path) -> None:
    files = send(city, tmp_path / "反馈表")
    filled = fill(files["kongtong"], KONGTONG, tmp_path / "崆峒区反馈.xlsx")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in load_workbook(filled)["反馈表"].iter_rows(values_only=True):
        writer.writerow(["" if v is None else v.date().isoformat() if hasattr(v, "date")
                         else v for v in row])
    saved = tmp_path / "崆峒区反馈.csv"
    saved.write_bytes(buffer.getvalue().encode("gb18030"))  # as Excel saves it on Windows
    data = ok(city, "form", "in", str(saved), "--as-of", "2026-11-25", "-f", "json").json()
    assert (data["forms"][0]["recorded"], data["forms"][0]["claimed"]) == (3, 1)
    # The folder of forms: the xlsx is the same form again, so nothing more.
    r = city("form", "in", str(filled), "--as-of", "2026-11-25", "-f", "json")
    assert r.exit_code == 0 and r.json()["forms"][0]["recorded"] == 0


def test_feedback_missing_fires_the_day_after_the_due_date_and_errs_after_3_working_days(
        city: Runner, tmp_path: Path) -> None:
    files = send(city, tmp_path / "反馈表")
    ok(city, "form", "in", str(fill(files["kongtong"], KONGTONG, tmp_path / "k.xlsx")),
       "--as-of", "2026-11-25", "-f", "csv")

    def found(day: str) -> list[tuple[str, str, str]]:
        r = city("check", "--rule", "feedback-missing", "--as-of", day, "-f", "json")
        return [(v["level"], v["subject"], v["unit"]) for v in r.json()]

    late = [("form FK-2026-001-01", "fgw"), ("form FK-2026-001-02", "jyj")]
    assert found(DUE) == []  # due today: not yet
    # From Friday, the day after: a warning; three working days after Thursday 11-26 is
    # Tuesday 12-01 (the weekend does not count); from Wednesday an error.
    for day in ("2026-11-27", "2026-11-30", "2026-12-01"):
        assert found(day) == [("warning", *f) for f in late], day
    assert found("2026-12-02") == [("error", *f) for f in late]
    r = city("check", "--rule", "feedback-missing", "--as-of", "2026-12-02", "-f", "csv")
    assert r.exit_code == 1
    # The threshold is the office's: one working day.
    ok(city, "config", "set", "feedback_missing.workdays", "1", "-f", "csv")
    assert found("2026-11-30") == [("error", *f) for f in late]
    # A form returned late is late, not missing.
    ok(city, "form", "in", str(files["fgw"]), "--as-of", "2026-12-02", "-f", "csv")
    assert found("2026-12-02") == [("error", "form FK-2026-001-02", "jyj")]
    status = ok(city, "form", "status", "FK-2026-001", "--as-of", "2026-12-02", "-f", "json")
    assert [(f["unit"], f["state"], f["days_late"], f["level"])
            for f in status.json()["forms"]] == [
        ("fgw", "late", 6, ""), ("jyj", "missing", 6, "error"), ("kongtong", "returned", 0, "")]


def remind(run: Runner, day: str, folder: Path, *more: str) -> list[dict[str, Any]]:
    return ok(run, "remind", *more, "-o", str(folder), "--as-of", day, "-f", "json").json()


def test_reminders_escalate_and_the_third_shows_in_report_units(city: Runner, tmp_path: Path
                                                                 ) -> None:
    out = tmp_path / "催办"
    # DB-2026-0002 fell due 11-10: first a 催办通知.
    (n1,) = remind(city, "2026-11-12", out)
    assert (n1["number"], n1["unit"], n1["kind"], n1["records"], n1["reply_by"]) == (
        "催办〔2026〕1号", "kongtong", "urge", 1, None)
    # Still overdue at the next: a 督办通知, reply in 5 working days (11-16 → 11-23).
    (n2,) = remind(city, "2026-11-16", out)
    assert (n2["number"], n2["kind"], n2["supervised"], n2["reply_by"]) == (
        "催办〔2026〕2号", "supervise", 1, "2026-11-23")
    # Before the reply deadline there is nothing more to send about it: the next notice
    # urges only the finding, due in three days.
    (n3,) = remind(city, "2026-11-17", out)
    assert (n3["number"], n3["kind"], n3["records"]) == ("催办〔2026〕3号", "urge", 1)
    scores = {s["unit"]: s for s in ok(city, "report", "units", "--as-of", "2026-11-24",
                                       "-f", "json").json()}
    assert scores["kongtong"]["circulated"] == 0
    # After the deadline, still overdue: its third notice puts it on the 通报 list (and
    # supervises the finding, overdue since its 催办).
    (n4,) = remind(city, "2026-11-24", out)
    assert (n4["number"], n4["kind"], n4["circulated"], n4["supervised"], n4["records"]) == (
        "催办〔2026〕4号", "supervise", 1, 1, 2)
    scores = {s["unit"]: s for s in ok(city, "report", "units", "--as-of", "2026-11-24",
                                       "-f", "json").json()}
    assert (scores["kongtong"]["circulated"], scores["kongtong"]["circulated_records"]) == (
        1, ["DB-2026-0002"])
    assert all(s["circulated"] == 0 for u, s in scores.items() if u != "kongtong")
    # ... and its circular names the record among the criticised.
    circular = tmp_path / "通报.docx"
    ok(city, "report", "units", "--as-of", "2026-11-24", "-o", str(circular))
    text = [p.text for p in docx.Document(str(circular)).paragraphs]
    blame = text[text.index("三、通报批评"):text.index("四、工作要求")]
    named = "列入通报的1项（DB-2026-0002老旧小区改造）"
    assert any(line.startswith("平凉市崆峒区人民政府：") and named in line for line in blame), blame
    # Each notice is in the record's history and its show.
    shown = ok(city, "item", "show", "DB-2026-0002", "-f", "json").json()
    assert [(s["notice"], s["kind"], s["level"], s["on"], s["reply_by"])
            for s in shown["reminders"]] == [
        ("催办〔2026〕1号", "urge", "urge", "2026-11-12", None),
        ("催办〔2026〕2号", "supervise", "supervise", "2026-11-16", "2026-11-23"),
        ("催办〔2026〕4号", "supervise", "circulate", "2026-11-24", "2026-12-01")]
    log = ok(city, "log", "DB-2026-0002", "-f", "json").json()
    assert [e["action"] for e in log].count("remind") == 3
    finding = ok(city, "finding", "show", "WT-2026-0001", "-f", "json").json()
    assert [s["level"] for s in finding["reminders"]] == ["urge", "supervise"]
    assert finding["history"][-1]["detail"] == "催办〔2026〕4号 督办, reply by 2026-12-01"
    assert ok(city, "verify", "-f", "csv").exit_code == 0
    # On the 通报 list it stays, named no more; the finding follows it there.
    (n5,) = remind(city, "2026-12-10", out)
    assert (n5["records"], n5["circulated"]) == (1, 1)
    shown = ok(city, "item", "show", "DB-2026-0002", "-f", "json").json()
    assert len(shown["reminders"]) == 3


def test_reminder_ignored_fires_the_day_after_the_reply_deadline(city: Runner,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "催办"
    remind(city, "2026-11-12", out)
    remind(city, "2026-11-16", out)  # 督办, reply by 2026-11-23

    def found(day: str) -> list[tuple[str, str, str]]:
        r = city("check", "--rule", "reminder-ignored", "--as-of", day, "-f", "json")
        return [(v["level"], v["subject"], v["unit"]) for v in r.json()]

    assert found("2026-11-16") == found("2026-11-23") == []
    assert found("2026-11-24") == [("error", "item DB-2026-0002", "kongtong")]
    r = city("check", "--rule", "reminder-ignored", "--as-of", "2026-11-24", "-f", "json")
    assert r.exit_code == 1
    assert "督办通知 催办〔2026〕2号" in r.json()[0]["message"]
    # Done (or no longer overdue): nothing to flag.
    ok(city, "item", "close", "DB-2026-0002", "--on", "2026-11-25", "-f", "csv")
    assert found("2026-11-26") == []
    # The reply time is the office's: 2 working days, so the deadline was 11-18.
    ok(city, "item", "reopen", "DB-2026-0002", "-f", "csv")
    ok(city, "config", "set", "reminder_ignored.workdays", "2", "-f", "csv")
    (n,) = remind(city, "2026-11-26", out)  # reopened and overdue again: the 通报 list
    assert n["circulated"] == 1 and n["reply_by"] == "2026-11-30"


def test_the_notices_are_official_documents_and_markdown(city: Runner, tmp_path: Path) -> None:
    out = tmp_path / "催办"
    ok(city, "config", "set", "office.name", "平凉市人民政府督查室", "-f", "csv")
    remind(city, "2026-11-12", out)
    (n,) = remind(city, "2026-11-16", out)
    assert n["files"] == f"{out}/催办〔2026〕2号-kongtong.docx;{out}/催办〔2026〕2号-kongtong.md"
    d = docx.Document(str(out / "催办〔2026〕2号-kongtong.docx"))
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    text = [p.text for p in d.paragraphs]
    head = d.paragraphs[0]
    assert head.text == "平凉市人民政府督查室"
    assert str(head.runs[0].font.color.rgb) == "FF0000"
    assert text[1] == "催办〔2026〕2号"
    assert "关于对逾期未办结督查督办事项进行督办的通知" in text
    assert "平凉市崆峒区人民政府：" in text
    body = "\n".join(text)
    assert "请于2026年11月23日前将办理情况、逾期原因和整改措施书面报送平凉市人民政府督查室" in body
    assert "一、督办事项" in text and "2026年11月16日" in text
    cells = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
    assert cells[0] == ["编号", "督办事项/问题", "时限", "办理情况", "此前通知"]
    assert cells[1] == ["DB-2026-0002", "老旧小区改造", "2026年11月10日", "逾期6天",
                        "催办〔2026〕1号"]
    md = (out / "催办〔2026〕2号-kongtong.md").read_text(encoding="utf-8")
    assert "# 关于对逾期未办结督查督办事项进行督办的通知" in md
    assert "| DB-2026-0002 | 老旧小区改造 | 2026-11-10 | 逾期6天 | 催办〔2026〕1号 |" in md
    first = docx.Document(str(out / "催办〔2026〕1号-kongtong.docx"))
    assert "关于督促办理督查督办事项的通知" in [p.text for p in first.paragraphs]


def test_files_appear_only_when_the_command_succeeds(city: Runner, db_path: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = snapshot_db(db_path)
    r = city("form", "out", "--due", "2026-11-01", "-o", str(out), "--as-of", ISSUED)
    assert r.exit_code == 2 and not out.exists()
    r = city("remind", "-o", str(out), "--as-of", "2026-11-01")  # nothing overdue yet
    assert r.exit_code == 2 and not out.exists()
    assert snapshot_db(db_path) == before
    # A listing the --encoding cannot hold: nothing recorded, no file, no folder.
    ok(city, "unit", "edit", "fgw", "--name", "平凉市发展和改革委员会😀", "-f", "csv")
    before = snapshot_db(db_path)
    r = city("form", "out", "-o", str(out), "--as-of", ISSUED, "--encoding", "gbk", "-f", "csv")
    assert r.exit_code == 2 and "gbk cannot hold" in r.stderr
    assert snapshot_db(db_path) == before and not out.exists()


def test_verify_catches_an_answer_or_a_notice_changed_behind_ducha(city: Runner, db_path: Path,
                                                                   tmp_path: Path) -> None:
    import shutil

    from duchá.db import dispose_all

    files = send(city, tmp_path / "反馈表")
    ok(city, "form", "in", str(fill(files["kongtong"], KONGTONG, tmp_path / "k.xlsx")),
       "--as-of", "2026-11-25", "-f", "csv")
    remind(city, "2026-11-12", tmp_path / "催办")
    assert ok(city, "verify", "-f", "csv").exit_code == 0
    dispose_all()
    clean = tmp_path / "clean.db"
    shutil.copy(db_path, clean)
    for statement, says in (
            ("UPDATE feedback SET percent = 90 WHERE percent = 40",
             "feedback record on item DB-2026-0001"),
            ("UPDATE reminder_line SET level = 'circulate'", "remind record on item DB-2026-0002"),
            ("UPDATE form_sheet SET returned_on = NULL",
             "form FK-2026-001-03 was changed outside duchá"),
            ("UPDATE reminder SET reply_by = '2026-12-01', kind = 'supervise'",
             "reminder 催办〔2026〕1号 was changed outside duchá")):
        shutil.copy(clean, db_path)
        con = sqlite3.connect(db_path)
        con.execute(statement)
        con.commit()
        con.close()
        r = city("verify", "-f", "json")
        assert r.exit_code == 1 and any(says in p["problem"] for p in r.json()), (says, r)
        dispose_all()


def test_a_schema_7_ledger_gains_the_cycle_tables(cli: Runner, db_path: Path,
                                                  tmp_path: Path) -> None:
    from test_migrations import schema, v1_ledger

    from duchá.db import dispose_all, engine_for, locate
    from duchá.schema import SCHEMA_VERSION
    from duchá.storage import migrate

    v1_ledger(db_path)
    assert migrate.run(engine_for(locate(str(db_path))), to="0007") == (1, 7)
    dispose_all()
    r = cli("form", "status")
    assert r.exit_code == 2 and f"migrated from schema 7 to {SCHEMA_VERSION}" in r.stderr
    assert cli("verify", "-f", "csv").exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("init", db=fresh).exit_code == 0
    assert schema(db_path) == schema(fresh)


# ---------------------------------------------------------------- the demo


def test_the_demo_holds_a_round_with_one_unit_late_and_a_record_on_the_circular(
        cli: Runner, demo_template: Path, tmp_path: Path) -> None:
    db = demo_copy(demo_template, tmp_path)

    def run(*args: str) -> Any:
        r = cli(*args, "--as-of", DEMO_AS_OF, "-f", "json", db=db)
        assert r.exit_code in (0, 1), r
        return r.json()

    status = run("form", "status")
    states = [f["state"] for f in status["forms"]]
    assert states.count("missing") == 1 and set(states) == {"returned", "missing"}
    (late,) = [f for f in status["forms"] if f["state"] == "missing"]
    assert status["claims"] and status["coordination"]
    violations = run("check")
    assert [(v["rule"], v["subject"]) for v in violations
            if v["rule"] == "feedback-missing"] == [("feedback-missing", f"form {late['form']}")]
    ignored = [v for v in violations if v["rule"] == "reminder-ignored"]
    assert ignored and all(v["level"] == "error" for v in ignored)
    listed = [s for s in run("report", "units") if s["circulated"]]
    assert listed and {r for s in listed for r in s["circulated_records"]} >= {
        v["subject"].split()[1] for v in ignored}


# ---------------------------------------------------------------- the rules, on plain rows


def test_form_state() -> None:
    due = date(2026, 11, 26)
    assert rules.form_state(due, date(2026, 11, 26), date(2026, 12, 9)) == "returned"
    assert rules.form_state(due, date(2026, 11, 27), date(2026, 12, 9)) == "late"
    assert rules.form_state(due, None, due) == "waiting"
    assert rules.form_state(due, None, due + timedelta(days=1)) == "missing"


def weekdays(day: date, n: int) -> date:
    """Monday to Friday working days (the rules take the calendar as a function)."""
    while n:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def test_feedback_missing_on_plain_rows() -> None:
    forms = [{"form": "FK-2026-001-01", "round": "FK-2026-001", "unit": "fgw",
              "due": date(2026, 11, 26), "returned_on": None},
             {"form": "FK-2026-001-02", "round": "FK-2026-001", "unit": "jyj",
              "due": date(2026, 11, 26), "returned_on": date(2026, 11, 30)}]

    def levels(day: date, workdays: int = 3) -> list[str]:
        return [v.level for v in rules.feedback_missing(forms, day, workdays=workdays,
                                                        add_workdays=weekdays)]

    assert levels(date(2026, 11, 26)) == []
    assert levels(date(2026, 11, 27)) == ["warning"]
    assert levels(date(2026, 12, 1)) == ["warning"]
    assert levels(date(2026, 12, 2)) == ["error"]
    assert levels(date(2026, 11, 27), workdays=0) == ["error"]
    (v,) = rules.feedback_missing(forms, date(2026, 12, 2), workdays=3, add_workdays=weekdays)
    assert (v.rule, v.subject, v.unit, v.light) == (
        "feedback-missing", "form FK-2026-001-01", "fgw", "red")
    assert "was due back 2026-11-26 and is 6 days late" in v.message


def test_reminder_steps_on_plain_values() -> None:
    day = date(2026, 11, 24)
    assert rules.reminder_step(None, None, False, day) == "urge"  # due soon
    assert rules.reminder_step(None, None, True, day) == "urge"
    assert rules.reminder_step("urge", None, False, day) is None  # urged, not yet overdue
    assert rules.reminder_step("urge", None, True, day) == "supervise"
    assert rules.reminder_step("supervise", date(2026, 11, 24), True, day) is None
    assert rules.reminder_step("supervise", date(2026, 11, 23), True, day) == "circulate"
    assert rules.reminder_step("supervise", date(2026, 11, 23), False, day) is None
    assert rules.reminder_step("circulate", date(2026, 11, 23), True, day) is None


def test_reminder_ignored_on_plain_rows() -> None:
    rows = [
        {"kind": "item", "number": "DB-2026-0002", "unit": "kongtong", "status": "open",
         "due": date(2026, 11, 10), "notice": "催办〔2026〕2号", "reply_by": date(2026, 11, 23)},
        # A later 督办 of the same record: its deadline counts.
        {"kind": "item", "number": "DB-2026-0002", "unit": "kongtong", "status": "open",
         "due": date(2026, 11, 10), "notice": "催办〔2026〕5号", "reply_by": date(2026, 11, 30)},
        {"kind": "finding", "number": "WT-2026-0001", "unit": "kongtong", "status": "rectified",
         "due": date(2026, 11, 10), "notice": "催办〔2026〕2号", "reply_by": date(2026, 11, 23)},
        {"kind": "finding", "number": "WT-2026-0002", "unit": "fgw", "status": "reopened",
         "due": date(2026, 11, 20), "notice": "催办〔2026〕3号", "reply_by": date(2026, 11, 23)},
    ]
    found = rules.reminder_ignored(rows, date(2026, 11, 24))
    assert [(v.subject, v.level) for v in found] == [("finding WT-2026-0002", "error")]
    found = rules.reminder_ignored(rows, date(2026, 12, 1))
    assert [v.subject for v in found] == ["finding WT-2026-0002", "item DB-2026-0002"]
    assert "催办〔2026〕5号" in found[1].message


def test_a_folder_of_returned_forms_is_read_whole(city: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "反馈表"
    files = send(city, folder)
    fill(files["kongtong"], KONGTONG, files["kongtong"])  # filled in place, as mailed back
    (folder / "~$FK-2026-001-03-kongtong.xlsx").write_bytes(b"lock")  # Excel's lock file
    (folder / "说明.txt").write_text("not a form")
    data = ok(city, "form", "in", str(folder), "--as-of", "2026-11-27", "-f", "json").json()
    assert [(f["unit"], f["answers"], f["recorded"], f["state"]) for f in data["forms"]] == [
        ("fgw", 0, 0, "late"), ("jyj", 0, 0, "late"), ("kongtong", 3, 3, "late")]
    empty = tmp_path / "空"
    empty.mkdir()
    r = city("form", "in", str(empty), "--as-of", "2026-11-27")
    assert r.exit_code == 2 and "holds no .xlsx or .csv form" in r.stderr


def test_the_readme_has_a_section_on_the_weekly_cycle() -> None:
    """tests/test_readme.py runs its sh block with the others, in order."""
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("### The weekly cycle\n", 1)[1].split("\n### ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    for command in ("duchá form out", "duchá form in", "duchá form status", "duchá remind",
                    "duchá report units", "feedback-missing", "reminder-ignored"):
        assert command in block, command
