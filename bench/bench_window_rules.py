"""Time the window rules on synthetic ledgers of growing size: the time should grow about
linearly (sort and sweep per unit), not with the square of the number of inspections.

Run: .venv/bin/python bench/bench_window_rules.py
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from duchá import rules

UNITS = [f"u{k}" for k in range(200)]
ORGS = [f"o{k}" for k in range(40)]
TOPICS = ["营商环境专项督查", "校园安全检查", "城区供热管网改造", "大气污染防治督查",
          "财政资金使用检查", "安全生产专项整治", "老旧小区改造督查", "乡村振兴重点帮扶"]


def ledger(n: int) -> tuple[list[dict], list[dict]]:
    rnd = random.Random(n)
    start = date(2020, 1, 1)
    inspections = []
    plans = []
    for k in range(n):
        day = start + timedelta(days=rnd.randint(0, 365 * 5))
        inspections.append({
            "number": f"DC-{k}", "start": day, "lead": rnd.choice(ORGS),
            "members": rnd.sample(ORGS, rnd.randint(0, 2)), "targets": rnd.sample(UNITS, 2),
            "topic": rnd.choice(TOPICS) + str(rnd.randint(0, 3)),
            "items": [f"DB-{rnd.randint(0, n)}"]})
        plans.append({"number": f"JH-{k}", "organizer": rnd.choice(ORGS), "status": "planned",
                      "start": day, "end": day + timedelta(days=rnd.randint(0, 30)),
                      "targets": rnd.sample(UNITS, 2)})
    return inspections, plans


def main() -> None:
    for n in (5_000, 20_000, 80_000):
        inspections, plans = ledger(n)
        t0 = time.perf_counter()
        multi = rules.multi_headed(inspections, days=30)
        t1 = time.perf_counter()
        repeat = rules.repeat_inspection(inspections, days=90, cut=0.6)
        t2 = time.perf_counter()
        overlap = rules.plan_overlap(plans)
        t3 = time.perf_counter()
        print(f"n={n:>6}: multi-headed {t1 - t0:6.2f}s ({len(multi)}), repeat-inspection "
              f"{t2 - t1:6.2f}s ({len(repeat)}), plan-overlap {t3 - t2:6.2f}s ({len(overlap)})")


if __name__ == "__main__":
    main()
