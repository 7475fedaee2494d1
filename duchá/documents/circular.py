"""通报: the circular on the units' work of a year, from the scoreboard of `report units`
(reports.queries.unit_scores) and whom it praises and criticises by name
(reports.queries.unit_circular)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

ATTACHMENT = "各单位督查督办事项办理情况统计表"
# What a unit is praised or criticised for: a scoreboard count, and its phrase when not 0.
PRAISED = (("items_on_time", "按时办结督办事项{}项"), ("findings_on_time", "按时整改问题{}个"))
CRITICISED = (("items_overdue", "逾期未办结督办事项{}项"),
              ("findings_overdue", "逾期未整改问题{}个"),
              ("findings_reopened", "整改后反弹问题{}个"))


def _counted(row: dict[str, Any], phrases: Sequence[tuple[str, str]]) -> list[str]:
    return [phrase.format(row[key]) for key, phrase in phrases if row[key]]


def build(rows: list[dict[str, Any]], *, year: int, today: date, office: str,
          doc_no: str | None = None,
          circulated: Sequence[dict[str, Any]] = ()) -> bytes:
    from duchá.documents.official import OfficialDocument, chinese_date
    from duchá.reports.queries import unit_circular

    c = unit_circular(rows)
    t = c["totals"]
    on = chinese_date(today)
    title = f"关于{year}年度督查督办事项办理情况的通报"
    doc = OfficialDocument(office, title=title, on=today, doc_no=doc_no)
    doc.title(title)
    doc.addressee("各有关单位")
    doc.para(f"为压实工作责任，推动督查督办事项落地见效，现将截至{on}各单位{year}年度督查督办"
             "事项办理和督查发现问题整改情况通报如下。")
    doc.heading("总体情况")
    doc.para(f"各单位牵头的{year}年度督办事项在办{t['items_open']}项，其中逾期"
             f"{t['items_overdue']}项；按时办结{t['items_on_time']}项，超期办结"
             f"{t['items_late']}项。督查发现问题未整改到位{t['findings_open']}个，其中逾期"
             f"{t['findings_overdue']}个；复核销号{t['findings_verified']}个，整改后反弹"
             f"{t['findings_reopened']}个。")
    doc.heading("通报表扬")
    if c["praised"]:
        names = "、".join(r["name"] for r in c["praised"])
        doc.para(f"{names}等{len(c['praised'])}个单位督办事项按时办结、发现问题按时整改到位，"
                 "无逾期、无反弹，予以通报表扬。")
        for r in c["praised"]:
            doc.para(f"{r['name']}：{'，'.join(_counted(r, PRAISED))}，按时率100%。")
    else:
        doc.para("本期没有督办事项全部按时办结且无逾期、无反弹的单位。")
    doc.heading("通报批评")
    if c["criticised"]:
        doc.para(f"截至{on}，以下{len(c['criticised'])}个单位有逾期未办结的督办事项或逾期未整改"
                 "的问题，或有经催办、督办仍未办结的事项，予以通报批评：")
        for r in c["criticised"]:
            parts = _counted(r, CRITICISED)
            named = [c for c in circulated if c["unit"] == r["unit"]]
            if named:
                listed = "；".join(f"{c['number']}{c['title']}" for c in named)
                parts.append(f"经催办、督办仍未办结列入通报的{len(named)}项（{listed}）")
            doc.para(f"{r['name']}：{'，'.join(parts)}。")
    else:
        doc.para(f"截至{on}，各单位没有逾期未办结的督办事项和逾期未整改的问题。")
    doc.heading("工作要求")
    asks = []
    if c["criticised"]:
        asks.append(f"被通报批评的单位要认真分析逾期原因，明确责任人和完成时限，抓紧办结、整改到位，"
                    f"并将办理情况书面报送{office}。")
    asks += ["各单位要对照督办事项台账逐项梳理，对临近时限的事项提前调度，防止新增逾期。",
             f"{office}将持续跟踪督办，对整改不力、问题反弹的，按规定提请问责。"]
    doc.numbered(asks)
    doc.attachment_note([ATTACHMENT])
    doc.sign()
    doc.attachment(ATTACHMENT)
    doc.table([("name", "单位"), ("items_open", "在办事项"), ("items_overdue", "逾期事项"),
               ("items_on_time", "按时办结"), ("items_late", "超期办结"),
               ("findings_open", "未整改问题"), ("findings_overdue", "逾期问题"),
               ("findings_reopened", "反弹问题"), ("circulated", "列入通报"),
               ("rate", "按时率")],
              [{**r, "rate": "" if r["on_time_rate"] is None else f"{r['on_time_rate']:g}%"}
               for r in rows])
    return doc.save()
