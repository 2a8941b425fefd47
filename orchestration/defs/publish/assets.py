"""The `publish` asset: the audited marts become the snapshot BI tools read."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from cchc.orchestration.constants import OWNERS
from cchc.orchestration.defs.raw.scan import SCAN_KEY
from cchc.orchestration.outcomes import check_outcome_name, read_events
from cchc.orchestration.publishing.postgres import sync_postgres
from cchc.orchestration.publishing.snapshot import publish
from cchc.orchestration.resources import PublishTarget


def build_snapshot_asset(
    mart_keys: list[dg.AssetKey], checks: list[dg.AssetCheckKey]
) -> dg.AssetsDefinition:
    """The publish asset, downstream of every mart (the marts come from the dbt manifest,
    read when the definitions are built, not at import), publishing only in a run that
    evaluated every one of `checks` (all the definitions'): a run of a subset of the job
    (publish alone from the UI, after a blocked night) would publish marts it never checked."""
    required = sorted(check_outcome_name(key.asset_key, key.name) for key in checks)

    @dg.asset(
        key=dg.AssetKey(["publish", "snapshot"]),
        group_name="publish",
        deps=[*mart_keys, SCAN_KEY],
        kinds={"duckdb", "parquet"},
        owners=OWNERS,
        description=(
            "Copies the marts into a new DuckDB file plus Parquet and atomically replaces "
            "$CCHC_PUBLISHED, only in a run that evaluated every check and whose blocking "
            "checks all passed."
        ),
    )
    def snapshot(
        context: dg.AssetExecutionContext, duckdb: DuckDBResource, target: PublishTarget
    ) -> dg.MaterializeResult:
        report = read_events(_check_evaluations(context.instance, context.run))
        passed, warned, blocking = report.passed, report.warned, [c.name for c in report.blocked]
        if blocking:  # Dagster's blocking checks already stop us; this makes sure of it.
            raise dg.Failure(
                description="Blocking checks failed; the published snapshot is unchanged: "
                + ", ".join(blocking)
            )
        evaluated = {c.name for c in report.checks}
        unchecked = [name for name in required if name not in evaluated]
        if unchecked:
            raise dg.Failure(
                description=f"Not published: {len(unchecked)} check(s) did not run in this "
                f"run ({', '.join(unchecked[:3])}{', …' if len(unchecked) > 3 else ''}). "
                "Only a run that checks what it publishes publishes: run the whole job "
                "(`cchc run`; in the Dagster UI, Materialize all). The snapshot is unchanged."
            )
        result = publish(
            Path(duckdb.database),
            Path(target.published),
            context.run_id,
            len(passed),
            len(warned),
            keep=target.keep_snapshots,
        )
        with duckdb.get_connection() as con:
            error = sync_postgres(con, Path(target.published), target.postgres_url, context.run_id)
        if error:
            raise dg.Failure(
                description="The DuckDB snapshot was published; the PostgreSQL target was "
                f"left as it was ({error}). The next run publishes both again, even if "
                "nothing new arrives."
            )
        if target.postgres_url:
            context.log.info("PostgreSQL target updated.")
        for table, count in result.row_counts.items():  # row counts shown on the marts' pages
            context.log_event(
                dg.AssetObservation(
                    asset_key=dg.AssetKey(["marts", table]), metadata={"dagster/row_count": count}
                )
            )
        return dg.MaterializeResult(
            metadata={
                "path": str(result.path),
                "data_through": str(result.data_through),
                "checks_passed": len(passed),
                "checks_warned": len(warned),
                "warned": dg.MetadataValue.json([c.name for c in warned]),
                **{f"rows_{table}": count for table, count in result.row_counts.items()},
            }
        )

    return snapshot


def _check_evaluations(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[dg.DagsterEvent]:
    """The check evaluations a publish in `run` may rely on, oldest first (the latest of a
    check wins): the run's own and, in a re-execution, those of the runs it re-executes — a
    retry from failure (the daemon's, after a crash) runs again only what failed, not the
    checks that passed — unless another run of the job came between: it may have rebuilt
    the marts those checks saw."""
    chain = [run.run_id]
    parent = run.parent_run_id
    while parent and (earlier := instance.get_run_by_id(parent)):
        chain.append(parent)
        parent = earlier.parent_run_id
    newest = instance.get_run_ids(filters=dg.RunsFilter(job_name=run.job_name), limit=len(chain))
    if newest != chain:  # both newest first
        chain = [run.run_id]
    return [
        record.dagster_event
        for run_id in reversed(chain)
        for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        if record.dagster_event is not None
    ]
