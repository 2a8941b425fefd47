"""The DuckDB floor: the same marts from the same CSV extracts, by the engine alone.

    python bench/duckdb_floor.py <landing> <warehouse.duckdb> <dbt manifest.json>

Loads every source with one `read_csv` per header shape and typed casts in SQL (no row
quarantine, no audit, no pseudonym key: invalid rows are just filtered out), then runs the
dbt project's own compiled SQL for every seed and model in dependency order, without dbt,
Dagster, Great Expectations or publishing. The transformations are the pipeline's, so the
difference in time is everything around the engine.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from cchc.orchestration.warehouse import ensure_schema
from cchc.sources.contracts import CONTRACTS, Column, SourceContract

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _typed(col: Column) -> str:
    """SQL for one column of a Vietnamese CSV export, from its text column `t`."""
    t = f"nullif(trim({_ident(col.header)}), '')"
    if col.kind == "enum":
        whens = " ".join(
            f"when {_literal(label)} then {_literal(value)}"
            for value, labels in col.labels.items()
            for label in (value, *labels)
        )
        return f"case {t} {whens} end"
    if col.kind == "bool":
        return f"coalesce({t} in ('x', 'X', 'Có', 'có'), false)"
    if col.kind in ("int", "amount"):
        return f"try_cast(replace({t}, '.', '') as bigint)"
    if col.kind == "datetime":
        return f"try_strptime({t}, ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M'])"
    if col.kind == "date":
        return f"cast(try_strptime({t}, '%d/%m/%Y') as date)"
    return t


def load_source(con: duckdb.DuckDBPyConnection, landing: Path, contract: SourceContract) -> None:
    by_header: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path in sorted(landing.glob(f"{contract.name}/*/*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            by_header[tuple(next(csv.reader(fh)))].append(str(path))
    selects = []
    for header, files in by_header.items():
        present = [c for c in contract.columns if c.header in header]
        cols = [f"{_typed(c)} as {c.name}" for c in present if not c.personal]
        cols += [f"null::{c.duckdb_type} as {c.name}" for c in contract.columns if c not in present]
        if contract.personal:
            cols.append(f"md5({_typed(contract.column(contract.personal[0]))}) as applicant_key")
        required = " and ".join(f"{c.name} is not null" for c in present if c.required) or "true"
        selects.append(
            f"select * from (select"
            f" cast(regexp_extract(filename, '/(\\d{{4}}-\\d{{2}}-\\d{{2}})/', 1) as date)"
            f" as _extract_date, filename as _file,"
            f" row_number() over () + 1 as _row_number, {', '.join(cols)},"
            f" null::varchar as _extra, now()::timestamp as _loaded_at"
            f" from read_csv({files!r}, header = true, all_varchar = true, filename = true))"
            f" where {required}"
        )
    if selects:
        con.execute(
            f"insert into raw.{contract.name} by name {' union all by name '.join(selects)}"
        )


def run_models(con: duckdb.DuckDBPyConnection, manifest: dict, project_dir: Path) -> None:
    nodes = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}
    done: set[str] = set()

    def build(key: str) -> None:
        if key in done or key not in nodes:
            return
        node = nodes[key]
        for parent in node.get("depends_on", {}).get("nodes", []):
            build(parent)
        con.execute(f"create schema if not exists {node['schema']}")
        relation = f"{node['schema']}.{node['name']}"
        if node["resource_type"] == "seed":
            types = node["config"].get("column_types") or {}
            path = project_dir / node["original_file_path"]
            con.execute(
                f"create or replace table {relation} as select * from "
                f"read_csv({str(path)!r}, header = true, types = {types!r})"
            )
        else:
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            con.execute(f"create or replace {kind} {relation} as {node['compiled_code']}")
        done.add(key)

    for key in nodes:
        build(key)


def main(landing: Path, warehouse: Path, manifest_path: Path) -> None:
    warehouse.unlink(missing_ok=True)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(manifest_path.read_text())
    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)  # the pipeline's raw tables, empty
        started = time.perf_counter()
        for contract in CONTRACTS.values():
            load_source(con, landing, contract)
        loaded = time.perf_counter()
        run_models(con, manifest, DBT_PROJECT_DIR)
        # stage times, for comparing with the pipeline's raw and dbt steps
        print(f"load {loaded - started:.1f} s, models {time.perf_counter() - loaded:.1f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
