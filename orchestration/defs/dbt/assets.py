"""dbt models as Dagster assets: raw → staging → intermediate → marts, tests as checks."""

import io
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, dbt_assets

from cchc.orchestration.constants import FULL_REFRESH_TAG, OWNERS
from cchc.orchestration.defs.dbt.project import PROJECT, DbtCli
from cchc.orchestration.resources import GxValidation

PROGRESS_EVERY = 5
#: dbt log lines worth a person's attention (errors, failed or warned tests).
_PROBLEM = re.compile(r"\b(errors?|fail(ed|ure)?|warn(ings?)?)\b(?!=)", re.IGNORECASE)


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
        return OWNERS


def build_dbt_assets(manifest: Path) -> dg.AssetsDefinition:
    """Every dbt model, seed and test of the prepared `manifest` as assets and checks."""

    @dbt_assets(
        manifest=manifest,
        project=PROJECT,
        dagster_dbt_translator=SchemaTranslator(),
    )
    def cchc_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCli, gx: GxValidation):
        """`dbt build`: models, seeds and tests in one invocation (one start-up cost per run).

        Incremental models rebuild from scratch when the run carries FULL_REFRESH_TAG: needed
        once after their logic changes, since a normal night recomputes only what is new.
        """
        gx.prepare()  # GX's import overlaps the build, which leaves a core mostly idle
        args = ["build", *dbt.cli_vars()]
        if context.run.tags.get(FULL_REFRESH_TAG) == "true":
            args.append("--full-refresh")
        target = Path(dbt.target_dir)
        total = len(context.selected_asset_keys)
        with _quiet_dagster_dbt():
            events = dbt.cli(args, context=context, target_path=target).stream()
            yield from _with_progress(context, events, total)

    return cchc_dbt_models


@contextmanager
def _quiet_dagster_dbt() -> Iterator[None]:
    """dagster-dbt's own INFO lines ("subsetted execution is not being performed", "Copying
    partial_parse.msgpack", the command line) say nothing a person acts on."""
    builtin = logging.getLogger("dagster.builtin")
    level = builtin.level
    builtin.setLevel(logging.WARNING)
    try:
        yield
    finally:
        builtin.setLevel(level)


def _with_progress(
    context: dg.AssetExecutionContext, events: Iterator[Any], total: int
) -> Iterator[Any]:
    """dagster-dbt echoes every dbt log line to stdout (a hundred per run); keep only the
    lines that say something went wrong, and log how many models are built."""
    done = 0
    while True:
        echoed = io.StringIO()
        with redirect_stdout(echoed):
            event = next(events, None)
        for line in echoed.getvalue().splitlines():
            if _PROBLEM.search(line):
                context.log.warning(f"dbt: {line.strip()}")
        if event is None:
            return
        if isinstance(event, dg.Output):
            done += 1
            if done % PROGRESS_EVERY == 0 or done == total:
                context.log.info(f"dbt: {done} of {total} models built")
        yield event
