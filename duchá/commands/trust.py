"""`duchá verify`, `duchá log`, `duchá backup` and `duchá restore`: the ledger's own safety."""

from pathlib import Path
from typing import Annotated

import typer

from duchá.commands import state
from duchá.output import cols

PROBLEM_COLS = cols("event:事件 table:表 subject:对象 problem:问题")
SUMMARY_COLS = cols("table:表 records:记录数 events:事件数 note:说明")
LOG_COLS = cols("id:序号 at:记录时间 on:业务日期 actor:操作人 action:动作:EVENT_ACTION table:表 "
                "subject:对象 changes:变更")
LOG_FULL_COLS = [*LOG_COLS, *cols("before:变更前 after:变更后 hash:哈希")]
COPY_COLS = cols("path:文件 bytes:字节 events:事件数 head:链头哈希 verified:校验")
RESTORE_COLS = [*COPY_COLS, *cols("restored_from:来源")]


def verify(
    ctx: typer.Context,
    head: Annotated[str | None, typer.Option(
        "--head", metavar="HASH",
        help="A chain head noted earlier (a weekly report's closing line, a backup's message; "
             "8 or more hex digits): also check that the history still holds it.")] = None,
) -> None:
    """Check the ledger file, the history's hash chain, and that every record equals what its
    history says.

    Exits 1 naming each broken event, each record changed behind duchá's back, damage SQLite
    finds in the file, and, with --head, a history cut short or rewritten since that head.

    Example: duchá verify --head 3f31b9f18db2a585 -f csv
    """
    from duchá.history import replay as history

    st = state(ctx)
    if head is not None:
        history.head_prefix(head)  # bad input before the ledger is read
    with st.ledger(write=False) as lg:
        verdict = history.verify(lg.session, head=head)
    if verdict.ok:
        st.emit(verdict.summary, SUMMARY_COLS, title="verify")
        held = (f"; it holds head {head.strip().lower()} (event {verdict.anchored})"
                if head is not None else "")
        st.info(f"verified: {verdict.events} events, chain head {verdict.head or '-'}{held}")
        return
    st.emit(verdict.problems, PROBLEM_COLS, title="verify")
    n = len(verdict.problems)
    st.info(f"error: the ledger does not verify ({n} problem{'s' if n > 1 else ''}): "
            f"{verdict.problems[0]['problem']}")
    raise typer.Exit(1)


def log(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Argument(
        help="A record: DB-2026-0001, a unit code or name, a setting key.")] = None,
    since: Annotated[str | None, typer.Option(
        help="Only changes dated (business date) on or after this date.", metavar="DATE")] = None,
    table: Annotated[str | None, typer.Option(
        help="Only this kind of record: unit, item, plan, inspection, finding, setting...")
    ] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Add each change's before and after snapshots and its hash.")] = False,
) -> None:
    """Show the history of changes, oldest first, for the whole ledger or one record.

    Example: duchá log DB-2026-0001 --since 2026-11-01 -f json
    """
    from duchá.history import log as history_log

    st = state(ctx)
    with st.ledger(write=False) as lg:
        rows = history_log.log(lg, subject=subject, table=table.strip().lower() if table else None,
                           since=lg.maybe_date(since))
    if full and st.fmt not in ("json", "jsonl"):
        from duchá.history.events import dump

        for r in rows:
            r["before"], r["after"] = dump(r["before"]), dump(r["after"])
    st.emit(rows, LOG_FULL_COLS if full else LOG_COLS, title="log")


def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(
        help="The backup file (or a folder to put a dated one in).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Copy the ledger safely (even while it is in use), then check the copy.

    The copy is readable only by you.  It is checked with SQLite's integrity check and
    `duchá verify`; a copy of a ledger that does not verify is kept but exits 1.  The chain
    head it was made at is printed: kept apart from the ledger, it lets `duchá verify --head`
    prove later that the history up to it was not cut short or rewritten.

    Example: duchá backup ~/backups/ledger-2026-11-30.db
    """
    from duchá.storage import backup as service

    st = state(ctx)
    _ = st.fmt
    out = service.backup(st.location, path, force=force)
    st.emit([out.row()], COPY_COLS, title="backup")
    if not out.verdict.ok:
        st.info(f"error: backup written to {out.path}, but the ledger does not verify: "
                f"{out.verdict.problems[0]['problem']}")
        raise typer.Exit(1)
    # The head printed here anchors the history: `verify --head` later proves it still holds.
    st.info(f"backup written to {out.path} (chain head {out.verdict.head or '-'})")


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A backup file made by `duchá backup`.")],
) -> None:
    """Replace the ledger with a backup, only after the backup has verified.

    The ledger being replaced is kept beside it (ledger.db.before-restore-...).

    Example: duchá restore ~/backups/ledger-2026-11-30.db
    """
    from duchá.storage import backup as service

    st = state(ctx)
    _ = st.fmt
    out = service.restore(st.location, path, notify=st.info)
    st.emit([out.row()], RESTORE_COLS, title="restore")
    st.info(f"ledger {out.path} restored from {path}")


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.command("log")(log)
    app.command("backup")(backup)
    app.command("restore")(restore)
