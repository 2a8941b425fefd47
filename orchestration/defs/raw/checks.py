"""Landing freshness: warn when a daily source has sent nothing for too long."""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.resources import LandingZone
from sources.contracts import CONTRACTS
from sources.landing import deliveries

DAILY = [c for c in CONTRACTS.values() if c.max_silent_days is not None]


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name="landing_freshness",
            asset=dg.AssetKey(["raw", c.name]),
            description=f"Warns when {c.name} has sent nothing for {c.max_silent_days} days.",
        )
        for c in DAILY
    ],
    can_subset=True,
)
def landing_freshness(
    context: dg.AssetCheckExecutionContext, landing: LandingZone
) -> Iterator[dg.AssetCheckResult]:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    for contract in DAILY:
        key = dg.AssetKey(["raw", contract.name])
        if dg.AssetCheckKey(key, "landing_freshness") not in context.selected_asset_check_keys:
            continue
        days = sorted(deliveries(Path(landing.path), contract.name))
        latest = datetime.fromisoformat(days[-1]).date() if days else None
        silent = (today - latest).days if latest else None
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name="landing_freshness",
            passed=silent is not None and silent < contract.max_silent_days,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"latest_delivery": str(latest), "days_silent": silent or -1},
        )
