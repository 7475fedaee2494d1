"""The bad-input matrix (issue 6): every command, given bad input, prints ONE line on stderr
starting "error:", exits with the right code, and leaves the ledger exactly as it was.

The cases of every issue live here, in one table: units and items (#2), plans, quotas,
inspections and check (#3), findings and their rectification (#4), reports, import and export
(#5), the trust commands and the global options (#6).  "{tmp}" in an argument is the test's
folder, "{db}" the ledger; the CSV files an import case names are written by `_files_for`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import UNITS, snapshot_db
from duchá.cli import app
from duchá.db import dispose_all

BAD, LEDGER = 2, 3

CASES: list[tuple[str, list[str], int, str]] = [
    # -- units
    ("unit-dup-code", ["unit", "add", "fgw", "重复单位"], BAD, "unit code 'fgw' already exists"),
    ("unit-dup-name", ["unit", "add", "edu", "平凉市教育局"], BAD, "already exists with code jyj"),
    ("unit-empty-code", ["unit", "add", " ", "新单位"], BAD, "empty unit code"),
    ("unit-space-code", ["unit", "add", "a b", "新单位"], BAD, "contains spaces"),
    ("unit-empty-name", ["unit", "add", "new", "  "], BAD, "empty unit name"),
    ("unit-kind", ["unit", "add", "new", "新单位", "--kind", "planet"], BAD, "planet"),
    ("unit-parent", ["unit", "add", "new", "新单位", "--parent", "nowhere"], BAD,
     "unknown unit 'nowhere'"),
    ("unit-ambiguous", ["unit", "show", "平凉市"], BAD, "is ambiguous"),
    ("unit-unknown", ["unit", "show", "财政"], BAD, "unknown unit '财政'"),
    ("unit-edit-nothing", ["unit", "edit", "fgw"], BAD, "nothing to change"),
    ("unit-edit-taken", ["unit", "edit", "fgw", "--code", "JYJ"], BAD, "already exists"),
    ("unit-own-parent", ["unit", "edit", "fgw", "--parent", "fgw"], BAD, "its own parent"),
    ("unit-list-kind", ["unit", "list", "--kind", "planet"], BAD, "planet"),
    ("unit-short-list", ["unit", "add", "new", "新单位", "--short", "住建局、发改委"], BAD,
     "contains a space or a list separator"),
    ("unit-short-taken", ["unit", "edit", "zjj", "--short", "jyj"], BAD,
     "short name 'jyj' already names jyj (平凉市教育局)"),
    ("unit-short-name", ["unit", "add", "new", "新单位", "--short", "平凉市教育局"], BAD,
     "already names jyj"),
    # -- items
    ("item-empty-title", ["item", "add", "  ", "-c", "policy", "--lead", "fgw", "--due", "+3d"],
     BAD, "empty title"),
    ("item-category", ["item", "add", "t", "-c", "nonsense", "--lead", "fgw", "--due", "+3d"],
     BAD, "unknown category 'nonsense'"),
    ("item-lead", ["item", "add", "t", "-c", "policy", "--lead", "nowhere", "--due", "+3d"],
     BAD, "unknown unit 'nowhere'"),
    ("item-unit", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "-u", "平凉市",
                   "--due", "+3d"], BAD, "ambiguous"),
    ("item-unreal-date", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                          "2026-02-30"], BAD, "'2026-02-30' is not a real date"),
    ("item-far-date", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due", "+99999m"],
     BAD, "'+99999m' is more than 50 years away; check the date"),
    ("item-far-workdays", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                           "+99999wd"], BAD, "'+99999wd' is more than 50 years away"),
    ("item-year-one", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due", "+3d",
                       "--assigned", "0001-01-01"], BAD,
     "0001-01-01 is more than 50 years from 2026-06-01; check the date"),
    ("item-due-before", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                         "2020-01-01"], BAD, "is before the assigned date"),
    ("item-escape-date", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                          "0\n\x1b[2J\x1b]0;x\x07"], BAD,
     "'0\\n\\x1b[2J\\x1b]0;x\\x07' is not a date"),
    ("item-missing-lead", ["item", "add", "t", "-c", "policy", "--due", "+3d"], BAD,
     "Missing option '--lead'"),
    ("item-no-such", ["item", "show", "DB-2026-0099"], BAD, "no item DB-2026-0099"),
    ("item-wrong-prefix", ["item", "show", "WT-2026-0001"], BAD, "is not an item number"),
    ("item-superscript", ["item", "show", "²"], BAD, "'²' is not an item number"),
    ("item-huge-number", ["item", "show", "9" * 40], BAD, "is not an item number"),
    ("item-edit-nothing", ["item", "edit", "1"], BAD, "nothing to change"),
    ("item-edit-due", ["item", "edit", "1", "--due", "2020-01-01"], BAD,
     "is before the assigned date"),
    ("item-progress-empty", ["item", "progress", "1", " "], BAD, "empty progress note"),
    ("item-progress-percent", ["item", "progress", "1", "x", "--percent", "101"], BAD,
     "--percent must be between 0 and 100"),
    ("item-progress-early", ["item", "progress", "1", "x", "--on", "2020-01-01"], BAD,
     "before the item was assigned"),
    ("item-progress-done", ["item", "progress", "2", "x"], BAD, "is done"),
    ("item-close-done", ["item", "close", "2"], BAD, "already done"),
    ("item-reopen-open", ["item", "reopen", "1"], BAD, "already open"),
    ("item-cancel-reason", ["item", "cancel", "1", "--reason", " "], BAD, "empty --reason"),
    ("item-list-status", ["item", "list", "--status", "weird"], BAD, "weird"),
    ("item-list-date", ["item", "list", "--due-before", "someday"], BAD,
     "'someday' is not a date"),
    # -- settings
    ("config-unknown", ["config", "get", "nope"], BAD, "unknown setting 'nope'"),
    ("config-not-number", ["config", "set", "multi_headed.days", "abc"], BAD,
     "takes a whole number"),
    ("config-range", ["config", "set", "multi_headed.days", "0"], BAD, "must be between 1"),
    ("config-nan", ["config", "set", "repeat_inspection.similarity", "nan"], BAD,
     "must be between"),
    ("config-missing", ["config", "set", "multi_headed.days"], BAD, "Missing argument"),
    ("calendar-date", ["config", "calendar", "holiday", "someday"], BAD,
     "'someday' is not a date"),
    ("calendar-to", ["config", "calendar", "holiday", "2026-10-10", "--to", "2026-10-01"], BAD,
     "--to 2026-10-01 is before 2026-10-10"),
    ("calendar-span", ["config", "calendar", "workday", "2026-01-01", "--to", "2028-01-01"],
     BAD, "more than a year"),
    ("calendar-clear", ["config", "calendar", "clear", "2026-10-10"], BAD,
     "no local calendar day on 2026-10-10"),
    ("calendar-year", ["config", "calendar", "list", "--year", "next"], BAD,
     "Invalid value for '--year'"),
    # -- plans and quotas
    ("plan-kind", ["plan", "add", "x", "--year", "2026", "--organizer", "fgw", "--kind", "bogus"],
     BAD, "unknown plan kind 'bogus'; use one of: comprehensive (综合性督查考核)"),
    ("plan-method", ["plan", "add", "x", "--year", "2026", "--organizer", "fgw", "--kind",
                     "special", "--method", "telepathy"], BAD, "unknown method 'telepathy'"),
    ("plan-window", ["plan", "add", "x", "--year", "2026", "--organizer", "fgw", "--kind",
                     "special", "--from", "2026-05-10", "--to", "2026-05-01"], BAD,
     "window end 2026-05-01 is before its start 2026-05-10"),
    ("plan-window-year", ["plan", "add", "x", "--year", "2026", "--organizer", "fgw", "--kind",
                          "special", "--from", "2025-05"], BAD, "is outside plan year 2026"),
    ("plan-year", ["plan", "add", "x", "--year", "1800", "--organizer", "fgw", "--kind",
                   "special"], BAD, "--year: year 1800 is more than 50 years from"),
    ("plan-organizer", ["plan", "add", "x", "--year", "2026", "--organizer", "nowhere", "--kind",
                        "special"], BAD, "unknown unit 'nowhere'"),
    ("plan-missing-kind", ["plan", "add", "x", "--year", "2026", "--organizer", "fgw"], BAD,
     "Missing option '--kind'"),
    ("quota-over-100", ["plan", "quota", "set", "2026", "--reduction", "150%"], BAD,
     "--reduction must be between 0% and 100%, not 150%"),
    ("quota-negative", ["plan", "quota", "set", "2026", "--reduction", "-10%"], BAD,
     "between 0% and 100%"),
    ("quota-max", ["plan", "quota", "set", "2026", "--max", "-1"], BAD,
     "--max must be between 0 and 100000, not -1"),
    ("quota-max-huge", ["plan", "quota", "set", "2026", "--max", "9" * 30], BAD,
     f"--max must be between 0 and 100000, not {'9' * 30}"),
    ("quota-baseline-huge", ["plan", "quota", "set", "2026", "--reduction", "5%", "--baseline",
                             "9" * 30], BAD, "--baseline must be between 0 and 100000"),
    ("quota-nothing", ["plan", "quota", "set", "2026"], BAD,
     "give either --max N or --reduction PERCENT"),
    ("quota-no-baseline", ["plan", "quota", "set", "2028", "--reduction", "50%"], BAD,
     "2027 has no plan entries in the ledger to reduce from; give --baseline N"),
    ("plan-approve-planned", ["plan", "approve", "JH-2026-001", "--by", "张市长", "--on",
                              "2026-05-06", "--ref", "x"], BAD,
     "only unplanned entries need `plan approve`"),
    ("plan-cancel-reason", ["plan", "cancel", "JH-2026-001", "--reason", " "], BAD,
     "empty --reason"),
    ("plan-unknown", ["plan", "show", "JH-2026-009"], BAD, "no plan JH-2026-009"),
    ("plan-list-year", ["plan", "list", "--year", "abc"], BAD, "Invalid value for '--year'"),
    # -- inspections
    ("inspect-method", ["inspect", "add", "x", "--lead", "fgw", "--method", "telepathy", "-t",
                        "kongtong", "--from", "2026-04-01"], BAD, "unknown method 'telepathy'"),
    ("inspect-no-target", ["inspect", "add", "x", "--lead", "fgw", "--method", "on-site",
                           "--from", "2026-04-01"], BAD, "at least one --target unit"),
    ("inspect-end", ["inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t",
                     "kongtong", "--from", "2026-04-10", "--to", "2026-04-01"], BAD,
     "end 2026-04-01 is before the start 2026-04-10"),
    ("inspect-plan-year", ["inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t",
                           "kongtong", "--from", "2026-04-10", "--plan", "JH-2025-001"], BAD,
     "plan entry JH-2025-001 is for 2025, but the inspection starts in 2026"),
    ("inspect-target", ["inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t",
                        "nowhere", "--from", "2026-04-10"], BAD, "unknown unit 'nowhere'"),
    ("inspect-half-approval", ["inspect", "add", "x", "--lead", "fgw", "--method", "on-site",
                               "-t", "kongtong", "--from", "2026-04-10", "--approved-by",
                               "张市长"], BAD, "needs both --approved-by and --approved-on"),
    ("inspect-from", ["inspect", "add", "x", "--lead", "fgw", "--method", "on-site", "-t",
                      "kongtong", "--from", "spring"], BAD, "'spring' is not a date"),
    ("inspect-report-early", ["inspect", "report", "DC-2026-002", "--summary", "s",
                              "--approved-by", "张", "--approved-on", "2026-07-03"], BAD,
     "report it once it has started"),
    ("inspect-report-before", ["inspect", "report", "DC-2026-001", "--summary", "s",
                               "--approved-by", "张", "--approved-on", "2026-03-01"], BAD,
     "before the inspection started (2026-03-02)"),
    ("inspect-finish-before", ["inspect", "finish", "DC-2026-001", "--on", "2026-03-01"], BAD,
     "finish date 2026-03-01 is before the inspection started"),
    ("inspect-unknown", ["inspect", "show", "DC-2026-009"], BAD, "no inspection DC-2026-009"),
    # -- check
    ("check-rule", ["check", "--rule", "nonsense"], BAD,
     "unknown rule 'nonsense'; use one of: plan-quota,"),
    # -- findings and rectification
    ("finding-verify-open", ["finding", "verify", "1", "--by", "王"], BAD,
     "error: finding WT-2026-0001 is open; it cannot be verified; next: "
     "`duchá finding plan WT-2026-0001 TEXT` (→ rectifying), "
     "`duchá finding rectify WT-2026-0001 --evidence TEXT` (→ rectified), "
     "`duchá finding extend WT-2026-0001 --to DATE --reason TEXT`"),
    ("finding-rectify-verified", ["finding", "rectify", "2", "--evidence", "again"], BAD,
     "error: finding WT-2026-0002 is verified; it cannot be reported rectified; next: "
     "`duchá finding reopen WT-2026-0002 --reason TEXT` (→ reopened), "
     "`duchá finding lookback WT-2026-0002 --result ok|rebound`"),
    ("finding-reopen-open", ["finding", "reopen", "1", "--reason", "x"], BAD,
     "finding WT-2026-0001 is open; it cannot be reopened"),
    ("finding-extend-late", ["finding", "extend", "1", "--to", "2026-07-20", "--reason", "x",
                             "--on", "2026-07-02"], BAD,
     "error: finding WT-2026-0001 fell due on 2026-07-01; an extension must be asked before "
     "the due date, not on 2026-07-02"),
    ("finding-extend-earlier", ["finding", "extend", "1", "--to", "2026-06-20", "--reason",
                                "x"], BAD,
     "error: --to 2026-06-20 is not after the current due date 2026-07-01; an extension asks "
     "for a later date"),
    ("finding-extend-nothing", ["finding", "extend", "1", "--approve", "--by", "张"], BAD,
     "has no extension awaiting a decision; request one with "
     "`duchá finding extend WT-2026-0001 --to DATE --reason TEXT`"),
    ("finding-long-term", ["finding", "add", "x", "-u", "jyj", "--mode", "long-term"], BAD,
     "error: --due: a long-term (长期整改) finding needs a due date: the date by which the "
     "rectification must be complete, e.g. 2027-06-30 or +6m"),
    ("finding-mode", ["finding", "add", "x", "-u", "jyj", "--mode", "someday"], BAD,
     "unknown rectification mode 'someday'; use one of: immediate (立行立改), "
     "deadline (限期整改), long-term (长期整改)"),
    ("finding-severity", ["finding", "add", "x", "-u", "jyj", "--mode", "immediate",
                          "--severity", "huge"], BAD, "unknown severity 'huge'"),
    ("finding-unit", ["finding", "add", "x", "-u", "nowhere", "--mode", "immediate"], BAD,
     "unknown unit 'nowhere'"),
    ("finding-inspection", ["finding", "add", "x", "-u", "jyj", "--mode", "immediate",
                            "--inspection", "DC-2026-009"], BAD, "no inspection DC-2026-009"),
    ("finding-step-early", ["finding", "plan", "1", "方案", "--on", "2026-04-30"], BAD,
     "error: 2026-04-30 is before finding WT-2026-0001's last step (add on 2026-05-01); "
     "give --on 2026-05-01 or later"),
    ("finding-lookback-result", ["finding", "lookback", "2", "--result", "meh"], BAD,
     "unknown look-back result 'meh'; use ok or rebound"),
    ("finding-lookback-early", ["finding", "lookback", "2", "--result", "ok", "--on",
                                "2026-05-09"], BAD, "before finding WT-2026-0002's last step"),
    ("finding-light", ["finding", "list", "--light", "purple"], BAD, "unknown light 'purple'"),
    ("finding-unknown", ["finding", "show", "9"], BAD,
     "error: no finding 9; `duchá finding list` shows the numbers"),
    # -- reports
    ("report-week", ["report", "weekly", "--week", "2026-W60"], BAD, "2026 has no ISO week 60"),
    ("report-week-word", ["report", "weekly", "--week", "soon"], BAD, "'soon' is not a week"),
    ("report-kind", ["report", "overdue", "--kind", "x"], BAD,
     "--kind takes item or finding, not 'x'"),
    ("report-fail-on", ["report", "overdue", "--fail-on", "purple"], BAD,
     "--fail-on takes red or yellow, not 'purple'"),
    ("report-inspection", ["report", "inspection", "DC-2026-009"], BAD,
     "no inspection DC-2026-009"),
    ("report-unknown", ["report", "nonsense"], BAD, "No such command 'nonsense'"),
    ("report-docx-missing", ["report", "inspection", "DC-2026-009", "-f", "docx", "-o",
                             "{tmp}/报告.docx"], BAD, "no inspection DC-2026-009"),
    ("report-docx-folder", ["report", "units", "-f", "docx", "-o", "{tmp}/no/such/通报.docx"],
     BAD, "does not exist"),
    ("report-doc-no", ["report", "units", "--doc-no", "平督〔2026〕1号"], BAD,
     "--doc-no is for .docx documents: add -o NAME.docx"),
    # -- import
    ("import-table", ["import", "people", "{tmp}/items.csv"], BAD,
     "unknown table 'people'; use units, items, plans, inspections, findings, quotas, "
     "progress, extensions, accountability, settings or calendar"),
    ("import-no-file", ["import", "items", "{tmp}/nope.csv"], BAD, "no file"),
    ("import-empty", ["import", "items", "{tmp}/empty.csv"], BAD, "is empty"),
    ("import-blank", ["import", "items", "{tmp}/blank.csv"], BAD, "is empty"),
    ("import-header-only", ["import", "items", "{tmp}/header.csv"], BAD,
     "has a header but no rows"),
    ("import-unread-columns", ["import", "units", "{tmp}/unread.csv"], BAD,
     "has no row with a value under the columns it imports (单位代码, 单位名称); nothing to "
     "import"),
    ("import-bad-date", ["import", "items", "{tmp}/bad-date.csv"], BAD,
     "1 bad line, nothing imported; fix them and import again: line 3: due: '2026-13-45' is "
     "not a real date"),
    ("import-missing-column", ["import", "items", "{tmp}/no-lead.csv"], BAD,
     "missing required column lead_unit (牵头单位 / 主办单位 / 牵头部门)"),
    ("import-binary", ["import", "items", "{tmp}/binary.csv"], BAD,
     "is not a CSV text file (binary data on line"),
    ("import-mixed", ["import", "items", "{tmp}/mixed.csv"], BAD,
     "mixed encodings: line 2 is UTF-8 but line 3 is not"),
    ("import-folder", ["import", "items", "{tmp}"], BAD, "is a folder; give a CSV file"),
    # -- export
    ("export-table", ["export", "people"], BAD, "unknown table 'people'"),
    ("export-xlsx-stdout", ["export", "-f", "xlsx"], BAD, "xlsx is a file, not text"),
    ("export-format", ["export", "items", "-f", "pdf", "-o", "{tmp}/exists.db"], BAD,
     "unknown format 'pdf'; use table, csv, tsv, json, jsonl, a text format"),
    ("export-text-format", ["export", "items", "-f", "plain"], BAD,
     "export writes csv, tsv, json, jsonl, xlsx, docx, markdown, html, not 'plain'"),
    ("output-contradicts", ["item", "list", "-f", "csv", "-o", "{tmp}/items.xlsx"], BAD,
     "-f csv contradicts -o items.xlsx, whose extension says xlsx; drop -f"),
    ("output-file-format-stdout", ["report", "overdue", "-f", "docx"], BAD,
     "docx is a file, not text: give it a name, e.g. -o report.docx"),
    ("excel-not-csv", ["item", "list", "--excel", "-f", "json"], BAD,
     "--excel shapes CSV and TSV for a spreadsheet; -f json does not take it"),
    ("export-csv-all", ["export", "-f", "csv", "-o", "{tmp}/exists.db"], BAD,
     "csv holds one table; name it"),
    ("export-folder", ["export", "items", "-o", "{tmp}/no/such/a.csv"], BAD,
     "folder {tmp}/no/such does not exist"),
    # -- the ledger itself and the global options
    ("init-existing", ["init"], LEDGER, "already exists; it was not changed"),
    ("as-of", ["item", "list", "--as-of", "soon"], BAD, "--as-of: 'soon' is not a date"),
    ("format", ["item", "list", "-f", "weird"], BAD, "unknown format 'weird'"),
    ("encoding", ["item", "list", "--encoding", "latin1"], BAD, "unknown encoding 'latin1'"),
    ("lang", ["item", "list", "--lang", "fr"], BAD, "unknown language 'fr' for --lang"),
    ("export-headers-lang", ["export", "items", "--headers", "zh", "--lang", "en"], BAD,
     "--headers zh contradicts --lang en"),
    ("output-folder", ["item", "list", "-o", "{tmp}/no/such/x.csv"], BAD, "does not exist"),
    ("no-command", ["frobnicate"], BAD, "No such command 'frobnicate'"),
    ("no-ledger", ["--db", "{tmp}/missing.db", "item", "list"], LEDGER, "no ledger at"),
    ("not-a-ledger", ["--db", "{tmp}/notes.txt", "verify"], LEDGER, "is not a duchá ledger"),
    ("ledger-is-dir", ["--db", "{tmp}", "unit", "list"], LEDGER, "is a directory"),
    # -- a command whose output cannot be written changes nothing (issue 10, point 4)
    ("output-add-no-folder", ["item", "add", "t", "-c", "policy", "--lead", "fgw", "--due",
                              "+3d", "-o", "{tmp}/nonexist/o.csv"], BAD,
     "folder {tmp}/nonexist does not exist"),
    ("output-close-dir", ["item", "close", "1", "-o", "{tmp}"], BAD,
     "is a directory; give a file name to -o"),
    ("output-import-dir", ["import", "items", "{tmp}/items.csv", "-o", "{tmp}"], BAD,
     "is a directory; give a file name to -o"),
    ("output-gbk-emoji", ["finding", "add", "问题😀", "-u", "jyj", "--mode", "immediate",
                          "--encoding", "gbk"], BAD,
     "gbk cannot hold the character U+1F600 in WT-2026-0003, field description; use "
     "--encoding gb18030 or utf-8-sig"),
    ("output-gbk-rlm", ["item", "add", "供热\u200f改造", "-c", "policy", "--lead", "fgw",
                        "--due", "+3d", "--encoding", "gbk", "-o", "{tmp}/o.csv"], BAD,
     "gbk cannot hold the character U+200F in DB-2026-0003, field title"),
    ("output-gbk-bom", ["item", "progress", "1", "\ufeff进展", "--encoding", "gbk"], BAD,
     "gbk cannot hold the character U+FEFF"),
    # -- exit 2 or 3, never "unexpected error" (issue 10, point 5)
    ("argv-gbk-title", ["item", "add", "\udccd\udcc6\udcbd\udcf8", "-c", "policy", "--lead",
                        "fgw", "--due", "+3d"], BAD, "(\\xcdƽ\\xf8) is not UTF-8 text"),
    ("argv-gbk-actor", ["--actor", "\udcd5\udcc5", "item", "close", "1"], BAD,
     "is not UTF-8 text; set the terminal to UTF-8"),
    ("argv-gbk-search", ["item", "list", "--search", "\udcb9\udca9"], BAD,
     "is not UTF-8 text"),
    ("as-of-far-check", ["--as-of", "9999-12-31", "check"], BAD,
     "--as-of: 9999-12-31 is more than 50 years from"),
    ("as-of-far-status", ["--as-of", "9999-12-31", "report", "status"], BAD,
     "more than 50 years"),
    ("as-of-far-overdue", ["--as-of", "9999-12-31", "report", "overdue"], BAD,
     "more than 50 years"),
    ("as-of-far-weekly", ["--as-of", "9999-12-31", "report", "weekly"], BAD,
     "more than 50 years"),
    ("as-of-far-findings", ["--as-of", "9999-12-31", "finding", "list"], BAD,
     "more than 50 years"),
    ("finding-far-on", ["finding", "add", "x", "-u", "jyj", "--mode", "immediate", "--on",
                        "9999-12-31"], BAD, "9999-12-31 is more than 50 years from 2026-06-01"),
    ("quota-huge-year", ["plan", "quota", "show", "9223372036854775808"], BAD,
     "year 9223372036854775808 is more than 50 years from"),
    ("report-units-year", ["report", "units", "--year", "-5"], BAD, "year -5 is more than"),
    # -- a damaged ledger is called damaged, with the way back (issue 10, point 6)
    ("ledger-truncated", ["--db", "{tmp}/ledger-cut.db", "item", "list"], LEDGER,
     "ledger-cut.db is damaged (database disk image is malformed): restore it from a backup "
     "with `duchá restore BACKUP`; the newest copy beside it is {tmp}/ledger-cut-backup.db"),
    ("verify-truncated", ["--db", "{tmp}/ledger-cut.db", "verify"], LEDGER, "is damaged"),
    # -- verify, log, backup, restore
    ("verify-missing", ["--db", "{tmp}/missing.db", "verify"], LEDGER, "no ledger at"),
    ("verify-extra", ["verify", "now"], BAD, "unexpected extra argument"),
    ("log-unknown", ["log", "DB-2026-0099"], BAD, "no history for 'DB-2026-0099'"),
    ("log-empty", ["log", " "], BAD, "empty subject"),
    ("log-since", ["log", "--since", "last tuesday"], BAD, "'last tuesday' is not a date"),
    ("backup-exists", ["backup", "{tmp}/exists.db"], BAD, "already exists; pass --force"),
    ("backup-folder", ["backup", "{tmp}/no/such/x.db"], BAD, "does not exist"),
    ("backup-itself", ["backup", "{db}", "--force"], BAD, "is the ledger itself"),
    ("backup-missing-ledger", ["--db", "{tmp}/missing.db", "backup", "{tmp}/b.db"], LEDGER,
     "no ledger at"),
    ("restore-missing", ["restore", "{tmp}/nothing.db"], BAD, "no backup file at"),
    ("restore-not-ledger", ["restore", "{tmp}/notes.txt"], BAD, "is not a duchá ledger backup"),
    ("restore-itself", ["restore", "{db}"], BAD, "is the ledger itself"),
    # -- the weekly cycle: forms and reminders (#14)
    ("form-out-no-folder", ["form", "out"], BAD, "give the folder to write the files in"),
    ("form-out-a-file", ["form", "out", "-o", "{tmp}/notes.txt"], BAD, "is a file"),
    ("form-out-no-parent", ["form", "out", "-o", "{tmp}/no/such"], BAD,
     "folder {tmp}/no does not exist"),
    ("form-out-due-before", ["form", "out", "--due", "2026-05-01", "-o", "{tmp}/forms"], BAD,
     "--due 2026-05-01 is before the day the forms go out (2026-06-01)"),
    ("form-out-unit", ["form", "out", "-u", "nowhere", "-o", "{tmp}/forms"], BAD,
     "unknown unit 'nowhere'"),
    ("form-in-missing", ["form", "in", "{tmp}/nothing.xlsx"], BAD, "no file {tmp}/nothing.xlsx"),
    ("form-in-not-a-form", ["form", "in", "{tmp}/items.csv"], BAD, "is not a feedback form"),
    ("form-in-binary", ["form", "in", "{tmp}/binary.csv"], BAD,
     "binary.csv is not a CSV text file (binary data on line"),
    ("form-in-empty", ["form", "in", "{tmp}/empty.csv"], BAD, "empty.csv is empty"),
    ("form-in-blank", ["form", "in", "{tmp}/header.csv"], BAD, "is not a feedback form"),
    ("form-status-none", ["form", "status"], BAD, "no round of feedback forms yet"),
    ("form-status-unknown", ["form", "status", "FK-2026-009"], BAD, "no round FK-2026-009"),
    ("remind-no-folder", ["remind"], BAD, "give the folder to write the files in"),
    ("remind-unit", ["remind", "-u", "nowhere", "-o", "{tmp}/notices"], BAD,
     "unknown unit 'nowhere'"),
    ("remind-nothing", ["remind", "-u", "kongtong", "-o", "{tmp}/notices"], BAD,
     "nothing to remind as of 2026-06-01"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    build_template(str(path))
    dispose_all()  # checkpoints the WAL: the file alone is the ledger
    return path


def build_template(db: str) -> None:
    """One ledger built once, as of 2026-06-01: five units; item 1 open, item 2 done; plan
    entries JH-2025-001 and JH-2026-001; inspection DC-2026-001 under way since 2026-03-02 and
    DC-2026-002 starting 2026-07-02; finding WT-2026-0001 open (due 2026-07-01) and
    WT-2026-0002 verified on 2026-05-10.  `db` is a path or a URL (test_postgres.py)."""
    run = CliRunner()

    def ok(*args: str) -> None:
        r = run.invoke(app, ["--db", db, "--as-of", "2026-06-01", "-f", "csv", *args])
        assert r.exit_code == 0, r.stderr

    ok("init")
    for code, name, kind in UNITS:
        ok("unit", "add", code, name, "--kind", kind)
    ok("item", "add", "推进城区供热管网改造", "-c", "meeting", "--lead", "zjj", "-u", "fgw",
       "--due", "+30d")
    ok("item", "add", "市长关于冬季取暖保障的批示", "-c", "批示", "--lead", "jyj", "--due", "+5wd")
    ok("item", "close", "2")
    ok("plan", "add", "旧计划", "--year", "2025", "--organizer", "fgw", "--kind", "special")
    ok("plan", "add", "营商环境专项督查", "--year", "2026", "--organizer", "fgw", "--kind",
       "special", "-t", "kongtong", "--from", "2026-03")
    ok("inspect", "add", "营商环境", "--lead", "fgw", "--method", "on-site", "-t", "kongtong",
       "--from", "2026-03-02", "--plan", "JH-2026-001")
    ok("inspect", "add", "安全生产", "--lead", "fgw", "--method", "on-site", "-t", "kongtong",
       "--from", "2026-07-02", "--approved-by", "张", "--approved-on", "2026-05-20")
    for text, unit in (("open one", "kongtong"), ("done one", "fgw")):
        ok("finding", "add", text, "-u", unit, "--mode", "deadline", "--on", "2026-05-01",
           "--due", "2026-07-01")
    ok("finding", "rectify", "2", "--evidence", "e", "--on", "2026-05-05")
    ok("finding", "verify", "2", "--by", "王", "--on", "2026-05-10")


ITEMS_HEAD = "title,category,lead_unit,due\n"


def _files_for(folder: Path, template: Path | None = None) -> None:
    """The files the cases name: things that must survive, CSV files to import, and (from a
    ledger file) a ledger cut short beside a backup of it."""
    if template is not None:
        whole = template.read_bytes()
        (folder / "ledger-cut-backup.db").write_bytes(whole)
        (folder / "ledger-cut.db").write_bytes(whole[:len(whole) // 3])
    (folder / "exists.db").write_text("keep")
    (folder / "notes.txt").write_text("not a ledger\n")
    (folder / "items.csv").write_text(ITEMS_HEAD + "甲,meeting,fgw,2026-12-31\n")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "blank.csv").write_bytes(b"\n\n  \n")
    (folder / "header.csv").write_text("事项名称,类别,牵头单位,落实时限\n")
    # (something said only beside the columns: a 备注 the units table does not import)
    (folder / "unread.csv").write_text("备注,单位代码,单位名称\n已核对,,\n")
    (folder / "bad-date.csv").write_text(ITEMS_HEAD + "甲,meeting,fgw,2026-12-31\n"
                                         "乙,meeting,fgw,2026-13-45\n")
    (folder / "no-lead.csv").write_text("title,category,due\n甲,meeting,2026-12-31\n")
    (folder / "binary.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    (folder / "mixed.csv").write_bytes(ITEMS_HEAD.encode() + "供热,meeting,fgw,2026-12-31\n"
                                       .encode() + "管网,meeting,fgw,2026-12-31\n"
                                       .encode("gb18030"))


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()
            if not p.name.endswith(("-wal", "-shm")) and p.name != "xdg"}


@pytest.mark.parametrize(("args", "code", "says"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input(template: Path, tmp_path: Path, args: list[str], code: int,
                   says: str) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(template, db)
    _files_for(tmp_path, template)
    before, files = snapshot_db(db), _files(tmp_path)
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{db}", str(db)) for a in args]
    r = CliRunner().invoke(app, ["--db", str(db), "--as-of", "2026-06-01", "-f", "csv", *argv])
    assert r.exit_code == code, (r.exit_code, r.stderr)
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, repr(r.stderr)
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert says.replace("{tmp}", str(tmp_path)) in r.stderr, r.stderr
    assert r.stdout == "", r.stdout
    assert "Traceback" not in r.stdout + r.stderr
    assert snapshot_db(db) == before
    assert _files(tmp_path) == files
    assert (tmp_path / "exists.db").read_text() == "keep"
