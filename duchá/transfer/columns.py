"""Reading a spreadsheet's headers: the comparison key of a header, the field each header
names, the tables by their names in English and Chinese.  The columns themselves are part of
each table's one description (duchá/tables.py).  Only the standard library is imported here:
`duchá import --help` lists the headers at start-up.
"""

from __future__ import annotations

import re

from duchá.tables import TABLES, Column

__all__ = ["CHILD_TABLES", "IGNORED", "REASON", "SERVICE_TABLES", "SOURCE_LINE", "TABLES",
           "Column", "help_table", "key", "lookup", "table_name"]


# Tables whose rows hang off an item or a finding and have no number of their own.
CHILD_TABLES = ("progress", "extensions", "accountability")
# Tables imported row by row through their command's own checks (a handful of rows a year).
SERVICE_TABLES = ("quotas", "settings", "calendar")

# Columns a spreadsheet carries that are not data: ignored without a warning (unless the table
# has a column of that name: items keep 备注).  A file of rejected rows adds the last two.
REASON, SOURCE_LINE = "错误原因", "原行号"
IGNORED = {"序号", "备注", "no", "#", REASON, SOURCE_LINE}


def key(header: str) -> str:
    """A header's comparison key: case, spaces, underscores, dashes and brackets ignored."""
    return re.sub(r"[\s_\-（）()·:：*＊]", "", header.strip().lstrip("\ufeff").lower())


def lookup(table: str) -> dict[str, str]:
    """Header key -> field name for one table."""
    out: dict[str, str] = {}
    for col in TABLES[table]:
        for name in (col.name, *col.aliases, *col.zh):
            out.setdefault(key(name), col.name)
    return out


def table_name(text: str) -> str | None:
    """The table named by `text` (plural, singular, or Chinese), or None."""
    raw = (text or "").strip().lower()
    names = {
        "units": ("unit", "单位"), "items": ("item", "事项", "督办事项"),
        "plans": ("plan", "plan_entry", "计划", "督查计划"),
        "inspections": ("inspection", "inspect", "督查"),
        "findings": ("finding", "问题", "发现问题"),
        "quotas": ("quota", "压减计划", "限额"),
        "settings": ("setting", "config", "设置"),
        "calendar": ("calendar_days", "days", "日历", "调休"),
        "progress": ("progress_notes", "notes", "进展", "进展动态"),
        "extensions": ("extension", "延期"),
        "accountability": ("accountabilities", "问责"),
    }
    for name, others in names.items():
        if raw == name or raw in others:
            return name
    return None


def help_table() -> str:
    """The header aliases, one line per column, for `duchá import --help`."""
    lines = []
    for table, columns in TABLES.items():
        lines.append(f"{table}:")
        for col in columns:
            star = "*" if col.required else " "
            lines.append(f"  {star}{col.name:<22}{' '.join(col.zh)}")
    return "\n".join(lines)
