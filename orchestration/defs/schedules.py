"""The nightly schedule: 02:00 in Hưng Yên, over the last week of extract dates (late or
re-delivered folders are caught; days already loaded are skipped by fingerprint)."""

from datetime import timedelta

import dagster as dg

from orchestration.partitions import range_tags

LOOKBACK_DAYS = 7


def build_nightly_schedule(job_name: str, cron: str) -> dg.ScheduleDefinition:
    """Running by default: a deployed server publishes every night without anyone
    switching the schedule on in the UI."""

    @dg.schedule(
        name="nightly_schedule",
        cron_schedule=cron,
        execution_timezone="Asia/Ho_Chi_Minh",
        job_name=job_name,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Ingest → dbt → checks → publish, at `{cron}` (default 02:00 nightly).",
    )
    def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        today = context.scheduled_execution_time.date()
        first = today - timedelta(days=LOOKBACK_DAYS - 1)
        return dg.RunRequest(
            run_key=f"nightly-{today}",
            tags={**range_tags(first.isoformat(), today.isoformat()), "cchc/trigger": "schedule"},
        )

    return nightly_schedule
