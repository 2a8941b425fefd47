"""`cchc status`: read only the published snapshot, so it never waits on a running pipeline."""

from __future__ import annotations

import duckdb

from cchc.orchestration.settings import Settings


def status_lines(settings: Settings) -> list[str]:
    path = settings.published
    if not path.exists():
        return [f"No snapshot published yet at {path}."]
    with duckdb.connect(str(path), read_only=True) as con:
        log = con.execute(
            "select published_at, run_id, data_through, checks_passed, checks_failed"
            " from marts.publish_log order by published_at desc limit 5"
        ).fetchall()
        fresh = con.execute(
            "select source, latest_extract_date, days_loaded from marts.source_freshness"
            " order by source"
        ).fetchall()
    lines = [f"Published snapshot: {path}", "", "Publish log (latest first):"]
    lines += [
        f"  {p:%Y-%m-%d %H:%M}  run {r[:8]}  data through {d}  checks {ok} passed, {bad} failed"
        for p, r, d, ok, bad in log
    ]
    lines += ["", "Source freshness (latest extract date loaded):"]
    lines += [f"  {s:<16} {d}  ({n} extract dates loaded)" for s, d, n in fresh]
    return lines
