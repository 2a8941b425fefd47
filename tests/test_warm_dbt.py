"""The warm dbt: the launcher dagster-dbt runs hands its invocation to the process started
with the run, and is dbt itself whenever no such process waits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from cchc.orchestration.dbt_manifest import DBT_GLOBAL_FLAGS, DBT_PROJECT_DIR, dbt_vars
from cchc.orchestration.warm_dbt import (
    LAUNCHER,
    POINTER,
    STOP_SECONDS,
    WarmDbt,
    start_warm_dbt,
)


def _launch(target: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The launcher as dagster-dbt runs it: dbt's arguments, DBT_TARGET_PATH, one pipe."""
    return subprocess.run(
        [str(LAUNCHER), *args],
        env={**os.environ, "DBT_TARGET_PATH": str(target), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )


def _waiting(target: Path) -> None:
    deadline = time.monotonic() + 30
    while not (target / POINTER).exists():
        assert time.monotonic() < deadline, "the warm dbt never started listening"
        time.sleep(0.05)


def test_the_warm_process_answers_one_invocation_then_the_launcher_is_dbt(tmp_path):
    target = tmp_path / "dbt-target"
    warm = WarmDbt(target)
    try:
        _waiting(target)
        first = _launch(target, "--version")
        # it served the invocation (the output came through the launcher's pipe) and left
        assert warm._proc.wait(timeout=30) == 0
        assert not (target / POINTER).exists()
    finally:
        warm.close()
    assert first.returncode == 0
    assert "installed: 1.11" in first.stdout
    second = _launch(target, "--version")  # nobody waits any more: dbt itself
    assert second.returncode == 0
    assert second.stdout == first.stdout


def test_dbt_exit_codes_come_back_through_the_launcher(tmp_path):
    target = tmp_path / "dbt-target"
    cold = _launch(target, "no-such-command")
    warm = WarmDbt(target)
    try:
        _waiting(target)
        warmed = _launch(target, "no-such-command")
    finally:
        warm.close()
    assert cold.returncode == warmed.returncode == 2  # click's usage error, as from dbt
    assert "No such command" in warmed.stdout


def test_the_parse_run_ahead_answers_an_invocation_with_the_same_variables(tmp_path):
    """The warm dbt parses with the run's variables before anyone asks; `dbt ls` with those
    variables reads that manifest (its log reports no parsing), with others dbt parses."""
    target = tmp_path / "dbt-target"
    ours = dbt_vars(str(tmp_path / "warehouse.duckdb"), "1GB")
    env = {
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_LOG_FORMAT": "json",
    }

    def ls(variables: list[str]) -> tuple[list[str], str]:
        warm = start_warm_dbt(target, DBT_GLOBAL_FLAGS, ours)
        assert warm is not None
        try:  # at once: the launcher waits in the backlog while dbt imports and parses
            done = _launch(target, "ls", *variables, "--select", "stg_agencies", **env)
        finally:
            warm.close()
        assert done.returncode == 0, done.stdout
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        return [line["info"]["code"] for line in lines], done.stdout

    same, same_out = ls(ours)
    other, other_out = ls(dbt_vars(str(tmp_path / "other.duckdb"), "1GB"))
    assert "cchc.staging.stg_agencies" in same_out and "cchc.staging.stg_agencies" in other_out
    assert "I024" not in same  # dbt's "unable to do partial parsing": it did not parse
    assert "I024" in other  # the variables changed: dbt parsed, as without a warm dbt


def test_one_warm_dbt_per_target_from_one_process(tmp_path):
    """`cchc run` starts the warm dbt before the run; the run's dbt resource, asking for one
    for the same folder, gets none until that one is closed."""
    target = tmp_path / "dbt-target"
    first = start_warm_dbt(target, DBT_GLOBAL_FLAGS, [])
    assert first is not None
    try:
        assert start_warm_dbt(target, DBT_GLOBAL_FLAGS, []) is None
    finally:
        first.close()
    again = start_warm_dbt(target, DBT_GLOBAL_FLAGS, [])
    assert again is not None
    again.close()


def test_a_warm_dbt_stopped_while_it_parses_ends_at_once(tmp_path):
    """A quiet night's run ends while its warm dbt is still parsing: stopping it then ends
    it by itself (dbt's runner swallows SystemExit; the process once waited forever)."""
    target = tmp_path / "dbt-target"
    warm = start_warm_dbt(target, DBT_GLOBAL_FLAGS, dbt_vars(str(tmp_path / "w.duckdb"), "1GB"))
    assert warm is not None
    deadline = time.monotonic() + 60
    while not (target / "dbt.log").exists():  # dbt's first log line: the parse has begun
        assert time.monotonic() < deadline, "the warm dbt never began parsing"
        time.sleep(0.02)
    started = time.monotonic()
    warm.close()
    assert warm._proc.returncode == 0  # it ended on SIGTERM, not killed after the timeout
    assert time.monotonic() - started < STOP_SECONDS
    assert not (target / POINTER).exists()


def test_an_unused_warm_process_is_stopped_and_leaves_nothing(tmp_path):
    target = tmp_path / "dbt-target"
    warm = WarmDbt(target)
    _waiting(target)
    socket_dir = Path((target / POINTER).read_text()).parent
    warm.close()
    assert warm._proc.returncode is not None
    assert not (target / POINTER).exists()
    assert not socket_dir.exists()


def test_a_warm_process_whose_run_was_killed_exits_by_itself(tmp_path):
    """A run killed outright (no teardown) leaves no process waiting forever."""
    target = tmp_path / "dbt-target"
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            " from cchc.orchestration.warm_dbt import WarmDbt;"
            f" warm = WarmDbt(Path({str(target)!r})); print(warm._proc.pid, flush=True);"
            " time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None
    pid = int(run.stdout.readline())
    _waiting(target)
    run.kill()
    run.wait()
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and "Z" not in _state(pid):
        assert time.monotonic() < deadline, "the orphaned warm dbt is still waiting"
        time.sleep(0.2)
    assert not (target / POINTER).exists()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (FileNotFoundError, IndexError):
        return "Z"
