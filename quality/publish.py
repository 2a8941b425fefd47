"""Write–audit–publish: copy the audited marts into a new snapshot (with its scorecard
report), then swap it in.

The new DuckDB file and Parquet folder are written beside the published ones and renamed
over them, so a BI tool sees the old snapshot or the new one, never half of one. A reader
holding the old file open keeps reading its (unlinked) inode and never blocks the run.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.report import write_report

#: Tables BI tools read (SPEC §4); publish_log is appended here, the others copied.
MART_TABLES = (
    "dim_agency",
    "fct_dossier_monthly",
    "fct_signed_document_monthly",
    "fct_headcount_reduction",
    "fct_disbursement_monthly",
    "indicator_scorecard",
    "source_freshness",
)
PUBLISH_LOG_DDL = """
create table snapshot.marts.publish_log (
    published_at timestamp, run_id varchar, data_through date,
    checks_passed integer, checks_failed integer
)
"""


@dataclass(frozen=True)
class Published:
    path: Path
    data_through: date | None
    row_counts: dict[str, int]


def publish(
    warehouse: Path, published: Path, run_id: str, checks_passed: int, checks_failed: int
) -> Published:
    """Build the snapshot from `warehouse`'s marts and atomically replace `published`."""
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp_db = published.with_name(f".{published.name}.{run_id}.tmp")
    tmp_parquet = published.parent / f".parquet.{run_id}.tmp"
    try:
        return _build_and_swap(
            warehouse, published, run_id, checks_passed, checks_failed, tmp_db, tmp_parquet
        )
    finally:  # after a swap these are gone; after a failure they must not linger
        for leftover in (tmp_db, tmp_parquet, tmp_parquet.with_name(f".report.{run_id}.tmp")):
            _remove(leftover)


def _build_and_swap(
    warehouse: Path,
    published: Path,
    run_id: str,
    checks_passed: int,
    checks_failed: int,
    tmp_db: Path,
    tmp_parquet: Path,
) -> Published:
    tmp_parquet.mkdir()
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"attach '{tmp_db}' as snapshot")
        con.execute("create schema snapshot.marts")
        row_counts = {}
        for table in MART_TABLES:
            con.execute(f"create table snapshot.marts.{table} as select * from marts.{table}")
            row_counts[table] = con.execute(
                f"select count(*) from snapshot.marts.{table}"
            ).fetchone()[0]
        con.execute(PUBLISH_LOG_DDL)
        if published.exists():
            con.execute(f"attach '{published}' as previous (read_only)")
            con.execute(
                "insert into snapshot.marts.publish_log select * from previous.marts.publish_log"
            )
            con.execute("detach previous")
        data_through = con.execute(
            "select max(latest_extract_date) from marts.source_freshness"
        ).fetchone()[0]
        con.execute(
            "insert into snapshot.marts.publish_log values (?, ?, ?, ?, ?)",
            [datetime.now(), run_id, data_through, checks_passed, checks_failed],
        )
        for table in (*MART_TABLES, "publish_log"):
            target = tmp_parquet / f"{table}.parquet"
            con.execute(f"copy snapshot.marts.{table} to '{target}' (format parquet)")
        con.execute("detach snapshot")
    tmp_report = write_report(tmp_db, tmp_parquet.with_name(f".report.{run_id}.tmp")).parent
    _swap_in(tmp_db, published)
    _swap_in(tmp_parquet, published.parent / "parquet")
    _swap_in(tmp_report, published.parent / "report")
    return Published(published, data_through, row_counts)


def _swap_in(new: Path, target: Path) -> None:
    """Rename `new` over `target` (atomic for a file; a folder swap leaves no gap either)."""
    if new.is_dir() and target.exists():
        old = target.with_name(f".{target.name}.old")
        _remove(old)
        os.replace(target, old)
        os.replace(new, target)
        _remove(old)
    else:
        os.replace(new, target)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
