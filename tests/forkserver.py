"""Run `duchá` as a fork of one process that has already imported it, for the tests that run
long shell scripts of commands (tests/test_readme.py).

Each `duchá` of the script is a small client (the program `bin/duchá` that `start` writes)
that hands the server its arguments, environment, working folder and its stdin, stdout and
stderr; the server forks, and the fork runs `duchá.cli.main` on them exactly as the installed
program does, then exits with its exit code, which the client exits with.  What a fork saves
is only the import of Python, Typer, SQLAlchemy and the models: about a second of CPU per
command on the test machines, a minute over the README.  The start-up itself (the console
script, what a command imports) is tested on real processes elsewhere (tests/test_ledger.py,
tests/test_scale.py, tests/test_help.py).
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CLIENT = '''#!{python} -S
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect({path!r})
msg = json.dumps({{"argv": sys.argv, "env": dict(os.environ), "cwd": os.getcwd()}})
socket.send_fds(s, [msg.encode("utf-8", "surrogateescape")], [0, 1, 2])
got = s.recv(8)
if len(got) != 8:
    sys.stderr.write("duchá (test fork server): the command died without an exit code\\n")
    sys.exit(1)
sys.exit(int.from_bytes(got, "big", signed=True))
'''


def _stdio(env: dict[str, str]) -> None:
    """Fresh sys.stdin/stdout/stderr on fds 0, 1, 2, as a new interpreter would make them."""
    enc = env.get("PYTHONIOENCODING", "utf-8").split(":")[0] or "utf-8"
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)),
                                 encoding=enc, errors="surrogateescape")
    tty = os.isatty(1)
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)),
                                  encoding=enc, errors="strict", line_buffering=tty,
                                  write_through=False)
    sys.stderr = io.TextIOWrapper(io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
                                  encoding=enc, errors="backslashreplace", line_buffering=True)


def _run(conn: socket.socket) -> int:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    msg = json.loads(data.decode("utf-8", "surrogateescape"))
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(msg["cwd"])
    os.environ.clear()
    os.environ.update(msg["env"])
    _stdio(msg["env"])
    sys.argv = [Path(msg["argv"][0]).name, *msg["argv"][1:]]
    from duchá.cli import main

    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError):
            code = code or 120  # as Python does when it cannot flush stdout at exit
    return int(code)


def serve(path: str) -> None:
    import sqlmodel  # noqa: F401

    import duchá.cli
    import duchá.models
    import duchá.storage.sql  # noqa: F401

    def reap(*_: object) -> None:  # waited for, so that their CPU time counts in the suite's
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass

    signal.signal(signal.SIGCHLD, reap)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.bind(path)
    server.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            code = 1
            try:
                code = _run(conn)
            finally:
                try:
                    conn.send(code.to_bytes(8, "big", signed=True))
                finally:
                    os._exit(code & 0xFF)
        conn.close()


@contextmanager
def started(folder: Path, env: dict[str, str]) -> Iterator[Path]:
    """A server for the test's environment, and a folder holding `duchá` and `ducha` that
    talk to it (put it first on PATH)."""
    import tempfile

    # (A socket's path is short: not inside pytest's deep temporary folders.)
    sock = Path(tempfile.mkdtemp(prefix="ducha-fs-")) / "s"
    bindir = folder / "bin"
    bindir.mkdir(parents=True)
    for name in ("duchá", "ducha"):
        script = bindir / name
        script.write_text(CLIENT.format(python=sys.executable, path=str(sock)),
                          encoding="utf-8")
        script.chmod(0o755)
    proc = subprocess.Popen([sys.executable, __file__, str(sock)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield bindir
    finally:
        proc.kill()
        proc.wait()
        sock.unlink(missing_ok=True)
        sock.parent.rmdir()


if __name__ == "__main__":
    serve(sys.argv[1])
