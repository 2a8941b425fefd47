"""Configuration from the environment (README, docs/operations.md): the only place env
variables are read. `load_settings()` only reads: it writes no file and changes no variable.
Dagster code receives the settings as resources (orchestration/resources.py), dbt as
`--vars` of its command line (`dbt_vars`, orchestration/dbt_manifest.py),
secrets by variable name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class AlertConfig:
    """Where alerts go (orchestration/alerts.py); nothing is sent when neither is set."""

    smtp_url: str | None = None  # smtp://user:password@host:port (smtps:// for TLS)
    email_to: str | None = None
    email_from: str = "cchc-warehouse@localhost"
    webhook_url: str | None = None
    ui_url: str = "http://localhost:3000"

    @property
    def enabled(self) -> bool:
        return bool((self.smtp_url and self.email_to) or self.webhook_url)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    landing_dir: Path
    warehouse: Path
    published: Path
    #: Whether `CCHC_PII_KEY` holds the pseudonymisation key; else it is `pii_key_file`'s.
    pii_key_in_env: bool
    max_quarantine_ratio: float
    first_extract_date: date
    #: DuckDB's memory limit for the pipeline's and dbt's connections. Above it DuckDB spills
    #: to disk; without it, the latest-version window over 19 M raw dossier rows took 8 GiB
    #: (and was no faster: 33 s vs 30 s with 2 GB).
    duckdb_memory_limit: str
    #: Dates before this are placeholders or typos (1900-01-01) and are quarantined.
    date_floor: date
    #: Whether landing items that are not loadable deliveries block publishing (else warn).
    block_on_skipped: bool
    #: How many published snapshots are kept (the current one and the ones before it).
    keep_snapshots: int
    #: PostgreSQL publish target (`postgresql://user:password@host:port/db`); None: off.
    postgres_url: str | None = None
    #: The Dagster instance's storage on PostgreSQL (production); None: SQLite files.
    dagster_postgres_url: str | None = None
    #: When the nightly schedule starts (Asia/Ho_Chi_Minh).
    nightly_cron: str = "0 2 * * *"
    #: Runs (with their event logs) older than this many days are deleted after a run.
    keep_run_days: int = 90
    #: ... and all but this many of the newest runs (a bound that does not need a clock).
    keep_runs: int = 1000
    alerts: AlertConfig = AlertConfig()

    @property
    def published_dir(self) -> Path:
        return self.published.parent

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's working folder (run artefacts, logs, partial parse), beside the warehouse."""
        return self.warehouse.parent / "dbt-target"

    @property
    def pii_key_file(self) -> Path:
        """The key generated on the first run when `CCHC_PII_KEY` is not set."""
        return self.data_dir / ".pii_key"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.data_dir / "dagster")


def _path(name: str, default: Path) -> Path:
    """Absolute, but symlinks kept: the published `cchc.duckdb` is a link into the current
    snapshot, and the next publish must find the link, not the snapshot it points to."""
    return Path(os.path.abspath(Path(os.environ.get(name) or default).expanduser()))


#: Secrets handed to Dagster resources by name (dg.EnvVar), so the UI never shows them.
PII_KEY_VAR = "CCHC_PII_KEY"
POSTGRES_URL_VAR = "CCHC_POSTGRES_URL"


class ConfigError(ValueError):
    """An environment variable holds something the pipeline cannot use."""


def _parsed(name: str, default: str, parse, accepted: str, secret: bool = False):
    """`parse(os.environ[name])`, or a ConfigError naming the variable and the form (and
    the value, unless it may hold a password)."""
    text = os.environ.get(name) or default
    try:
        return parse(text)
    except (ValueError, TypeError):
        shown = name if secret else f"{name}={text!r}"
        raise ConfigError(f"{shown} is not valid: expected {accepted}") from None


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _postgres_url(text: str) -> str | None:
    if text == "-":
        return None
    if not text.startswith(("postgresql://", "postgres://")):
        raise ValueError(text)
    return text


def _cron(text: str) -> str:
    if len(text.split()) != 5:
        raise ValueError(text)
    return text


def _choice(*allowed: str):
    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(text)
        return text

    return parse


def load_settings() -> Settings:
    data_dir = _path("CCHC_DATA_DIR", Path("data"))
    first = _parsed(
        "CCHC_FIRST_EXTRACT_DATE", "2020-01-01", date.fromisoformat, "a date like 2020-01-01"
    )
    settings = Settings(
        data_dir=data_dir,
        landing_dir=_path("CCHC_LANDING_DIR", data_dir / "landing"),
        warehouse=_path("CCHC_WAREHOUSE", data_dir / "warehouse.duckdb"),
        published=_path("CCHC_PUBLISHED", data_dir / "published" / "cchc.duckdb"),
        pii_key_in_env=bool(os.environ.get(PII_KEY_VAR)),
        max_quarantine_ratio=_parsed(
            "CCHC_MAX_QUARANTINE_RATIO", "0.01", _ratio, "a share between 0 and 1, e.g. 0.01"
        ),
        first_extract_date=first,
        duckdb_memory_limit=os.environ.get("CCHC_DUCKDB_MEMORY_LIMIT", "2GB"),
        date_floor=_parsed("CCHC_DATE_FLOOR", "2000-01-01", date.fromisoformat, "a date"),
        block_on_skipped=_parsed(
            "CCHC_SKIPPED_FILES", "block", _choice("block", "warn"), "block or warn"
        )
        == "block",
        keep_snapshots=_parsed("CCHC_KEEP_SNAPSHOTS", "5", _count, "a whole number ≥ 1"),
        postgres_url=_parsed(
            POSTGRES_URL_VAR,
            "-",
            _postgres_url,
            "postgresql://user:password@host:port/database",
            secret=True,
        ),
        dagster_postgres_url=_parsed(
            "CCHC_DAGSTER_POSTGRES_URL",
            "-",
            _postgres_url,
            "postgresql://user:password@host:port/database",
            secret=True,
        ),
        keep_run_days=_parsed("CCHC_KEEP_RUN_DAYS", "90", _count, "a whole number ≥ 1"),
        keep_runs=_parsed("CCHC_KEEP_RUNS", "1000", _count, "a whole number ≥ 1"),
        nightly_cron=_parsed("CCHC_NIGHTLY_CRON", "0 2 * * *", _cron, "a cron line like 0 2 * * *"),
        alerts=AlertConfig(
            smtp_url=os.environ.get("CCHC_ALERT_SMTP") or None,
            email_to=os.environ.get("CCHC_ALERT_EMAIL_TO") or None,
            email_from=os.environ.get("CCHC_ALERT_EMAIL_FROM") or "cchc-warehouse@localhost",
            webhook_url=os.environ.get("CCHC_ALERT_WEBHOOK") or None,
            ui_url=os.environ.get("CCHC_UI_URL") or "http://localhost:3000",
        ),
    )
    return settings
