"""Shell completion: the scripts for bash, zsh and fish, and the values a ledger offers
(unit codes, record numbers) while a command line is typed.

The scripts call duchá with `_DUCHA_COMPLETE` set (an ASCII name, as shells need; Typer's
own would be derived from the program name, `_DUCHÁ_COMPLETE`), and register one completion
function for both program names, `duchá` and `ducha`.  Completing never fails aloud: a
missing or unreadable ledger completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from duchá.commands import COMPLETE_VAR

SHELLS = ("bash", "zsh", "fish")
LIMIT = 200  # values offered at most: a shell lists them all


def script(shell: str) -> str:
    """The completion script for `shell`, for both program names."""
    from typer._completion_shared import get_completion_script

    from duchá.errors import BadInput

    if shell not in SHELLS:
        raise BadInput(f"unknown shell '{shell}'; use one of: {', '.join(SHELLS)}")
    text = get_completion_script(prog_name="ducha", complete_var=COMPLETE_VAR, shell=shell)
    if shell == "bash":
        text += "\ncomplete -o default -F _ducha_completion duchá\n"
    elif shell == "zsh":
        text += "\ncompdef _ducha_completion duchá\n"
    else:
        text += "\n" + text.replace("--command ducha ", "--command duchá ") + "\n"
    return text


def install(shell: str, home: Path) -> Path:
    """Write the script where `shell` reads completions and have its start-up file load it
    (once); the path written."""
    text = script(shell)
    if shell == "fish":
        path = home / ".config" / "fish" / "completions" / "ducha.fish"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
    path = home / (".bash_completions" if shell == "bash" else ".zfunc") / "ducha.sh"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    rc = home / (".bashrc" if shell == "bash" else ".zshrc")
    line = f"source '{path}'"
    if shell == "zsh":
        line = f"autoload -Uz compinit && compinit\n{line}"
    old = rc.read_text(encoding="utf-8") if rc.exists() else ""
    if f"source '{path}'" not in old:
        rc.write_text(old + ("" if old.endswith("\n") or not old else "\n") + line + "\n",
                      encoding="utf-8")
    return path


def _ledger_values(ctx: Any, read: Callable[[Any], list[str]], incomplete: str) -> list[str]:
    from duchá.commands.context import State

    root = ctx.find_root()
    db = root.params.get("db")
    try:
        from duchá.db import open_ledger, session_scope
        from duchá.services.ledger import Ledger

        state = State(db=db, as_of_text=None, fmt_text=None, output=None, encoding=None,
                      actor_text=None, debug=False)
        engine = open_ledger(state.location, notify=lambda _message: None)
        with session_scope(engine, write=False) as session:
            values = read(Ledger(session=session, actor="", today=state.as_of))
    except Exception:  # completion offers nothing rather than an error mid-line
        return []
    low = incomplete.lower()
    return [v for v in values if v.lower().startswith(low)][:LIMIT]


def units(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Unit codes, then full names (the clerk may start typing either)."""
    from duchá.services import units as unit_service

    def read(lg: Any) -> list[str]:
        rows = unit_service.list_rows(lg)
        return [r["code"] for r in rows] + [r["name"] for r in rows]

    return _ledger_values(ctx, read, incomplete)


def numbers(table: str) -> Callable[[Any, Any, str], list[str]]:
    """Record numbers of `table` (items, plans, inspections, findings), newest first."""
    from duchá.services import numbers as number_service

    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        return _ledger_values(ctx, lambda lg: number_service.all_numbers(lg, table),
                              incomplete)

    return complete
