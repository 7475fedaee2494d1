"""The command line: the root Typer app, global options, and error handling.

Each area's commands live in duchá/commands/; this module only composes them.  Only Typer is
imported at start-up, and only the command module that runs (all of them for help): the
database stack loads inside the commands that use it.
"""

import errno
import functools
import os
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer.core import TyperGroup

from duchá.commands import COMPLETE_VAR, coerce
from duchá.commands.context import ENCODINGS, LANGS, State
from duchá.errors import EXIT_BAD_INPUT, EXIT_LEDGER, BadInput, DuchaError

coerce.install()

# Options that belong to the whole program but may be typed after the subcommand
# (`duchá item list -f csv`): they are moved to the front before parsing.
GLOBAL_VALUE_OPTIONS = {"--db", "--as-of", "--format", "-f", "--output", "-o", "--encoding",
                        "--actor", "--lang"}
GLOBAL_FLAGS = {"--debug", "--excel"}
# Commands whose -o may name a folder for the files they write (`form out`, `remind`); they
# check it themselves (State.folder), the others as a file before any work.
FOLDER_COMMANDS = ("form", "remind")


def hoist_globals(args: list[str], takes_value: frozenset[str] = frozenset(), *,
                  front_only: bool = False) -> list[str]:
    """Move the global options to the front.  `takes_value` names the subcommand's own
    options that take a value: their values are never mistaken for global options
    (`item cancel 5 --reason "-fake reason"`)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest.extend(args[i:])
            break
        name = a.split("=", 1)[0] if a.startswith("--") else a
        if name in GLOBAL_FLAGS:
            front.append(a)
        elif name in GLOBAL_VALUE_OPTIONS and "=" in a:
            front.append(a)
        elif name in GLOBAL_VALUE_OPTIONS and i + 1 < len(args):
            front.extend(args[i:i + 2])
            i += 1
        elif a.startswith("-f") and len(a) > 2 and not a.startswith("--"):
            front.append(a)  # -fcsv
        elif a in takes_value and i + 1 < len(args):
            rest.extend(args[i:i + 2])
            i += 1
        else:
            rest.append(a)
        i += 1
    return front if front_only else front + rest


def _flags(front: list[str]) -> list[str]:
    """The global flags among hoisted options (the others are name-value pairs)."""
    out, i = [], 0
    while i < len(front):
        a = front[i]
        if a in GLOBAL_FLAGS:
            out.append(a)
        elif a in GLOBAL_VALUE_OPTIONS:
            i += 1  # skip its value
        i += 1
    return out


def _named(group: Any, args: list[str]) -> Any:
    """The deepest subcommand that `args` name (`item add --help`: item add), loading only
    the command modules on the way."""
    cmd = group
    for a in args:
        sub = getattr(cmd, "commands", {}).get(a) if not a.startswith("-") else None
        if sub is not None:
            cmd = sub
    return cmd


def _value_options(group: Any, args: list[str]) -> frozenset[str]:
    """The value-taking options of the subcommands that `args` name (`item cancel`)."""
    names: set[str] = set()
    cmd = group
    for a in args:
        sub = getattr(cmd, "commands", {}).get(a) if not a.startswith("-") else None
        if sub is None:
            continue
        cmd = sub
        for p in cmd.params:
            if p.param_type_name == "option" and not p.is_flag:
                names.update(p.opts)
    return frozenset(names - GLOBAL_VALUE_OPTIONS)


# The top-level commands of each module in duchá/commands/, imported when first named.
MODULES: dict[str, tuple[str, ...]] = {
    "units": ("unit",),
    "items": ("item",),
    "findings": ("finding",),
    "admin": ("init", "demo", "config"),
    "plans": ("plan",),
    "inspections": ("inspect",),
    "checks": ("check",),
    "reports": ("report",),
    "transfer": ("import", "export"),
    "trust": ("verify", "log", "backup", "restore"),
    "forms": ("form", "remind"),
}
# Help lists them as Typer does when it builds the whole tree: commands, then groups.
HELP_ORDER = ("init", "demo", "check", "import", "export", "verify", "log", "backup", "restore",
              "remind", "unit", "item", "finding", "config", "plan", "inspect", "report",
              "form")
_MODULE_OF = {name: module for name in HELP_ORDER
              for module, names in MODULES.items() if name in names}
assert len(_MODULE_OF) == sum(map(len, MODULES.values()))


def _sub_root() -> typer.Typer:
    """A stand-in root to attach one module's commands to, built as the real root builds."""
    return typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False,
                       add_completion=False)


@functools.cache
def load(module: str) -> dict[str, Any]:
    """The Click commands of one command module (once per process: attaching is not
    idempotent)."""
    shell = _sub_root()
    if module == "units":
        from duchá.commands import transfer, units

        units.app.command("import")(transfer.unit_import)
        shell.add_typer(units.app, name="unit")
    elif module == "items":
        from duchá.commands import items

        shell.add_typer(items.app, name="item")
    elif module == "findings":
        from duchá.commands import findings

        shell.add_typer(findings.app, name="finding")
    elif module == "admin":
        from duchá.commands import admin

        admin.register(shell)
    elif module == "plans":
        from duchá.commands import plans

        shell.add_typer(plans.app, name="plan")
    elif module == "inspections":
        from duchá.commands import inspections

        shell.add_typer(inspections.app, name="inspect")
    elif module == "checks":
        from duchá.commands import checks

        shell.command("check")(checks.check)
    elif module == "reports":
        from duchá.commands import reports

        shell.add_typer(reports.app, name="report")
    elif module == "transfer":
        from duchá.commands import transfer

        transfer.register(shell)
    elif module == "trust":
        from duchá.commands import trust

        trust.register(shell)
    elif module == "forms":
        from duchá.commands import forms

        shell.add_typer(forms.app, name="form")
        shell.command("remind")(forms.remind)
    commands = dict(typer.main.get_group(shell).commands)
    assert set(commands) == set(MODULES[module]), (module, sorted(commands))
    if COMPLETE_VAR in os.environ:  # a shell asks what may come next on its command line
        for name, cmd in commands.items():
            _offer_values(cmd, name)
    return commands


# The ledger's values a shell completes: options by name, a record number by its group.
_NUMBER_OF_GROUP = {"item": "items", "finding": "findings", "inspect": "inspections",
                    "plan": "plans", "unit": "units"}


def _offer_values(cmd: Any, group: str) -> None:
    from duchá.commands import completion

    for sub in getattr(cmd, "commands", {}).values():
        _offer_values(sub, group)
    by_option = {**{name: "units" for name in METAVARS_UNIT},
                 "inspection": "inspections", "item": "items", "plan": "plans"}
    for p in cmd.params:
        if p.param_type_name == "option":
            table = by_option.get(p.name)
        else:
            table = _NUMBER_OF_GROUP.get(group) if p.name in ("number", "unit") else None
        if table == "units":
            p._custom_shell_complete = completion.units
        elif table is not None:
            p._custom_shell_complete = completion.numbers(table)


class LazyCommands(MutableMapping[str, Any]):
    """The root's subcommands by name: each module's built when one of its names is looked
    up; listing the names loads nothing, listing the commands (help) loads them all."""

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self._built = dict(built)
        self._names = [*_MODULE_OF, *(n for n in self._built if n not in _MODULE_OF)]

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in self._names:
            self._built.update(load(_MODULE_OF[name]))
        return self._built[name]

    def __setitem__(self, name: str, cmd: Any) -> None:
        self._built[name] = cmd
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


class DuchaGroup(TyperGroup):
    """The root group: global options anywhere, and every failure as one line on stderr."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        args = list(args)
        return super().parse_args(ctx, hoist_globals(args, _value_options(self, args)))

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: Any = None,  # type: ignore[override]
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        # Only the flag itself turns on tracebacks, not a value that happens to read --debug.
        front = hoist_globals(argv, _value_options(self, argv), front_only=True)
        debug = "--debug" in _flags(front)
        if "--help" in argv or "-h" in argv or not argv:
            shown = _named(self, argv)
            _name_metavars(shown)
            if shown is not self and not getattr(shown, "commands", None):
                shown.epilog = _globals_line(self)
        State.current = None
        if COMPLETE_VAR in os.environ:
            from typer._completion_classes import completion_init

            completion_init()  # the shells Typer's scripts speak to
        try:
            _check_text(argv)
            rc = super().main(argv, prog_name=prog_name or "duchá",
                              complete_var=complete_var or COMPLETE_VAR,
                              standalone_mode=False, **extra)
            if State.current is not None:
                State.current.finish(rc if isinstance(rc, int) else 0)
        except BaseException as exc:
            if State.current is not None:
                State.current.abort()
            _handle(exc, debug, _named(self, argv))
        if not standalone_mode:
            return rc
        sys.exit(rc if isinstance(rc, int) else 0)


METAVARS_UNIT = {"lead", "organizer", "parent", "target", "unit", "with_"}
METAVARS = {  # what an option's value is, for help; Typer alone would show "<str>"
    "DATE": {"approved_on", "assigned", "circulated_on", "due", "due_before", "from_",
             "lookback", "on", "to", "since"},
    "UNIT": METAVARS_UNIT,
    "NUMBER": {"inspection", "item", "plan"},
    "YEAR": {"year"},
    "PERCENT": {"reduction"},
}
_METAVAR_OF = {name: mv for mv, names in METAVARS.items() for name in names}


def _globals_line(root: Any) -> str:
    """What a subcommand's help says of the global options (the root's, listed from it)."""
    shown = []
    for p in root.params:
        if p.param_type_name != "option" or p.name in ("help", "version") or p.is_eager:
            continue
        flag = min(p.opts, key=len) if p.metavar else p.opts[0]
        shown.append(f"{flag} {p.metavar}" if p.metavar else flag)
    return ("Global options, before or after the command: " + ", ".join(shown)
            + " (duchá --help says what each does).")


def _name_metavars(cmd: Any) -> None:
    """Give every option without a metavar one that says what to type (DATE, UNIT, TEXT...)."""
    for p in cmd.params:
        if p.param_type_name == "option" and p.metavar is None and not p.is_flag:
            bare = p.bare_type().removeprefix("list[").removesuffix("]")
            p.metavar = _METAVAR_OF.get(p.name) or {"int": "N", "Path": "FILE"}.get(bare, "TEXT")
    for sub in getattr(cmd, "commands", {}).values():
        _name_metavars(sub)


def _flag(command: Any, field: str) -> str:
    """The option of `command` that gives `field` (max_count: --max), else --field."""
    for p in getattr(command, "params", ()):
        # A Python keyword takes a trailing underscore: --from is from_.
        if p.name.rstrip("_") == field and p.param_type_name == "option":
            longs = [o for o in p.opts if o.startswith("--")]
            return longs[0] if longs else p.opts[0]
    return f"--{field.replace('_', '-')}"


def _handle(exc: BaseException, debug: bool, command: Any = None) -> NoReturn:
    """A failed command: one line on stderr and its exit code (a traceback with --debug);
    `command` is the subcommand that ran, whose options a value's error names."""
    from typer._click.exceptions import ClickException

    if isinstance(exc, SystemExit | KeyboardInterrupt):
        raise exc
    if debug and isinstance(exc, DuchaError):
        import traceback

        # The traceback for whoever asked, then the same line and exit code as without it.
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, DuchaError):
        from duchá.errors import BadRows
        from duchá.validation import Invalid

        if isinstance(exc, BadRows):  # an import's bad rows: one line each
            _fail(exc.lines, exc.exit_code)
        if isinstance(exc, Invalid):  # a value's rule: name the option that gave it
            _fail(exc.said(lambda name: _flag(command, name)), exc.exit_code)
        _fail(exc.message, exc.exit_code)
    if isinstance(exc, typer.Abort):
        _fail("aborted", 1)
    if isinstance(exc, ClickException):
        _fail(_usage_message(exc), exc.exit_code)
    if debug:
        raise exc
    _fail(*_unexpected(exc))


def _check_text(argv: list[str]) -> None:
    """Arguments that are not UTF-8 (a terminal set to GBK) reach Python as lone surrogates,
    which no ledger or file can hold: refuse them up front, naming the argument."""
    for n, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:  # the bytes the terminal sent, where Python kept them
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "backslashreplace").decode("ascii")
            raise BadInput(f"argument {n} ({shown}) is not UTF-8 text; set the terminal to "
                           "UTF-8 (e.g. LANG=zh_CN.UTF-8) and type it again") from None


def _usage_message(exc: Any) -> str:
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = " ".join(message.split())
    cmd = getattr(getattr(exc, "ctx", None), "command_path", None)
    if cmd:
        return f"{message} (see `{cmd} --help`)"
    return message


def _unexpected(exc: BaseException) -> tuple[str, int]:
    """Database trouble is 'ledger unusable'; anything else is a bug shown in one line."""
    try:
        from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
    except ImportError:  # pragma: no cover
        return f"unexpected error: {exc} (run with --debug for details)", 1
    import sqlite3

    if isinstance(exc, IntegrityError | sqlite3.IntegrityError):
        return (f"the ledger refused the change ({_first_line(exc)}); nothing was written",
                EXIT_BAD_INPUT)
    if isinstance(exc, OperationalError | DatabaseError | sqlite3.DatabaseError):
        from duchá.commands.context import State
        from duchá.db import describe, locate, trouble

        if trouble(exc) is not None:
            loc = locate(State.current.db) if State.current is not None else None
            return f"{describe(exc, loc)}; nothing was written", EXIT_LEDGER
        return f"the ledger cannot be used: {_first_line(exc)}; nothing was written", EXIT_LEDGER
    if isinstance(exc, BrokenPipeError):
        return "output pipe closed", 1
    if isinstance(exc, OSError) and exc.errno in (errno.ENAMETOOLONG, errno.EACCES, errno.EROFS,
                                                  errno.ENOTDIR, errno.EISDIR):
        name = str(exc.filename or "the file")
        name = name if len(name) <= 80 else name[:60] + "…" + name[-15:]
        return f"cannot write {name}: {exc.strerror}; give another path", EXIT_BAD_INPUT
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"the disk is full ({exc.filename or 'writing'}); free some space and run the " \
            "command again; nothing was written", EXIT_LEDGER
    return (f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for the "
            "traceback)", 1)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _fail(message: str | list[str], code: int) -> NoReturn:
    from duchá.output import safe

    # Messages quote what was typed: keep each to one line that cannot drive the terminal.
    for line in [message] if isinstance(message, str) else message:
        line = safe(line.replace("\r", "\\r").replace("\n", "\\n"))
        sys.stderr.write(f"error: {line}\n")
    sys.stderr.flush()
    sys.exit(code)


app = typer.Typer(
    cls=DuchaGroup,
    name="duchá",
    help="duchá (督查): the supervision office's ledger of items, plans, inspections and "
    "findings.\n\nExample: duchá demo",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from duchá import __version__

        typer.echo(f"duchá {__version__}")
        raise typer.Exit()


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        from duchá.commands import completion

        typer.echo(completion.script(value.strip().lower()), nl=False)
        raise typer.Exit()


def _install_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        from duchá.commands import completion

        path = completion.install(value.strip().lower(), Path.home())
        typer.echo(f"{value} completion installed in {path}; it works in new terminals")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", help="Ledger file or SQLAlchemy URL (else $DUCHA_DB, else the user data dir).",
        metavar="PATH|URL")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The date to judge by, e.g. 2026-11-30 (default: today).",
        metavar="DATE")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="table, csv, tsv, json, jsonl, plain/simple/github/grid/"
        "pipe/markdown/html..., or xlsx/docx with -o (default: the -o file's extension, "
        "else table on a terminal, csv in a pipe).",
        metavar="FORMAT")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the output to this file instead of stdout; its "
        "extension says the format: .csv .tsv .json .jsonl .md .html .xlsx .docx "
        "(e.g. -o 逾期.xlsx).",
        metavar="FILE")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", help="utf-8, utf-8-sig (Excel), gb18030 (Chinese WPS/Excel) or utf-16 "
        "(Excel's Unicode text); for `import`, the file's.",
        metavar="ENC")] = None,
    excel: Annotated[bool, typer.Option(
        "--excel", help="CSV/TSV for a spreadsheet: a BOM (unless --encoding), and cells "
        "starting with = + - @ guarded so they are never run as formulas.")] = False,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="Who makes the change, for the history (default: the OS user).",
        metavar="NAME")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="zh: Chinese headers and values (会议议定, 在办, 红灯, units by short "
        "name), and what is exported in zh imports back; en: field names and codes. Default: "
        "zh for table, markdown, xlsx and docx in a Chinese locale and for documents, en for "
        "csv, tsv, json and jsonl. E.g. duchá export items --lang zh -o 台账.csv",
        metavar="zh|en")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False,
    show_completion: Annotated[str | None, typer.Option(
        "--show-completion", callback=_show_completion, is_eager=True, expose_value=False,
        metavar="SHELL", help="Print the completion script for bash, zsh or fish, e.g. "
        "duchá --show-completion bash >> ~/.bashrc")] = None,
    install_completion: Annotated[str | None, typer.Option(
        "--install-completion", callback=_install_completion, is_eager=True,
        expose_value=False, metavar="SHELL",
        help="Install completion for bash, zsh or fish (unit codes and record numbers "
        "come from the ledger), e.g. duchá --install-completion bash")] = None,
) -> None:
    """duchá (督查): the supervision office's ledger.

    Global options may also follow the subcommand: `duchá item list -f csv`.

    Example: duchá --db office.db item list --overdue
    """
    if encoding is not None:
        enc = encoding.strip().lower().replace("_", "-")
        enc = {"utf8": "utf-8", "utf16": "utf-16"}.get(enc, enc)
        if enc not in ENCODINGS:
            raise DuchaError(f"unknown encoding '{encoding}'; use utf-8, utf-8-sig, gb18030 "
                             "or utf-16")
        encoding = enc
    if lang is not None:
        choice = lang.strip().lower()
        if choice not in LANGS:
            raise DuchaError(f"unknown language '{lang}' for --lang; use zh (Chinese headers and "
                             "values) or en (field names and codes)")
        lang = choice
    ctx.obj = State(db=db, as_of_text=as_of, fmt_text=fmt, output=output, encoding=encoding,
                    actor_text=actor, debug=debug, excel=excel, lang_text=lang)
    if ctx.invoked_subcommand not in FOLDER_COMMANDS:
        ctx.obj.check_target()  # before any command does work it would have to undo



def main() -> None:
    app()


if __name__ == "__main__":
    main()
