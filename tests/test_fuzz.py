"""Random invocations (issue 10): any command line a clerk, a script or an attacker can type
ends with a documented exit code and no traceback, and a command that fails changes nothing.

The grammar is read from the real command tree (every noun, verb, argument and option that
`--help` shows), so a new command is fuzzed the day it is added.  Each value is drawn from a
pool of good values for that parameter (units, numbers and dates of the demo city, categories
in English and Chinese) or from a pool of hostile ones (impossible and far dates, huge integers,
values that look like global options, emoji, bidi controls, control characters, lone
surrogates as a GBK terminal passes them, very long text).

The invocations run in-process against one copy of the demo ledger, which is put back to the
demo every SEGMENT invocations, so later commands meet the changes earlier ones made.  Checked
on every invocation:

- the exit code is 0, 1 (only `check`, `report ... --fail-on` and `import --errors`), 2
  or 3;
- no traceback, no "unexpected error";
- on a non-zero exit: exactly one stderr line, starting "error: "; empty stdout; the ledger's
  rows and file bytes exactly as before; no file written or changed in the test's folders;
- read-only commands (list, show, check, report, export, log, verify, ...) change no row;
- `verify` passes (the ledger was changed only by duchá), and no value was taken for a global
  option (`--reason "-fake"` must not become `-f ake`).

    DUCHA_FUZZ_RUNS=3000 DUCHA_FUZZ_SEED=7 pytest tests/test_fuzz.py   # a long run
    DUCHA_FUZZ_SEED=random ...                                        # a fresh seed
    DUCHA_FUZZ_REPORT=fails.jsonl ...                                 # every failure, as JSON

The failure message names the seed and the run count: the same two replay the same run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import DEMO_AS_OF, snapshot_db
from duchá.cli import app
from duchá.db import dispose_all

AS_OF = "2026-11-30"
DEFAULT_SEED = 3  # its first 150 runs meet real bugs of issue 10 (points 4 and 9)
DEFAULT_RUNS = 150
SEGMENT = 25  # invocations between resets of the working ledger to the demo

# -- the pools --------------------------------------------------------------------------------

GBK_BYTES = os.fsdecode(b"\xcd\xc6\xbd\xf8")  # 推进 in GBK, as a UTF-8 locale decodes argv
HOSTILE = [
    "", " ", "\t", "0", "-1", "9223372036854775808", "-9223372036854775809", "9" * 40,
    "1e309", "nan", "²", "１２", "٣",
    "-fake reason", "-f", "-fjson", "--db={tmp}/elsewhere.db", "--as-of=1999-01-01",
    "--format=json", "-o", "--", "-h", "--help", "--debug",
    "😀", "👨\u200d👩\u200d👧 家庭", "\u202e反转\u202c", "\u200f", "\ufeffBOM", "\u200b",
    "a\x07bell", "\x1b[2J\x1b]0;x\x07", "line\nbreak", "cr\rret", "tab\there", "\x7f\x85",
    GBK_BYTES, "\ud800", "lone\udcff", "'; DROP TABLE item; --", "%s%n{0}", "${HOME}",
    "../../etc/passwd", "长" * 3000, "x" * 20000,
]
DATES = [
    "2026-12-31", "2026/12/31", "20261231", "2026年12月31日", "12月31日", "today", "tomorrow",
    "+10d", "+2w", "+3m", "+5wd", "2026-03", "2026年3月", "长期", "持续推进", "2026年9月30日前",
    "6月底前", "年底前", "上半年", "三季度末", "2026-11-30", "2026-06-01", "2026-10-15",
    "2027-06-30", "2026-11-01",
]
BAD_DATES = [
    "2026-02-30", "9999-12-31", "0001-01-01", "+99999wd", "+99999m", "-99999d", "+0d", "-1d",
    "2026-13-01", "20261331", "soon", "2026-W48", "99999年1月1日", "1900-01-01", "2100-12-31",
    "+9223372036854775808d", "２０２６－１２－３１", "٢٠٢٦-١٢-٣١", "13月1日", "0月0日",
]
UNITS = ["fgw", "jyj", "zjj", "czj", "sthjj", "kongtong", "jingchuan", "huating", "lingtai",
         "chongxin", "zhuanglang", "jingning", "平凉市发展和改革委员会", "平凉市教育局",
         "泾川县人民政府", "崆峒", "教育", "FGW", "平凉市", "财政", "nowhere", "人民政府"]
NUMBERS = {
    "item": ["DB-2026-0001", "DB-2026-0011", "DB-2026-0026", "DB-2026-0010", "DB-2026-0044",
             "1", "11", "26", "0011", "45", "DB-2026-0099", "DB-2025-0001", "db-2026-0003"],
    "finding": ["WT-2026-0001", "WT-2026-0003", "WT-2026-0004", "WT-2026-0006", "WT-2026-0008",
                "WT-2026-0009", "WT-2026-0012", "3", "6", "8", "13", "14", "WT-2026-0099"],
    "plan": ["JH-2026-001", "JH-2026-002", "JH-2026-006", "JH-2026-007", "JH-2025-008", "1",
             "7", "JH-2026-099"],
    "inspect": ["DC-2026-001", "DC-2026-002", "DC-2026-006", "DC-2026-008", "6", "8",
                "DC-2026-099"],
}
ALL_NUMBERS = [n for ns in NUMBERS.values() for n in ns] + ["0", "²", "9" * 40]
TEXT = ["推进城区供热管网改造", "整改到位", "张市长", "王科长", "市政府办公室", "见附件",
        "平政办发〔2026〕12号", "市长办公会议纪要第5期", "约谈", "通报批评", "《问责条例》第七条",
        "plain text", "x"]
POOLS: dict[str, list[str]] = {
    "category": ["policy", "decision", "meeting", "target", "proposal", "instruction", "visit",
                 "assigned", "方针政策", "领导批示", "批示", "建议提案", "会议", "nonsense"],
    "kind": ["county", "department", "agency", "comprehensive", "special", "assessment",
             "evaluation", "other", "综合性督查考核", "专项督查", "item", "finding", "planet"],
    "method": ["self-check", "written", "on-site", "third-party", "unannounced", "实地督查",
               "暗访核查", "书面", "telepathy"],
    "mode": ["immediate", "deadline", "long-term", "立行立改", "限期整改", "长期整改", "someday"],
    "severity": ["general", "serious", "一般", "严重", "huge"],
    "status": ["open", "done", "cancelled", "rectifying", "rectified", "verified", "reopened",
               "planned", "办结", "weird"],
    "light": ["red", "yellow", "green", "红灯", "黄灯", "绿灯", "RED", "purple"],
    "result": ["ok", "rebound", "反弹", "meh"],
    "rule": ["plan-quota", "one-comprehensive", "unplanned-approval", "repeat-inspection",
             "multi-headed", "plan-overlap", "finding-overdue", "item-overdue", "item-stale",
             "instruction-limit", "lookback-due", "report-missing", "item-lag", "item_lag",
             "nonsense"],
    "key": ["repeat_inspection.days", "repeat_inspection.similarity", "multi_headed.days",
            "finding_overdue.yellow_days", "item_overdue.yellow_days", "item_stale.days",
            "instruction_limit.workdays", "report_missing.days", "finding.immediate_workdays",
            "finding.deadline_days", "item_lag.margin", "nope"],
    "value": ["1", "7", "30", "0.6", "0", "-1", "abc", "nan", "inf", "1e309", "0.5", "365"],
    "table": ["units", "items", "plans", "inspections", "findings", "quotas", "progress",
              "extensions", "accountability", "settings", "calendar", "item", "people"],
    "headers": ["en", "zh", "ZH", "fr"],
    "week": ["2026-W48", "2026W48", "2026-W01", "2026-W53", "2026-W60", "2026-11-30", "soon"],
    "fail_on": ["red", "yellow", "purple"],
    "reduction": ["50%", "50", "0.5", "10%", "100%", "150%", "-10%", "nan%"],
    "year": ["2026", "2025", "2027", "2019", "1800", "9999", "10000", "abc"],
    "int": ["0", "1", "5", "50", "100", "101", "3", "abc", "2.5"],
    "code": ["newu", "hting", "fgw", "JYJ", "a b", "新", "x" * 64],
    "name": ["新设单位", "平凉市教育局", "平凉市统计局", "  "],
    "subject": ["DB-2026-0001", "WT-2026-0003", "JH-2026-001", "DC-2026-002", "fgw", "items",
                "finding", "DB-2026-0099"],
}
DATE_PARAMS = {"approved_on", "assigned", "circulated_on", "due", "due_before", "from_",
               "lookback", "on", "to", "since"}
UNIT_PARAMS = {"lead", "organizer", "parent", "target", "unit", "with_"}
FORMATS = ["csv"] * 6 + ["json", "jsonl", "tsv", "table", "markdown", "plain", "html", "xlsx",
                         "docx", "weird"]
ENCODINGS = ["gbk", "gb18030", "utf-8-sig", "utf-8", "UTF8", "latin1"]
READ_ONLY_VERBS = {"list", "show", "get", "status", "overdue", "weekly", "units", "inspection"}
READ_ONLY = {("check",), ("export",), ("log",), ("verify",), ("backup",)}


# -- the grammar ------------------------------------------------------------------------------

@functools.cache
def command_tree() -> Any:
    return typer.main.get_command(app)


def leaves(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    subs = getattr(cmd, "commands", None)
    if not subs:
        return [(path, cmd)]
    return [leaf for name, sub in subs.items() for leaf in leaves(sub, (*path, name))]


@dataclass
class Folder:
    """The test's folders: the working ledger, files to read, and a place for output."""

    root: Path
    db: Path = field(init=False)
    files: Path = field(init=False)
    out: Path = field(init=False)

    def __post_init__(self) -> None:
        self.db = self.root / "ledger.db"
        self.files = self.root / "files"
        self.out = self.root / "out"


class Grammar:
    def __init__(self, rng: random.Random, folder: Folder) -> None:
        self.rng = rng
        self.f = folder
        self.commands = [(p, c) for p, c in leaves(command_tree()) if p != ("demo",)]
        self.n = 0
        self.fmt = "csv"  # the -f of the last invocation

    def pick(self, pool: list[str], hostile: float = 0.2) -> str:
        rng = self.rng
        value = rng.choice(HOSTILE if rng.random() < hostile else pool)
        return value.replace("{tmp}", str(self.f.root))

    def path_value(self, path: tuple[str, ...], name: str) -> str:
        f, rng = self.f, self.rng
        if path == ("backup",):
            self.n += 1
            choices = [f.out / f"backup-{self.n}.db", f.files / "exists.db",
                       f.out / "no" / "such" / "b.db", f.db, f.files]
        elif path == ("restore",):
            choices = [f.files / "backup.db", f.files / "notes.txt", f.files / "nope.db", f.db,
                       f.files / "items.csv"]
        else:  # import TABLE FILE, unit import FILE
            choices = [f.files / n for n in ("items.csv", "units.csv", "findings.csv",
                                             "gbk.csv", "bad-date.csv", "binary.csv",
                                             "empty.csv", "nope.csv", "notes.txt")]
            choices += [f.files, f.db]
        return str(rng.choice(choices)) if rng.random() > 0.05 else self.pick([], 1.0)

    def value(self, path: tuple[str, ...], param: Any) -> str:
        name = param.name
        bare = param.bare_type().removeprefix("list[").removesuffix("]")
        if bare == "Path":
            return self.path_value(path, name)
        if name in DATE_PARAMS or name == "day":
            return self.pick(DATES if self.rng.random() < 0.7 else BAD_DATES)
        if name in UNIT_PARAMS:
            return self.pick(UNITS)
        if name in ("number", "item", "inspection", "plan"):
            group = {"item": "item", "inspection": "inspect", "plan": "plan"}.get(name, path[0])
            own = NUMBERS.get(group, ALL_NUMBERS)
            return self.pick(own if self.rng.random() < 0.8 else ALL_NUMBERS)
        if name == "year":
            return self.pick(POOLS["year"])
        if name in POOLS:
            return self.pick(POOLS[name])
        if bare == "int":
            return self.pick(POOLS["int"])
        return self.pick(TEXT, 0.35)

    def invocation(self) -> tuple[tuple[str, ...], list[str], list[str], str]:
        """(command path, the global options, the command's own words, the ledger it names)."""
        rng, f = self.rng, self.f
        path, cmd = rng.choice(self.commands)
        words: list[str] = []
        options: list[str] = []
        for p in cmd.params:
            if p.name == "help":
                continue
            if p.param_type_name == "argument":
                if not p.required and rng.random() < 0.3:
                    continue
                if p.required and rng.random() < 0.03:
                    continue  # a missing argument
                words.append(self.value(path, p))
                continue
            if rng.random() > (0.93 if p.required else 0.35):
                continue
            for _ in range(rng.choice((1, 1, 1, 2)) if p.multiple else 1):
                opt = rng.choice(p.opts)
                if p.is_flag:
                    options.append(opt)
                elif opt.startswith("--") and rng.random() < 0.2:
                    options.append(f"{opt}={self.value(path, p)}")
                else:
                    options += [opt, self.value(path, p)]
        if rng.random() < 0.03:
            words.append(self.pick(TEXT, 0.5))  # an extra argument
        if rng.random() < 0.03:
            options.append("--no-such-option")
        if rng.random() < 0.01:
            options.append(rng.choice(["--help", "-h"]))
        # Options before, after or among the arguments: Click takes them anywhere.
        where = rng.randrange(len(words) + 1)
        own = [*path, *words[:where], *options, *words[where:]]

        db = f.db
        if path == ("init",) and rng.random() < 0.5:
            self.n += 1
            db = f.out / f"new-{self.n}.db"
        fmt = self.fmt = rng.choice(FORMATS)
        glob = ["--as-of", AS_OF if rng.random() < 0.85 else self.pick(DATES + BAD_DATES, 0.1),
                "-f", fmt]
        if rng.random() < 0.15:
            ext = rng.choice(["csv", "json", "tsv", "xlsx", "docx", "txt", "md"])
            glob += ["-o", str(rng.choice([f.out / f"o.{ext}", f.out / "no" / "such" / "o.csv",
                                           f.out]))]
        if rng.random() < 0.12:
            glob += ["--encoding", rng.choice(ENCODINGS)]
        if rng.random() < 0.1:
            glob += ["--actor", self.pick(TEXT, 0.6)]
        if rng.random() < 0.3:  # typed after the subcommand: hoisted by DuchaGroup
            return path, ["--db", str(db)], own + glob, str(db)
        return path, ["--db", str(db), *glob], own, str(db)


# -- the checks -------------------------------------------------------------------------------

def folder_state(*folders: Path) -> dict[str, tuple[int, int, int]]:
    """Every file's (inode, size, mtime): a write, a replace or a new file changes it."""
    out = {}
    for folder in folders:
        for p in folder.rglob("*"):
            if p.is_file() and not p.name.endswith(("-wal", "-shm")):
                st = p.stat()
                out[str(p)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def ledger_state(db: Path) -> tuple[str, str]:
    """(its rows, its bytes): taken after dispose_all(), which checkpoints the WAL into the file."""
    rows = repr(snapshot_db(db)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(rows).hexdigest(), hashlib.sha256(db.read_bytes()).hexdigest()


def problems(path: tuple[str, ...], argv: list[str], db: str, fmt: str, r: Any,
             rows_changed: bool, bytes_changed: bool, files_changed: bool) -> list[str]:
    code = r.exit_code
    err = r.stderr
    found = []
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        found.append(f"escaped exception {type(r.exception).__name__}")
    if code not in (0, 1, 2, 3):
        found.append(f"exit code {code} is not documented")
    if "Traceback" in err + r.stdout:
        found.append("traceback")
    if "unexpected error" in err:
        found.append("unexpected error")
    # `import --errors FILE` found bad rows: it wrote them there, exit 1 (issue 13).
    failing = path == ("check",) or (path[0] == "report" and "--fail-on" in " ".join(argv)) \
        or (path == ("import",) and "--errors" in argv)
    if code == 1 and not failing and "unexpected error" not in err:
        found.append("exit 1 outside check / --fail-on")
    if code not in (0, 1):
        if not (err.startswith("error: ") and err.count("\n") == 1):
            found.append("stderr is not one `error:` line")
        if r.stdout:
            found.append("stdout not empty on error")
    if code != 0 and rows_changed:
        found.append("ledger changed by a failing command")
    elif code != 0 and bytes_changed:
        found.append("ledger file's bytes changed by a failing command (its rows did not)")
    # Exit 1 is "found errors" (check, --fail-on): its report is written all the same.
    if code not in (0, 1) and files_changed:
        found.append("file written by a failing command")
    if code == 0 and rows_changed and (path in READ_ONLY or path[-1] in READ_ONLY_VERBS):
        found.append("ledger changed by a read-only command")
    m = re.search(r"unknown format '([^']*)'", err)
    if m and m.group(1) != fmt:
        found.append("a value was taken for a global option (-f)")
    if re.search(r"ledger at \S*elsewhere\.db", err) and "elsewhere.db" not in db:
        found.append("a value was taken for a global option (--db)")
    return found


def first_line(text: str) -> str:
    return text.splitlines()[0] if text.strip() else ""


def shell(argv: list[str], folder: Folder) -> str:
    """The command line as a shell would take it; a long run of one character is abbreviated."""

    def word(a: str) -> str:
        a = a.replace(str(folder.root), "$TMP")
        if len(a) > 80:
            return f"\"$(printf '{a[0]}%.0s' $(seq {len(a)}))\""
        return shlex.quote(a.encode("utf-8", "backslashreplace").decode())

    return " ".join(word(a) for a in argv)


# -- the test ---------------------------------------------------------------------------------

# The module's dates are the demo city's (its ledger: conftest's module_demo).
assert AS_OF == DEMO_AS_OF


def _files(folder: Folder, demo: Path) -> None:
    f = folder.files
    f.mkdir()
    folder.out.mkdir()
    head = "title,category,lead_unit,due\n"
    (f / "items.csv").write_text(head + "导入事项,meeting,fgw,2026-12-31\n")
    (f / "gbk.csv").write_bytes(("事项名称,类别,牵头单位,落实时限\n"
                                 "导入事项二,会议议定,平凉市教育局,2027-01-31\n").encode("gb18030"))
    (f / "units.csv").write_text("code,name,kind\ntjj,平凉市统计局,department\n")
    (f / "findings.csv").write_text("unit,description,mode,found_on\n"
                                    "fgw,导入问题,deadline,2026-11-01\n")
    (f / "bad-date.csv").write_text(head + "甲,meeting,fgw,2026-12-31\n乙,meeting,fgw,"
                                    "2026-13-45\n")
    (f / "binary.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    (f / "empty.csv").write_bytes(b"")
    (f / "notes.txt").write_text("not a ledger\n")
    (f / "exists.db").write_text("keep")
    r = CliRunner().invoke(app, ["--db", str(demo), "backup", str(f / "backup.db")])
    assert r.exit_code == 0, r.stderr
    dispose_all()


def _seed() -> int:
    text = os.environ.get("DUCHA_FUZZ_SEED", str(DEFAULT_SEED))
    return random.SystemRandom().randrange(10**9) if text == "random" else int(text)


def test_random_invocations(module_demo: Path, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    seed = _seed()
    runs = int(os.environ.get("DUCHA_FUZZ_RUNS", str(DEFAULT_RUNS)))
    # A relative path drawn as an argument (`backup １２`) lands in the test's folder.
    monkeypatch.chdir(tmp_path)
    # (conftest has CliRunner build the Click tree once.)
    runner = CliRunner()
    folder = Folder(tmp_path)
    _files(folder, module_demo)
    rng = random.Random(seed)
    grammar = Grammar(rng, folder)

    failures: dict[tuple, dict] = {}
    report = os.environ.get("DUCHA_FUZZ_REPORT")
    writes: list[str] = []  # the commands that changed the ledger since its last reset

    def record(run: int, argv: list[str], code: int, stderr: str, why: str) -> None:
        line = first_line(stderr)
        key = (why, code, re.sub(r"'[^']*'|\d+", "…", line)[:60])
        if key not in failures:
            failures[key] = {"run": run, "why": why, "code": code, "stderr": line[:300],
                             "argv": shell(argv, folder), "after": list(writes[-5:])}
            if report:  # written as found, so a long run stopped early still reports
                with open(report, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"seed": seed, **failures[key]}, ensure_ascii=False)
                             + "\n")

    rows = ("", "")
    for run in range(runs):
        if run % SEGMENT == 0:
            dispose_all()
            for p in [*tmp_path.glob("ledger.db*"), *folder.out.iterdir()]:
                shutil.rmtree(p) if p.is_dir() else p.unlink()
            shutil.copy(module_demo, folder.db)
            rows = ledger_state(folder.db)
            writes.clear()
        path, front, own, db = grammar.invocation()
        argv = [*front, *own]
        files = folder_state(folder.files, folder.out)
        r = runner.invoke(app, argv)
        dispose_all()
        after = ledger_state(folder.db)
        changed = after[0] != rows[0]
        for why in problems(path, argv, db, grammar.fmt, r, changed, after[1] != rows[1],
                            folder_state(folder.files, folder.out) != files):
            record(run, argv, r.exit_code, r.stderr, why)
        if changed:
            writes.append(shell(own, folder))
        rows = after
        if run % SEGMENT == SEGMENT - 1 or run == runs - 1:
            v = runner.invoke(app, ["--db", str(folder.db), "--as-of", AS_OF, "verify"])
            if v.exit_code != 0:
                record(run, ["verify"], v.exit_code, v.stderr, "verify fails after legal commands")
            dispose_all()

    if failures:
        lines = [f"{len(failures)} distinct failures in {runs} random invocations; replay with "
                 f"DUCHA_FUZZ_SEED={seed} DUCHA_FUZZ_RUNS={runs} ($TMP is the test's folder; "
                 f"the ledger is reset to the demo every {SEGMENT} runs)"]
        for fail in list(failures.values())[:40]:
            lines.append(f"- run {fail['run']}: {fail['why']}: exit {fail['code']}: "
                         f"{fail['stderr'][:160]!r}\n    duchá {fail['argv']}")
            if fail["after"] and fail["why"].startswith("verify"):
                lines.append("    after: " + " ; ".join(fail["after"]))
        pytest.fail("\n".join(lines), pytrace=False)
