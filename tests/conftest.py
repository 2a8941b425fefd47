"""Shared fixtures. The environment points every path at a temporary folder (settings are
read when a test builds them, never at import), so tests never touch ./data."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="cchc-tests-"))
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)
os.environ["CCHC_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ["CCHC_PII_KEY"] = "test-key-not-secret"
os.environ["DAGSTER_HOME"] = str(_SESSION_DIR / "dagster")
for var in ("CCHC_LANDING_DIR", "CCHC_WAREHOUSE", "CCHC_PUBLISHED"):
    os.environ.pop(var, None)

import pytest  # noqa: E402


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Fresh data dir for one test; returns its Settings."""
    from cchc.orchestration.settings import load_settings

    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "data"))
    for var in ("CCHC_LANDING_DIR", "CCHC_WAREHOUSE", "CCHC_PUBLISHED"):
        monkeypatch.delenv(var, raising=False)
    return load_settings()
