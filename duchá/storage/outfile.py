"""Writing an output file (-o): whole or not at all, with the permissions a shell redirect
would give it.

The bytes go to a temporary file beside the target, which is renamed over it at the end, so a
failure never leaves half a file.  A report or a list is meant to be shared: a new file gets
0666 less the umask (0644 under the usual 022), a file written over keeps its mode, as `>`
does.  A private file (a whole-ledger export) is 0600 whatever the umask, like the ledger and
its backups."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

PRIVATE = 0o600


def umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: the only way to read it is to set it, then put it back
    os.umask(mask)
    return mask


def shared_mode(target: Path) -> int:
    """What `> target` would leave: the existing file's mode, else 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~umask()


def write(target: Path, data: bytes, *, private: bool = False,
          before_replace: Callable[[], None] | None = None) -> None:
    """Write `data` to `target` atomically.  `before_replace` runs once the bytes are on disk
    and before the file appears (the command's transaction commits there)."""
    mode = PRIVATE if private else shared_mode(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ducha-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Staged:
    """Files written beside their targets and not yet in place (`stage`)."""

    def __init__(self, folder: Path, made: bool) -> None:
        self.folder, self.made = folder, made
        self.parts: list[tuple[str, Path]] = []

    def place(self) -> None:
        """Rename every file over its target (once the command's change has committed)."""
        for tmp, target in self.parts:
            os.replace(tmp, target)
        self.parts = []

    def discard(self) -> None:
        """Remove what was staged, and the folder when staging made it."""
        for tmp, _ in self.parts:
            Path(tmp).unlink(missing_ok=True)
        self.parts = []
        if self.made:
            try:
                self.folder.rmdir()
            except OSError:
                pass


def stage(folder: Path, files: list[tuple[str, bytes]]) -> Staged:
    """Several files for one folder (made if missing, its parent must exist), each written
    whole beside its target with a shell redirect's permissions; `place` puts them all in
    place, `discard` leaves the folder as it was."""
    made = not folder.exists()
    if made:
        folder.mkdir()
    staged = Staged(folder, made)
    try:
        for name, data in files:
            target = folder / name
            mode = shared_mode(target)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ducha-", suffix=".part")
            staged.parts.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, mode)
    except BaseException:
        staged.discard()
        raise
    return staged
