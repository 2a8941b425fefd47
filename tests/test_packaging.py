"""The installed namespace: every Python package of the repository's folders is in the wheel
under `cchc.`, and nothing is installed under a generic top-level name."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join((name, *init.parent.relative_to(ROOT / folder).parts))
        for name, folder in config["package-dir"].items()
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert on_disk, "no package folders found"
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages"
    # the rest are data packages: the dbt project
    assert listed - on_disk == {"cchc.dbt_project"}


def test_only_the_cchc_namespace_is_importable_outside_the_checkout(tmp_path):
    """From another folder (so the checkout is not on sys.path), the project imports as
    `cchc.*` and the generic names do not import at all."""
    probe = (
        "import importlib.util as u, cchc.orchestration.cli, cchc.sources.contracts,"
        " cchc.quality.gate;"
        " print([n for n in ('orchestration', 'sources', 'quality') if u.find_spec(n)])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
