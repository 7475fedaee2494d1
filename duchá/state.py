"""The global options of one invocation and the plumbing every command shares.

A command parses its arguments, opens `state.ledger()`, calls one service, and hands the rows
to `state.emit`.  Nothing here knows about any table.
"""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from duchá.errors import BadInput

if TYPE_CHECKING:
    from duchá.db import Location
    from duchá.ledger import Ledger
    from duchá.output import Col

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk")


@dataclass
class State:
    db: str | None = None
    as_of_text: str | None = None
    fmt_text: str | None = None
    output: Path | None = None
    encoding: str | None = None
    actor_text: str | None = None
    debug: bool = False
    notes: list[str] = field(default_factory=list)

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
        from duchá.output import check_format

        if self.fmt_text:
            return check_format(self.fmt_text)
        if self.output is not None:
            return "csv"
        return "table" if sys.stdout.isatty() else "csv"

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
    def ledger(self, *, write: bool = True) -> Iterator[Ledger]:
        """Open the ledger and run the body as one transaction."""
        from duchá.db import open_ledger, session_scope
        from duchá.ledger import Ledger

        as_of = self.as_of
        _ = self.fmt  # a bad --format fails before anything is written
        engine = open_ledger(self.location, notify=self.info)
        with session_scope(engine, write=write) as session:
            lg = Ledger(session=session, actor=self.actor, today=as_of)
            yield lg
        for message in lg.warnings:
            self.warn(message)
        if lg._calendar is not None and lg._calendar.fallback_years:
            years = ", ".join(str(y) for y in sorted(lg._calendar.fallback_years))
            self.warn(f"the statutory calendar does not cover {years}; working days there "
                      "count Monday to Friday (record holidays with `duchá config calendar "
                      "holiday`)")

    def warn(self, message: str) -> None:
        sys.stderr.write(f"warning: {message}\n")

    def info(self, message: str) -> None:
        sys.stderr.write(f"{message}\n")

    @contextmanager
    def _out(self) -> Iterator[TextIO]:
        if self.output is None:
            if self.encoding:
                import io

                stream = io.TextIOWrapper(sys.stdout.buffer, encoding=self.encoding,
                                          newline="", write_through=True)
                try:
                    yield stream
                finally:
                    stream.flush()
                    stream.detach()
            else:
                yield sys.stdout
            return
        target = self.output
        if not target.parent.exists():
            raise BadInput(f"folder {target.parent} does not exist; create it or choose "
                           "another -o path")
        if target.is_dir():
            raise BadInput(f"{target} is a directory; give a file name to -o")
        # Written beside the target, then renamed: a failure never leaves half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ducha-", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding=self.encoding or "utf-8", newline="") as fh:
                yield fh
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def emit(self, rows: Sequence[dict[str, Any]], columns: Sequence[Col], *,
             title: str | None = None) -> None:
        from duchá.output import render

        with self._out() as out:
            render(rows, columns, self.fmt, out, title=title, color=self.color)

    def emit_record(
        self,
        record: dict[str, Any],
        fields: Sequence[Col],
        *,
        sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]] = (),
        title: str | None = None,
    ) -> None:
        from duchá.output import render_record

        with self._out() as out:
            render_record(record, fields, self.fmt, out, sections=sections, title=title,
                          color=self.color)

    def emit_sections(
        self, sections: Sequence[tuple[str, Sequence[Col], Sequence[dict[str, Any]]]]
    ) -> None:
        """Several tables in one output (a JSON object of lists; CSV blocks)."""
        from duchá.output import render_sections

        with self._out() as out:
            render_sections(sections, self.fmt, out, color=self.color)
