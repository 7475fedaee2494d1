"""Units (单位): add, list, edit, and resolve a name the clerk typed to one unit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput, NotFound
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.models import Unit
    from duchá.services.ledger import Ledger


def _all(lg: Ledger) -> list[Unit]:
    cache = lg.session.info.get("units")
    if cache is None:
        from sqlmodel import col, select

        from duchá.models import Unit

        cache = list(lg.session.exec(select(Unit).order_by(col(Unit.code))).all())
        lg.session.info["units"] = cache
    return cache


def _forget(lg: Ledger) -> None:
    lg.session.info.pop("units", None)


def resolve(lg: Ledger, text: str) -> Unit:
    """The unit named by its code, its full name or an unambiguous part of either."""
    raw = (text or "").strip()
    if not raw:
        raise BadInput("empty unit name; give a unit code or name (`duchá unit list`)")
    units = _all(lg)
    low = raw.lower()
    for match in (
        lambda u: u.code.lower() == low,
        lambda u: u.name == raw,
    ):
        hits = [u for u in units if match(u)]
        if len(hits) == 1:
            return hits[0]
    hits = [u for u in units if low in u.code.lower() or raw in u.name]
    if not hits and len(raw) >= 2:
        # Chinese abbreviations keep the characters in order: 发改委 for 发展和改革委员会.
        hits = [u for u in units if _in_order(raw, u.name)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        names = ", ".join(f"{u.code} ({u.name})" for u in hits[:10])
        more = f" and {len(hits) - 10} more" if len(hits) > 10 else ""
        raise BadInput(f"unit '{text}' is ambiguous: {names}{more}; give the code")
    from difflib import get_close_matches

    close = get_close_matches(raw, [u.code for u in units] + [u.name for u in units], n=5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `duchá unit list` shows them"
    raise NotFound(f"unknown unit '{text}'{hint}")


def _in_order(short: str, name: str) -> bool:
    rest = iter(name)
    return all(ch in rest for ch in short)


_OPEN, _CLOSE = "（(【[〔<《", "）)】]〕>》"
_SEPARATORS = "、，,;；\n"
_SPLITS = re.compile(r"[、，,;；\n]")
# What 台账 write for a whole kind of unit: the name without brackets, separators, spaces and
# a trailing 人民政府/政府 -> the unit kinds it means.
GROUPS: dict[str, tuple[str, ...]] = {
    "各县市区": ("county",), "各县区": ("county",), "各县市": ("county",),
    "各县区市": ("county",), "市直各部门": ("department",), "市直各部门单位": ("department",),
}


def split_names(text: str | None) -> list[str]:
    """A list of units as clerks write it, split on 、，,;； and line breaks, but not inside
    brackets: 各县（市、区）、市发改委 is two names."""
    if not _SPLITS.search(text or ""):
        return [text.strip()] if text and text.strip() else []
    out: list[str] = []
    depth, part = 0, list[str]()
    for ch in text or "":
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        if ch in _SEPARATORS and depth == 0:
            out.append("".join(part))
            part = []
        else:
            part.append(ch)
    out.append("".join(part))
    return [name.strip() for name in out if name.strip()]


def group_key(name: str) -> str:
    """The comparison key of a group's name: 各县（市、区）人民政府 -> 各县市区."""
    bare = re.sub(r"[\s、，,;；（）()【】\[\]]", "", name)
    return re.sub(r"(人民政府|政府)$", "", bare)


def group(lg: Ledger, name: str) -> list[Unit] | None:
    """Every unit a group name means (各县（市、区）: every county-level unit), or None when the
    name is not a group."""
    kinds = GROUPS.get(group_key(name))
    if kinds is None:
        return None
    return [u for u in _all(lg) if u.kind in kinds]


def resolve_many(lg: Ledger, texts: list[str] | None) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for t in texts or []:
        u = resolve(lg, t)
        seen.setdefault(u.id or 0, u)
    return list(seen.values())


def _snap(lg: Ledger, u: Unit) -> dict[str, Any]:
    from duchá.history import replay as history

    return history.snap(lg.session, "unit", u)


def row(lg: Ledger, u: Unit) -> dict[str, Any]:
    parent = next((p for p in _all(lg) if p.id == u.parent_id), None) if u.parent_id else None
    return {"code": u.code, "name": u.name, "kind": u.kind,
            "parent": parent.code if parent else None}


def _check_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise BadInput("empty unit code; give a short code like fgw or kongtong")
    if any(c.isspace() for c in code):
        raise BadInput(f"unit code '{code}' contains spaces; use a short code like fgw")
    return code


def add(lg: Ledger, *, code: str, name: str, kind: str, parent: str | None) -> dict[str, Any]:
    from duchá.models import Unit

    code = _check_code(code)
    name = name.strip()
    if not name:
        raise BadInput("empty unit name; give the full name, e.g. 平凉市发展和改革委员会")
    for u in _all(lg):
        if u.code.lower() == code.lower():
            raise BadInput(f"unit code '{code}' already exists ({u.name}); pick another code")
        if u.name == name:
            raise BadInput(f"unit '{name}' already exists with code {u.code}")
    parent_id = resolve(lg, parent).id if parent else None
    unit = Unit(code=code, name=name, kind=kind, parent_id=parent_id)
    lg.session.add(unit)
    lg.session.flush()
    _forget(lg)
    lg.event("add", "unit", code, after=_snap(lg, unit))
    return row(lg, unit)


def list_rows(lg: Ledger, *, kind: str | None = None) -> list[dict[str, Any]]:
    return [row(lg, u) for u in _all(lg) if kind is None or u.kind == kind]


def show(lg: Ledger, text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A unit and the items it leads or shares."""
    from sqlalchemy import or_
    from sqlmodel import col, select

    from duchá.models import Item, ItemUnit

    u = resolve(lg, text)
    shared = select(col(ItemUnit.item_id)).where(col(ItemUnit.unit_id) == u.id)
    items = lg.session.exec(
        select(Item).where(or_(col(Item.lead_unit_id) == u.id, col(Item.id).in_(shared)))
        .order_by(col(Item.due).is_(None), col(Item.due), col(Item.number))  # 长期 last
    ).all()
    rows = [{"number": i.number, "title": i.title, "role": "lead" if i.lead_unit_id == u.id
             else "responsible", "due": i.due, "status": i.status} for i in items]
    return row(lg, u), rows


def edit(
    lg: Ledger,
    text: str,
    *,
    code: str | None,
    name: str | None,
    kind: str | None,
    parent: str | None,
) -> dict[str, Any]:
    u = resolve(lg, text)
    if code is None and name is None and kind is None and parent is None:
        raise Invalid("code", "nothing to change; give «code», «name», «kind» or «parent»")
    with lg.changing("unit", u, "edit", on=lg.today):
        others = [o for o in _all(lg) if o.id != u.id]
        if code is not None:
            code = _check_code(code)
            if any(o.code.lower() == code.lower() for o in others):
                raise BadInput(f"unit code '{code}' already exists; pick another code")
            u.code = code
        if name is not None:
            if not name.strip():
                raise BadInput("empty unit name")
            if any(o.name == name.strip() for o in others):
                raise BadInput(f"unit '{name}' already exists")
            u.name = name.strip()
        if kind is not None:
            u.kind = kind
        if parent is not None:
            p = resolve(lg, parent)
            if p.id == u.id:
                raise BadInput("a unit cannot be its own parent")
            u.parent_id = p.id
    _forget(lg)
    return row(lg, u)
