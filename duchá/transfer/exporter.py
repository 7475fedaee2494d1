"""`duchá export [TABLE]`: the ledger's tables as CSV, TSV, JSON, JSON lines, xlsx, docx, ...

The columns are exactly the ones `duchá import` reads (columns.py), so an exported CSV imports
back into the same ledger.  `--excel` (CSV/TSV for a spreadsheet, a global option) adds a BOM
and guards cells that start with = + - @ (output.guard) so a spreadsheet shows them as text
instead of running them as formulas; plain pipes get the text verbatim.  xlsx and docx are
written by writers/ (xlsx cells are always values, never formulas).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from duchá.errors import BadInput
from duchá.tables import TABLES, stored

if TYPE_CHECKING:
    from duchá.output import Col, Lang
    from duchá.services.ledger import Ledger

# Machine formats are written here (their columns are import's); markdown, html, xlsx and
# docx are the same tables rendered by output.py and writers/.
TEXT_FORMATS = ("csv", "tsv", "json", "jsonl")
FORMATS = (*TEXT_FORMATS, "xlsx", "docx", "markdown", "html")

Data = dict[str, list[dict[str, Any]]]


def _codes(text: str | None) -> str:
    return ";".join(sorted(text.split(";"))) if text else ""


def _list_sub(link: Any, owner_col: str, owner: Any, target: Any, target_col: str,
              label: str) -> Any:
    from sqlalchemy import func, select

    return (select(func.aggregate_strings(getattr(target.c, label), ";"))
            .select_from(link.join(target, target.c.id == getattr(link.c, target_col)))
            .where(getattr(link.c, owner_col) == owner)
            .scalar_subquery())




def _record_query(table: str) -> tuple[Any, tuple[str, ...]]:
    """The export query of a record table, from its description (tables.RECORDS): its columns,
    and the references and lists it names records by (a unit by its code, an item by its
    number), exactly as its history's snapshots pin them."""
    from sqlalchemy import select

    from duchá.history.replay import KINDS, model
    from duchá.tables import RECORDS, table_of

    kind = KINDS[RECORDS[table].kind]
    t = table_of(model(kind.model))
    refs = {r.name: r for r in kind.refs}
    links = {lk.name: lk for lk in kind.links}
    source: Any = t
    picked: list[Any] = []
    for n, c in enumerate(stored(table)):
        if c.name in refs:
            ref = refs[c.name]
            target = table_of(model(ref.target)).alias(f"r{n}")
            source = source.outerjoin(target, target.c.id == t.c[ref.column])
            picked.append(target.c[ref.label].label(c.name))
        elif c.name in links:
            link = links[c.name]
            target = table_of(model(link.target)).alias(f"l{n}")
            picked.append(_list_sub(table_of(model(link.table)), link.parent, t.c.id, target,
                                    link.child, link.label).label(c.name))
        else:
            picked.append(t.c[c.name])
    order = (t.c.code,) if table == "units" else (t.c.year, t.c.seq)
    return select(*picked).select_from(source).order_by(*order), tuple(links)


def _query(lg: Ledger, table: str) -> list[dict[str, Any]]:
    """One table's rows, keyed by the import column names (one SQL statement)."""
    from sqlalchemy import func, select

    from duchá import models as m
    from duchá.tables import RECORDS, table_of

    it = table_of(m.Item)
    lists: tuple[str, ...] = ()
    if table in RECORDS:
        stmt, lists = _record_query(table)
    elif table == "quotas":
        t = table_of(m.Quota)
        stmt = select(t.c.year, t.c.max_count, t.c.reduction, t.c.baseline).order_by(t.c.year)
    elif table == "settings":
        t = table_of(m.Setting)
        stmt = select(t.c.key, t.c.value).order_by(t.c.key)
    elif table == "calendar":
        t = table_of(m.CalendarOverride)
        stmt = select(t.c.day, t.c.workday, t.c.note).order_by(t.c.day)
    elif table == "progress":
        t = table_of(m.Progress)
        stmt = (select(it.c.number.label("item"), t.c.on, t.c.text, t.c.percent)
                .select_from(t.join(it, it.c.id == t.c.item_id))
                .order_by(it.c.year, it.c.seq, t.c.on, t.c.id))
    elif table in ("extensions", "accountability"):
        t = table_of(m.Extension if table == "extensions" else m.Accountability)
        fi = table_of(m.Finding)
        subject = func.coalesce(it.c.number, fi.c.number).label("subject")
        fields = ((t.c.requested_on, t.c.old_due, t.c.to_date, t.c.reason, t.c.status,
                   t.c.decided_by, t.c.decided_on) if table == "extensions"
                  else (t.c.who, t.c.measure, t.c.basis, t.c.on))
        stmt = (select(subject, *fields)
                .select_from(t.outerjoin(it, (t.c.subject_table == "item")
                                         & (it.c.id == t.c.subject_id))
                             .outerjoin(fi, (t.c.subject_table == "finding")
                                        & (fi.c.id == t.c.subject_id)))
                .order_by(t.c.subject_table.desc(), t.c.subject_id, t.c.id))
    else:
        raise ValueError(f"no export for table {table}")
    rows = [dict(r) for r in lg.session.execute(stmt).mappings()]
    if table == "settings":
        for r in rows:  # stored as JSON text; `config set` takes the plain number
            r["value"] = str(json.loads(r["value"]))
    if table == "quotas":
        for r in rows:  # as `plan quota set --reduction` takes it back
            r["reduction"] = None if r["reduction"] is None else f"{r['reduction'] * 100:g}%"
    for r in rows:
        for name in lists:
            r[name] = _codes(r[name])  # the aggregate has no order: sort for stable files
    return rows


def gather(lg: Ledger, tables: Sequence[str]) -> Data:
    return {t: _query(lg, t) for t in tables}


def headers(table: str, zh: bool) -> list[str]:
    return [c.zh_header if zh else c.name for c in stored(table)]


def shown(data: Data, lang: Lang) -> Data:
    """The tables as `lang` shows them: in Chinese, coded values by their Chinese names and
    units by their short names (what import reads back to the same codes)."""
    if not lang.zh:
        return data
    out: Data = {}
    for table, rows in data.items():
        coded = [c for c in TABLES[table] if c.values]
        out[table] = [{**r, **{c.name: lang.value(c.values, r.get(c.name), r) for c in coded}}
                      for r in rows]
    return out


def write_text(out: TextIO, fmt: str, data: Data, *, lang: Lang, excel: bool) -> None:
    """CSV or TSV of one table; JSON or JSON lines of one table or all; in `lang`."""
    from duchá.output import _write_delimited, plain

    zh = lang.zh
    data = shown(data, lang)

    if fmt in ("csv", "tsv"):
        if len(data) != 1:
            raise BadInput(f"{fmt} holds one table; name it (`duchá export items -f {fmt}`) "
                           "or use -f xlsx or -f json for all tables")
        (table, rows), = data.items()
        names = [c.name for c in stored(table)]
        _write_delimited(out, fmt, headers(table, zh),
                         ([r.get(n) for n in names] for r in rows), excel=excel)
        return
    def obj(table: str, r: dict[str, Any]) -> dict[str, Any]:
        return {h: plain(r.get(c.name)) for h, c in zip(headers(table, zh), stored(table),
                                                        strict=True)}

    if fmt == "json":
        if len(data) == 1:
            (table, rows), = data.items()
            payload: Any = [obj(table, r) for r in rows]
        else:
            payload = {t: [obj(t, r) for r in rows] for t, rows in data.items()}
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for table, rows in data.items():
        for r in rows:
            line = obj(table, r) if len(data) == 1 else {"table": table, **obj(table, r)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def sections(data: Data, *, lang: Lang) -> list[tuple[str, list[Col], list[dict[str, Any]]]]:
    """The tables as the renderers take them (a sheet, a docx table, a Markdown table each),
    their headers and values in `lang` (the renderers then show them as they are)."""
    from duchá.output import Col

    zh = lang.zh
    data = shown(data, lang)

    out = []
    for table, rows in data.items():
        names = [c.name for c in stored(table)]
        heads = headers(table, zh)
        out.append((table, [Col(h) for h in heads],
                    [{h: r.get(n) for h, n in zip(heads, names, strict=True)} for r in rows]))
    return out
