"""督查情况报告: the report of one inspection, from the rows and sentences of `report
inspection` (reports.queries.inspection and its Markdown's facts, overview and asks)."""

from __future__ import annotations

from datetime import date
from typing import Any


def build(data: dict[str, Any], *, today: date, office: str, doc_no: str | None = None
          ) -> bytes:
    from duchá.documents.official import OfficialDocument, chinese_date
    from duchá.reports.queries import (
        findings_by_unit,
        inspection_asks,
        inspection_facts,
        inspection_overview,
    )
    from duchá.vocab import FINDING_STATUS, ITEM_STATUS, MODE, SEVERITY

    rec = data["record"]
    title = f"关于{rec['topic']}的督查情况报告"
    doc = OfficialDocument(office, title=title, on=today, doc_no=doc_no)
    # Until a leader approves it, the report goes up for approval (送审稿).
    doc.title(title, None if rec["report_approved_on"] else "（送审稿）")
    doc.heading("基本情况")
    doc.para(inspection_overview(data))
    for label, value in inspection_facts(data, chinese_date, "至"):
        doc.para(f"{label}：{value}。")
    number = rec["number"] + (f"（年度督查计划{rec['plan']}）" if rec["plan"] else "")
    doc.para(f"督查编号：{number}。")
    doc.heading("督查事项")
    if data["items"]:
        doc.table([("number", "编号"), ("title", "督办事项"), ("due", "落实时限"),
                   ("status", "办理状态")],
                  [{**r, "status": ITEM_STATUS.zh(r["status"])} for r in data["items"]])
    else:
        doc.para("本次督查未关联督办事项。")
    doc.heading("发现的问题及整改要求")
    if not data["findings"]:
        doc.para("本次督查未发现问题。")
    for name, rows in findings_by_unit(data).items():
        doc.subheading(f"{name}（{len(rows)}个问题）")
        doc.table([("number", "编号"), ("description", "问题"), ("severity", "性质"),
                   ("mode", "整改方式"), ("due", "整改时限"), ("status", "整改状态")],
                  [{**r, "severity": SEVERITY.zh(r["severity"]), "mode": MODE.zh(r["mode"]),
                    "status": FINDING_STATUS.zh(r["status"])} for r in rows])
    doc.heading("下一步要求")
    doc.numbered(inspection_asks(data, today, chinese_date))
    doc.sign()
    return doc.save()
