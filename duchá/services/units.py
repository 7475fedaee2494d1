"""Units (单位): add, list, edit, and resolve a name the clerk typed to one unit.

A unit has a code (zjj), a full name (平凉市住房和城乡建设局) and a short name (简称, 住建局)
that Chinese output names it by.  A short name is given (`unit add --short`) or, when empty,
derived from the full name by derive_short_name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from duchá.errors import BadInput, NotFound
from duchá.validation import Invalid

if TYPE_CHECKING:
    from duchá.models import Unit
    from duchá.services.ledger import Ledger

# The items of the unit :unit, as a condition on `item`: those it leads and those it shares
# (责任单位), as lists and reports filter them by unit.
ITEMS_OF_UNIT = ("(item.lead_unit_id = :unit OR item.id IN "
                 "(SELECT iu.item_id FROM item_unit iu WHERE iu.unit_id = :unit))")


@dataclass(frozen=True)
class UnitRow:
    """A unit as the ledger holds it (read without the ORM)."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    short_name: str | None


def _all(lg: Ledger) -> list[UnitRow]:
    """Every unit, by code (read once per command)."""
    cache = lg.cache.get("units")
    if cache is None:
        cache = [UnitRow(*r) for r in lg.sql.rows(
            "SELECT id, code, name, kind, parent_id, short_name FROM unit ORDER BY code")]
        lg.cache["units"] = cache
    return cache


def _forget(lg: Ledger) -> None:
    lg.cache.pop("units", None)


# A leading province and city (甘肃省, 平凉市, 临夏回族自治州), not a party committee (市委).
_REGION = re.compile(r"^(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?"
                     r"(?:[\u4e00-\u9fff]{2,4}?(?:市|自治州|州|地区|盟)(?!委))?")
_GOVERNMENT = "人民政府"
# What separates units in a list cell (import's splitter): a short name holds none of them.
_SEPARATORS = re.compile(r"[;,，、；\s]")


def derive_short_name(name: str) -> str:
    """The short name of a unit that was given none: the full name without the government's
    own title (人民政府) and without a leading province or city name, unless nothing of two
    characters or more would be left.

    平凉市崆峒区人民政府 -> 崆峒区, 泾川县人民政府 -> 泾川县, 华亭市人民政府 -> 华亭市,
    平凉市住房和城乡建设局 -> 住房和城乡建设局, 甘肃省平凉市教育局 -> 教育局; a name with
    no such prefix (中国人民银行平凉市中心支行) stays whole.
    """
    full = name.strip()
    body = full[:-len(_GOVERNMENT)] if full.endswith(_GOVERNMENT) and \
        len(full) > len(_GOVERNMENT) else full
    m = _REGION.match(body)
    rest = body[m.end():] if m else body
    return rest if len(rest) >= 2 else body


def short_name(u: Unit | UnitRow) -> str:
    """The unit's short name: the one given, else the derived one."""
    return u.short_name or derive_short_name(u.name)


def shown_names(lg: Ledger) -> dict[str, str]:
    """unit code -> the name Chinese output shows: its short name, unless another unit's
    code, full name or short name reads the same (then its full name), so that every name
    shown resolves back to its unit (an exported sheet imports back).  A given short name
    wins over a derived one."""
    units = _all(lg)
    codes = {u.code.lower() for u in units}
    names = {u.name for u in units}
    given: dict[str, int] = {}
    derived: dict[str, int] = {}
    for u in units:
        if u.short_name:
            given[u.short_name] = given.get(u.short_name, 0) + 1
        else:
            s = derive_short_name(u.name)
            derived[s] = derived.get(s, 0) + 1
    out = {}
    for u in units:
        s = short_name(u)
        clash = (s.lower() in codes and s.lower() != u.code.lower()) or (s in names and s != u.name)
        if not u.short_name:
            clash = clash or s in given or derived[s] > 1
        out[u.code] = u.name if clash else s
    return out


def resolve(lg: Ledger, text: str) -> UnitRow:
    """The unit named by its code, its full name, its short name (given, then derived) or an
    unambiguous part of its code or full name."""
    raw = (text or "").strip()
    if not raw:
        raise BadInput("empty unit name; give a unit code or name (`duchá unit list`)")
    units = _all(lg)
    low = raw.lower()
    for match in (
        lambda u: u.code.lower() == low,
        lambda u: u.name == raw,
        lambda u: u.short_name == raw,
        lambda u: not u.short_name and derive_short_name(u.name) == raw,
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
_LIST_SEPARATORS = "、，,;；\n"
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
        if ch in _LIST_SEPARATORS and depth == 0:
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


def group(lg: Ledger, name: str) -> list[UnitRow] | None:
    """Every unit a group name means (各县（市、区）: every county-level unit), or None when the
    name is not a group."""
    kinds = GROUPS.get(group_key(name))
    if kinds is None:
        return None
    return [u for u in _all(lg) if u.kind in kinds]


def resolve_many(lg: Ledger, texts: list[str] | None) -> list[UnitRow]:
    seen: dict[int, UnitRow] = {}
    for t in texts or []:
        u = resolve(lg, t)
        seen.setdefault(u.id, u)
    return list(seen.values())


def _snap(lg: Ledger, u: Unit) -> dict[str, Any]:
    from duchá.history import replay as history

    return history.snap(lg.session, "unit", u)


def row(lg: Ledger, u: Unit | UnitRow) -> dict[str, Any]:
    parent = next((p for p in _all(lg) if p.id == u.parent_id), None) if u.parent_id else None
    return {"code": u.code, "name": u.name, "short_name": short_name(u), "kind": u.kind,
            "parent": parent.code if parent else None}


def _check_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise BadInput("empty unit code; give a short code like fgw or kongtong")
    if any(c.isspace() for c in code):
        raise BadInput(f"unit code '{code}' contains spaces; use a short code like fgw")
    return code


def check_short(short: str | None, others: list[UnitRow]) -> str | None:
    """A short name as given (None: derive one), or BadInput: it must be one name that no
    other unit's code, full name or given short name already reads as."""
    if short is None or not short.strip():
        return None
    short = short.strip()
    if _SEPARATORS.search(short):
        raise BadInput(f"short name '{short}' contains a space or a list separator (; , 、); "
                       "give one name, e.g. 住建局")
    for o in others:
        if short == o.short_name or short == o.name or short.lower() == o.code.lower():
            raise BadInput(f"short name '{short}' already names {o.code} ({o.name}); choose "
                           "another")
    return short


def add(lg: Ledger, *, code: str, name: str, kind: str, parent: str | None,
        short: str | None = None) -> dict[str, Any]:
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
    short = check_short(short, _all(lg))
    parent_id = resolve(lg, parent).id if parent else None
    unit = Unit(code=code, name=name, kind=kind, parent_id=parent_id, short_name=short)
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
    short: str | None = None,
) -> dict[str, Any]:
    from duchá.models import Unit

    u = lg.session.get_one(Unit, resolve(lg, text).id)
    if code is None and name is None and kind is None and parent is None and short is None:
        raise Invalid("code", "nothing to change; give «code», «name», «short», «kind» or "
                      "«parent»")
    with lg.changing("unit", u, "edit", on=lg.today):
        others = [o for o in _all(lg) if o.id != u.id]
        if short is not None:  # an empty --short "" goes back to the derived one
            u.short_name = check_short(short, others)
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
