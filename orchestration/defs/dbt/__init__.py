"""dbt as Dagster assets, through dagster-dbt imported without dbt-core.

dagster-dbt imports dbt-core's adapter and result classes when it finds them: 1.5–3 s at
the start of every run, spent only on type names and status values that dagster-dbt also
defines itself for when dbt-core is absent (its supported mode for dbt's Fusion engine).
dbt never runs in this process: `dbt build` runs in the warm dbt or the dbt executable
(orchestration/warm_dbt.py), and the two dagster-dbt helpers that would load dbt here are
switched off (project.DbtCli). So dagster-dbt is imported with dbt-core hidden, which is then
visible again to anything that imports it. A process that already imported dbt-core (a test
that ran dbt in process) gets dagster-dbt's other mode: both are dagster-dbt's own.
"""

import sys

if "dagster_dbt" not in sys.modules and "dbt.version" not in sys.modules:
    sys.modules["dbt.version"] = None  # type: ignore[assignment]  # import fails: "not installed"
    try:
        import dagster_dbt  # noqa: F401
    finally:
        del sys.modules["dbt.version"]
