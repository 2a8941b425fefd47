"""One `cchc` command at a time on a data folder: the working DuckDB file has one writer.

A second `cchc run` (or `accept`, `rollback`) is refused at once, naming the one at work,
instead of failing somewhere in the middle with a DuckDB lock traceback. The lock is an
advisory `flock`: the kernel releases it when its holder dies, even by `kill -9`.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

LOCK_FILE = ".cchc.lock"


class Busy(RuntimeError):
    """Another command holds the data folder."""


@contextmanager
def exclusive(data_dir: Path, what: str) -> Iterator[None]:
    """Hold the data folder's lock for `what`, or raise Busy naming the holder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text().strip() or "another process"
            raise Busy(
                f"{holder} is working on {data_dir}; this `cchc {what}` was refused and changed "
                "nothing. Run it again when that one has finished."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"`cchc {what}` (pid {os.getpid()}, since {datetime.now():%H:%M:%S})".encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock
