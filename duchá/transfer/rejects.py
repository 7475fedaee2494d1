"""What an import says about its bad rows (issue 13): one stderr line per bad row, the first
20 and then "and N more"; an unknown unit once, with the rows that use it and the `unit add`
to run; and on request a file of the bad rows with a reason column, in the file's own
encoding (or as a workbook), to fix in Excel and import again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from duchá.errors import BadRows
from duchá.transfer.columns import REASON, SOURCE_LINE

if TYPE_CHECKING:
    from duchá.transfer.importer import Job

SHOWN = 20


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:8])
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


def at(noun: str, numbers: list[int]) -> str:
    """Where in the file: "line 5", "lines 5, 6 and 2 more"."""
    return f"{noun}{'s' if len(numbers) > 1 else ''} {_lines(numbers)}"


def entries(job: Job) -> list[str]:
    """The bad rows, one entry each, an unknown unit once for all the rows that name it."""
    out: list[str] = []
    grouped: set[tuple[int, str]] = set()
    for name, uses in job.unknown.items():
        lines = sorted({line for line, _ in uses})
        first, header = uses[0]
        message = _unknown_message(job, name, header)
        grouped.update((line, message) for line, _ in uses)
        also = f" (and {at(job.sheet.noun, lines[1:])})" if len(lines) > 1 else ""
        said = message.replace("; `duchá unit list` shows them", "")
        out.append(f"{job.at(first)}: {said}{also}; add it first (`duchá unit add CODE "
                   f"{name}`) or import with `--create-units`")
    for line in sorted(job.errors):
        rest = [m for m in job.errors[line] if (line, m) not in grouped]
        if rest:
            out.append(f"{job.at(line)}: " + "; ".join(rest))
    return out


def _unknown_message(job: Job, name: str, header: str) -> str:
    return next(m for line, h in job.unknown[name] for m in job.errors[line]
                if h == header and f"'{name}'" in m)


def refuse(job: Job, reject_file: Path | None) -> BadRows:
    """The error an import with bad rows ends with: the lines to show, and the reject file
    written first when one is asked for."""
    found = entries(job)
    bad = len(job.errors)
    noun = f"bad {job.sheet.noun}{'s' if bad != 1 else ''}"
    if reject_file is not None:
        write(job, reject_file)
        where = (f"; the {bad} {noun} are in {reject_file}, each with its reason: fix them "
                 "and import again")
    else:
        where = "; fix them and import again"
    if len(found) == 1:
        return BadRows([f"{job.sheet.label}: {bad} {noun}, nothing imported{where}: {found[0]}"],
                       written=reject_file is not None)
    more = len(found) - SHOWN
    tail = f"and {more} more; " if more > 0 else ""
    if reject_file is None:
        where += " (`--errors FILE` writes every bad row with its reason)"
    return BadRows([*found[:SHOWN], f"{job.sheet.label}: {tail}{bad} {noun}, nothing "
                    f"imported{where}"], written=reject_file is not None)


def write(job: Job, target: Path) -> None:
    """The bad rows as the file had them (merged cells filled in), after their line and the
    reason; as a workbook for .xlsx, else as text in the input's encoding and separator."""
    sheet = job.sheet
    cells = {line: row for line, row in sheet.rows}
    width = max([len(sheet.header), *(len(r) for r in cells.values())])
    header = [SOURCE_LINE, REASON, *sheet.header, *[""] * (width - len(sheet.header))]
    rows = [[str(line), "; ".join(job.errors[line]),
             *cells.get(line, []), *[""] * (width - len(cells.get(line, [])))]
            for line in sorted(job.errors)]
    import tempfile  # (only for a file of rejects: its import costs every import 5 ms)

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ducha-", suffix=target.suffix)
    os.close(fd)
    try:
        if target.suffix.lower() in (".xlsx", ".xlsm"):
            _xlsx(Path(tmp), header, rows)
        else:
            _text(Path(tmp), header, rows, job)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _text(path: Path, header: list[str], rows: list[list[str]], job: Job) -> None:
    import csv

    sheet = job.sheet
    encoding = "utf-8-sig" if sheet.workbook else sheet.encoding
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".txt") else sheet.delimiter
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def _xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = "错误行"
    ws.append(header)
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in row])
    for col in ws.iter_cols(min_row=2):
        for c in col:
            c.data_type = "s"  # text that starts with = stays text
    ws.freeze_panes = "C2"
    wb.save(path)
