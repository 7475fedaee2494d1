"""Shell completion (issue 12.8): the scripts for both program names, and values from the
ledger (record numbers, unit codes and names) while a command line is typed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Runner


def _complete(words: str, db: Path | str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """What bash's completion function gets back for the last word of `words`."""
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1),
           "_DUCHA_COMPLETE": "complete_bash", "DUCHA_DB": str(db),
           "XDG_DATA_HOME": str(tmp_path / "xdg")}
    return subprocess.run([sys.executable, "-m", "duchá"], env=env, capture_output=True,
                          text=True, timeout=60)


def test_record_numbers_complete_from_the_ledger_newest_first(module_demo: Path,
                                                               tmp_path: Path) -> None:
    out = _complete("duchá item show DB-2026-000", module_demo, tmp_path)
    assert out.returncode == 0 and out.stderr == ""
    numbers = out.stdout.split()
    assert numbers[:3] == ["DB-2026-0009", "DB-2026-0008", "DB-2026-0007"]
    assert all(n.startswith("DB-2026-000") for n in numbers)
    findings = _complete("duchá finding verify WT", module_demo, tmp_path).stdout.split()
    assert findings and all(n.startswith("WT-") for n in findings)


def test_units_complete_by_code_and_by_full_name(module_demo: Path, tmp_path: Path) -> None:
    assert "zjj" in _complete("duchá item add x --lead z", module_demo, tmp_path).stdout.split()
    by_name = _complete("duchá finding list --unit 平凉市住", module_demo, tmp_path).stdout.split()
    assert by_name == ["平凉市住房和城乡建设局"]


def test_no_ledger_completes_nothing_and_says_nothing(tmp_path: Path) -> None:
    out = _complete("duchá item show ", tmp_path / "missing.db", tmp_path)
    assert (out.returncode, out.stdout.strip(), out.stderr) == (0, "", "")
    assert not (tmp_path / "missing.db").exists()


def test_the_bash_script_registers_both_names_and_parses(cli: Runner) -> None:
    r = cli("--show-completion", "bash")
    assert r.exit_code == 0
    assert "complete -o default -F _ducha_completion ducha\n" in r.stdout
    assert "complete -o default -F _ducha_completion duchá\n" in r.stdout
    assert "_DUCHA_COMPLETE=complete_bash" in r.stdout
    if shutil.which("bash"):
        check = subprocess.run(["bash", "-n"], input=r.stdout, text=True, capture_output=True)
        assert check.returncode == 0, check.stderr
    fish = cli("--show-completion", "fish")
    assert "--command ducha " in fish.stdout and "--command duchá " in fish.stdout


def test_install_writes_the_script_and_loads_it_once(cli: Runner, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for _ in range(2):
        r = cli("--install-completion", "bash")
        assert r.exit_code == 0, r
    script = tmp_path / ".bash_completions" / "ducha.sh"
    assert "_ducha_completion duchá" in script.read_text(encoding="utf-8")
    assert (tmp_path / ".bashrc").read_text(encoding="utf-8").count(f"source '{script}'") == 1


def test_an_unknown_shell_is_one_line(cli: Runner) -> None:
    r = cli("--show-completion", "tcsh")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "error: unknown shell 'tcsh'; use one of: bash, zsh, fish\n"
