"""A real PostgreSQL server for the tests: `initdb` and `pg_ctl` from Debian's packages on
a temporary directory and port, as the `postgres` user when the tests run as root (initdb
refuses root), stopped and removed afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway server; yield the URL of its superuser `cchc` (trust auth)."""
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CCHC_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL binaries missing: .ci/run installs postgresql-15")
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql-15)")
    base = Path(tempfile.mkdtemp(prefix="cchc-pg-", dir="/tmp"))  # reachable by postgres
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_as:
        shutil.chown(base, "postgres")
    data, port = base / "data", _free_port()
    subprocess.run(
        [
            *run_as,
            bindir / "initdb",
            "-D",
            data,
            "-U",
            "cchc",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [*run_as, bindir / "pg_ctl", "-D", data, "-l", base / "log", "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://cchc@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)
