"""The `report status` dashboard on a terminal: Rich panels with bar charts.

Other formats show the same numbers as rows (state.emit_sections); this is only the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from duchá.output import Lang

BAR = 30


def _bar(n: int, top: int, style: str) -> Any:
    from rich.text import Text

    width = 0 if not top else max(1 if n else 0, round(BAR * n / top))
    return Text("█" * width, style=style)


def render(data: dict[str, list[dict[str, Any]]], out: TextIO, *, color: bool,
           lang: Lang | None = None) -> None:
    """The panels; in Chinese (`lang.zh`) statuses, lights, units and the words around the
    numbers are Chinese."""
    from rich.columns import Columns
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from duchá.output import EN

    lang = lang or EN
    zh = lang.zh

    console = Console(file=out, no_color=not color, color_system="auto" if color else None,
                      highlight=False, markup=False, emoji=False,
                      width=None if out.isatty() else 120)
    panels = []
    for kind, title in (("item", "督办事项 items"), ("finding", "发现问题 findings")):
        rows = [r for r in data["by_status"] if r["kind"] == kind]
        table = Table.grid(padding=(0, 1))
        top = max((r["count"] for r in rows), default=0)
        for r in rows:
            table.add_row(Text(lang.value("status", r["status"], r)),
                          Text(str(r["count"]), justify="right"),
                          _bar(r["count"], top, "cyan"))
        red = sum(r["red"] for r in rows)
        yellow = sum(r["yellow"] for r in rows)
        green = sum(r["green"] for r in rows)
        lights = max(red, yellow, green)
        table.add_row(Text(""), Text(""), Text(""))
        for name, n, style in (("red", red, "red"), ("yellow", yellow, "yellow"),
                               ("green", green, "green")):
            table.add_row(Text(lang.value("light", name, {}), style=style),
                          Text(str(n), justify="right"),
                          _bar(n, lights, style))
        panels.append(Panel(table, title=title))
    console.print(Columns(panels))
    cat = Table.grid(padding=(0, 1))
    top = max((r["total"] for r in data["by_category"]), default=0)
    for r in data["by_category"]:
        counts = (f"在办 {r['open']} / 逾期 {r['overdue']} / 共 {r['total']}" if zh else
                  f"{r['open']} open / {r['overdue']} overdue / {r['total']}")
        cat.add_row(Text(r["name"]), Text(counts), _bar(r["total"], top, "blue"))
    console.print(Panel(cat, title="by category 按类别"))
    reds = Table.grid(padding=(0, 1))
    top = max((r["red"] for r in data["red_units"]), default=0)
    for r in data["red_units"]:
        counts = (f"事项 {r['red_items']} 个，问题 {r['red_findings']} 个" if zh else
                  f"{r['red_items']} items, {r['red_findings']} findings")
        reds.add_row(Text(lang.value("unit", r["unit"], r) if zh else r["name"]), Text(counts),
                     _bar(r["red"], top, "red"))
    console.print(Panel(reds if data["red_units"] else Text("no red lights 无红灯"),
                        title="most red 红灯最多的单位"))
    q = data["quota"][0]
    if q["allowed"] is None:
        text = Text(f"{q['year']}年：计划 {q['used']} 项，未设定总量（`duchá plan quota`）" if zh
                    else f"{q['year']}: {q['used']} plan entries; no quota set "
                    "(`duchá plan quota`)")
    else:
        text = Text(f"{q['year']}年：计划 {q['used']} 项，总量 {q['allowed']} 项，余量 "
                    f"{q['headroom']} 项" if zh else
                    f"{q['year']}: {q['used']} of {q['allowed']} allowed, headroom "
                    f"{q['headroom']}", style="red" if q["headroom"] < 0 else "")
    console.print(Panel(text, title="plan quota 计划总量"))
