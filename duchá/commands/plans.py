"""`duchá plan ...`: the annual inspection plan (年度督查计划) and its reduction quotas."""

from typing import Annotated

import typer

from duchá.commands import checked_year, state, sub_app
from duchá.output import cols

app = sub_app("The annual inspection plan (年度督查计划) and its quotas.\n\n"
              "Example: duchá plan list --year 2026")
quota_app = sub_app("Reduction quotas per plan year (压减计划).\n\n"
                    "Example: duchá plan quota set 2027 --reduction 50%")
app.add_typer(quota_app, name="quota")

PLAN_COLS = cols(
    "number:编号 year:年度 organizer:组织单位:unit title:名称 kind:类型:PLAN_KIND "
    "method:方式:METHOD targets:对象:units start:开始 end:结束 planned:计划内:YES_NO "
    "approved_on:审批日期 status:状态:PLAN_STATUS"
)
SHOW_COLS = cols(
    "number:编号 year:年度 organizer:组织单位:unit title:名称 kind:类型:PLAN_KIND "
    "method:方式:METHOD targets:对象:units start:开始 end:结束 planned:计划内:YES_NO "
    "approver:审批人 approved_on:审批日期 approval_ref:审批文号 status:状态:PLAN_STATUS "
    "cancel_reason:取消原因"
)
DONE_COLS = cols("number:编号 topic:主题 start:开始 end:结束")
QUOTA_COLS = cols("year:年度 baseline:基数 reduction:压减比例 allowed:允许 used:已用 "
                  "headroom:余量")


@app.command("add")
def plan_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The activity's title.")],
    year: Annotated[int, typer.Option(
        callback=checked_year, help="Plan year.")],
    organizer: Annotated[str, typer.Option(help="Organizing unit (组织单位): code or name.")],
    kind: Annotated[str, typer.Option(
        help="comprehensive, special, assessment, evaluation, other (or 综合, 专项...).")],
    method: Annotated[str | None, typer.Option(
        help="self-check, written, on-site, third-party, unannounced (or 实地, 暗访...).")] = None,
    target: Annotated[list[str] | None, typer.Option(
        "--target", "-t", help="A unit to inspect; repeat for more.")] = None,
    from_: Annotated[str | None, typer.Option(
        "--from", help="Window start: a date or a month (2026-03).")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="Window end: a date or a month (a month means its last day).")] = None,
    unplanned: Annotated[bool, typer.Option(
        help="Outside the approved annual plan: needs `plan approve`.")] = False,
) -> None:
    """Add an entry to a year's inspection plan (warns when it passes the quota).

    Example: duchá plan add "营商环境专项督查" --year 2026 --organizer fgw --kind special
    -t kongtong --unplanned
    """
    from duchá.services import plans
    from duchá.vocab import METHOD, PLAN_KIND

    st = state(ctx)
    k = PLAN_KIND.parse(kind)
    m = METHOD.parse(method) if method else None
    with st.ledger() as lg:
        start, end = plans.window(lg, from_, to)
        row = plans.add(lg, title=title, year=year, organizer=organizer, kind=k, method=m,
                        targets=target or [], start=start, end=end, unplanned=unplanned)
    st.emit([row], PLAN_COLS)


@app.command("list")
def plan_list(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(
        callback=checked_year, help="Only this plan year.")] = None,
    organizer: Annotated[str | None, typer.Option(help="Only this organizing unit.")] = None,
) -> None:
    """List plan entries by year and number.

    Example: duchá plan list --year 2026 --organizer fgw -f csv
    """
    from duchá.services import plans

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = plans.list_rows(lg, year=year, organizer=organizer)
    st.emit(rows, PLAN_COLS, title="plan")


@app.command("show")
def plan_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="JH-2026-001 or the bare sequence number.")],
) -> None:
    """Show a plan entry and the inspections carried out under it.

    Example: duchá plan show JH-2026-001 -f json
    """
    from duchá.services import plans

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rec, done = plans.show(lg, number)
    st.emit_record(rec, SHOW_COLS, title=f"{rec['number']} {rec['title']}",
                   sections=[("inspections", DONE_COLS, done)])


@app.command("approve")
def plan_approve(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="JH-2026-001 or the bare sequence number.")],
    by: Annotated[str, typer.Option(help="Who approved it.")],
    on: Annotated[str, typer.Option(help="Date of the approval.")],
    ref: Annotated[str, typer.Option(help="Document number of the approval and filing.")],
) -> None:
    """Record the approval and filing (审批报备) of an unplanned entry.

    Example: duchá plan approve JH-2026-008 --by 张市长 --on 2026-11-30 --ref 平政办〔2026〕12号
    """
    from duchá.services import plans

    st = state(ctx)
    with st.ledger() as lg:
        row = plans.approve(lg, number, by=by, on=lg.date(on), doc=ref)
    st.emit([row], SHOW_COLS)


@app.command("cancel")
def plan_cancel(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="JH-2026-001 or the bare sequence number.")],
    reason: Annotated[str, typer.Option(help="Why the entry is cancelled.")],
) -> None:
    """Cancel a plan entry (it no longer counts against the quota).

    Example: duchá plan cancel JH-2026-007 --reason "并入联合督查"
    """
    from duchá.services import plans

    st = state(ctx)
    with st.ledger() as lg:
        row = plans.cancel(lg, number, reason=reason)
    st.emit([row], SHOW_COLS)


@quota_app.command("set")
def quota_set(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(
        callback=checked_year, help="The plan year.")],
    max_count: Annotated[int | None, typer.Option(
        "--max", help="Allowed number of entries.")] = None,
    reduction: Annotated[str | None, typer.Option(
        help="Cut from the previous year's count, e.g. 50%.")] = None,
    baseline: Annotated[int | None, typer.Option(
        help="The previous year's count when that year is not in the ledger.")] = None,
) -> None:
    """Set a year's quota: a maximum, or a reduction from the year before.

    Example: duchá plan quota set 2027 --reduction 50%
    """
    from duchá.services import plans

    st = state(ctx)
    with st.ledger() as lg:
        row = plans.quota_set(lg, year, max_count=max_count, reduction=reduction,
                              baseline=baseline)
    st.emit([row], QUOTA_COLS)


@quota_app.command("show")
def quota_show(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Argument(
        callback=checked_year, help="One year (default: every quota).")] = None,
) -> None:
    """Show baseline, reduction, allowed, used and headroom per year.

    Example: duchá plan quota show 2027 -f csv
    """
    from duchá.services import plans

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = plans.quota_rows(lg, year)
    st.emit(rows, QUOTA_COLS, title="quota")
