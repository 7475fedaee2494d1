"""The global options of one invocation and the plumbing every command shares.

A command parses its arguments, opens `state.ledger()`, calls one service, and hands the rows
to `state.emit`.  Nothing here knows about any table.
"""

from __future__ import annotations

import getpass
import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from duchá.errors import BadInput

if TYPE_CHECKING:
    from duchá.db import Location
    from duchá.output import Col, Lang
    from duchá.services.ledger import Ledger

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16")
LANGS = ("zh", "en")


@dataclass
class State:
    db: str | None = None
    as_of_text: str | None = None
    fmt_text: str | None = None
    output: Path | None = None
    encoding: str | None = None
    actor_text: str | None = None
    debug: bool = False
    lang_text: str | None = None  # --lang: zh or en; None decides by format and locale
    excel: bool = False  # CSV/TSV for a spreadsheet: a BOM, and formulas guarded
    # The format when neither -f nor -o says (a command's own: Markdown for the mailed
    # reports, CSV for export); else table on a terminal, CSV in a pipe.
    default_fmt: str | None = None
    private: bool = False  # the -o file is readable only by its owner (whole-ledger export)
    notes: list[str] = field(default_factory=list)
    # unit code -> the name Chinese output shows (read with the command's rows when it is zh)
    unit_names: dict[str, str] = field(default_factory=dict)
    _pending: tuple[ExitStack, Ledger] | None = field(default=None, repr=False)

    # The invocation being run, so that the root group can settle its transaction once the
    # command has returned (Typer gives the group no other handle on it).
    current: ClassVar[State | None] = None

    def __post_init__(self) -> None:
        State.current = self

    @cached_property
    def as_of(self) -> date:
        from duchá.dates import parse_date

        if not self.as_of_text:
            return date.today()
        try:
            return parse_date(self.as_of_text, today=date.today())
        except BadInput as exc:
            raise BadInput(f"--as-of: {exc.message}") from None

    @cached_property
    def fmt(self) -> str:
        """-f, else the -o file's extension, else the command's default (output.py says what
        agrees with what)."""
        from duchá.output import resolve_format

        default = self.default_fmt or ("table" if sys.stdout.isatty() else "csv")
        return resolve_format(self.fmt_text, self.output, default=default, excel=self.excel)

    def zh_for(self, fmt: str, *, document: bool = False) -> bool:
        """Whether output in `fmt` is Chinese: --lang, else Chinese for documents (the mailed
        Markdown reports), and for every other format a person reads (all but csv, tsv, json
        and jsonl: table, markdown, xlsx, docx...) in a Chinese locale."""
        if self.lang_text is not None:
            return self.lang_text == "zh"
        if document:  # a document written in Chinese (the mailed Markdown reports)
            return True
        from duchá.output import MACHINE_FORMATS, chinese_locale

        return fmt not in MACHINE_FORMATS and chinese_locale()

    def pin_lang(self, fmt: str, *, document: bool = False) -> bool:
        """Settle the language for a command that writes `fmt` itself (export's xlsx, a
        document) before the ledger opens, so that the unit names are read with its rows."""
        zh = self.zh_for(fmt, document=document)
        self.lang_text = "zh" if zh else "en"
        return zh

    @property
    def zh(self) -> bool:
        return self.zh_for(self.fmt)

    @property
    def lang(self) -> Lang:
        """The language the command's output speaks (output.Lang)."""
        from duchá.output import EN, Lang

        return Lang(zh=True, units=self.unit_names) if self.zh else EN

    @property
    def actor(self) -> str:
        if self.actor_text:
            return self.actor_text
        try:
            return getpass.getuser()
        except Exception:  # no user name in some containers
            return "unknown"

    @property
    def color(self) -> bool:
        return self.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ

    @property
    def location(self) -> Location:
        from duchá.db import locate

        return locate(self.db)

    @contextmanager
    def ledger(self, *, write: bool = True, load: bool = False) -> Iterator[Ledger]:
        """Open the ledger and run the body as one transaction (`load`: one that adds many
        rows, as db.file_scope takes it).

        A write transaction is not committed when the body ends but when the command's
        output has been rendered and encoded (`_deliver`), or when the command returns
        (`finish`): a command whose output cannot be written fails whole and changes nothing.
        """

        as_of = self.as_of
        _ = self.fmt  # a bad --format or -o path fails before anything is done
        self.check_target()
        self.settle()  # a second scope in one command sees what the first one wrote
        scope = ExitStack()
        lg = scope.enter_context(self._scope(write, as_of, load))
        try:
            yield lg
            if self.zh:  # Chinese output names units by their short names
                from duchá.services import units

                self.unit_names = units.shown_names(lg)
        except BaseException:
            scope.__exit__(*sys.exc_info())
            raise
        if write:
            self._pending = (scope, lg)
        else:
            self._close(scope, lg)

    @contextmanager
    def _scope(self, write: bool, as_of: date, load: bool) -> Iterator[Ledger]:
        """The transaction: on a ledger file the driver's connection, with a session made on
        it when a service needs one (db.file_scope); on a server an engine's session."""
        from duchá.services.ledger import Ledger

        loc = self.location
        if loc.path is not None:
            from duchá.db import file_scope
            from duchá.storage.sql import SqliteSql

            with file_scope(loc, write=write, notify=self.info, load=load) as (conn,
                                                                        open_session):
                yield Ledger(actor=self.actor, today=as_of, sql=SqliteSql(conn),
                             open_session=open_session)
            return
        from duchá.db import open_ledger, session_scope

        engine = open_ledger(loc, notify=self.info)
        with session_scope(engine, write=write) as session:
            yield Ledger(session=session, actor=self.actor, today=as_of)

    def _close(self, scope: ExitStack, lg: Ledger) -> None:
        scope.close()  # commits
        for message in lg.warnings:
            self.warn(message)
        if lg._calendar is not None and lg._calendar.fallback_years:
            years = ", ".join(str(y) for y in sorted(lg._calendar.fallback_years))
            self.warn(f"the statutory calendar does not cover {years}; working days there "
                      "count Monday to Friday (record holidays with `duchá config calendar "
                      "holiday`)")

    def settle(self) -> None:
        """Commit the write transaction the command left open, if any."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self._close(*pending)

    def abort(self) -> None:
        """Roll back the write transaction the command left open (the command failed)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            scope, _ = pending
            try:
                scope.__exit__(_Aborted, _Aborted(), None)
            except _Aborted:
                pass

    def finish(self, exit_code: int) -> None:
        """The command returned: keep its changes unless it failed (exit 2 or 3)."""
        if exit_code in (0, 1):
            self.settle()
        else:
            self.abort()

    def warn(self, message: str) -> None:
        sys.stderr.write(f"warning: {message}\n")

    def info(self, message: str) -> None:
        sys.stderr.write(f"{message}\n")

    def check_target(self) -> None:
        """Refuse an -o path that cannot be written before any work is done."""
        target = self.output
        if target is None:
            return
        if not target.parent.exists():
            raise BadInput(f"folder {target.parent} does not exist; create it or choose "
                           "another -o path")
        if target.is_dir():
            raise BadInput(f"{target} is a directory; give a file name to -o")
        if not os.access(target.parent, os.W_OK):
            raise BadInput(f"folder {target.parent} is not writable; choose another -o path")

    @contextmanager
    def _out(self, rows: Sequence[dict[str, Any]] = ()) -> Iterator[TextIO]:
        """A stream to render into.  What is written there reaches stdout or the -o file only
        once all of it is rendered and encoded, and after the command's changes commit."""
        self.check_target()
        real = sys.stdout if self.output is None else None
        buffer = _Staged(tty=real is not None and real.isatty())
        yield buffer
        self._deliver(buffer.getvalue(), rows)

    def _deliver(self, text: str, rows: Sequence[dict[str, Any]]) -> None:
        chosen = self.encoding or ("utf-8-sig" if self.excel else None)
        encoding = chosen or "utf-8"
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError as exc:
            raise BadInput(_unencodable(text, exc, encoding, rows)) from None
        if self.output is None and chosen is None:
            self.settle()
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        self.send_bytes(data)

    def send_bytes(self, data: bytes) -> None:
        """Finished output (text encoded, or a whole xlsx or docx) to stdout or the -o file
        (atomically, with a shell redirect's permissions unless private); the command's
        changes commit just before it appears."""
        if self.output is None:
            self.settle()
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        from duchá.storage import outfile

        outfile.write(self.output, data, private=self.private, before_replace=self.settle)

    def folder(self) -> Path:
        """The -o of a command that writes several files (`form out`, `remind`): a folder,
        made when the files are written if its parent exists.  Taken off -o, so that the
        command's listing goes to stdout in the format -f (or the default) says."""
        target = self.output
        if target is None:
            raise BadInput("give the folder to write the files in with -o DIR, e.g. -o 反馈表")
        if target.exists() and not target.is_dir():
            raise BadInput(f"{target} is a file; -o names the folder the files go in")
        where = target if target.exists() else target.parent
        if not where.is_dir():
            raise BadInput(f"folder {target.parent} does not exist; create it or choose "
                           "another -o folder")
        if not os.access(where, os.W_OK):
            raise BadInput(f"folder {where} is not writable; choose another -o folder")
        self.output = None
        return target

    @contextmanager
    def files_in(self, folder: Path, files: list[tuple[str, bytes]]) -> Iterator[None]:
        """Write these files into `folder` as part of the command: staged beside their names
        first, then put in place once the body (the listing on stdout) has run and the
        command's change has committed; on a failure none of them appears."""
        from duchá.storage import outfile

        staged = outfile.stage(folder, files)
        try:
            yield
            self.settle()
            staged.place()
        except BaseException:
            staged.discard()
            raise

    def _file(self, sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]],
              title: str | None, lang: Lang | None = None) -> None:
        """An xlsx or docx file of these sections (output.FILE_FORMATS), in `lang` (default:
        the command's)."""
        lang = lang or self.lang
        chinese = lang.zh
        sections = [(lang.title(name) or name, scols, [lang.row(r, scols) for r in srows])
                    for name, scols, srows in sections]
        title = lang.title(title)
        if self.fmt == "xlsx":
            from duchá.writers.workbook import workbook

            data = workbook(sections, chinese=chinese)
        else:
            from duchá.writers.document import document

            data = document(sections, title=title, chinese=chinese, as_of=self.as_of)
        self.send_bytes(data)

    def emit(self, rows: Sequence[dict[str, Any]], columns: Sequence[Col], *,
             title: str | None = None) -> None:
        from duchá.output import FILE_FORMATS, render

        if self.fmt in FILE_FORMATS:
            self._file([(title or "rows", columns, rows)], title)
            return
        with self._out(rows) as out:
            render(rows, columns, self.fmt, out, title=title, color=self.color,
                   excel=self.excel, lang=self.lang)

    def emit_record(
        self,
        record: dict[str, Any],
        fields: Sequence[Col],
        *,
        sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]] = (),
        title: str | None = None,
    ) -> None:
        from duchá.output import FILE_FORMATS, record_pairs, render_record

        if self.fmt in FILE_FORMATS:
            pairs, kv = record_pairs(record, fields, self.lang)
            self._file([(title or "record", kv, pairs), *sections], title)
            return
        with self._out([record]) as out:
            render_record(record, fields, self.fmt, out, sections=sections, title=title,
                          color=self.color, excel=self.excel, lang=self.lang)

    def emit_sections(
        self, sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]], *,
        title: str | None = None, lang: Lang | None = None,
    ) -> None:
        """Several tables in one output: one document in a machine format (a JSON object of
        lists; CSV rows with a section column), a sheet each in xlsx, blocks in text."""
        from duchá.output import FILE_FORMATS, render_sections

        if self.fmt in FILE_FORMATS:
            self._file(sections, title, lang)
            return
        with self._out([r for _, _, rows in sections for r in rows]) as out:
            render_sections(sections, self.fmt, out, color=self.color, excel=self.excel,
                            lang=lang or self.lang)


class _Aborted(Exception):
    """Raised into a pending transaction's scope so that it rolls back."""


class _Staged(io.StringIO):
    """Rendered output held until it is complete; says whether its destination is a terminal
    (Rich lays tables out for a terminal's width)."""

    def __init__(self, *, tty: bool) -> None:
        super().__init__(newline="")
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def _unencodable(text: str, exc: UnicodeEncodeError, encoding: str,
                 rows: Sequence[dict[str, Any]]) -> str:
    """Which record and field hold the character the encoding cannot write."""
    bad = exc.object[exc.start]
    where = ""
    for n, row in enumerate(rows, start=1):
        for key, value in row.items():
            if isinstance(value, str) and bad in value:
                name = row.get("number") or row.get("code") or row.get("key") or f"row {n}"
                where = f" in {name}, field {key}"
                break
        if where:
            break
    if not where:
        line = text.count("\n", 0, exc.start) + 1
        where = f" on line {line} of the output"
    return (f"{encoding} cannot hold the character U+{ord(bad):04X}{where}; use --encoding "
            "gb18030 or utf-8-sig (both hold every character); nothing was written")
