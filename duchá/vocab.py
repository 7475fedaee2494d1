"""Enumerated vocabularies with their Chinese names, and one parser that accepts either.

Input accepts the English code, the short Chinese name, or an unambiguous part of any Chinese
text of one entry (`批示` means `instruction`).  Output shows the code in machine formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from duchá.errors import BadInput


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    long_zh: str = ""
    aliases: tuple[str, ...] = ()  # other words for it, matched whole (正在办理, 已办结)
    hints: tuple[str, ...] = ()  # words in a record's source that suggest it (批示)


@dataclass(frozen=True)
class Vocab:
    label: str
    terms: tuple[Term, ...]

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.terms]

    @cached_property
    def _names(self) -> dict[str, str]:
        return {t.code: t.zh for t in self.terms}

    def zh(self, code: str) -> str:
        """The Chinese name of `code`; `code` itself when it is none of this vocabulary's."""
        return self._names.get(code, code)

    def parse(self, text: str) -> str:
        """The code for `text`, or BadInput naming the accepted values."""
        raw = (text or "").strip()
        key = raw.lower().replace("_", "-")
        if not key:
            raise BadInput(f"{self.label} is empty; {self.hint()}")
        for t in self.terms:
            if key == t.code or raw == t.zh or key in t.aliases:
                return t.code
        hits = [
            t for t in self.terms
            if raw in t.zh or (t.long_zh and raw in t.long_zh) or t.code.startswith(key)
        ]
        if len(hits) == 1:
            return hits[0].code
        if len(hits) > 1:
            names = ", ".join(f"{t.code} ({t.zh})" for t in hits)
            raise BadInput(f"{self.label} '{text}' is ambiguous: could be {names}")
        raise BadInput(f"unknown {self.label} '{text}'; {self.hint()}")

    def hint(self) -> str:
        return "use one of: " + ", ".join(f"{t.code} ({t.zh})" for t in self.terms)

    def infer(self, text: str | None) -> str | None:
        """The one code whose hints occur in `text` (a source like 市长批示), else None."""
        found = {t.code for t in self.terms for h in t.hints if text and h in text}
        return found.pop() if len(found) == 1 else None

    def words(self) -> str:
        """Each code with every word it is known by, for help texts."""
        return "; ".join(f"{t.code}: " + ", ".join(dict.fromkeys((t.zh, *t.aliases)))
                         for t in self.terms)


CATEGORY = Vocab("category", (
    Term("policy", "方针政策", "党中央、国务院方针政策贯彻落实"),
    Term("decision", "决策部署", "省委省政府、市委市政府重大决策部署、重要会议和文件"),
    Term("meeting", "会议议定", "政府全体会议、常务会议、市长办公会议、专题会议议定事项",
         hints=("常务会", "全体会议", "办公会", "专题会", "会议纪要", "会议议定")),
    Term("target", "目标任务", "政府工作报告目标任务、部门年度责任目标",
         hints=("政府工作报告", "目标责任书")),
    Term("proposal", "建议提案", "人大代表建议、政协委员提案办理", hints=("建议", "提案")),
    Term("instruction", "领导批示", "上级和本级领导重要批示办理", hints=("批示",)),
    Term("visit", "视察调研", "上级领导视察调研指示精神落实", hints=("视察", "调研")),
    Term("assigned", "专题交办", "政府领导专题安排的督办事项"),
))

UNIT_KIND = Vocab("unit kind", (
    Term("county", "县区", "县（市、区）政府"),
    Term("department", "部门", "市直部门"),
    Term("agency", "驻市单位", "中省驻市单位"),
    Term("other", "其他"),
))

# The status words of real 台账 (issue 13), listed in `duchá import --help`.
# The status an item is registered with (models.Item's default; `item add` writes it).
ITEM_NEW = "open"
ITEM_STATUS = Vocab("item status", (
    Term("open", "在办", aliases=(
        "正在办理", "办理中", "推进中", "正在推进", "未办结", "持续推进", "进行中", "未完成",
        "落实中", "正在落实", "序时推进", "按序时推进", "正常推进", "未启动", "滞后", "逾期")),
    Term("done", "办结", "销号", aliases=(
        "已办结", "已完成", "完成", "已销号", "办结销号", "已落实", "落实完毕", "已结")),
    Term("cancelled", "撤销", "取消", ("canceled", "已撤销", "已取消", "终止")),
))

PLAN_KIND = Vocab("plan kind", (
    Term("comprehensive", "综合性督查考核", "综合督查"),
    Term("special", "专项督查"),
    Term("assessment", "考核"),
    Term("evaluation", "评估", "检查评比"),
    Term("other", "其他"),
))

PLAN_STATUS = Vocab("plan status", (
    Term("planned", "计划"),
    Term("done", "完成"),
    Term("cancelled", "取消", "撤销", ("canceled",)),
))

METHOD = Vocab("method", (
    Term("self-check", "自查自纠", "自查", ("selfcheck", "self")),
    Term("written", "书面督查", "书面"),
    Term("on-site", "实地督查", "实地", ("onsite",)),
    Term("third-party", "第三方评估", "第三方", ("thirdparty",)),
    Term("unannounced", "暗访核查", "暗访"),
))

SEVERITY = Vocab("severity", (
    Term("general", "一般"),
    Term("serious", "严重", "重大"),
))

MODE = Vocab("rectification mode", (
    Term("immediate", "立行立改"),
    Term("deadline", "限期整改"),
    Term("long-term", "长期整改", "长期坚持", ("longterm", "long")),
))

FINDING_STATUS = Vocab("finding status", (
    Term("open", "待整改", aliases=("未整改", "尚未整改", "未开始整改")),
    Term("rectifying", "整改中", aliases=("正在整改", "推进中", "持续整改", "未完成整改")),
    Term("rectified", "已整改", aliases=("整改完成", "已完成整改", "已完成", "已整改到位",
                                        "整改到位")),
    Term("verified", "已复核", "已销号 复核销号", ("销号", "已销号", "复核通过")),
    Term("reopened", "重新整改", "退回重办 反弹"),
))

LIGHT = Vocab("light", (
    Term("red", "红灯", "逾期"),
    Term("yellow", "黄灯", "临期"),
    Term("green", "绿灯", "正常"),
))

EXTENSION_STATUS = Vocab("extension decision", (
    Term("pending", "待审批", "审批中 未审批"),
    Term("approved", "同意", "批准 已批准 同意延期"),
    Term("rejected", "不同意", "驳回 不予批准 不同意延期"),
))

# An inspection's status is derived from its dates (services.inspections.status), not stored.
INSPECTION_STATUS = Vocab("inspection status", (
    Term("planned", "未开始"),
    Term("ongoing", "进行中"),
    Term("finished", "已结束", "待报告"),
    Term("reported", "已报告", "报告已审定"),
))

LOOKBACK_RESULT = Vocab("look-back result", (
    Term("ok", "未反弹", "无反弹 巩固 正常 通过"),
    Term("rebound", "反弹"),
))

# What a row of a mixed list is (report overdue, report status, the weekly report).
RECORD_KIND = Vocab("record kind", (
    Term("item", "事项", "督办事项"),
    Term("finding", "问题", "发现问题"),
    Term("plan", "计划", "督查计划"),
    Term("inspection", "督查", "督查活动"),
))

CHECK_LEVEL = Vocab("level", (
    Term("error", "错误"),
    Term("warning", "警告"),
    Term("info", "提示"),
))

YES_NO = Vocab("yes or no", (
    Term("true", "是", "", ("yes", "y", "1")),
    Term("false", "否", "", ("no", "n", "0")),
))

UNIT_ROLE = Vocab("unit role", (
    Term("lead", "牵头", "牵头单位"),
    Term("responsible", "责任", "责任单位 配合单位"),
))

EVENT_ACTION = Vocab("action", (
    Term("add", "登记"),
    Term("import", "导入"),
    Term("edit", "修改"),
    Term("set", "设置"),
    Term("clear", "清除"),
    Term("progress", "报送进展"),
    Term("close", "办结"),
    Term("cancel", "撤销"),
    Term("reopen", "重新办理"),
    Term("plan", "报送方案"),
    Term("rectify", "整改完成"),
    Term("verify", "复核销号"),
    Term("verify-fail", "复核未通过"),
    Term("lookback", "回头看"),
    Term("extend", "申请延期"),
    Term("extend-approve", "同意延期"),
    Term("extend-reject", "不同意延期"),
    Term("account", "问责"),
    Term("approve", "审批"),
    Term("finish", "完成"),
    Term("report", "报告审定"),
    Term("remind", "催办督办"),
    Term("feedback", "单位反馈"),
    Term("return", "反馈表收回"),
))

# The sections of the weekly report (report weekly), in the report's order.
WEEKLY_SECTION = Vocab("weekly section", (
    Term("registered", "新登记"),
    Term("closed", "办结"),
    Term("verified", "复核销号"),
    Term("reopened", "重新整改"),
    Term("overdue", "逾期未办结", "逾期"),
    Term("due_next_week", "下周到期"),
))

# The titles of tables and of a record's sections, as Chinese output shows them.
TITLE = Vocab("title", (
    Term("items", "督办事项"), Term("findings", "发现问题"), Term("plan", "督查计划"),
    Term("inspections", "督查"), Term("units", "单位"), Term("overdue", "逾期及临期"),
    Term("check", "规则检查"), Term("summary", "汇总"), Term("progress", "进展动态"),
    Term("extensions", "延期"), Term("accountability", "问责"), Term("members", "联合单位"),
    Term("targets", "督查对象"), Term("history", "办理过程"), Term("by_status", "按状态"),
    Term("by_category", "按类别"), Term("red_units", "红灯最多的单位"),
    Term("quota", "计划总量"), Term("settings", "设置"), Term("calendar", "工作日历"),
    Term("cleared", "已清除"), Term("log", "变更记录"), Term("verify", "校验"),
    Term("backup", "备份"), Term("restore", "恢复"),
    Term("reminders", "催办督办"), Term("feedback", "单位反馈"), Term("forms", "反馈表"),
    Term("claims", "申请办结"), Term("coordination", "需协调解决的问题"),
    Term("notices", "催办通知"),
))

# A list's column names the vocabulary of its values by its name here (output.Col.values,
# tables.Column.vocab: "CATEGORY"), except for a status column of a mixed list ("status"),
# whose vocabulary is that of the row's record kind.
STATUS_OF_KIND: dict[str, Vocab] = {
    "item": ITEM_STATUS, "finding": FINDING_STATUS, "plan": PLAN_STATUS,
    "inspection": INSPECTION_STATUS,
}

# The weekly cycle (schema 8): a notice is a 催办通知 or, firmer, a 督办通知 with a reply
# deadline; each record in it is at one step, the third putting it on the 通报 list.
NOTICE = Vocab("notice kind", (
    Term("urge", "催办通知", "催办"),
    Term("supervise", "督办通知", "督办"),
))

NOTICE_LEVEL = Vocab("reminder step", (
    Term("urge", "催办"),
    Term("supervise", "督办"),
    Term("circulate", "通报", "列入通报"),
))

# Where a unit's feedback form stands (rules.form_state).
FORM_STATE = Vocab("form state", (
    Term("returned", "按时反馈"),
    Term("late", "逾期反馈"),
    Term("missing", "未反馈", "逾期未反馈"),
    Term("waiting", "待反馈"),
))
