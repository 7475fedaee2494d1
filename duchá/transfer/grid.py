"""A sheet's rows when every one has the same number of cells, as most CSV files' have (Excel
pads each row to the sheet's width): one flat list of the cells, row after row.  A column is
then a slice of it, taken in C, and no list is made per row (a 100,000-row file's rows and
their columns cost a third of an import's reading otherwise)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import compress, count, repeat
from typing import overload


class Grid(Sequence[tuple[int, list[str]]]):
    """Rows of `width` cells each: row k is on line `lines[k]`, its cells
    `cells[k * width:(k + 1) * width]`.  Read as a sequence of (line, cells) it gives each
    row's cells as a new list: a change to one is not the grid's (`set_column` is)."""

    __slots__ = ("cells", "lines", "width")

    def __init__(self, lines: list[int], cells: list[str], width: int) -> None:
        if len(cells) != len(lines) * width or (lines and width < 1):
            raise ValueError(f"{len(cells)} cells are not {len(lines)} rows of {width}")
        self.lines = lines
        self.cells = cells
        self.width = width

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, i: int) -> tuple[int, list[str]]: ...

    @overload
    def __getitem__(self, i: slice) -> Grid: ...

    def __getitem__(self, i: int | slice) -> tuple[int, list[str]] | Grid:
        w = self.width
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self.lines))
            if step != 1:
                return self.keep(range(start, stop, step))
            stop = max(start, stop)
            return Grid(self.lines[start:stop], self.cells[start * w:stop * w], w)
        line = self.lines[i]  # (raises IndexError as a list would)
        k = i % len(self.lines)
        return line, self.cells[k * w:k * w + w]

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        cells, w = self.cells, self.width
        return zip(self.lines, (cells[k:k + w] for k in range(0, len(cells), w or 1)), strict=True)

    def __repr__(self) -> str:
        return f"Grid({len(self.lines)} rows of {self.width})"

    def column(self, j: int) -> list[str]:
        """Column j's cells, as they are."""
        return self.cells[j::self.width]

    def stripped(self, j: int) -> list[str]:
        """Column j's cells without the spaces around them."""
        return list(map(str.strip, self.cells[j::self.width]))

    def set_column(self, j: int, values: list[str]) -> None:
        self.cells[j::self.width] = values

    def keep(self, rows: Sequence[int] | range) -> Grid:
        """The rows at the places given (in increasing order), a run of them at a time."""
        w = self.width
        lines = [self.lines[k] for k in rows]
        cells: list[str] = []
        start = prev = -2
        for k in [*rows, -2]:
            if k != prev + 1:
                if start >= 0:
                    cells += self.cells[start * w:(prev + 1) * w]
                start = k
            prev = k
        return Grid(lines, cells, w)

    def clear(self) -> None:
        self.lines.clear()
        self.cells.clear()


# (line number, cells) of each row: a Grid, or a list where the rows' widths differ
Rows = list[tuple[int, list[str]]] | Grid


def split_lines(lines: list[str], says: list[bool], delimiter: str, first: int
                ) -> Grid | None:
    """The lines that say something (`says`), `first` the number of the first line, split at
    the delimiter into a Grid; None when they do not all hold as many delimiters."""
    kept = lines if all(says) else list(compress(lines, says))
    numbers = list(compress(count(first), says))
    if not kept:
        return Grid(numbers, [], 0)
    widths = set(map(str.count, kept, repeat(delimiter)))
    if len(widths) != 1:
        return None
    return Grid(numbers, delimiter.join(kept).split(delimiter), widths.pop() + 1)


def join(grids: list[Grid]) -> Grid | None:
    """Grids one after the other as one, or None when their rows are not equally wide."""
    wide = [g for g in grids if g.lines]
    if len({g.width for g in wide}) > 1:
        return None
    if len(wide) == 1:
        return wide[0]
    lines: list[int] = []
    cells: list[str] = []
    for g in wide:
        lines += g.lines
        cells += g.cells
    return Grid(lines, cells, wide[0].width if wide else 0)
