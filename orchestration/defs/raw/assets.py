"""One daily-partitioned asset per landing-zone source, loading into `raw.<source>`."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from cchc.orchestration.changes import changed_deliveries, loaded_fingerprints
from cchc.orchestration.constants import OWNERS
from cchc.orchestration.defs.raw.scan import SCAN_KEY
from cchc.orchestration.loader import LoadSummary, load_deliveries
from cchc.orchestration.resources import LandingZone
from cchc.orchestration.warehouse import ensure_schema, one_row
from cchc.sources.contracts import CONTRACTS, REFERENCE_SOURCES, SourceContract
from cchc.sources.landing import Delivery

#: Executors that run every step of a run in one process: the job's own and the one
#: `execute_in_process` (`cchc run`) puts in its place.
ONE_PROCESS_EXECUTORS = {dg.in_process_executor.name, "execute_in_process_executor"}


def _reference_deps(contract: SourceContract) -> list[dg.AssetDep]:
    """Operational sources resolve codes against the reference data: load that first.

    All partitions, because a dossier of any day may cite an agency delivered on any day.
    Reference sources follow the landing scan: one writer of the warehouse at a time.
    """
    if contract.name in REFERENCE_SOURCES:
        return [dg.AssetDep(SCAN_KEY)]
    return [
        dg.AssetDep(dg.AssetKey(["raw", ref]), partition_mapping=dg.AllPartitionMapping())
        for ref in REFERENCE_SOURCES
    ]


def _step_order(context: dg.AssetExecutionContext) -> list[str]:
    """The sources this run loads in this process, in the order their steps run: reference
    sources first, then the others by name (the in-process executor's order; another order
    loses only the overlap). Under another executor each step is its own process: only its
    own source."""
    own = context.asset_key.path[-1]
    if context.job_def.executor_def.name not in ONE_PROCESS_EXECUTORS:
        return [own]
    selected = context.run.asset_selection
    names = [s for s in CONTRACTS if selected is None or dg.AssetKey(["raw", s]) in selected]
    return sorted(names, key=lambda s: (s not in REFERENCE_SOURCES, s))


def _read_plan(
    context: dg.AssetExecutionContext, landing: LandingZone, loaded: dict[str, str]
) -> list[tuple[SourceContract, Delivery]]:
    """What this run's loading steps will read: the days of the range not loaded as they
    are now, source by source in step order."""
    found = landing.scan()
    changed, _ = changed_deliveries(found, loaded)
    days = set(context.partition_keys)
    plan = [
        (CONTRACTS[name], found.deliveries[name][day])
        for name in _step_order(context)
        for day in sorted(changed.get(name, []))
        if day in days
    ]
    if plan:
        sources = ", ".join(dict.fromkeys(contract.name for contract, _ in plan))
        context.log.info(f"Reading ahead the {len(plan)} deliveries to load: {sources}, in order")
    return plan


def build_raw_asset(
    contract: SourceContract, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["raw", contract.name]),
        group_name="raw",
        description=(
            f"{contract.title}: every row of `landing/{contract.name}/<day>/` parsed under the "
            "source contract. Bad rows go to audit.quarantine with a reason; re-delivering a "
            "day replaces it."
        ),
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=_reference_deps(contract),
        kinds={"duckdb", "polars"},
        owners=OWNERS,
    )
    def _raw(
        context: dg.AssetExecutionContext, duckdb: DuckDBResource, landing: LandingZone
    ) -> dg.MaterializeResult:
        wanted = set(context.partition_keys)
        found = landing.scan().deliveries.get(contract.name, {})
        batch = [d for day, d in found.items() if day in wanted]
        name = contract.name

        def progress(done: LoadSummary, days: int) -> None:
            context.log.info(
                f"{name}: {len(done.days_loaded)} of {days} days, {done.rows_loaded:,} rows"
                " loaded so far"
            )

        with duckdb.get_connection() as con:
            ensure_schema(con)
            reader = landing.reader(lambda: _read_plan(context, landing, loaded_fingerprints(con)))
            summary = load_deliveries(con, contract, batch, landing.row_rules, progress, reader)
            (table_rows,) = one_row(con, f"select count(*) from raw.{contract.name}")
        metadata = {
            "dagster/row_count": table_rows,
            "days_loaded": len(summary.days_loaded),
            "days_unchanged": len(summary.days_unchanged),
            "files": summary.files,
            "rows_read": summary.rows_read,
            "rows_loaded": summary.rows_loaded,
            "rows_quarantined": summary.rows_quarantined,
            "latest_extract_date": max(summary.days_loaded, default="—"),
        }
        if summary.errors:
            raise dg.Failure(
                description=f"{len(summary.errors)} file(s) could not be loaded; their days "
                "keep what was loaded before:\n" + "\n".join(summary.errors),
                metadata=metadata,
            )
        context.log.info(
            f"{name}: {summary.rows_loaded:,} rows loaded, {summary.rows_quarantined:,}"
            f" quarantined, from {len(summary.days_loaded)} days ({summary.files} files);"
            f" {len(summary.days_unchanged)} days unchanged"
        )
        # The run's totals on the range's last day only: the asset's latest materialization,
        # the one its page shows. Metadata of the result would go on every day of the range
        # (showing run totals as each day's) and make a first load's 730 events each 40 %
        # larger to write.
        context.add_asset_metadata(metadata, partition_key=context.partition_key_range.end)
        return dg.MaterializeResult()

    return _raw


def build_raw_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    return [build_raw_asset(c, partitions) for c in CONTRACTS.values()]
