"""The GX validation of a run on its own: what the checks cost on a night, and on a build
where every row is new.

    python bench/checks.py WAREHOUSE [--repeat 3]

WAREHOUSE is a working warehouse after a published run (e.g. the 10 M data directory that
`bench/scale.py` leaves behind). Two copies are validated with every suite, as the run's
check step does (one GX child, forked workers): `as_is` — the nightly case, the staging
checks reading the rows written since the last publish — and `unpublished` — every build
unmarked, so they read every row, as on a first build or after a full refresh. Each
measurement starts the GX child, lets it import GX (as it does during the run's dbt
step), then times `validate` alone and polls the peak RSS of the process tree. Prints
medians and the ratio of the two.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import duckdb
from scale import _tree_rss_kib  # bench/ is the script's folder: on sys.path

from cchc.quality.suites import SUITES
from cchc.quality.validate import Validator

#: What the child needs to import GX and make its context (≈ 5 s here), with room to spare.
IMPORT_SECONDS = 12.0


def measure(warehouse: Path) -> tuple[float, float]:
    """Seconds of `validate` and peak MiB of this process's tree while it ran."""
    validator = Validator()
    try:
        time.sleep(IMPORT_SECONDS)
        peak, done = [0], threading.Event()

        def poll() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kib(os.getpid()))
                time.sleep(0.1)

        poller = threading.Thread(target=poll)
        poller.start()
        started = time.perf_counter()
        results = validator.validate(warehouse, SUITES, 0.05)
        seconds = time.perf_counter() - started
        done.set()
        poller.join()
    finally:
        validator.close()
    if failed := [f"{'/'.join(r.suite.asset)}:{r.suite.name}" for r in results if not r.success]:
        raise RuntimeError(f"checks failed, no measurement: {failed}")
    return seconds, peak[0] / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.warehouse.parent) as tmp:
        copies = {"as_is": Path(tmp) / "as_is.duckdb", "unpublished": Path(tmp) / "all.duckdb"}
        for copy in copies.values():
            shutil.copyfile(args.warehouse, copy)
        with duckdb.connect(str(copies["unpublished"])) as con:
            con.execute("update audit.dbt_builds set published_at = null")
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in copies}
        for _ in range(args.repeat):  # interleaved: a drifting machine drifts for both
            for name, copy in copies.items():
                runs[name].append(measure(copy))
                print(name, *(round(v, 2) for v in runs[name][-1]), flush=True)
    medians = {
        name: (statistics.median(s for s, _ in r), statistics.median(m for _, m in r))
        for name, r in runs.items()
    }
    for name, (seconds, mib) in medians.items():
        print(
            f"{name:12} validate {seconds:6.2f} s  peak {mib:7.0f} MiB  (median of {args.repeat})"
        )
    print(f"unpublished ÷ as_is: {medians['unpublished'][0] / medians['as_is'][0]:.2f}×")


if __name__ == "__main__":
    main()
