"""Resources, built in one place from the settings."""

from __future__ import annotations

import dagster as dg

from orchestration.settings import Settings


class LandingZone(dg.ConfigurableResource):
    """Where extracts are dropped, and the key that pseudonymises personal identifiers."""

    path: str
    pii_key: str

    @property
    def key(self) -> bytes:
        return self.pii_key.encode()


def landing_zone(settings: Settings) -> LandingZone:
    return LandingZone(path=str(settings.landing_dir), pii_key=settings.pii_key.decode())
