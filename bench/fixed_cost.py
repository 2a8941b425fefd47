"""The fixed cost of a run, as a newcomer and a nightly server meet it: the default sample
built from empty, a nightly increment (one new extract date on the full history), and a
night with nothing new.

    python bench/fixed_cost.py [--repeat 3] [--code DIR ...] [--work /var/tmp/cchc-fixed]
                               [--style csv_vn_bom]

Each `--code` is a checkout of this project (default: this one), run with this
interpreter, so two commits are measured side by side in one session on the same
landing zone, taking turns to go first (A B, B A, …). Per checkout and repeat: `cchc
sample` (730 days), `cchc run` (full build), `cchc sample --next 1` + `cchc run`
(nightly), `cchc run` (quiet). Prints medians in seconds, wall clock and CPU (`<step>_cpu`: user +
system time of the command and every process it waited for — dbt, the GX child and its
workers — so CPU ÷ cores bounds how fast the machine could run it); appends every
measurement to <work>/fixed_cost.jsonl.

`--style` writes the same sample (same rows, same days) in one export style instead of the
realistic mix of CSV encodings, Excel and JSON Lines: `--style csv_vn_bom` (UTF-8 CSV, one
header per file) against the default shows what the messy formats cost apart from the
orchestration.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


#: Other checkouts' packages laid out under their installed names, one folder each.
TREES = Path(tempfile.gettempdir()) / "cchc-code-trees"


@functools.cache
def command(code: Path) -> tuple[list[str], str]:
    """The `cchc` command of checkout `code` and the PYTHONPATH that makes it import that
    checkout rather than the installed one: the checkout's `cchc` namespace as a folder of
    links (.ci/namespace_tree.py) or, for a checkout from before the namespace, the checkout.
    Laid out once per checkout, not for every command."""
    tree = TREES / hashlib.sha1(str(code.resolve()).encode()).hexdigest()[:12]
    laid_out = subprocess.run(
        [sys.executable, str(HERE / ".ci" / "namespace_tree.py"), str(code), str(tree)],
        check=False,
    )
    if laid_out.returncode == 0:
        return [sys.executable, "-m", "cchc.orchestration.cli"], str(tree)
    return [sys.executable, "-m", "orchestration.cli"], str(code)


def cchc(code: Path, env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one `cchc` command run from checkout `code` (CPU: its process
    tree's, as far as each process waited for its children); exit 0 or 4 expected."""
    argv, python_path = command(code)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [*argv, *args],
        cwd=code,
        env={**env, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 4):
        raise RuntimeError(f"cchc {' '.join(args)} exited {proc.returncode}\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def measure(code: Path, work: Path, style: str | None = None) -> dict[str, float]:
    shutil.rmtree(work, ignore_errors=True)
    env = {
        **os.environ,
        "CCHC_DATA_DIR": str(work),
        "CCHC_PII_KEY": "benchmark-key",
        "DAGSTER_HOME": str(work / "dagster"),
    }
    sample = ["sample", *(["--style", style] if style else [])]
    row: dict[str, float] = {}

    def timed(step: str, *args: str) -> None:
        row[step], row[f"{step}_cpu"] = cchc(code, env, *args)

    timed("sample", *sample)
    timed("full", "run")
    # an older checkout may lack `sample --next`: then the next day is a copied day
    try:
        cchc(code, env, "sample", "--next", "1")
    except RuntimeError:
        _copy_last_day(work / "landing")
    timed("nightly", "run")
    timed("quiet", "run")
    return row


def _copy_last_day(landing: Path) -> None:
    from datetime import date, timedelta

    days = sorted(p for p in (landing / "dossiers").iterdir() if p.is_dir())
    last = date.fromisoformat(days[-1].name)
    shutil.copytree(days[-1], landing / "dossiers" / (last + timedelta(days=1)).isoformat())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/cchc-fixed"))
    parser.add_argument("--style", help="one export style for the whole sample (cchc sample)")
    args = parser.parse_args()
    codes = args.code or [HERE]
    args.work.mkdir(parents=True, exist_ok=True)
    rows: dict[Path, list[dict]] = {code: [] for code in codes}
    with (args.work / "fixed_cost.jsonl").open("a") as log:
        for repeat in range(args.repeat):
            # interleaved, so both checkouts see the same machine state, and each repeat
            # starts with the next checkout: the second of a pair ran slower (session 14)
            turn = repeat % len(codes)
            for code in codes[turn:] + codes[:turn]:
                row = measure(code, args.work / "data", args.style)
                rows[code].append(row)
                entry = {"code": str(code), "style": args.style, "repeat": repeat, **row}
                log.write(json.dumps(entry) + "\n")
                log.flush()
                print(code, json.dumps({k: round(v, 1) for k, v in row.items()}), flush=True)
    for code, measured in rows.items():
        medians = {k: statistics.median(r[k] for r in measured) for k in measured[0]}
        print(code, " ".join(f"{k} {v:.1f} s" for k, v in medians.items()))


if __name__ == "__main__":
    main()
