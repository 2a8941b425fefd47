"""Ingestion benchmark: how fast landing files become raw rows, against DuckDB's own reader.

    .venv/bin/python bench/ingest.py [--days 60] [--dossiers-per-day 10000] [--repeat 3]

Generates sample extracts (cchc sample) into a temporary folder, then times, per size:
- `pipeline`: the raw loader (read + parse + quarantine rules + code resolution + write),
  one call per source over all days, as a single-run backfill does;
- `duckdb_csv`: DuckDB `read_csv` of the same days' CSV dossier files into a table (the
  floor: the engine alone, no row rules, CSV files only).
Reports medians of `--repeat` runs and rows/s. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from cchc.orchestration.loader import RowRules, load_deliveries
from cchc.sources.contracts import CONTRACTS
from cchc.sources.landing import deliveries
from cchc.sources.sample import SampleConfig, generate


def load_all(landing: Path, warehouse: Path) -> tuple[float, int]:
    warehouse.unlink(missing_ok=True)
    rows = 0
    started = time.perf_counter()
    with duckdb.connect(str(warehouse)) as con:
        for source, contract in CONTRACTS.items():
            batch = list(deliveries(landing, source).values())
            rows += load_deliveries(con, contract, batch, RowRules(b"bench-key")).rows_read
    return time.perf_counter() - started, rows


def duckdb_floor(landing: Path) -> tuple[float, int]:
    files = [
        str(p) for p in landing.glob("dossiers/*/*.csv") if p.read_bytes()[:3] == b"\xef\xbb\xbf"
    ]  # UTF-8 CSVs: the only variant read_csv takes as-is
    started = time.perf_counter()
    with duckdb.connect() as con:
        con.execute(
            "create table t as select * from read_csv(?, all_varchar = true, union_by_name = true)",
            [files],
        )
        rows = con.execute("select count(*) from t").fetchone()[0]
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--dossiers-per-day", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(
            f"machine: {platform.processor() or platform.machine()}, "
            f"python {platform.python_version()}, duckdb {duckdb.__version__}"
        )
        for days in (1, args.days):
            landing = root / f"landing-{days}"
            generate(
                landing,
                SampleConfig(
                    start=date(2026, 3, 2), days=days, dossiers_per_day=args.dossiers_per_day
                ),
            )
            files = sum(1 for p in landing.rglob("*") if p.is_file())
            runs = [load_all(landing, root / "w.duckdb") for _ in range(args.repeat)]
            floors = [duckdb_floor(landing) for _ in range(args.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            floor = statistics.median(f[0] for f in floors)
            rows, floor_rows = runs[0][1], floors[0][1]
            print(
                f"\n{days} day(s), {args.dossiers_per_day} dossiers/day: {files} files, "
                f"{rows:,} rows read"
            )
            print(f"  pipeline   median {seconds:6.2f} s  {rows / seconds:>10,.0f} rows/s")
            print(
                f"  duckdb_csv median {floor:6.2f} s  {floor_rows / floor:>10,.0f} rows/s "
                f"({floor_rows:,} rows of UTF-8 CSV dossiers only)"
            )
            print(
                f"  ratio pipeline/floor (rows/s): {(floor_rows / floor) / (rows / seconds):.1f}x"
            )


if __name__ == "__main__":
    main()
