"""督查工作周报: the week's report, from the rows of `report weekly` (reports.queries.weekly):
what is overdue at the week's end with the new ones marked and the counts by unit, then the
week's registrations, closures, verifications and reopenings, and what falls due next week."""

from __future__ import annotations

from datetime import date
from typing import Any


def _shown(r: dict[str, Any]) -> dict[str, Any]:
    """A row with its values in Chinese and its unit by name."""
    from duchá.vocab import FINDING_STATUS, ITEM_STATUS

    item = r["kind"] == "item"
    status = (ITEM_STATUS if item else FINDING_STATUS).zh(r["status"] or "")
    return {**r, "kind": "督办事项" if item else "发现问题", "status": status,
            "unit": r.get("unit_name") or r["unit"], "mark": "本周新增" if r.get("new") else ""}


def build(meta: dict[str, Any], rows: list[dict[str, Any]], *, today: date, office: str,
          doc_no: str | None = None) -> bytes:
    from duchá.documents.official import OfficialDocument, chinese_date
    from duchá.reports.queries import WEEKLY_SECTIONS

    year, week = meta["week"].split("-W")
    title = "督查工作周报"
    doc = OfficialDocument(office, title=f"{title}（{meta['week']}）", on=today, doc_no=doc_no)
    doc.title(title, f"（{year}年第{int(week)}周　{chinese_date(meta['start'])}至"
                     f"{chinese_date(meta['end'])}）")
    names = dict(WEEKLY_SECTIONS)
    by = {s: [_shown(r) for r in rows if r["section"] == s] for s in names}
    as_of = chinese_date(meta["as_of"])
    doc.heading("本周概况")
    doc.para(f"本周新登记督办事项和发现问题{meta['registered']}项，办结督办事项{meta['closed']}"
             f"项，复核销号问题{meta['verified']}项，重新整改{meta['reopened']}项。截至{as_of}，"
             f"逾期未办结{meta['overdue']}项，其中本周新增{meta['newly_overdue']}项；"
             f"下周到期{meta['due_next_week']}项。")
    doc.heading("逾期未办结情况")
    if by["overdue"]:
        doc.subheading("各单位逾期情况")
        doc.table([("name", "责任单位"), ("items", "逾期督办事项"), ("findings", "逾期问题"),
                   ("total", "合计"), ("new", "其中本周新增")], meta["by_unit"])
        doc.subheading("逾期清单")
        doc.para(f"截至{as_of}仍逾期未办结的督办事项和问题如下，本周新增的在备注中标明。")
        doc.table([("number", "编号"), ("title", "督办事项/问题"), ("unit", "责任单位"),
                   ("due", "时限"), ("days_overdue", "逾期天数"), ("status", "状态"),
                   ("mark", "备注")], by["overdue"])
    else:
        doc.para(f"截至{as_of}，没有逾期未办结的督办事项和问题。")
    doc.heading("本周动态")
    for section in ("registered", "closed", "verified", "reopened"):
        doc.subheading(names[section])
        if by[section]:
            doc.table([("kind", "类型"), ("number", "编号"), ("title", "督办事项/问题"),
                       ("unit", "责任单位"), ("date", "日期"), ("status", "状态")], by[section])
        else:
            doc.para("无。")
    doc.heading("下周到期")
    if by["due_next_week"]:
        doc.table([("kind", "类型"), ("number", "编号"), ("title", "督办事项/问题"),
                   ("unit", "责任单位"), ("due", "时限"), ("status", "状态")],
                  by["due_next_week"])
    else:
        doc.para("无。")
    # The note anchors the history the report was made from, as the Markdown's closing line.
    note = (f"本周报据截至{chinese_date(meta['end'])}的台账历史生成，核验码{meta['head'][:16]}"
            if meta.get("head") else None)
    doc.sign(note)
    return doc.save()
