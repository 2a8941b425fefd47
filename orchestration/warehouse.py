"""Tables the pipeline itself owns in the working warehouse: `raw.*` and `audit.*`.

Raw tables hold the typed canonical columns of every loaded row plus lineage (extract date,
file, row number). Personal columns are replaced by a keyed hash (`applicant_key`) before
any row is written, so applicant ids and names exist only in quarantine raw values.
"""

from __future__ import annotations

import duckdb

from sources.contracts import CONTRACTS, SourceContract

PSEUDONYM_COLUMN = "applicant_key"

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


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(AUDIT_DDL)
    for contract in CONTRACTS.values():
        body = ", ".join(f"{name} {typ}" for name, typ in raw_columns(contract))
        con.execute(f"create table if not exists raw.{contract.name} ({body})")
