"""The persistent Dagster instance shared by `cchc run`, the webserver and the daemon.

SQLite files under $DAGSTER_HOME by default; on PostgreSQL (`dagster-postgres`) when
CCHC_DAGSTER_POSTGRES_URL is set, as a deployed server should be (deploy/README.md).
`cchc instance` writes its dagster.yaml; `get_instance` writes it when missing or when it
differs from what this code and the settings give: an upgrade that renames a module the file
names (the event log's) or a changed storage URL must not leave the nightly run unable to open
its instance. The file is generated: edit the settings, not the file.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from cchc.orchestration.settings import Settings

#: One run at a time touches the working DuckDB file; failed runs retry from the failure.
DAGSTER_YAML = """\
telemetry:
  enabled: false
run_retries:
  enabled: true
  max_retries: 0
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    tag_concurrency_limits:
      - key: cchc/warehouse
        limit: 1
# schedule and sensor ticks: a year of nights must not grow without bound
retention:
  schedule:
    purge_after_days: 90
  sensor:
    purge_after_days:
      skipped: 7
      failure: 90
      success: 90
"""
#: The instance's storage on PostgreSQL, through psycopg2: dagster-postgres's statements
#: fail under psycopg 3, which SQLAlchemy 2.1 picks for a plain postgresql:// URL. The file
#: is written readable by its owner only: it holds the storage password.
POSTGRES_STORAGE = """\
storage:
  postgres:
    postgres_url: "{url}"
"""


#: SQLite storage as Dagster lays it out by default, with the event log writing a ranged
#: run's per-day materializations in one transaction (orchestration/eventlog.py).
SQLITE_STORAGE = """\
run_storage:
  module: dagster._core.storage.runs
  class: SqliteRunStorage
  config:
    base_dir: "{home}/history"
event_log_storage:
  module: cchc.orchestration.eventlog
  class: BatchingSqliteEventLogStorage
  config:
    base_dir: "{home}/history/runs"
schedule_storage:
  module: dagster._core.storage.schedules
  class: SqliteScheduleStorage
  config:
    base_dir: "{home}/schedules"
"""


def instance_yaml(settings: Settings) -> str:
    if not settings.dagster_postgres_url:
        return DAGSTER_YAML + SQLITE_STORAGE.format(home=settings.dagster_home)
    url = re.sub(
        r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg2://", settings.dagster_postgres_url
    )
    return DAGSTER_YAML + POSTGRES_STORAGE.format(url=url)


def write_instance_config(settings: Settings) -> Path:
    """(Re)write $DAGSTER_HOME/dagster.yaml from the settings; return its path."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    config.touch(mode=0o600)  # it may hold the storage password
    config.chmod(0o600)
    config.write_text(instance_yaml(settings))
    return config


#: Dagster's switches for ranged runs, set in every process that creates or executes runs:
#: `cchc run` (`set_run_environment`), `make ui` and the deployed services (deploy/cchc.env).
#: - one "materialization planned" event per asset, not per partition: a first backfill of
#:   1,250 days wrote 35,000 of them (270 s) before its first step. Dagster's trade-off: the
#:   partitions of a failed run are not marked failed (nothing here reads that: re-deliveries
#:   are found by fingerprint);
#: - a ranged run's per-day materializations handed to the storage in batches, which the
#:   PostgreSQL storage and orchestration/eventlog.py write in one statement.
RUN_ENVIRONMENT = {
    "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true",
    "DAGSTER_EVENT_BATCH_SIZE": "1000",
}


def set_run_environment() -> None:
    """Set RUN_ENVIRONMENT for runs created in this process, unless set already."""
    for name, value in RUN_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def get_instance(settings: Settings) -> dg.DagsterInstance:
    config = settings.dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text() != instance_yaml(settings):
        write_instance_config(settings)
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    return dg.DagsterInstance.get()


def prune_runs(instance: dg.DagsterInstance, keep_days: int, keep_runs: int) -> int:
    """Delete runs (and their events) older than `keep_days`, and all but the newest
    `keep_runs`: a year of nights must not grow the instance without bound, however the
    runs are spaced. Returns how many were deleted."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    old = {
        r.dagster_run.run_id
        for r in instance.get_run_records(filters=dg.RunsFilter(created_before=cutoff))
    }
    old |= set(instance.get_run_ids()[keep_runs:])  # newest first
    for run_id in old:
        instance.delete_run(run_id)
    return len(old)
