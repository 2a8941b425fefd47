"""`cchc run`: one in-process run of the nightly job over what is new in the landing zone.

The same job, assets and checks run from the Dagster UI and the schedule; this module only
decides which (source, day) partitions are new or re-delivered, by comparing the landing
fingerprints with `audit.deliveries` in the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg
import duckdb

from orchestration.definitions import JOB_NAME, build_definitions
from orchestration.defs.dbt.assets import FULL_REFRESH_TAG
from orchestration.instance import get_instance, plan_events_per_asset
from orchestration.partitions import EXTRACT_DATES, range_tags
from orchestration.settings import Settings
from orchestration.warehouse import ensure_schema
from sources.contracts import CONTRACTS
from sources.landing import deliveries


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    changed: dict[str, list[str]]
    failures: list[str] = field(default_factory=list)


def loaded_fingerprints(settings: Settings) -> dict[str, str]:
    """{source/day: fingerprint} of what the warehouse has loaded."""
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse)) as con:
        ensure_schema(con)
        rows = con.execute(
            "select source || '/' || strftime(extract_date, '%Y-%m-%d'), fingerprint"
            " from audit.deliveries"
        ).fetchall()
    return dict(rows)


def pending(settings: Settings) -> dict[str, list[str]]:
    """{source: [days]} landed but not loaded in their current form."""
    seen = loaded_fingerprints(settings)
    out: dict[str, list[str]] = {}
    valid = set(EXTRACT_DATES.get_partition_keys())
    for source in CONTRACTS:
        for day, delivery in deliveries(settings.landing_dir, source).items():
            if seen.get(f"{source}/{day}") == delivery.fingerprint:
                continue
            if day not in valid:
                raise ValueError(
                    f"{settings.landing_dir / source / day}: extract date outside the partitions "
                    f"({EXTRACT_DATES.start:%Y-%m-%d} .. tomorrow); set CCHC_FIRST_EXTRACT_DATE"
                )
            out.setdefault(source, []).append(day)
    return out


def run(
    settings: Settings, instance: dg.DagsterInstance | None = None, full_refresh: bool = False
) -> RunOutcome:
    """One run of the nightly job; `instance` defaults to the persistent one (DAGSTER_HOME).

    `full_refresh` rebuilds the incremental dbt models from all raw rows.
    """
    changed = pending(settings)
    plan_events_per_asset()
    defs = build_definitions(settings)
    job = defs.resolve_job_def(JOB_NAME)
    raw_keys = {dg.AssetKey(["raw", s]) for s in CONTRACTS}
    graph = defs.resolve_asset_graph()
    executable = [k for k in graph.get_all_asset_keys() if graph.get(k).is_executable]
    selection = [k for k in executable if k not in raw_keys]
    selection += [dg.AssetKey(["raw", s]) for s in changed]
    tags = {"cchc/trigger": "cli"}
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    if changed:
        days = sorted({d for ds in changed.values() for d in ds})
        tags |= range_tags(days[0], days[-1])
    result = job.execute_in_process(
        instance=instance or get_instance(settings),
        asset_selection=selection,
        tags=tags,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        raise_on_error=False,
    )
    return RunOutcome(result.success, result.run_id, changed, _failures(result))


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Failed blocking checks (with the failing expectations), then failed steps."""
    out = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                failures = evaluation.metadata.get("failures")
                detail = f" {failures.value}" if failures is not None else ""
                out.append(
                    f"check {evaluation.asset_key.to_user_string()}:"
                    f"{evaluation.check_name} failed{detail}"
                )
        elif event.is_step_failure and event.step_failure_data:
            data = event.step_failure_data
            message = (
                data.user_failure_data.description
                if data.user_failure_data
                else data.error.message
                if data.error
                else "failed"
            )
            out.append(f"step {event.step_key}: {message.strip()}")
    return out
