"""What is new since the warehouse last loaded and published: the one place that decides it.

`cchc run`, the nightly schedule and the landing sensor all ask here, so a day counts as
new (or a night as quiet) by the same rule whoever starts the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from cchc.orchestration.dbt_manifest import ensure_manifest
from cchc.orchestration.settings import Settings
from cchc.orchestration.warehouse import ensure_schema, one_row
from cchc.sources.contracts import CONTRACTS, LOCAL_TZ
from cchc.sources.landing import LandingScan, scan


@dataclass
class Plan:
    """What a run will do: load `changed`, or only account for the landing zone when the
    night is quiet (`quiet_since`: nothing new since that publish)."""

    changed: dict[str, list[str]]
    quiet_since: datetime | None


def plan(settings: Settings, full_refresh: bool = False) -> Plan:
    """Folders outside the partitions (future, before the first date) are not deliveries:
    the landing scan of the run accounts for them, and never holds good folders back.

    Without Dagster (≈ 2 s to import): `cchc run` knows a quiet night before it imports it."""
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse)) as con:
        ensure_schema(con)
        found = scan_landing(settings.landing_dir, settings.first_extract_date)
        changed, _ = changed_deliveries(found, loaded_fingerprints(con))
        quiet = None
        if not changed and not full_refresh:
            quiet = quiet_since(con, ensure_manifest())
    return Plan(changed, quiet)


def scan_landing(landing: Path, first_extract_date: date) -> LandingScan:
    """Deliveries from the first partition to tomorrow in Hưng Yên (a night export may be
    dated the next day), and everything else the landing zone holds."""
    last = datetime.now(ZoneInfo(LOCAL_TZ)).date() + timedelta(days=1)
    return scan(landing, CONTRACTS, first_extract_date, last)


def changed_deliveries(
    found: LandingScan, seen: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """({source: [days new or re-delivered]}, {source/day: fingerprint}) against `seen`, the
    {source/day: fingerprint} already loaded."""
    changed: dict[str, list[str]] = {}
    current: dict[str, str] = {}
    for source in CONTRACTS:
        for day, delivery in found.deliveries.get(source, {}).items():
            key = f"{source}/{day}"
            current[key] = delivery.fingerprint
            if seen.get(key) != delivery.fingerprint:
                changed.setdefault(source, []).append(day)
    return changed, current


def loaded_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{source/day: fingerprint} of what the warehouse has loaded."""
    rows = con.execute(
        "select source || '/' || strftime(extract_date, '%Y-%m-%d'), fingerprint"
        " from audit.deliveries"
    ).fetchall()
    return dict(rows)


def quiet_since(con: duckdb.DuckDBPyConnection, manifest: Path) -> datetime | None:
    """When the current snapshot was published, if nothing it depends on changed since;
    None when a rebuild is due.

    With no new delivery (checked by the caller), the marts change only when a load was
    not published (a blocked night: the gate must judge again), a person accepted a gate
    item, the dbt project changed (a new manifest), or an agency's validity ended since
    (`is_current` is computed against today). And while a PostgreSQL copy that failed is
    owed, no night is quiet: BI tools reading PostgreSQL would keep the older marts until
    new data came (over a holiday, days).
    """
    (published_at,) = one_row(con, "select max(published_at) from audit.publish_log")
    if published_at is None:
        return None
    (copy_owed,) = one_row(con, "select count(*) from audit.postgres_failures")
    (loaded_at,) = one_row(con, "select max(loaded_at) from audit.deliveries")
    (later,) = one_row(
        con,
        "select (select count(*) from audit.acceptances where accepted_at > $at)"
        " + (select count(*) from staging.stg_agencies"
        "    where valid_to >= $at::date and valid_to < current_date)",
        {"at": published_at},
    )
    # the loader stamps loads in the machine's local time, without a zone
    unpublished = loaded_at is not None and loaded_at.astimezone() > published_at
    changed_code = manifest.stat().st_mtime > published_at.timestamp()
    return None if unpublished or later or changed_code or copy_owed else published_at


def quiet_night(warehouse: Path, found: LandingScan, manifest: Path) -> datetime | None:
    """`quiet_since` for a process that must not hold the warehouse (the schedule): read
    only; any doubt (no warehouse yet, a run holding it) means a full run."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            changed, _ = changed_deliveries(found, loaded_fingerprints(con))
            return None if changed else quiet_since(con, manifest)
    except duckdb.Error:
        return None
