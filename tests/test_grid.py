"""A CSV whose rows are all as wide (Excel pads each row to the sheet's width) is held as one
flat list of cells (transfer/grid.py): it must read, locate its header, fill merged blanks
and import exactly as the same sheet held row by row does."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_taizhang import AS_OF, HEADER, _grid, office_at, write_csv

from conftest import Runner
from duchá.transfer import sheets
from duchá.transfer.grid import Grid, join, split_lines

CELLS = st.sampled_from(["dept01", "一般", "", " ", "2026-06-01", "长期", "a b"])


@settings(max_examples=200, deadline=None)
@given(width=st.integers(1, 4), data=st.data())
def test_a_grid_reads_as_its_rows_do(width: int, data: st.DataObject) -> None:
    """Indexing, slicing (with steps and from the end), iteration, the rows kept and a column
    set: each as the list of the same rows gives it."""
    rows = data.draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=7))
    lines = sorted(data.draw(st.sets(st.integers(1, 40), min_size=len(rows),
                                     max_size=len(rows))))
    plain = list(zip(lines, rows, strict=True))
    grid = Grid(lines, [c for row in rows for c in row], width)
    assert list(grid) == plain and len(grid) == len(plain)
    for i in range(-len(plain), len(plain)):
        assert grid[i] == plain[i]
    start, stop = data.draw(st.integers(-9, 9)), data.draw(st.integers(-9, 9))
    step = data.draw(st.sampled_from([1, 2, 3]))
    assert list(grid[start:stop:step]) == plain[start:stop:step]
    kept = sorted(data.draw(st.sets(st.integers(0, max(len(plain) - 1, 0)))) if plain else [])
    assert list(grid.keep(kept)) == [plain[k] for k in kept]
    j = data.draw(st.integers(0, width - 1))
    assert grid.column(j) == [row[j] for row in rows]
    assert grid.stripped(j) == [row[j].strip() for row in rows]
    grid.set_column(j, ["x"] * len(rows))
    assert list(grid) == [(line, [*row[:j], "x", *row[j + 1:]]) for line, row in plain]


def test_lines_of_other_widths_are_no_grid() -> None:
    assert split_lines(["a,b", "c,d,e"], [True, True], ",", 1) is None
    grid = split_lines(["a,b", ",", "c,d"], [True, False, True], ",", 3)
    assert grid is not None and list(grid) == [(3, ["a", "b"]), (5, ["c", "d"])]
    two = split_lines(["e,f,g"], [True], ",", 6)
    assert two is not None and join([grid, two]) is None
    assert join([grid, Grid([], [], 0)]) is grid


def _ragged(path: Path) -> Path:
    """The 台账 as a CSV made by hand: each row of the table only as wide as what it says
    (its titles, headings and footer as wide as the sheet: a heading is told by that)."""
    cells, _ = _grid()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in cells:
        texts = ["" if v is None else str(v) for v in row]
        if len(texts) == 1:
            texts += [""] * (len(HEADER) - 1)
        else:
            while texts and not texts[-1]:
                texts.pop()
        w.writerow(texts)
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return path


def test_the_taizhang_padded_and_ragged_reads_the_same(tmp_path: Path) -> None:
    """Excel's padded CSV is read as a Grid, the ragged one row by row: the same header,
    titles, section headings, rows and merged blanks filled from above."""
    padded = sheets.read(write_csv(tmp_path / "padded.csv"), "items")
    ragged = sheets.read(_ragged(tmp_path / "ragged.csv"), "items")
    assert isinstance(padded.rows, Grid) and not isinstance(ragged.rows, Grid)
    assert padded.header == HEADER
    assert (padded.header_line, padded.titles, padded.sections) == \
        (ragged.header_line, ragged.titles, ragged.sections)
    assert padded.sections and padded.titles
    width = len(HEADER)
    assert [(line, row) for line, row in padded.rows] == \
        [(line, row + [""] * (width - len(row))) for line, row in ragged.rows]
    where = {"assigned": HEADER.index("交办时间")}
    filled = sheets.fill_down("items", padded, where)
    assert filled == sheets.fill_down("items", ragged, where)
    assert filled["assigned"]  # (the sheet's merged 交办时间)
    assert [(line, row) for line, row in padded.rows] == \
        [(line, row + [""] * (width - len(row))) for line, row in ragged.rows]


def test_the_taizhang_padded_and_ragged_imports_the_same(cli: Runner, tmp_path: Path) -> None:
    exports = []
    for name, make in (("padded.csv", write_csv), ("ragged.csv", _ragged)):
        db = office_at(cli, tmp_path / f"{name}.db")
        r = cli("import", "items", str(make(tmp_path / name)), *AS_OF, "-f", "csv", db=db)
        assert r.exit_code == 0, r
        warnings = [w for w in r.stderr.splitlines() if w.startswith("warning:")]
        exports.append((warnings, cli("export", "items", "-f", "csv", db=db).stdout))
    assert exports[0] == exports[1]
    assert any("taken from the row above" in w for w in exports[0][0])
