"""PostgreSQL publish target: the published snapshot's tables in a server that Metabase,
Superset, Power BI and Excel reach like any other, with row-level security per agency.

Off unless `CCHC_POSTGRES_URL` is set. After the gate passes, the tables are loaded into a
fresh schema `marts_next` and swapped for `marts` in the same transaction: a reader sees
the old tables or the new ones, never half. A blocked gate never reaches this module.

Security: tables with an agency column are row-secured. A login made by `cchc
postgres-login <agency>` sees the rows of its agency and of every unit merged into it
(`dim_agency.current_agency_code`); a login made with `--province` sees every row. Tables
without an agency column (indicator registry, freshness, publish log) are readable by all.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from cchc.orchestration.publishing.snapshot import primary_keys, published_tables
from cchc.orchestration.warehouse import one_row

SCHEMA, NEXT, ACCESS = "marts", "marts_next", "cchc_access"
READER, PROVINCE = "cchc_reader", "cchc_province"
#: The column that says whose row it is, per table (tables not listed are open to readers).
AGENCY_COLUMNS = {
    "dim_agency": "agency_code",
    "fct_dossier_monthly": "agency_code",
    "fct_signed_document_monthly": "agency_code",
    "fct_headcount_reduction": "agency_code",
    "fct_disbursement_monthly": "investor_code",
    "indicator_scorecard": "scope",
}
_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "DATE": "date",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "HUGEINT": "numeric",
}

ACCESS_DDL = f"""
create schema if not exists {ACCESS};
create table if not exists {ACCESS}.agency_logins (
    login name primary key, agency_code text not null
);
do $$ begin
    if not exists (select from pg_roles where rolname = '{READER}') then
        create role {READER} nologin;
    end if;
    if not exists (select from pg_roles where rolname = '{PROVINCE}') then
        create role {PROVINCE} nologin in role {READER};
    end if;
end $$;
-- the agency codes the current login may see: its own and the units merged into it
create or replace function {ACCESS}.my_agencies() returns setof text
language plpgsql stable security definer set search_path = pg_catalog as $$
begin
    return query
        select d.agency_code from {SCHEMA}.dim_agency d
        join {ACCESS}.agency_logins l on l.agency_code = d.current_agency_code
        where l.login = session_user
        union
        select l.agency_code from {ACCESS}.agency_logins l where l.login = session_user;
end $$;
revoke all on function {ACCESS}.my_agencies() from public;
grant usage on schema {ACCESS} to {READER};
grant execute on function {ACCESS}.my_agencies() to {READER};
"""


def _pg_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric")
    return _TYPES[duckdb_type]


def sync_postgres(
    con: duckdb.DuckDBPyConnection, snapshot: Path, url: str | None, run_id: str
) -> str | None:
    """Copy the current `snapshot` (published by `run_id`) to the PostgreSQL target at
    `url`; the error as a person reads it if that failed, else None.

    A failure is kept in the warehouse's audit.postgres_failures (`con`) until a copy
    succeeds, or a publish finds the target switched off: while a copy is owed no night is
    a quiet one, so the next run publishes both again (orchestration/changes.py)."""
    if url:
        try:
            publish_postgres(snapshot, url, published_tables())
        except psycopg.Error as exc:
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            con.execute("insert into audit.postgres_failures values (?, now(), ?)", [run_id, error])
            return error
    con.execute("delete from audit.postgres_failures")
    return None


def publish_postgres(snapshot: Path, url: str, tables: Sequence[str]) -> dict[str, int]:
    """Load `tables` of the DuckDB `snapshot` into PostgreSQL and swap them in (see module
    doc); returns the row count of each table."""
    counts = {}
    with (
        duckdb.connect(str(snapshot), read_only=True) as duck,
        psycopg.connect(url) as pg,
        pg.transaction(),
    ):
        pg.execute(ACCESS_DDL)
        pg.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(NEXT)))
        pg.execute(sql.SQL("create schema {}").format(sql.Identifier(NEXT)))
        for table in tables:
            counts[table] = _copy_table(duck, pg, table)
        for table, column in AGENCY_COLUMNS.items():
            if table in tables:
                _secure(pg, table, column)
        pg.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(SCHEMA)))
        pg.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(NEXT), sql.Identifier(SCHEMA)
            )
        )
        pg.execute(
            sql.SQL("grant usage on schema {} to {}").format(
                sql.Identifier(SCHEMA), sql.Identifier(READER)
            )
        )
        pg.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(SCHEMA), sql.Identifier(READER)
            )
        )
    return counts


def _copy_table(duck: duckdb.DuckDBPyConnection, pg: psycopg.Connection, table: str) -> int:
    columns = duck.execute(
        "select column_name, data_type, comment from duckdb_columns()"
        " where schema_name = 'marts' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    (comment,) = one_row(
        duck,
        "select comment from duckdb_tables() where schema_name = 'marts' and table_name = ?",
        [table],
    )
    target = sql.Identifier(NEXT, table)
    pg.execute(
        sql.SQL("create table {} ({})").format(
            target,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(_pg_type(kind)))
                for name, kind, _ in columns
            ),
        )
    )
    names = sql.SQL(", ").join(sql.Identifier(name) for name, _, _ in columns)
    rows = duck.execute(f'select * from marts."{table}"').fetchall()
    with pg.cursor().copy(sql.SQL("copy {} ({}) from stdin").format(target, names)) as copy:
        for row in rows:
            copy.write_row(row)
    keys = primary_keys()
    if table in keys:
        pg.execute(
            sql.SQL("alter table {} add primary key ({})").format(
                target, sql.SQL(", ").join(map(sql.Identifier, keys[table]))
            )
        )
    if comment:
        pg.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(comment)))
    for name, _, text in columns:
        if text:
            pg.execute(
                sql.SQL("comment on column {} is {}").format(
                    sql.Identifier(NEXT, table, name), sql.Literal(text)
                )
            )
    return len(rows)


def _secure(pg: psycopg.Connection, table: str, column: str) -> None:
    """Row-level security: the province role sees all, an agency login its own units."""
    target = sql.Identifier(NEXT, table)
    pg.execute(sql.SQL("alter table {} enable row level security").format(target))
    pg.execute(
        sql.SQL(
            "create policy agency_rows on {} for select to {} using ("
            " pg_has_role(session_user, {}, 'member')"
            " or {} in (select {}.my_agencies()))"
        ).format(
            target,
            sql.Identifier(READER),
            sql.Literal(PROVINCE),
            sql.Identifier(column),
            sql.Identifier(ACCESS),
        )
    )


def create_login(url: str, agency_code: str | None, login: str, password: str | None) -> str:
    """Create (or reset) a login that sees `agency_code`'s rows, or every row when
    `agency_code` is None (the province). Returns the password."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", login):
        raise ValueError(f"login {login!r}: use lower-case letters, digits and _ (≤ 63)")
    password = password or secrets.token_urlsafe(18)
    with psycopg.connect(url) as pg, pg.transaction():
        pg.execute(ACCESS_DDL)
        exists = pg.execute("select 1 from pg_roles where rolname = %s", [login]).fetchone()
        verb = "alter" if exists else "create"
        pg.execute(
            sql.SQL(verb + " role {} login password {}").format(
                sql.Identifier(login), sql.Literal(password)
            )
        )
        role = PROVINCE if agency_code is None else READER
        pg.execute(sql.SQL("grant {} to {}").format(sql.Identifier(role), sql.Identifier(login)))
        pg.execute(f"delete from {ACCESS}.agency_logins where login = %s", [login])
        if agency_code is not None:
            pg.execute(f"insert into {ACCESS}.agency_logins values (%s, %s)", [login, agency_code])
    return password
