"""Option and argument values converted without pydantic.

Typer 0.29 converts every value that is not a flag through a pydantic TypeAdapter built on
first use: its first call imports pydantic and pydantic-core and builds the adapters, some
0.2 s of CPU on every command (half of a small command's time, and the import's fixed cost).
duchá's parameters are text, whole numbers, flags and paths, alone or repeated, with no constraints
that need pydantic; for those, `install` gives Typer a conversion that returns what the
adapter returns.  Any value this conversion does not take as plainly its type (" 12", "1_000",
bytes...) goes to Typer's own adapter, which answers as it always did, errors included; so
does any other kind of parameter.  tests/test_coerce.py holds the two to the same answers for
every parameter of every command.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import core
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path

_WHOLE = re.compile(r"-?[0-9]+")


class _Other(Exception):
    """A value the light conversion leaves to Typer's adapter."""


def _text(value: Any, *_: Any) -> Any:
    if type(value) is not str:
        raise _Other
    return value


def _flag(value: Any, *_: Any) -> Any:
    if type(value) is not bool:
        raise _Other
    return value


def _whole(value: Any, *_: Any) -> Any:
    if type(value) is int:
        return value
    if type(value) is not str or _WHOLE.fullmatch(value) is None:
        raise _Other
    return int(value)


def _path_of(info: Any) -> Callable[..., Any]:
    def path(value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is str and value:
            value = Path(value)
        if not isinstance(value, Path):
            raise _Other
        # Typer's own checks (exists, file or folder, "-"): given a Path, they need no adapter.
        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)

    return path


def _leaf(annotation: Any, info: Any) -> Callable[..., Any] | None:
    if info.parser is not None or getattr(info, "click_type", None) is not None:
        return None
    if annotation is str:
        return _text
    if annotation is bool:
        return _flag
    if annotation is int and info.min is None and info.max is None and not info.clamp:
        return _whole
    if annotation is Path and info.path_type in (None, Path):
        return _path_of(info)
    return None


@dataclass(frozen=True)
class LightParam(RuntimeParam):
    """A value converted by `convert`, or by Typer's adapter (built when first needed)."""

    convert: Callable[..., Any]
    many: bool
    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            if self.many:
                if not isinstance(value, (list, tuple)):
                    raise _Other
                return [self.convert(v, param, ctx) for v in value]
            return self.convert(value, param, ctx)
        except _Other:
            return _full(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


# Typer's adapters, by their parameter's descriptor (kept with it, so that its id stays its own).
_built: dict[int, tuple[TypeDescriptor, RuntimeParam]] = {}


def _full(descriptor: TypeDescriptor) -> RuntimeParam:
    key = id(descriptor)
    if key not in _built:
        _built[key] = (descriptor, build_runtime_param(descriptor))
    return _built[key][1]


def light(descriptor: TypeDescriptor) -> LightParam | None:
    """The light conversion of a parameter, or None where only Typer's adapter will do."""
    if descriptor.file_annotation is not None:
        return None
    annotation, info = descriptor.annotation, descriptor.parameter_info
    many = get_origin(annotation) is list
    convert = _leaf(get_args(annotation)[0] if many else annotation, info)
    if convert is None:
        return None
    return LightParam(annotation=annotation, parameter_info=info, convert=convert, many=many,
                      descriptor=descriptor)


def install() -> None:
    """Typer's parameters convert their values with `light` where it applies."""
    typer_param = core._TyperParameter
    if getattr(typer_param.get_runtime_param, "light", False):
        return

    def get_runtime_param(self: Any) -> RuntimeParam:
        if self._runtime_param is None:
            self._runtime_param = light(self.type_descriptor) or build_runtime_param(
                self.type_descriptor)
        return self._runtime_param

    get_runtime_param.light = True  # type: ignore[attr-defined]
    typer_param.get_runtime_param = get_runtime_param  # type: ignore[method-assign]
