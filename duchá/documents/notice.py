"""催办通知 and 督办通知: the notice `duchá remind` writes to one unit, from the notice's rows
(services.reminders.remind), as a .docx official document (GB/T 9704) and as Markdown with the
same words.  The text is composed once (`blocks`) and laid out by each writer."""

from __future__ import annotations

from datetime import date
from typing import Any

from duchá.documents.official import chinese_date, chinese_number

COLUMNS = (("number", "编号"), ("title", "督办事项/问题"), ("due", "时限"),
           ("state", "办理情况"), ("before", "此前通知"))
SECTIONS = (
    ("circulate", "列入通报的事项",
     "以下事项经催办、督办，超过回复期限仍未办结，已列入通报，并将在督查通报中点名："),
    ("supervise", "督办事项", "以下事项经催办仍逾期未办结，现予督办："),
    ("urge", "催办事项", "以下事项已逾期或临近落实时限，现予催办："),
)
TITLES = {"urge": "关于督促办理督查督办事项的通知",
          "supervise": "关于对逾期未办结督查督办事项进行督办的通知"}

Block = tuple[str, Any]


def _state(r: dict[str, Any], today: date) -> str:
    if r["light"] == "red":
        return f"逾期{r['days_overdue']}天"
    left = (r["due"] - today).days if r["due"] else None
    return "今日到期" if left == 0 else f"{left}天后到期" if left is not None else "临近时限"


def _row(r: dict[str, Any], today: date) -> dict[str, Any]:
    return {"number": r["number"], "title": r["title"], "due": r["due"] or "长期",
            "state": _state(r, today),
            "before": "、".join(b["notice"] for b in r["before"]) or "—"}


def blocks(notice: dict[str, Any], office: str) -> list[Block]:
    """The notice in reading order: (kind, content) with kinds title, addressee, para,
    heading, table, numbered."""
    today = notice["issued_on"]
    on = chinese_date(today)
    firm = notice["kind"] == "supervise"
    out: list[Block] = [("title", TITLES[notice["kind"]]), ("addressee", notice["unit_name"])]
    if firm:
        out.append(("para", f"截至{on}，你单位承办的以下督查督办事项经催办仍未按期办结。根据督查"
                            f"工作有关规定，现予督办。请于{chinese_date(notice['reply_by'])}前"
                            f"将办理情况、逾期原因和整改措施书面报送{office}。"))
    else:
        out.append(("para", f"截至{on}，你单位承办的以下督查督办事项已逾期或临近落实时限，现予"
                            "催办。请抓紧推进，按时办结，并及时报送办理进展。"))
    for level, heading, lead in SECTIONS:
        rows = [_row(r, today) for r in notice["records"] if r["level"] == level]
        if not rows:
            continue
        out += [("heading", heading), ("para", lead), ("table", rows)]
    asks = ["请对照所列事项逐项明确责任领导、责任人和完成时限，倒排工期，确保按期办结。"]
    if firm:
        asks.append(f"逾期未回复或回复后仍未办结的，{office}将列入督查通报，并按规定提请问责。")
    else:
        asks.append(f"事项经催办仍逾期未办结的，{office}将发出督办通知，限期回复。")
    asks.append("已办结的事项，请将佐证材料随反馈表一并报送，经复核后销号。")
    out += [("heading", "工作要求"), ("numbered", asks)]
    return out


def build(notice: dict[str, Any], *, office: str) -> bytes:
    """The notice as a .docx official document: the office's red header, the notice's
    number (催办〔2026〕7号), the title, the unit addressed, the records in tables, the
    signature dated the day it was issued."""
    from duchá.documents.official import OfficialDocument

    title = TITLES[notice["kind"]]
    doc = OfficialDocument(office, title=title, on=notice["issued_on"],
                           doc_no=notice["number"])
    for kind, content in blocks(notice, office):
        if kind == "title":
            doc.title(content)
        elif kind == "addressee":
            doc.addressee(content)
        elif kind == "para":
            doc.para(content)
        elif kind == "heading":
            doc.heading(content)
        elif kind == "table":
            doc.table(COLUMNS, content)
        elif kind == "numbered":
            doc.numbered(content)
    doc.sign()
    return doc.save()


def markdown(notice: dict[str, Any], *, office: str) -> str:
    """The notice as Markdown, with the same words as the document."""
    from duchá.reports.queries import md_table

    lines = [f"**{office}**", "", notice["number"], ""]
    n = 0
    for kind, content in blocks(notice, office):
        if kind == "title":
            lines += [f"# {content}", ""]
        elif kind == "addressee":
            lines += [f"{content}：", ""]
        elif kind == "para":
            lines += [content, ""]
        elif kind == "heading":
            n += 1
            lines += [f"## {chinese_number(n)}、{content}", ""]
        elif kind == "table":
            lines += [md_table(content, list(COLUMNS)), ""]
        elif kind == "numbered":
            lines += [f"{i}. {text}" for i, text in enumerate(content, start=1)] + [""]
    lines += [f"{office}  ", chinese_date(notice["issued_on"]), ""]
    return "\n".join(lines)
