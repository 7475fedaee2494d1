"""`duchá form ...` and `duchá remind`: the weekly cycle with the units, feedback forms out and
back, and reminders (催办) that escalate."""

from pathlib import Path
from typing import Annotated

import typer

from duchá.commands import state, sub_app
from duchá.output import cols

app = sub_app("Feedback forms (反馈表): out to the units, back with their progress, and who "
              "is late.\n\nExample: duchá form status")

OUT_COLS = cols("form:表号 round:轮次 unit:单位:unit name:单位名称 records:事项数 "
                "due:反馈截止 file:文件")
IN_COLS = cols("file:文件 form:表号 unit:单位:unit returned_on:反馈日期 state:状态:FORM_STATE "
               "answers:填报 recorded:记录 unchanged:未变 claimed:申请办结 flagged:需协调")
STATUS_COLS = cols("round:轮次 form:表号 unit:单位:unit name:单位名称 records:事项数 "
                   "issued_on:下发日期 due:反馈截止 returned_on:反馈日期 state:状态:FORM_STATE "
                   "days_late:逾期天数 level:级别:CHECK_LEVEL")
CLAIM_COLS = cols("kind:类型:RECORD_KIND number:编号 unit:单位:unit form:表号 done_on:完成日期 "
                  "evidence:佐证材料 status:状态:status confirm:确认办结")
NEED_COLS = cols("kind:类型:RECORD_KIND number:编号 unit:单位:unit form:表号 on:日期 flag:标记 "
                 "coordination:需协调解决的问题")
REMIND_COLS = cols("number:文号 unit:单位:unit name:单位名称 kind:类型:NOTICE records:事项数 "
                   "supervised:督办 circulated:列入通报 reply_by:回复期限 files:文件")


@app.command("out")
def form_out(
    ctx: typer.Context,
    unit: Annotated[list[str] | None, typer.Option(
        "--unit", "-u", help="Only this unit (repeat for more); default: every unit with "
        "running items or findings.")] = None,
    due: Annotated[str | None, typer.Option(
        help="The day the forms are due back (default: form.due_workdays working days, "
        "+3wd).")] = None,
) -> None:
    """Send a round of feedback forms: one xlsx per unit, in the folder -o names, listing its
    open items (led or shared) and findings still to rectify, with columns for the unit to
    fill in (本期进展, 完成进度, 申请办结, 完成日期, 佐证材料, 需协调解决的问题).  The office's
    columns are locked (the sheet is protected without a password); the form's number, its
    round and the unit are written in the file.  The round is recorded (issued on the as-of
    date, due back on --due).

    Example: duchá form out --due +3wd -o 反馈表
    """
    from duchá.services import forms, settings
    from duchá.transfer import forms as form_file

    st = state(ctx)
    folder = st.folder()
    with st.ledger() as lg:
        back = lg.date(due) if due else lg.calendar.add_workdays(
            lg.today, int(settings.get(lg, "form.due_workdays")))
        made = forms.out(lg, units=unit, due=back)
    files = [(form_file.file_name(f), form_file.workbook(f)) for f in made]
    rows = [{"form": f["form"], "round": f["round"], "unit": f["unit"], "name": f["unit_name"],
             "records": len(f["rows"]), "due": f["due"], "file": str(folder / name)}
            for f, (name, _) in zip(made, files, strict=True)]
    with st.files_in(folder, files):
        st.emit(rows, OUT_COLS, title="forms")


@app.command("in")
def form_in(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(
        help="Returned forms (.xlsx as sent, or saved again as .xls, .ods or .csv), or "
        "folders holding them.", metavar="PATH")],
) -> None:
    """Read returned feedback forms.  Every row of every file is checked first (the number is
    on that unit's form of that round, 完成进度 0 to 100, dates, 申请办结 是 or 否); one bad
    row records nothing, and the error names the file and the row.  Progress goes on the
    item as a progress note dated the day the form came back (the as-of date), the percent
    when the lead unit gives it, under its name from a unit sharing the item; 需协调 is kept
    as a flagged note; a completion claim (申请办结) is listed with the command that confirms
    it (`item close`, `finding rectify`) once the office has checked it: nothing is closed
    by a form.  Reading the same form again records nothing new.

    Example: duchá form in 反馈表
    """
    from duchá.services import forms
    from duchá.transfer import forms as form_file

    st = state(ctx)
    returned = [form_file.read(p) for p in form_file.files(paths)]
    with st.ledger() as lg:
        done = forms.read_in(lg, returned)
    claims = [{**r, "confirm": forms.confirm_hint(r["kind"], r["number"], r["done_on"],
                                                  r["evidence"])}
              for d in done for r in d["rows"] if r["claim"]]
    needs = [{**r, "flag": "需协调"} for d in done for r in d["rows"] if r["coordination"]]
    for d in done:
        if d["again"] and not d["recorded"]:
            st.info(f"{d['file']}: form {d['form']} was read before (returned "
                    f"{d['returned_on']}); nothing new recorded")
    st.emit_sections([("forms", IN_COLS, done), ("claims", CLAIM_COLS, claims),
                      ("coordination", NEED_COLS, needs)], title="forms")


@app.command("status")
def form_status(
    ctx: typer.Context,
    round_: Annotated[str | None, typer.Argument(
        help="FK-2026-001 or the bare sequence number; default: the latest round.",
        metavar="ROUND")] = None,
) -> None:
    """A round of feedback forms: each unit's form returned, late (returned after the due
    date), missing (not back, past due) or waiting, with the level feedback-missing gives it;
    the completion claims among the answers and what confirms each; the questions the units
    want coordinated (需协调).

    Example: duchá form status FK-2026-001 -f csv
    """
    from duchá.services import forms

    st = state(ctx)
    with st.ledger(write=False) as lg:
        data = forms.status(lg, round_)
    st.emit_sections([("forms", STATUS_COLS, data["forms"]),
                      ("claims", CLAIM_COLS, data["claims"]),
                      ("coordination", NEED_COLS, data["coordination"])],
                     title="forms")


def remind(
    ctx: typer.Context,
    unit: Annotated[list[str] | None, typer.Option(
        "--unit", "-u", help="Only this unit (repeat for more); default: every unit with "
        "records to chase.")] = None,
) -> None:
    """Chase overdue and due-soon work: one numbered notice (催办〔2026〕N号) per unit, as .docx
    in the layout of an official document and as Markdown, in the folder -o names.  A
    record's first notice urges it (催办通知); if it is still overdue at the next, the notice
    is a 督办通知 with a reply deadline (reminder_ignored.workdays working days, 5); still
    overdue after that deadline, the record goes on the 通报 list that `report units` and its
    circular name.  Each notice is in the record's history (`item show`, `finding show`).

    Example: duchá remind --unit 财政 -o 催办
    """
    from duchá.documents import notice as writer
    from duchá.services import reminders, settings

    st = state(ctx)
    folder = st.folder()
    with st.ledger() as lg:
        made = reminders.remind(lg, unit)
        office = str(settings.get(lg, "office.name"))
    files: list[tuple[str, bytes]] = []
    rows = []
    for n in made:
        stem = f"{n['number']}-{n['unit']}"
        files += [(f"{stem}.docx", writer.build(n, office=office)),
                  (f"{stem}.md", writer.markdown(n, office=office).encode("utf-8"))]
        levels = [r["level"] for r in n["records"]]
        rows.append({"number": n["number"], "unit": n["unit"], "name": n["unit_name"],
                     "kind": n["kind"], "records": len(levels),
                     "supervised": levels.count("supervise"),
                     "circulated": levels.count("circulate"), "reply_by": n["reply_by"],
                     "files": f"{folder / stem}.docx;{folder / stem}.md"})
    with st.files_in(folder, files):
        st.emit(rows, REMIND_COLS, title="notices")
