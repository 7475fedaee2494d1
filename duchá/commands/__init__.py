"""Typer sub-apps, one module per area.  Commands parse, call one service, and render."""

from typing import Any

import typer

from duchá.commands.context import State

# The variable a shell's completion script sets when it asks duchá what may come next
# (commands/completion.py writes the scripts).  ASCII: shells take no other names.
COMPLETE_VAR = "_DUCHA_COMPLETE"


def state(ctx: typer.Context) -> State:
    """The root's State (reached from any depth of sub-command)."""
    root = ctx.find_root()
    obj: Any = root.obj
    if not isinstance(obj, State):
        obj = State()
        root.obj = obj
    return obj


def sub_app(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None,
                       add_completion=False)


def checked_year(param: typer.CallbackParam, value: int | None) -> int | None:
    """A year option's callback: a year near today (a typo like 9223372036854775808 would
    otherwise reach the database as an integer it cannot store)."""
    if value is None:
        return None
    from datetime import date

    from duchá.dates import check_year
    from duchá.errors import BadInput

    try:
        return check_year(value, date.today())
    except BadInput as exc:
        name = param.opts[0] if param.opts and param.opts[0].startswith("-") else "YEAR"
        raise BadInput(f"{name}: {exc.message}") from None
