"""`nianbao-dbt`: the dbt executable dagster-dbt starts. It hands its command to the dbt that a run started early
(orchestration/dbt_warm.py: imported, the project parsed), or, with none listening, becomes the plain dbt.

Standard library only: it starts in ~30 ms. dbt then writes straight into this process's stdout and stderr (their
file descriptors are passed over the socket), so dagster-dbt reads dbt's lines as they come, as from dbt itself.
"""

import json
import os
import signal
import socket
import sys
from pathlib import Path

SOCKET_ENV = "NIANBAO_DBT_WARM"  # the path of the socket the early dbt listens on (set by dbt_warm.start)
STARTED = b"S"  # the early dbt's answer once it runs the command: then it reports the exit code, one byte
UNHANDLED = 2  # dbt's exit code for an error it did not handle (the early dbt died mid-command)


class Unavailable(Exception):
    """No early dbt took the command: run dbt here."""


def plain_dbt() -> str:
    """The dbt beside this interpreter (the venv's)."""
    return str(Path(sys.executable).parent / "dbt")


def request(argv: list[str]) -> bytes:
    """The command for the early dbt: its arguments, environment and working directory, one JSON line."""
    return json.dumps({"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}).encode() + b"\n"


def read_started(conn: socket.socket) -> int:
    """The early dbt's pid once it has started the command; Unavailable when it closed without starting it."""
    line = b""
    while not line.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            raise Unavailable("the early dbt closed before running the command")
        line += chunk
    if not line.startswith(STARTED):
        raise Unavailable(f"the early dbt answered {line!r}")
    return int(line[len(STARTED) :])


def delegate(path: str, argv: list[str]) -> int:
    """Run argv in the early dbt listening at path, with this process's stdout and stderr; its exit code."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        socket.send_fds(conn, [request(argv)], [sys.stdout.fileno(), sys.stderr.fileno()])
        pid = read_started(conn)
    except OSError as exc:  # nobody listens (the run ended, or its one command was taken), or it went away
        conn.close()
        raise Unavailable(str(exc)) from exc

    def forward(signum, _frame):  # dagster-dbt interrupts its dbt with SIGINT: the early dbt gets it
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    with conn:
        code = conn.recv(1)
    return code[0] if code else UNHANDLED


def main() -> None:
    """Hand the command to the early dbt if one listens, else exec the plain dbt with the same arguments."""
    argv = sys.argv[1:]
    path = os.environ.get(SOCKET_ENV)
    if path:
        try:
            sys.exit(delegate(path, argv))
        except Unavailable:
            pass
    dbt = plain_dbt()
    os.execv(dbt, [dbt, *argv])


if __name__ == "__main__":
    main()
