"""The budgets of DESIGN.md ("Budgets") and issue 15, measured side by side in one run.

Not part of the test suite.  Builds its ledgers through `duchá import` of generated CSVs (the
generator of bench_import_report.py: 20 % as many items as findings, as many progress notes
as findings, 37 units), then runs the real command line (`python -m duchá`, start-up included)
and each floor (bench/floors.py, bench/typer_app.py) as processes, in pairs, alternating which
goes first.  Times are CPU seconds (user + system) of each child process, because the machine
is shared and its wall times include waiting for a core; each ratio is the median of duchá's
runs over the median of the floor's.  Memory is the child's peak resident set.

    python bench/bench_budgets.py                  # 100,000 findings, then 1,000,000
    python bench/bench_budgets.py --skip-million   # only the 100,000 budgets
    python bench/bench_budgets.py --findings 20000 --skip-million --runs 3   # a quick look
    python bench/bench_budgets.py --keep /tmp/ledgers   # keep (and reuse) the generated ledgers

Budgets (ratio to the floor unless said):
- report overdue -f csv: ≤3× a stdlib sqlite3 + csv script writing the same bytes (≤2× at
  1,000,000 findings);
- item show, finding show, item add on the full ledger: ≤1.5× a minimal two-command Typer app
  (its `show` prints one finding read with sqlite3, its `add` inserts one row); --help ≤1.2×
  that app's --help;
- import findings (every row of the generated file) into a ledger holding the units and
  items: ≤3× parsing the CSV and executemany into an empty table;
- verify: ≤2× reading and SHA-256-hashing every row of every table, in ≤200 MB (also at
  1,000,000 findings);
- check, item list, report status: the full ledger (10× the rows of the tenth) in ≤10× the
  time of the tenth.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_import_report as gen  # noqa: E402  (the generator of the ledgers' CSVs)

AS_OF = gen.AS_OF.isoformat()
PY = sys.executable
FLOORS = str(HERE / "floors.py")
TYPER_APP = str(HERE / "typer_app.py")
MEMORY_MB = 200
# The children run as installed programs do: with their compiled bytecode (a shell that sets
# PYTHONDONTWRITEBYTECODE would have every run compile duchá from source).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Sample:
    cpu: float  # user + system seconds of the child
    wall: float
    rss_mb: float  # the child's peak resident set


def run(cmd: list[str], *, out: Path | None = None, ok: tuple[int, ...] = (0,)) -> Sample:
    """One child process: its CPU time and peak memory from wait4, not from a delta of
    RUSAGE_CHILDREN (which would fold in anything else this process waited for)."""
    with (open(out or os.devnull, "wb") as so, tempfile.TemporaryFile() as se):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=so, stderr=se, env=ENV)
        _, status, use = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        if rc not in ok:
            se.seek(0)
            raise SystemExit(f"{' '.join(cmd)} exited {rc}: {se.read().decode()[-2000:]}")
    return Sample(use.ru_utime + use.ru_stime, wall, use.ru_maxrss / 1024)


def duchá(db: Path, *args: str, out: Path | None = None, ok: tuple[int, ...] = (0,)) -> Sample:
    return run([PY, "-m", "duchá", "--db", str(db), "--as-of", AS_OF, *args], out=out, ok=ok)


def copy_ledger(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        s, d = Path(f"{src}{suffix}"), Path(f"{dst}{suffix}")
        if d.exists():
            d.unlink()
        if s.exists():
            shutil.copyfile(s, d)
    return dst


# ---------------------------------------------------------------- the ledgers


@dataclass
class Ledger:
    findings: int
    db: Path  # units, items, findings, progress notes
    base: Path  # units and items only: what `import findings` is measured into
    findings_csv: Path


def build(folder: Path, n_findings: int) -> Ledger:
    """A ledger of n_findings findings, n/5 items and n progress notes, made by `duchá
    import` (kept in `folder` and reused when it is already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    led = Ledger(n_findings, folder / "ledger.db", folder / "base.db", folder / "findings.csv")
    if led.db.exists() and led.base.exists() and (folder / "done").exists():
        return led
    for p in folder.iterdir():
        p.unlink()
    start = time.perf_counter()
    files = gen.make_files(folder, n_findings // 5, n_findings)
    db = folder / "build.db"
    duchá(db, "init")
    duchá(db, "import", "units", str(files["units"]), "-f", "csv")
    duchá(db, "import", "items", str(files["items"]), "-f", "csv")
    copy_ledger(db, led.base)
    duchá(db, "import", "findings", str(files["findings"]), "-f", "csv")
    notes = gen.progress_file(db, folder, n_findings)
    duchá(db, "import", "progress", str(notes), "-f", "csv")
    copy_ledger(db, led.db)
    (folder / "done").write_text("")
    print(f"  built {folder.name}: {n_findings:,} findings in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    return led


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
           for t in ("item", "finding", "progress", "event")}
    con.close()
    return out


# ---------------------------------------------------------------- measuring


@dataclass
class Result:
    name: str
    ours: float
    floor: float
    budget: float
    floor_name: str
    note: str = ""
    ok: bool | None = None  # None: by the ratio

    @property
    def ratio(self) -> float:
        return self.ours / self.floor if self.floor else float("inf")

    @property
    def passed(self) -> bool:
        return (self.ratio <= self.budget) if self.ok is None else self.ok and (
            self.ratio <= self.budget)


RESULTS: list[Result] = []


def paired(ours: Callable[[], Sample], floor: Callable[[], Sample], runs: int, *,
           warm: bool = True) -> tuple[list[Sample], list[Sample]]:
    """`runs` pairs, the first of each pair alternating, so that a slow spell on the machine
    falls on both sides; after one unmeasured run of each (bytecode written, files cached)
    unless `warm` is false (the long workloads, whose modules building the ledger loaded)."""
    if warm:
        ours()
        floor()
    a: list[Sample] = []
    b: list[Sample] = []
    for i in range(runs):
        if i % 2 == 0:
            a.append(ours())
            b.append(floor())
        else:
            b.append(floor())
            a.append(ours())
    return a, b


def cpu(samples: list[Sample]) -> float:
    return statistics.median(s.cpu for s in samples)


def spread(a: list[Sample], b: list[Sample]) -> str:
    """The ratios of the pairs, lowest and highest: how far the machine moved the verdict."""
    ratios = [x.cpu / y.cpu for x, y in zip(a, b, strict=True) if y.cpu]
    return f"pairs {min(ratios):.2f}× to {max(ratios):.2f}×" if ratios else ""


def report(result: Result) -> None:
    RESULTS.append(result)
    verdict = "PASS" if result.passed else "FAIL"
    print(f"  {result.name:44s} {result.ours:7.3f} s {result.floor:7.3f} s "
          f"{result.ratio:6.2f}×  ≤{result.budget:g}×  {verdict}  "
          f"{result.floor_name}{'; ' + result.note if result.note else ''}", flush=True)


def same_bytes(a: Path, b: Path) -> str:
    """'' when the files are equal, else where they first differ."""
    x, y = a.read_bytes(), b.read_bytes()
    if x == y:
        return ""
    for n, (p, q) in enumerate(zip(x.splitlines(), y.splitlines(), strict=False), start=1):
        if p != q:
            return f"line {n} differs: {p[:80]!r} vs {q[:80]!r}"
    newline = b"\n"
    return f"{x.count(newline)} lines vs {y.count(newline)}"


def bench_overdue(led: Ledger, tmp: Path, runs: int, budget: float) -> None:
    ours_out, floor_out = tmp / "overdue.csv", tmp / "floor.csv"

    def ours() -> Sample:
        return duchá(led.db, "report", "overdue", "-f", "csv", out=ours_out)

    def floor() -> Sample:
        return run([PY, FLOORS, "overdue", str(led.db), str(floor_out), AS_OF])

    a, b = paired(ours, floor, runs)
    differ = same_bytes(ours_out, floor_out)
    rows = ours_out.read_bytes().count(b"\n") - 1
    report(Result(f"report overdue -f csv ({led.findings:,} findings)", cpu(a), cpu(b),
                  budget, "sqlite3 + csv script",
                  f"{rows:,} rows" + (f"; NOT THE SAME OUTPUT: {differ}" if differ else ""),
                  ok=not differ))


def bench_single(led: Ledger, tmp: Path, runs: int) -> None:
    db = copy_ledger(led.db, tmp / "single.db")
    scratch = tmp / "typer-app.db"

    def app_show() -> Sample:
        return run([PY, TYPER_APP, "show", str(db), "WT-2026-0100"])

    cases: dict[str, Callable[[], Sample]] = {
        "finding show WT-2026-0100": lambda: duchá(db, "finding", "show", "WT-2026-0100",
                                                   "-f", "csv"),
        "item show DB-2026-0100": lambda: duchá(db, "item", "show", "DB-2026-0100",
                                                "-f", "csv"),
    }
    for name, ours in cases.items():
        a, b = paired(ours, app_show, runs)
        report(Result(name, cpu(a), cpu(b), 1.5, "two-command Typer app"))

    def add() -> Sample:
        return duchá(db, "item", "add", "完善城区停车设施", "-c", "会议议定", "--lead",
                     "dept01", "-u", "kongtong", "--due", "+30d", "-f", "csv")

    def app_add() -> Sample:
        return run([PY, TYPER_APP, "add", str(scratch), "完善城区停车设施"])

    a, b = paired(add, app_add, runs)
    report(Result("item add", cpu(a), cpu(b), 1.5, "two-command Typer app"))

    def help_() -> Sample:
        return run([PY, "-m", "duchá", "--help"])

    a, b = paired(help_, lambda: run([PY, TYPER_APP, "--help"]), runs)
    report(Result("--help", cpu(a), cpu(b), 1.2, "two-command Typer app --help"))


def bench_import(led: Ledger, tmp: Path, runs: int) -> None:
    target, scratch = tmp / "import.db", tmp / "import-floor.db"

    def ours() -> Sample:
        copy_ledger(led.base, target)
        return duchá(target, "import", "findings", str(led.findings_csv), "-f", "csv")

    def floor() -> Sample:
        scratch.unlink(missing_ok=True)
        return run([PY, FLOORS, "import", str(led.base), str(led.findings_csv), str(scratch)])

    a, b = paired(ours, floor, runs, warm=False)
    report(Result(f"import findings ({led.findings:,} rows)", cpu(a), cpu(b), 3,
                  "parse + executemany into an empty table", spread(a, b)))


def bench_verify(led: Ledger, runs: int, budget: float | None) -> None:
    a, b = paired(lambda: duchá(led.db, "verify", "-f", "csv"),
                  lambda: run([PY, FLOORS, "hash", str(led.db)]), runs, warm=False)
    peak = max(s.rss_mb for s in a)
    events = counts(led.db)["event"]
    fits = peak <= MEMORY_MB
    report(Result(f"verify ({led.findings:,} findings, {events:,} events)", cpu(a), cpu(b),
                  budget if budget is not None else float("inf"),
                  "read + SHA-256 every row",
                  f"peak {peak:.0f} MB (≤{MEMORY_MB} MB: {'yes' if fits else 'NO'})", ok=fits))


SCALING = {
    "check": ("check", "-f", "csv"),
    "item list": ("item", "list", "-f", "csv"),
    "report status": ("report", "status", "-f", "csv"),
}


def bench_scaling(small: Ledger, big: Ledger, runs: int) -> None:
    for name, args in SCALING.items():
        ok = (0, 1) if name == "check" else (0,)
        a, b = paired(lambda args=args, ok=ok: duchá(big.db, *args, ok=ok),
                      lambda args=args, ok=ok: duchá(small.db, *args, ok=ok), runs)
        report(Result(f"{name}: {big.findings:,} vs {small.findings:,} findings", cpu(a),
                      cpu(b), 10, "the same command on the tenth"))


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return (f"{platform.machine()} {model or platform.processor()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"commit {commit or '?'}, load {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--findings", type=int, default=100_000)
    ap.add_argument("--million", type=int, default=1_000_000,
                    help="findings of the large ledger (overdue ≤2×, verify's memory)")
    ap.add_argument("--skip-million", action="store_true")
    # (nine: on a shared machine one import's pairs range from 2× to 4× its floor, and with
    # five one slow spell can decide the median)
    ap.add_argument("--runs", type=int, default=9, help="paired runs per workload")
    ap.add_argument("--keep", type=Path, help="keep the ledgers here and reuse them")
    ap.add_argument("--only", nargs="*", default=[],
                    choices=["overdue", "single", "import", "verify", "scaling", "million"])
    args = ap.parse_args()
    only = set(args.only) or {"overdue", "single", "import", "verify", "scaling", "million"}
    if args.skip_million:
        only.discard("million")
    print(f"machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        home = args.keep or tmp / "ledgers"
        n = args.findings
        big = build(home / f"ledger-{n}", n)
        c = counts(big.db)
        print(f"ledger: {c['item']:,} items, {c['finding']:,} findings, {c['progress']:,} "
              f"progress notes, {c['event']:,} events; as of {AS_OF}", flush=True)
        print(f"  {'workload':44s} {'duchá':>9s} {'floor':>9s} {'ratio':>7s}  budget", flush=True)
        if "overdue" in only:
            bench_overdue(big, tmp, args.runs, 3)
        if "single" in only:
            bench_single(big, tmp, args.runs)
        if "import" in only:
            bench_import(big, tmp, args.runs)  # (its ratio moves most with the machine)
        if "verify" in only:
            bench_verify(big, max(args.runs // 2, 1), 2)
        if "scaling" in only:
            small = build(home / f"ledger-{n // 10}", n // 10)
            bench_scaling(small, big, args.runs)
        if "million" in only:
            m = args.million
            huge = build(home / f"ledger-{m}", m)
            c = counts(huge.db)
            print(f"ledger: {c['item']:,} items, {c['finding']:,} findings, {c['progress']:,} "
                  f"progress notes, {c['event']:,} events", flush=True)
            bench_overdue(huge, tmp, max(args.runs // 2, 1), 2)
            bench_verify(huge, 1, None)
    failed = [r for r in RESULTS if not r.passed]
    print(f"{len(RESULTS) - len(failed)} of {len(RESULTS)} budgets PASS; load now "
          f"{os.getloadavg()[0]:.1f}" + (f"; FAIL: {', '.join(r.name for r in failed)}"
                                         if failed else ""))


if __name__ == "__main__":
    main()
