"""Every `Example:` in the help runs (issue 12.10): in the order the command tree lists them,
one after another on a copy of the demo city, from a folder holding the files they name
(台账.csv, 单位.csv) and a home with a backups folder.  An example with `;` is two commands.
The commands whose exit code is a verdict (check, verify --head, --fail-on) may exit 1."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import DEMO_AS_OF, demo_copy
from duchá.cli import app

VERDICTS = ("check", "verify", "--fail-on")


def examples() -> list[str]:
    found: list[str] = []

    def walk(cmd) -> None:
        for m in re.finditer(r"Example: (duchá .*?)(?:\n\s*\n|$)", cmd.help or "", re.DOTALL):
            found.extend(part.strip() for part in " ".join(m[1].split()).split(" ; "))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return found


def test_every_help_example_runs_on_the_demo(demo_template: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "backups").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "台账.csv").write_text(
        "事项名称,事项类别,牵头单位,落实时限\n完善城区停车设施,会议议定,zjj,2026-12-31\n",
        encoding="gb18030")
    (tmp_path / "单位.csv").write_text("代码,名称,类型\nsjj,平凉市审计局,部门\n",
                                      encoding="utf-8")
    db = demo_copy(demo_template, tmp_path / "ledger")
    ran = []
    for line in examples():
        args = [a.replace("~", str(home), 1) if a.startswith("~") else a
                for a in shlex.split(line)[1:]]
        target = tmp_path / f"fresh{len(ran)}.db" if args[:1] == ["demo"] else db
        r = CliRunner().invoke(app, ["--db", str(target), "--as-of", DEMO_AS_OF, *args])
        verdict = any(v in args for v in VERDICTS) and r.exit_code == 1
        assert r.exit_code == 0 or verdict, f"{line}\n{r.stderr}"
        assert verdict or "error:" not in r.stderr, f"{line}\n{r.stderr}"
        ran.append(line)
    assert len(ran) >= 60
