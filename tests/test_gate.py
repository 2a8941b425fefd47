"""The gate: clean runs publish, a failing blocking check keeps the snapshot byte-identical,
readers never block a run, a killed run re-runs to the same marts, no personal data leaks."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cchc.orchestration import cli, pipeline
from cchc.orchestration.pipeline import run
from cchc.orchestration.publishing.snapshot import mart_tables
from cchc.orchestration.settings import load_settings
from cchc.orchestration.warm_dbt import WarmDbt
from cchc.sources.sample import SampleConfig, generate
from tests.landing_files import drop, personal_values, unusable_dossiers

SAMPLE = SampleConfig(
    start=date(2026, 1, 1),
    days=45,
    dossiers_per_day=40,
    procedures=40,
    projects=6,
    broken_share=0.0,
)


PRINT_LOG_ROWS = (
    "print(con.execute('select count(*) from marts.publish_log').fetchone()[0], flush=True)\n"
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marts(path: Path) -> dict[str, list]:
    """Every mart's rows, sorted (load timestamps left out: they differ run to run)."""
    with duckdb.connect(str(path), read_only=True) as con:
        out = {}
        for table in mart_tables():
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema ="
                    " 'marts' and table_name = ? and column_name not in ('last_loaded_at')"
                    " order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            out[table] = sorted(
                map(repr, con.execute(f"select {', '.join(cols)} from marts.{table}").fetchall())
            )
    return out


@pytest.fixture
def province(env):
    generate(env.landing_dir, SAMPLE)
    return env


def test_clean_run_publishes_snapshot_and_parquet(province):
    outcome = run(province, dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.failures
    with duckdb.connect(str(province.published), read_only=True) as con:
        log = con.execute(
            "select run_id, data_through, checks_passed, checks_failed from marts.publish_log"
        ).fetchall()
        # the 4 failures are freshness warnings of the daily sources: this sample stopped in
        # February
        assert log == [(outcome.run_id, date(2026, 2, 14), log[0][2], 4)]
        assert log[0][2] > 50  # GX suites and dbt tests
        for table in set(mart_tables()) - {"fct_survey_monthly"}:  # no quarter ends in 45 days
            assert con.execute(f"select count(*) from marts.{table}").fetchone()[0] > 0
    parquet = province.published_dir / "parquet"
    assert {p.stem for p in parquet.glob("*.parquet")} == {*mart_tables(), "publish_log"}
    assert not [p for p in province.published_dir.iterdir() if p.name.startswith(".")]
    report = (province.published_dir / "report" / "index.html").read_text()
    assert "Kết quả cải cách hành chính năm 2026" in report


def test_quiet_night_keeps_the_snapshot_and_still_judges_the_landing_zone(
    province, capsys, monkeypatch
):
    instance = dg.DagsterInstance.ephemeral()
    assert run(province, instance).success
    before = digest(province.published)
    order: list[str] = []
    close = WarmDbt.close
    monkeypatch.setattr(WarmDbt, "close", lambda warm: (order.append("close"), close(warm))[1])
    monkeypatch.setattr(pipeline, "run", lambda *a, **kw: (order.append("run"), run(*a, **kw))[1])
    # nothing new: only the landing scan runs; freshness is judged (3 sources silent)
    assert cli.main(["run"]) == cli.EXIT_WARNED
    assert order == ["close", "run"]  # the dbt started ahead is stopped: no dbt to wait for
    out = capsys.readouterr().out
    assert "loaded: nothing new" in out and "the snapshot is kept as it is" in out
    assert "freshness_dossiers" in out
    assert digest(province.published) == before
    # a file nobody can load arrives: the quiet night still blocks on it
    (province.landing_dir / "dossiers" / "2026-02-30").mkdir()
    assert cli.main(["run"]) == cli.EXIT_BLOCKED
    assert digest(province.published) == before
    (province.landing_dir / "dossiers" / "2026-02-30").rmdir()
    # a new day is not quiet: rebuilt and published
    shutil.copytree(
        province.landing_dir / "dossiers" / "2026-02-14",
        province.landing_dir / "dossiers" / "2026-02-15",
    )
    outcome = run(province, instance)
    assert outcome.success and outcome.quiet_since is None
    assert outcome.changed == {"dossiers": ["2026-02-15"]}
    # the verdict is on the run, in the UI's runs list
    result = instance.get_run_by_id(outcome.run_id).tags["cchc/result"]
    assert result.startswith("published; 4 warning(s): freshness_"), result
    quiet = run(province, instance)
    assert instance.get_run_by_id(quiet.run_id).tags["cchc/result"].startswith("nothing new")
    with duckdb.connect(str(province.published), read_only=True) as con:
        assert con.execute("select count(*) from marts.publish_log").fetchone() == (2,)


def test_failing_blocking_check_keeps_snapshot_byte_identical(province, capsys):
    assert run(province, dg.DagsterInstance.ephemeral()).success
    before = digest(province.published)
    parquet_before = {p.name: digest(p) for p in (province.published_dir / "parquet").iterdir()}
    # A systemic problem: a new day where 2 of 3 dossiers are unusable (> 1 % quarantined).
    rows = unusable_dossiers(2)
    drop(province.landing_dir, "dossiers", "2026-02-15", rows)
    assert cli.main(["run"]) == 1
    err = capsys.readouterr().err
    assert "check staging/stg_dossiers:quarantine_ratio failed" in err
    assert digest(province.published) == before
    assert {p.name: digest(p) for p in (province.published_dir / "parquet").iterdir()} == (
        parquet_before
    )
    # nothing loaded is lost: the bad day's rows sit in quarantine, the rest stays loaded
    with duckdb.connect(str(province.warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*) from audit.quarantine where extract_date = '2026-02-15'"
        ).fetchone() == (2,)


def test_reader_holding_snapshot_open_does_not_block_a_run(province):
    assert run(province, dg.DagsterInstance.ephemeral()).success
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(province.published)!r}, read_only=True)\n"
            + PRINT_LOG_ROWS
            + "sys.stdin.readline()\n"
            + PRINT_LOG_ROWS,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "1"
        # a rebuild publishes again (a plain re-run would find nothing new and keep it)
        assert run(province, dg.DagsterInstance.ephemeral(), full_refresh=True).success
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"  # still its consistent old snapshot
    finally:
        reader.kill()
    with duckdb.connect(str(province.published), read_only=True) as con:
        assert con.execute("select count(*) from marts.publish_log").fetchone() == (2,)


def test_killed_run_reruns_to_identical_marts(province, tmp_path):
    reference = load_settings()
    env = {**os.environ, "CCHC_DATA_DIR": str(tmp_path / "killed")}
    killed_landing = tmp_path / "killed" / "landing"
    generate(killed_landing, SAMPLE)
    child = subprocess.Popen(
        [sys.executable, "-m", "cchc.orchestration.cli", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # killed at a known point: every source loaded, dbt half-way through the models
    for line in child.stderr:
        if "dbt: 10 of" in line:
            break
    else:
        pytest.fail("the run ended before dbt reported progress")
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    assert run(reference, dg.DagsterInstance.ephemeral()).success  # uninterrupted
    os.environ["CCHC_DATA_DIR"] = env["CCHC_DATA_DIR"]
    try:
        rerun = load_settings()
        assert run(rerun, dg.DagsterInstance.ephemeral()).success
    finally:
        os.environ["CCHC_DATA_DIR"] = str(reference.data_dir)
    assert marts(rerun.published) == marts(reference.published)


def test_no_personal_data_in_published_file_or_parquet(province):
    assert run(province, dg.DagsterInstance.ephemeral()).success
    names, ids = personal_values(province.landing_dir)
    with duckdb.connect(str(province.published), read_only=True) as con:
        units = [n for (n,) in con.execute("select agency_name from marts.dim_agency").fetchall()]
    # a person may share a name with a ward (Phường Nguyễn Văn Linh): that text is public
    names = {n for n in names if not any(n in unit for unit in units)}
    blobs = [province.published.read_bytes()]
    blobs += [p.read_bytes() for p in (province.published_dir / "parquet").iterdir()]
    for blob in blobs:
        for value in list(ids)[:200] + list(names)[:50]:
            assert value.encode() not in blob
    with duckdb.connect(str(province.published), read_only=True) as con:
        columns = {
            c
            for (c,) in con.execute("select column_name from information_schema.columns").fetchall()
        }
    assert not columns & {"applicant_id", "applicant_name", "applicant_key"}
