"""dbt started ahead of need: its ≈ 3 s of start-up paid while the run loads the extracts.

A `dbt build` process spends ≈ 3 s importing dbt and its DuckDB adapter before it reads a
flag, and it is the one step every run waits on. `WarmDbt` starts a process when the run
starts (the dbt resource's set-up) that does that import while the raw sources load, then
waits for one invocation. dagster-dbt runs `cchc-dbt` (the `launch` entry point below) as
its dbt executable exactly as it would run `dbt`: same arguments, environment, working
folder and output pipe. The launcher hands those, its stdout and stderr included, to the
waiting process, which runs dbt's own command line with them and reports its exit code; the
launcher exits with it. dagster-dbt reads the same JSON log lines from the same pipe.

Whenever no warm process is waiting for this dbt target folder (a second invocation, a dbt
run from a shell, a process that failed to start), the launcher becomes dbt itself (`exec`):
the result never depends on the warm path, only the start-up time does.

The launcher imports only the standard library: its own start-up is ≈ 30 ms.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

# standard library only (no dbt, no dagster): the dbt of this environment, which the
# launcher becomes when no warm dbt waits
from cchc.orchestration.dbt_manifest import DBT_EXECUTABLE

#: In a dbt target folder: the path of the socket where a warm dbt waits. Sockets live in
#: a private temporary folder (AF_UNIX paths are limited to 108 bytes; data folders need not be).
POINTER = "warm-dbt.socket"
#: How often a waiting warm dbt checks that the run that started it is still alive.
PARENT_CHECK_SECONDS = 2.0
#: The launcher, installed with the project (pyproject.toml's `cchc-dbt`).
LAUNCHER = Path(sys.executable).with_name("cchc-dbt")


def launch() -> None:
    """`cchc-dbt ARGS…`: dbt's command line, answered by the warm dbt if one waits."""
    code = _ask_warm(sys.argv[1:])
    if code is None:
        os.execv(DBT_EXECUTABLE, [DBT_EXECUTABLE, *sys.argv[1:]])
    sys.exit(code)


def _ask_warm(args: list[str]) -> int | None:
    """The exit code of `args` run by the waiting warm dbt; None when none took them."""
    target = os.environ.get("DBT_TARGET_PATH")
    if not target:
        return None
    try:
        address = (Path(target) / POINTER).read_text()
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(address)
        request = {"args": args, "env": dict(os.environ), "cwd": os.getcwd()}
        socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [1, 2])
        replies = conn.makefile("r")
        taken = replies.readline()  # "<pid>" once the warm dbt holds the request
    except OSError:
        return None
    if not taken.strip():
        return None  # it served another invocation first, or failed before taking this one
    pid = int(taken)
    for sig in (signal.SIGINT, signal.SIGTERM):  # dagster-dbt stops dbt by signalling it
        signal.signal(sig, lambda signum, _frame: os.kill(pid, signum))
    code = replies.readline().strip()
    if not code:
        print("cchc-dbt: the warm dbt process ended without an exit code", file=sys.stderr)
        return 2
    return int(code)


class WarmDbt:
    """One warm dbt process for one run, serving dbt invocations with target `target_dir`."""

    def __init__(self, target_dir: Path) -> None:
        target_dir.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "cchc.orchestration.warm_dbt", str(target_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )

    def close(self) -> None:
        """Stop the process if no invocation came (a run without a dbt step, or one that
        failed before it); one that served an invocation has exited by itself."""
        if self._proc.poll() is None:  # also after its exit code was sent: dbt is done then
            self._proc.terminate()
            self._proc.wait()


def _serve(target_dir: Path) -> int:
    """Listen first (a launcher arriving during the import waits in the backlog), import
    dbt, then run the one invocation that comes, as the process that asked."""
    parent = os.getppid()
    private = Path(tempfile.mkdtemp(prefix="cchc-dbt-"))
    address = str(private / "socket")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(4)
    pointer = target_dir / POINTER
    staged = pointer.with_suffix(f".{os.getpid()}")
    staged.write_text(address)
    staged.replace(pointer)
    signal.signal(signal.SIGTERM, lambda *_: _withdraw(pointer, address, private, exit_code=0))

    import dbt.adapters.duckdb  # noqa: F401  (the adapter plugin dbt would import)
    from dbt.cli.main import cli

    conn = _accept(listener, parent)
    if conn is None:  # the run's process died (killed): nobody will ask, leave no orphan
        _withdraw(pointer, address, private)
        return 0
    listener.close()
    _withdraw(pointer, address, private)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    message, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 2)
    while not message.endswith(b"\n"):
        message += conn.recv(1 << 16)
    request = json.loads(message)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    for fd, stream in zip(fds, (1, 2), strict=True):
        os.dup2(fd, stream)
        os.close(fd)
    if isinstance(sys.stdout, io.TextIOWrapper):  # stream each log line as dbt writes it
        sys.stdout.reconfigure(line_buffering=True)
    conn.sendall(f"{os.getpid()}\n".encode())
    try:
        cli.main(args=request["args"], prog_name="dbt")  # dbt's own entry point: always exits
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    conn.sendall(f"{code}\n".encode())
    return 0


def _accept(listener: socket.socket, parent: int) -> socket.socket | None:
    """The launcher's connection, or None once the process that started this one is gone."""
    listener.settimeout(PARENT_CHECK_SECONDS)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:
                return None
            continue
        conn.settimeout(None)
        return conn


def _withdraw(pointer: Path, address: str, private: Path, exit_code: int | None = None) -> None:
    """No launcher finds this process any more (it took its invocation, or was stopped)."""
    if pointer.exists() and pointer.read_text() == address:
        pointer.unlink(missing_ok=True)
    Path(address).unlink(missing_ok=True)
    private.rmdir()
    if exit_code is not None:
        sys.exit(exit_code)


if __name__ == "__main__":
    sys.exit(_serve(Path(sys.argv[1])))
