"""One renderer, every format: the same rows come out right in each, and machine ones round-trip."""

import csv
import io
import json
from datetime import date

import pytest
from wcwidth import wcswidth

from duchá.output import FORMATS, cols, render, render_record

COLS = cols("number:编号 title:事项 due:落实时限 percent:百分比 note:备注")
ROWS = [
    {"number": "DB-2026-0001", "title": "推进城区供热管网改造", "due": date(2026, 12, 31),
     "percent": 40, "note": "[bold]x[/bold], =1+1"},
    {"number": "DB-2026-0002", "title": "short", "due": date(2026, 1, 5), "percent": None,
     "note": "'; DROP TABLE item; --"},
]


def _render(fmt: str) -> str:
    out = io.StringIO()
    render(ROWS, COLS, fmt, out, title="items")
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_every_row(fmt: str) -> None:
    text = _render(fmt)
    for needle in ("DB-2026-0001", "DB-2026-0002", "2026-12-31"):
        assert needle in text
    if fmt not in ("html", "unsafehtml", "latex", "latex_raw", "latex_booktabs",
                   "latex_longtable", "mediawiki", "jira", "asciidoc", "textile"):
        assert "[bold]x[/bold], =1+1" in text  # stored text verbatim, never markup
        assert "推进城区供热管网改造" in text


def test_json_round_trip() -> None:
    data = json.loads(_render("json"))
    assert data == [
        {"number": "DB-2026-0001", "title": "推进城区供热管网改造", "due": "2026-12-31",
         "percent": 40, "note": "[bold]x[/bold], =1+1"},
        {"number": "DB-2026-0002", "title": "short", "due": "2026-01-05", "percent": None,
         "note": "'; DROP TABLE item; --"},
    ]
    lines = [json.loads(x) for x in _render("jsonl").splitlines()]
    assert lines == data


def test_csv_round_trip() -> None:
    rows = list(csv.DictReader(io.StringIO(_render("csv"))))
    assert rows[0] == {"number": "DB-2026-0001", "title": "推进城区供热管网改造",
                       "due": "2026-12-31", "percent": "40", "note": "[bold]x[/bold], =1+1"}
    assert rows[1]["percent"] == "" and rows[1]["note"] == "'; DROP TABLE item; --"
    tsv = list(csv.reader(io.StringIO(_render("tsv")), delimiter="\t"))
    assert tsv[0] == ["number", "title", "due", "percent", "note"]
    assert tsv[1][1] == "推进城区供热管网改造"


@pytest.mark.parametrize("fmt", ["plain", "simple", "github", "grid", "pipe", "table"])
def test_cjk_stays_aligned(fmt: str) -> None:
    lines = [ln for ln in _render(fmt).splitlines() if "DB-2026" in ln]
    # The due date column starts at the same display column on every row.
    starts = {wcswidth(ln[: ln.index("2026-", 10)]) for ln in lines}
    assert len(starts) == 1, lines


def test_terminal_escapes_are_shown_not_executed() -> None:
    rows = [{"number": "x", "title": "\x1b[31mred\x1b[0m\x07", "due": None, "percent": None,
             "note": ""}]
    for fmt in ("table", "plain", "github"):
        out = io.StringIO()
        render(rows, COLS, fmt, out)
        assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
        assert "\\x1b[31mred" in out.getvalue()
    out = io.StringIO()
    render(rows, COLS, "json", out)
    assert json.loads(out.getvalue())[0]["title"] == "\x1b[31mred\x1b[0m\x07"


def test_record_with_sections() -> None:
    out = io.StringIO()
    render_record(ROWS[0], COLS, "json", out,
                  sections=[("progress", cols("on text"), [{"on": date(2026, 1, 2), "text": "a"}])])
    data = json.loads(out.getvalue())
    assert data["number"] == "DB-2026-0001"
    assert data["progress"] == [{"on": "2026-01-02", "text": "a"}]
    out = io.StringIO()
    render_record(ROWS[0], COLS, "csv", out, sections=[("progress", cols("on text"), [])])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["field", "value"] and ["title", "推进城区供热管网改造"] in rows


def _cells(*rows: tuple[str, ...]) -> list[list]:
    from rich.text import Text

    return [[Text(v) for v in row] for row in rows]


def test_table_widths_keep_numbers_and_dates_whole() -> None:
    from rich.text import Text

    from duchá.output import _widths

    heads = [Text(h) for h in ("number", "description", "days_overdue", "due")]
    cells = _cells(("WT-2026-0011", "政务服务窗口一次性告知不到位", "0", "2026-06-11"),
                   ("WT-2026-0012", "short", "12", "2026-11-27"))
    # Room for everything: each column as wide as its widest cell or header (CJK counts 2).
    assert _widths(heads, cells, 200) == [12, 28, 12, 10]
    # Narrower: the number and the date stay whole, the short header too, and the
    # description wraps into what is left.
    assert _widths(heads, cells, 60) == [12, 18, 12, 10]
    # Narrower still: the long header folds to 8 before the description goes under 8.
    assert _widths(heads, cells, 46) == [12, 8, 8, 10]
    # Too narrow for that: None, and the rows are shown one field per line.
    assert _widths(heads, cells, 40) is None
