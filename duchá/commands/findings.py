"""`duchá finding ...`: problems found (发现问题) and their rectification (整改) to the end."""

from typing import Annotated

import typer

from duchá.commands import attached, state, sub_app
from duchá.commands.attached import account, extend, show
from duchá.output import cols

app = sub_app("Findings (发现问题) and their rectification (整改).\n\n"
              "Example: duchá finding list --light red")

NUMBER_HELP = "WT-2026-0001 or the bare sequence number."
FINDING_COLS = cols(
    "number:编号 unit:单位:unit description:问题 severity:性质:SEVERITY mode:整改方式:MODE "
    "found_on:发现日期 due:整改时限::长期 status:状态:FINDING_STATUS light:灯:LIGHT "
    "days_overdue:逾期天数 inspection:督查 item:事项"
)
SHOW_COLS = [*FINDING_COLS, *cols(
    "plan_text:整改方案 plan_on:方案日期 rectified_on:整改完成 evidence:佐证 "
    "verified_on:复核日期 verified_by:复核人 lookback_due:回头看日期 lookback_on:回头看完成 "
    "lookback_result:回头看结果:LOOKBACK_RESULT"
)]
HISTORY_COLS = cols("on:日期 action:步骤:EVENT_ACTION status:状态:FINDING_STATUS due:时限 "
                    "actor:经办人 detail:说明 at:记录时间")


def _emit_one(ctx: typer.Context, row: dict) -> None:
    state(ctx).emit([row], FINDING_COLS)


@app.command("add")
def finding_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The problem found.")],
    unit: Annotated[str, typer.Option("--unit", "-u", help="The unit the problem is at.")],
    mode: Annotated[str, typer.Option(
        help="immediate (立行立改), deadline (限期整改) or long-term (长期整改).")],
    inspection: Annotated[str | None, typer.Option(
        help="The inspection that found it (DC-2026-001).")] = None,
    item: Annotated[str | None, typer.Option(help="The item it concerns (DB-2026-0001).")] = None,
    severity: Annotated[str, typer.Option(help="general (一般) or serious (严重).")] = "general",
    due: Annotated[str | None, typer.Option(
        help="Due date; +Nwd counts working days from the date found.  Default: "
        "finding.immediate_workdays working days (immediate), finding.deadline_days days "
        "(deadline); long-term must give it.")] = None,
    on: Annotated[str | None, typer.Option(help="Date found (default: as-of).")] = None,
) -> None:
    """Record a problem found at a unit, with its rectification mode and due date.

    Example: duchá finding add "食堂台账不全" -u jyj --inspection DC-2026-003 --mode immediate
    """
    from duchá.services import findings
    from duchá.vocab import MODE, SEVERITY

    st = state(ctx)
    mode_code, sev = MODE.parse(mode), SEVERITY.parse(severity)
    with st.ledger() as lg:
        found = lg.day(on)
        row = findings.add(lg, text=text, unit=unit, mode=mode_code, severity=sev, found=found,
                           due=lg.date(due, base=found) if due else None,
                           inspection=inspection, item=item)
    st.emit([row], FINDING_COLS)


@app.command("list")
def finding_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(
        help="open, rectifying, rectified, verified or reopened.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="Findings at this unit.")] = None,
    light: Annotated[str | None, typer.Option(
        help="red (past due), yellow (due soon) or green, as of --as-of.")] = None,
    mode: Annotated[str | None, typer.Option(help="A rectification mode.")] = None,
    inspection: Annotated[str | None, typer.Option(help="Findings of this inspection.")] = None,
    item: Annotated[str | None, typer.Option(help="Findings about this item.")] = None,
    overdue: Annotated[bool, typer.Option(help="Only findings past due (= --light red).")] = False,
    all_: Annotated[bool, typer.Option(
        "--all", help="Verified findings too (销号), after the unfinished ones.")] = False,
) -> None:
    """List the findings not yet verified (all with --all or --status), by due date, each
    with its light (红黄绿灯) as of --as-of.

    Example: duchá finding list --light red --unit 崆峒 -f csv
    """
    from duchá.services import findings
    from duchá.vocab import FINDING_STATUS, LIGHT, MODE

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = findings.query(
            lg, status=FINDING_STATUS.parse(status) if status else None, unit=unit,
            light=LIGHT.parse(light) if light else None,
            mode=MODE.parse(mode) if mode else None, inspection=inspection, item=item,
            overdue=overdue, unfinished=not all_ and status is None)
    st.emit(rows, FINDING_COLS, title="findings")


@app.command("show")
def finding_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
) -> None:
    """Show a finding with its whole story: every step, extensions, accountability, the
    notices that chased it (催办, 督办) and the unit's answers on its feedback forms.

    Example: duchá finding show WT-2026-0001 -f json
    """
    show(ctx, "finding", number, SHOW_COLS, "description", ("history", HISTORY_COLS))


@app.command("plan")
def finding_plan(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    text: Annotated[str, typer.Argument(help="The unit's rectification plan (整改方案).")],
    on: Annotated[str | None, typer.Option(help="Date submitted (default: as-of).")] = None,
) -> None:
    """Record the unit's rectification plan (open → rectifying).

    Example: duchá finding plan 13 "一周内补齐台账并建立周检制度" --on 2026-11-28
    """
    from duchá.services import findings

    with state(ctx).ledger() as lg:
        row = findings.plan(lg, number, text=text, on=lg.day(on))
    _emit_one(ctx, row)


@app.command("rectify")
def finding_rectify(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    evidence: Annotated[str, typer.Option(help="What proves it was fixed (佐证材料).")],
    on: Annotated[str | None, typer.Option(help="Date reported done (default: as-of).")] = None,
) -> None:
    """Record that the unit reports the problem rectified (→ rectified).

    Example: duchá finding rectify 13 --evidence "整改报告及照片" --on 2026-11-29
    """
    from duchá.services import findings

    with state(ctx).ledger() as lg:
        row = findings.rectify(lg, number, evidence=evidence,
                               on=lg.day(on))
    _emit_one(ctx, row)


@app.command("verify")
def finding_verify(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    by: Annotated[str | None, typer.Option(help="Who re-checked it (复核人).")] = None,
    on: Annotated[str | None, typer.Option(help="Date re-checked (default: as-of).")] = None,
    lookback: Annotated[str | None, typer.Option(
        help="Due for a look-back (回头看) on this date; +3m counts from --on.")] = None,
    fail: Annotated[bool, typer.Option(
        "--fail", help="The rectification does not pass: send it back (退回重办).")] = False,
    reason: Annotated[str | None, typer.Option(help="Why it is sent back (with --fail).")] = None,
    due: Annotated[str | None, typer.Option(
        help="With --fail: a new due date for the redo (default: keep the old one).")] = None,
) -> None:
    """Re-check a claimed rectification: pass it (→ verified) or send it back (→ reopened).

    Example: duchá finding verify 13 --by 王科长 --lookback +3m
    """
    from duchá.services import findings

    with state(ctx).ledger() as lg:
        day = lg.day(on)
        row = findings.verify(lg, number, by=by, on=day, fail=fail, reason=reason,
                              lookback=lg.date(lookback, base=day) if lookback else None,
                              due=lg.date(due, base=day) if due else None)
    _emit_one(ctx, row)


@app.command("reopen")
def finding_reopen(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    reason: Annotated[str, typer.Option(help="How the problem came back (反弹).")],
    on: Annotated[str | None, typer.Option(help="Date reopened (default: as-of).")] = None,
    due: Annotated[str | None, typer.Option(
        help="A new due date (default: keep the old one); +Nd counts from --on.")] = None,
) -> None:
    """Reopen a verified finding whose problem came back (反弹).

    Example: duchá finding reopen 7 --reason "群众再次反映" --due +15d
    """
    from duchá.services import findings

    with state(ctx).ledger() as lg:
        day = lg.day(on)
        row = findings.reopen(lg, number, reason=reason, on=day,
                              due=lg.date(due, base=day) if due else None)
    _emit_one(ctx, row)


@app.command("lookback")
def finding_lookback(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    result: Annotated[str, typer.Option(help="ok, or rebound (反弹: reopens the finding).")],
    on: Annotated[str | None, typer.Option(help="Date of the look-back (default: as-of).")] = None,
    note: Annotated[str | None, typer.Option(help="What the look-back saw.")] = None,
    due: Annotated[str | None, typer.Option(
        help="With rebound: a new due date (default: keep the old one).")] = None,
) -> None:
    """Record a look-back (回头看) on a verified finding.

    Example: duchá finding lookback 8 --result rebound --note "台账又未更新" --due +10d
    """
    from duchá.services import findings

    res = result.strip().lower()
    res = {"反弹": "rebound", "正常": "ok", "通过": "ok"}.get(res, res)
    with state(ctx).ledger() as lg:
        day = lg.day(on)
        row = findings.lookback(lg, number, result=res, on=day, note=note,
                                due=lg.date(due, base=day) if due else None)
    _emit_one(ctx, row)


@app.command("extend")
def finding_extend(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    to: attached.To = None, reason: attached.Reason = None, approve: attached.Approve = False,
    reject: attached.Reject = False, by: attached.By = None, on: attached.AskedOn = None,
) -> None:
    """Ask for an extension (延期) before the due date, or decide the pending one.

    Example: duchá finding extend 2 --to 2026-12-31 --reason "需财政资金" ; duchá finding
    extend 2 --approve --by 张主任
    """
    extend(ctx, "finding", number, to=to, reason=reason, approve=approve, reject=reject, by=by,
           on=on)


@app.command("account")
def finding_account(
    ctx: typer.Context,
    number: Annotated[str | None, typer.Argument(
        help=NUMBER_HELP + "  Without it: list every accountability record.")] = None,
    who: attached.Who = None, measure: attached.Measure = None, basis: attached.Basis = None,
    on: attached.MeasureOn = None,
) -> None:
    """Record accountability (问责) over a finding; without a number, list (export) them all.

    Example: duchá finding account 7 --who 某某 --measure 约谈 --basis 平政办发〔2019〕1号
    """
    account(ctx, "finding", number, who=who, measure=measure, basis=basis, on=on)
