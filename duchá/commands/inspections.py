"""`duchá inspect ...`: inspections carried out (督查), joint groups and their reports."""

from typing import Annotated

import typer

from duchá.commands import checked_year, state, sub_app
from duchá.output import cols

app = sub_app("Inspections carried out (督查) and their reports.\n\n"
              "Example: duchá inspect list --year 2026")

INSPECT_COLS = cols(
    "number:编号 topic:主题 lead:牵头单位:unit members:联合单位:units method:方式:METHOD "
    "targets:对象:units start:开始 end:结束 plan:计划 report_approved_on:报告审定 "
    "status:状态:INSPECTION_STATUS"
)
SHOW_COLS = cols(
    "number:编号 topic:主题 lead:牵头单位:unit members:联合单位:units method:方式:METHOD "
    "targets:对象:units items:事项 start:开始 end:结束 finished_on:完成日期 plan:计划 "
    "approver:审批人 "
    "approved_on:审批日期 approval_ref:审批文号 report_summary:报告摘要 "
    "report_approved_by:报告审定人 report_approved_on:报告审定日期 "
    "report_circulated_on:通报日期 status:状态:INSPECTION_STATUS"
)

NUMBER_HELP = "DC-2026-001 or the bare sequence number."


@app.command("add")
def inspect_add(
    ctx: typer.Context,
    topic: Annotated[str, typer.Argument(help="What the inspection is about.")],
    lead: Annotated[str, typer.Option(help="Lead organizer (牵头单位).")],
    method: Annotated[str, typer.Option(
        help="self-check, written, on-site, third-party, unannounced (or 实地, 暗访...).")],
    from_: Annotated[str, typer.Option("--from", help="Start date.")],
    target: Annotated[list[str] | None, typer.Option(
        "--target", "-t", help="A unit inspected; repeat for more.")] = None,
    with_: Annotated[list[str] | None, typer.Option(
        "--with", help="Another organizer of a joint inspection; repeat for more.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Planned end (+10d counts from the "
                                           "start).")] = None,
    plan: Annotated[str | None, typer.Option(
        help="The plan entry it carries out: JH-2026-001, or 1 for entry 1 of its year.")] = None,
    item: Annotated[list[str] | None, typer.Option(
        "--item", help="An item it covers; repeat for more.")] = None,
    approved_by: Annotated[str | None, typer.Option(
        help="Who approved an unplanned inspection.")] = None,
    approved_on: Annotated[str | None, typer.Option(help="Date of that approval.")] = None,
    approval_ref: Annotated[str | None, typer.Option(
        help="Document number of the approval and filing.")] = None,
) -> None:
    """Record an inspection (a joint one when --with names other organizers).

    Example: duchá inspect add "营商环境督查" --lead fgw --with zjj --method 实地 -t kongtong
    --from 2026-03-02 --to +5d --plan JH-2026-001
    """
    from duchá.services import inspections
    from duchá.vocab import METHOD

    st = state(ctx)
    m = METHOD.parse(method)
    with st.ledger() as lg:
        start = lg.date(from_)
        row = inspections.add(
            lg, topic=topic, lead=lead, members=with_ or [], method=m, targets=target or [],
            start=start, end=lg.date(to, base=start) if to else None, plan=plan,
            items=item or [], approved_by=approved_by,
            approved_on=lg.maybe_date(approved_on),
            approval_ref=approval_ref)
    st.emit([row], INSPECT_COLS)


@app.command("list")
def inspect_list(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(
        callback=checked_year, help="Only inspections numbered in this year.")]
    = None,
    unit: Annotated[str | None, typer.Option(
        help="Only those this unit led, joined or was inspected by.")] = None,
) -> None:
    """List inspections by start date.

    Example: duchá inspect list --unit kongtong -f csv
    """
    from duchá.services import inspections

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = inspections.list_rows(lg, year=year, unit=unit)
    st.emit(rows, INSPECT_COLS, title="inspections")


@app.command("show")
def inspect_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
) -> None:
    """Show an inspection: organizers, targets, items, approval and report.

    Example: duchá inspect show DC-2026-001 -f json
    """
    from duchá.services import inspections

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rec = inspections.show(lg, number)
    st.emit_record(rec, SHOW_COLS, title=f"{rec['number']} {rec['topic']}")


@app.command("finish")
def inspect_finish(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    on: Annotated[str | None, typer.Option(help="Date it ended (default: as-of).")] = None,
) -> None:
    """Mark an inspection finished (its plan entry becomes done).

    Example: duchá inspect finish DC-2026-006 --on 2026-11-25
    """
    from duchá.services import inspections

    st = state(ctx)
    with st.ledger() as lg:
        row = inspections.finish(lg, number, on=lg.day(on))
    st.emit([row], INSPECT_COLS)


@app.command("report")
def inspect_report(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    summary: Annotated[str, typer.Option(help="What the report says (督查情况报告).")],
    approved_by: Annotated[str, typer.Option(help="Who approved the report.")],
    approved_on: Annotated[str, typer.Option(help="Date it was approved.")],
    circulated_on: Annotated[str | None, typer.Option(
        help="Date it was circulated (通报).")] = None,
) -> None:
    """Record an inspection's approved report and its circulation.

    Example: duchá inspect report DC-2026-008 --summary "发现问题5个" --approved-by 张市长
    --approved-on 2026-10-08 --circulated-on 2026-10-10
    """
    from duchá.services import inspections

    st = state(ctx)
    with st.ledger() as lg:
        row = inspections.report(
            lg, number, summary=summary, approved_by=approved_by,
            approved_on=lg.date(approved_on),
            circulated_on=lg.maybe_date(circulated_on))
    st.emit([row], SHOW_COLS)
