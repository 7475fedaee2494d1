"""One renderer for every list and show command, in every format.

Machine formats (csv, tsv, json, jsonl) use the rows' snake_case keys and ISO dates and carry
text verbatim.  Text formats (Rich `table`, tabulate's) show control characters as visible
escapes so stored text can never drive the clerk's terminal, and never parse Rich markup.

A rendering speaks one language (Lang): `en` shows the keys and the stored codes; `zh` shows
each column's Chinese header and, for a column that declares what its values are (Col.values),
their Chinese names (vocab.py) and units by their short names.  That is the one place rows
turn Chinese; rows themselves always carry codes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
    """A column: its machine key, its Chinese header, what its values are, and what a text
    format shows for an empty value.  `values` is the name of a vocabulary in vocab.py
    ("CATEGORY", "ITEM_STATUS", "LIGHT"...), "status" for a record status whose vocabulary is
    the row's `kind`, "unit" for a unit code, "units" for a list of them; empty for text,
    numbers and dates, which show as they are.  `empty` is 长期 for a due date (long-term
    work); machine formats keep an empty value empty."""

    key: str
    zh: str = ""
    values: str = ""
    empty: str = ""

    def header(self, chinese: bool) -> str:
        return self.zh if chinese and self.zh else self.key

    def shown(self, value: Any) -> Any:
        """The value as a text format shows it."""
        return self.empty if value is None and self.empty else value


def cols(spec: str) -> list[Col]:
    """Columns from 'key:中文 key2:中文2:values key3:中文3:values:空值' (a compact way to
    declare a table)."""
    out = []
    for part in spec.split():
        key, _, rest = part.partition(":")
        zh, _, rest = rest.partition(":")
        values, _, empty = rest.partition(":")
        out.append(Col(key, zh, values, empty))
    return out


UNIT_VALUES = ("unit", "units")
LIST_SEPARATOR_ZH = "、"


@dataclass(frozen=True)
class Lang:
    """The language of one rendering: English codes, or Chinese headers and values.

    `units` maps a unit's code to the name Chinese output gives it (its short name,
    services.units.shown_names); a code it does not hold shows as it is.
    """

    zh: bool = False
    units: Mapping[str, str] = field(default_factory=dict)

    def header(self, col: Col) -> str:
        return col.header(self.zh)

    def title(self, text: str | None) -> str | None:
        """A table's or section's title: its Chinese name when it has one (vocab.TITLE)."""
        if not self.zh or not text:
            return text
        from duchá.vocab import TITLE

        return TITLE.zh(text)

    def value(self, values: str, value: Any, row: Mapping[str, Any]) -> Any:
        """What a cell shows: `value` itself, or in Chinese the name of the code it holds."""
        if not self.zh or not values or value is None or value == "":
            return value
        if values in UNIT_VALUES:
            parts = value if isinstance(value, list | tuple) else str(value).split(";")
            names = [self.units.get(str(p), str(p)) for p in parts if p]
            return LIST_SEPARATOR_ZH.join(names) if values == "units" else ";".join(names)
        from duchá import vocab as words

        vocab = words.STATUS_OF_KIND.get(row.get("kind", "")) if values == "status" else \
            getattr(words, values, None)
        if not isinstance(vocab, words.Vocab):
            return value
        if isinstance(value, bool):
            value = "true" if value else "false"
        return vocab.zh(str(value))

    def row(self, row: Mapping[str, Any], columns: Sequence[Col]) -> dict[str, Any]:
        """A row with the values its columns show (keys unchanged)."""
        if not self.zh:
            return dict(row)
        return {**row, **{c.key: self.value(c.values, row.get(c.key), row) for c in columns
                          if c.values}}


EN = Lang()


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
    lang: Lang = EN,
    excel: bool = False,
) -> None:
    """Write rows in `fmt`; only the listed columns, in their order, in `lang`.  `excel`:
    CSV/TSV cells that would start a formula are guarded (`guard`)."""
    keys = [c.key for c in columns]
    heads = [lang.header(c) for c in columns]
    if lang.zh and fmt != "table":  # the terminal table styles by the code, then translates
        rows = [lang.row(r, columns) for r in rows]
    if fmt == "json":
        json.dump([{h: plain(r.get(k)) for h, k in zip(heads, keys, strict=True)}
                   for r in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps({h: plain(r.get(k)) for h, k in zip(heads, keys, strict=True)},
                                 ensure_ascii=False) + "\n")
    elif fmt in ("csv", "tsv"):
        _write_delimited(out, fmt, heads, ([r.get(k) for k in keys] for r in rows),
                         excel=excel)
    elif fmt == "table":
        _rich_table(rows, columns, out, title=lang.title(title), color=color, lang=lang)
    else:
        _tabulate(rows, columns, fmt, out, title=lang.title(title), lang=lang)


def render_record(
    record: dict[str, Any],
    fields: Sequence[Col],
    fmt: str,
    out: TextIO,
    *,
    sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]] = (),
    title: str | None = None,
    color: bool = False,
    lang: Lang = EN,
    excel: bool = False,
) -> None:
    """Write one record and its sections (progress, members, history, ...)."""
    if fmt in ("json", "jsonl"):
        shown = lang.row(record, fields)
        obj = {lang.header(c): plain(shown.get(c.key)) for c in fields}
        for name, scols, srows in sections:
            obj[lang.title(name) or name] = [
                {lang.header(c): plain(r.get(c.key)) for c in scols}
                for r in (lang.row(x, scols) for x in srows)]
        if fmt == "json":
            json.dump(obj, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    pairs, kv = record_pairs(record, fields, lang, shown=fmt not in ("csv", "tsv"))
    if fmt in ("csv", "tsv"):
        _write_delimited(out, fmt, [lang.header(c) for c in kv],
                         ([p["field"], p["value"]] for p in pairs), excel=excel)
        for name, scols, srows in sections:
            out.write("\n")
            _write_delimited(out, fmt, [lang.title(name) or name], [])
            keys = [c.key for c in scols]
            _write_delimited(out, fmt, [lang.header(c) for c in scols],
                             ([r.get(k) for k in keys] for r in
                              (lang.row(x, scols) for x in srows)), excel=excel)
        return
    render(pairs, kv, fmt, out, title=title, color=color, lang=lang)
    for name, scols, srows in sections:
        out.write("\n")
        if fmt != "table":
            out.write(f"{lang.title(name)}\n")
        render(srows, scols, fmt, out, title=name, color=color, lang=lang)


def record_pairs(record: dict[str, Any], fields: Sequence[Col], lang: Lang, *,
                 shown: bool = True) -> tuple[list[dict[str, Any]], list[Col]]:
    """One record as rows of (field, value) in `lang`, and those two columns; `shown`: an
    empty value as its column shows it to a reader (长期 for no due date)."""
    row = lang.row(record, fields)
    pairs = [{"field": lang.header(c),
              "value": c.shown(row.get(c.key)) if shown else row.get(c.key)} for c in fields]
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
    lang: Lang,
) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = None if out.isatty() else 200
    console = Console(file=out, no_color=not color, color_system="auto" if color else None,
                      highlight=False, markup=False, emoji=False, width=width)
    cells = [[_styled(c.key, r.get(c.key), color,
                      c.shown(lang.value(c.values, r.get(c.key), r))) for c in columns]
             for r in rows]
    headers = [Text(lang.header(c)) for c in columns]
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


def _styled(key: str, value: Any, color: bool, shown: Any) -> Any:
    """A cell's text (`shown`, the value in the rendering's language), coloured by the code
    it holds (`value`) when it is a light or a level."""
    from rich.text import Text

    style = _LIGHT_STYLE.get(cell(value), "") if color and key in ("light", "level") else ""
    return Text(safe(shown), style=style)


def _tabulate(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Col],
    fmt: str,
    out: TextIO,
    *,
    title: str | None,
    lang: Lang,
) -> None:
    """A tabulate text format of rows already in the rendering's language."""
    from tabulate import tabulate

    name = "pipe" if fmt == "markdown" else fmt
    data = [[safe(c.shown(r.get(c.key))) for c in columns] for r in rows]
    headers = [lang.header(c) for c in columns]
    if name in ("html", "unsafehtml"):
        name = "html"  # tabulate escapes cell text in "html"; never emit stored markup raw
    out.write(tabulate(data, headers=headers, tablefmt=name, disable_numparse=True) + "\n")


def render_sections(
    sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]],
    fmt: str,
    out: TextIO,
    *,
    color: bool = False,
    lang: Lang = EN,
    excel: bool = False,
) -> None:
    """Several named tables.  Machine formats give one document: a JSON object of lists,
    JSON lines and CSV/TSV rows with a `section` field (CSV/TSV columns: the sections'
    columns in order, each once); text formats show one table after another."""
    if fmt in ("json", "jsonl"):
        obj = {lang.title(name) or name: [{lang.header(c): plain(r.get(c.key)) for c in scols}
                                          for r in (lang.row(x, scols) for x in srows)]
               for name, scols, srows in sections}
        if fmt == "json":
            json.dump(obj, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            for name, rows in obj.items():
                for r in rows:
                    out.write(json.dumps({"栏目" if lang.zh else "section": name, **r},
                                         ensure_ascii=False) + "\n")
        return
    if fmt in ("csv", "tsv"):
        first: dict[str, Col] = {"section": Col("section", "栏目")}
        for _, scols, _ in sections:
            for c in scols:
                first.setdefault(c.key, c)
        keys = list(first)
        _write_delimited(out, fmt, [lang.header(c) for c in first.values()],
                         ([r.get(k) for k in keys]
                          for name, scols, srows in sections
                          for r in ({**lang.row(row, scols), "section": lang.title(name)}
                                    for row in srows)),
                         excel=excel)
        return
    for i, (name, scols, srows) in enumerate(sections):
        if i:
            out.write("\n")
        if fmt != "table":
            out.write(f"{lang.title(name)}\n")
        render(srows, scols, fmt, out, title=name, color=color, lang=lang)
