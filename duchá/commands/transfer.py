"""`duchá import TABLE FILE` and `duchá export [TABLE]`: spreadsheets in and out."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from duchá.commands import state
from duchá.errors import BadInput
from duchá.output import cols
from duchá.transfer.columns import TABLES, help_table, table_name

SUMMARY_COLS = cols("table:表 file:文件 encoding:编码 rows:行数 imported:导入 first:首个编号 "
                    "last:末个编号 dry_run:试运行")
TABLE_LIST = ("units, items, plans, inspections, findings, quotas, progress, extensions, "
              "accountability, settings or calendar")


def _table(text: str) -> str:
    name = table_name(text)
    if name is None:
        raise BadInput(f"unknown table '{text}'; use {TABLE_LIST}")
    return name


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing in pipes and cron jobs."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("importing", total=None)

        def advance(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=total)

        yield advance


def _import(ctx: typer.Context, table: str, file: Path, dry_run: bool) -> None:
    from duchá.transfer import run as import_run

    st = state(ctx)
    name = _table(table)
    with st.ledger() as lg, _progress_bar(sys.stderr.isatty()) as progress:
        row = import_run.run(lg, name, file, encoding=st.encoding, dry_run=dry_run,
                           progress=progress)
    st.emit([row], SUMMARY_COLS)
    verb = "would import" if dry_run else "imported"
    st.info(f"{verb} {row['rows']} {name} from {file} ({row['encoding']})")


IMPORT_HELP = (
    f"Import a CSV file into a table: {TABLE_LIST}.\n\n"
    "The encoding (UTF-8, UTF-8 with BOM, GB18030) is detected; --encoding forces one. "
    "Headers may be the English field names or the Chinese ones below (* = required). "
    "Every row is checked first: if any is bad, all errors are listed with their line "
    "numbers and nothing is imported (exit 2). Numbers (DB-2026-0001...) may be given; "
    "missing ones are allocated. Coded values may be the codes or their Chinese names "
    "(meeting or 会议议定, open or 在办), units their code, full name or short name (住建局), "
    "so a file written with `export --lang zh` imports back. Lists of units take ; , 、 as "
    "separators. Progress notes, "
    "extensions and accountability name their item or finding (DB-2026-0001, WT-2026-0001), "
    "which must already be in the ledger; extensions come in as history and do not move "
    "due dates.\n\n"
    "\b\n" + help_table() + "\n\n"
    "Example: duchá import items 台账.csv --dry-run"
)


def import_cmd(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help=f"{TABLE_LIST}.", metavar="TABLE")],
    file: Annotated[Path, typer.Argument(help="The CSV file.", metavar="FILE")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every row and report; import nothing.")] = False,
) -> None:
    """Import a CSV file into a table (the full help, with the headers, is IMPORT_HELP).

    Example: duchá import items 台账.csv --dry-run
    """
    _import(ctx, table, file, dry_run)


def unit_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        help="The CSV file (code, name, kind, parent, short_name).")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every row and report; import nothing.")] = False,
) -> None:
    """Import units from a CSV file (the same as `duchá import units FILE`).

    Example: duchá unit import 单位.csv
    """
    _import(ctx, "units", file, dry_run)


def export_cmd(
    ctx: typer.Context,
    table: Annotated[str | None, typer.Argument(
        help=f"{TABLE_LIST} (default: all, for -f xlsx, json, docx...).", metavar="TABLE")
                     ] = None,
    headers: Annotated[str | None, typer.Option(
        "--headers", hidden=True,
        help="Deprecated: the global --lang (zh: Chinese headers and values).")] = None,
) -> None:
    """Export tables as csv, tsv, json, jsonl, xlsx, docx, markdown or html (-f, or the
    -o file's extension; csv when neither says).

    The columns are the ones `duchá import` reads, so an exported CSV imports back into the
    same ledger. xlsx and docx need -o; xlsx holds a sheet per table. An export of every table
    is readable only by you (0600), like the ledger; one table follows your umask. --excel
    (a global option) gives CSV a BOM and guards cells that would start a formula. --lang zh
    writes Chinese headers and values (会议议定, 在办, units by short name), which import reads
    back too; the default is zh for xlsx and docx in a Chinese locale, en (field names and
    codes) for csv, tsv, json and jsonl.

    Example: duchá export -o 台账.xlsx --lang zh
    """
    from duchá.output import EN, FILE_FORMATS
    from duchá.transfer import exporter

    st = state(ctx)
    st.default_fmt = "csv"  # export is for files and pipes, on a terminal too
    fmt = st.fmt
    if fmt not in exporter.FORMATS:
        raise BadInput(f"export writes {', '.join(exporter.FORMATS)}, not '{fmt}'; "
                       "e.g. -o ledger.xlsx")
    if headers is not None:
        head = headers.strip().lower()
        if head not in ("en", "zh"):
            raise BadInput(f"--headers takes en or zh, not '{headers}'; it is now the global "
                           "--lang zh|en")
        if st.lang_text is not None and st.lang_text != head:
            raise BadInput(f"--headers {head} contradicts --lang {st.lang_text}; give --lang "
                           "alone")
        st.warn(f"--headers is deprecated: use --lang {head} (it writes Chinese values too)")
        st.lang_text = head
    names = [_table(table)] if table else list(TABLES)
    if fmt in ("csv", "tsv") and len(names) != 1:
        raise BadInput(f"{fmt} holds one table; name it (`duchá export items -f {fmt}`) or "
                       "use -f xlsx or -f json for all tables")
    st.private = len(names) > 1  # the whole ledger: as private as the ledger itself
    with st.ledger(write=False) as lg:
        data = exporter.gather(lg, names)
    lang = st.lang
    if fmt in exporter.TEXT_FORMATS:
        with st._out() as out:
            exporter.write_text(out, fmt, data, lang=lang, excel=st.excel)
        return
    # The sections come in their language already; sheets keep the tables' names.
    st.emit_sections(exporter.sections(data, lang=lang),
                     title="台账" if lang.zh else "ledger", lang=EN)
    if fmt in FILE_FORMATS:
        total = sum(len(r) for r in data.values())
        tables = f"{len(data)} tables" if len(data) > 1 else names[0]
        st.info(f"wrote {total} rows of {tables} to {st.output}")


def register(app: typer.Typer) -> None:
    """`import` and `export`; `unit import` (unit_import) is attached with the unit commands."""
    app.command("import", help=IMPORT_HELP)(import_cmd)
    app.command("export")(export_cmd)
