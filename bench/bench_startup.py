"""Start-up cost of small commands, side by side with a bare Python interpreter.

Run: python bench/bench_startup.py  (prints medians and ratios; machines are noisy)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(cmd: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "b.db")
        subprocess.run([py, "-m", "duchá", "--db", db, "init"], check=True, capture_output=True)
        base = median_seconds([py, "-c", "pass"])
        cases = {
            "python -c pass (baseline)": [py, "-c", "pass"],
            "duchá --help": [py, "-m", "duchá", "--help"],
            "duchá --version": [py, "-m", "duchá", "--version"],
            "duchá unit list -f csv": [py, "-m", "duchá", "--db", db, "unit", "list", "-f", "csv"],
        }
        for name, cmd in cases.items():
            t = median_seconds(cmd)
            print(f"{name:32s} {t * 1000:7.1f} ms   x{t / base:5.1f} of bare python")


if __name__ == "__main__":
    main()
