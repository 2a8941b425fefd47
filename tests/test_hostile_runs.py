"""Hostile runs: the gate's decision lasts, skipped deliveries are decided by a person,
faults end in a clear message and no half state.

Whole `cchc run`s on a small province (real Dagster, dbt, GX and DuckDB files).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cchc.orchestration import cli
from cchc.orchestration.definitions import JOB_NAME, build_definitions
from cchc.orchestration.defs.publish import assets as publish_assets
from cchc.orchestration.instance import get_instance
from cchc.orchestration.publishing.snapshot import CURRENT, SNAPSHOTS
from cchc.orchestration.settings import load_settings
from cchc.orchestration.warehouse import one_row
from cchc.quality.suites import SUITES
from cchc.quality.validate import validate
from cchc.sources.contracts import DOSSIERS
from cchc.sources.sample import SampleConfig, generate
from tests.landing_files import drop, unusable_dossiers

SAMPLE = SampleConfig(
    start=date(2026, 1, 1),
    days=20,
    dossiers_per_day=20,
    procedures=30,
    projects=4,
    broken_share=0.0,
)
BAD_DAY = "2026-01-21"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish_log(settings) -> list[tuple]:
    with duckdb.connect(str(settings.published), read_only=True) as con:
        return con.execute(
            "select run_id, accepted from marts.publish_log order by published_at"
        ).fetchall()


def published_builds(settings) -> list[bool]:
    """For each dbt build, oldest first: was a snapshot published from it (the staging key
    checks read only rows written after the newest one that was)."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute(
            "select published_at is not null from audit.dbt_builds order by build_no"
        ).fetchall()
    return [published for (published,) in rows]


def no_personal_data_stored(settings, values: list[str]) -> None:
    """No value in any text column of any schema of the working warehouse, nor anywhere in
    the Dagster instance's storage files."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns()"
            " where data_type = 'VARCHAR' and database_name = current_database()"
        ).fetchall()
        for schema, table, column in columns:
            for value in values:
                (hits,) = one_row(
                    con,
                    f'select count(*) from "{schema}"."{table}" where contains("{column}", ?)',
                    [value],
                )
                assert hits == 0, (schema, table, column, value)
    home = Path(os.environ["DAGSTER_HOME"])
    for path in home.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            assert not [v for v in values if v.encode() in blob], path


@pytest.fixture
def province(env):
    generate(env.landing_dir, SAMPLE)
    assert cli.main(["run"]) == cli.EXIT_WARNED  # published; the old sample is silent
    return env


def test_blocked_day_stays_blocked_until_redelivered(province, capsys):
    before = digest(province.published)
    drop(province.landing_dir, "dossiers", BAD_DAY, unusable_dossiers())
    capsys.readouterr()
    assert cli.main(["run"]) == 1
    err = capsys.readouterr().err
    assert "check staging/stg_dossiers:quarantine_ratio failed" in err
    assert f"dossiers/{BAD_DAY}: 2 of 2 rows quarantined" in err
    # a plain re-run with nothing changed: still blocked, snapshot byte-identical
    assert cli.main(["run"]) == 1
    assert f"dossiers/{BAD_DAY}: 2 of 2 rows quarantined" in capsys.readouterr().err
    assert digest(province.published) == before
    assert published_builds(province) == [True, False, False]
    no_personal_data_stored(province, ["Đỗ Thị Mai", "033091234500", "033091234501"])
    # a killed publish left a half snapshot and a temporary link: the next publish cleans
    leftover = province.published_dir / SNAPSHOTS / ".tmp-20260101T000000-dead"
    (leftover / "parquet").mkdir(parents=True)
    (leftover / "cchc.duckdb.wal").write_bytes(b"x")
    (province.published_dir / ".tmp-current").symlink_to(leftover)
    # a BI tool holds the published file open read-write: publishing must not need it
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; con = duckdb.connect({str(province.published)!r});"
            " print('open', flush=True); sys.stdin.readline()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        # re-delivered, fixed (here: a header-only file): the day passes, the snapshot publishes
        folder = province.landing_dir / "dossiers" / BAD_DAY
        for file in folder.iterdir():
            file.unlink()
        (folder / "extract.csv").write_text(",".join(c.header for c in DOSSIERS.columns) + "\n")
        assert cli.main(["run"]) == cli.EXIT_WARNED  # published; the old sample is silent
    finally:
        holder.kill()
    assert digest(province.published) != before
    assert not leftover.exists() and not (province.published_dir / ".tmp-current").exists()
    assert len(publish_log(province)) == 2
    assert published_builds(province) == [True, False, False, True]
    # rollback: the previous snapshot is current again, and the history says who and why
    first = sorted((province.published_dir / SNAPSHOTS).iterdir())[0]
    assert cli.main(["rollback", "--by", "An", "--reason", "số liệu sai"]) == 0
    assert (province.published_dir / CURRENT).resolve() == first
    with duckdb.connect(str(province.warehouse), read_only=True) as con:
        (note,) = con.execute(
            "select accepted from audit.publish_log order by published_at desc limit 1"
        ).fetchone()
    assert note == f"rollback to {first.name} by An: số liệu sai"
    assert cli.main(["rollback", "--by", "An", "--reason", "x"]) == 2  # nothing earlier


def test_publish_alone_after_a_blocked_night_is_refused(province):
    """A blocked night, then `publish/snapshot` materialized alone (from the UI, say): the
    marts the blocked night built are in the warehouse, unchecked by this run. Refused: the
    snapshot, the publish log and the key checks' mark stay as they were. Fails if a run
    that did not evaluate every check publishes."""
    drop(province.landing_dir, "dossiers", BAD_DAY, unusable_dossiers())
    assert cli.main(["run"]) == 1
    before = digest(province.published)
    job = build_definitions(province).resolve_job_def(JOB_NAME)
    result = job.execute_in_process(
        instance=get_instance(province),
        asset_selection=[dg.AssetKey(["publish", "snapshot"])],
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert "did not run in this run" in description and "cchc run" in description
    assert digest(province.published) == before
    assert len(publish_log(province)) == 1 and published_builds(province) == [True, False]


def _nightly() -> dg.JobDefinition:
    """The job as the daemon re-executes it: a reconstructable target."""
    return build_definitions(load_settings()).resolve_job_def(JOB_NAME)


def _publish_fails_once(monkeypatch, settings) -> str:
    """A run that checks everything and passes, whose publish step then fails (a full
    disk); returns its run id."""
    real = publish_assets.publish

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_assets, "publish", full_disk)
    job = _nightly()
    graph = job.asset_layer.asset_graph
    keys = [k for k in graph.get_all_asset_keys() if graph.get(k).is_executable]
    result = job.execute_in_process(
        instance=get_instance(settings),
        asset_selection=[k for k in keys if k.path[0] != "raw"],
        raise_on_error=False,
    )
    monkeypatch.setattr(publish_assets, "publish", real)
    assert not result.success
    return result.run_id


def test_a_retry_from_failure_publishes_on_its_parents_checks_unless_a_run_came_between(
    province, monkeypatch
):
    """The daemon retries a crashed run from the failure: only the publish step runs again,
    and it publishes on the checks its parent ran. Once another run came between, it may
    not (that run may have rebuilt the marts). Fails if the retry is refused, or if the run
    between is ignored."""
    instance = get_instance(province)

    def retry(run_id: str) -> bool:
        options = dg.ReexecutionOptions.from_failure(run_id, instance)
        with dg.execute_job(
            dg.reconstructable(_nightly), instance, reexecution_options=options
        ) as result:
            return result.success

    assert retry(_publish_fails_once(monkeypatch, province))
    assert len(publish_log(province)) == 2
    failed = _publish_fails_once(monkeypatch, province)
    assert cli.main(["run"]) == cli.EXIT_WARNED  # a night between: nothing new, kept as is
    assert not retry(failed)
    assert len(publish_log(province)) == 2


def test_skipped_deliveries_block_until_accepted_and_the_log_says_who(province, capsys, tmp_path):
    landing = province.landing_dir
    before = digest(province.published)
    misspelled = landing / "dosiers" / BAD_DAY
    misspelled.mkdir(parents=True)
    extract = drop(tmp_path, "dossiers", BAD_DAY, unusable_dossiers())
    extract.rename(misspelled / extract.name)
    drop(landing, "dossiers", "2099-01-01", unusable_dossiers())  # a future day
    drop(landing, "documents", "latest", [])  # not a date
    drop(landing, "documents", "2019-12-31", [])  # before the first partition
    capsys.readouterr()
    assert cli.main(["run"]) == 1
    out, err = capsys.readouterr()
    assert "! dosiers: unknown source folder (did you mean 'dossiers'?)" in out
    assert "! dossiers/2099-01-01: extract date in the future" in out
    assert "! documents/latest: folder name is not a date" in out
    assert "! documents/2019-12-31: extract date before the first partition" in out
    assert "(CCHC_FIRST_EXTRACT_DATE)" in out
    assert "check audit/landing_scan:accounted failed" in err
    assert digest(province.published) == before
    assert cli.main(["accept", "nothing/*", "--by", "An", "--reason", "x"]) == 2
    for item in ("dosiers", "dossiers/2099-*", "documents/*"):
        assert cli.main(["accept", item, "--by", "Nguyễn An", "--reason", "gửi nhầm"]) == 0
    assert (
        cli.main(["run"]) == cli.EXIT_WARNED
    )  # published; the old sample is silent (4 daily sources)
    out = capsys.readouterr().out
    assert "checks: " in out and " 4 warned, 0 failed" in out
    assert "warned: audit/landing_scan:freshness_dossiers" in out
    accepted = publish_log(province)[-1][1]
    assert "dosiers accepted by Nguyễn An: gửi nhầm" in accepted
    assert "dossiers/2099-01-01 accepted by Nguyễn An" in accepted
    # a loaded day emptied by the sender is an event, not a silent keep
    day = sorted((landing / "dossiers").glob("2026-01-1*"))[0]
    for file in day.iterdir():
        file.unlink()
    capsys.readouterr()
    assert cli.main(["run"]) == 1
    out = capsys.readouterr().out
    assert f"! dossiers/{day.name}: emptied after loading; the " in out


def test_second_concurrent_run_is_refused_at_once(env, capsys):
    code = (
        "import sys; from pathlib import Path; from cchc.orchestration.runlock import exclusive\n"
        f"with exclusive(Path({str(env.data_dir)!r}), 'run'):\n"
        "    print('held', flush=True); sys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert cli.main(["run"]) == 3
        err = capsys.readouterr().err
        assert f"`cchc run` (pid {holder.pid}" in err
        assert "was refused and changed nothing" in err
        assert not env.warehouse.exists()
    finally:
        holder.kill()
        holder.wait()
    # a killed holder releases the lock: the next command may work
    assert cli.main(["accept", "x", "--by", "a", "--reason", "b"]) == 2


@pytest.mark.parametrize("content", [b"", b"garbage" * 1000])
def test_broken_warehouse_says_what_to_do(env, capsys, content):
    env.warehouse.parent.mkdir(parents=True, exist_ok=True)
    env.warehouse.write_bytes(content)
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "is not a DuckDB database (empty or damaged)" in err
    assert f"mv {env.warehouse} {env.warehouse}.broken" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("CCHC_MAX_QUARANTINE_RATIO", "1%", "a share between 0 and 1, e.g. 0.01"),
        ("CCHC_MAX_QUARANTINE_RATIO", "5", "a share between 0 and 1"),
        ("CCHC_FIRST_EXTRACT_DATE", "01/01/2020", "a date like 2020-01-01"),
        ("CCHC_DATE_FLOOR", "never", "a date"),
        ("CCHC_SKIPPED_FILES", "ignore", "block or warn"),
        ("CCHC_KEEP_SNAPSHOTS", "0", "a whole number ≥ 1"),
    ],
)
def test_configuration_errors_name_the_variable_and_the_form(
    env, capsys, monkeypatch, variable, value, accepted
):
    monkeypatch.setenv(variable, value)
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert f"{variable}={value!r} is not valid: expected {accepted}" in err
    assert "Traceback" not in err


def test_reference_problems_fail_naming_the_codes_and_rows(tmp_path):
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema staging")
        con.execute(
            "create table staging.stg_agencies as select * from (values"
            " ('A', 'B'), ('B', 'A'), ('C', 'C'), ('D', 'Z9'), ('E', 'F'), ('F', null))"
            " as t(agency_code, successor_code)"
        )
        con.execute(
            "create table staging.stg_dossiers as select * from (values"
            " ('HS-1', 'E'), ('HS-2', 'W7')) as t(dossier_id, agency_code)"
        )
    chains = next(s for s in SUITES if s.name == "successor_chains")
    codes = next(
        s for s in SUITES if s.name == "agency_codes_resolve" and s.asset[1] == "stg_dossiers"
    )
    successors, agencies = validate(database, [chains, codes], 0.01)
    assert not successors.success and chains.blocking
    assert sorted(successors.failures[0]["sample"]) == [
        "A: successor cycle A → B → A",
        "B: successor cycle B → A → B",
        "C: is its own successor",
        "D: successor Z9 is not a known agency",
    ]
    assert not agencies.success
    assert agencies.failures[0]["sample"] == ["W7 (dossier HS-2)"]


def test_disk_full_and_lock_errors_read_plainly():
    from cchc.orchestration.outcomes import plain_cause

    assert plain_cause("OSError: [Errno 28] No space left on device: '/x'") == (
        "the disk is full (No space left on device): free space and run again"
    )
    assert plain_cause("x" * 5000).endswith("…") and len(plain_cause("x" * 5000)) <= 300


def test_snapshot_switch_keeps_every_path_and_prunes_old(tmp_path):
    from cchc.orchestration.publishing.snapshot import clean_leftovers, history, switch

    root = tmp_path / "published"
    (root / "parquet").mkdir(parents=True)  # the pre-snapshot layout: real files
    (root / "cchc.duckdb").write_bytes(b"old")
    for stamp in ("1", "2"):
        snap = root / SNAPSHOTS / stamp
        (snap / "parquet").mkdir(parents=True)
        (snap / "report").mkdir()
        (snap / "cchc.duckdb").write_bytes(stamp.encode())
        switch(root, snap, "cchc.duckdb")
        assert (root / "cchc.duckdb").read_bytes() == stamp.encode()
        assert (root / "parquet").is_dir() and (root / "report").is_dir()
    assert os.readlink(root / CURRENT) == f"{SNAPSHOTS}/2"
    assert [p.name for p in history(root)] == ["1", "2"]
    assert clean_leftovers(root) == []


def test_a_published_folder_copied_without_its_links_publishes_again(tmp_path):
    """`cp -r` (or a backup restored without links) turns `current` and the stable paths
    into real folders and files: the next publish makes them links again."""
    from cchc.orchestration.publishing.snapshot import switch

    first = tmp_path / "published"
    snap = first / SNAPSHOTS / "1"
    (snap / "parquet").mkdir(parents=True)
    (snap / "report").mkdir()
    (snap / "cchc.duckdb").write_bytes(b"1")
    switch(first, snap, "cchc.duckdb")
    root = tmp_path / "copied"
    shutil.copytree(first, root)  # follows the links: `current` is now a folder
    assert (root / CURRENT).is_dir() and not (root / CURRENT).is_symlink()
    snap = root / SNAPSHOTS / "2"
    shutil.copytree(root / SNAPSHOTS / "1", snap)
    (snap / "cchc.duckdb").write_bytes(b"2")
    switch(root, snap, "cchc.duckdb")
    assert os.readlink(root / CURRENT) == f"{SNAPSHOTS}/2"
    assert (root / "cchc.duckdb").read_bytes() == b"2"
    assert all((root / entry).is_symlink() for entry in ("cchc.duckdb", "parquet", "report"))
