"""Re-delivery against a first delivery: the same 30 past extract dates loaded fresh (a late
delivery) and then re-delivered (every file of those days sent again), on the full history.

    python bench/redelivery.py [--days 30] [--back 60] [--repeat 2]
                               [--work /var/tmp/cchc-redelivery]

Per repeat, in a fresh data folder on the default sample (730 days): the extract dates from
`--back` days ago to `--back - --days + 1` days ago are held out of the landing zone and the
rest is built (`cchc run`, not timed); then those days are put back (`fresh`: loaded for the
first time) and `cchc run` is timed; then every file of those days is written again, same
bytes, new modification time (`redelivered`: new fingerprints, so each day replaces what it
loaded) and `cchc run` is timed again. Both runs rebuild, check and publish the same way;
the difference is the loading: a re-delivered day first removes the rows of the delivery it
replaces. Prints medians in seconds and their ratio (issue 16: ≤ 2×).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
from datetime import date, timedelta
from pathlib import Path

from fixed_cost import HERE, cchc  # bench/ is the script's folder: on sys.path


def held_days(landing: Path, first: date, last: date) -> list[Path]:
    """Every <source>/<day> folder of the landing zone with a day in [first, last]."""
    return [
        folder
        for source in sorted(p for p in landing.iterdir() if p.is_dir())
        for folder in sorted(source.iterdir())
        if folder.is_dir() and first <= date.fromisoformat(folder.name) <= last
    ]


def rewrite(folder: Path) -> None:
    """Send the day again: the same bytes in new files (a new modification time)."""
    for path in folder.iterdir():
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)


def measure(sample: Path, work: Path, days: int, back: int) -> dict[str, float]:
    shutil.rmtree(work, ignore_errors=True)
    env = {
        **os.environ,
        "CCHC_DATA_DIR": str(work),
        "CCHC_LANDING_DIR": str(work / "landing"),
        "CCHC_PII_KEY": "benchmark-key",
        "DAGSTER_HOME": str(work / "dagster"),
    }
    shutil.copytree(sample, work / "landing")
    last = date.today() - timedelta(days=back - days + 1)
    folders = held_days(work / "landing", last - timedelta(days=days - 1), last)
    held = work / "held"
    for folder in folders:
        (held / folder.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.move(folder, held / folder.parent.name / folder.name)
    cchc(HERE, env, "run")
    for folder in folders:
        shutil.move(held / folder.parent.name / folder.name, folder)
    row = {"folders": float(len(folders))}
    row["fresh"], row["fresh_cpu"] = cchc(HERE, env, "run")
    for folder in folders:
        rewrite(folder)
    row["redelivered"], row["redelivered_cpu"] = cchc(HERE, env, "run")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--back", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/cchc-redelivery"))
    args = parser.parse_args()
    sample = args.work / "sample"
    shutil.rmtree(sample, ignore_errors=True)
    env = {
        **os.environ,
        "CCHC_DATA_DIR": str(args.work / "sample-record"),
        "CCHC_LANDING_DIR": str(sample),
    }
    cchc(HERE, env, "sample")
    rows = []
    for _ in range(args.repeat):
        rows.append(measure(sample, args.work / "data", args.days, args.back))
        print(json.dumps({k: round(v, 1) for k, v in rows[-1].items()}), flush=True)
    fresh = statistics.median(r["fresh"] for r in rows)
    again = statistics.median(r["redelivered"] for r in rows)
    print(
        f"{args.days} days ({int(rows[0]['folders'])} folders): fresh {fresh:.1f} s,"
        f" re-delivered {again:.1f} s, ratio {again / fresh:.2f}×"
    )


if __name__ == "__main__":
    main()
