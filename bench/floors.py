"""The floors that bench_budgets.py measures duchá against: what the same work costs in a plain
Python script with only the standard library (sqlite3, csv, hashlib), run as its own process
like `python -m duchá` is.  Not part of duchá, and not clever: each is the obvious script.

    python bench/floors.py overdue LEDGER OUT.csv AS_OF   # report overdue -f csv, same bytes
    python bench/floors.py import LEDGER FINDINGS.csv SCRATCH.db
    python bench/floors.py hash LEDGER                     # read and SHA-256 every row
"""

from __future__ import annotations

import sys

# The rows of `report overdue`: red or yellow items and findings, with the default thresholds
# (bench_import_report.py's baseline reads the same query).
OVERDUE_SQL = """
SELECT 'item', i.number, i.title, u.code, i.due, i.status,
       (SELECT max(p."on") FROM progress p WHERE p.item_id = i.id)
FROM item i JOIN unit u ON u.id = i.lead_unit_id
WHERE i.status = 'open' AND i.due IS NOT NULL AND (i.due <= :item_horizon OR (
    -- yellow too when behind its 序时进度 by more than 20 points (rules.ITEM_LAGGING)
    i.due >= :today AND julianday(i.due) > julianday(i.assigned)
    AND 100 * (julianday(:today) - julianday(i.assigned))
        > (20 + coalesce((SELECT p.percent FROM progress p
                          WHERE p.item_id = i.id AND p.percent IS NOT NULL
                          ORDER BY p."on" DESC, p.id DESC LIMIT 1), 0))
          * (julianday(i.due) - julianday(i.assigned))))
UNION ALL
SELECT 'finding', f.number, f.description, u.code, f.due, f.status,
       max(coalesce(f.plan_on, ''), coalesce(f.rectified_on, ''))
FROM finding f JOIN unit u ON u.id = f.unit_id
WHERE f.status IN ('open', 'rectifying', 'reopened') AND f.due <= :finding_horizon
"""


def overdue(db: str, out: str, as_of: str) -> None:
    """The rows of `duchá report overdue -f csv` with the default thresholds (yellow 7 days
    ahead for items, 3 for findings, item-lag margin 20 points), written the same way."""
    import csv
    import sqlite3
    from datetime import date, timedelta

    today = date.fromisoformat(as_of)
    con = sqlite3.connect(db)
    rows = con.execute(OVERDUE_SQL, {
        "today": as_of, "item_horizon": (today + timedelta(days=7)).isoformat(),
        "finding_horizon": (today + timedelta(days=3)).isoformat()}).fetchall()
    con.close()
    shown = []
    for kind, number, title, code, due, status, last in rows:
        days = (today - date.fromisoformat(due)).days
        shown.append((kind, number, title, code, due, days, "red" if days > 0 else "yellow",
                       status, last or ""))
    shown.sort(key=lambda r: (-r[5], r[0], r[1]))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["kind", "number", "title", "unit", "due", "days_overdue", "light",
                    "status", "last_progress"])
        w.writerows(shown)


def import_findings(db: str, findings: str, scratch: str) -> None:
    """Parse the findings CSV and executemany it into an empty copy of the finding table: no
    checks, no numbering rules, no history."""
    import csv
    import sqlite3

    con = sqlite3.connect(db)
    schema = con.execute("SELECT sql FROM sqlite_master WHERE name = 'finding'").fetchone()[0]
    units = dict(con.execute("SELECT code, id FROM unit"))
    con.close()
    con = sqlite3.connect(scratch)
    con.execute(schema)  # foreign keys are off in a plain sqlite3 connection
    with open(findings, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [(f"WT-{r[4][:4]}-{i:04d}", int(r[4][:4]), i, units[r[0]], r[1], r[2], r[3],
                 r[4], r[5] or None, "open")
                for i, r in enumerate(reader, start=1)]
    con.executemany("INSERT INTO finding (number, year, seq, unit_id, description, severity, "
                    "mode, found_on, due, status) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()


def hash_rows(db: str) -> None:
    """Read every row of every table and SHA-256 its JSON: the floor for `verify`."""
    import hashlib
    import json
    import sqlite3

    con = sqlite3.connect(db)
    tables = [t for (t,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    n = 0
    for t in tables:
        for row in con.execute(f'SELECT * FROM "{t}"'):
            hashlib.sha256(json.dumps(row, ensure_ascii=False).encode("utf-8")).hexdigest()
            n += 1
    con.close()
    print(f"{n} rows hashed")


if __name__ == "__main__":
    what, *args = sys.argv[1:]
    {"overdue": overdue, "import": import_findings, "hash": hash_rows}[what](*args)
