"""One renderer for every list and show command, in every format.

Machine formats (csv, tsv, json, jsonl) use the rows' snake_case keys and ISO dates and carry
text verbatim.  Text formats (Rich `table`, tabulate's) show control characters as visible
escapes so stored text can never drive the clerk's terminal, and never parse Rich markup.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from duchá.dates import plain

MACHINE_FORMATS = ("csv", "tsv", "json", "jsonl")
TABULATE_FORMATS = (
    "plain", "simple", "github", "grid", "simple_grid", "rounded_grid", "heavy_grid",
    "mixed_grid", "double_grid", "fancy_grid", "outline", "simple_outline", "rounded_outline",
    "heavy_outline", "mixed_outline", "double_outline", "fancy_outline", "pipe", "orgtbl",
    "asciidoc", "jira", "presto", "pretty", "psql", "rst", "mediawiki", "moinmoin", "youtrack",
    "html", "unsafehtml", "latex", "latex_raw", "latex_booktabs", "latex_longtable",
    "textile", "tsv_plain",
)
FORMATS = ("table", *MACHINE_FORMATS, "markdown", *TABULATE_FORMATS)  # rendered as text
FILE_FORMATS = ("xlsx", "docx")  # built whole and written to an -o file (duchá/writers/)
# What an -o file's extension says, and the -f values that agree with it.
SUFFIXES: dict[str, tuple[str, ...]] = {
    ".csv": ("csv",), ".tsv": ("tsv", "tsv_plain"), ".json": ("json",), ".jsonl": ("jsonl",),
    ".md": ("markdown", "pipe", "github"), ".html": ("html", "unsafehtml"),
    ".xlsx": ("xlsx",), ".docx": ("docx",),
}
DELIMITED = ("csv", "tsv")  # what --excel shapes for a spreadsheet
FORMULA_START = ("=", "+", "-", "@")

# C0 and C1 controls, and the bidirectional controls and line separators that can reorder or
# break what a terminal shows (U+202E makes "exe.txt" read as "txt.exe").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e"
                      r"\u2066-\u2069]")


@dataclass(frozen=True)
class Col:
    """A column: its machine key, its Chinese table header, and what a text format shows for
    an empty value (长期 for a due date: long-term work; machine formats keep it empty)."""

    key: str
    zh: str = ""
    empty: str = ""

    def header(self, chinese: bool) -> str:
        return self.zh if chinese and self.zh else self.key

    def shown(self, value: Any) -> Any:
        """The value as a text format shows it."""
        return self.empty if value is None and self.empty else value


def cols(spec: str) -> list[Col]:
    """Columns from 'key:中文 key2:中文2:空值' (a compact way to declare a table)."""
    out = []
    for part in spec.split():
        key, _, rest = part.partition(":")
        zh, _, empty = rest.partition(":")
        out.append(Col(key, zh, empty))
    return out


def check_format(fmt: str) -> str:
    from duchá.errors import BadInput

    name = fmt.strip().lower()
    if name in FORMATS or name in FILE_FORMATS:
        return name
    raise BadInput(
        f"unknown format '{fmt}'; use table, csv, tsv, json, jsonl, a text format (plain, "
        "simple, github, grid, pipe, markdown, html, ...), or xlsx or docx with -o FILE"
    )


def resolve_format(fmt_text: str | None, output: Path | None, *, default: str,
                   excel: bool = False) -> str:
    """The format of one invocation: -f, else the -o file's extension, else `default`.

    An extension that contradicts -f, a file format without -o, an -o name whose extension
    says nothing without -f, and --excel on anything but CSV/TSV are refused (BadInput)."""
    from duchá.errors import BadInput

    fmt = check_format(fmt_text) if fmt_text else None
    said = SUFFIXES.get(output.suffix.lower()) if output is not None else None
    if output is not None and fmt is None and said is None:
        kinds = " ".join(SUFFIXES)
        raise BadInput(f"cannot tell a format from the name {output.name}; end it in one of "
                       f"{kinds}, or say the format, e.g. -f csv -o {output.name}")
    if fmt is not None and said is not None and fmt not in said:
        name = output.name if output is not None else ""
        stem = output.stem if output is not None else "out"
        raise BadInput(f"-f {fmt} contradicts -o {name}, whose extension says {said[0]}; "
                       f"drop -f, or name the file {stem}{_suffix_of(fmt)}")
    fmt = fmt or (said[0] if said else ("csv" if excel else default))
    if fmt in FILE_FORMATS and output is None:
        raise BadInput(f"{fmt} is a file, not text: give it a name, e.g. -o report.{fmt}")
    if excel and fmt not in DELIMITED:
        raise BadInput(f"--excel shapes CSV and TSV for a spreadsheet; -f {fmt} does not take "
                       "it (an xlsx never runs cell text as a formula): drop --excel")
    return fmt


def _suffix_of(fmt: str) -> str:
    for suffix, names in SUFFIXES.items():
        if fmt in names:
            return suffix
    return ".txt"


def guard(value: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP CSV injection): --excel."""
    return "'" + value if value.startswith(FORMULA_START) else value


def chinese_locale() -> bool:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return value.lower().startswith("zh")
    return False


def cell(value: Any) -> str:
    """A value as CSV text: empty for None, ISO for dates, lower-case booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(cell(v) for v in value)
    return str(value)


def safe(value: Any) -> str:
    """A value as text for a terminal: control characters shown, not executed."""
    return _CONTROL.sub(_escape, cell(value))


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def render(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Col],
    fmt: str,
    out: TextIO,
    *,
    title: str | None = None,
    color: bool = False,
    excel: bool = False,
) -> None:
    """Write rows in `fmt`; only the listed columns, in their order.  `excel`: CSV/TSV cells
    that would start a formula are guarded (`guard`)."""
    keys = [c.key for c in columns]
    if fmt == "json":
        json.dump([{k: plain(r.get(k)) for k in keys} for r in rows], out,
                  ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps({k: plain(r.get(k)) for k in keys}, ensure_ascii=False) + "\n")
    elif fmt in ("csv", "tsv"):
        _write_delimited(out, fmt, keys, ([r.get(k) for k in keys] for r in rows),
                         excel=excel)
    elif fmt == "table":
        _rich_table(rows, columns, out, title=title, color=color)
    else:
        _tabulate(rows, columns, fmt, out, title=title)


def render_record(
    record: dict[str, Any],
    fields: Sequence[Col],
    fmt: str,
    out: TextIO,
    *,
    sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]] = (),
    title: str | None = None,
    color: bool = False,
    excel: bool = False,
) -> None:
    """Write one record and its sections (progress, members, history, ...)."""
    if fmt in ("json", "jsonl"):
        obj = {c.key: plain(record.get(c.key)) for c in fields}
        for name, scols, srows in sections:
            obj[name] = [{c.key: plain(r.get(c.key)) for c in scols} for r in srows]
        if fmt == "json":
            json.dump(obj, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    pairs, kv = record_pairs(record, fields, chinese=fmt == "table" and chinese_locale(),
                             shown=fmt not in ("csv", "tsv"))
    if fmt in ("csv", "tsv"):
        _write_delimited(out, fmt, ["field", "value"], ([p["field"], p["value"]] for p in pairs),
                         excel=excel)
        for name, scols, srows in sections:
            out.write("\n")
            _write_delimited(out, fmt, [name], [])
            keys = [c.key for c in scols]
            _write_delimited(out, fmt, keys, ([r.get(k) for k in keys] for r in srows),
                             excel=excel)
        return
    render(pairs, kv, fmt, out, title=title, color=color)
    for name, scols, srows in sections:
        out.write("\n")
        if fmt != "table":
            out.write(f"{name}\n")
        render(srows, scols, fmt, out, title=name, color=color)


def record_pairs(record: dict[str, Any], fields: Sequence[Col], *, chinese: bool,
                 shown: bool = True) -> tuple[list[dict[str, Any]], list[Col]]:
    """One record as rows of (field, value), and those two columns; `shown`: an empty value
    as its column shows it to a reader (长期 for no due date)."""
    pairs = [{"field": c.header(chinese),
              "value": c.shown(record.get(c.key)) if shown else record.get(c.key)}
             for c in fields]
    return pairs, [Col("field", "字段"), Col("value", "内容")]


def _write_delimited(out: TextIO, fmt: str, header: list[str], rows: Iterable[list[Any]], *,
                     excel: bool = False) -> None:
    import csv

    if excel:  # text only: a date or a negative number is no formula
        rows = ([guard(v) if isinstance(v, str) else v for v in row] for row in rows)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
        return
    # TSV has no quoting: tabs and newlines inside a value are escaped as \t and \n.
    def esc(v: Any) -> str:
        return cell(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    out.write("\t".join(header) + "\n")
    for row in rows:
        out.write("\t".join(esc(v) for v in row) + "\n")


def _rich_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Col],
    out: TextIO,
    *,
    title: str | None,
    color: bool,
) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    chinese = chinese_locale()
    width = None if out.isatty() else 200
    console = Console(file=out, no_color=not color, color_system="auto" if color else None,
                      highlight=False, markup=False, emoji=False, width=width)
    cells = [[_styled(c.key, c.shown(r.get(c.key)), color) for c in columns] for r in rows]
    headers = [Text(c.header(chinese)) for c in columns]
    fixed = _widths(headers, cells, console.width)
    if fixed is None:
        _records(console, title, headers, cells)
        return
    table = Table(title=Text(safe(title)) if title else None, show_lines=False,
                  header_style="bold" if color else "", box=box.SIMPLE_HEAD, pad_edge=False,
                  padding=(0, 1, 0, 0))
    for i, head in enumerate(headers):
        head.overflow = "fold"
        table.add_column(head, overflow="fold", width=fixed[i])
    for row in cells:
        table.add_row(*row)
    console.print(table)


def _records(console: Any, title: str | None, headers: list[Any], cells: list[list[Any]]
             ) -> None:
    """One record per block, a field per line (psql's expanded display): for a terminal too
    narrow to show the table's numbers and dates whole."""
    from rich.table import Table
    from rich.text import Text

    if title:
        console.print(Text(safe(title), style="bold"))
    for n, row in enumerate(cells, start=1):
        console.print(Text(f"-[ {n} ]" + "-" * max(console.width - 8 - len(str(n)), 0),
                           style="dim"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for head, cell in zip(headers, row, strict=True):
            grid.add_row(head, cell)
        console.print(grid)


def _widths(headers: list[Any], cells: list[list[Any]], width: int) -> list[int] | None:
    """Column widths that keep numbers, codes, dates and states (short ASCII) on one
    line, folding long headers and wrapping the prose columns instead; None when the screen
    is too narrow for that (the rows are then shown one field per line)."""
    want, floor = [], []
    for i, head in enumerate(headers):
        values = [row[i].plain for row in cells]
        longest = max([row[i].cell_len for row in cells], default=0)
        want.append(max(longest, head.cell_len, 1))
        if all(v.isascii() for v in values) and longest <= 24:
            floor.append(max(longest, min(head.cell_len, 8), 1))
        else:
            floor.append(min(want[-1], 8))
    room = width - 2 * len(headers)  # the padding and the space between columns
    if sum(want) <= room:
        return want
    if sum(floor) > room:
        return None
    out, spare = list(floor), room - sum(floor)
    # Whole headers first (they are short), then the prose shares what is left.
    for i in sorted(range(len(out)), key=lambda i: want[i] - out[i]):
        grow = min(want[i] - out[i], spare) if want[i] - out[i] <= 8 else 0
        out[i] += grow
        spare -= grow
    wide = [i for i in range(len(out)) if want[i] > out[i]]
    total = sum(want[i] - out[i] for i in wide)
    for i in wide:
        out[i] += (want[i] - out[i]) * spare // total if total else 0
    return out


_LIGHT_STYLE = {"red": "bold red", "yellow": "yellow", "green": "green",
                "error": "bold red", "warning": "yellow", "info": "cyan"}


def _styled(key: str, value: Any, color: bool) -> Any:
    from rich.text import Text

    text = safe(value)
    style = _LIGHT_STYLE.get(text, "") if color and key in ("light", "level") else ""
    return Text(text, style=style)


def _tabulate(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Col],
    fmt: str,
    out: TextIO,
    *,
    title: str | None,
) -> None:
    from tabulate import tabulate

    name = "pipe" if fmt == "markdown" else fmt
    data = [[safe(c.shown(r.get(c.key))) for c in columns] for r in rows]
    headers = [c.key for c in columns]
    if name in ("html", "unsafehtml"):
        name = "html"  # tabulate escapes cell text in "html"; never emit stored markup raw
    out.write(tabulate(data, headers=headers, tablefmt=name, disable_numparse=True) + "\n")


def render_sections(
    sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]],
    fmt: str,
    out: TextIO,
    *,
    color: bool = False,
    excel: bool = False,
) -> None:
    """Several named tables.  Machine formats give one document: a JSON object of lists,
    JSON lines and CSV/TSV rows with a `section` field (CSV/TSV columns: the sections'
    columns in order, each once); text formats show one table after another."""
    if fmt in ("json", "jsonl"):
        obj = {name: [{c.key: plain(r.get(c.key)) for c in scols} for r in srows]
               for name, scols, srows in sections}
        if fmt == "json":
            json.dump(obj, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            for name, rows in obj.items():
                for r in rows:
                    out.write(json.dumps({"section": name, **r}, ensure_ascii=False) + "\n")
        return
    if fmt in ("csv", "tsv"):
        keys = list(dict.fromkeys(["section", *(c.key for _, scols, _ in sections
                                                for c in scols)]))
        _write_delimited(out, fmt, keys, ([r.get(k) for k in keys]
                                          for name, _, srows in sections
                                          for r in ({**row, "section": name} for row in srows)),
                         excel=excel)
        return
    for i, (name, scols, srows) in enumerate(sections):
        if i:
            out.write("\n")
        if fmt != "table":
            out.write(f"{name}\n")
        render(srows, scols, fmt, out, title=name, color=color)
