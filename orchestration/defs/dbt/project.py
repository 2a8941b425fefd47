"""The dbt project as dagster-dbt sees it, and the resource that runs `dbt build`."""

from __future__ import annotations

from functools import cached_property
from importlib import metadata
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version
from pydantic import PrivateAttr

from cchc.orchestration.dbt_manifest import DBT_PROJECT_DIR, DBT_TARGET_DIR, dbt_vars
from cchc.orchestration.warm_dbt import LAUNCHER, WarmDbt, start_warm_dbt

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
    #: dbt's working folder, reused by every run: the disk stays bounded (not a new folder
    #: per run) and the next run parses only what changed.
    target_dir: str

    _warm: WarmDbt | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """When dbt is run through the launcher, start this run's warm dbt now: its import
        and parse overlap the loading steps instead of opening the dbt step
        (orchestration/warm_dbt.py). `cchc run` starts it before the run, earlier still."""
        super().setup_for_execution(context)
        if self.dbt_executable == str(LAUNCHER):
            self._warm = start_warm_dbt(
                Path(self.target_dir), self.global_config_flags, self.cli_vars()
            )

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._warm is not None:
            self._warm.close()

    def cli_vars(self) -> list[str]:
        return dbt_vars(self.warehouse, self.memory_limit)

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None
