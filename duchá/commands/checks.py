"""`duchá check`: run the rules and list every violation (exit 1 on errors)."""

import sys
from typing import Annotated

import typer

from duchá import words
from duchá.commands import state
from duchá.output import cols

CHECK_COLS = cols("rule:规则 level:级别:CHECK_LEVEL subject:对象 unit:单位:unit message:说明 "
                  "light:灯:LIGHT")


def check(
    ctx: typer.Context,
    rule: Annotated[list[str] | None, typer.Option(
        "--rule", "-r", metavar="CODE",
        help="Only this rule, e.g. plan-quota, multi-headed, item-overdue (repeat for more); "
        "default: every rule.")] = None,
    strict: Annotated[bool, typer.Option(
        help="Exit 1 on warnings too, not only on errors.")] = False,
) -> None:
    """Check the ledger against the rules; exit 1 when any error-level violation exists.

    Example: duchá check --as-of 2026-11-30 --rule plan-quota --rule multi-headed -f csv
    """
    from duchá.checks import run as runner

    st = state(ctx)
    only = runner.parse_codes(rule)
    with st.ledger(write=False) as lg:
        rows = runner.run(lg, only)
    st.emit(rows, CHECK_COLS, title="check")
    count = {lvl: sum(1 for r in rows if r["level"] == lvl) for lvl in ("error", "warning",
                                                                        "info")}
    if sys.stderr.isatty():
        st.info(f"{words.count(count['error'], 'error')}, "
                f"{words.count(count['warning'], 'warning')}, {words.count(count['info'], 'note')} "
                f"as of {st.as_of}")
    if count["error"] or (strict and count["warning"]):
        raise typer.Exit(1)
