"""`duchá init`, `duchá demo` and `duchá config ...`: the ledger itself and its settings."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from duchá.commands import checked_year, state, sub_app
from duchá.errors import BadInput
from duchá.output import cols

config_app = sub_app("Settings: the rules' thresholds, and local working days.\n\n"
                     "Example: duchá config list")

SETTING_COLS = cols("key:设置 value:值 default:默认 help:说明")
SUMMARY_COLS = cols("category:类别:CATEGORY name:名称 open:在办 overdue:逾期 done:办结 "
                    "cancelled:撤销 total:合计")
OVERDUE_COLS = cols("number:编号 title:事项 lead_unit:牵头单位:unit due:落实时限 "
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
    files: Annotated[Path | None, typer.Option(
        "--files", metavar="DIR", help="Also write the sample's documents into this folder: "
        "督查周报.docx, 通报.docx and 督查情况报告.docx (official documents, GB/T 9704) and "
        "逾期.xlsx (the overdue list, lights as coloured cells).")] = None,
) -> None:
    """Build a sample ledger of a prefecture-level city and show its state.

    The sample lives in its own file (the user data directory's demo.db, made anew each
    run), never in your ledger, unless --db names a new file for it.  --files DIR writes
    the documents an office hands on, made from it.

    Example: duchá demo --as-of 2026-11-30 --files .
    """
    from duchá.checks import run as check
    from duchá.commands.checks import CHECK_COLS
    from duchá.commands.reports import office_files
    from duchá.db import create_ledger, default_path, dispose_all, locate
    from duchá.services import demo as sample
    from duchá.services import items

    st = state(ctx)
    as_of = st.as_of
    _ = st.fmt
    if files is not None and not files.is_dir():
        raise BadInput(f"--files: no folder {files}; create it or name another")
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
        made = office_files(lg, sample.REPORTED_INSPECTION) if files is not None else {}
    overdue.sort(key=lambda r: -r["days_overdue"])
    st.emit_sections([
        ("summary", SUMMARY_COLS, summary),
        ("overdue", OVERDUE_COLS, overdue),
        ("check", CHECK_COLS, violations),
    ])
    _closing(st.info, str(loc), as_of.isoformat())
    if files is not None:
        from duchá.storage import outfile

        for name, data in made.items():
            outfile.write(files / name, data)
        st.info(f"documents: {', '.join(str(files / name) for name in made)}")


def _closing(say: Callable[[str], None], where: str, as_of: str) -> None:
    """Where the sample is and what to try next: on stderr, so stdout stays clean CSV."""
    import shlex

    db = shlex.quote(where)
    say(f"sample ledger: {where} (as of {as_of})")
    say("try:")
    for command in (f"report status --as-of {as_of}",
                    f"report overdue --as-of {as_of} --fail-on red",
                    "export -f xlsx -o demo.xlsx --lang zh"):
        say(f"  duchá --db {db} {command}")


def config_list(ctx: typer.Context) -> None:
    """List every setting with its value and default.

    Example: duchá config list -f csv
    """
    from duchá.services import settings

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
    from duchá.services import settings

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
    from duchá.services import settings

    st = state(ctx)
    with st.ledger() as lg:
        row = settings.set_value(lg, key, value)
    st.emit([row], SETTING_COLS)


calendar_app = sub_app(
    "Local working days (调休) and days off, when the statutory calendar does not know them.\n\n"
    "Example: duchá config calendar holiday 2027-02-06 --to 2027-02-13 --note 春节")
DAY_COLS = cols("day:日期 workday:工作日:YES_NO note:说明 statutory:法定日历")


def calendar_holiday(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="The (first) day off, e.g. 2027-02-06.")],
    to: Annotated[str | None, typer.Option(help="The last day off (default: just DAY).")] = None,
    note: Annotated[str | None, typer.Option(help="Why, e.g. 春节.")] = None,
) -> None:
    """Record days off that working-day counts (+5wd, instruction-limit) must skip.

    Example: duchá config calendar holiday 2027-02-06 --to 2027-02-13 --note 春节
    """
    _set_days(ctx, day, to, note, workday=False)


def calendar_workday(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="The (first) working day, e.g. 2027-02-14.")],
    to: Annotated[str | None, typer.Option(help="The last one (default: just DAY).")] = None,
    note: Annotated[str | None, typer.Option(help="Why, e.g. 春节调休.")] = None,
) -> None:
    """Record working days on a weekend (调休) that working-day counts must include.

    Example: duchá config calendar workday 2027-02-14 --note 春节调休
    """
    _set_days(ctx, day, to, note, workday=True)


def _set_days(ctx: typer.Context, day: str, to: str | None, note: str | None, *,
              workday: bool) -> None:
    from duchá.services import calendar as workdays

    st = state(ctx)
    with st.ledger() as lg:
        start = lg.date(day)
        rows = workdays.set_days(lg, start, lg.date(to, base=start) if to else None,
                                 workday=workday, note=note)
    st.emit(rows, DAY_COLS, title="calendar")


def calendar_list(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(
        callback=checked_year, help="Only this year.")] = None,
) -> None:
    """List the local calendar days, with what the statutory calendar would say.

    Example: duchá config calendar list --year 2027
    """
    from duchá.services import calendar as workdays

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = workdays.list_days(lg, year)
    st.emit(rows, DAY_COLS, title="calendar")


def calendar_clear(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="The (first) day to clear.")],
    to: Annotated[str | None, typer.Option(help="The last day to clear.")] = None,
) -> None:
    """Remove local calendar days: the statutory calendar applies to them again.

    Example: duchá config calendar clear 2027-02-06 --to 2027-02-13
    """
    from duchá.services import calendar as workdays

    st = state(ctx)
    with st.ledger() as lg:
        start = lg.date(day)
        rows = workdays.clear_days(lg, start, lg.date(to, base=start) if to else None)
    st.emit(rows, DAY_COLS, title="cleared")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    config_app.command("list")(config_list)
    config_app.command("get")(config_get)
    config_app.command("set")(config_set)
    calendar_app.command("list")(calendar_list)
    calendar_app.command("holiday")(calendar_holiday)
    calendar_app.command("workday")(calendar_workday)
    calendar_app.command("clear")(calendar_clear)
    config_app.add_typer(calendar_app, name="calendar")
    app.add_typer(config_app, name="config")
