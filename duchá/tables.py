"""Each table described once: its columns as spreadsheets carry them (the English field name,
then the Chinese headers of real 台账, the first being the one `--lang zh` writes, and what a
cell holds: `--lang zh` writes a vocabulary's values by their Chinese names and units by their
short names, which import reads back), and for
the numbered records their history kind, key, number prefix, and the references and lists a
record names other records by (a lead unit by its code, an inspection's items by their
numbers).  Import, export, numbering and the history's snapshots all read this one place.

Only the standard library is imported at module level: `duchá import --help` reads it at
start-up.  Models are named by their class names and looked up where they are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """`model.__table__`: the Table that the class is mapped to."""
    from sqlalchemy import inspect

    return cast("Table", inspect(model).local_table)


def table_name(model: str) -> str:
    """The table a model class is mapped to, by the models' naming rule (FormSheet ->
    form_sheet), for SQL text that must not load the models; tests/test_architecture.py
    holds every model to it."""
    return "".join(f"_{ch.lower()}" if ch.isupper() and i else ch.lower()
                   for i, ch in enumerate(model))


@dataclass(frozen=True)
class Column:
    """One column: its field name, Chinese headers, and what a cell of it holds.

    `kind` says how a cell is read: text, int, bool, date, deadline (a date or a 台账's phrase:
    6月底前, 年底前, 长期 for none), month-start / month-end (a date or a month: 2026-03), unit,
    units (a list), ref / refs (records by number, of the table the record's RefSpec or
    LinkSpec names), vocab (one of `vocab`'s codes), number (the row's own number) or subject
    (an item's or a finding's number).  `base` is the column that a relative date (+30d)
    counts from; `default` stands for an empty cell (a code, "yes", or "today", the as-of
    date).  `fill`: a blank cell of a CSV takes the value above it (the column is usually
    merged over a group of rows in the sheet it came from: 交办时间, 牵头单位).  `stored`
    False: read from spreadsheets but not a field of the record (an item's 进展情况 becomes a
    progress note); export leaves it out.
    """

    name: str
    zh: tuple[str, ...]
    required: bool = False
    aliases: tuple[str, ...] = ()  # other English spellings
    kind: str = "text"
    vocab: str | None = None  # a name in duchá.vocab: CATEGORY
    base: str | None = None
    default: str | None = None
    fill: bool = False
    stored: bool = True

    @property
    def zh_header(self) -> str:
        return self.zh[0] if self.zh else self.name

    @property
    def values(self) -> str:
        """What Chinese output shows this column's values as (output.Col.values): its
        vocabulary, its unit or units, yes/no for a bool; empty for the rest."""
        if self.kind == "vocab":
            return self.vocab or ""
        if self.kind in ("unit", "units"):
            return self.kind
        return "YES_NO" if self.kind == "bool" else ""


def _c(name: str, zh: str, required: bool = False, aliases: str = "", kind: str = "text",
       *, vocab: str | None = None, base: str | None = None,
       default: str | None = None, fill: bool = False, stored: bool = True) -> Column:
    return Column(name, tuple(zh.split()), required, tuple(aliases.split()),
                  "vocab" if vocab else kind, vocab, base, default, fill, stored)


TABLES: dict[str, tuple[Column, ...]] = {
    "units": (
        _c("code", "单位代码 代码", True),
        _c("name", "单位名称 名称 单位全称 全称", True),
        _c("kind", "单位类型 类型 类别", vocab="UNIT_KIND", default="other"),
        _c("parent", "上级单位 上级 主管单位"),  # a unit of the ledger or of the same file
        _c("short_name", "单位简称 简称", False, "short"),  # schema 6: 住建局
    ),
    "items": (
        _c("number", "事项编号 编号 督办编号", kind="number"),
        _c("title", "事项名称 督查事项 督办事项 事项 事项内容 工作任务 重点任务 督办内容", True),
        # Not required: `import --category` gives a default, and 来源 may suggest one.
        _c("category", "事项类别 类别 督查类别 事项类型", vocab="CATEGORY", fill=True),
        _c("source", "事项来源 来源 交办依据 文号 任务来源"),
        _c("leader", "责任领导 分管领导 牵头领导 分管市领导", fill=True),
        _c("lead_unit", "牵头单位 主办单位 牵头部门", True, "lead", "unit", fill=True),
        # 责任单位 and 配合单位 both given: one list.
        _c("units", "责任单位 配合单位 协办单位 参与单位", False, "responsible", "units"),
        # A blank cell is an unknown date, not today.
        _c("assigned", "交办日期 立项日期 交办时间", kind="date", fill=True),
        _c("due", "落实时限 办理时限 完成时限 截止日期 完成时间 时限要求", True,
           kind="deadline", base="assigned"),
        _c("status", "办理状态 状态 完成状态", vocab="ITEM_STATUS"),
        _c("closed_on", "办结日期 销号日期 办结时间", kind="date"),
        _c("cancel_reason", "撤销原因"),
        _c("remarks", "备注"),
        _c("progress", "进展情况 工作进展 落实情况 推进情况 办理情况 进展", stored=False),
    ),
    "plans": (
        _c("number", "计划编号 编号", kind="number"),
        _c("year", "年度 年份", kind="int"),
        _c("organizer", "组织单位 牵头单位 督查单位 实施单位", True, kind="unit"),
        _c("title", "督查名称 计划名称 名称 督查事项 督查内容", True),
        _c("kind", "督查类型 类型 类别", True, vocab="PLAN_KIND"),
        _c("method", "督查方式 方式", vocab="METHOD"),
        _c("targets", "督查对象 被督查单位 对象", False, "target", "units"),
        _c("start", "开始时间 开始日期 计划时间", False, "from", "month-start"),
        _c("end", "结束时间 结束日期", False, "to", "month-end"),
        _c("planned", "是否计划内 计划内", kind="bool", default="yes"),
        _c("approver", "审批人 批准人"),
        _c("approved_on", "审批日期 批准日期", kind="date"),
        _c("approval_ref", "审批文号 报备文号"),
        _c("status", "计划状态 状态", vocab="PLAN_STATUS", default="planned"),
        _c("cancel_reason", "取消原因 撤销原因"),
    ),
    "inspections": (
        _c("number", "督查编号 编号", kind="number"),
        _c("plan", "计划编号 所属计划", kind="ref"),
        _c("lead", "牵头单位 组织单位 督查单位", True, "organizer", "unit"),
        _c("members", "联合单位 成员单位 参加单位", kind="units"),
        _c("method", "督查方式 方式", True, vocab="METHOD"),
        _c("topic", "督查主题 督查事项 主题 督查内容", True),
        _c("targets", "督查对象 被督查单位 对象", False, "target", "units"),
        _c("items", "涉及事项 督办事项编号 事项编号", kind="refs"),
        _c("start", "开始日期 开始时间 督查日期", True, "from", "date"),
        _c("end", "结束日期 结束时间", False, "to", "date", base="start"),
        _c("finished_on", "完成日期", kind="date"),
        _c("report_summary", "报告摘要 督查情况"),
        _c("report_approved_by", "报告审批人"),
        _c("report_approved_on", "报告审批日期", kind="date"),
        _c("report_circulated_on", "通报日期", kind="date"),
        _c("approver", "审批人 批准人"),
        _c("approved_on", "审批日期 批准日期", kind="date"),
        _c("approval_ref", "审批文号 报备文号"),
    ),
    "findings": (
        _c("number", "问题编号 编号", kind="number"),
        _c("unit", "责任单位 整改责任单位 被督查单位 整改单位 单位", True, kind="unit",
           fill=True),
        _c("inspection", "督查编号 所属督查", kind="ref"),
        _c("item", "事项编号 督办事项编号", kind="ref"),
        _c("description", "发现问题 问题描述 存在问题 问题", True),
        _c("severity", "严重程度 问题性质", vocab="SEVERITY", default="general"),
        _c("mode", "整改方式 整改类型", vocab="MODE", default="deadline"),
        _c("found_on", "发现日期 发现时间", kind="date", default="today", fill=True),
        _c("due", "整改时限 整改期限 完成时限", kind="deadline", base="found_on"),
        _c("status", "整改状态 状态", vocab="FINDING_STATUS"),
        _c("plan_text", "整改措施 整改方案"),
        _c("plan_on", "方案报送日期 方案日期", kind="date"),
        _c("rectified_on", "整改完成日期 完成日期", kind="date"),
        _c("evidence", "佐证材料 整改情况 整改进展 整改落实情况"),
        _c("verified_on", "复核日期 销号日期", kind="date"),
        _c("verified_by", "复核人"),
        _c("lookback_due", "回头看时限", kind="date"),
        _c("lookback_on", "回头看日期", kind="date"),
        _c("lookback_result", "回头看结果", vocab="LOOKBACK_RESULT"),
        # 是 says the unit reports it done (rectified) when no status says otherwise.
        _c("rectified", "是否整改到位 整改到位 是否完成整改", kind="bool", stored=False),
    ),
    "quotas": (
        _c("year", "年度 年份", True, kind="int"),
        _c("max_count", "计划上限 上限 限额", False, "max", "int"),
        _c("reduction", "压减比例 压减"),
        _c("baseline", "基数 上年数量", kind="int"),
    ),
    "settings": (
        _c("key", "设置项 设置", True),
        _c("value", "设置值 值", True),
    ),
    "calendar": (
        _c("day", "日期", True, "date", "date"),
        _c("workday", "是否工作日 工作日", True, kind="bool"),
        _c("note", "说明 事由"),
    ),
    # The records that hang off items and findings: progress notes, extensions, accountability.
    "progress": (
        # The item by its number, or by its title and lead unit as a progress sheet names it.
        _c("item", "事项编号 督办编号 编号", kind="subject"),
        _c("title", "事项名称 督办事项 督查事项 事项 工作任务", stored=False),
        _c("lead_unit", "牵头单位 主办单位 牵头部门", False, "lead", "unit", fill=True,
           stored=False),
        _c("on", "进展日期 日期 时间 填报日期", False, "date", "date", default="today"),
        _c("text", "进展情况 工作进展 进展 落实情况 推进情况", True),
        _c("percent", "完成进度 进度 完成比例", kind="int"),
    ),
    "extensions": (
        _c("subject", "事项编号 问题编号 编号", True, "number", "subject"),
        _c("requested_on", "申请日期 申请时间", kind="date", default="today"),
        _c("old_due", "原时限 原完成时限", kind="date"),
        _c("to_date", "延期至 延期时限 新时限", True, "to", "date"),
        _c("reason", "延期理由 延期原因 理由", True),
        _c("status", "审批结果 状态", False, "decision", vocab="EXTENSION_STATUS",
           default="pending"),
        _c("decided_by", "审批人"),
        _c("decided_on", "审批日期", kind="date"),
    ),
    "accountability": (
        _c("subject", "事项编号 问题编号 编号", True, "number", "subject"),
        _c("who", "问责对象 对象 责任人", True),
        _c("measure", "问责方式 问责措施 措施", True),
        _c("basis", "问责依据 依据", True),
        _c("on", "问责日期 日期", False, "date", "date", default="today"),
    ),
}


def stored(table: str) -> tuple[Column, ...]:
    """The columns that are fields of the table's rows: what export writes."""
    return tuple(c for c in TABLES[table] if c.stored)


@dataclass(frozen=True)
class RefSpec:
    """A column that names another record: `column` holds its id, the record shows `label`."""

    name: str
    column: str
    target: str  # a model class name
    label: str = "code"


@dataclass(frozen=True)
class LinkSpec:
    """A list of other records through a link table (an item's responsible units)."""

    name: str
    table: str  # the link model's class name
    parent: str
    child: str
    target: str
    label: str = "code"


@dataclass(frozen=True)
class Record:
    """A table of records that have a history of their own (events with this `kind`)."""

    table: str  # as import and export name it: "items"
    kind: str  # as the history names it: "item"
    model: str
    key: str  # the field that names one record: "number", or a unit's "code"
    prefix: str | None = None  # DB-2026-0001
    width: int = 0  # digits of the sequence part
    refs: tuple[RefSpec, ...] = ()
    links: tuple[LinkSpec, ...] = ()

    @property
    def columns(self) -> tuple[Column, ...]:
        return stored(self.table)

    @property
    def sql_table(self) -> str:
        """The ledger's table the records are stored in ("plans" -> plan_entry)."""
        return table_name(self.model)


RECORDS: dict[str, Record] = {r.table: r for r in (
    Record("units", "unit", "Unit", "code", refs=(RefSpec("parent", "parent_id", "Unit"),)),
    Record("items", "item", "Item", "number", "DB", 4,
           refs=(RefSpec("lead_unit", "lead_unit_id", "Unit"),),
           links=(LinkSpec("units", "ItemUnit", "item_id", "unit_id", "Unit"),)),
    Record("plans", "plan", "PlanEntry", "number", "JH", 3,
           refs=(RefSpec("organizer", "organizer_id", "Unit"),),
           links=(LinkSpec("targets", "PlanTarget", "plan_id", "unit_id", "Unit"),)),
    Record("inspections", "inspection", "Inspection", "number", "DC", 3,
           refs=(RefSpec("lead", "lead_id", "Unit"),
                 RefSpec("plan", "plan_id", "PlanEntry", "number")),
           links=(LinkSpec("members", "InspectionMember", "inspection_id", "unit_id", "Unit"),
                  LinkSpec("targets", "InspectionTarget", "inspection_id", "unit_id", "Unit"),
                  LinkSpec("items", "InspectionItem", "inspection_id", "item_id", "Item",
                           "number"))),
    Record("findings", "finding", "Finding", "number", "WT", 4,
           refs=(RefSpec("unit", "unit_id", "Unit"),
                 RefSpec("inspection", "inspection_id", "Inspection", "number"),
                 RefSpec("item", "item_id", "Item", "number"))),
)}
# A record table by its history kind ("item" -> the items table).
BY_KIND = {r.kind: r for r in RECORDS.values()}
# Digits of the sequence part per number prefix (DB-2026-0001, JH-2026-001).
WIDTH = {r.prefix: r.width for r in RECORDS.values() if r.prefix}
