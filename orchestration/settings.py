"""Configuration from the environment (SPEC §1): the only place env variables are read.

Paths (made absolute) and the DuckDB memory limit are written back to the environment so
that dbt (whose profiles.yml reads the same variables) sees exactly what Dagster sees.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    landing_dir: Path
    warehouse: Path
    published: Path
    pii_key: bytes
    max_quarantine_ratio: float
    first_extract_date: str
    #: DuckDB's memory limit for the pipeline's and dbt's connections. Above it DuckDB spills
    #: to disk; without it, the latest-version window over 19 M raw dossier rows took 8 GiB
    #: (and was no faster: 33 s vs 30 s with 2 GB).
    duckdb_memory_limit: str

    @property
    def published_dir(self) -> Path:
        return self.published.parent

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.data_dir / "dagster")


def _path(name: str, default: Path) -> Path:
    return Path(os.environ.get(name) or default).expanduser().resolve()


def _pii_key(data_dir: Path) -> bytes:
    """`CCHC_PII_KEY`, else a key generated once into `$CCHC_DATA_DIR/.pii_key`."""
    if key := os.environ.get("CCHC_PII_KEY"):
        return key.encode()
    path = data_dir / ".pii_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def load_settings() -> Settings:
    data_dir = _path("CCHC_DATA_DIR", Path("data"))
    settings = Settings(
        data_dir=data_dir,
        landing_dir=_path("CCHC_LANDING_DIR", data_dir / "landing"),
        warehouse=_path("CCHC_WAREHOUSE", data_dir / "warehouse.duckdb"),
        published=_path("CCHC_PUBLISHED", data_dir / "published" / "cchc.duckdb"),
        pii_key=_pii_key(data_dir),
        max_quarantine_ratio=float(os.environ.get("CCHC_MAX_QUARANTINE_RATIO", "0.01")),
        first_extract_date=os.environ.get("CCHC_FIRST_EXTRACT_DATE", "2020-01-01"),
        duckdb_memory_limit=os.environ.get("CCHC_DUCKDB_MEMORY_LIMIT", "2GB"),
    )
    date.fromisoformat(settings.first_extract_date)  # fail early on a typo
    os.environ.update(
        CCHC_DATA_DIR=str(settings.data_dir),
        CCHC_LANDING_DIR=str(settings.landing_dir),
        CCHC_WAREHOUSE=str(settings.warehouse),
        CCHC_PUBLISHED=str(settings.published),
        CCHC_DUCKDB_MEMORY_LIMIT=settings.duckdb_memory_limit,
    )
    return settings
