"""Alerts for runs the daemon launched (schedule, sensor, UI): when a nightly run ends,
its incidents go to the people configured in CCHC_ALERT_* (orchestration/alerts.py)."""

from __future__ import annotations

import dagster as dg

from cchc.orchestration.alerts import incidents, notify
from cchc.orchestration.instance import prune_runs
from cchc.orchestration.outcomes import read_events, tag_result
from cchc.orchestration.settings import Settings


def build_alert_sensors(job: dg.UnresolvedAssetJobDefinition, settings: Settings) -> list:
    """One sensor for finished runs, one for failed ones; both read the run's events."""

    def alert(context: dg.RunStatusSensorContext, failed: bool) -> None:
        run = context.dagster_run
        report = read_events(
            record.dagster_event
            for record in context.instance.all_logs(run.run_id)
            if record.dagster_event is not None
        )
        if run.tags.get("cchc/trigger") != "cli":  # `cchc run` tags its own runs
            tag_result(context.instance, run, report)
        found = incidents(report, run_failed=failed)
        sent = notify(settings.data_dir, found, run.run_id, settings.alerts)
        pruned = prune_runs(context.instance, settings.keep_run_days, settings.keep_runs)
        context.log.info(
            f"{len(found)} incident(s), {len(sent)} new and announced; {pruned} old run(s) pruned"
        )

    @dg.run_status_sensor(
        name="alert_after_run",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Announces warnings (a failed warning check, a silent source) of a run.",
    )
    def alert_after_run(context: dg.RunStatusSensorContext) -> None:
        alert(context, failed=False)

    @dg.run_failure_sensor(
        name="alert_on_failure",
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Announces a failed or blocked run, with the failing checks and samples.",
    )
    def alert_on_failure(context: dg.RunFailureSensorContext) -> None:
        alert(context, failed=True)

    return [alert_after_run, alert_on_failure]
