"""Disk over many nights: each night `cchc sample --next 1` delivers the sample's next
extract date and `cchc run` loads it, measuring what the data folder holds after the night.

    python bench/nights.py [--nights 365] [--dossiers-per-day 300] [--work /var/tmp/cchc-nights]
                           [--resume]

Reports, per night, the seconds of `cchc run` and the bytes of the working warehouse, the
Dagster instance, the published folder (all kept snapshots), dbt's working folder and the
landing zone, as JSON lines in <work>/nights.jsonl, then the growth per night over the last
half of the series and a linear projection to a year. The nights run back to back, so run
retention by age (CCHC_KEEP_RUN_DAYS, 90) never triggers; CCHC_KEEP_RUNS=90 stands in for
it (one run a night). The series ends on the date it was started. A year of nights takes
about three hours: `--resume` continues a series that was interrupted (its work folder holds
the data, the nights measured and the series' dates).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from fixed_cost import HERE, command  # bench/ is the script's folder: on sys.path

#: `cchc` of this checkout (not of whichever checkout the environment installed).
CCHC, PYTHON_PATH = command(HERE)
HISTORY_DAYS = 7
PARTS = {
    "warehouse": "warehouse.duckdb",
    "dagster": "dagster",
    "published": "published",
    "dbt": "dbt-target",
    "landing": "landing",
}


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def night(data: Path, day: date, env: dict[str, str]) -> dict:
    """Deliver the night's extract date (unless an interrupted series already did), run,
    measure."""
    sample = json.loads((data / "sample.json").read_text())
    delivered = date.fromisoformat(sample["start"]) + timedelta(days=sample["days"] - 1)
    if delivered < day:
        subprocess.run(
            [*CCHC, "sample", "--next", "1"], cwd=HERE, env=env, check=True, capture_output=True
        )
    started = time.perf_counter()
    proc = subprocess.run(
        [*CCHC, "run"], cwd=HERE, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 4):  # 4: published with warnings
        raise RuntimeError(f"{day}: cchc run exited {proc.returncode}\n{proc.stderr[-2000:]}")
    sizes = {name: size(data / part) for name, part in PARTS.items() if (data / part).exists()}
    return {"night": day.isoformat(), "seconds": round(seconds, 1), **sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--dossiers-per-day", type=int, default=300)
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/cchc-nights"))
    parser.add_argument("--resume", action="store_true", help="continue the series in --work")
    args = parser.parse_args()
    data = args.work / "data"
    env = {
        **os.environ,
        "CCHC_DATA_DIR": str(data),
        "CCHC_PII_KEY": "benchmark-key",
        "DAGSTER_HOME": str(data / "dagster"),
        "CCHC_KEEP_RUNS": "90",
        "PYTHONPATH": PYTHON_PATH,
    }
    series = args.work / "series.json"
    measured = args.work / "nights.jsonl"
    if args.resume:
        first_night = date.fromisoformat(json.loads(series.read_text())["first_night"])
        rows = [json.loads(line) for line in measured.read_text().splitlines()]
    else:
        shutil.rmtree(args.work, ignore_errors=True)
        first_night = date.today() - timedelta(days=args.nights - 1)
        start = first_night - timedelta(days=HISTORY_DAYS)  # a week before: not a backfill
        sample = ["--start", start.isoformat(), "--days", str(HISTORY_DAYS)]
        sample += ["--dossiers-per-day", str(args.dossiers_per_day)]
        env_run = {"cwd": HERE, "env": env, "check": True, "capture_output": True}
        subprocess.run([*CCHC, "sample", *sample], **env_run)
        series.write_text(json.dumps({"first_night": first_night.isoformat()}))
        rows = []
    with measured.open("a") as out:
        for n in range(len(rows), args.nights):
            row = night(data, first_night + timedelta(days=n), env)
            rows.append(row)
            out.write(json.dumps(row) + "\n")
            out.flush()
            print(json.dumps(row), flush=True)
    half = rows[len(rows) // 2 :]
    if len(half) >= 2:
        nights = len(half) - 1
        for part in (*PARTS, "total"):
            total = [
                sum(r.get(p, 0) for p in PARTS) if part == "total" else r.get(part, 0) for r in half
            ]
            per_night = (total[-1] - total[0]) / nights
            print(
                f"{part:<10} {total[-1] / 2**20:9.1f} MiB after {len(rows)} nights,"
                f" {per_night / 2**10:8.1f} KiB per night → {per_night * 365 / 2**20:8.1f} MiB"
                " per year"
            )


if __name__ == "__main__":
    main()
