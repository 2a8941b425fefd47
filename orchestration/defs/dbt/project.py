"""The dbt project and its manifest, prepared once rather than at every code-location load.

`dbt parse` costs seconds; it runs only when the manifest is missing or older than a file
of the dbt project, so loading the Definitions is otherwise instant.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cached_property
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
#: The dbt of this interpreter's environment, whether or not the venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
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
    manifest = PROJECT.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
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
    return manifest


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt runner without its two start-up detours, 7 s of every run here.

    Before each `dbt build` it asks the dbt executable for its version (`dbt --version`: a
    second dbt start-up, 4 s) and loads dbt's macros into this process to hold an adapter
    (3 s), which only its column-metadata and row-count helpers use; this project uses
    neither. The dbt here is the dbt-core of this environment (pinned in pyproject.toml).
    """

    #: The working warehouse and DuckDB's memory limit, the same as the pipeline's (settings).
    warehouse: str
    memory_limit: str

    def cli_vars(self) -> list[str]:
        """The one place dbt receives the pipeline's settings (profiles.yml reads them)."""
        values = {"cchc_warehouse": self.warehouse, "cchc_memory_limit": self.memory_limit}
        return ["--vars", json.dumps(values)]

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None
