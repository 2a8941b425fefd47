"""Raw assets: partitions, re-delivery, idempotence, quarantine, code resolution, PII."""

import hashlib
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cchc.orchestration import loader
from cchc.orchestration.definitions import build_definitions
from cchc.orchestration.partitions import range_tags
from cchc.orchestration.warehouse import PSEUDONYM_COLUMN
from cchc.sources.contracts import CONTRACTS
from cchc.sources.sample import SampleConfig, generate
from tests.landing_files import AGENCY, PROCEDURE, dossier, drop


def materialize(settings, keys: list[str], first: str, last: str) -> dg.ExecuteInProcessResult:
    defs = build_definitions(settings)
    job = defs.resolve_implicit_global_asset_job_def()
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        asset_selection=[dg.AssetKey(["raw", k]) for k in keys],
        tags=range_tags(first, last),
        raise_on_error=False,
    )


def query(settings, sql: str):
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def landing(env) -> Path:
    drop(env.landing_dir, "agencies", "2026-01-06", [AGENCY])
    drop(env.landing_dir, "procedures", "2026-01-06", [PROCEDURE])
    drop(env.landing_dir, "dossiers", "2026-01-05", [dossier(1), dossier(2)])
    drop(env.landing_dir, "dossiers", "2026-01-06", [dossier(3, 6), dossier(4, 6)])
    return env.landing_dir


ALL = ["agencies", "procedures", "dossiers"]


def test_reference_loaded_later_in_the_same_run_still_resolves(env, landing):
    # Agencies and procedures arrive on the 6th, dossiers citing them on the 5th: one run.
    result = materialize(env, ALL, "2026-01-05", "2026-01-06")
    assert result.success
    assert query(env, "select count(*) from raw.dossiers") == [(4,)]
    assert query(env, "select count(*) from audit.quarantine") == [(0,)]


def test_each_file_read_equals_loaded_plus_quarantined(env, landing):
    drop(
        landing,
        "dossiers",
        "2026-01-07",
        [dossier(5, 7), dossier(6, 7, agency_code="H31.999"), dossier(5, 7)],
        name="dup",
    )
    assert materialize(env, ALL, "2026-01-05", "2026-01-07").success
    log = query(
        env,
        "select file, rows_read, rows_loaded, rows_quarantined"
        " from audit.ingestion_log where source = 'dossiers' order by file",
    )
    assert [(r, ok, bad) for _, r, ok, bad in log] == [(2, 2, 0), (2, 2, 0), (3, 1, 2)]
    reasons = sorted(r for (r,) in query(env, "select reason from audit.quarantine"))
    assert reasons[0] == "agency_code: unknown agency code 'H31.999'"
    assert reasons[1].startswith("dossier_id: duplicate of row 2 in ")


def test_a_backfill_in_bounded_batches_loads_the_same(env, landing, monkeypatch):
    # Long backfills are parsed a few days at a time; one day per batch changes no result.
    monkeypatch.setattr(loader, "CHUNK_BYTES", 1)
    drop(landing, "dossiers", "2026-01-07", [dossier(5, 7), dossier(5, 7)], name="dup")
    assert materialize(env, ALL, "2026-01-05", "2026-01-07").success
    assert query(env, "select count(*) from raw.dossiers") == [(5,)]
    log = query(env, "select sum(rows_read), sum(rows_quarantined) from audit.ingestion_log")
    assert log == [(8, 1)]
    (reason,) = query(env, "select reason from audit.quarantine")[0]
    assert reason.startswith("dossier_id: duplicate of row 2 in ")


def test_redelivery_replaces_the_day_and_same_day_twice_changes_nothing(env, landing):
    assert materialize(env, ALL, "2026-01-05", "2026-01-06").success
    before = query(env, "select * from raw.dossiers order by dossier_id")
    assert materialize(env, ["dossiers"], "2026-01-05", "2026-01-06").success
    assert query(env, "select * from raw.dossiers order by dossier_id") == before

    drop(landing, "dossiers", "2026-01-05", [dossier(1, status="processing")])  # re-delivery
    assert materialize(env, ["dossiers"], "2026-01-05", "2026-01-05").success
    rows = query(env, "select dossier_id, status from raw.dossiers order by dossier_id")
    assert rows == [("HS-1", "processing"), ("HS-3", "received"), ("HS-4", "received")]


def test_missing_column_fails_the_partition_and_keeps_what_was_loaded(env, landing):
    assert materialize(env, ALL, "2026-01-05", "2026-01-06").success
    bad = landing / "dossiers" / "2026-01-05" / "extract.csv"
    text = bad.read_bytes().decode("utf-8-sig").splitlines()
    header = text[0].split(",")
    keep = [i for i, h in enumerate(header) if h != "Hạn trả kết quả"]
    bad.write_text("\n".join(",".join(line.split(",")[i] for i in keep) for line in text))
    result = materialize(env, ["dossiers"], "2026-01-05", "2026-01-05")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.user_failure_data.description
    assert "extract.csv" in message and "due_at (Hạn trả kết quả)" in message
    assert query(env, "select count(*) from raw.dossiers") == [(4,)]


def test_personal_data_is_pseudonymised_in_raw(env, landing):
    assert materialize(env, ALL, "2026-01-05", "2026-01-06").success
    cols = {
        c
        for (c,) in query(
            env, "select column_name from information_schema.columns where table_schema = 'raw'"
        )
    }
    assert "applicant_id" not in cols and "applicant_name" not in cols
    keys = query(env, f"select {PSEUDONYM_COLUMN} from raw.dossiers order by dossier_id")
    assert all(len(k) == 32 and not k.startswith("0330") for (k,) in keys)
    # keyed BLAKE2b-128 of the applicant id under CCHC_PII_KEY (tests/conftest.py)
    expected = hashlib.blake2b(b"033090000001", key=b"test-key-not-secret", digest_size=16)
    assert keys[0] == (expected.hexdigest(),)
    dump = str(query(env, "select * from raw.dossiers"))
    assert "Trần Văn Bình" not in dump and "033090000001" not in dump


def test_generated_two_year_sample_loads_without_losing_a_row(env):
    generate(
        env.landing_dir,
        SampleConfig(
            start=date(2024, 11, 1), days=730, dossiers_per_day=6, procedures=40, projects=5
        ),
    )
    keys = list(CONTRACTS)
    assert materialize(env, keys, "2024-11-01", "2026-10-31").success
    mismatched = query(
        env,
        "select file from audit.ingestion_log where rows_read <> rows_loaded + rows_quarantined",
    )
    assert mismatched == []
    files = sum(1 for p in env.landing_dir.rglob("*") if p.is_file())
    assert query(env, "select count(distinct file) from audit.ingestion_log") == [(files,)]
    raw_rows = sum(query(env, f"select count(*) from raw.{k}")[0][0] for k in keys)
    loaded = query(env, "select sum(rows_loaded) from audit.ingestion_log")[0][0]
    assert raw_rows == loaded
