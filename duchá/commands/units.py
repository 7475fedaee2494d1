"""`duchá unit ...`: the units (单位) the office supervises and that organize inspections."""

from typing import Annotated

import typer

from duchá.commands import state, sub_app
from duchá.output import cols

app = sub_app("Units (单位): counties, departments and agencies.\n\nExample: duchá unit list")

UNIT_COLS = cols("code:代码 name:名称 short_name:简称 kind:类型:UNIT_KIND parent:上级:unit")
SHORT_HELP = ("Short name (简称) that Chinese output shows, e.g. 住建局 (default: derived from "
              "the full name: 平凉市崆峒区人民政府 -> 崆峒区).")


@app.command("add")
def unit_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Short code, e.g. fgw.")],
    name: Annotated[str, typer.Argument(help="Full name, e.g. 平凉市发展和改革委员会.")],
    kind: Annotated[str, typer.Option(
        help="county, department, agency or other (县区/部门/驻市单位).")] = "other",
    parent: Annotated[str | None, typer.Option(help="Parent unit (code or name).")] = None,
    short: Annotated[str | None, typer.Option("--short", help=SHORT_HELP)] = None,
) -> None:
    """Add a unit.

    Example: duchá unit add tjj 平凉市统计局 --short 统计局 --kind department
    """
    from duchá.services import units
    from duchá.vocab import UNIT_KIND

    st = state(ctx)
    kind_code = UNIT_KIND.parse(kind)
    with st.ledger() as lg:
        row = units.add(lg, code=code, name=name, kind=kind_code, parent=parent, short=short)
    st.emit([row], UNIT_COLS)


@app.command("list")
def unit_list(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="Only units of this kind.")] = None,
) -> None:
    """List the units.

    Example: duchá unit list --kind county -f csv
    """
    from duchá.services import units
    from duchá.vocab import UNIT_KIND

    st = state(ctx)
    kind_code = UNIT_KIND.parse(kind) if kind else None
    with st.ledger(write=False) as lg:
        rows = units.list_rows(lg, kind=kind_code)
    st.emit(rows, UNIT_COLS, title="units")


@app.command("show")
def unit_show(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="Code, full name or an unambiguous part.")],
) -> None:
    """Show a unit and the items it leads or shares.

    Example: duchá unit show 发改委
    """
    from duchá.services import units

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rec, items = units.show(lg, unit)
    st.emit_record(rec, UNIT_COLS, title=rec["name"], sections=[
        ("items", cols("number:编号 title:事项 role:角色:UNIT_ROLE due:落实时限 "
                       "status:状态:ITEM_STATUS"), items)])


@app.command("edit")
def unit_edit(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="Code, full name or an unambiguous part.")],
    code: Annotated[str | None, typer.Option(help="New code.")] = None,
    name: Annotated[str | None, typer.Option(help="New full name.")] = None,
    kind: Annotated[str | None, typer.Option(help="New kind.")] = None,
    parent: Annotated[str | None, typer.Option(help="New parent unit.")] = None,
    short: Annotated[str | None, typer.Option(
        "--short", help="New short name (简称), e.g. 发改委; --short '' goes back to the "
        "derived one.")] = None,
) -> None:
    """Change a unit's code, name, short name, kind or parent.

    Example: duchá unit edit fgw --short 发改委
    """
    from duchá.services import units
    from duchá.vocab import UNIT_KIND

    st = state(ctx)
    kind_code = UNIT_KIND.parse(kind) if kind else None
    with st.ledger() as lg:
        row = units.edit(lg, unit, code=code, name=name, kind=kind_code, parent=parent,
                         short=short)
    st.emit([row], UNIT_COLS)
