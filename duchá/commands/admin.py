"""`duchá init`, `duchá demo` and `duchá config ...`: the ledger itself and its settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from duchá.commands import state, sub_app
from duchá.output import cols

config_app = sub_app("Settings: the rules' thresholds.\n\nExample: duchá config list")

SETTING_COLS = cols("key:设置 value:值 default:默认 help:说明")
SUMMARY_COLS = cols("category:类别 name:名称 open:在办 overdue:逾期 done:办结 "
                    "cancelled:撤销 total:合计")
OVERDUE_COLS = cols("number:编号 title:事项 lead_unit:牵头单位 due:落实时限 "
                    "days_overdue:逾期天数 last_progress:最近进展")


def init(ctx: typer.Context) -> None:
    """Create a new, empty ledger (readable only by you).

    Example: duchá --db office.db init
    """
    from duchá.db import create_ledger

    st = state(ctx)
    loc = st.location
    create_ledger(loc)
    st.info(f"created ledger {loc}")


def demo(
    ctx: typer.Context,
) -> None:
    """Build a sample ledger of a prefecture-level city and show its state.

    The sample lives in its own file (the user data directory's demo.db, made anew each
    run), never in your ledger, unless --db names a new file for it.

    Example: duchá demo --as-of 2026-11-30
    """
    from duchá import check, items
    from duchá import demo as sample
    from duchá.commands.checks import CHECK_COLS
    from duchá.db import create_ledger, default_path, dispose_all, locate

    st = state(ctx)
    as_of = st.as_of
    _ = st.fmt
    if st.db:
        loc = locate(st.db)
    else:
        path = default_path().with_name("demo.db")
        dispose_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        loc = locate(str(path))
        st.db = str(path)
    create_ledger(loc)
    with st.ledger() as lg:
        sample.build(lg)
    with st.ledger(write=False) as lg:
        summary = items.counts(lg)
        overdue = items.query(lg, overdue=True)
        violations = check.run(lg)
    overdue.sort(key=lambda r: -r["days_overdue"])
    st.emit_sections([
        ("summary", SUMMARY_COLS, summary),
        ("overdue", OVERDUE_COLS, overdue),
        ("check", CHECK_COLS, violations),
    ])
    _closing(st.info, str(loc), as_of.isoformat())


def _closing(say: Callable[[str], None], where: str, as_of: str) -> None:
    """Where the sample is and what to try next: on stderr, so stdout stays clean CSV."""
    import shlex

    db = shlex.quote(where)
    say(f"sample ledger: {where} (as of {as_of})")
    say("try:")
    for command in (f"report status --as-of {as_of}",
                    f"report overdue --as-of {as_of} --fail-on red",
                    "export -f xlsx -o demo.xlsx --headers zh"):
        say(f"  duchá --db {db} {command}")


def config_list(ctx: typer.Context) -> None:
    """List every setting with its value and default.

    Example: duchá config list -f csv
    """
    from duchá import settings

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = settings.rows(lg)
    st.emit(rows, SETTING_COLS, title="settings")


def config_get(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="A setting, e.g. multi_headed.days.")],
) -> None:
    """Print one setting's value.

    Example: duchá config get repeat_inspection.days
    """
    from duchá import settings

    st = state(ctx)
    with st.ledger(write=False) as lg:
        value = settings.get(lg, key)
    typer.echo(value)


def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="A setting, e.g. multi_headed.days.")],
    value: Annotated[str, typer.Argument(help="Its new value.")],
) -> None:
    """Change a setting (validated against its range).

    Example: duchá config set multi_headed.days 45
    """
    from duchá import settings

    st = state(ctx)
    with st.ledger() as lg:
        row = settings.set_value(lg, key, value)
    st.emit([row], SETTING_COLS)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    config_app.command("list")(config_list)
    config_app.command("get")(config_get)
    config_app.command("set")(config_set)
    app.add_typer(config_app, name="config")
