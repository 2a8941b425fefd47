"""The `publish` asset: the audited marts become the snapshot BI tools read."""

from pathlib import Path

import dagster as dg
import psycopg
from dagster_duckdb import DuckDBResource

from cchc.orchestration.constants import OWNERS
from cchc.orchestration.defs.raw.scan import SCAN_KEY
from cchc.orchestration.outcomes import check_outcome_name, read_events
from cchc.orchestration.publishing.postgres import publish_postgres
from cchc.orchestration.publishing.snapshot import publish, published_tables
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
        report = read_events(
            r.dagster_event
            for r in context.instance.all_logs(
                context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            )
        )
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
        if target.postgres_url:
            try:
                publish_postgres(Path(target.published), target.postgres_url, published_tables())
            except psycopg.Error as exc:
                raise dg.Failure(
                    description="The DuckDB snapshot was published; the PostgreSQL target was "
                    f"left as it was ({type(exc).__name__}: {str(exc)[:300]}). The next run "
                    "publishes it again."
                ) from None
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
