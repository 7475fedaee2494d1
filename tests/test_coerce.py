"""Every parameter's value converted by commands/coerce.py is what Typer's pydantic adapter
gives, and every refusal says what the adapter's says: for each parameter of every command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from duchá import cli
from duchá.commands import coerce


def _commands(cmd: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _params() -> list[tuple[str, Any, Any]]:
    root = typer.main.get_command(cli.app)
    found = []
    for name in cli.MODULES:
        for top, cmd in cli.load(name).items():
            for path, sub in _commands(cmd, (top,)):
                found += [(" ".join(path), sub, p) for p in sub.params]
    found += [("(root)", root, p) for p in root.params]
    return [(f"{where} {p.name}", cmd, p) for where, cmd, p in found
            if isinstance(p, _TyperParameter)]


PARAMS = _params()
SAMPLES: dict[str, list[Any]] = {
    "text": ["abc", "发改委", "-x", "", " 两端空格 ", "0", "WT-2026-0001"],
    "whole": ["12", "-3", "007", "0", " 12", "1_000", "12.0", "+5", "abc", "", "٣", 5],
    "flag": [True, False, "true", "no", 1],
    "path": ["a.csv", "-", "", "missing/dir/x.csv", "台账.xlsx", "."],
}


def _kind(p: Any) -> str:
    light = coerce.light(p.type_descriptor)
    assert light is not None
    return {coerce._text: "text", coerce._whole: "whole", coerce._flag: "flag"}.get(
        light.convert, "path")


def _outcome(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return "refused", exc.format_message()
    return type(got).__name__, got


def test_every_parameter_of_duchá_converts_without_pydantic() -> None:
    """(A new kind of parameter would bring pydantic back to every command: then coerce.py
    should learn it.)"""
    assert len(PARAMS) > 100
    left = [name for name, _, p in PARAMS if coerce.light(p.type_descriptor) is None]
    assert left == []


@pytest.mark.parametrize(("name", "cmd", "param"), PARAMS, ids=[n for n, _, _ in PARAMS])
def test_the_light_conversion_gives_what_typer_gives(name: str, cmd: Any, param: Any,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "台账.xlsx").write_bytes(b"PK")
    light = coerce.light(param.type_descriptor)
    full = build_runtime_param(param.type_descriptor)
    assert light is not None
    ctx = Context(cmd)
    kind = _kind(param)
    values: list[Any] = list(SAMPLES[kind])
    if light.many:
        values = [tuple(values[:2]), tuple(values[2:5]), (), None]
    else:
        values.append(None)
    for value in values:
        assert _outcome(light, value, param, ctx) == _outcome(full, value, param, ctx), value


def test_a_bad_whole_number_is_refused_as_typer_refuses_it(ledger: Any) -> None:
    """A value the light conversion does not read goes to Typer's adapter: the same message."""
    r = ledger("config", "calendar", "list", "--year", "二〇二六")
    assert r.exit_code == 2
    assert "--year" in r.stderr and "valid integer" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = ledger("config", "calendar", "list", "--year", "2026")
    assert r.exit_code == 0, r.stderr
