"""Notice new or re-delivered (source, day) landing folders and request exactly those loads."""

import hashlib
import json

import dagster as dg

from cchc.orchestration.changes import changed_deliveries
from cchc.orchestration.partitions import range_tags
from cchc.orchestration.resources import LandingZone


def build_landing_sensor(job_name: str, downstream: list[dg.AssetKey]) -> dg.SensorDefinition:
    """One run per tick over the changed days' range: the changed sources plus everything
    downstream of raw. Days in the range that did not change are skipped by fingerprint."""

    @dg.sensor(
        name="landing_sensor",
        job_name=job_name,
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests a load of every new or re-delivered landing folder.",
    )
    def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingZone):
        seen = json.loads(context.cursor) if context.cursor else {}
        changed, current = changed_deliveries(landing.scan(), seen)
        if not changed:
            return dg.SkipReason("No new or re-delivered landing folders.")
        days = sorted({d for ds in changed.values() for d in ds})
        state = json.dumps(current, sort_keys=True)
        context.update_cursor(state)
        return dg.RunRequest(
            run_key="landing-" + hashlib.sha256(state.encode()).hexdigest()[:16],
            asset_selection=[dg.AssetKey(["raw", s]) for s in sorted(changed)] + downstream,
            tags={**range_tags(days[0], days[-1]), "cchc/trigger": "landing_sensor"},
        )

    return landing_sensor
