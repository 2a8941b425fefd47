"""Lay a checkout's packages out under their installed names, as a folder of links:
<dest>/cchc/orchestration → <checkout>/orchestration, and so on, from the checkout's
`[tool.setuptools] package-dir`.

    python .ci/namespace_tree.py <checkout> <dest>

Why: the editable install maps `cchc.*` onto the top-level folders with an import hook, which
Python follows and mypy does not; and a benchmark that runs another checkout puts that
checkout's tree first on PYTHONPATH. Prints nothing; exits 1 if the checkout predates the
namespace (no package-dir).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path


def namespace_tree(checkout: Path, dest: Path) -> bool:
    """(Re)make the links; False if the checkout has no package-dir."""
    config = tomllib.loads((checkout / "pyproject.toml").read_text())
    package_dir = config.get("tool", {}).get("setuptools", {}).get("package-dir")
    if not package_dir:
        return False
    for name, folder in package_dir.items():
        link = dest.joinpath(*name.split("."))
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)
        link.symlink_to(checkout.resolve() / folder, target_is_directory=True)
    return True


if __name__ == "__main__":
    sys.exit(0 if namespace_tree(Path(sys.argv[1]), Path(sys.argv[2])) else 1)
