"""Resources, built in one place from the settings."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from cchc.orchestration.changes import scan_landing
from cchc.orchestration.loader import RowRules
from cchc.orchestration.read_ahead import LandingReader
from cchc.orchestration.settings import PII_KEY_VAR, POSTGRES_URL_VAR, Settings
from cchc.quality.suites import Suite
from cchc.quality.validate import SuiteResult, Validator
from cchc.sources.contracts import SourceContract
from cchc.sources.landing import Delivery, LandingScan


class LandingZone(dg.ConfigurableResource):
    """Where extracts are dropped, the key that pseudonymises personal identifiers, and the
    rules that decide what of the landing zone is loadable and plausible."""

    path: str
    #: `CCHC_PII_KEY` (by variable name: the UI shows a resource's config, never the key) …
    pii_key: str | None
    #: … else the key in this file, generated on first use.
    pii_key_file: str
    first_extract_date: str
    date_floor: str
    block_on_skipped: bool = True
    max_quarantine_ratio: float = 0.01

    _scanned: LandingScan | None = PrivateAttr(default=None)
    _reader: LandingReader | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._scanned = None
        self._reader = None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._reader is not None:
            self._reader.close()

    def reader(
        self, plan: Callable[[], Sequence[tuple[SourceContract, Delivery]]]
    ) -> LandingReader:
        """The run's reader of landing files, made by the first loading step from `plan`
        (what the run's loading steps will read, in their order), which it reads ahead."""
        if self._reader is None:
            self._reader = LandingReader(plan())
        return self._reader

    @property
    def key(self) -> bytes:
        if self.pii_key:
            return self.pii_key.encode()
        return _key_from_file(Path(self.pii_key_file))

    @property
    def path_obj(self) -> Path:
        return Path(self.path)

    @property
    def row_rules(self) -> RowRules:
        return RowRules(self.key, date.fromisoformat(self.date_floor))

    def scan(self) -> LandingScan:
        """What `scan_landing` finds (orchestration/changes.py).

        Scanned once per run (the resource is set up for each run, schedule tick or sensor
        tick): the landing scan and every raw asset of a run see the same landing zone, and
        a two-year landing zone is not walked once per source (≈ 0.5 s each)."""
        if self._scanned is None:
            first = date.fromisoformat(self.first_extract_date)
            self._scanned = scan_landing(Path(self.path), first)
        return self._scanned


def _key_from_file(path: Path) -> bytes:
    """The key in `path`, written there (readable by its owner only) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def landing_zone(settings: Settings) -> LandingZone:
    return LandingZone(
        path=str(settings.landing_dir),
        pii_key=dg.EnvVar(PII_KEY_VAR) if settings.pii_key_in_env else None,
        pii_key_file=str(settings.pii_key_file),
        first_extract_date=settings.first_extract_date.isoformat(),  # config: text
        date_floor=settings.date_floor.isoformat(),
        block_on_skipped=settings.block_on_skipped,
        max_quarantine_ratio=settings.max_quarantine_ratio,
    )


class PublishTarget(dg.ConfigurableResource):
    """Where the audited marts go: the snapshot BI tools read, how many earlier snapshots
    are kept, and the optional PostgreSQL copy."""

    published: str
    keep_snapshots: int = 5
    postgres_url: str | None = None


def publish_target(settings: Settings) -> PublishTarget:
    return PublishTarget(
        published=str(settings.published),
        keep_snapshots=settings.keep_snapshots,
        postgres_url=dg.EnvVar(POSTGRES_URL_VAR) if settings.postgres_url else None,
    )


class GxValidation(dg.ConfigurableResource):
    """Great Expectations in a child process started by `prepare` when the dbt step starts,
    so that GX's import overlaps dbt's build (quality/validate.py). Not at the run's start:
    the loading steps and the warm dbt's import already keep both cores busy then."""

    _validator: Validator | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._validator = None

    def prepare(self) -> None:
        if self._validator is None:
            self._validator = Validator()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._validator is not None:
            self._validator.close()

    def run_suites(
        self, database: Path, suites: list[Suite], max_quarantine_ratio: float
    ) -> list[SuiteResult]:
        """(Not `validate`: that name is pydantic's, on every resource.)"""
        self.prepare()
        assert self._validator is not None
        return self._validator.validate(database, suites, max_quarantine_ratio)
