"""What is new since the warehouse last loaded and published: the one place that decides it.

`cchc run`, the nightly schedule and the landing sensor all ask here, so a day counts as
new (or a night as quiet) by the same rule whoever starts the run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from cchc.orchestration.warehouse import one_row
from cchc.sources.contracts import CONTRACTS
from cchc.sources.landing import LandingScan


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
    (`is_current` is computed against today).
    """
    (published_at,) = one_row(con, "select max(published_at) from audit.publish_log")
    if published_at is None:
        return None
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
    return None if unpublished or later or changed_code else published_at


def quiet_night(warehouse: Path, found: LandingScan, manifest: Path) -> datetime | None:
    """`quiet_since` for a process that must not hold the warehouse (the schedule): read
    only; any doubt (no warehouse yet, a run holding it) means a full run."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            changed, _ = changed_deliveries(found, loaded_fingerprints(con))
            return None if changed else quiet_since(con, manifest)
    except duckdb.Error:
        return None
