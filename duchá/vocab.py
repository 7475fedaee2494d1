"""Enumerated vocabularies with their Chinese names, and one parser that accepts either.

Input accepts the English code, the short Chinese name, or an unambiguous part of any Chinese
text of one entry (`批示` means `instruction`).  Output shows the code in machine formats.
"""

from __future__ import annotations

from dataclasses import dataclass

from duchá.errors import BadInput


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    long_zh: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocab:
    label: str
    terms: tuple[Term, ...]

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.terms]

    def zh(self, code: str) -> str:
        for t in self.terms:
            if t.code == code:
                return t.zh
        return code

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


CATEGORY = Vocab("category", (
    Term("policy", "方针政策", "党中央、国务院方针政策贯彻落实"),
    Term("decision", "决策部署", "省委省政府、市委市政府重大决策部署、重要会议和文件"),
    Term("meeting", "会议议定", "政府全体会议、常务会议、市长办公会议、专题会议议定事项"),
    Term("target", "目标任务", "政府工作报告目标任务、部门年度责任目标"),
    Term("proposal", "建议提案", "人大代表建议、政协委员提案办理"),
    Term("instruction", "领导批示", "上级和本级领导重要批示办理"),
    Term("visit", "视察调研", "上级领导视察调研指示精神落实"),
    Term("assigned", "专题交办", "政府领导专题安排的督办事项"),
))

UNIT_KIND = Vocab("unit kind", (
    Term("county", "县区", "县（市、区）政府"),
    Term("department", "部门", "市直部门"),
    Term("agency", "驻市单位", "中省驻市单位"),
    Term("other", "其他"),
))

ITEM_STATUS = Vocab("item status", (
    Term("open", "在办"),
    Term("done", "办结", "销号"),
    Term("cancelled", "撤销", "取消", ("canceled",)),
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
    Term("open", "待整改"),
    Term("rectifying", "整改中"),
    Term("rectified", "已整改"),
    Term("verified", "已复核", "销号"),
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

# The weekly cycle (schema 6): a notice is a 催办通知 or, firmer, a 督办通知 with a reply
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
