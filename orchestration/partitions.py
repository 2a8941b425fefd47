"""The daily extract-date partitions shared by every raw asset."""

from __future__ import annotations

from datetime import date

import dagster as dg

from cchc.sources.contracts import LOCAL_TZ

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def extract_dates(first: date) -> dg.DailyPartitionsDefinition:
    """One partition per landing folder date from `first` (CCHC_FIRST_EXTRACT_DATE);
    `end_offset=1` so today's folder is loadable."""
    return dg.DailyPartitionsDefinition(
        start_date=first.isoformat(), end_offset=1, timezone=LOCAL_TZ
    )


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags asking for one run over the partitions `first`..`last` (single-run backfill)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}
