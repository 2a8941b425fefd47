"""The one `Definitions` of the CCHC warehouse, assembled from the per-concern modules, and
the landing scan's part of it that a quiet night runs."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from cchc.orchestration.dbt_manifest import DBT_EXECUTABLE, DBT_GLOBAL_FLAGS, ensure_manifest
from cchc.orchestration.defs.alerts.sensors import build_alert_sensors
from cchc.orchestration.defs.publish.assets import build_snapshot_asset
from cchc.orchestration.defs.quality.checks import GX_CHECKS
from cchc.orchestration.defs.raw.assets import build_raw_assets
from cchc.orchestration.defs.raw.scan import landing_scan
from cchc.orchestration.defs.raw.sensors import build_landing_sensor
from cchc.orchestration.defs.schedules import build_nightly_schedule
from cchc.orchestration.outcomes import QUIET_TAG
from cchc.orchestration.partitions import extract_dates
from cchc.orchestration.resources import GxValidation, landing_zone, publish_target
from cchc.orchestration.settings import Settings, load_settings

JOB_NAME = "nightly"
#: Runs share one DuckDB file: never more than one at a time (see dagster.yaml). Retries
#: are for transient failures (a crashed process), not for a gate that blocked on bad data.
JOB_TAGS = {
    "cchc/warehouse": "working",
    "dagster/max_retries": "2",
    "dagster/retry_strategy": "FROM_FAILURE",
    "dagster/retry_on_asset_or_op_failure": "false",
}


def _job(description: str) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.all(),
        tags=JOB_TAGS,
        description=description,
        # every step writes the one working DuckDB file: steps in parallel processes would
        # fight over its lock, so runs launched by the daemon run in one process like `cchc run`
        executor_def=dg.in_process_executor,
    )


def _duckdb(settings: Settings) -> DuckDBResource:
    return DuckDBResource(
        database=str(settings.warehouse),
        connection_config={"memory_limit": settings.duckdb_memory_limit},
    )


def build_definitions(settings: Settings) -> dg.Definitions:
    """The definitions for `settings`. The dbt manifest is prepared here (`dbt parse` when
    the project changed since it was last parsed), not when a module is imported."""
    # dagster-dbt imports dbt-core (2 s): only when the dbt assets are built, so that a quiet
    # night (`build_scan_definitions`) never pays it
    from cchc.orchestration.defs.dbt.assets import build_dbt_assets
    from cchc.orchestration.defs.dbt.project import PROJECT, DbtCli
    from cchc.orchestration.warm_dbt import LAUNCHER

    raw_assets = build_raw_assets(extract_dates(settings.first_extract_date))
    dbt_models = build_dbt_assets(ensure_manifest())
    marts = [k for k in dbt_models.keys if k.path[0] == "marts"]
    checked = [landing_scan, *raw_assets, dbt_models, *GX_CHECKS]
    checks = [key for definition in checked for key in definition.check_keys]
    assets = [landing_scan, *raw_assets, dbt_models, build_snapshot_asset(marts, checks)]
    raw_keys = {k for a in raw_assets for k in a.keys}
    downstream = [k for a in assets for k in a.keys if k not in raw_keys]
    job = _job("Ingest → dbt → quality checks → publish.")
    return dg.Definitions(
        assets=assets,
        asset_checks=GX_CHECKS,
        jobs=[job],
        schedules=[build_nightly_schedule(JOB_NAME, settings.nightly_cron, QUIET_TAG)],
        sensors=[build_landing_sensor(JOB_NAME, downstream), *build_alert_sensors(job, settings)],
        resources={
            "duckdb": _duckdb(settings),
            "landing": landing_zone(settings),
            "gx": GxValidation(),
            "target": publish_target(settings),
            "dbt": DbtCli(
                project_dir=str(PROJECT.project_dir),
                profiles_dir=str(PROJECT.profiles_dir),
                # the launcher hands `dbt build` to the run's warm dbt (orchestration/warm_dbt.py)
                dbt_executable=str(LAUNCHER) if LAUNCHER.exists() else DBT_EXECUTABLE,
                global_config_flags=DBT_GLOBAL_FLAGS,
                warehouse=str(settings.warehouse),
                memory_limit=settings.duckdb_memory_limit,
                target_dir=str(settings.dbt_target_dir),
            ),
        },
    )


def build_scan_definitions(settings: Settings) -> dg.Definitions:
    """The nightly job with only the landing scan and its checks: what a quiet night runs
    (`cchc run`). The run is recorded under the same job and asset keys as any other; it
    skips building the dbt assets and importing dbt, most of a quiet night's cost."""
    return dg.Definitions(
        assets=[landing_scan],
        jobs=[_job("A night with nothing new: the landing scan and its checks only.")],
        resources={"duckdb": _duckdb(settings), "landing": landing_zone(settings)},
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location's entry point, called when Dagster loads it (not at import)."""
    return build_definitions(load_settings())
