"""Great Expectations suites and the quarantine-ratio gate as Dagster asset checks; the
failing expectations, sample values and source-days go into the check's metadata so the UI
shows why a night failed."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from cchc.orchestration.resources import GxValidation, LandingZone
from cchc.quality.gate import over_ratio
from cchc.quality.suites import SUITES, Suite
from cchc.sources.contracts import CONTRACTS

RATIO_CHECK = "quarantine_ratio"


def _ratio_spec(source: str) -> dg.AssetCheckSpec:
    """On the staging model, which every run builds: the rule is judged over every loaded
    day on every run, so a day that failed keeps failing until re-delivered or accepted."""
    return dg.AssetCheckSpec(
        name=RATIO_CHECK,
        asset=dg.AssetKey(["staging", f"stg_{source}"]),
        description="Blocking: no loaded source-day quarantines more than "
        "CCHC_MAX_QUARANTINE_RATIO of its rows, unless a person accepted it (`cchc accept`).",
    )


def _spec(suite: Suite) -> dg.AssetCheckSpec:
    """Blocking suites on marts are Dagster-blocking (their only downstream is `publish`).

    On raw and staging assets a Dagster-blocking check would split `dbt build` into one
    invocation per layer around the check step; there the suite fails with ERROR severity
    instead, and the publish asset refuses to run on any ERROR failure of its run.
    """
    return dg.AssetCheckSpec(
        name=suite.check_name,
        asset=dg.AssetKey(list(suite.asset)),
        blocking=suite.blocking and suite.asset[0] == "marts",
        description=f"{'Blocking' if suite.blocking else 'Warning'} (GX): {suite.description}",
    )


def _build(name: str, suites: list[Suite]) -> dg.AssetChecksDefinition:
    """One step validates all its suites: GX is imported once per run, not per check."""

    specs = [_spec(s) for s in suites] + [_ratio_spec(source) for source in CONTRACTS]

    @dg.multi_asset_check(specs=specs, name=name, can_subset=True)
    def _checks(
        context: dg.AssetCheckExecutionContext,
        duckdb: DuckDBResource,
        landing: LandingZone,
        gx: GxValidation,
    ) -> Iterator[dg.AssetCheckResult]:
        selected = context.selected_asset_check_keys
        todo = [s for s in suites if _spec(s).key in selected]
        ratio = landing.max_quarantine_ratio
        with duckdb.get_connection() as con:
            for source in CONTRACTS:
                if _ratio_spec(source).key not in selected:
                    continue
                items = over_ratio(con, source, ratio)
                yield dg.AssetCheckResult(
                    asset_key=_ratio_spec(source).asset_key,
                    check_name=RATIO_CHECK,
                    passed=not items,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={
                        "days_over": len(items),
                        "failures": dg.MetadataValue.json([str(i) for i in items[:20]]),
                    },
                )
        for result in gx.run_suites(Path(duckdb.database), todo, ratio):
            suite = result.suite
            yield dg.AssetCheckResult(
                asset_key=dg.AssetKey(list(suite.asset)),
                check_name=suite.check_name,
                passed=result.success,
                severity=dg.AssetCheckSeverity.ERROR
                if suite.blocking
                else dg.AssetCheckSeverity.WARN,
                metadata={
                    "expectations": result.evaluated,
                    "failed": len(result.failures),
                    "failures": dg.MetadataValue.json(result.failures),
                },
                description=suite.description,
            )

    return _checks


#: One step for every suite: one child process, one GX import per run.
GX_CHECKS = [_build("gx_suites", SUITES)]
