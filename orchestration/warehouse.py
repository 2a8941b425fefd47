"""Tables the pipeline itself owns in the working warehouse: `raw.*` and `audit.*`.

Raw tables hold the typed canonical columns of every loaded row plus lineage (extract date,
file, row number). Personal columns are replaced by a keyed hash (`applicant_key`) before
any row is written; quarantine keeps the id pseudonymised the same way and no names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from cchc.sources.contracts import CONTRACTS, SourceContract

PSEUDONYM_COLUMN = "applicant_key"


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple[Any, ...]:
    """The row of a query that always returns one (an aggregate, a count): no row here is a
    broken warehouse, said so, rather than a `None` unpacked further on."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise LookupError(f"no row from: {sql}")
    return row


AUDIT_DDL = """
create schema if not exists audit;
create schema if not exists raw;
create table if not exists audit.quarantine (
    source varchar, extract_date date, file varchar, row_number bigint,
    raw_values varchar, reason varchar, loaded_at timestamp
);
create table if not exists audit.ingestion_log (
    source varchar, extract_date date, file varchar, rows_read bigint,
    rows_loaded bigint, rows_quarantined bigint, loaded_at timestamp
);
-- what the last scan of the landing zone found that is not a loadable delivery
create table if not exists audit.landing_items (
    path varchar, reason varchar, blocking boolean, fingerprint varchar,
    seen_at timestamp with time zone
);
-- a person's decision to publish despite a gate item (path or source/day, as it was then)
create table if not exists audit.acceptances (
    subject varchar, fingerprint varchar, accepted_by varchar, reason varchar,
    accepted_at timestamp with time zone
);
create table if not exists audit.publish_log (
    published_at timestamp with time zone, run_id varchar, data_through date,
    checks_passed integer, checks_failed integer, accepted varchar
);
comment on table audit.publish_log is 'One row per publish of the snapshot, oldest first.';
comment on column audit.publish_log.published_at is 'When the snapshot became current.';
comment on column audit.publish_log.run_id is 'Dagster run that published it.';
comment on column audit.publish_log.data_through is
    'Latest extract date loaded: the data describe the province up to this day.';
comment on column audit.publish_log.checks_passed is 'Quality checks that passed in the run.';
comment on column audit.publish_log.checks_failed is
    'Warning checks that failed in the run (a failed blocking check never publishes).';
comment on column audit.publish_log.accepted is
    'Gate items a person let through since the previous publish: who, what and why.';
create table if not exists audit.dbt_builds (
    build_no integer primary key, started_at timestamp with time zone,
    published_at timestamp with time zone
);
comment on table audit.dbt_builds is
    'One row per dbt invocation, numbered in order; staging rows carry the number (_build_no).';
comment on column audit.dbt_builds.published_at is
    'When a snapshot built from this build was published: every blocking check had passed.';
-- copies to PostgreSQL that failed and are owed: no night is quiet until one succeeds
create table if not exists audit.postgres_failures (
    run_id varchar, failed_at timestamp with time zone, error varchar
);
comment on table audit.postgres_failures is
    'Failed copies of a published snapshot to PostgreSQL, kept until a copy succeeds.';
create table if not exists audit.deliveries (
    source varchar, extract_date date, fingerprint varchar, files bigint, loaded_at timestamp,
    primary key (source, extract_date)
);
"""


def raw_columns(contract: SourceContract) -> list[tuple[str, str]]:
    """(name, DuckDB type) of `raw.<source>`, personal columns replaced by their pseudonym."""
    cols = [("_extract_date", "DATE"), ("_file", "VARCHAR"), ("_row_number", "BIGINT")]
    cols += [(c.name, c.duckdb_type) for c in contract.columns if not c.personal]
    if contract.personal:
        cols.append((PSEUDONYM_COLUMN, "VARCHAR"))
    return [*cols, ("_extra", "VARCHAR"), ("_loaded_at", "TIMESTAMP")]


class BrokenWarehouse(RuntimeError):
    """The working DuckDB file cannot be opened."""


def check_openable(path: Path) -> None:
    """Raise BrokenWarehouse saying what is wrong with `path` and what to do."""
    if not path.exists():
        return
    try:
        duckdb.connect(str(path)).close()
    except duckdb.Error as exc:
        if "not a valid DuckDB database" in str(exc):
            raise BrokenWarehouse(
                f"the working warehouse {path} is not a DuckDB database (empty or damaged). "
                "It holds nothing the landing zone cannot rebuild: move it aside "
                f"(mv {path} {path}.broken) and run `cchc run` again to reload every "
                "delivery still in the landing zone."
            ) from None
        if "lock" in str(exc).lower():
            raise BrokenWarehouse(
                f"another process has the working warehouse {path} open for writing (a "
                "DuckDB CLI or BI tool?): close it and run again; BI tools read the "
                "published snapshot, never this file."
            ) from None
        raise BrokenWarehouse(
            f"the working warehouse {path} cannot be opened: {exc}"[:400]
        ) from None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the audit and raw tables; a column added to a contract since the warehouse
    was created is added to its raw table (blank in the rows loaded before)."""
    con.execute(AUDIT_DDL)
    existing = set(
        con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'raw'"
        ).fetchall()
    )
    for contract in CONTRACTS.values():
        columns = raw_columns(contract)
        body = ", ".join(f"{name} {typ}" for name, typ in columns)
        con.execute(f"create table if not exists raw.{contract.name} ({body})")
        if any((contract.name, name) in existing for name, _ in columns):
            for name, typ in columns:
                if (contract.name, name) not in existing:
                    con.execute(f"alter table raw.{contract.name} add column {name} {typ}")
