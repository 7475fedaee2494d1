"""Errors a command turns into one line on stderr and an exit code (DESIGN.md "Exit codes")."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_BAD_INPUT = 2
EXIT_LEDGER = 3


class DuchaError(Exception):
    """An expected failure: the message is shown to the clerk as is."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(DuchaError):
    """Input that cannot be used: a wrong date, an unknown name, an illegal step."""


class BadRows(BadInput):
    """Bad rows of an imported file: one stderr line each (the import lists at most 21).
    Exit 2; exit 1 ("found errors") when they were written to the file asked for, as
    `check` reports what it found."""

    def __init__(self, lines: list[str], *, written: bool = False) -> None:
        super().__init__(" | ".join(lines))
        self.lines = lines
        if written:
            self.exit_code = EXIT_FAILED_CHECK


class NotFound(BadInput):
    """A number or name that names nothing in the ledger."""


class LedgerUnusable(DuchaError):
    """The ledger file cannot be opened: missing, locked, corrupt, newer schema, read-only."""

    exit_code = EXIT_LEDGER
