"""Every example in the README runs (issue 12.10): the blocks fenced `sh`, in order, in one
shell, on a fresh ledger in a fresh home folder, as a newcomer would paste them.  Blocks that
need a network, a server or a schedule are fenced `bash` and left out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import forkserver

README = Path(__file__).resolve().parent.parent / "README.md"


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def test_the_readme_has_runnable_examples() -> None:
    blocks = sh_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    assert not any("pip install" in b or "postgresql" in b for b in blocks)


def test_every_sh_block_of_the_readme_runs_in_order(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # Each line's failure names it: the shell stops at the first command that fails.
    script = "set -eo pipefail\ntrap 'echo \"README command failed: $BASH_COMMAND\" >&2' ERR\n"
    script += "\n".join(sh_blocks(README.read_text(encoding="utf-8")))
    bindir = str(Path(sys.executable).parent)
    env = {"HOME": str(home), "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
           "LANG": "C.UTF-8", "XDG_DATA_HOME": str(home / ".local" / "share"),
           "COLUMNS": "120"}
    # Each `duchá` is a fork of one process that has imported it (tests/forkserver.py): the
    # same program on the same arguments, files and streams, without a second of imports
    # per command.
    with forkserver.started(tmp_path / "fs", env) as forks:
        env["PATH"] = f"{forks}{os.pathsep}{env['PATH']}"
        run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "error:" not in run.stderr, run.stderr[-3000:]
    assert (home / "督查" / "2026.db").exists()
    for made in ("overdue.csv", "week48.md", "督查情况报告.md", "台账.xlsx", "items.csv"):
        assert (tmp_path / made).stat().st_size > 0, made
