"""The landing scan: the run's account of every file and folder in the landing zone.

It runs first in every run, loaded or not, and records in `audit.landing_items` what is not
a loadable delivery and why; its check keeps the snapshot from publishing while a blocking
item is neither fixed nor accepted (`cchc accept`), on this run and every later one. Its
freshness checks warn when a daily source has sent nothing for too long: on every run,
since a night with nothing new is exactly when silence matters.
"""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
from dagster_duckdb import DuckDBResource

from cchc.orchestration.constants import OWNERS
from cchc.orchestration.resources import LandingZone
from cchc.orchestration.warehouse import ensure_schema
from cchc.quality.gate import record_scan, unaccounted
from cchc.sources.contracts import CONTRACTS, LOCAL_TZ
from cchc.sources.landing import LandingScan

SCAN_KEY = dg.AssetKey(["audit", "landing_scan"])
CHECK_NAME = "accounted"
#: Items listed in the check's metadata and description (the audit table has them all).
SHOWN = 20
DAILY = [c for c in CONTRACTS.values() if c.max_silent_days is not None]
FRESHNESS_PREFIX = "freshness_"


@dg.asset(
    key=SCAN_KEY,
    group_name="raw",
    kinds={"duckdb"},
    owners=OWNERS,
    description=(
        "Every file and folder of the landing zone, accounted for: loadable deliveries go to "
        "the raw assets, everything else is listed in audit.landing_items with its reason."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=SCAN_KEY,
            description="Blocking (CCHC_SKIPPED_FILES=block) or warning: nothing in the "
            "landing zone is skipped without a person fixing or accepting it.",
        ),
        *(
            dg.AssetCheckSpec(
                f"{FRESHNESS_PREFIX}{c.name}",
                asset=SCAN_KEY,
                description=f"Warning: {c.name} has sent nothing for {c.max_silent_days} days.",
            )
            for c in DAILY
        ),
    ],
)
def landing_scan(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, landing: LandingZone
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    found = landing.scan()
    with duckdb.get_connection() as con:
        ensure_schema(con)
        items = record_scan(con, found, landing.path_obj)
        open_items = unaccounted(con)
    days = sum(len(d) for d in found.deliveries.values())
    for item in open_items[:SHOWN]:
        context.log.warning(f"landing item not loaded: {item}")
    yield dg.MaterializeResult(
        metadata={
            "deliveries": days,
            "skipped": len(items),
            "skipped_blocking": sum(i.blocking for i in items),
            "unaccounted": len(open_items),
        }
    )
    yield dg.AssetCheckResult(
        check_name=CHECK_NAME,
        passed=not open_items,
        severity=dg.AssetCheckSeverity.ERROR
        if landing.block_on_skipped
        else dg.AssetCheckSeverity.WARN,
        metadata={
            "unaccounted": len(open_items),
            "failures": dg.MetadataValue.json([str(i) for i in open_items[:SHOWN]]),
        },
    )
    yield from _freshness(found)


def _freshness(found: LandingScan) -> Iterator[dg.AssetCheckResult]:
    """A warning per daily source whose latest loadable delivery is too old."""
    today = datetime.now(ZoneInfo(LOCAL_TZ)).date()
    for contract in DAILY:
        days = sorted(found.deliveries.get(contract.name, {}))
        latest = datetime.fromisoformat(days[-1]).date() if days else None
        silent = (today - latest).days if latest else None
        limit = contract.max_silent_days
        passed = silent is not None and limit is not None and silent < limit
        yield dg.AssetCheckResult(
            check_name=f"{FRESHNESS_PREFIX}{contract.name}",
            passed=passed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "latest_delivery": str(latest),
                "days_silent": silent if silent is not None else -1,
                "failures": dg.MetadataValue.json(
                    []
                    if passed
                    else [
                        f"{contract.name}: latest delivery {latest}, {silent} days ago"
                        if latest
                        else f"{contract.name}: no delivery yet"
                    ]
                ),
            },
        )
