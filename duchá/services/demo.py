"""A realistic sample ledger for `duchá demo`, built through the same services as real work.

All dates are relative to the as-of date so the demo shows overdue and stale work whenever it
runs; a fixed random seed makes it the same ledger every time for the same as-of date.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from duchá.services import items, settings, units
from duchá.vocab import CATEGORY

if TYPE_CHECKING:
    from duchá.services.ledger import Ledger

# (code, full name, kind, short name): the counties' short names are derived (崆峒区,
# 泾川县, 华亭市...), the departments' are the ones the office uses.
UNITS = (
    ("kongtong", "平凉市崆峒区人民政府", "county", None),
    ("jingchuan", "泾川县人民政府", "county", None),
    ("lingtai", "灵台县人民政府", "county", None),
    ("chongxin", "崇信县人民政府", "county", None),
    ("huating", "华亭市人民政府", "county", None),
    ("zhuanglang", "庄浪县人民政府", "county", None),
    ("jingning", "静宁县人民政府", "county", None),
    ("fgw", "平凉市发展和改革委员会", "department", "发改委"),
    ("jyj", "平凉市教育局", "department", "教育局"),
    ("zjj", "平凉市住房和城乡建设局", "department", "住建局"),
    ("czj", "平凉市财政局", "department", "财政局"),
    ("sthjj", "平凉市生态环境局", "department", "生态环境局"),
)

# A finished and reported inspection with findings: the one `demo --files` writes the
# 督查情况报告 of.
REPORTED_INSPECTION = "DC-2026-003"

TITLES = {
    "policy": ["落实减税降费政策", "推进优化营商环境条例实施", "落实粮食安全党政同责",
               "贯彻就业优先政策", "落实耕地保护制度"],
    "decision": ["推进黄河流域生态保护", "实施城市更新行动", "推进乡村振兴重点帮扶",
                 "推动数字政府建设", "落实安全生产专项整治"],
    "meeting": ["城区供热管网改造", "老旧小区改造年度任务", "农贸市场提升改造",
                "城区停车难问题治理", "中心城区雨污分流"],
    "target": ["完成固定资产投资目标", "新增城镇就业人数目标", "空气质量优良天数目标",
               "义务教育学校建设目标", "高标准农田建设任务"],
    "proposal": ["办理关于增加学位供给的建议", "办理关于农村饮水安全的提案",
                 "办理关于公交线路优化的建议", "办理关于养老服务的提案", "办理关于校园安全的建议"],
    "instruction": ["市长关于冬季取暖保障的批示", "关于信访积案化解的批示",
                    "关于河道采砂整治的批示", "关于农民工工资支付的批示", "关于校车安全的批示"],
    "visit": ["落实省领导调研苹果产业指示", "落实视察生态修复指示精神", "落实调研文旅融合指示",
              "落实调研物流园区建设指示", "落实视察防汛工作指示"],
    "assigned": ["专题交办城区违建整治", "专题交办营商环境投诉办理", "专题交办水源地保护",
                 "专题交办中小学食堂管理", "专题交办供暖投诉处理"],
}
NOTES = ("召开专题推进会", "制定实施方案", "完成现场勘查", "完成招标", "开工建设",
         "完成阶段任务", "上报进展材料", "完成主体工程")


def build(lg: Ledger) -> None:
    """Fill an empty ledger with a prefecture-level city's sample supervision work."""
    rnd = random.Random(2026)
    today = lg.today
    for code, name, kind, short in UNITS:
        units.add(lg, code=code, name=name, kind=kind, parent=None, short=short)
    codes = [u[0] for u in UNITS]
    n = 0
    for category in CATEGORY.codes:
        for title in TITLES[category]:
            n += 1
            assigned = today - timedelta(days=rnd.randint(20, 200))
            due = assigned + timedelta(days=rnd.randint(30, 260))
            lead = rnd.choice(codes)
            others = rnd.sample([c for c in codes if c != lead], rnd.randint(0, 2))
            row = items.add(lg, title=title, category=category, lead=lead, responsible=others,
                            assigned=assigned, due=due, source=f"平政督〔{assigned.year}〕{n}号",
                            leader=rnd.choice(["张市长", "李副市长", "王副市长", "赵秘书长"]))
            number = row["number"]
            on = assigned
            percent = 0
            for _ in range(rnd.randint(0, 4)):
                on = on + timedelta(days=rnd.randint(5, 40))
                if on > today:
                    break
                percent = min(100, percent + rnd.randint(10, 40))
                items.progress(lg, number, text=rnd.choice(NOTES), on=on, percent=percent)
            fate = rnd.random()
            if fate < 0.25 and on <= today:
                items.close(lg, number, on=max(on, assigned))
            elif fate < 0.3:
                items.cancel(lg, number, reason="任务调整，并入其他事项")
    build_plans(lg)
    build_findings(lg)
    build_cycle(lg)
    # The office that issues the documents (report weekly/units/inspection -o NAME.docx).
    settings.set_value(lg, "office.name", "平凉市人民政府督查室")


# Findings in every state, told as (unit, description, severity, mode, found, due, steps).
# Days are relative to the as-of date; each step is (verb, day, details).
FINDINGS: tuple[tuple[str, str, str, str, int, int | None, tuple[tuple[Any, ...], ...]], ...] = (
    ("kongtong", "城区供热投诉办理不及时", "serious", "deadline", -60, None, ()),
    ("jyj", "学校食堂食材索证索票不全", "general", "deadline", -20, 2, ()),
    ("zjj", "老旧小区改造进度台账未更新", "general", "deadline", -10, 20,
     (("plan", -5, "一周内补齐台账，建立周报制度"),)),
    ("jingchuan", "河道采砂点未落实巡查制度", "serious", "deadline", -50, -10,
     (("plan", -45, "建立巡查台账，每周巡查两次"), ("extend", -15, 30, "汛期施工受阻"),
      ("reject", -12, "李副市长"),
      ("account", -3, "泾川县水务局分管负责人", "约谈", "《平凉市督查工作实施意见》第十条"))),
    ("fgw", "重点项目入库审核流程超时", "general", "deadline", -40, -5,
     (("plan", -35, "简化审核环节"), ("extend", -8, 25, "需省级部门会签"),
      ("approve", -6, "张市长"))),
    ("sthjj", "工业园区扬尘管控措施未落实", "general", "deadline", -30, 15,
     (("plan", -25, "增设喷淋设施"), ("rectify", -3, "喷淋设施安装照片及验收单"))),
    ("huating", "农民工工资专户管理不规范", "serious", "deadline", -70, -40,
     (("plan", -65, "全面清理专户"), ("rectify", -50, "专户清单"),
      ("fail", -48, "佐证材料不实，抽查两个项目仍未开户"), ("rectify", -35, "补开专户及银行回单"),
      ("verify", -30, "王科长", 60))),
    ("lingtai", "农贸市场消防通道被占用", "general", "immediate", -120, None,
     (("rectify", -116, "清理现场照片"), ("verify", -110, "赵科员", -5))),
    ("chongxin", "校车安全检查记录缺失", "serious", "deadline", -150, -120,
     (("rectify", -130, "补齐检查记录"), ("verify", -125, "王科长", -20),
      ("rebound", -20, "回头看发现记录再次中断", 10))),
    ("zhuanglang", "高标准农田建设管护机制不健全", "general", "long-term", -90, 200,
     (("plan", -80, "制定管护办法，分三年落实"),)),
    ("jingning", "政务服务窗口一次性告知不到位", "general", "deadline", -200, -170,
     (("rectify", -180, "告知单样本"), ("verify", -170, "赵科员", -80), ("ok", -80))),
    ("czj", "专项资金拨付滞后", "general", "deadline", -100, -60,
     (("rectify", -90, "拨付凭证"), ("verify", -85, "王科长", None),
      ("reopen", -10, "审计再次发现滞留资金", -1))),
    ("kongtong", "背街小巷垃圾清运不及时", "general", "immediate", -3, None, ()),
)


def build_findings(lg: Ledger) -> None:
    """Findings in every state: overdue and due soon, extensions approved and rejected, a
    failed verification, a look-back rebound, a look-back overdue, accountability records,
    and an item behind its schedule (序时进度)."""
    from sqlmodel import col, select

    from duchá.models import Inspection, InspectionTarget, Item, Unit
    from duchá.services import extensions, findings

    today = lg.today

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    # Attach a finding to an inspection that targeted its unit when one exists (the plans
    # demo may have made some), else to an item the unit leads.
    targets = lg.session.exec(
        select(col(Unit.code), col(Inspection.number), col(Inspection.start))
        .join(InspectionTarget, col(InspectionTarget.unit_id) == col(Unit.id))
        .join(Inspection, col(Inspection.id) == col(InspectionTarget.inspection_id))
    ).all()
    led = lg.session.exec(select(col(Unit.code), col(Item.number)).join(
        Item, col(Item.lead_unit_id) == col(Unit.id)).order_by(col(Item.id))).all()
    for unit, text, severity, mode, found_off, due_off, steps in FINDINGS:
        found = day(found_off)
        insp = next((n for c, n, start in targets if c == unit and start <= found), None)
        item = None if insp else next((n for c, n in led if c == unit), None)
        row = findings.add(lg, text=text, unit=unit, severity=severity, mode=mode, found=found,
                           due=day(due_off) if due_off is not None else None,
                           inspection=insp, item=item)
        n = row["number"]
        for verb, off, *args in steps:
            on = day(off)
            if verb == "plan":
                findings.plan(lg, n, text=args[0], on=on)
            elif verb == "rectify":
                findings.rectify(lg, n, evidence=args[0], on=on)
            elif verb == "verify":
                lookback = day(args[1]) if args[1] is not None else None
                findings.verify(lg, n, by=args[0], on=on, lookback=lookback)
            elif verb == "fail":
                findings.verify(lg, n, by="王科长", on=on, fail=True, reason=args[0])
            elif verb == "rebound":
                findings.lookback(lg, n, result="rebound", on=on, note=args[0],
                                  due=day(off + args[1]))
            elif verb == "ok":
                findings.lookback(lg, n, result="ok", on=on, note="未发现反弹")
            elif verb == "reopen":
                findings.reopen(lg, n, reason=args[0], on=on, due=day(args[1]))
            elif verb == "extend":
                extensions.request(lg, "finding", n, to=day(args[0]), reason=args[1], on=on)
            elif verb in ("approve", "reject"):
                extensions.decide(lg, "finding", n, approve=verb == "approve", by=args[0],
                                  on=on)
            elif verb == "account":
                extensions.account(lg, "finding", n, who=args[0], measure=args[1],
                                   basis=args[2], on=on)
    # An item two thirds through its time with a fifth of the work done: item-lag.
    row = items.add(lg, title="推进城区集中供热二期工程", category="decision", lead="zjj",
                    responsible=["fgw"], assigned=day(-120), due=day(60),
                    source=f"平政督〔{day(-120).year}〕88号", leader="张市长")
    items.progress(lg, row["number"], text="完成可研批复", on=day(-30), percent=20)
    overdue = items.query(lg, overdue=True)
    if overdue:
        worst = max(overdue, key=lambda r: r["days_overdue"])
        extensions.account(lg, "item", worst["number"], who=f"{worst['lead_unit']}主要负责人",
                           measure="通报批评", basis="《平凉市督查工作实施意见》第十条",
                           on=today)


def build_plans(lg: Ledger) -> None:
    """Two plan years (the second over its quota) and inspections that trip every rule.

    Last year's plan has eight entries and this year's quota cuts it by half; this year has
    six live entries, two of them one department's comprehensive inspections and two planned
    for one county in overlapping windows.  Among the inspections: a fine joint one, three
    departments on one district within a fortnight, a repeat on the same topic, one with no
    plan and no approval, and one long finished without a report.  Dates count back from the
    as-of date (the plan windows are months of the plan year).
    """
    from datetime import date

    from duchá.services import inspections, plans

    today = lg.today
    year, prev = today.year, today.year - 1
    # The services warn about each deliberate violation; the demo's check table shows them all.
    quiet_from = len(lg.warnings)

    def day(n: int) -> date:
        return today - timedelta(days=n)

    last_year = (("fgw", "重大项目建设专项督查", "kongtong"), ("jyj", "教育督导评估", "jingchuan"),
                 ("zjj", "建筑施工安全检查", "lingtai"), ("czj", "财政资金使用检查", "chongxin"),
                 ("sthjj", "环保督察整改督查", "huating"), ("fgw", "营商环境评价", "zhuanglang"),
                 ("jyj", "校园食品安全检查", "jingning"), ("zjj", "老旧小区改造督查", "kongtong"))
    for k, (org, title, target) in enumerate(last_year):
        plans.add(lg, title=title, year=prev, organizer=org, kind="special", method="on-site",
                  targets=[target], start=date(prev, k + 3, 1), end=None, unplanned=False)
    plans.quota_set(lg, year, max_count=None, reduction="50%", baseline=None)

    def entry(org: str, title: str, kind: str, targets: list[str], start: date, end: date,
              *, unplanned: bool = False) -> str:
        return plans.add(lg, title=title, year=year, organizer=org, kind=kind, method="on-site",
                         targets=targets, start=start, end=end, unplanned=unplanned)["number"]

    entry("fgw", "全市重点项目建设综合督查", "comprehensive", ["kongtong", "jingchuan"],
          date(year, 3, 1), date(year, 4, 30))
    entry("fgw", "发展改革系统年度综合考核", "comprehensive", ["lingtai"],
          date(year, 9, 1), date(year, 10, 31))
    entry("jyj", "校园安全专项督查", "special", ["zhuanglang"], date(year, 5, 1),
          date(year, 5, 31))
    entry("sthjj", "大气污染防治专项督查", "special", ["zhuanglang"], date(year, 5, 15),
          date(year, 6, 15))
    joint_plan = entry("zjj", "城乡建设领域联合督查", "special", ["jingning"], date(year, 1, 1),
                       date(year, 12, 31))
    dropped = entry("czj", "财政惠民资金专项检查", "special", ["huating"], date(year, 7, 1),
                    date(year, 7, 31))
    plans.cancel(lg, dropped, reason="并入城乡建设领域联合督查")
    extra = entry("zjj", "冬季供暖保障临时督查", "special", ["kongtong"], date(year, 11, 1),
                  date(year, 12, 31), unplanned=True)
    plans.approve(lg, extra, by="张市长", on=date(year, 10, 20), doc=f"平政办〔{year}〕88号")

    def inspect(topic: str, lead: str, target: str, start: int, *, members: tuple[str, ...] = (),
                finish: int | None = None, report: int | None = None, approved: bool = True,
                plan: str | None = None) -> str:
        begin = day(start)
        if plan is not None and not plan.startswith(f"JH-{begin.year}-"):
            plan = None  # early in January the inspection falls in last year: approve instead
        number = inspections.add(
            lg, topic=topic, lead=lead, members=list(members), method="on-site",
            targets=[target], start=begin, end=None, plan=plan, items=[],
            approved_by="李副市长" if approved and plan is None else None,
            approved_on=begin - timedelta(days=3) if approved and plan is None else None,
            approval_ref=f"平政办〔{begin.year}〕{start}号" if approved and plan is None
            else None)["number"]
        if finish is not None:
            inspections.finish(lg, number, on=day(finish))
        if report is not None:
            inspections.report(lg, number, summary="发现问题若干，已交办整改",
                               approved_by="张市长", approved_on=day(report),
                               circulated_on=day(report))
        return number

    # A joint inspection that is fine: one organizer group, planned, reported on time.
    inspect("城乡建设领域联合督查", "zjj", "jingning", 50, members=("fgw", "sthjj"), finish=45,
            report=40, plan=joint_plan)
    # Three departments on one district within a fortnight: multi-headed.
    inspect("优化营商环境专项督查", "fgw", "kongtong", 24, finish=22, report=16)
    inspect("义务教育学校建设督查", "jyj", "kongtong", 19, finish=17, report=10)
    inspect("秋冬季大气污染防治督查", "sthjj", "kongtong", 12, finish=10, report=3)
    # The same topic at the same county within 90 days: repeat-inspection.
    inspect("城区供热管网改造专项督查", "zjj", "lingtai", 80, finish=75, report=70)
    inspect("城区供热管网改造督查", "zjj", "lingtai", 10)
    # No plan entry and no approval: unplanned-approval.
    inspect("财政惠民资金发放检查", "czj", "huating", 20, approved=False, finish=18, report=8)
    # Finished two months ago, still no report: report-missing.
    inspect("政府债务风险排查", "czj", "chongxin", 75, finish=60)

    # Items the item rules catch whatever the random sample above holds.
    items.add(lg, title="关于冬季供暖投诉处理的批示", category="instruction", lead="zjj",
              responsible=[], assigned=day(20), due=day(-30), source="市长批示", leader="张市长")
    stale = items.add(lg, title="推进城区停车场建设", category="assigned", lead="zjj",
                      responsible=["kongtong"], assigned=day(120), due=day(-60), source=None,
                      leader="王副市长")
    items.progress(lg, stale["number"], text="完成选址", on=day(100), percent=10)
    late = items.add(lg, title="完成年度招商引资任务", category="target", lead="fgw",
                     responsible=[], assigned=day(150), due=day(15), source=None,
                     leader="李副市长")
    items.progress(lg, late["number"], text="签约项目12个", on=day(40), percent=60)
    del lg.warnings[quiet_from:]


# What the units write back on their forms, and the unit that does not answer in time.
ANSWERS = ("本周召开调度会，倒排工期推进", "完成阶段性目标，正在组织验收", "已落实责任人，加快推进",
           "完成主体工程，进入收尾阶段")
SILENT = "huating"


def build_cycle(lg: Ledger) -> None:
    """The weekly cycle with the units: a round of feedback forms sent a week ago, returned
    by every unit but one (late: feedback-missing), with progress, a completion claim and a
    question for coordination; and one unit's overdue finding chased three times, 催办 then
    督办, then put on the 通报 list (reminder-ignored, and named by `report units`).  Each
    step runs as of its own day, through the same services as `form` and `remind`."""
    from pathlib import Path

    from duchá.services import forms, reminders
    from duchá.services.ledger import Ledger
    from duchá.transfer.forms import Returned

    today = lg.today
    rnd = random.Random(14)

    def on(day: date) -> Ledger:
        return Ledger(session=lg.session, actor=lg.actor, today=day)

    # 催办, 督办 (reply in reminder_ignored.workdays working days), then the 通报 list.
    first = today - timedelta(days=28)
    reminders.remind(on(first), ["kongtong"])
    second = on(first + timedelta(days=7))
    reply_by = reminders.remind(second, ["kongtong"])[0]["reply_by"]
    third = min(today, max(today - timedelta(days=7), reply_by + timedelta(days=1)))
    reminders.remind(on(third), ["kongtong"])

    issued = today - timedelta(days=7)
    out = on(issued)
    sent = forms.out(out, units=None, due=out.calendar.add_workdays(issued, 3))
    claimed = asked = False
    for k, form in enumerate(sent):
        if form["unit"] == SILENT:
            continue
        rows: list[tuple[int, dict[str, str | None]]] = []
        for n, rec in enumerate(form["rows"][:2], start=6):
            answer: dict[str, str | None] = {"number": rec["number"],
                                             "progress": rnd.choice(ANSWERS)}
            if rec["kind"] == "item":
                answer["percent"] = str(rnd.randint(5, 9) * 10)
            if rec["kind"] == "item" and not claimed and rec["light"] != "red":
                answer.update(percent="100", claim="是", done_on=issued.isoformat(),
                              evidence="验收报告及现场照片")
                claimed = True
            elif not asked and rec["light"] == "red":
                answer["coordination"] = "需市财政协调落实配套资金"
                asked = True
            rows.append((n, answer))
        back = on(issued + timedelta(days=1 + k % 2))
        forms.read_in(back, [Returned(Path(f"{form['form']}.xlsx"), "row",
                                      meta={"form": form["form"], "unit": form["unit"]},
                                      rows=rows)])
