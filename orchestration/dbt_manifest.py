"""Where the dbt project and its manifest are, and the manifest prepared once rather than at
every code-location load — without importing dbt or dagster-dbt (2 s), so that a quiet
night, the schedule and the quality suites can read them cheaply.

`dbt parse` costs seconds; it runs only when the manifest is missing or older than a file
of the dbt project.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
#: dbt's target folder in the project: the prepared manifest (runs write beside the warehouse).
DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"
MANIFEST_PATH = DBT_TARGET_DIR / "manifest.json"
#: The dbt of this interpreter's environment, whether or not the venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
#: dbt.log without every SQL statement at debug level: ≈ 1 s of a nightly build
#: (bench/RESULTS.md) and most of the log's growth; errors still there.
DBT_GLOBAL_FLAGS = ["--log-level-file", "info"]
_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in _SOURCES:
        root = DBT_PROJECT_DIR / name
        paths = [root] if root.is_file() else root.rglob("*")
        newest = max([newest, *(p.stat().st_mtime for p in paths if p.is_file())])
    return newest


def ensure_manifest() -> Path:
    """Return the manifest path, running `dbt parse` first if it is missing or stale."""
    if not MANIFEST_PATH.exists() or MANIFEST_PATH.stat().st_mtime < _newest_source_mtime():
        subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            check=True,
        )
    return MANIFEST_PATH


def dbt_vars(warehouse: str, memory_limit: str) -> list[str]:
    """The one place dbt receives the pipeline's settings (profiles.yml reads them)."""
    values = {"cchc_warehouse": warehouse, "cchc_memory_limit": memory_limit}
    return ["--vars", json.dumps(values)]
