"""`cchc run`: one in-process run of the nightly job over what is new in the landing zone.

The same job, assets and checks run from the Dagster UI and the schedule; this module only
decides what to select: the (source, day) partitions new or re-delivered
(orchestration/changes.py), or, on a quiet night, only the landing scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import dagster as dg

from cchc.orchestration.changes import Plan, plan
from cchc.orchestration.constants import FULL_REFRESH_TAG
from cchc.orchestration.definitions import JOB_NAME, build_definitions, build_scan_definitions
from cchc.orchestration.defs.raw.scan import SCAN_KEY
from cchc.orchestration.instance import get_instance, prune_runs, set_run_environment
from cchc.orchestration.outcomes import QUIET_TAG, RunReport, read_events, tag_result
from cchc.orchestration.partitions import range_tags
from cchc.orchestration.settings import Settings
from cchc.sources.contracts import CONTRACTS


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    changed: dict[str, list[str]]
    report: RunReport = field(default_factory=RunReport)
    #: {source: (rows loaded, rows quarantined)} of what this run loaded
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: When the kept snapshot was published, if the night was quiet (nothing rebuilt)
    quiet_since: datetime | None = None

    @property
    def failures(self) -> list[str]:
        """Failed blocking checks (with their samples), then failed steps."""
        checks = [f"check {c.name} failed {c.sample}".rstrip() for c in self.report.blocked]
        return checks + self.report.step_failures


def run(
    settings: Settings,
    instance: dg.DagsterInstance | None = None,
    full_refresh: bool = False,
    todo: Plan | None = None,
) -> RunOutcome:
    """One run of the nightly job; `instance` defaults to the persistent one (DAGSTER_HOME).

    `full_refresh` rebuilds the incremental dbt models from all raw rows. A quiet night runs
    only the landing scan and its checks (skipped files, silent sources) and keeps the
    snapshot. `todo`: the plan, if the caller made it (`cchc run`, to know a quiet night
    before the run); made here otherwise.
    """
    todo = todo or plan(settings, full_refresh)
    set_run_environment()
    tags = {"cchc/trigger": "cli"}
    if todo.quiet_since:
        job = build_scan_definitions(settings).resolve_job_def(JOB_NAME)
        selection = [SCAN_KEY]
        tags[QUIET_TAG] = "true"
    else:
        defs = build_definitions(settings)
        job = defs.resolve_job_def(JOB_NAME)
        raw_keys = {dg.AssetKey(["raw", s]) for s in CONTRACTS}
        graph = defs.resolve_asset_graph()
        executable = [k for k in graph.get_all_asset_keys() if graph.get(k).is_executable]
        selection = [k for k in executable if k not in raw_keys]
        selection += [dg.AssetKey(["raw", s]) for s in todo.changed]
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    if todo.changed:
        days = sorted({d for ds in todo.changed.values() for d in ds})
        tags |= range_tags(days[0], days[-1])
    instance = instance or get_instance(settings)
    result = job.execute_in_process(
        instance=instance,
        asset_selection=selection,
        tags=tags,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        raise_on_error=False,
    )
    report = read_events(result.all_events)
    if finished := instance.get_run_by_id(result.run_id):
        tag_result(instance, finished, report)
    prune_runs(instance, settings.keep_run_days, settings.keep_runs)
    return RunOutcome(
        result.success, result.run_id, todo.changed, report, _rows(result), todo.quiet_since
    )


def _rows(result: dg.ExecuteInProcessResult) -> dict[str, tuple[int, int]]:
    out = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        key = materialization.asset_key.path
        meta = materialization.metadata
        if key[0] == "raw" and "rows_loaded" in meta:
            loaded, quarantined = meta["rows_loaded"].value, meta["rows_quarantined"].value
            assert isinstance(loaded, int) and isinstance(quarantined, int)
            out[key[1]] = (loaded, quarantined)
    return out
