"""Benchmark: import 20,000 items, 100,000 findings and 100,000 progress notes, then
`report overdue -f csv`.

Not part of the test suite.  Runs the real command line (`python -m duchá`, start-up included)
on a ledger in a temporary folder and compares each step with a plain sqlite3 baseline doing the
same work without duchá (executemany of the already-parsed rows; one SQL query written with the
csv module), printing the times and the ratios.

    python bench/bench_import_report.py [--findings 100000] [--items 20000] [--progress 100000]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

AS_OF = date(2026, 11, 30)
COUNTIES = ["kongtong", "jingchuan", "lingtai", "chongxin", "huating", "zhuanglang", "jingning"]


CPU: dict[str, float] = {}


def _child_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def duchá(db: Path, *args: str) -> float:
    """Wall time of one run; its CPU time (user + system) is kept in CPU, since the machine
    may be shared and wall time then includes waiting for a core."""
    cpu, start = _child_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "duchá", "--db", str(db), *args],
                          capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    CPU[" ".join(args[:2])] = _child_cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"duchá {' '.join(args)} failed: {done.stderr}")
    return took


def make_files(folder: Path, n_items: int, n_findings: int) -> dict[str, Path]:
    rnd = random.Random(2026)
    units = [(c, f"{c}县人民政府", "county") for c in COUNTIES]
    units += [(f"dept{i:02d}", f"平凉市第{i}局", "department") for i in range(1, 31)]
    codes = [u[0] for u in units]
    files = {name: folder / f"{name}.csv" for name in ("units", "items", "findings")}
    with files["units"].open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "kind"])
        w.writerows(units)
    with files["items"].open("w", newline="", encoding="gb18030") as fh:
        w = csv.writer(fh)
        w.writerow(["事项名称", "类别", "牵头单位", "责任单位", "交办日期", "落实时限", "办理状态",
                    "办结日期"])
        for i in range(n_items):
            assigned = AS_OF - timedelta(days=rnd.randint(10, 400))
            due = assigned + timedelta(days=rnd.randint(10, 300))
            done = rnd.random() < 0.4 and due < AS_OF
            category = rnd.choice(["会议议定", "领导批示", "目标任务", "方针政策"])
            w.writerow([f"督办事项{i}", category,
                        rnd.choice(codes), ";".join(rnd.sample(codes, rnd.randint(0, 2))),
                        assigned.isoformat(), due.isoformat(), "办结" if done else "",
                        due.isoformat() if done else ""])
    with files["findings"].open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["unit", "description", "severity", "mode", "found_on", "due", "status",
                    "rectified_on", "verified_on"])
        for i in range(n_findings):
            found = AS_OF - timedelta(days=rnd.randint(1, 400))
            due = found + timedelta(days=rnd.randint(3, 120))
            fate = rnd.random()
            rect = found + timedelta(days=rnd.randint(1, 100)) if fate < 0.5 else None
            rect = rect if rect and rect <= AS_OF else None
            verified = rect + timedelta(days=3) if rect and fate < 0.3 else None
            verified = verified if verified and verified <= AS_OF else None
            w.writerow([rnd.choice(codes), f"发现问题{i}：台账不规范",
                        "serious" if fate > 0.95 else "general",
                        rnd.choice(["immediate", "deadline", "long-term"]), found.isoformat(),
                        due.isoformat(), "", rect.isoformat() if rect else "",
                        verified.isoformat() if verified else ""])
    return files


from floors import OVERDUE_SQL as BASELINE_SQL  # noqa: E402  (the same query)


def baseline_report(db: Path, out: Path) -> float:
    """The same rows with sqlite3 and the csv module: the floor for `report overdue`."""
    start = time.perf_counter()
    con = sqlite3.connect(db)
    rows = con.execute(BASELINE_SQL, {
        "today": AS_OF.isoformat(),
        "item_horizon": (AS_OF + timedelta(days=7)).isoformat(),
        "finding_horizon": (AS_OF + timedelta(days=3)).isoformat()}).fetchall()
    out_rows = []
    for kind, number, title, code, due, status, last in rows:
        days = (AS_OF - date.fromisoformat(due)).days
        out_rows.append((kind, number, title, code, due, days,
                         "red" if days > 0 else "yellow", status, last or ""))
    out_rows.sort(key=lambda r: (-r[5], r[0], r[1]))
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["kind", "number", "title", "unit", "due", "days_overdue", "light",
                    "status", "last_progress"])
        w.writerows(out_rows)
    con.close()
    return time.perf_counter() - start


def baseline_import(db: Path, findings: Path, scratch: Path) -> float:
    """Parse the CSV and executemany it into an empty copy of the finding table (no checks,
    no events): the floor for `import findings`."""
    con = sqlite3.connect(db)
    schema = con.execute("SELECT sql FROM sqlite_master WHERE name = 'finding'").fetchone()[0]
    con.close()
    start = time.perf_counter()
    con = sqlite3.connect(scratch)
    con.execute(schema)  # foreign keys are off in a plain sqlite3 connection
    with findings.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [(f"WT-{r[4][:4]}-{i:06d}", int(r[4][:4]), i, 1, r[1], r[2], r[3], r[4],
                 r[5] or None, "open")
                for i, r in enumerate(reader, start=1)]
    con.executemany("INSERT INTO finding (number, year, seq, unit_id, description, severity, "
                    "mode, found_on, due, status) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    rows)
    con.commit()
    con.close()
    return time.perf_counter() - start


def progress_file(db: Path, folder: Path, n: int) -> Path:
    """Progress notes on the imported items, each dated within its item's life."""
    rnd = random.Random(7)
    con = sqlite3.connect(db)
    items = con.execute("SELECT number, assigned, closed_on FROM item").fetchall()
    con.close()
    path = folder / "progress.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["事项编号", "进展日期", "进展情况", "完成进度"])
        for i in range(n):
            number, assigned, closed = rnd.choice(items)
            start, end = date.fromisoformat(assigned), date.fromisoformat(closed or "2026-11-30")
            on = start + timedelta(days=rnd.randint(0, max((min(end, AS_OF) - start).days, 0)))
            w.writerow([number, on.isoformat(), f"第{i}次推进", rnd.randint(0, 100)])
    return path


def baseline_progress(db: Path, notes: Path, scratch: Path) -> float:
    """Parse the notes and executemany them (item ids looked up in one dict): the floor."""
    con = sqlite3.connect(db)
    schema = con.execute("SELECT sql FROM sqlite_master WHERE name = 'progress'").fetchone()[0]
    ids = dict(con.execute("SELECT number, id FROM item"))
    con.close()
    start = time.perf_counter()
    con = sqlite3.connect(scratch)
    con.execute(schema)
    with notes.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [(ids[r[0]], r[1], r[2], int(r[3])) for r in reader]
    con.executemany('INSERT INTO progress (item_id, "on", text, percent) '
                    "VALUES (?,?,?,?)", rows)
    con.commit()
    con.close()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=20_000)
    ap.add_argument("--findings", type=int, default=100_000)
    ap.add_argument("--progress", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        files = make_files(folder, args.items, args.findings)
        as_of = ("--as-of", AS_OF.isoformat())
        start_up = duchá(db, "--help")
        duchá(db, "init")
        duchá(db, "import", "units", str(files["units"]), "-f", "csv")
        t_items = duchá(db, "import", "items", str(files["items"]), "-f", "csv", *as_of)
        t_findings = duchá(db, "import", "findings", str(files["findings"]), "-f", "csv",
                           *as_of)
        notes = progress_file(db, folder, args.progress)
        t_progress = duchá(db, "import", "progress", str(notes), "-f", "csv", *as_of)
        t_base_progress = baseline_progress(db, notes, folder / "scratch-progress.db")
        out = folder / "overdue.csv"
        t_report = duchá(db, "report", "overdue", "-f", "csv", *as_of, "-o", str(out))
        base_out = folder / "baseline.csv"
        t_base_report = baseline_report(db, base_out)
        t_base_import = baseline_import(db, files["findings"], folder / "scratch.db")
        con = sqlite3.connect(db)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("item", "finding", "progress", "event")}
        con.close()
        with out.open(encoding="utf-8") as fh:
            report_rows = sum(1 for _ in fh) - 1
        with base_out.open(encoding="utf-8") as fh:
            base_rows = sum(1 for _ in fh) - 1
        print(f"ledger: {counts['item']} items, {counts['finding']} findings, "
              f"{counts['progress']} progress notes, {counts['event']} events")
        cpu_findings = CPU["import findings"]
        cpu_report = CPU["report overdue"]
        print(f"duchá --help (start-up)              {start_up:6.2f} s wall")
        print(f"import items ({args.items}, GB18030)      {t_items:6.2f} s wall "
              f"{CPU['import items']:6.2f} s cpu")
        print(f"import findings ({args.findings})       {t_findings:6.2f} s wall "
              f"{cpu_findings:6.2f} s cpu   baseline executemany {t_base_import:5.2f} s   "
              f"ratio {cpu_findings / t_base_import:5.1f}x (cpu)")
        print(f"import progress ({args.progress})       {t_progress:6.2f} s wall "
              f"{CPU['import progress']:6.2f} s cpu   baseline executemany "
              f"{t_base_progress:5.2f} s   ratio {CPU['import progress'] / t_base_progress:5.1f}x "
              "(cpu)")
        print(f"report overdue -f csv ({report_rows} rows) {t_report:6.2f} s wall "
              f"{cpu_report:6.2f} s cpu   baseline sqlite3 {t_base_report:5.2f} s "
              f"({base_rows} rows)   ratio {cpu_report / t_base_report:5.1f}x (cpu)")


if __name__ == "__main__":
    main()
