"""The deployment runs by itself: a real `dagster-daemon` on a PostgreSQL instance starts
the nightly schedule (cron shortened for the test) and the run publishes, nobody watching."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cchc.sources.sample import SampleConfig, generate
from tests.pg_server import postgres_server

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: Daemon start, a sensor-triggered run, then the schedule's run queued behind it.
DEADLINE_SECONDS = 420


def _schedule_run_succeeded(home: Path) -> bool:
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        runs = instance.get_runs(
            filters=dg.RunsFilter(
                job_name="nightly",
                tags={"cchc/trigger": "schedule"},
                statuses=[dg.DagsterRunStatus.SUCCESS],
            )
        )
        return bool(runs)
    finally:
        instance.dispose()


def test_daemon_launches_the_schedule_on_postgres_and_publishes(tmp_path):
    with postgres_server() as url:
        env = {
            **os.environ,
            "CCHC_DATA_DIR": str(tmp_path / "data"),
            "DAGSTER_HOME": str(tmp_path / "dagster"),
            "CCHC_DAGSTER_POSTGRES_URL": url,
            "CCHC_NIGHTLY_CRON": "* * * * *",
        }
        for var in ("CCHC_LANDING_DIR", "CCHC_WAREHOUSE", "CCHC_PUBLISHED"):
            env.pop(var, None)
        today = date.today()
        generate(
            tmp_path / "data" / "landing",
            SampleConfig(today - timedelta(days=2), days=3, dossiers_per_day=10, procedures=30),
        )
        subprocess.run([BIN / "cchc", "instance"], env=env, check=True, cwd=ROOT)
        assert "postgresql+psycopg2://" in (tmp_path / "dagster" / "dagster.yaml").read_text()
        daemon = subprocess.Popen(
            [BIN / "dagster-daemon", "run", "-w", ROOT / "workspace.yaml"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "daemon.log").open("w"),
            start_new_session=True,
        )
        try:
            published = tmp_path / "data" / "published" / "cchc.duckdb"
            deadline = time.monotonic() + DEADLINE_SECONDS
            os.environ["CCHC_DAGSTER_POSTGRES_URL"] = url  # the instance config reads it
            while time.monotonic() < deadline and not _schedule_run_succeeded(tmp_path / "dagster"):
                assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()[-2000:]
                time.sleep(5)
            assert _schedule_run_succeeded(tmp_path / "dagster"), (
                tmp_path / "daemon.log"
            ).read_text()[-3000:]
            with duckdb.connect(str(published), read_only=True) as con:
                assert con.execute("select count(*) from marts.publish_log").fetchone()[0] >= 1
        finally:
            os.environ.pop("CCHC_DAGSTER_POSTGRES_URL", None)
            os.killpg(daemon.pid, signal.SIGTERM)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait()


@pytest.mark.parametrize("variable", ["CCHC_NIGHTLY_CRON"])
def test_schedule_and_sensor_run_by_default(variable, monkeypatch):
    from cchc.orchestration.definitions import build_definitions
    from cchc.orchestration.settings import load_settings

    monkeypatch.setenv(variable, "*/5 * * * *")
    defs = build_definitions(load_settings())
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert schedule.cron_schedule == "*/5 * * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    sensor = defs.resolve_sensor_def("landing_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_old_runs_are_pruned_with_their_events():
    from cchc.orchestration.instance import prune_runs

    @dg.op
    def noop() -> None:
        pass

    @dg.job
    def tiny() -> None:
        noop()

    instance = dg.DagsterInstance.ephemeral()
    older, newer = (tiny.execute_in_process(instance=instance).run_id for _ in range(2))
    assert prune_runs(instance, keep_days=1, keep_runs=2) == 0  # young and few: kept
    assert prune_runs(instance, keep_days=1, keep_runs=1) == 1  # only the newest is kept
    assert instance.get_run_by_id(older) is None and not instance.all_logs(older)
    time.sleep(0.01)
    assert prune_runs(instance, keep_days=0, keep_runs=5) == 1
    assert instance.get_run_by_id(newer) is None


def test_sqlite_instance_records_every_loaded_day_and_one_check_row_per_run(
    env, tmp_path, monkeypatch
):
    """The default instance's event log (orchestration/eventlog.py) writes a ranged run's
    per-day materializations in batches: the UI's per-day view still shows exactly the days
    loaded, the run's totals on its latest day only, and each check has one row per run, with
    its result (none left "planned")."""
    from dagster._core.storage.asset_check_execution_record import (
        AssetCheckExecutionRecordStatus as Status,
    )

    from cchc.orchestration.eventlog import BatchingSqliteEventLogStorage
    from cchc.orchestration.instance import get_instance, prune_runs
    from cchc.orchestration.pipeline import run

    generate(env.landing_dir, SampleConfig(start=date(2026, 1, 1), days=12, dossiers_per_day=20))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))  # this test's own instance
    instance = get_instance(env)
    assert isinstance(instance.event_log_storage, BatchingSqliteEventLogStorage)
    first = run(env, instance)
    assert first.success, first.failures
    delivered = {p.name for p in (env.landing_dir / "dossiers").iterdir()}
    raw = dg.AssetKey(["raw", "dossiers"])
    assert instance.get_materialized_partitions(raw) == delivered
    # each day's row in the index got its own id: its data-version tag, the latest pointer
    latest = instance.get_latest_materialization_event(raw)
    assert latest and latest.dagster_event and latest.dagster_event.partition == max(delivered)
    # the run's totals are the latest materialization's, not repeated on every other day
    totals = latest.asset_materialization and latest.asset_materialization.metadata
    assert totals and totals["rows_loaded"].value == first.rows["dossiers"][0]
    assert totals["days_loaded"].value == len(delivered)
    for day in sorted(delivered)[:: len(delivered) // 3]:
        (record,) = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=raw, asset_partitions=[day]), limit=1
        ).records
        tags = instance.event_log_storage.get_event_tags_for_asset(
            raw, filter_event_id=record.storage_id
        )
        assert [t.keys() for t in tags] == [{"dagster/data_version"}], day
        if day != max(delivered):
            assert not record.asset_materialization.metadata, day
    second = run(env, instance, full_refresh=True)  # a second run, same checks
    assert second.success, second.failures
    checks = [c.name for c in first.report.checks]
    assert len(checks) > 50
    storage = instance.event_log_storage
    for name in checks:
        asset, check_name = name.split(":")
        key = dg.AssetCheckKey(dg.AssetKey(asset.split("/")), check_name)
        history = storage.get_asset_check_execution_history(key, limit=10)
        assert [r.run_id for r in history] == [second.run_id, first.run_id], name
        assert all(r.status != Status.PLANNED for r in history), name
    # retention deletes a run with its shard file and check rows, not only its events
    shard = Path(storage.path_for_shard(first.run_id))
    assert shard.exists()
    assert prune_runs(instance, keep_days=1, keep_runs=1) == 1
    assert not shard.exists()
    history = storage.get_asset_check_execution_history(key, limit=10)
    assert [r.run_id for r in history] == [second.run_id]


def test_an_instance_written_by_an_older_version_is_rewritten(env, tmp_path, monkeypatch):
    """A server upgraded from the layout before the `cchc` namespace has a dagster.yaml that
    names `orchestration.eventlog`: the next run rewrites it instead of failing to import."""
    from cchc.orchestration.eventlog import BatchingSqliteEventLogStorage
    from cchc.orchestration.instance import get_instance, instance_yaml

    home = env.dagster_home
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    home.mkdir(parents=True)
    current = instance_yaml(env)
    assert "module: cchc.orchestration.eventlog" in current
    (home / "dagster.yaml").write_text(current.replace("cchc.orchestration.", "orchestration."))
    instance = get_instance(env)
    assert isinstance(instance.event_log_storage, BatchingSqliteEventLogStorage)
    assert (home / "dagster.yaml").read_text() == current
