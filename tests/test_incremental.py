"""Incremental staging: nights that add days or re-deliver old ones give what a full rebuild
gives (latest version per id, re-delivered days replaced), night after night."""

from datetime import datetime

import dagster as dg
import duckdb

from cchc.orchestration.pipeline import run
from cchc.orchestration.warehouse import one_row
from tests.landing_files import AGENCY, PROCEDURE, dossier, drop


def nightly(settings, full_refresh: bool = False) -> list[dg.AssetKey]:
    """One run; returns the asset keys of its "materialization planned" events."""
    instance = dg.DagsterInstance.ephemeral()
    outcome = run(settings, instance, full_refresh)
    assert outcome.success, outcome.failures
    planned = instance.get_records_for_run(
        outcome.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, limit=10_000
    ).records
    return [
        r.event_log_entry.dagster_event.asset_key
        for r in planned
        if r.event_log_entry.dagster_event and r.event_log_entry.dagster_event.asset_key
    ]


def staged(settings) -> dict[str, str]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return dict(con.execute("select dossier_id, status from staging.stg_dossiers").fetchall())


def january(settings) -> tuple[int, int]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        received, completed = one_row(
            con,
            "select sum(received_count), sum(completed_count) from marts.fct_dossier_monthly"
            " where month = '2026-01-01'",
        )
        return received, completed


def test_new_days_and_redeliveries_update_only_what_changed(env):
    landing = env.landing_dir
    drop(landing, "agencies", "2026-01-05", [AGENCY])
    drop(landing, "procedures", "2026-01-05", [PROCEDURE])
    drop(landing, "dossiers", "2026-01-05", [dossier(1), dossier(2)])
    newer_hs1 = dossier(1, status="processing", updated_at=datetime(2026, 1, 6, 9))
    drop(landing, "dossiers", "2026-01-06", [newer_hs1, dossier(3, 6)])
    planned = nightly(env)  # a run over two days: one planned event per asset, not per day
    assert dg.AssetKey(["marts", "fct_dossier_monthly"]) in planned
    assert len(planned) == len(set(planned))
    assert staged(env) == {"HS-1": "processing", "HS-2": "received", "HS-3": "received"}

    # Next night: HS-2 completes on a new day, and the 6th is re-delivered without HS-1's
    # newer version (HS-1 falls back to the 5th) and without HS-3 (gone: no other version).
    completed = {"completed_at": datetime(2026, 1, 7, 10), "updated_at": datetime(2026, 1, 7, 10)}
    drop(landing, "dossiers", "2026-01-07", [dossier(2, status="completed", **completed)])
    drop(landing, "dossiers", "2026-01-06", [dossier(4, 6)])
    nightly(env)
    expected = {"HS-1": "received", "HS-2": "completed", "HS-4": "received"}
    assert staged(env) == expected
    assert january(env) == (3, 1)

    tamper = "update staging.stg_dossiers set status = 'withdrawn' where dossier_id = 'HS-4'"
    with duckdb.connect(str(env.warehouse)) as con:  # a row only a full rebuild would redo
        con.execute(tamper)
    nightly(env)  # nothing new: nothing recomputed
    assert staged(env) == expected | {"HS-4": "withdrawn"}

    nightly(env, full_refresh=True)
    assert staged(env) == expected
    assert january(env) == (3, 1)
