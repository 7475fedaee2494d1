"""Typer sub-apps, one module per area.  Commands parse, call one service, and render."""

from __future__ import annotations

from typing import Any

import typer

from duchá.state import State


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
