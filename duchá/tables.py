"""The Core table behind a SQLModel table class, typed: SQLModel does not declare `__table__`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """`model.__table__`: the Table that the class is mapped to."""
    from sqlalchemy import inspect

    return cast("Table", inspect(model).local_table)
