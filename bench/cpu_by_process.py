"""Which process of a run uses the cores, and when: CPU seconds per process of a command's
tree, and a timeline of the cores each used per half second.

    python bench/cpu_by_process.py [--every 0.05] -- cchc run

A run of this pipeline is several processes at once — `cchc run`, the warm dbt that
serves its dbt step, the GX child and its two workers — so a run's wall time is not the sum
of its steps' CPU. This samples /proc (Linux) every `--every` seconds: a process that lives
less than that, and the last interval of each, are missed. The sampler itself uses a few
per cent of one core. For the run's total CPU as the kernel counts it, see
bench/fixed_cost.py (`<step>_cpu`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
BUCKET = 0.5


@dataclass
class Seen:
    """One process of the tree as last sampled."""

    command: str
    first: float
    last: float = 0.0
    cpu: float = 0.0
    #: CPU seconds used by the end of each bucket it was seen in
    by_bucket: dict[int, float] = field(default_factory=dict)


def _processes() -> dict[int, tuple[int, float, str]]:
    """{pid: (parent pid, CPU seconds so far, command line)} of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended while being read
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
        found[int(entry.name)] = (int(fields[1]), cpu, command.strip() or stat.split()[1])
    return found


def _tree(root: int, processes: dict[int, tuple[int, float, str]]) -> set[int]:
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, (parent, _, _) in processes.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def sample(argv: list[str], every: float) -> tuple[int, float, dict[int, Seen]]:
    """Run `argv`; its exit code, wall seconds and every process seen in its tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv)
    seen: dict[int, Seen] = {}
    while proc.poll() is None:
        now = time.perf_counter() - started
        processes = _processes()
        for pid in _tree(proc.pid, processes):
            if pid not in processes:
                continue
            _, cpu, command = processes[pid]
            process = seen.setdefault(pid, Seen(command, now))
            process.last, process.cpu = now, cpu
            process.by_bucket[int(now / BUCKET)] = cpu
        time.sleep(every)
    return proc.returncode, time.perf_counter() - started, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0.05, help="seconds between samples")
    parser.add_argument("--min-cpu", type=float, default=0.2, help="timeline rows above this")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not argv:
        parser.error("a command to run is required")
    code, wall, seen = sample(argv, args.every)
    print(f"exit {code}, wall {wall:.2f} s, CPU {sum(p.cpu for p in seen.values()):.2f} s")
    print("     pid    CPU s   from →   to  command")
    order = sorted(seen.items(), key=lambda item: item[1].first)
    for pid, process in order:
        span = f"{process.first:6.1f} → {process.last:5.1f}"
        print(f"{pid:8d} {process.cpu:8.2f}  {span}  {process.command[:100]}")
    print(f"\ncores used per {BUCKET} s (· not running), processes above {args.min_cpu} s CPU:")
    buckets = int(wall / BUCKET) + 1
    for pid, process in order:
        if process.cpu < args.min_cpu:
            continue
        row, before = [], 0.0
        for bucket in range(buckets):
            if bucket not in process.by_bucket:
                row.append("  ·")
                continue
            used = process.by_bucket[bucket]
            row.append(f"{(used - before) / BUCKET:3.1f}")
            before = used
        print(f"{pid:8d} {' '.join(row)}")


if __name__ == "__main__":
    main()
