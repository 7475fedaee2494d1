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

SUMMARY_COLS = cols("table:表 file:文件 encoding:编码 sheet:工作表 rows:行数 added:新增 "
                    "updated:更新 unchanged:未变 imported:导入 first:首个编号 last:末个编号 "
                    "dry_run:试运行")
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


def _reject_file(errors: Path | None, file: Path) -> Path | None:
    """The --errors file, refused before anything is read when it cannot be written."""
    if errors is None:
        return None
    if errors.exists() and file.exists() and errors.resolve() == file.resolve():
        raise BadInput(f"--errors {errors} is the file being imported; name another file")
    if not errors.parent.exists():
        raise BadInput(f"--errors: folder {errors.parent} does not exist; create it or "
                       "choose another path")
    if errors.is_dir():
        raise BadInput(f"--errors: {errors} is a folder; give a file name (.csv or .xlsx)")
    return errors


def _import(ctx: typer.Context, table: str, file: Path, dry_run: bool, *,
            sheet: str | None = None, errors: Path | None = None, category: str | None = None,
            create_units: bool = False) -> None:
    from duchá.transfer import run as import_run

    st = state(ctx)
    name = _table(table)
    # --encoding is the file's: the summary is written as every other output is.
    encoding, st.encoding = st.encoding, None
    if category is not None and name != "items":
        raise BadInput("--category gives the category of items; it does not apply to "
                       f"{name}")
    large = file.is_file() and file.stat().st_size >= import_run.LARGE_FILE
    options = import_run.Options(
        encoding=encoding, sheet=sheet, errors=_reject_file(errors, file),
        category=_category(category), create_units=create_units, dry_run=dry_run,
        large=large)
    load = large and not dry_run
    with st.ledger(load=load) as lg, _progress_bar(sys.stderr.isatty()) as progress:
        row = import_run.run(lg, name, file, options, progress=progress)
    st.emit([row], SUMMARY_COLS)
    if dry_run:
        st.info(f"would add {row['added']}, update {row['updated']} and leave "
                f"{row['unchanged']} unchanged: {name} from {file} ({row['encoding']})")
    else:
        st.info(f"imported {row['rows']} {name} from {file} ({row['encoding']}): "
                f"{row['added']} added, {row['updated']} updated, {row['unchanged']} unchanged")


def _category(text: str | None) -> str | None:
    if text is None:
        return None
    from duchá.vocab import CATEGORY

    try:
        return CATEGORY.parse(text)
    except BadInput as exc:
        raise BadInput(f"--category: {exc.message}") from None


def _import_help() -> str:
    from duchá.dates import DEADLINE_ACCEPTED, LONG_TERM
    from duchá.vocab import FINDING_STATUS, ITEM_STATUS

    return (
        f"Import a file into a table: {TABLE_LIST}.\n\n"
        "The file: CSV or text (UTF-8, UTF-8 with BOM, GB18030, Excel's Unicode text in "
        "UTF-16; detected, --encoding forces one and concerns the file only), or a workbook "
        "(.xlsx, .xlsm, .xls; --sheet NAME|N, else the sheet named like the table or the "
        "first that has its columns). Title rows above the header (平凉市…督办台账, "
        "填报单位/填报时间) and 填表人 lines below the rows are skipped; a cell merged over "
        "several rows fills each of them (in a CSV, a blank 交办时间, 牵头单位, 责任领导 or "
        "事项类别 takes the value above it, with a warning). Headers may be the English field "
        "names or the Chinese ones below (* = required); 序号 is ignored, 责任单位 and 配合单位 "
        "make one list. Coded values may be the codes or their Chinese names (meeting or "
        "会议议定, open or 在办), units their code, full name or short name (住建局), so a "
        "file written with `export --lang zh` imports back.\n\n"
        "Every row is checked first: if any is bad, nothing is imported (exit 2) and each bad "
        "row gets one line (the first 20, then 'and N more'); --errors FILE (.csv or .xlsx) "
        "also writes the bad rows there with a reason column (exit 1), to fix and import again. "
        "A row that names a record already in the ledger (its number; an item's title and "
        "lead unit; a finding's description and unit) updates it or is left as it is: "
        "importing the same file again adds nothing. --dry-run says what would be added, "
        "updated and left unchanged.\n\n"
        "Items: 落实时限 takes a date or a deadline as 台账 write it: "
        f"{DEADLINE_ACCEPTED}; long-term also {', '.join(LONG_TERM[1:])}; a year left out "
        "is the year of 交办时间. A blank 交办时间 is unknown, not today. Unit lists "
        "are split on 、，,;； but not inside brackets; 各县（市、区） and 各县区 mean every "
        "county-level unit, 市直各部门 every department; with two lead units the first leads "
        "and the others become responsible units. An unknown unit is named once with the rows "
        "that use it (--create-units adds it). 事项类别: the row's, else its section heading's "
        "or its source's (批示: 领导批示, 常务会: 会议议定, 建议/提案: 建议提案), else "
        "--category. 进展情况 becomes a progress note (dated by the sheet's 填报时间, else "
        "--as-of), 备注 is kept; 办结 without a 办结日期 closes on the as-of date.\n\n"
        f"Status words (办理状态): {ITEM_STATUS.words()}.\n\n"
        f"Findings (整改状态): {FINDING_STATUS.words()}; 是否整改到位 是 means rectified.\n\n"
        "Progress notes, extensions and accountability name their item or finding "
        "(DB-2026-0001, WT-2026-0001), which must already be in the ledger (a progress sheet "
        "may name the item by 事项名称 and 牵头单位); extensions come in as history and do not "
        "move due dates.\n\n"
        "\b\n" + help_table() + "\n\n"
        "Example: duchá import items 台账.csv --dry-run"
    )


def import_cmd(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help=f"{TABLE_LIST}.", metavar="TABLE")],
    file: Annotated[Path, typer.Argument(help="The file: .csv, .txt, .xlsx, .xls.",
                                         metavar="FILE")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every row and say what would be added, updated and left "
        "unchanged; import nothing.")] = False,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="The workbook's sheet: its name or number (1 = the first).",
        metavar="NAME|N")] = None,
    errors: Annotated[Path | None, typer.Option(
        "--errors", help="Write the bad rows here (.csv in the file's encoding, or .xlsx) "
        "with a reason column.", metavar="FILE")] = None,
    category: Annotated[str | None, typer.Option(
        "--category", "-c", help="Items: the category of rows that give none (会议议定, "
        "meeting...).")] = None,
    create_units: Annotated[bool, typer.Option(
        "--create-units", help="Add the units the ledger lacks (code = name) instead of "
        "refusing the rows.")] = False,
) -> None:
    """Import a file into a table (the full help, with the headers, is _import_help()).

    Example: duchá import items 台账.xlsx --dry-run
    """
    _import(ctx, table, file, dry_run, sheet=sheet, errors=errors, category=category,
            create_units=create_units)


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
    app.command("import", help=_import_help())(import_cmd)
    app.command("export")(export_cmd)
