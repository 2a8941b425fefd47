"""The persistent Dagster instance shared by `cchc run` and `dagster dev` (`make ui`)."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.settings import Settings

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
"""


#: Dagster writes one "materialization planned" event per partition and asset of a ranged
#: run on SQLite storage, unpartitioned dbt assets included: a first backfill of 1,250 days
#: wrote 35,000 of them (270 s) before its first step. With this variable set it writes one
#: per asset. Dagster's trade-off: the partitions of a failed run are not marked failed
#: (nothing here reads that: re-deliveries are found by fingerprint). Set for `cchc run` by
#: `plan_events_per_asset`, for `make ui` (webserver and daemon create runs) by the Makefile.
PLANNED_EVENTS_VAR = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


def plan_events_per_asset() -> None:
    """Set PLANNED_EVENTS_VAR for runs created in this process, unless set already."""
    os.environ.setdefault(PLANNED_EVENTS_VAR, "true")


def get_instance(settings: Settings) -> dg.DagsterInstance:
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()
