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


def get_instance(settings: Settings) -> dg.DagsterInstance:
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()
