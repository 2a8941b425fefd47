"""The gate's memory, kept in the working warehouse so a decision lasts beyond one run.

Two rules decide from the warehouse's whole state, not from what one run happened to load:
- every landing item that is not a loadable delivery (`cchc.sources.landing.Skipped`, plus
  loaded days whose folder was emptied or removed) is accounted for; blocking ones hold the
  snapshot back;
- no loaded source-day quarantines more than the configured share of its rows.

A plain re-run therefore stays blocked; a re-delivery replaces the day (new fingerprint,
new ingestion-log rows) and passes or fails on its own; `cchc accept` records who let which
item through and why, tied to the item's fingerprint, so a changed item is judged anew.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cchc.sources.landing import LandingScan, Skipped


@dataclass(frozen=True)
class GateItem:
    """One thing holding the snapshot back (or accepted): subject, fingerprint, reason."""

    subject: str
    fingerprint: str
    reason: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.reason}"


def _emptied_or_withdrawn(
    con: duckdb.DuckDBPyConnection, found: LandingScan, landing: Path
) -> list[Skipped]:
    """Loaded days whose folder no longer holds an extract: an explicit event, never a
    silent keep. Their rows stay loaded until the day is re-delivered or accepted."""
    rows = con.execute(
        "select d.source, strftime(d.extract_date, '%Y-%m-%d'), d.fingerprint,"
        " coalesce(sum(l.rows_loaded), 0)"
        " from audit.deliveries d left join audit.ingestion_log l"
        " on l.source = d.source and l.extract_date = d.extract_date"
        " group by all order by all"
    ).fetchall()
    out = []
    for source, day, loaded_fingerprint, rows_loaded in rows:
        if day in found.deliveries.get(source, {}):
            continue
        folder = landing / source / day
        what = "emptied" if folder.is_dir() else "withdrawn (folder removed)"
        out.append(
            Skipped(
                os.path.join(source, day),
                f"{what} after loading; the {rows_loaded} rows loaded from it are kept",
                True,
                f"{what.split()[0]}|{loaded_fingerprint}",
            )
        )
    return out


def record_scan(con: duckdb.DuckDBPyConnection, found: LandingScan, landing: Path) -> list[Skipped]:
    """Replace `audit.landing_items` with this scan's account; return every item."""
    items = [*found.skipped, *_emptied_or_withdrawn(con, found, landing)]
    con.execute("begin transaction")
    con.execute("delete from audit.landing_items")
    if items:
        con.executemany(
            "insert into audit.landing_items values (?, ?, ?, ?, now())",
            [(i.path, i.reason, i.blocking, i.fingerprint) for i in items],
        )
    con.execute("commit")
    return items


def _accepted(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return set(con.execute("select subject, fingerprint from audit.acceptances").fetchall())


def unaccounted(con: duckdb.DuckDBPyConnection) -> list[GateItem]:
    """Blocking landing items of the last scan that nobody accepted."""
    rows = con.execute(
        "select path, fingerprint, reason from audit.landing_items where blocking order by path"
    ).fetchall()
    accepted = _accepted(con)
    return [GateItem(*r) for r in rows if (r[0], r[1]) not in accepted]


def over_ratio(con: duckdb.DuckDBPyConnection, source: str, max_ratio: float) -> list[GateItem]:
    """Loaded days of `source` quarantining more than `max_ratio` of their rows, unaccepted."""
    rows = con.execute(
        "select l.source || '/' || strftime(l.extract_date, '%Y-%m-%d'), d.fingerprint,"
        " sum(l.rows_quarantined), sum(l.rows_read)"
        " from audit.ingestion_log l join audit.deliveries d"
        " on d.source = l.source and d.extract_date = l.extract_date"
        " where l.source = ? group by all"
        " having sum(l.rows_quarantined) > ? * sum(l.rows_read) order by 1",
        [source, max_ratio],
    ).fetchall()
    accepted = _accepted(con)
    return [
        GateItem(
            subject,
            fingerprint,
            f"{bad} of {read} rows quarantined ({bad / read:.1%}; the limit is {max_ratio:.1%},"
            " CCHC_MAX_QUARANTINE_RATIO)",
        )
        for subject, fingerprint, bad, read in rows
        if (subject, fingerprint) not in accepted
    ]


def blocked(con: duckdb.DuckDBPyConnection, sources: list[str], max_ratio: float) -> list[GateItem]:
    """Everything the gate holds against publishing right now."""
    items = unaccounted(con)
    for source in sources:
        items += over_ratio(con, source, max_ratio)
    return items


def accept(
    con: duckdb.DuckDBPyConnection,
    pattern: str,
    accepted_by: str,
    reason: str,
    sources: list[str],
    max_ratio: float,
) -> list[GateItem]:
    """Accept every blocked item whose subject matches `pattern` (a path, a source/day, or
    a shell pattern such as `dossiers/2025-*`); return what was accepted."""
    matched = [i for i in blocked(con, sources, max_ratio) if fnmatch.fnmatch(i.subject, pattern)]
    if not matched:
        return []
    con.executemany(
        "insert into audit.acceptances values (?, ?, ?, ?, now())",
        [(i.subject, i.fingerprint, accepted_by, reason) for i in matched],
    )
    return matched


def accepted_since_last_publish(con: duckdb.DuckDBPyConnection) -> str | None:
    """Who accepted what, and why, since the last publish: shown in that publish's log."""
    rows = con.execute(
        "select subject, accepted_by, reason from audit.acceptances where accepted_at >"
        " coalesce((select max(published_at) from audit.publish_log), '-infinity'::timestamptz)"
        " order by accepted_at, subject"
    ).fetchall()
    return "; ".join(f"{s} accepted by {b}: {r}" for s, b, r in rows) or None
