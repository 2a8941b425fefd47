"""Write–audit–publish: copy the audited marts into a new snapshot (DuckDB file, Parquet,
scorecard report), then switch to it in one step.

Layout of the published folder (`$CCHC_PUBLISHED`'s parent):

    snapshots/<stamp>/      one complete snapshot: cchc.duckdb, parquet/, report/
    current -> snapshots/<stamp>
    cchc.duckdb -> current/cchc.duckdb,  parquet -> current/parquet,  report -> current/report

A snapshot is written whole under a hidden name, then the `current` link is replaced by
one rename: a BI tool sees the old snapshot or the new one, never a mix and never a missing
path; a reader holding an old file keeps reading it. The last `keep` snapshots stay (for
`cchc rollback`); leftovers of a killed publish are removed by the next one. The publish
history lives in the working warehouse (`audit.publish_log`), so publishing never opens
the previous published file, which a BI tool may hold open.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from cchc.orchestration.dbt_manifest import MANIFEST_PATH
from cchc.orchestration.publishing.report import write_report
from cchc.orchestration.publishing.workbook import WORKBOOK_NAME, write_workbook
from cchc.orchestration.warehouse import one_row
from cchc.quality.gate import accepted_since_last_publish
from cchc.sources.contracts import LOCAL_TZ


def _marts(manifest: dict) -> dict[str, dict]:
    """{name: manifest node} of every dbt model of the marts folder: a new mart is published
    by adding its model, with no list to keep by hand."""
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }


def _primary_keys(manifest: dict) -> dict[str, tuple[str, ...]]:
    """{mart: key columns} where the mart's `shape` test says the grain is unique and none of
    its columns is ever NULL (`key`, each column also in `not_null`): the keys BI tools see
    declared, checked where they are defined."""
    keys = {}
    for node in manifest["nodes"].values():
        attached = manifest["nodes"].get(node.get("attached_node") or "")
        if node["resource_type"] != "test" or not attached or attached["schema"] != "marts":
            continue
        meta = node.get("test_metadata") or {}
        kwargs = meta.get("kwargs", {})
        key = tuple(kwargs.get("key") or ())
        if meta.get("name") == "shape" and key and set(key) <= set(kwargs.get("not_null", ())):
            keys[attached["name"]] = key
    return keys


@cache
def _manifest() -> dict:
    """The prepared dbt manifest (`ensure_manifest()` runs before the definitions load)."""
    return json.loads(MANIFEST_PATH.read_text())


def mart_tables() -> tuple[str, ...]:
    """Tables BI tools read: every mart, copied into the snapshot."""
    return tuple(sorted(_marts(_manifest())))


def primary_keys() -> dict[str, tuple[str, ...]]:
    """{mart: key columns} declared in the snapshot and the PostgreSQL target."""
    return _primary_keys(_manifest())


def published_tables() -> tuple[str, ...]:
    """The marts and publish_log (appended to the snapshot)."""
    return (*mart_tables(), "publish_log")


SNAPSHOTS = "snapshots"
CURRENT = "current"
_TMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class Published:
    path: Path
    data_through: date | None
    row_counts: dict[str, int]


def publish(
    warehouse: Path,
    published: Path,
    run_id: str,
    checks_passed: int,
    checks_failed: int,
    keep: int = 5,
) -> Published:
    """Build the snapshot from `warehouse`'s marts and make it the current one; the newest
    dbt build is marked published (the run checked its rows: later checks start after it)."""
    root = published.parent
    snapshots = root / SNAPSHOTS
    snapshots.mkdir(parents=True, exist_ok=True)
    clean_leftovers(root)
    stamp = datetime.now(ZoneInfo(LOCAL_TZ)).strftime("%Y%m%dT%H%M%S") + f"-{run_id[:8]}"
    tmp = snapshots / f"{_TMP_PREFIX}{stamp}"
    tmp.mkdir()
    try:
        with duckdb.connect(str(warehouse)) as con:
            result = _build(con, tmp, published.name, run_id, checks_passed, checks_failed)
            write_report(tmp / published.name, tmp / "report")
            write_workbook(tmp / published.name, tmp / "report" / WORKBOOK_NAME)
            final = snapshots / stamp
            os.replace(tmp, final)
            switch(root, final, published.name)
            con.execute("insert into audit.publish_log select * from snapshot_row")
            con.execute(
                "update audit.dbt_builds set published_at = now()"
                " where build_no = (select max(build_no) from audit.dbt_builds)"
            )
    finally:
        _remove(tmp)
    _prune(root, keep)
    return Published(published, result.data_through, result.row_counts)


def _build(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    name: str,
    run_id: str,
    checks_passed: int,
    checks_failed: int,
) -> Published:
    db = folder / name
    parquet = folder / "parquet"
    parquet.mkdir()
    (data_through,) = one_row(con, "select max(latest_extract_date) from marts.source_freshness")
    con.execute(
        "create or replace temp table snapshot_row as select now() as published_at,"
        " ?::varchar as run_id, ?::date as data_through, ?::integer as checks_passed,"
        " ?::integer as checks_failed, ?::varchar as accepted",
        [run_id, data_through, checks_passed, checks_failed, accepted_since_last_publish(con)],
    )
    # the oldest storage format DuckDB 2.0 writes: readable by every DuckDB from 0.10 on
    con.execute(f"attach '{db}' as snapshot (storage_version 'v1.0.0')")
    try:
        # one transaction: each statement committed on its own is a write of the new file
        # (≈ 1 s of 200 statements, most of them comments)
        con.begin()
        con.execute("create schema snapshot.marts")
        row_counts = {}
        keys = primary_keys()
        for table in mart_tables():
            con.execute(f"create table snapshot.marts.{table} as select * from marts.{table}")
            if table in keys:
                key = ", ".join(keys[table])
                con.execute(f"alter table snapshot.marts.{table} add primary key ({key})")
            row_counts[table] = one_row(con, f"select count(*) from snapshot.marts.{table}")[0]
        con.execute(
            "create table snapshot.marts.publish_log as"
            " select * from audit.publish_log union all select * from snapshot_row"
        )
        sources = {table: "marts" for table in mart_tables()} | {"publish_log": "audit"}
        described = {table: _descriptions(con, schema, table) for table, schema in sources.items()}
        for table, texts in described.items():
            _comment(con, table, texts)
        con.commit()
        for table, texts in described.items():
            con.execute(
                f"copy snapshot.marts.{table} to '{parquet / table}.parquet'"
                f" (format parquet, kv_metadata {_kv_metadata(texts)})"
            )
    finally:
        con.execute("detach snapshot")
    return Published(db, data_through, row_counts)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _descriptions(
    con: duckdb.DuckDBPyConnection, schema: str, table: str
) -> dict[str | None, str | None]:
    """{None: table description, column: description}, columns in the table's order: a
    mart's from its dbt docs (schema.yml, through the manifest), publish_log's from the
    audit DDL's comments in the working warehouse. The marts' docs are not persisted into
    the warehouse (dbt's persist_docs: one statement per column, every night, ≈ 1 s of a
    nightly build) since nothing reads them there: the snapshot is where BI tools look."""
    columns = con.execute(
        "select column_name, comment from duckdb_columns() where database_name ="
        " current_database() and schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()
    if schema == "marts":
        node = _marts(_manifest())[table]
        docs = {name: column.get("description") for name, column in node["columns"].items()}
        return {None: node["description"], **{name: docs.get(name) for name, _ in columns}}
    (comment,) = one_row(
        con,
        "select comment from duckdb_tables() where database_name = current_database()"
        " and schema_name = ? and table_name = ?",
        [schema, table],
    )
    return {None: comment, **dict(columns)}


def _comment(con: duckdb.DuckDBPyConnection, table: str, described: dict) -> None:
    """Descriptions as DuckDB comments, which BI tools show beside tables and columns."""
    for column, text in described.items():
        if not text:
            continue
        target = f"table snapshot.marts.{table}"
        if column is not None:
            target = f'column snapshot.marts.{table}."{column}"'
        con.execute(f"comment on {target} is {_quote(text)}")


def _kv_metadata(described: dict) -> str:
    """The same descriptions as Parquet key-value metadata: `description` for the table,
    `column:<name>` for each column."""
    pairs = [
        f"{_quote('description' if c is None else f'column:{c}')}: {_quote(text)}"
        for c, text in described.items()
        if text
    ]
    return "{" + ", ".join(pairs) + "}"


def switch(root: Path, snapshot: Path, name: str) -> None:
    """Make `snapshot` current with one rename of the `current` link; the stable paths
    (`cchc.duckdb`, `parquet`, `report`) are links through `current`, made once."""
    link = root / f"{_TMP_PREFIX}{CURRENT}"
    _remove(link)
    link.symlink_to(Path(SNAPSHOTS) / snapshot.name)
    if (root / CURRENT).is_dir() and not (root / CURRENT).is_symlink():
        # a folder copied without its links (`cp -r`): `current` became a copy of a snapshot
        _remove(root / CURRENT)
    os.replace(link, root / CURRENT)
    for entry in (name, "parquet", "report"):
        stable = root / entry
        if stable.is_symlink():
            continue
        pointer = root / f"{_TMP_PREFIX}{entry}"
        _remove(pointer)
        pointer.symlink_to(Path(CURRENT) / entry)
        if stable.is_dir():  # a folder of the pre-snapshot layout: once, on upgrade
            old = root / f"{_TMP_PREFIX}{entry}.old"
            os.replace(stable, old)
            os.replace(pointer, stable)
            _remove(old)
        else:
            os.replace(pointer, stable)


def current(root: Path) -> Path | None:
    """The current snapshot folder, if any."""
    link = root / CURRENT
    return link.resolve() if link.is_symlink() else None


def history(root: Path) -> list[Path]:
    """Complete snapshots, oldest first."""
    folder = root / SNAPSHOTS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def rollback(root: Path, name: str) -> Path:
    """Make the snapshot before the current one current again; return it."""
    snapshots, live = history(root), current(root)
    if live not in snapshots or snapshots.index(live) == 0:
        raise ValueError(f"no earlier snapshot to return to in {root / SNAPSHOTS}")
    previous = snapshots[snapshots.index(live) - 1]
    switch(root, previous, name)
    return previous


def clean_leftovers(root: Path) -> list[Path]:
    """Remove what a killed publish left: hidden temporary snapshots and links, and the
    temporary files of the pre-snapshot layout. Returns what was removed."""
    removed = []
    candidates = [*root.glob(f"{_TMP_PREFIX}*"), *root.glob(".*.tmp"), *root.glob(".*.old")]
    if (root / SNAPSHOTS).is_dir():
        candidates += (root / SNAPSHOTS).glob(f"{_TMP_PREFIX}*")
    for path in candidates:
        _remove(path)
        removed.append(path)
    return removed


def _prune(root: Path, keep: int) -> None:
    live = current(root)
    for old in history(root)[:-keep]:
        if old != live:
            _remove(old)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
