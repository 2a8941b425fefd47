"""The nightly schedule: 02:00 in Hưng Yên, over the last week of extract dates (late or
re-delivered folders are caught; days already loaded are skipped by fingerprint)."""

from datetime import timedelta

import dagster as dg

from orchestration.partitions import range_tags

LOOKBACK_DAYS = 7


def build_nightly_schedule(job_name: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="nightly_schedule",
        cron_schedule="0 2 * * *",
        execution_timezone="Asia/Ho_Chi_Minh",
        job_name=job_name,
        description="Ingest → dbt → checks → publish, every night at 02:00.",
    )
    def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        today = context.scheduled_execution_time.date()
        first = today - timedelta(days=LOOKBACK_DAYS - 1)
        return dg.RunRequest(
            run_key=f"nightly-{today}",
            tags={**range_tags(first.isoformat(), today.isoformat()), "cchc/trigger": "schedule"},
        )

    return nightly_schedule
