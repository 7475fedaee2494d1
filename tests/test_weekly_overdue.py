"""`report weekly` lists everything still overdue at the week's end, the new ones marked, with
counts by unit (issue 12, point 4): an item red for months appears in every week's report."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from conftest import DEMO_AS_OF, Runner


def overdue_rows(rows: list[dict]) -> dict[str, dict]:
    return {r["number"]: r for r in rows if r["section"] == "overdue"}


def test_a_story_told_week_by_week_reads_the_same_in_later_weekly_reports(
        ledger: Runner) -> None:
    """The office's story entered day by day; at each week's end `report overdue` says what
    is red.  Weekly reports made long after list exactly that, week by week."""
    story: list[tuple[str, tuple[str, ...]]] = [
        ("2026-09-01", ("item", "add", "供热管网改造", "-c", "meeting", "--lead", "fgw",
                        "--due", "2026-09-30")),                             # DB-0001
        ("2026-09-01", ("item", "add", "老旧小区改造", "-c", "target", "--lead", "kongtong",
                        "--due", "2026-10-15")),                             # DB-0002
        ("2026-09-01", ("item", "add", "学位供给", "-c", "proposal", "--lead", "jyj",
                        "--due", "2026-10-20")),                             # DB-0003
        ("2026-09-10", ("finding", "add", "投诉办理不及时", "-u", "kongtong", "--mode",
                        "deadline", "--due", "2026-10-05")),                 # WT-0001
        ("2026-09-20", ("finding", "plan", "1", "建立投诉台账")),
        ("2026-10-10", ("item", "close", "3")),
        ("2026-10-10", ("item", "extend", "2", "--to", "2026-11-15", "--reason", "汛期")),
        ("2026-10-12", ("item", "extend", "2", "--approve", "--by", "张市长")),
        ("2026-10-12", ("finding", "rectify", "1", "--evidence", "台账")),
        ("2026-10-20", ("finding", "verify", "1", "--fail", "--reason", "台账不实")),
        ("2026-11-04", ("item", "close", "1")),
    ]
    sundays = [date(2026, 9, 6) + timedelta(weeks=n) for n in range(12)]  # W36 .. W47
    red_at: dict[date, set[str]] = {}
    events = sorted([(date.fromisoformat(d), 0, args) for d, args in story]
                    + [(s, 1, ()) for s in sundays])
    for day, is_sunday, args in events:
        if is_sunday:
            r = ledger("report", "overdue", "--min-days", "1", "--as-of", day.isoformat(),
                       "-f", "json")
            assert r.exit_code == 0, r
            red_at[day] = {x["number"] for x in r.json()}
        else:
            r = ledger(*args, "--as-of", day.isoformat(), "-f", "csv")
            assert r.exit_code == 0, (args, r)
    # What was red, to be sure the story says something: DB-0001 from October to its close,
    # WT-0001 past due until rectified and again once sent back.
    assert red_at[date(2026, 10, 4)] == {"DB-2026-0001"}
    assert red_at[date(2026, 10, 11)] == {"DB-2026-0001", "WT-2026-0001"}
    assert red_at[date(2026, 10, 18)] == {"DB-2026-0001"}
    assert red_at[date(2026, 10, 25)] == {"DB-2026-0001", "WT-2026-0001"}
    assert red_at[date(2026, 11, 22)] == {"WT-2026-0001", "DB-2026-0002"}
    before: set[str] = set()
    for sunday in sundays:
        r = ledger("report", "weekly", "--week", sunday.isoformat(), "--as-of", "2026-11-30",
                   "-f", "json")
        assert r.exit_code == 0, r
        rows = overdue_rows(r.json())
        assert set(rows) == red_at[sunday], sunday
        assert {n for n, x in rows.items() if x["new"]} == red_at[sunday] - before, sunday
        for x in rows.values():
            assert x["days_overdue"] == (sunday - date.fromisoformat(x["due"])).days > 0
        before = red_at[sunday]


def test_the_week_under_way_counts_overdue_on_the_as_of_date(ledger: Runner) -> None:
    for title, due in (("周二到期", "2026-11-24"), ("周五到期", "2026-11-27")):
        r = ledger("item", "add", title, "-c", "meeting", "--lead", "fgw", "--due", due,
                   "--assigned", "2026-11-02", "--as-of", "2026-11-02")
        assert r.exit_code == 0, r
    # Wednesday: only the item due on Tuesday is overdue yet.
    r = ledger("report", "weekly", "--as-of", "2026-11-25", "-f", "json")
    assert list(overdue_rows(r.json())) == ["DB-2026-0001"]
    md = ledger("report", "weekly", "--as-of", "2026-11-25").stdout
    assert "截至 2026-11-25 逾期未办结 1 项，其中本周新增 1 项" in md
    # The same week read after it ended: both.
    r = ledger("report", "weekly", "--week", "2026-W48", "--as-of", "2026-12-01", "-f", "json")
    assert set(overdue_rows(r.json())) == {"DB-2026-0001", "DB-2026-0002"}




def test_on_the_demo_a_long_red_item_appears_every_week(cli: Runner, module_demo: Path) -> None:
    def run(*args: str) -> list[dict]:
        r = cli(*args, "-f", "json", db=module_demo)
        assert r.exit_code == 0, r
        return r.json()

    # The week under way (the demo's Monday): exactly the red of `report overdue`.
    red = {x["number"]: x for x in run("report", "overdue", "--min-days", "1",
                                       "--as-of", DEMO_AS_OF)}
    now = overdue_rows(run("report", "weekly", "--as-of", DEMO_AS_OF))
    assert red and set(now) == set(red)
    assert all(now[n]["days_overdue"] == red[n]["days_overdue"] for n in red)
    longest = max(red.values(), key=lambda x: x["days_overdue"])
    assert longest["days_overdue"] > 90
    due = date.fromisoformat(longest["due"])
    # Every week since it fell due, read with the as-of date at that week's end (cron).
    sunday = due + timedelta(days=6 - due.weekday())
    weeks, new = 0, []
    while sunday < date.fromisoformat(DEMO_AS_OF):
        rows = overdue_rows(run("report", "weekly", "--as-of", sunday.isoformat()))
        if sunday > due:
            assert longest["number"] in rows, sunday
            weeks += 1
            if rows[longest["number"]]["new"]:
                new.append(sunday)
        sunday += timedelta(weeks=1)
    assert weeks > 12 and len(new) == 1
    # The counts by unit add up to the list.
    md = cli("report", "weekly", "--as-of", DEMO_AS_OF, db=module_demo).stdout
    section = md.split("### 各单位逾期情况")[1].split("\n## ")[0]
    counts = [line.split("|")[1:-1] for line in section.strip().splitlines()[2:]]
    assert sum(int(c[3]) for c in counts) == len(red)
    # The Markdown report is Chinese: units by their short names (issue 12.1).
    short = {u["code"]: u["short_name"] for u in run("unit", "list")}
    assert {c[0].strip() for c in counts} == {short[x["unit"]] for x in red.values()}
