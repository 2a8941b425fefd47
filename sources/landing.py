"""The landing zone: `<landing>/<source>/<YYYY-MM-DD>/<file>` folders and their fingerprints.

A fingerprint (names, sizes, modification times) tells a re-delivered day from one already
loaded without reading any file, so the nightly scan stays cheap at hundreds of days.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sources.readers import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class Delivery:
    source: str
    day: str
    files: tuple[Path, ...]
    fingerprint: str


def deliveries(landing: Path, source: str) -> dict[str, Delivery]:
    """Every dated folder of `source` holding at least one extract file, by day."""
    out: dict[str, Delivery] = {}
    root = landing / source
    if not root.is_dir():
        return out
    for folder in sorted(root.iterdir()):
        try:
            date.fromisoformat(folder.name)
        except ValueError:
            continue
        files = tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES))
        if files:
            out[folder.name] = Delivery(source, folder.name, files, fingerprint(files))
    return out


def fingerprint(files: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
