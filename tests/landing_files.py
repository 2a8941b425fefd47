"""Small hand-made landing files for tests: write canonical rows in a source's own format."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import polars as pl

from cchc.sources.contracts import CONTRACTS
from cchc.sources.sample.writers import write_extract

AGENCY = {
    "agency_code": "H31.101",
    "agency_name": "Phường Phố Hiến",
    "agency_level": "commune",
    "valid_from": date(2025, 7, 1),
    "updated_at": datetime(2026, 1, 1, 6),
}
PROCEDURE = {
    "procedure_code": "1.000001",
    "procedure_name": "Đăng ký khai sinh",
    "level": "commune",
    "online_level": "full",
    "has_fee": False,
    "updated_at": datetime(2026, 1, 1, 6),
}


def dossier(i: int, day: int = 5, **kw) -> dict:
    row = {
        "dossier_id": f"HS-{i}",
        "procedure_code": "1.000001",
        "agency_code": "H31.101",
        "channel": "online",
        "applicant_id": f"03309{i:07d}",
        "applicant_name": "Trần Văn Bình",
        "received_at": datetime(2026, 1, day, 8),
        "due_at": datetime(2026, 1, day + 3, 17),
        "status": "received",
        "updated_at": datetime(2026, 1, day, 8),
    }
    return row | kw


def unusable_dossiers(count: int = 2) -> list[dict]:
    """Dossiers no rule lets through (unknown codes, no dates): a systemic export problem."""
    return [
        {
            "dossier_id": f"X{i}",
            "procedure_code": "nope",
            "agency_code": "H31.01",
            "channel": "online",
            "applicant_id": f"0330912345{i:02d}",
            "applicant_name": "Đỗ Thị Mai",
            "received_at": None,
            "due_at": None,
            "status": "received",
            "updated_at": None,
        }
        for i in range(count)
    ]


def personal_values(landing: Path) -> tuple[set[str], set[str]]:
    """(applicant names, applicant ids) of a generated sample's dossiers (JSON-lines files),
    for tests that prove none of them is stored or published."""
    names, ids = set(), set()
    for path in landing.glob("dossiers/*/*.jsonl"):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            names.add(record["applicant_name"])
            ids.add(record["applicant_id"])
    assert names and ids
    return names, ids


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
