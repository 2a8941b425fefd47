"""Small hand-made landing files for tests: write canonical rows in a source's own format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from sources.contracts import CONTRACTS
from sources.sample.writers import write_extract


def drop(
    landing: Path,
    source: str,
    day: str | date,
    rows: list[dict],
    name: str = "extract",
    style: str = "csv_vn_bom",
) -> Path:
    """Write `rows` (canonical names, Python values) as landing/<source>/<day>/<name>."""
    contract = CONTRACTS[source]
    schema = {c.name: _dtype(c.kind) for c in contract.columns if any(c.name in r for r in rows)}
    frame = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame()
    return write_extract(landing / source / str(day) / name, contract, frame, style)


def _dtype(kind: str) -> pl.DataType:
    return {
        "date": pl.Date(),
        "datetime": pl.Datetime("us"),
        "int": pl.Int64(),
        "amount": pl.Int64(),
        "bool": pl.Boolean(),
    }.get(kind, pl.String())
