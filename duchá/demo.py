"""A realistic sample ledger for `duchá demo`, built through the same services as real work.

All dates are relative to the as-of date so the demo shows overdue and stale work whenever it
runs; a fixed random seed makes it the same ledger every time for the same as-of date.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from duchá import items, units
from duchá.vocab import CATEGORY

if TYPE_CHECKING:
    from duchá.ledger import Ledger

UNITS = (
    ("kongtong", "平凉市崆峒区人民政府", "county"),
    ("jingchuan", "泾川县人民政府", "county"),
    ("lingtai", "灵台县人民政府", "county"),
    ("chongxin", "崇信县人民政府", "county"),
    ("huating", "华亭市人民政府", "county"),
    ("zhuanglang", "庄浪县人民政府", "county"),
    ("jingning", "静宁县人民政府", "county"),
    ("fgw", "平凉市发展和改革委员会", "department"),
    ("jyj", "平凉市教育局", "department"),
    ("zjj", "平凉市住房和城乡建设局", "department"),
    ("czj", "平凉市财政局", "department"),
    ("sthjj", "平凉市生态环境局", "department"),
)

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
    for code, name, kind in UNITS:
        units.add(lg, code=code, name=name, kind=kind, parent=None)
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

    from duchá import inspections, plans

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
