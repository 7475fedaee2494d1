"""Every command has help with an example; `--help` does not load the database stack."""

import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from duchá.cli import app


def _commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []

    def walk(cmd, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*path, name))

    walk(root, ())
    return found


COMMANDS = _commands()


def test_the_command_tree_is_discovered() -> None:
    assert ("item", "add") in COMMANDS and ("unit", "list") in COMMANDS
    assert ("demo",) in COMMANDS and ("config", "set") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "duchá")
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`duchá {' '.join(path)} --help` lacks an example"
    options = result.output.partition("Options:")[2]
    assert "<str>" not in options and "<int>" not in options, options
    if path and " COMMAND " not in result.output:  # a command (a group lists its commands)
        # The global options its example may use are named where the clerk looks.
        text = " ".join(result.output.split())
        for shown in ("-f FORMAT", "-o FILE", "--as-of DATE", "--encoding ENC"):
            assert shown in text.partition("Global options")[2], (path, shown)


def test_option_values_say_what_to_type() -> None:
    out = CliRunner().invoke(app, ["item", "add", "--help"]).output
    for shown in ("--lead UNIT", "--due DATE", "-u, --unit UNIT", "--source TEXT"):
        assert shown in out, shown
    out = CliRunner().invoke(app, ["plan", "quota", "set", "-h"]).output
    assert "--max N" in out and "--reduction PERCENT" in out


def test_help_does_not_import_the_database_stack() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from duchá.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: app(['--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = {'sqlalchemy', 'sqlmodel', 'tabulate', 'dateutil', 'chinese_calendar',"
        " 'rich.table'}\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_module_entry_point_and_version() -> None:
    out = subprocess.run([sys.executable, "-m", "duchá", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("duchá ")


def test_a_command_loads_only_its_own_module_and_help_lists_them_all() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from duchá.cli import app\n"
        "def run(args):\n"
        "    out = io.StringIO()\n"
        "    with contextlib.redirect_stdout(out):\n"
        "        try: app(args)\n"
        "        except SystemExit: pass\n"
        "    return out.getvalue()\n"
        "shown = run(['item', 'add', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('duchá.commands.')))\n"
        "print('--lead UNIT' in shown and '--due DATE' in shown)\n"
        "listing = run(['--help']).partition('Commands:')[2]\n"
        "print(sorted(line.split()[0] for line in listing.splitlines() if line.strip()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    # items, what it shares with findings (extend, account), the invocation context and the
    # values' conversion only
    assert out[0] == ("['duchá.commands.attached', 'duchá.commands.coerce', "
                      "'duchá.commands.context', 'duchá.commands.items']")
    assert out[1] == "True"  # the metavars of the command asked about, in a fresh process
    from duchá.cli import MODULES

    assert out[2] == str(sorted(n for names in MODULES.values() for n in names))
    assert "'unit'" in out[2] and "'report'" in out[2]
