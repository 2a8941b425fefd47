"""Sample landing zones for the scale benchmark: history plus one held-back increment day.

Generated once per size by the same code as `cchc sample` (one export style, UTF-8 CSV,
so the DuckDB and pandas baselines read exactly the files the pipeline reads) and reused
by later benchmark runs: generation is not what is measured.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cchc.sources.sample import SampleConfig, generate

DOSSIERS_PER_DAY = 8_000
#: The increment is a Wednesday: a full working day, as most nights bring.
INCREMENT_DAY = date(2026, 10, 28)
STYLE = "csv_vn_bom"


@dataclass(frozen=True)
class BenchLanding:
    history: Path
    increment: Path
    days: int


def prepare(work: Path, size: int) -> BenchLanding:
    """History of `size` nominal dossiers ending the day before INCREMENT_DAY, + that day."""
    root = work / f"landing-{size}"
    days = max(1, round(size / DOSSIERS_PER_DAY))
    landing = BenchLanding(root / "history", root / "increment", days)
    if (root / ".complete").exists():
        return landing
    shutil.rmtree(root, ignore_errors=True)
    cfg = SampleConfig(
        start=INCREMENT_DAY - timedelta(days=days),
        days=days + 1,
        dossiers_per_day=DOSSIERS_PER_DAY,
        style=STYLE,
    )
    generate(landing.history, cfg)
    for folder in landing.history.glob(f"*/{INCREMENT_DAY.isoformat()}"):
        target = landing.increment / folder.parent.name / folder.name
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(target)
    (root / ".complete").touch()
    return landing


if __name__ == "__main__":
    import sys

    for arg in sys.argv[2:]:
        print(prepare(Path(sys.argv[1]), int(arg)))
