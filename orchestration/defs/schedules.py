"""The nightly schedule: 02:00 in Hưng Yên, over the last week of extract dates (late or
re-delivered folders are caught; days already loaded are skipped by fingerprint)."""

from datetime import timedelta
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from cchc.orchestration.changes import quiet_night
from cchc.orchestration.dbt_manifest import MANIFEST_PATH
from cchc.orchestration.defs.raw.scan import SCAN_KEY
from cchc.orchestration.partitions import range_tags
from cchc.orchestration.resources import LandingZone
from cchc.sources.contracts import LOCAL_TZ

LOOKBACK_DAYS = 7


def build_nightly_schedule(job_name: str, cron: str, quiet_tag: str) -> dg.ScheduleDefinition:
    """Running by default: a deployed server publishes every night without anyone
    switching the schedule on in the UI. A night with nothing new since the last publish
    runs only the landing scan (skipped files, silent sources) and keeps the snapshot."""

    @dg.schedule(
        name="nightly_schedule",
        cron_schedule=cron,
        execution_timezone=LOCAL_TZ,
        job_name=job_name,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Ingest → dbt → checks → publish, at `{cron}` (default 02:00 nightly).",
    )
    def nightly_schedule(
        context: dg.ScheduleEvaluationContext, landing: LandingZone, duckdb: DuckDBResource
    ) -> dg.RunRequest:
        today = context.scheduled_execution_time.date()
        if quiet_night(Path(duckdb.database), landing.scan(), MANIFEST_PATH):
            return dg.RunRequest(
                run_key=f"nightly-{today}",
                asset_selection=[SCAN_KEY],
                tags={quiet_tag: "true", "cchc/trigger": "schedule"},
            )
        first = today - timedelta(days=LOOKBACK_DAYS - 1)
        return dg.RunRequest(
            run_key=f"nightly-{today}",
            tags={**range_tags(first.isoformat(), today.isoformat()), "cchc/trigger": "schedule"},
        )

    return nightly_schedule
