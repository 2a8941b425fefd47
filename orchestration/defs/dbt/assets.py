"""dbt models as Dagster assets: raw → staging → intermediate → marts, tests as checks."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.project import PROJECT, ensure_manifest

#: Run tag (value "true") that makes `dbt build` rebuild incremental models from scratch.
FULL_REFRESH_TAG = "cchc/dbt-full-refresh"
#: dbt's target folder, beside the warehouse file.
DBT_TARGET = "dbt-target"


class SchemaTranslator(DagsterDbtTranslator):
    """One rule: a model's schema (= its dbt folder) is its key prefix and its asset group.

    Sources keep dagster-dbt's default key (`raw/<table>`), which is exactly the key of the
    raw ingestion asset that fills that table, so the graph has no gap.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return None
        return dbt_resource_props["schema"]

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:cchc-data"]


@dbt_assets(
    manifest=ensure_manifest(),
    project=PROJECT,
    dagster_dbt_translator=SchemaTranslator(),
)
def cchc_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource):
    """`dbt build`: models, seeds and tests in one invocation (one start-up cost per run).

    Incremental models rebuild from scratch when the run carries FULL_REFRESH_TAG: needed
    once after their logic changes, since a normal night recomputes only what is new.
    dbt's working files go to one folder beside the warehouse, reused by every run: the
    disk stays bounded (not a new folder per run in the source tree) and the next run
    parses only what changed.
    """
    args = ["build"]
    if context.run.tags.get(FULL_REFRESH_TAG) == "true":
        args.append("--full-refresh")
    target = Path(duckdb.database).parent / DBT_TARGET
    yield from dbt.cli(args, context=context, target_path=target).stream()
