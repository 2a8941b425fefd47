"""Great Expectations suites as Dagster asset checks; the failing expectations and sample
values go into the check's metadata so the UI shows why a night failed."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.settings import load_settings
from quality.suites import SUITES, Suite
from quality.validate import validate_in_child


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

    @dg.multi_asset_check(specs=[_spec(s) for s in suites], name=name, can_subset=True)
    def _checks(
        context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource
    ) -> Iterator[dg.AssetCheckResult]:
        selected = context.selected_asset_check_keys
        todo = [s for s in suites if _spec(s).key in selected]
        ratio = load_settings().max_quarantine_ratio
        for result in validate_in_child(Path(duckdb.database), todo, ratio):
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
