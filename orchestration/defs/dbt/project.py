"""The dbt project as dagster-dbt sees it, and the resource that runs `dbt build`."""

from __future__ import annotations

import json
from functools import cached_property
from importlib import metadata

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from cchc.orchestration.dbt_manifest import DBT_PROJECT_DIR, DBT_TARGET_DIR

PROJECT = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=DBT_TARGET_DIR
)


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt runner without its two start-up detours, 7 s of every run here.

    Before each `dbt build` it asks the dbt executable for its version (`dbt --version`: a
    second dbt start-up, 4 s) and loads dbt's macros into this process to hold an adapter
    (3 s), which only its column-metadata and row-count helpers use; this project uses
    neither. The dbt here is the dbt-core of this environment (pinned in pyproject.toml).
    """

    #: The working warehouse and DuckDB's memory limit, the same as the pipeline's (settings).
    warehouse: str
    memory_limit: str

    def cli_vars(self) -> list[str]:
        """The one place dbt receives the pipeline's settings (profiles.yml reads them)."""
        values = {"cchc_warehouse": self.warehouse, "cchc_memory_limit": self.memory_limit}
        return ["--vars", json.dumps(values)]

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None
