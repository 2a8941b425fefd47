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
from orchestration.partitions import range_tags
from orchestration.resources import landing_zone
from orchestration.settings import Settings
from orchestration.warehouse import ensure_schema
from sources.contracts import CONTRACTS
from sources.readers import short


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    changed: dict[str, list[str]]
    failures: list[str] = field(default_factory=list)
    #: {source: (rows loaded, rows quarantined)} of what this run loaded
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)


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
    """{source: [days]} landed but not loaded in their current form. Folders outside the
    partitions (future, before the first date) are not deliveries: the landing scan of the
    run accounts for them, and good folders are never held back by them."""
    seen = loaded_fingerprints(settings)
    out: dict[str, list[str]] = {}
    found = landing_zone(settings).scan()
    for source in CONTRACTS:
        for day, delivery in found.deliveries.get(source, {}).items():
            if seen.get(f"{source}/{day}") != delivery.fingerprint:
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
    return RunOutcome(result.success, result.run_id, changed, _failures(result), _rows(result))


def _rows(result: dg.ExecuteInProcessResult) -> dict[str, tuple[int, int]]:
    out = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        key = materialization.asset_key.path
        meta = materialization.metadata
        if key[0] == "raw" and "rows_loaded" in meta:
            out[key[1]] = (meta["rows_loaded"].value, meta["rows_quarantined"].value)
    return out


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
            error = data.error.cause or data.error if data.error else None
            message = (
                data.user_failure_data.description
                if data.user_failure_data
                else f"{error.cls_name}: {error.message}"
                if error
                else "failed"
            )
            out.append(f"step {event.step_key}: {plain_cause(message)}")
    return out


def plain_cause(message: str) -> str:
    """A step's error as a person should read it: a full disk or a lock said so plainly,
    anything else cut short (a driver's message may quote data)."""
    text = message.strip()
    if "No space left on device" in text or "Errno 28" in text:
        return "the disk is full (No space left on device): free space and run again"
    if "Could not set lock on file" in text or "Conflicting lock" in text:
        return "another process holds the DuckDB file open for writing: " + short(text, 200)
    return short(text)
