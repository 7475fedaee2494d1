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
