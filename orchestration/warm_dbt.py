"""dbt started ahead of need: its start-up and parsing paid while the run is prepared.

A `dbt build` process spends ≈ 3 s importing dbt and its DuckDB adapter before it reads a
flag, and it is the one step every run waits on. `WarmDbt` starts a process that does that
import while the run is prepared and the raw sources load — `cchc run` starts it before
it imports Dagster, a run started otherwise (the daemon's) in its dbt resource's set-up —
then waits for one invocation. dagster-dbt runs `cchc-dbt` (the `launch` entry point below) as
its dbt executable exactly as it would run `dbt`: same arguments, environment, working
folder and output pipe. The launcher hands those, its stdout and stderr included, to the
waiting process, which runs dbt's own command line with them and reports its exit code; the
launcher exits with it. dagster-dbt reads the same JSON log lines from the same pipe.

Whenever no warm process is waiting for this dbt target folder (a second invocation, a dbt
run from a shell, a process that failed to start), the launcher becomes dbt itself (`exec`):
the result never depends on the warm path, only the start-up time does.

The warm process also parses the project ahead (`dbt parse` with the run's variables, into
the run's dbt folder) and answers an invocation with the same variables, project and folder
with that manifest (`dbtRunner(manifest=…)`, dbt's documented way to skip parsing): the
≈ 2 s of a nightly partial parse, ≈ 4 s of a first full one, also leave the dbt step. An
invocation with other variables, or a parse that failed, gets dbt's own parsing.

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
from dataclasses import dataclass
from pathlib import Path

# standard library only (no dbt, no dagster): the dbt of this environment, which the
# launcher becomes when no warm dbt waits
from cchc.orchestration.dbt_manifest import DBT_EXECUTABLE, DBT_PROJECT_DIR

#: In a dbt target folder: the path of the socket where a warm dbt waits. Sockets live in
#: a private temporary folder (AF_UNIX paths are limited to 108 bytes; data folders need not be).
POINTER = "warm-dbt.socket"
#: How often a waiting warm dbt checks that the run that started it is still alive.
PARENT_CHECK_SECONDS = 2.0
#: How long `close` waits for a stopped warm dbt before killing it.
STOP_SECONDS = 10.0
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


@dataclass(frozen=True)
class Parse:
    """The `dbt parse` a warm dbt runs ahead: dbt's arguments and the environment entries
    dagster-dbt will set (project, profiles and target folders)."""

    args: list[str]
    env: dict[str, str]


#: What a manifest depends on beyond the project's files: an invocation that agrees with the
#: parse on these is answered with the parsed manifest.
_PARSE_ENV = ("DBT_PROJECT_DIR", "DBT_PROFILES_DIR", "DBT_TARGET_PATH")


def _parse_key(args: list[str], env: dict[str, str]) -> tuple[str | None, ...]:
    variables = args[args.index("--vars") + 1] if "--vars" in args[:-1] else None
    return (variables, *(env.get(name) for name in _PARSE_ENV))


#: The warm dbts this process started and has not closed, by target folder: `cchc run`'s,
#: which the run's dbt resource then leaves alone.
_STARTED: dict[Path, WarmDbt] = {}


class WarmDbt:
    """One warm dbt process for one run, serving dbt invocations with target `target_dir`,
    with `parse` run ahead when given.

    The listening socket is made here, before the process starts, and handed to it: a
    launcher arriving at once finds it and waits in its backlog, never a missing pointer."""

    def __init__(self, target_dir: Path, parse: Parse | None = None) -> None:
        target_dir.mkdir(parents=True, exist_ok=True)
        self._private = Path(tempfile.mkdtemp(prefix="cchc-dbt-"))
        self._address = str(self._private / "socket")
        self._pointer = target_dir / POINTER
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(self._address)
            listener.listen(4)
            staged = self._pointer.with_suffix(f".{os.getpid()}")
            staged.write_text(self._address)
            staged.replace(self._pointer)
            spec = json.dumps(parse.__dict__ if parse else None)
            fd, parent = str(listener.fileno()), str(os.getpid())
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cchc.orchestration.warm_dbt",
                    str(target_dir),
                    fd,
                    parent,
                    spec,
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=[listener.fileno()],
            )
        self._target = target_dir
        _STARTED[target_dir] = self

    def close(self) -> None:
        """Stop the process if no invocation came (a run without a dbt step, or one that
        failed before it); one that served an invocation has exited by itself. What it
        would have removed is removed if it could not (it died before its handler)."""
        if self._proc.poll() is None:  # also after its exit code was sent: dbt is done then
            self._proc.terminate()
            try:
                self._proc.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:  # never a run that waits on it forever
                self._proc.kill()
                self._proc.wait()
        _withdraw(self._pointer, self._address, self._private)
        if _STARTED.get(self._target) is self:
            del _STARTED[self._target]


def start_warm_dbt(
    target_dir: Path, global_flags: list[str], dbt_vars: list[str]
) -> WarmDbt | None:
    """A warm dbt for `target_dir` that parses the project with `dbt_vars` ahead, as
    dagster-dbt will invoke it; None when this process already started one for it (`cchc
    run`, before the run) or the launcher is not installed."""
    if not LAUNCHER.exists() or target_dir in _STARTED:
        return None
    parse = Parse(
        args=[*global_flags, "parse", *dbt_vars],
        env={
            "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            "DBT_TARGET_PATH": str(target_dir),
            "DBT_LOG_PATH": str(target_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_LOG_FORMAT": "json",  # dbt.log in one format, as dagster-dbt's runs write it
        },
    )
    return WarmDbt(target_dir, parse)


def _serve(target_dir: Path, listener: socket.socket, parent: int, parse: Parse | None) -> int:
    """Import dbt and parse while a launcher that arrives waits in the listener's backlog,
    then run the one invocation that comes, as the process that asked. `parent` is the
    process that started this one (given, not read: it may be gone before this starts)."""
    address = listener.getsockname()
    private = Path(address).parent
    pointer = target_dir / POINTER
    signal.signal(signal.SIGTERM, lambda *_: _stop(pointer, address, private))

    import dbt.adapters.duckdb  # noqa: F401  (the adapter plugin dbt would import)

    manifest = _parse_ahead(parse) if parse else None
    parsed_for = _parse_key(parse.args, parse.env) if parse else None
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
    if manifest is not None and _parse_key(request["args"], request["env"]) == parsed_for:
        code = _invoke(request["args"], manifest)
    else:
        code = _main(request["args"])
    sys.stdout.flush()
    sys.stderr.flush()
    conn.sendall(f"{code}\n".encode())
    return 0


def _parse_ahead(parse: Parse):
    """The project's manifest parsed as `parse` says (it writes the run's dbt folder, as the
    invocation's own parse would); None if parsing failed: the invocation then parses."""
    from dbt.cli.main import dbtRunner

    os.environ.update(parse.env)
    result = dbtRunner().invoke(parse.args)
    return result.result if result.success else None


def _invoke(args: list[str], manifest) -> int:
    """dbt's command line on a parsed manifest, with the exit codes of dbt's own (0 done,
    1 a node failed, 2 dbt itself failed)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner(manifest=manifest).invoke(args)
    if result.success:
        return 0
    if result.exception is None:
        return 1
    print(f"dbt: {result.exception}", file=sys.stderr)
    return 2


def _main(args: list[str]) -> int:
    """dbt's own entry point, as the `dbt` script runs it."""
    from dbt.cli.main import cli

    try:
        cli.main(args=args, prog_name="dbt")  # always exits
        return 0
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)


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


def _withdraw(pointer: Path, address: str, private: Path) -> None:
    """No launcher finds this process any more (it took its invocation, or was stopped)."""
    if pointer.exists() and pointer.read_text() == address:
        pointer.unlink(missing_ok=True)
    Path(address).unlink(missing_ok=True)
    if private.exists():
        private.rmdir()


def _stop(pointer: Path, address: str, private: Path) -> None:
    """SIGTERM before an invocation came: withdraw and end now. `os._exit`, not `sys.exit`:
    the signal may land inside dbt's parse, whose runner catches every exception, SystemExit
    included, and the process would then wait forever for a launcher nobody sends."""
    _withdraw(pointer, address, private)
    os._exit(0)


if __name__ == "__main__":
    target, fd, parent, spec = sys.argv[1:]
    parse = json.loads(spec)
    listening = socket.socket(fileno=int(fd))
    sys.exit(_serve(Path(target), listening, int(parent), Parse(**parse) if parse else None))
