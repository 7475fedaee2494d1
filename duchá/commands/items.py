"""`duchá item ...`: supervision items (督办事项) and their progress."""

from typing import Annotated

import typer

from duchá.commands import attached, state, sub_app
from duchá.commands.attached import account, extend, show
from duchá.output import cols

app = sub_app("Supervision items (督办事项).\n\nExample: duchá item list --overdue")

ITEM_COLS = cols(
    "number:编号 title:事项 category:类别:CATEGORY lead_unit:牵头单位:unit units:责任单位:units "
    "assigned:交办日期 due:落实时限::长期 status:状态:ITEM_STATUS closed_on:办结日期 "
    "last_progress:最近进展 light:灯:LIGHT"
)
SHOW_COLS = [*cols(
    "number:编号 title:事项 category:类别:CATEGORY source:来源 leader:责任领导 "
    "lead_unit:牵头单位:unit units:责任单位:units assigned:交办日期 due:落实时限::长期 "
    "status:状态:ITEM_STATUS closed_on:办结日期 cancel_reason:撤销原因 remarks:备注 "
    "last_progress:最近进展 percent:完成百分比 days_overdue:逾期天数 light:灯:LIGHT"
)]
PROGRESS_COLS = cols("on:日期 text:进展 percent:百分比")


@app.command("add")
def item_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What must be done.")],
    category: Annotated[str, typer.Option(
        "--category", "-c", help="policy, decision, meeting, target, proposal, instruction, "
        "visit, assigned, or the Chinese name (批示, 建议提案, ...).")],
    lead: Annotated[str, typer.Option(help="Lead unit (牵头单位): code or name.")],
    due: Annotated[str, typer.Option(
        help="Due date (落实时限): 2026-12-31, +30d, +10wd, or as 台账 write it: 6月底前, "
        "年底前, 三季度, 长期 (long-term: no due date).")],
    unit: Annotated[list[str] | None, typer.Option(
        "--unit", "-u", help="A responsible unit (责任单位); repeat for more.")] = None,
    assigned: Annotated[str | None, typer.Option(
        help="Assigned date (default: the as-of date).")] = None,
    source: Annotated[str | None, typer.Option(
        help="Document number, meeting or instruction.")] = None,
    leader: Annotated[str | None, typer.Option(help="Responsible leader.")] = None,
) -> None:
    """Register an item under supervision.

    Example: duchá item add "推进城区供热管网改造" -c meeting --lead zjj -u fgw --due +30d
    """
    from duchá.services import items
    from duchá.vocab import CATEGORY

    st = state(ctx)
    cat = CATEGORY.parse(category)
    with st.ledger() as lg:
        start = lg.day(assigned)
        row = items.add(lg, title=title, category=cat, lead=lead, responsible=unit or [],
                        assigned=start, due=lg.deadline(due, base=start), source=source,
                        leader=leader)
    st.emit([row], ITEM_COLS)


@app.command("list")
def item_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="open, done or cancelled.")] = None,
    unit: Annotated[str | None, typer.Option(help="Items this unit leads or shares.")] = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help="A category.")] = None,
    due_before: Annotated[str | None, typer.Option(help="Due before this date.")] = None,
    overdue: Annotated[bool, typer.Option(help="Only open items past due as of --as-of.")] = False,
    search: Annotated[str | None, typer.Option(help="Text in the title or source.")] = None,
    light: Annotated[str | None, typer.Option(
        help="red (past due), yellow (due soon or behind schedule) or green, as of --as-of."
    )] = None,
    all_: Annotated[bool, typer.Option(
        "--all", help="Done and cancelled items too, after the open ones.")] = False,
) -> None:
    """List the open items (all with --all or --status), by due date, each with its light
    (红黄绿灯) as of --as-of.

    Example: duchá item list --unit 崆峒 --overdue -f csv
    """
    from duchá.services import items
    from duchá.vocab import CATEGORY, ITEM_STATUS, LIGHT

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = items.query(
            lg, status=ITEM_STATUS.parse(status) if status else None, unit=unit,
            category=CATEGORY.parse(category) if category else None,
            due_before=lg.maybe_date(due_before), overdue=overdue,
            search=search, light=LIGHT.parse(light) if light else None,
            unfinished=not all_ and status is None)
    st.emit(rows, ITEM_COLS, title="items")


@app.command("show")
def item_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DB-2026-0001 or the bare sequence number.")],
) -> None:
    """Show an item, its units and its whole progress history, extensions, accountability,
    the notices that chased it (催办, 督办) and the units' answers on their feedback forms.

    Example: duchá item show DB-2026-0001 -f json
    """
    show(ctx, "item", number, SHOW_COLS, "title", ("progress", PROGRESS_COLS))


@app.command("edit")
def item_edit(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DB-2026-0001 or the bare sequence number.")],
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help="New category.")] = None,
    lead: Annotated[str | None, typer.Option(help="New lead unit.")] = None,
    unit: Annotated[list[str] | None, typer.Option(
        "--unit", "-u", help="Responsible units (replaces the list); repeat for more.")] = None,
    assigned: Annotated[str | None, typer.Option(help="New assigned date.")] = None,
    due: Annotated[str | None, typer.Option(
        help="Corrected due date (6月底前, 长期 ... as for `item add`).")] = None,
    source: Annotated[str | None, typer.Option(help="New source.")] = None,
    leader: Annotated[str | None, typer.Option(help="New responsible leader.")] = None,
) -> None:
    """Correct an item's details (every change is kept in the history).

    Example: duchá item edit 12 --leader 张副市长 -u fgw -u czj
    """
    from duchá.services import items
    from duchá.vocab import CATEGORY

    st = state(ctx)
    cat = CATEGORY.parse(category) if category else None
    with st.ledger() as lg:
        start = lg.maybe_date(assigned)
        base = start or items.get(lg, number).assigned
        new_due = lg.deadline(due, base=base) if due else None
        row = items.edit(lg, number, title=title, category=cat, lead=lead, responsible=unit,
                         assigned=start, due=new_due, long_term=bool(due) and new_due is None,
                         source=source, leader=leader)
    st.emit([row], ITEM_COLS)


@app.command("progress")
def item_progress(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DB-2026-0001 or the bare sequence number.")],
    text: Annotated[str, typer.Argument(help="What was done (进展动态).")],
    on: Annotated[str | None, typer.Option(help="Date of the progress (default: as-of).")] = None,
    percent: Annotated[int | None, typer.Option(help="Percent complete, 0-100.")] = None,
) -> None:
    """Record a dated progress note on an open item.

    Example: duchá item progress 12 "完成管网招标" --percent 40 --on 2026-11-20
    """
    from duchá.services import items

    st = state(ctx)
    with st.ledger() as lg:
        row = items.progress(lg, number, text=text, on=lg.day(on),
                             percent=percent)
    st.emit([row], cols("number:编号 on:日期 text:进展 percent:百分比"))


@app.command("close")
def item_close(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DB-2026-0001 or the bare sequence number.")],
    on: Annotated[str | None, typer.Option(help="Date closed (default: as-of).")] = None,
) -> None:
    """Close an item as done (办结销号).

    Example: duchá item close DB-2026-0012 --on 2026-11-28
    """
    from duchá.services import items

    st = state(ctx)
    with st.ledger() as lg:
        row = items.close(lg, number, on=lg.day(on))
    st.emit([row], ITEM_COLS)


@app.command("reopen")
def item_reopen(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DB-2026-0001 or the bare sequence number.")],
) -> None:
    """Reopen a done or cancelled item.

    Example: duchá item reopen 12
    """
    from duchá.services import items

    st = state(ctx)
    with st.ledger() as lg:
        row = items.reopen(lg, number)
    st.emit([row], ITEM_COLS)


@app.command("cancel")
def item_cancel(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DB-2026-0001 or the bare sequence number.")],
    reason: Annotated[str, typer.Option(help="Why the item is cancelled.")],
) -> None:
    """Cancel an open item (撤销), with the reason.

    Example: duchá item cancel 9 --reason "并入DB-2026-0003"
    """
    from duchá.services import items

    st = state(ctx)
    with st.ledger() as lg:
        row = items.cancel(lg, number, reason=reason)
    st.emit([row], ITEM_COLS)


@app.command("extend")
def item_extend(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="DB-2026-0001 or the bare sequence number.")],
    to: attached.To = None, reason: attached.Reason = None, approve: attached.Approve = False,
    reject: attached.Reject = False, by: attached.By = None, on: attached.AskedOn = None,
) -> None:
    """Ask for an extension (延期) before the due date, or decide the pending one.

    Example: duchá item extend 12 --to 2027-03-31 --reason "冬季停工" ; duchá item extend 12
    --approve --by 张市长
    """
    extend(ctx, "item", number, to=to, reason=reason, approve=approve, reject=reject, by=by,
            on=on)


@app.command("account")
def item_account(
    ctx: typer.Context,
    number: Annotated[str | None, typer.Argument(
        help="DB-2026-0001 or the bare sequence number.  Without it: list every "
        "accountability record.")] = None,
    who: attached.Who = None, measure: attached.Measure = None, basis: attached.Basis = None,
    on: attached.MeasureOn = None,
) -> None:
    """Record accountability (问责) over an item; without a number, list (export) them all.

    Example: duchá item account 12 --who 某局 --measure 通报批评 --basis 平政办发〔2019〕1号
    """
    account(ctx, "item", number, who=who, measure=measure, basis=basis, on=on)
