"""What items and findings share on the command line: extensions (延期) and accountability
(问责), which hang off either kind of record (`item extend`, `finding extend`, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from duchá.commands import state
from duchá.errors import BadInput
from duchá.output import Col, cols

EXTENSION_COLS = cols("requested_on:申请日期 old_due:原时限 to_date:延至 reason:理由 "
                      "decision:结果:EXTENSION_STATUS decided_by:审批人 decided_on:审批日期")
EXTEND_COLS = [*cols("number:编号 due:整改时限"), *EXTENSION_COLS]
ACCOUNT_COLS = cols("who:对象 measure:措施 basis:依据 on:日期")
ACCOUNT_ROW_COLS = [*cols("number:编号"), *ACCOUNT_COLS]
ACCOUNT_LIST_COLS = cols("subject:对象记录 unit:单位:unit who:对象 measure:措施 basis:依据 "
                         "on:日期")
# The weekly cycle's sections of `item show` and `finding show`.
REMINDER_COLS = cols("notice:文号 kind:类型:NOTICE level:步骤:NOTICE_LEVEL on:日期 "
                     "reply_by:回复期限")
FEEDBACK_COLS = cols("form:表号 on:日期 progress:本期进展 percent:完成进度 claim:申请办结:YES_NO "
                     "done_on:完成日期 evidence:佐证材料 coordination:需协调解决的问题 flag:标记")

# The options of `item extend` and `finding extend`, then of `item account` and `finding account`.
To = Annotated[str | None, typer.Option(help="The new due date asked for.")]
Reason = Annotated[str | None, typer.Option(help="Why more time is needed.")]
Approve = Annotated[bool, typer.Option("--approve", help="Approve the pending one.")]
Reject = Annotated[bool, typer.Option("--reject", help="Reject the pending one.")]
By = Annotated[str | None, typer.Option(help="Who decided (with --approve/--reject).")]
AskedOn = Annotated[str | None, typer.Option(help="Date asked or decided (default: as-of).")]
Who = Annotated[str | None, typer.Option(help="Who is held accountable.")]
Measure = Annotated[str | None, typer.Option(help="The measure (约谈, 通报批评...).")]
Basis = Annotated[str | None, typer.Option(help="The rule or document it rests on.")]
MeasureOn = Annotated[str | None, typer.Option(help="Date of the measure (default: as-of).")]


def extend(ctx: typer.Context, kind: str, number: str, *, to: str | None, reason: str | None,
           approve: bool, reject: bool, by: str | None, on: str | None) -> None:
    """Shared by `finding extend` and `item extend`."""
    from duchá.services import extensions

    st = state(ctx)
    if approve and reject:
        raise BadInput("give --approve or --reject, not both")
    deciding = approve or reject
    if deciding and (to or reason):
        raise BadInput("--to/--reason ask for an extension; --approve/--reject decide one: "
                       "not both in one command")
    if not deciding and (not to or not reason):
        raise BadInput(f"give --to DATE and --reason TEXT to ask for an extension, or "
                       f"--approve/--reject --by NAME to decide one "
                       f"(`duchá {kind} extend --help`)")
    if deciding and not by:
        raise BadInput("give --by NAME: who decided the extension")
    with st.ledger() as lg:
        day = lg.day(on)
        if deciding:
            row = extensions.decide(lg, kind, number, approve=approve, by=by or "", on=day)
        else:
            row = extensions.request(lg, kind, number, to=lg.date(to or "", base=day),
                                     reason=reason or "", on=day)
    st.emit([row], EXTEND_COLS)


def account(ctx: typer.Context, kind: str, number: str | None, *, who: str | None,
            measure: str | None, basis: str | None, on: str | None) -> None:
    """Shared by `finding account` and `item account`."""
    from duchá.services import extensions

    st = state(ctx)
    if number is None:
        if who or measure or basis or on:
            raise BadInput(f"give the {kind} number to record accountability against")
        with st.ledger(write=False) as lg:
            rows = extensions.accountability_rows(lg)
        st.emit(rows, ACCOUNT_LIST_COLS, title="accountability")
        return
    if not (who and measure and basis):
        raise BadInput("give --who, --measure and --basis (and --on) to record accountability")
    with st.ledger() as lg:
        row = extensions.account(lg, kind, number, who=who, measure=measure, basis=basis,
                                 on=lg.day(on))
    st.emit([row], ACCOUNT_ROW_COLS)


def show(ctx: typer.Context, kind: str, number: str, fields: Sequence[Col], title: str,
         own: tuple[str, Sequence[Col]]) -> None:
    """Shared by `finding show` and `item show`: the record (titled by its number and the
    field `title`), then its sections: its `own` first, then those attached to either kind."""
    from duchá.services import details

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rec, sections = (details.item_show if kind == "item" else details.finding_show)(
            lg, number)
    layout = {own[0]: own[1], "extensions": EXTENSION_COLS, "accountability": ACCOUNT_COLS,
              "reminders": REMINDER_COLS, "feedback": FEEDBACK_COLS}
    st.emit_record(rec, fields, title=f"{rec['number']} {rec[title]}",
                   sections=[(name, layout[name], rows) for name, rows in sections])
