"""`item list` and `finding list` show the work still running by default (issue 12.6): open
items, findings not yet verified.  `--all` adds the finished ones after them; `--status` asks
for one status, finished or not."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEMO_AS_OF, Runner


def _statuses(cli: Runner, db: Path, *args: str) -> list[str]:
    r = cli(*args, "--as-of", DEMO_AS_OF, "-f", "json", db=db)
    assert r.exit_code == 0, r
    return [row["status"] for row in r.json()]


@pytest.mark.parametrize(("kind", "running", "finished"), [
    ("item", {"open"}, {"done", "cancelled"}),
    ("finding", {"open", "rectifying", "rectified", "reopened"}, {"verified"}),
])
def test_a_list_shows_running_work_and_all_adds_the_finished_after_it(
        cli: Runner, module_demo: Path, kind: str, running: set[str], finished: set[str]) -> None:
    default = _statuses(cli, module_demo, kind, "list")
    everything = _statuses(cli, module_demo, kind, "list", "--all")
    assert default and set(default) <= running
    assert set(everything) & finished, "the demo has finished work to hide"
    # --all: the same running rows first, in the same order, then the finished ones.
    assert everything[:len(default)] == default
    assert set(everything[len(default):]) <= finished
    assert len(everything) > len(default)


def test_a_status_asked_for_is_listed_even_when_finished(cli: Runner, module_demo: Path) -> None:
    done = _statuses(cli, module_demo, "item", "list", "--status", "办结")
    assert done and set(done) == {"done"}
    verified = _statuses(cli, module_demo, "finding", "list", "--status", "verified")
    assert verified and set(verified) == {"verified"}


def test_list_help_says_what_is_shown_by_default(cli: Runner) -> None:
    r = cli("item", "list", "--help")
    assert "--all" in r.stdout and "open items" in r.stdout
